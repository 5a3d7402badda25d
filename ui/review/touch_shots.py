"""Screenshots of the review screen's touch tools at 800 x 480 (#21): zoom with the POINT tool, the crosses after
COUNT +, the on-screen keyboard, the undo of a saved verdict.

    .venv/bin/python -m ui.review.touch_shots [--out resources/screenshots]

The database is the one ``ui.review.shots`` fills (two short runs of the simulated line, verdicts by three people).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt

from inspector.review import Review
from ui.review.shots import OUT, fill

SIZE = (800, 480)


def shoot_touch(out: Path) -> list[Path]:
    from inspector.store import Store
    from ui.gui_gc import application
    from ui.keyboard import Keyboard
    from ui.review.screen import ReviewScreen
    from ui.screenshots import save_png, wait_until

    app = application()
    paths: list[Path] = []

    def grab(widget, name: str) -> None:
        wait_until(app, lambda: False, 0.5)
        path = out / f"{name}_{SIZE[0]}x{SIZE[1]}.png"
        picture = widget.grab()
        print(f"  {path} {picture.width()}x{picture.height()} {save_png(picture, path) // 1000} kB", file=sys.stderr)
        paths.append(path)

    with tempfile.TemporaryDirectory() as folder:
        with Store.open(fill(Path(folder))) as store:
            screen = ReviewScreen(Review(store), reviewer="ana")
            screen.move(0, 0)
            screen.resize(*SIZE)
            screen.show()
            model, view = screen.model, screen.item
            model.set_filters(recipe="cartridge-box", outcomes=["reject"])
            boxes = [i for i in model.items if i.record.count is not None and i.record.count < 24]
            model.go(model.items.index(min(boxes, key=lambda i: i.record.count) if boxes else model.items[0]))
            wait_until(app, lambda: False, 0.3)

            empty = view.overlay().empty_slots
            model.step_count(+1)  # COUNT +: one cross fewer, the badge says the count
            grab(screen, "review_count_cross")
            model.undo_edits()

            model.set_tool("point")
            if empty:
                view.set_zoom(2.5, view.frame_to_widget(*empty[0]))
                model.tap(*empty[0], radius=4)
            grab(screen, "review_zoom_point")
            view.reset_zoom()
            model.set_tool("look")

            screen.comment.setText("")
            from PySide6.QtTest import QTest

            QTest.mouseClick(screen.comment, Qt.MouseButton.LeftButton)
            board = screen.findChild(Keyboard)
            board.pick("glare")
            grab(screen, "review_keyboard")
            board.close_keyboard()

            model.confirm()
            model.undo_verdict()
            sheet = screen.signing
            sheet.resize(*SIZE)
            sheet.reason_buttons[0].click()
            grab(sheet, "review_undo")
            sheet.reject()
            screen.close()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    shoot_touch(args.out)


if __name__ == "__main__":
    main()
