"""Who may read the station's files: its service user and group, nobody else.

The database (and SQLite's -wal/-shm, made with the database's own mode), images, the crash journal, the rescue
reserve, keys and exports hold what the station decided and who signed it, and the PIN hashes: a copy lets anyone try
every 4-digit PIN offline. So the station:

- sets its umask to ``STATION_UMASK`` (027) before it creates anything: files 0640, folders 0750. The group may read
  (a backup or QA account put in the service's group) but not write: every change goes through the service, as the
  user the audit trail names. 007 would let any member of the group rewrite the records.
- makes its data dir 0750 and takes every permission for others off what it owns there;
- at start, names what others can still read there (made by another account, say root): ``exposed``.

A folder others cannot enter hides everything below it, so the walk goes down only where others could follow.
"""
from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

log = logging.getLogger(__name__)

STATION_UMASK = 0o027
DIR_MODE = 0o750
OTHERS = stat.S_IRWXO


def restrict_umask() -> int:
    """Add ``STATION_UMASK`` to the process umask (never loosening a stricter one); returns the umask now in force."""
    old = os.umask(STATION_UMASK)
    os.umask(old | STATION_UMASK)
    return old | STATION_UMASK


@dataclass(frozen=True)
class Exposed:
    """A path under the data dir that other accounts can read, and why it was left so."""

    path: Path
    mode: int
    owner: int

    def __str__(self) -> str:
        return (f"{self.path} (mode {stat.S_IMODE(self.mode):04o}, owner uid {self.owner}) is readable by other "
                f"accounts and not this process's to change: chmod o-rwx it")


def secure(folders: Iterable[Path]) -> list[Exposed]:
    """Make each folder (created if missing) ``DIR_MODE``-tight and take others' permissions off everything this
    process owns that others could reach in it; returns what others can still read there."""
    exposed: list[Exposed] = []
    for folder in folders:
        folder = Path(folder)
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        exposed += _tighten(folder)
    for item in exposed:
        log.warning("station file readable by other accounts: %s", item)
    return exposed


def _tighten(path: Path, reachable: bool = True) -> list[Exposed]:
    """Others' bits off ``path`` when it is ours; below a folder others could enter, the same for everything (a
    station that once ran with a loose umask); below a closed one, its files only (the database and its WAL: a
    folder of a million images is not walked at every start). Returns what others can read and reach."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:  # gone meanwhile (a pruned image)
        return []
    if stat.S_ISLNK(st.st_mode):
        return []
    mode = st.st_mode
    if mode & OTHERS and st.st_uid == os.geteuid():
        try:
            os.chmod(path, stat.S_IMODE(mode) & ~OTHERS)
            mode &= ~OTHERS
        except OSError as e:
            log.warning("could not take others' permissions off %s: %s", path, e)
    found = [Exposed(path, mode, st.st_uid)] if reachable and mode & stat.S_IROTH else []
    if not stat.S_ISDIR(mode):
        return found
    was_open = bool(st.st_mode & stat.S_IXOTH)
    try:
        children = sorted(os.scandir(path), key=lambda entry: entry.name)
    except OSError:
        return found
    for child in children:
        if was_open or child.is_file(follow_symlinks=False):
            found += _tighten(Path(child.path), reachable and bool(mode & stat.S_IXOTH))
    return found


def exposed(folder: Path) -> list[Exposed]:
    """What other accounts can read in ``folder`` (changes nothing)."""
    found: list[Exposed] = []
    stack = [Path(folder)]
    while stack:
        path = stack.pop()
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(st.st_mode):
            continue
        if st.st_mode & stat.S_IROTH:
            found.append(Exposed(path, st.st_mode, st.st_uid))
        if stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_IXOTH:
            try:
                stack += [Path(entry.path) for entry in os.scandir(path)]
            except OSError:
                pass
    return sorted(found, key=lambda item: str(item.path))
