"""A model package as one zip file, for carrying it to a station over the API (``model_upload`` / ``model_import``).

The zip is only a container: what decides whether a package may run is the signed manifest, checked by
``ModelRegistry.import_package`` after unpacking exactly as for a folder. Unpacking refuses what a package never holds
and what could hurt the station: absolute paths, ``..``, links, more than ``MAX_FILES`` files or ``MAX_UNPACKED_BYTES``
unpacked (a zip bomb), and a package folder that is not at the top or in one folder.
"""
from __future__ import annotations

import io
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from inspector.manifest import MANIFEST_FILE

MAX_UPLOAD_BYTES = 128 * 2**20  # a zip sent to the station; the shipped packages are 2-4 MiB
MAX_UNPACKED_BYTES = 512 * 2**20
MAX_FILES = 2000


class ArchiveError(ValueError):
    """A package zip the station will not unpack; the message names the entry and the rule."""


def pack(folder: str | Path) -> bytes:
    """The package folder as zip bytes, its files at the top (``manifest.json``, ``model.onnx``, ``golden/...``)."""
    folder = Path(folder)
    if not (folder / MANIFEST_FILE).is_file():
        raise ArchiveError(f"{folder}: not a package folder (no {MANIFEST_FILE})")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def unpack(source: str | Path, target: str | Path) -> Path:
    """Unpack the zip at ``source`` into the new folder ``target``; returns the package folder inside it."""
    target = Path(target)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as e:
        raise ArchiveError(f"package upload: not a zip file ({e})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_FILES:
            raise ArchiveError(f"package upload: {len(members)} entries, at most {MAX_FILES}")
        total = 0
        for member in members:
            name = PurePosixPath(member.filename)
            if member.filename.startswith(("/", "\\")) or ".." in name.parts or ":" in member.filename:
                raise ArchiveError(f"package upload: entry {member.filename!r}: paths must stay inside the package")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise ArchiveError(f"package upload: entry {member.filename!r}: links are refused")
            total += member.file_size
            if total > MAX_UNPACKED_BYTES:
                raise ArchiveError(f"package upload: more than {MAX_UNPACKED_BYTES // 2**20} MiB unpacked")
        target.mkdir(parents=True)
        try:
            for member in members:
                path = target.joinpath(*PurePosixPath(member.filename).parts)
                if member.is_dir():
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as data, path.open("wb") as out:
                    shutil.copyfileobj(data, out)
        except (OSError, zipfile.BadZipFile) as e:
            raise ArchiveError(f"package upload: cannot unpack ({e})") from None
    return package_folder(target)


def package_folder(root: Path) -> Path:
    """``root`` when the manifest is at its top, else its only folder that holds one."""
    if (root / MANIFEST_FILE).is_file():
        return root
    inside = [p for p in root.iterdir() if p.is_dir() and (p / MANIFEST_FILE).is_file()]
    if len(inside) != 1:
        raise ArchiveError(f"package upload: no {MANIFEST_FILE} at the top of the zip or in one folder inside it")
    return inside[0]
