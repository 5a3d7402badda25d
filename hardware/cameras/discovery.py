"""What cameras this machine has, per backend, with their controls and ranges: for ``inspector cameras``.

Each ``find_*`` returns a ``Found``: the cameras (source to put in the station file, a name, {control: range}) or,
when there are none, why. Nothing here keeps a device open; a camera the station holds shows as busy.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

from hardware.cameras import control_units as units
from inspector.ports import CameraError

VIDEO_DEVICES = "/dev/video*"
SYSFS = "/sys/class/video4linux"
LIBCAMERA_NODES = ("unicam", "rp1-cfe", "pispbe", "bcm2835-isp", "rpi-hevc", "bcm2835-codec")
V4L2_CONTROLS = ("exposure_time_absolute", "exposure_absolute", "gain", "white_balance_temperature",
                 "focus_absolute", "brightness")


@dataclass
class Camera:
    source: str
    name: str
    controls: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass
class Found:
    backend: str
    cameras: list[Camera] = field(default_factory=list)
    why_none: str = ""


def _sysfs_name(device: str) -> str:
    try:
        with open(f"{SYSFS}/{os.path.basename(device)}/name", encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def v4l2_ranges(device: str) -> dict[str, str]:
    """{control: "min–max (default d)"} from ``v4l2-ctl --list-ctrls`` where v4l-utils is installed."""
    if shutil.which("v4l2-ctl") is None:
        return {"(ranges)": "install v4l-utils to see them (v4l2-ctl)"}
    try:
        out = subprocess.run(["v4l2-ctl", "-d", device, "--list-ctrls"], capture_output=True, text=True,
                             timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"(ranges)": f"v4l2-ctl failed: {e}"}
    ranges = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\w+)\s+0x[0-9a-f]+\s+\((\w+)\)\s*:\s*(.*)", line)
        if m and m.group(1) in V4L2_CONTROLS:
            fields = dict(re.findall(r"(\w+)=(-?\d+)", m.group(3)))
            if "min" in fields:
                ranges[m.group(1)] = f"{fields['min']}–{fields['max']} (default {fields.get('default', '?')})"
    return ranges


def find_v4l2() -> Found:
    found = Found("opencv")
    devices = sorted(glob.glob(VIDEO_DEVICES), key=lambda d: int(re.sub(r"\D", "", os.path.basename(d)) or 0))
    if not devices:
        found.why_none = "no /dev/video* devices: no USB camera plugged in, or the kernel has no driver for it"
        return found
    for device in devices:
        name = _sysfs_name(device)
        if any(node in name for node in LIBCAMERA_NODES):
            found.cameras.append(Camera(device, name, note="a libcamera node: use backend 'picamera2'"))
        elif name.startswith("vi-output"):
            found.cameras.append(Camera(device, name, note="a Jetson CSI sensor: use backend 'gstreamer' "
                                                           "(source nvargus:N)"))
        else:
            access = "" if os.access(device, os.R_OK | os.W_OK) else "no access: add the user to the 'video' group"
            found.cameras.append(Camera(device, name, v4l2_ranges(device), access))
    return found


def find_picamera2() -> Found:
    from hardware.cameras.picamera2 import load_library

    found = Found("picamera2")
    try:
        library = load_library()
        infos = list(library.global_camera_info())
    except CameraError as e:
        found.why_none = str(e)
        return found
    except Exception as e:
        found.why_none = f"libcamera cannot list cameras: {e}"
        return found
    if not infos:
        found.why_none = "libcamera finds no CSI camera (ribbon cable seated? camera_auto_detect in config.txt?)"
    for number, info in enumerate(infos):
        camera = Camera(str(number), f"{info.get('Model', '?')} at {info.get('Id', '?')}")
        try:
            cam = library(number)
        except Exception as e:
            camera.note = f"busy or refused ({e}): is the station running?"
            found.cameras.append(camera)
            continue
        try:
            camera.controls = _libcamera_ranges(cam.camera_controls)
        finally:
            cam.close()
        found.cameras.append(camera)
    return found


def _libcamera_ranges(limits: dict) -> dict[str, str]:
    out = {}
    if "ExposureTime" in limits:
        low, high = limits["ExposureTime"][:2]
        out["exposure"] = f"{low / 1000:g}–{high / 1000:g} ms (ExposureTime)"
    if "AnalogueGain" in limits:
        low, high = limits["AnalogueGain"][:2]
        out["gain"] = (f"{units.gain_from_factor(low):.0f}–{units.gain_from_factor(high):.0f} "
                       f"(AnalogueGain {low:g}–{high:g})")
    out["focus"] = (f"0–255 (LensPosition 0–{limits['LensPosition'][1]:g} dioptres)" if "LensPosition" in limits
                    else "none: a manual lens")
    if "FrameDurationLimits" in limits:
        low, high = limits["FrameDurationLimits"][:2]
        out["fps"] = f"{1e6 / high:.3g}–{1e6 / low:.3g} (FrameDurationLimits)"
    return out


def find_gstreamer() -> Found:
    from hardware.cameras.gstreamer import load_gst
    from hardware.cameras.opencv import has_gstreamer

    found = Found("gstreamer")
    gst = load_gst()
    if gst is None and not has_gstreamer():
        found.why_none = ("neither PyGObject (python3-gi, gir1.2-gst-plugins-base-1.0) nor an OpenCV built with "
                          "GStreamer is installed")
        return found
    via = "PyGObject" if gst is not None else "OpenCV's GStreamer"
    argus = gst is not None and gst.ElementFactory.find("nvarguscamerasrc") is not None
    sensors = [d for d in sorted(glob.glob(VIDEO_DEVICES)) if _sysfs_name(d).startswith("vi-output")]
    for n, device in enumerate(sensors):
        found.cameras.append(Camera(f"nvargus:{n}", _sysfs_name(device), {
            "exposure": "0.034–358.7 ms (exposuretimerange; Argus clamps to the sensor mode)",
            "gain": "0–80 (gainrange 1–16)", "wb_temperature": "presets (wbmode)"}, f"through {via}"))
    if not found.cameras:
        found.why_none = (f"GStreamer is there ({via}) but no Jetson CSI sensor"
                          f"{'' if argus else ' (no nvarguscamerasrc element)'}; an RTSP camera is named by its "
                          "rtsp:// URL, which cannot be listed")
    return found


def find_genicam(cti: str | None) -> Found:
    from hardware.cameras.genicam import list_devices, producer_path

    found = Found("genicam")
    try:
        path = producer_path(cti)
        devices = list_devices(path)
    except CameraError as e:
        found.why_none = str(e)
        return found
    except Exception as e:
        found.why_none = f"the GenTL producer failed: {e}"
        return found
    if not devices:
        found.why_none = f"the producer {path} sees no camera (cable, power, network, the camera's IP subnet?)"
    for d in devices:
        found.cameras.append(Camera(str(d["serial_number"]), f"{d['vendor']} {d['model']} ({d['id']})",
                                    d.get("controls", {}), f"producer {path}"))
    return found


def find_all(cti: str | None = None) -> list[Found]:
    return [find_v4l2(), find_picamera2(), find_gstreamer(), find_genicam(cti)]
