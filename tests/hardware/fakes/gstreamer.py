"""A fake PyGObject (``gi``, ``gi.repository.Gst``) running the pipelines the GStreamer backend builds.

``Gst.parse_launch`` reads the description (elements, their properties, caps) and refuses unknown elements with a
``GLib.Error`` as GStreamer does; the appsink's ``try-pull-sample`` delivers BGR frames at the caps' frame rate, their
brightness following the source's ``exposuretimerange`` and ``gainrange``, stamped with PTS on the pipeline's
running time (base time on CLOCK_MONOTONIC). ``World.unplug()`` posts an ERROR on the bus, as nvarguscamerasrc does
when Argus loses the sensor, and a pipeline will not start again until ``replug()``.
"""
from __future__ import annotations

import enum
import shlex
import sys
import time
import types

import numpy as np

KNOWN = {"nvarguscamerasrc", "rtspsrc", "decodebin", "videoconvert", "videoscale", "nvvidconv", "appsink",
         "videotestsrc", "v4l2src"}
SOURCES = {"nvarguscamerasrc", "rtspsrc", "videotestsrc", "v4l2src"}


def parse(description: str) -> list[tuple[str, dict[str, str]]]:
    """[(element or caps, {property: value})] of a launch line."""
    out = []
    for part in description.split("!"):
        part = part.strip()
        if part.startswith(("video/", "image/")):
            head, *fields = part.split(",")
            out.append((head, dict(f.split("=", 1) for f in fields)))
            continue
        tokens = shlex.split(part)
        out.append((tokens[0], dict(t.split("=", 1) for t in tokens[1:])))
    return out


class World:
    def __init__(self, scene: float = 60.0) -> None:
        self.scene, self.plugged, self.pipelines = scene, True, []

    def unplug(self) -> None:
        self.plugged = False
        for p in self.pipelines:
            if p.playing:
                p.bus.messages.append(Message(Gst.MessageType.ERROR, "Argus: capture session lost the sensor"))

    def replug(self) -> None:
        self.plugged = True


class GLibError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Message:
    def __init__(self, type_, text=""):
        self.type, self.text = type_, text

    def parse_error(self):
        return GLibError(self.text), "debug info"


class Bus:
    def __init__(self):
        self.messages = []

    def pop_filtered(self, types_):
        for m in self.messages:
            if m.type & types_:
                self.messages.remove(m)
                return m
        return None


class Element:
    def __init__(self, pipeline, kind, props):
        self.pipeline, self.kind, self.props = pipeline, kind, dict(props)

    def get_property(self, name):
        value = self.props[name]
        return int(value) if name == "wbmode" else value

    def set_property(self, name, value):
        self.props[name] = str(value)

    def emit(self, signal, timeout_ns):
        assert self.kind == "appsink" and signal == "try-pull-sample"
        return self.pipeline.pull(timeout_ns / 1e9)


class Caps:
    def __init__(self, fields):
        self.fields = fields

    def get_structure(self, i):
        return self

    def get_value(self, name):
        return int(self.fields[name])


class MapInfo:
    def __init__(self, data):
        self.data = data


class Buffer:
    def __init__(self, data, pts):
        self.data, self.pts, self.mapped = data, pts, 0

    def map(self, flags):
        self.mapped += 1
        return True, MapInfo(self.data)

    def unmap(self, info):
        self.mapped -= 1


class Sample:
    def __init__(self, buffer, caps):
        self.buffer, self.caps = buffer, caps

    def get_buffer(self):
        return self.buffer

    def get_caps(self):
        return self.caps


class Pipeline:
    def __init__(self, world, description):
        self.world, self.description, self.bus, self.playing = world, description, Bus(), False
        self.elements, self.caps = {}, {}
        for kind, props in parse(description):
            if kind.startswith("video/"):
                self.caps.update(props)
                continue
            if kind not in KNOWN:
                raise GLibError(f"no element \"{kind}\"")
            element = Element(self, kind, props)
            if "name" in props:
                self.elements[props["name"]] = element
            if kind in SOURCES:
                self.source = element
        self.base_time, self.last = 0, None
        world.pipelines.append(self)

    def get_by_name(self, name):
        return self.elements.get(name)

    def get_bus(self):
        return self.bus

    def get_base_time(self):
        return self.base_time

    def set_state(self, state):
        if state == Gst.State.PLAYING:
            if not self.world.plugged:
                self.bus.messages.append(Message(Gst.MessageType.ERROR, "Argus: no camera available"))
                return Gst.StateChangeReturn.FAILURE
            self.playing, self.base_time, self.last = True, time.monotonic_ns(), None
            return Gst.StateChangeReturn.ASYNC
        self.playing = False
        return Gst.StateChangeReturn.SUCCESS

    def pull(self, timeout):
        if not (self.playing and self.world.plugged):
            time.sleep(min(timeout, 0.01))
            return None
        num, den = (int(x) for x in self.caps.get("framerate", "30/1").split("/"))
        period = den / num
        now = time.monotonic()
        due = now if self.last is None else max(now, self.last + period)
        if due - now > timeout:
            time.sleep(timeout)
            return None
        time.sleep(max(0.0, due - now))
        self.last = due
        self.last_pts = max(0, int(due * 1e9) - self.base_time - 2_000_000)  # captured 2 ms before delivery
        return Sample(Buffer(self.frame(), self.last_pts), Caps(self.caps))

    def frame(self) -> bytes:
        w, h = int(self.caps["width"]), int(self.caps["height"])
        src = self.source.props
        exposure_ns = float(src.get("exposuretimerange", "10000000").strip('"').split()[0])
        gain = float(src.get("gainrange", "1").strip('"').split()[0])
        level = min(255, int(self.world.scene * exposure_ns / 1e7 * gain))
        stride = (w * 3 + 3) // 4 * 4  # GStreamer pads BGR rows to 4 bytes
        rows = np.zeros((h, stride), np.uint8)
        rows[:, : w * 3] = level
        return rows.tobytes()


class _Flags(enum.IntFlag):
    ERROR = 2
    EOS = 1


Gst = types.SimpleNamespace(
    State=types.SimpleNamespace(NULL=1, READY=2, PAUSED=3, PLAYING=4),
    StateChangeReturn=types.SimpleNamespace(FAILURE=0, SUCCESS=1, ASYNC=2, NO_PREROLL=3),
    MessageType=_Flags, MapFlags=types.SimpleNamespace(READ=1), CLOCK_TIME_NONE=2 ** 64 - 1,
)


def install(monkeypatch, world: World | None = None) -> World:
    """Put a fake ``gi`` with ``Gst`` over ``world`` in ``sys.modules``."""
    world = world or World()
    gst = types.ModuleType("gi.repository.Gst")
    gst.__dict__.update(vars(Gst))
    gst.initialised = False
    gst.init = lambda argv: setattr(gst, "initialised", True)
    gst.parse_launch = lambda description: Pipeline(world, description)
    gst.ElementFactory = types.SimpleNamespace(find=lambda name: name if name in KNOWN else None)
    glib = types.ModuleType("gi.repository.GLib")
    glib.Error = GLibError
    repository = types.ModuleType("gi.repository")
    repository.Gst, repository.GLib = gst, glib
    gi = types.ModuleType("gi")
    gi.repository = repository
    gi.require_version = lambda name, version: None
    for name, module in (("gi", gi), ("gi.repository", repository), ("gi.repository.Gst", gst),
                         ("gi.repository.GLib", glib)):
        monkeypatch.setitem(sys.modules, name, module)
    world.gst = gst
    return world


def hide_pygobject(monkeypatch) -> None:
    """As on a board without python3-gi: ``import gi`` fails."""
    monkeypatch.setitem(sys.modules, "gi", None)


