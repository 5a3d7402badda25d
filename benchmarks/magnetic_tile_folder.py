"""The Magnetic-tile surface-defect images as a plain labelled folder for ``inspector train``.

    python benchmarks/magnetic_tile_folder.py [--src /work/datasets/magnetic_tile] [--out /tmp/mt_folder]

``MT_Free`` → ``good/``; ``MT_Blowhole``, ``MT_Break``, ``MT_Crack``, ``MT_Fray``, ``MT_Uneven`` → ``defect/`` (file
names prefixed with the kind, for per-kind figures); each defect's ``.png`` mask → ``masks/`` with the same stem.
Files are hard-linked where the file system allows it (copied otherwise). The data is never committed.
"""
from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

KINDS = ("Blowhole", "Break", "Crack", "Fray", "Uneven")


def _place(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def build(src: Path, out: Path, *, every: int = 1) -> dict[str, int]:
    """Writes the folder (``every``: keep one image in ``every``, for a small test set); returns counts."""
    if out.exists():
        shutil.rmtree(out)
    counts = {"good": 0, "defect": 0}
    for jpg in sorted((src / "MT_Free" / "Imgs").glob("*.jpg"))[::every]:
        _place(jpg, out / "good" / jpg.name)
        counts["good"] += 1
    for kind in KINDS:
        for jpg in sorted((src / f"MT_{kind}" / "Imgs").glob("*.jpg"))[::every]:
            name = f"{kind}_{jpg.stem}"
            _place(jpg, out / "defect" / f"{name}.jpg")
            _place(jpg.with_suffix(".png"), out / "masks" / f"{name}.png")
            counts["defect"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=Path("/work/datasets/magnetic_tile"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/mt_folder"))
    parser.add_argument("--every", type=int, default=1)
    args = parser.parse_args()
    print(build(args.src, args.out, every=args.every), "->", args.out)


if __name__ == "__main__":
    main()
