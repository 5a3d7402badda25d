"""The progress bar: drawn on stderr by count, and seen through an export of 10,000 records from the CLI."""
import io
import json

import cv2
import numpy as np

from inspector.cli import main
from inspector.export import TextProgress
from inspector.store import Store
from inspector.store.rows import INSERT_PART_SQL, record_to_row
from tests.store.conftest import make_record


def test_the_bar_fills_by_count():
    stream = io.StringIO()
    bar = TextProgress("export", stream=stream, width=10, interval_s=0)
    bar.start(200)
    bar.update(60)
    assert bar.line() == "export [###.......] 60/200  30%"
    bar.update(200)
    bar.finish("done")
    assert stream.getvalue().endswith("export [##########] 200/200 100%  done\n")
    assert stream.getvalue().count("200/200") == 1  # the full bar is drawn once, not again by finish


def test_an_export_of_10000_records_finishes_with_a_visible_progress_bar(tmp_path, capsys):
    data = tmp_path / "data"
    image = np.full((48, 64, 3), 128, np.uint8)
    cv2.circle(image, (32, 24), 10, (0, 0, 255), -1)
    (data / "images" / "2026-11-22").mkdir(parents=True)
    with Store.open(data / "inspector.db") as store:
        rows = []
        for part_id in range(1, 10_001):
            record = make_record(part_id, "reject", count=9, expected=10, points=[[8.0, 8.0, 0.9]] * 9,
                                 image_path=f"images/2026-11-22/{part_id:08d}.jpg")
            cv2.imwrite(str(data / record.image_path), image)
            rows.append(record_to_row(record))
        store.db.conn.executemany(INSERT_PART_SQL, rows)
        store.db.conn.commit()
    out = tmp_path / "export"
    assert main(["export", "--format", "yolo", "--out", str(out), "--data-dir", str(data)]) == 0
    captured = capsys.readouterr()
    assert "export [" in captured.err and "10,000/10,000 100%" in captured.err
    assert "#" * 30 in captured.err and "\r" in captured.err
    assert json.loads(captured.out)["records"] == 10_000
    assert len(list((out / "labels").iterdir())) == 10_000
