"""An output folder that appears whole or not at all: built as a hidden sibling, renamed into place at the end."""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from inspector.files import file_on_the_way, sync_folder


class ExportError(RuntimeError):
    """An export that could not be written; the message names the folder and the cause. Nothing was left behind."""


def describe(error: OSError) -> str:
    name = errno.errorcode.get(error.errno or 0, "")
    why = {errno.ENOSPC: "the disk is full", errno.EACCES: "permission denied", errno.EPERM: "permission denied",
           errno.EROFS: "the file system is read-only", errno.EDQUOT: "the disk quota is used up"}.get(error.errno or 0)
    text = why or error.strerror or str(error)
    return f"{text} ({name})" if name else text


def describe_mkdir(error: OSError, folder: Path) -> str:
    """``describe`` for a folder that could not be made, naming a file system that takes no new folders (/proc)."""
    why = describe(error)
    if error.errno == errno.ENOENT and folder.parent.is_dir():
        return f"the file system at {folder.parent} does not allow new folders ({why})"
    return why


class StagedFolder:
    """``with StagedFolder(out) as tmp: ...`` writes under ``tmp``; on success ``tmp`` becomes ``out``.

    ``out`` must not exist or be an empty folder. On any OSError the partial folder is removed and ExportError is
    raised naming ``out`` and the cause.
    """

    def __init__(self, out: Path | str, tag: str) -> None:
        self.out = Path(out).expanduser().absolute()
        self.tmp = self.out.parent / f".{self.out.name}.partial-{tag}"

    def __enter__(self) -> Path:
        if self.out.exists() and (not self.out.is_dir() or any(self.out.iterdir())):
            raise ExportError(f"cannot export to {self.out}: it exists and is not an empty folder "
                              "(an export never mixes with other files)")
        blocking = file_on_the_way(self.out.parent)
        if blocking is not None:
            raise ExportError(f"cannot export to {self.out}: {blocking} is a file, not a folder")
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.tmp.mkdir()
        except OSError as e:
            raise ExportError(f"cannot export to {self.out}: {describe_mkdir(e, self.out)} "
                              f"while creating {self.tmp}") from e
        return self.tmp

    def __exit__(self, kind, error, tb) -> bool:
        if error is None:
            try:
                if self.out.is_dir():
                    self.out.rmdir()
                os.rename(self.tmp, self.out)
                sync_folder(self.out.parent)
                return False
            except OSError as e:
                self.discard()
                raise ExportError(f"export to {self.out} failed: {describe(e)} while moving it into place; "
                                  "nothing was left there") from e
        self.discard()
        if isinstance(error, OSError):
            where = f" ({error.filename})" if getattr(error, "filename", None) else ""
            raise ExportError(f"export to {self.out} failed: {describe(error)}{where}; the partial export was removed "
                              "and no manifest was written") from error
        return False

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

