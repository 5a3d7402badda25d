"""Acceptance: a 300-part lot on the simulated line, reviewed by QA, then its batch report (PDF and CSV) through the
CLI, checked against the run report the line itself wrote."""
import json
import shutil
import subprocess
from collections import Counter

import pytest

from inspector import actions
from inspector.cli import main
from inspector.reports.batch_csv import read_batch_csv
from inspector.review import QueueFilter, Review
from inspector.store import Store
from inspector.users import UserDirectory

pytestmark = pytest.mark.timeout(600)  # a 300-part run (15 s on a quiet machine) on 2 shared cores

LOT = "4711"
PARTS = 300
PINS = {"adam": "715493", "quinn": "593268"}


@pytest.fixture(scope="module")
def lot(tmp_path_factory):
    root = tmp_path_factory.mktemp("lot")
    data = root / "data"
    with Store.open(data / "inspector.db") as store:  # the station's people, before the line runs
        people = UserDirectory(store)
        people.add(None, "adam", "admin", PINS["adam"], reason="first admin, at install")
        people.add(people.login("adam", PINS["adam"]), "quinn", "qa", PINS["quinn"], reason="QA for the lot")
    code = main(["run", "--simulate", "--headless", "--parts", str(PARTS), "--rate", "25", "--lot", LOT, "--seed", "11",
                 "--report", str(root / "run.json"), "--data-dir", str(data)])
    assert code == 0
    with Store.open(data / "inspector.db") as store:  # QA reviews three parts of the lot, one correction signed
        quinn = UserDirectory(store).login("quinn", PINS["quinn"])
        review = Review(store)
        items = review.queue(QueueFilter(lot=LOT), limit=3).items
        assert len(items) == 3
        for item in items[:2]:
            actions.submit_label(quinn, review, item.record.part_id, "confirm")
        actions.submit_label(quinn, review, items[2].record.part_id, "correct", label="scrap", pin=PINS["quinn"],
                             reason="dented lid, seen on the image")
    for suffix in ("pdf", "csv"):
        assert main(["report", "--lot", LOT, "--out", str(root / f"lot.{suffix}"), "--data-dir", str(data)]) == 0
    return root, json.loads((root / "run.json").read_text()), read_batch_csv(root / "lot.csv")


def test_the_batch_report_counts_what_the_run_report_counted(lot):
    _, run, report = lot
    summary = {row["key"]: row["value"] for row in report["summary"]}
    assert summary["lot"] == LOT and summary["station"] == "sim-1" and summary["recipes"] == run["recipe"]
    assert int(summary["parts"]) == run["recorded"] == PARTS
    outcomes = {row["outcome"]: int(row["parts"]) for row in report["outcomes"] if row["outcome"] != "total"}
    assert outcomes == run["outcomes"]
    not_passed = PARTS - run["outcomes"].get("pass", 0)
    assert sum(int(row["parts"]) for row in report["reasons"]) == not_passed
    assert len(report["fail_safes"]) == run["outcomes"].get("fail_safe", 0)
    causes = Counter(row["cause"] for row in report["fail_safes"])
    assert dict(causes) == run["fail_safe_causes"]


def test_the_batch_report_names_the_model_and_recipe_versions_the_run_used(lot):
    _, run, report = lot
    [versions] = report["versions"]  # one recipe and one set of models decided the whole lot
    assert versions["models"] == " + ".join(f"{name} {v}" for name, v in sorted(run["models"].items()))
    assert int(versions["parts"]) == PARTS and versions["recipe"] == run["recipe"]
    packages = {(row["model"], row["version"]) for row in report["packages"]}
    assert packages == {(name, v.split(" ")[0]) for name, v in run["models"].items()}
    assert all(len(row["package_id"]) == 64 for row in report["packages"])
    assert [row["run_id"] for row in report["runs"]] == [run["run_id"]]
    assert [row["run_id"] for row in report["calibration"]] == [run["run_id"]]


def test_the_batch_report_shows_each_qa_disposition_and_who_signed_it(lot):
    _, _, report = lot
    audit_of = {row["verdict"]: row["audit"] for row in report["qa_dispositions"]}
    assert audit_of == {"confirm": "audited", "correct": "signed"}
    assert {row["reviewer"] for row in report["qa_dispositions"]} == {"quinn"}
    assert {(r["verdict"], r["parts"]) for r in report["qa_summary"]} == {("confirm", "2"), ("correct", "1")}
    [chain] = report["chain"]
    assert chain["result"] == "intact"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_pdf_has_a_title_block_page_numbers_and_a_signature_line(lot):
    root, run, _ = lot
    text = subprocess.run(["pdftotext", "-layout", str(root / "lot.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")[:-1]
    assert pages and all(f"page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert f"Batch report: lot {LOT}" in pages[0] and run["recipe"] in pages[0] and "sim-1" in pages[0]
    assert "Name (QA manager)" in pages[-1] and "Signature" in pages[-1] and "Date" in pages[-1]
