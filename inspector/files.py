"""Small file-system steps the station's durable writes share."""
from __future__ import annotations

import os
from pathlib import Path


def sync_folder(folder: Path) -> None:
    """Makes a file's creation or rename in ``folder`` durable (best effort: some file systems cannot open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_on_the_way(folder: Path) -> Path | None:
    """The first file (not folder) on the path to ``folder``, if any: what would stop it being made."""
    for step in (*reversed(folder.parents), folder):
        if step.exists() and not step.is_dir():
            return step
    return None
