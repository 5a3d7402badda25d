"""Every refusal at start names its cause as "file: key = value: rule" and exits 2, never with a traceback."""
from __future__ import annotations

import os
import shutil
import struct
import zlib

import cv2
import numpy as np
import pytest
from gpiozero.pins.mock import MockFactory

from hardware.gpio import StationIO
from inspector.assemble import check_data_dir
from inspector.cli import main
from inspector.config import ConfigError, GpioSettings


def refused(capsys, argv) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    return err


def station_file(tmp_path, text: str):
    path = tmp_path / "station.toml"
    path.write_text(f'data_dir = "{tmp_path / "data"}"\n' + text)
    return path


@pytest.mark.parametrize("gpio, says", [
    ("beam_pin = 99", "gpio.beam_pin = 99: no such GPIO on the 40-pin header (BCM 0-27)"),
    ('pusher_pin = "BOARD11"', "gpio: pusher_pin = 'BOARD11': the same pin as beam_pin (BCM 17)"),
    ('light_red_pin = "BOARD6"', "gpio.light_red_pin = 'BOARD6': header position 6 is not a GPIO"),
    ('light_amber_pin = "PIN7"', "gpio.light_amber_pin = 'PIN7': not a pin name gpiozero knows here"),
    ("light_green_pin = 27", "gpio: light_green_pin = 27: the same pin as pusher_pin (BCM 27)"),
])
def test_a_bad_pin_is_refused_naming_the_file_key_value_and_rule(tmp_path, capsys, gpio, says):
    path = station_file(tmp_path, f"[gpio]\n{gpio}\n")
    err = refused(capsys, ["run", "--config", str(path), "--headless", "--parts", "1"])
    assert f"{path}: {says}" in err


def test_a_pin_the_board_refuses_is_named_and_none_stays_claimed():
    factory = MockFactory()
    first = StationIO(GpioSettings(), pin_factory=factory)
    with pytest.raises(ConfigError, match=r"gpio.pusher_pin = 27: the pin factory refused it: .*in use"):
        StationIO(GpioSettings(beam_pin=5, light_red_pin=6, light_amber_pin=13, light_green_pin=19),
                  pin_factory=factory)
    first.close()
    StationIO(GpioSettings(beam_pin=5), pin_factory=factory).close()  # beam 5 was let go again


def test_a_data_dir_that_is_a_file_is_refused(tmp_path, capsys):
    a_file = tmp_path / "data"
    a_file.write_text("not a folder")
    err = refused(capsys, ["run", "--data-dir", str(a_file), "--headless", "--parts", "1"])
    assert f"--data-dir: data_dir = '{a_file}': is a file, not a folder" in err


def test_a_data_dir_that_cannot_be_made_is_refused(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    path = station_file(tmp_path, "").read_text().replace(str(tmp_path / "data"), str(tmp_path / "file" / "data"))
    (tmp_path / "station.toml").write_text(path)
    err = refused(capsys, ["run", "--config", str(tmp_path / "station.toml"), "--headless", "--parts", "1"])
    assert f"station.toml: data_dir = '{tmp_path / 'file' / 'data'}': cannot be made: Not a directory" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_data_dir_this_user_cannot_write_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(ConfigError, match="not writable by this user"):
        check_data_dir(locked)


def test_a_full_disk_at_start_is_refused_with_the_space_left(tmp_path):
    free = shutil.disk_usage(tmp_path).free
    with pytest.raises(ConfigError, match=r"data_dir = .*: only [\d.]+ MiB free on its disk: the station needs"):
        check_data_dir(tmp_path, min_free_bytes=free + (1 << 30))
    check_data_dir(tmp_path, min_free_bytes=min(free, 1 << 20))  # enough: no refusal


def png_header_only(path, width: int, height: int) -> None:
    """A PNG whose header says width x height and whose pixels are missing: decoding it would fail, not refuse."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk)


def test_an_oversized_image_is_refused_from_its_header_before_decoding(tmp_path, capsys):
    big, small = tmp_path / "big.png", tmp_path / "small.png"
    png_header_only(big, 16000, 16000)
    cv2.imwrite(str(small), np.full((48, 64, 3), 40, np.uint8))
    code = main(["predict", str(small), str(big), "--data-dir", str(tmp_path / "data")])
    out = capsys.readouterr().out
    assert code == 2
    assert f"{big}: pixels = 16000 x 16000 = 256000000: above the limit of 50000000 (--max-pixels)" in out
    assert f"{small}: " in out and "not a readable image" not in out  # the small one was still inspected
    assert main(["predict", str(small), "--max-pixels", "1000", "--data-dir", str(tmp_path / "data")]) == 2
    tiff = tmp_path / "scan.tiff"
    cv2.imwrite(str(tiff), np.zeros((8, 8, 3), np.uint8))
    capsys.readouterr()
    assert main(["predict", str(tiff), "--data-dir", str(tmp_path / "data")]) == 2
    assert "format = other than PNG, JPEG or BMP: its size cannot be checked" in capsys.readouterr().out
