"""A failed export (full disk, no permission, folder in the way) names the folder and the cause and leaves nothing."""
import errno
import json
import os
from pathlib import Path

import pytest

import inspector.export.exporter as exporter
from inspector.cli import main
from inspector.export import ExportError, export_records
from tests.export.conftest import open_store


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".partial" in p.name)


def full_disk_after(n: int):
    real = exporter._write_bytes
    calls = [0]

    def write(path, data):
        calls[0] += 1
        if calls[0] > n:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)
    return write


def test_a_full_disk_midway_removes_the_partial_export_and_says_so(box_data, tmp_path, monkeypatch):
    monkeypatch.setattr(exporter, "_write_bytes", full_disk_after(3))
    out = tmp_path / "exports" / "coco"
    with open_store(box_data) as store, pytest.raises(ExportError) as caught:
        export_records(store, out, "coco")
    message = str(caught.value)
    assert str(out) in message and "the disk is full (ENOSPC)" in message and "no manifest" in message
    assert not out.exists() and leftovers(out.parent) == []


def test_a_full_disk_when_the_manifest_is_written_leaves_no_manifest(box_data, tmp_path, monkeypatch):
    def no_space(self, root):
        (root / "manifest.json").write_text('{"complete": tr')
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(exporter.Manifest, "write", no_space)
    out = tmp_path / "yolo"
    with open_store(box_data) as store, pytest.raises(ExportError, match="disk is full"):
        export_records(store, out, "yolo")
    assert not out.exists() and leftovers(tmp_path) == []


def test_a_folder_without_permission_is_refused_by_name(box_data, tmp_path, monkeypatch):
    real_mkdir = Path.mkdir

    def denied(self, *args, **kwargs):
        if ".partial-" in self.name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_mkdir(self, *args, **kwargs)
    monkeypatch.setattr(Path, "mkdir", denied)
    out = tmp_path / "locked" / "export"
    with open_store(box_data) as store, pytest.raises(ExportError, match=f"cannot export to {out}: permission denied"):
        export_records(store, out, "csv")
    assert not out.exists()


def test_a_path_through_a_file_names_the_file(box_data, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    for out in (tmp_path / "a-file" / "out", tmp_path / "a-file" / "deeper" / "out"):
        with open_store(box_data) as store, pytest.raises(ExportError) as refused:
            export_records(store, out, "csv")
        assert f"cannot export to {out}: {tmp_path / 'a-file'} is a file, not a folder" in str(refused.value)
    assert (tmp_path / "a-file").read_text() == "not a folder"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs the Linux /proc file system")
def test_a_file_system_without_new_folders_is_named(box_data):
    with open_store(box_data) as store, pytest.raises(ExportError, match="file system at /proc does not allow"):
        export_records(store, "/proc/inspector-export", "csv")


def test_an_empty_time_range_writes_nothing_and_says_what_the_database_holds(box_data, tmp_path):
    out = tmp_path / "none"
    with open_store(box_data) as store:
        first = store.records(limit=None, newest_first=False)[0].wall_time
        with pytest.raises(ExportError) as refused:
            export_records(store, out, "coco", since="2001-01-01", until="2001-01-02")
    message = str(refused.value)
    assert message.startswith("nothing to export: no part from 2001-01-01T00:00:00.000+00:00 until 2001-01-02")
    assert f"the database holds parts from {first} to " in message
    assert not out.exists() and leftovers(tmp_path) == []


def test_verified_only_without_verdicts_says_so(box_data, tmp_path):
    with open_store(box_data) as store, pytest.raises(ExportError, match="no part a QA reviewer confirmed"):
        export_records(store, tmp_path / "none", "yolo", verified_only=True)
    assert not (tmp_path / "none").exists()


def test_parts_that_are_all_skipped_give_no_export(box_data, tmp_path):
    for image in (box_data / "images").rglob("*.jpg"):
        image.unlink()
    with open_store(box_data) as store, pytest.raises(ExportError) as refused:
        export_records(store, tmp_path / "none", "csv")
    assert "were skipped (image not kept: " in str(refused.value) and "image file missing: " in str(refused.value)
    assert not (tmp_path / "none").exists() and leftovers(tmp_path) == []


def test_an_existing_folder_with_files_is_left_alone(box_data, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with open_store(box_data) as store, pytest.raises(ExportError, match="exists and is not an empty folder"):
        export_records(store, out, "csv")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_an_empty_folder_is_used(box_data, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    with open_store(box_data) as store:
        export_records(store, out, "csv")
    assert (out / "manifest.json").is_file()


@pytest.mark.parametrize("kwargs, message", [
    (dict(fmt="voc"), "format 'voc' is not one of"),
    (dict(since="last tuesday"), "--since 'last tuesday' is not an ISO 8601 time"),
    (dict(since="2026-11-23", until="2026-11-22"), "is not before --until"),
])
def test_bad_arguments_are_refused_before_anything_is_written(box_data, tmp_path, kwargs, message):
    fmt = kwargs.pop("fmt", "csv")
    with open_store(box_data) as store, pytest.raises(ExportError, match=message):
        export_records(store, tmp_path / "out", fmt, **kwargs)
    assert not (tmp_path / "out").exists()


def test_the_cli_prints_the_cause_and_exits_2(box_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(exporter, "_write_bytes", full_disk_after(0))
    out = tmp_path / "cli-out"
    code = main(["export", "--format", "yolo", "--out", str(out), "--data-dir", str(box_data)])
    err = capsys.readouterr().err
    assert code == 2 and f"inspector: export failed: export to {out} failed: the disk is full" in err
    assert not out.exists()


def test_the_cli_exports_and_reports_where(box_data, tmp_path, capsys):
    out = tmp_path / "cli-ok"
    assert main(["export", "--format", "coco", "--out", str(out), "--data-dir", str(box_data)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["out"] == str(out) and json.loads((out / "manifest.json").read_text())["complete"] is True


def test_the_cli_names_a_data_dir_without_a_database(tmp_path, capsys):
    code = main(["export", "--format", "csv", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path / "nothing")])
    assert code == 2 and f"no database at {tmp_path / 'nothing' / 'inspector.db'}" in capsys.readouterr().err
