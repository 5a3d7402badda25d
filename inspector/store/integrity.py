"""The check of the record chain: ``verify_records`` names each row, image, entry or seal that is not as sealed.

One pass over the ledger (each entry's hash recomputed from the one before), the seals (signature, order, the
entry each one signed, the head remembered beside the key), then one pass over each chained table joined to its
latest ledger entry (each row's hash recomputed; the column fingerprint names what changed), the kept images
(sha256 of each file), and the ledger's rows that no longer exist. Everything is read in one snapshot, on a
connection of its own when the store is a file.
"""
from __future__ import annotations

import hashlib
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector.models.signing import SigningKeyError
from inspector.store.chain import GENESIS, KEY_OF, NOUN, RowShape, entry_hash, has_chain
from inspector.store.seals import SEAL_COLUMNS, remembered_head, signature_ok, station_public_key

_SHOWN = 40  # characters of a changed value shown in a finding


@dataclass(frozen=True)
class Finding:
    """One thing not as sealed: ``kind`` is changed | deleted | inserted | image_changed | image_missing |
    chain_broken | seal_broken | truncated | unsealable."""

    table: str
    key: Any
    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class RecordsVerdict:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    scope: str = "all records"

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        counts = ", ".join(f"{n} {t}" for t, n in self.checked.items())
        if self.ok:
            return f"records intact ({self.scope}): {counts}"
        return f"records NOT as sealed ({self.scope}): {len(self.findings)} finding(s) over {counts}"


def verify_records(db: Any, *, run_id: str | None = None, lot: str | None = None, key_path: str | Path | None = None,
                   public_key: Ed25519PublicKey | None = None, data_dir: str | Path | None = None,
                   images: bool = True) -> RecordsVerdict:
    """Check parts, labels, users and the audit trail against the chain and its signed seals.

    ``run_id`` or ``lot`` narrow the parts and labels checked (and the deleted ones looked for) to one run or lot; the
    ledger, the seals, users and the audit trail are always checked whole. ``key_path`` is the station key file (its
    ``.pub`` and ``.head`` beside it); ``data_dir`` where the images lie (default: the store's).
    """
    key_problem = None
    if public_key is None and key_path is not None:
        try:
            public_key = station_public_key(key_path)
        except SigningKeyError as e:
            key_problem = str(e)
    if data_dir is None and getattr(db, "images_dir", None) is not None:
        data_dir = db.images_dir.parent
    scope = f"run {run_id}" if run_id else f"lot {lot}" if lot else "all records"
    verdict = RecordsVerdict(scope=scope)
    with _snapshot(db) as conn:
        if not has_chain(conn):
            verdict.findings.append(Finding("chain", None, "unsealable", "this database has no record chain "
                                            "(schema from before it): open it with the station once to migrate"))
            return verdict
        seals = [dict(zip(SEAL_COLUMNS, r)) for r in
                 conn.execute(f"SELECT {', '.join(SEAL_COLUMNS)} FROM seals ORDER BY id")]
        last_seq, hash_at = _check_ledger(conn, {s["seq"] for s in seals}, verdict)
        _check_seals(seals, hash_at, last_seq, public_key, key_problem or key_path, verdict)
        where = _scope(conn, run_id, lot)
        for table in ("users", "audit", "parts", "labels"):
            clause, params = where.get(table, ("", []))
            _check_rows(conn, table, clause, params, Path(data_dir) if data_dir and images else None, verdict)
            _check_deleted(conn, table, where.get("deleted") if table in ("parts", "labels") else None, verdict)
    return verdict


@contextmanager
def _snapshot(db: Any) -> Iterator[sqlite3.Connection]:
    """A read transaction on a connection of the check's own (a file store), or on the caller's under its lock."""
    if isinstance(db, sqlite3.Connection):
        yield db
        return
    if getattr(db, "path", None) is not None and hasattr(db, "reopen"):
        other = db.reopen()
        try:
            conn = other.db.conn
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")
        finally:
            other.close()
        return
    lock = getattr(db, "_lock", None)
    conn = db.db.conn if hasattr(db, "db") else db.conn
    if lock is None:
        yield conn
        return
    with lock:
        yield conn


def _check_ledger(conn: sqlite3.Connection, sealed: set[int], verdict: RecordsVerdict) -> tuple[int, dict[int, str]]:
    previous, last_seq, breaks, hash_at = GENESIS, 0, 0, {}
    for seq, tbl, key, op, run_id, row_hash, columns, stored in conn.execute(
            "SELECT seq, tbl, row_key, op, run_id, row_hash, columns, hash FROM chain ORDER BY seq"):
        if seq != last_seq + 1:
            gone = f"{last_seq + 1}" if seq == last_seq + 2 else f"{last_seq + 1}..{seq - 1}"
            verdict.findings.append(Finding("chain", seq, "chain_broken", f"chain entries {gone}: deleted"))
        if entry_hash(previous, tbl, key, op, run_id, row_hash, columns) != stored:
            breaks += 1
            if breaks <= 5:
                verdict.findings.append(Finding("chain", seq, "chain_broken",
                                                f"chain entry {seq} ({NOUN.get(tbl, tbl)} {key}, {op}): does not "
                                                "follow from the entry before it: the ledger was edited"))
        if seq in sealed:
            hash_at[seq] = stored
        previous, last_seq = stored, seq
    if breaks > 5:
        verdict.findings.append(Finding("chain", None, "chain_broken", f"{breaks - 5} more chain entries edited"))
    verdict.checked["chain entries"] = last_seq
    return last_seq, hash_at


def _check_seals(seals: list[dict[str, Any]], hash_at: dict[int, str], last_seq: int,
                 public_key: Ed25519PublicKey | None, key_path: str | Path | None, verdict: RecordsVerdict) -> None:
    add = verdict.findings.append
    verdict.checked["seals"] = len(seals)
    if seals and public_key is None:
        add(Finding("seals", None, "unsealable", f"{len(seals)} seal(s) cannot be checked: no station key"
                                                 + (f" ({key_path})" if key_path else " given")))
    previous: dict[str, Any] | None = None
    for s in seals:
        when = f"seal {s['id']} ({s['reason']}, {s['sealed_at']})"
        expected_id = previous["id"] + 1 if previous else 1
        if s["id"] != expected_id:
            add(Finding("seals", s["id"], "seal_broken", f"seals {expected_id}..{s['id'] - 1}: deleted"))
        elif s["prev_signature"] != (previous["signature"] if previous else ""):
            add(Finding("seals", s["id"], "seal_broken", f"{when}: does not follow the seal before it"))
        if public_key is not None and not signature_ok(s, public_key):
            add(Finding("seals", s["id"], "seal_broken", f"{when}: bad signature: forged or edited, or signed by "
                                                         "another station's key"))
        if s["seq"] > last_seq:
            add(Finding("chain", s["seq"], "truncated", f"{when} signed chain entry {s['seq']}, but the chain ends "
                                                        f"at entry {last_seq}: its last entries were deleted"))
        elif s["seq"] and hash_at.get(s["seq"]) != s["head_hash"]:
            add(Finding("chain", s["seq"], "seal_broken", f"{when}: chain entry {s['seq']} is not the one signed: "
                                                          "the ledger was rewritten after sealing"))
        previous = s
    if key_path is not None and public_key is not None:
        remembered = remembered_head(key_path)
        if remembered and "unreadable" in remembered:
            add(Finding("seals", None, "seal_broken", f"the station's remembered head is unreadable: "
                                                      f"{remembered['unreadable']}"))
        elif remembered:
            match = next((s for s in seals if s["id"] == remembered.get("id")), None)
            if match is None or match["signature"] != remembered.get("signature"):
                add(Finding("seals", remembered.get("id"), "truncated",
                            f"seal {remembered.get('id')} ({remembered.get('reason')}, {remembered.get('sealed_at')}), "
                            f"the last the station made, is not in the database: seals and the records under them "
                            "were deleted or replaced"))
    sealed_to = seals[-1]["seq"] if seals else 0
    if last_seq > sealed_to:
        since = f"since seal {seals[-1]['id']} ({seals[-1]['sealed_at']})" if seals else "(never sealed)"
        verdict.notes.append(f"{last_seq - sealed_to} chain entries not yet sealed {since}; sealed at the next run "
                             "end or interval")


def _scope(conn: sqlite3.Connection, run_id: str | None, lot: str | None) -> dict[str, tuple[str, list[Any]]]:
    if run_id is None and lot is None:
        return {}
    if run_id is not None:
        runs = [run_id]
        parts = ("WHERE t.run_id = ?", [run_id])
    else:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(parts)")}
        if "lot" not in columns:
            raise ValueError(f"lot = {lot!r}: this database records no lots (parts has no lot column)")
        runs = [r[0] for r in conn.execute("SELECT DISTINCT run_id FROM parts WHERE lot = ?", [lot])]
        if "lot" in {r[1] for r in conn.execute("PRAGMA table_info(runs)")}:
            runs = sorted(set(runs) | {r[0] for r in conn.execute("SELECT run_id FROM runs WHERE lot = ?", [lot])})
        if not runs:
            raise ValueError(f"lot = {lot!r}: no part or run of this lot in the database")
        parts = ("WHERE t.lot = ?", [lot])
    marks = ", ".join("?" * len(runs)) or "NULL"
    return {"parts": parts,
            "labels": (f"WHERE t.part_id IN (SELECT part_id FROM parts t {parts[0]})", parts[1]),
            "deleted": (f"AND c.run_id IN ({marks})", runs)}


def _check_rows(conn: sqlite3.Connection, table: str, where: str, params: Sequence[Any], data_dir: Path | None,
                verdict: RecordsVerdict) -> None:
    key = KEY_OF[table]
    # "+t.key": no affinity on the right, so the ledger's index on (tbl, row_key) is used (one lookup per row)
    cursor = conn.execute(
        f'SELECT t.*, c.seq, c.row_hash, c.columns FROM "{table}" t LEFT JOIN chain c ON c.seq = '
        f'(SELECT max(seq) FROM chain WHERE tbl = ? AND row_key = +t."{key}") {where}', [table, *params])
    shape = RowShape(table, [d[0] for d in cursor.description][:-3])
    width, k = len(shape.names), shape.key_index
    image = (shape.names.index("image_path"), shape.names.index("image_sha256")) \
        if data_dir is not None and "image_sha256" in shape.names else None
    noun, add, checked, images = NOUN[table], verdict.findings.append, 0, 0
    for full in cursor:
        checked += 1
        row = full[:width]
        seq, row_hash, columns = full[width:]
        if seq is None:
            add(Finding(table, row[k], "inserted", f"{noun} {row[k]}: not on the chain: inserted outside the station"))
        elif shape.digest(row) != row_hash:
            add(Finding(table, row[k], "changed", _changed(shape, noun, row, columns, seq)))
        if image is not None and row[image[0]] is not None:
            images += 1
            _check_image(table, row[k], data_dir / row[image[0]], row[image[1]], row[image[0]], add)
    verdict.checked[table] = checked
    if image is not None:
        verdict.checked["images"] = verdict.checked.get("images", 0) + images


def _changed(shape: RowShape, noun: str, row: Sequence[Any], columns: str | None, seq: int) -> str:
    changed = shape.changed_columns(row, columns)
    if not changed:
        return f"{noun} {row[shape.key_index]}: changed since it was chained (entry {seq})"
    first = repr(row[shape.names.index(changed[0])])
    shown = first if len(first) <= _SHOWN else first[:_SHOWN] + "…"
    return (f"{noun} {row[shape.key_index]}: {', '.join(changed)} changed since it was chained (entry {seq}; "
            f"{changed[0]} now {shown})")


def _check_image(table: str, key: Any, path: Path, sha256: str | None, relative: str, add) -> None:
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError:
        add(Finding(table, key, "image_missing", f"part {key}: image {relative} missing (no prune on the chain)"))
        return
    except OSError as e:
        add(Finding(table, key, "image_missing", f"part {key}: image {relative} unreadable: {e.strerror or e}"))
        return
    if sha256 is not None and digest.hexdigest() != sha256:
        add(Finding(table, key, "image_changed", f"part {key}: image {relative} changed since it was recorded "
                                                 f"(sha256 {digest.hexdigest()[:12]}…, recorded {sha256[:12]}…)"))


def _check_deleted(conn: sqlite3.Connection, table: str, scope: tuple[str, list[Any]] | None,
                   verdict: RecordsVerdict) -> None:
    key = KEY_OF[table]
    clause, params = scope or ("", [])
    rows = conn.execute(
        f'SELECT c.row_key, max(c.seq) FROM chain c WHERE c.tbl = ? {clause} AND NOT EXISTS '
        f'(SELECT 1 FROM "{table}" t WHERE t."{key}" = c.row_key) GROUP BY c.row_key ORDER BY c.row_key',
        [table, *params])
    for row_key, seq in rows:
        verdict.findings.append(Finding(table, row_key, "deleted",
                                        f"{NOUN[table]} {row_key}: deleted (chained at entry {seq})"))
