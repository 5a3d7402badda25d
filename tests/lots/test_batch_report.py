"""The batch report of one lot, from records written to a real database: every table holds that lot's rows and no
other lot's, fail-safes and alarms with their times, calibration saves and lot changes from the audit trail, and a
broken chain is said, not hidden."""
import sqlite3

import pytest

from inspector import audit
from inspector.actions import NO_USERS
from inspector.line.lots import LOT_CHANGE
from inspector.permissions import CALIBRATION_SAVE
from inspector.reports import BatchReportError, batch_report, write_batch_report
from inspector.reports.batch_csv import read_batch_csv
from inspector.store import Store
from tests.store.conftest import make_record

T = "2026-11-22T10:{:02d}:00.000+00:00"


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "inspector.db") as store:
        store.start_run("run-1", recipe="blister-10", station_config={"station_id": "line-3",
                        "camera": {"controls": {"exposure": 8.0, "gain": 2.0}}, "timing": {"travel_s": 0.6}}, lot="4711")
        audit.append(store, NO_USERS, CALIBRATION_SAVE, "station.toml", {"exposure": 10.0}, {"exposure": 8.0},
                     "glare on the lids", at=T.format(0))
        for i in range(1, 11):
            outcome = {3: "reject", 5: "fail_safe", 8: "fail_safe"}.get(i, "pass")
            cause = {5: "late", 8: "no_frame"}.get(i)
            store.insert(make_record(i, outcome, wall_time=T.format(i), lot="4711" if i <= 8 else "4712",
                                     fail_safe_cause=cause, reason=f"{cause or 'count'} at part {i}"))
        store.add_alarm("camera_lost", "no frame", part_id=8, wall_time=T.format(8))
        store.add_alarm("camera_lost", "no frame", part_id=9, wall_time=T.format(9))  # lot 4712's
        audit.append(store, NO_USERS, LOT_CHANGE, "line:run-1", {"lot": "4711", "running": True}, {"lot": "4712"},
                     "next order", at=T.format(9))
        audit.append(store, NO_USERS, CALIBRATION_SAVE, "station.toml", {"gain": 2.0}, {"gain": 3.0},
                     "after the lot", at=T.format(30))
        yield store


def test_the_report_holds_only_its_lots_parts_and_alarms(store):
    report = batch_report(store, "4711")
    assert report.parts == 8 and report.outcomes == {"pass": 5, "reject": 1, "fail_safe": 2}
    assert (report.first, report.last) == (T.format(1), T.format(8)) and report.station == "line-3"
    fail_safes = report.table("fail_safes").rows
    assert [(r[0], r[1], r[2]) for r in fail_safes] == [(5, T.format(5), "late"), (8, T.format(8), "no_frame")]
    assert [(r[0], r[1], r[2]) for r in report.table("alarms").rows] == [(T.format(8), "camera_lost", 8)]
    assert sum(r[3] for r in report.table("reasons").rows) == 3


def test_calibration_in_force_and_the_saves_before_the_lots_end(store):
    report = batch_report(store, "4711")
    [run] = report.table("calibration").rows
    assert run[0] == "run-1" and run[2:4] == [8.0, 2.0]
    saves = report.table("calibration_saves").rows
    assert [s[5] for s in saves] == ["glare on the lids"]  # the save after the lot's last part is not in force
    [change] = report.table("lot_changes").rows
    assert change[3:6] == ["4711", "4712", "next order"]


def test_an_unknown_lot_is_refused_naming_the_lots_held(store):
    with pytest.raises(BatchReportError, match="--lot = '4799': no part of this lot.*4712, 4711"):
        batch_report(store, "4799")


def test_a_broken_chain_is_said_in_the_report(store, tmp_path):
    conn = sqlite3.connect(store.path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET reason = 'nothing happened' WHERE id = 1")
    conn.commit()
    report = batch_report(store, "4711")
    assert not report.chain.ok and "entry 1 changed" in report.chain.text
    write_batch_report(report, tmp_path / "lot.csv")
    [chain] = read_batch_csv(tmp_path / "lot.csv")["chain"]
    assert chain["result"] == "BROKEN"


def test_the_csv_has_one_section_per_table_and_the_pdf_is_written_whole(store, tmp_path):
    report = batch_report(store, "4711")
    write_batch_report(report, tmp_path / "lot.csv")
    write_batch_report(report, tmp_path / "lot.pdf")
    sections = read_batch_csv(tmp_path / "lot.csv")
    assert list(sections) == ["summary", *(t.key for t in report.tables)]
    assert [int(r["part_id"]) for r in sections["fail_safes"]] == [5, 8]
    assert (tmp_path / "lot.pdf").read_bytes()[:5] == b"%PDF-" and not list(tmp_path.glob(".*partial"))
    with pytest.raises(BatchReportError, match="written as .pdf or .csv"):
        write_batch_report(report, tmp_path / "lot.docx")
