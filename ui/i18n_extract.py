"""Keeps the ``.ts`` files in step with the code: ``python -m ui.i18n_extract [--check]``.

Finds every ``tr("…")`` and ``tr_noop("…")`` with a literal text in ``ui/`` (Python's own parser, so a text split over
lines or quoted either way is found as the interpreter sees it), adds new texts to each ``resources/i18n/*.ts`` as
``unfinished`` and marks texts no longer in the code ``vanished``; translations already made are kept. ``--check``
changes nothing and exits 1 when a file is out of step (new or vanished texts) or has unfinished messages.
"""
from __future__ import annotations

import argparse
import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from ui.i18n import CONTEXT

MARKERS = {"tr", "tr_noop"}


def texts_in(path: Path) -> list[tuple[str, int]]:
    """(text, line) of each literal passed to tr / tr_noop in one Python file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        first = node.args[0]
        if name in MARKERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((first.value, node.lineno))
    return found


def source_texts(root: Path) -> dict[str, tuple[str, int]]:
    """text -> (file, line) of its first use, over every module under ``root``."""
    out: dict[str, tuple[str, int]] = {}
    for path in sorted(root.rglob("*.py")):
        for text, line in texts_in(path):
            out.setdefault(text, (path.relative_to(root.parent).as_posix(), line))
    return out


def update(ts: Path, texts: dict[str, tuple[str, int]], language: str, *, write: bool = True) -> tuple[int, int, int]:
    """Brings ``ts`` in step with ``texts`` (``write=False``: only counts); returns (new, vanished, unfinished)."""
    old: dict[str, ET.Element] = {}
    if ts.exists():
        for message in ET.parse(ts).getroot().iter("message"):
            old[message.findtext("source") or ""] = message.find("translation")
    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="en")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    new = unfinished = 0
    for text, (file, line) in sorted(texts.items(), key=lambda kv: (kv[1][0], kv[1][1])):
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "location", filename=file)
        ET.SubElement(message, "source").text = text
        translation = ET.SubElement(message, "translation")
        previous = old.get(text)
        if previous is not None and previous.text and previous.get("type") not in ("unfinished", "vanished"):
            translation.text = previous.text
        else:
            translation.set("type", "unfinished")
            if previous is not None and previous.text:
                translation.text = previous.text
            new += previous is None
            unfinished += 1
    vanished = sum(1 for text in old if text not in texts)
    if not write:
        return new, vanished, unfinished
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return new, vanished, unfinished


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.i18n_extract", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a .ts file is out of step")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the source checkout (default: here)")
    args = parser.parse_args(argv)
    from ui.i18n import LANGUAGES, SOURCE_LANGUAGE

    ui_dir = args.root / "ui"  # a tool over the source tree, not over an installed package
    if not (ui_dir / "i18n.py").is_file():
        parser.error(f"--root {args.root}: no ui/i18n.py there; run it from the project's checkout")
    texts = source_texts(ui_dir)
    status = 0
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        ts = ui_dir.parent / "resources" / "i18n" / f"inspector_{language}.ts"
        new, vanished, unfinished = update(ts, texts, language, write=not args.check)
        print(f"{ts.name}: {len(texts)} texts, {new} new, {vanished} vanished, {unfinished} to translate")
        status |= bool(args.check and (new or vanished or unfinished))
    return status


if __name__ == "__main__":
    sys.exit(main())
