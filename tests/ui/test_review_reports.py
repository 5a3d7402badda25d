"""Reviewer and quality reports over labels written by the review core: charts, tables and the CSV export."""
import csv

import pytest
from PySide6.QtCore import QPoint, Qt

from inspector.review import Review
from tests.ui.review_data import review_store
from ui.review.reports import ReportsView
from ui.review.screen import ReviewScreen

DAY1, DAY2 = "2026-03-02T10:00:00.000+00:00", "2026-03-03T10:00:00.000+00:00"


@pytest.fixture
def store(tmp_path, boxes, parts):
    store = review_store(tmp_path, boxes, parts)
    yield store
    store.close()


def give_verdicts(store):
    """alice: 3 items on day 1, 1 on day 2; bob: 2 on day 2. Returns the parts by what they are."""
    records = store.records(limit=None, newest_first=False)
    boxes = sorted((r for r in records if r.count is not None), key=lambda r: -r.count)  # 24, 23, 22
    surface = [r for r in records if r.label is not None]
    good = [r for r in surface if r.label == "good"]
    defect = [r for r in surface if r.label == "defect"]
    day1, day2 = Review(store, clock=lambda: DAY1), Review(store, clock=lambda: DAY2)
    day1.submit(boxes[0].part_id, "alice", "confirm", seconds_spent=4.0)  # 24 = 24
    day1.submit(boxes[1].part_id, "alice", "correct", count=24, seconds_spent=10.0)  # model 23, QA 24: error -1
    day1.submit(good[0].part_id, "alice", "correct", label="defect", seconds_spent=6.0)  # good -> defect
    day2.submit(defect[0].part_id, "alice", "confirm", seconds_spent=2.0)
    day2.submit(boxes[2].part_id, "bob", "correct", count=24, seconds_spent=20.0)  # model 22, QA 24: error -2
    day2.submit(defect[1].part_id, "bob", "inconclusive", seconds_spent=30.0)
    return boxes, good, defect


def open_reports(qtbot, store, **kw):
    view = ReportsView(store, **kw)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    view.refresh()
    return view


def cell(table, row, col):
    return table.item(row, col).text()


def test_items_per_reviewer_per_day_and_seconds_per_item(qtbot, store):
    give_verdicts(store)
    view = open_reports(qtbot, store)
    assert view.bars == {"alice": [3, 1], "bob": [0, 2]}  # days 03-02 and 03-03
    ticks = [label for _, label in view.per_day.getAxis("bottom")._tickLevels[0]]
    assert ticks == ["03-02", "03-03"]
    headers = [view.reviewers.horizontalHeaderItem(c).text() for c in range(view.reviewers.columnCount())]
    assert [h.replace("\n", " ") for h in headers] == ["Reviewer", "Items", "Min s", "Mean s", "Median s", "Max s",
                                                       "Audits", "Audit pass", "Model agrees"]
    rows = {cell(view.reviewers, r, 0): [cell(view.reviewers, r, c) for c in range(1, 9)]
            for r in range(view.reviewers.rowCount())}
    # alice: 4, 10, 6, 2 s; agreed with the model on the box of 24 and the defect (2 of 4). bob: 20, 30 s; his
    # one value (24 for a box of 22) is not the model's. No audits were sampled: no pass rate.
    assert rows == {"alice": ["4", "2.0", "5.5", "5.0", "10.0", "0", "–", "50%"],
                    "bob": ["2", "20.0", "25.0", "25.0", "30.0", "0", "–", "0%"]}


def test_agreement_per_model_version_confusion_matrix_and_count_errors(qtbot, store):
    boxes, good, defect = give_verdicts(store)
    view = open_reports(qtbot, store)
    assert len(view.models) == 2  # the counter's parts and the classifier's parts
    counter = next(k for k in view.models if k.startswith("cartridge_counter"))
    classifier = next(k for k in view.models if k.startswith("surface_classifier"))

    view.set_model(classifier)
    headers = [view.confusion.horizontalHeaderItem(c).text() for c in range(view.confusion.columnCount())]
    assert headers == ["model ↓ QA →", "defect", "good"]
    matrix = {cell(view.confusion, r, 0): [cell(view.confusion, r, c) for c in (1, 2)]
              for r in range(view.confusion.rowCount())}
    assert matrix == {"defect": ["1", "0"], "good": ["1", "0"]}  # one defect confirmed, one good found defect
    assert "2 parts reviewed" in view.summary.text() and "50.0 %" in view.summary.text()

    picker = view.pick_model()
    qtbot.mouseClick(picker.buttons[counter], Qt.MouseButton.LeftButton)
    assert view.model_key == counter and counter[:20] in view.model_button.text()
    bars = view.errors.getPlotItem().listDataItems() or view.errors.getPlotItem().items
    histogram = next(item for item in bars if hasattr(item, "opts") and "height" in item.opts)
    assert dict(zip(histogram.opts["x"], histogram.opts["height"])) == {-2: 1, -1: 1, 0: 1}
    assert "33.3 %" in view.summary.text()


def test_export_csv_writes_the_reports_through_the_core(qtbot, store, tmp_path):
    give_verdicts(store)
    view = open_reports(qtbot, store, export_dir=tmp_path / "exports")
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    names = sorted(p.name for p in view.exported)
    assert names == ["agreement.csv", "confusion.csv", "count_errors.csv", "reviewer_totals.csv", "reviewers.csv"]
    assert all(p.parent.parent == tmp_path / "exports" for p in view.exported)
    with open(next(p for p in view.exported if p.name == "reviewers.csv"), newline="") as f:
        rows = {(r["reviewer"], r["day"]): int(r["items"]) for r in csv.DictReader(f)}
    assert rows == {("alice", "2026-03-02"): 3, ("alice", "2026-03-03"): 1, ("bob", "2026-03-03"): 2}
    assert "Wrote 5 CSV files" in view.message.text()


def test_export_where_a_file_is_in_the_way_says_which_folder_failed(qtbot, store, tmp_path):
    give_verdicts(store)
    in_the_way = tmp_path / "exports"
    in_the_way.write_text("not a folder")
    view = open_reports(qtbot, store, export_dir=in_the_way)
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert view.exported == [] and in_the_way.read_text() == "not a folder"
    assert "failed" in view.message.text() and str(in_the_way) in view.message.text()


def test_reports_open_from_the_review_screen_and_follow_new_verdicts(qtbot, store):
    screen = ReviewScreen(Review(store), reviewer="alice")
    qtbot.addWidget(screen)
    screen.resize(1920, 1080)
    screen.show()
    screen.model.confirm()
    qtbot.mouseClick(screen.reports_button, Qt.MouseButton.LeftButton)
    assert screen.reports.isVisible() and screen.reports.bars == {"alice": [1]}
    qtbot.mouseClick(screen.reports_button, Qt.MouseButton.LeftButton)
    screen.model.confirm()
    qtbot.mouseClick(screen.reports_button, Qt.MouseButton.LeftButton)
    assert screen.reports.bars == {"alice": [2]}


def test_one_model_version_filters_every_chart_and_all_models_sums_them(qtbot, store):
    boxes, good, defect = give_verdicts(store)
    view = open_reports(qtbot, store)
    assert view.model_key is None and "all models" in view.model_button.text()
    assert "5 parts reviewed" in view.summary.text()  # every version's verdicts with a value (not bob's unsure)
    counter = next(k for k in view.models if k.startswith("cartridge_counter"))
    picker = view.pick_model()
    qtbot.mouseClick(picker.buttons[counter], Qt.MouseButton.LeftButton)
    assert view.bars == {"alice": [2, 0], "bob": [0, 1]}  # only the counted boxes
    rows = {cell(view.reviewers, r, 0): cell(view.reviewers, r, 1) for r in range(view.reviewers.rowCount())}
    assert rows == {"alice": "2", "bob": "1"}
    qtbot.mouseClick(view.pick_model().buttons["ALL MODELS"], Qt.MouseButton.LeftButton)
    assert view.bars == {"alice": [3, 1], "bob": [0, 2]}


def test_a_time_range_keeps_the_verdicts_given_in_it(qtbot, store, tmp_path):
    boxes, good, defect = give_verdicts(store)
    view = open_reports(qtbot, store, export_dir=tmp_path / "exports")
    qtbot.mouseClick(view.pick_time().buttons["LAST 7 DAYS"], Qt.MouseButton.LeftButton)
    assert view.time_button.text() == "TIME: LAST 7 DAYS"
    assert view.bars == {} and view.reviewers.rowCount() == 0 and "No verdicts" in view.summary.text()
    Review(store).submit(good[1].part_id, "carol", "confirm", seconds_spent=3.0)  # given now
    view.refresh()
    assert list(view.bars) == ["carol"] and cell(view.reviewers, 0, 4) == "3.0"  # median s
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    with open(next(p for p in view.exported if p.name == "reviewers.csv"), newline="") as f:
        assert [r["reviewer"] for r in csv.DictReader(f)] == ["carol"]  # the CSV holds what is shown


@pytest.mark.parametrize("size", [(800, 480), (1920, 1080)])
def test_the_report_buttons_show_their_whole_words(qtbot, store, size):
    give_verdicts(store)
    screen = ReviewScreen(Review(store), reviewer="alice")
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.show()
    qtbot.mouseClick(screen.reports_button, Qt.MouseButton.LeftButton)
    view = screen.reports
    view.set_model(next(k for k in view.models if k.startswith("cartridge_counter")))  # a long name beside them
    qtbot.wait(50)
    for button in (view.time_button, view.export_button):
        words = button.fontMetrics().horizontalAdvance(button.text())
        assert button.isVisible() and button.contentsRect().width() >= words, (button.text(), button.width(), words)
        corner = button.mapTo(screen, QPoint(button.width() - 1, button.height() - 1))
        assert screen.rect().contains(corner) and button.height() >= 48


def test_batch_report_writes_the_pdf_of_the_lot_tapped(qtbot, tmp_path, boxes, parts):
    import dataclasses

    from inspector.store import Store

    store = review_store(tmp_path, boxes, parts)
    try:
        with Store.open(tmp_path / "lots.db") as lots:  # the same parts, half of them in lot 4711/B
            for i, record in enumerate(store.records(limit=None, newest_first=False)):
                lots.insert(dataclasses.replace(record, lot="4711/B" if i % 2 else "4712"))
            view = open_reports(qtbot, lots, export_dir=tmp_path / "reports")
            picker = view.pick_lot()
            assert set(picker.buttons) == {"4711/B", "4712"}
            qtbot.mouseClick(picker.buttons["4711/B"], Qt.MouseButton.LeftButton)
            [pdf] = (tmp_path / "reports").glob("batch-4711_B-*.pdf")
            assert pdf.read_bytes().startswith(b"%PDF")
            assert "lot 4711/B" in view.message.text() and str(pdf) in view.message.text()
    finally:
        store.close()
