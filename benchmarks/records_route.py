"""The records route of ``bench_train``: the same images through the station's own records, then QA, then training.

1. A replay folder: every image of a labelled folder as ``000001.<ext>`` with a ``000001.json`` truth sidecar
   (its key and whether it should pass).
2. The station runs on it: the folder camera (``hardware/cameras/folder.py``), mock pins, every image kept (PNG);
   a driver breaks the beam once for each new camera frame, as a part would.
3. QA labels each recorded part through the review API (``inspector.review.Review.submit``) from the truth, and
   draws a box around a defect as a reviewer would in REVIEW (the bounding box of the labelled folder's mask).
4. ``inspector train --data <data dir> --verified-only`` trains on those records (see ``bench_train``).

    python benchmarks/records_route.py LABELLED_FOLDER DATA_DIR [--fps 8]
"""
from __future__ import annotations

import argparse
import json
import shutil
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from inspector.assemble import build_station
from inspector.config import load_recipe, parse_station
from inspector.review import Review
from inspector.training.sources import read_folder


def replay_folder(labelled: Path, out: Path) -> dict[str, str]:
    """Numbered copies with truth sidecars; returns replay name -> the image's key in the labelled folder."""
    out.mkdir(parents=True, exist_ok=True)
    names = {}
    for i, sample in enumerate(read_folder(labelled).samples, 1):
        name = f"{i:06d}"
        shutil.copyfile(sample.path, out / f"{name}{sample.path.suffix.lower()}")
        truth = {"key": sample.key, "label": sample.label, "should_pass": sample.label == "good"}
        (out / f"{name}.json").write_text(json.dumps(truth))
        names[name] = sample.key
    return names


def record_run(replay: Path, data_dir: Path, *, fps: float = 8.0, recipe: str = "surface-part") -> dict:
    """Run the station over the replay folder once; returns how many parts were triggered and recorded."""
    config = parse_station({
        "station_id": "records-route", "recipe": recipe, "data_dir": str(data_dir),
        "camera": {"backend": "folder", "source": str(replay), "fps": fps, "loop": False},
        "gpio": {"pin_factory": "mock"}, "images": {"keep_pass_fraction": 1.0, "format": "png"},
        "timing": {"travel_s": 1.0, "frame_timeout_s": 0.3, "frame_max_age_s": min(0.5, 0.8 / fps)},
    }, "records route")
    station = build_station(config, recipe=load_recipe(recipe, config.recipes_dir))
    camera, pin = station.line.frames.camera, station.io.beam.pin
    frames = len(list(replay.glob("*.json")))
    triggered = 0
    stop = threading.Event()
    station.start()
    try:
        seen = getattr(camera, "_seq", 0)
        deadline = time.monotonic() + frames / fps * 3 + 30
        while triggered < frames and time.monotonic() < deadline and not stop.is_set():
            seq = camera._seq
            if seq != seen:  # a new image is in view: the part breaks the beam
                seen = seq
                time.sleep(0.01)
                pin.drive_low()
                time.sleep(0.02)
                pin.drive_high()
                triggered += 1
            time.sleep(0.003)
        station.line.wait_recorded(triggered, timeout=30)
    finally:
        station.close(timeout=10)
    return {"images": frames, "triggered": triggered, "recorded": station.line.recorded}


def mask_box(mask_path: Path, image_size: tuple[int, int]) -> list[int] | None:
    """The box a reviewer draws around a defect: the bounding box of the mask, in the recorded image's pixels."""
    mask = cv2.imread(str(mask_path), cv2.IMREAD_GRAYSCALE)
    ys, xs = np.nonzero(mask > 127) if mask is not None else ((), ())
    if len(ys) == 0:
        return None
    sy, sx = image_size[0] / mask.shape[0], image_size[1] / mask.shape[1]
    x0, y0 = int(xs.min() * sx), int(ys.min() * sy)
    return [x0, y0, max(int(np.ceil((xs.max() + 1) * sx)) - x0, 1), max(int(np.ceil((ys.max() + 1) * sy)) - y0, 1)]


def label_from_truth(data_dir: Path, labelled: Path | None = None, reviewer: str = "qa-bench") -> dict[str, int]:
    """A QA verdict (correct, with the truth's class) for every recorded part whose frame had a truth; with the
    labelled folder, a defect also gets the box around its mask."""
    from inspector.store import Store

    masks = {s.key: s.mask for s in read_folder(labelled).samples if s.mask is not None} if labelled else {}
    counts = {"good": 0, "defect": 0, "no truth": 0, "boxes": 0}
    with Store.open(data_dir / "inspector.db", images_dir=data_dir / "images") as store:
        review = Review(store)
        for row in store.query("SELECT part_id FROM parts ORDER BY part_id"):
            record = store.record(row["part_id"])
            truth = record.truth or {}
            if truth.get("label") not in ("good", "defect"):
                counts["no truth"] += 1
                continue
            box = None
            if truth["label"] == "defect" and truth.get("key") in masks:
                image = cv2.imread(str(store.image_file(record)), cv2.IMREAD_UNCHANGED)
                box = mask_box(masks[truth["key"]], image.shape[:2])
                counts["boxes"] += box is not None
            review.submit(record.part_id, reviewer, "correct", label=truth["label"], defect_box=box)
            counts[truth["label"]] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled", type=Path)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--fps", type=float, default=8.0)
    args = parser.parse_args()
    replay = args.data_dir.parent / f"{args.data_dir.name}-replay"
    replay_folder(args.labelled, replay)
    print(record_run(replay, args.data_dir, fps=args.fps))
    print(label_from_truth(args.data_dir, args.labelled))


if __name__ == "__main__":
    main()
