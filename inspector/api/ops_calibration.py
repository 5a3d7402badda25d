"""API ops of the calibration screen: the camera's real settings, a preview of trial settings that never reaches the
running line's camera (:mod:`inspector.calibration_trial`), the guarded apply, and the beam / pusher / travel tests.

Changing anything needs ``calibration.save`` (technician, admin; ``NO_USERS`` on the local socket of a station without
users). Applying while the line runs needs ``confirm: true``; focus or exposure far from the recipe's reference needs
``accept_warnings: true``. Every apply is saved to the station file with an audit entry, as the station's screen did.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import cv2

from inspector import actions
from inspector.api.protocol import ApiError
from inspector.calibration import (Calibration, CalibrationError, inference_budget_s, reference_for,
                                   reference_warnings, restore_calibration, save_calibration)
from inspector.calibration_trial import CameraTrial, actual_controls, measures
from inspector.camera_controls import RANGES, RESOLUTIONS, CameraControls, make_controls
from inspector.permissions import CALIBRATION_SAVE
from inspector.timing import TravelMeasurement, fire_pulse

PREVIEW_QUALITY = 85
TRAVEL_TRIALS = 5


class CalibrationOps:
    """Mixin of :class:`inspector.api.operations.Operations` (``self.station``, ``self.store``, ``self.viewer``, …)."""

    station_path: Path | None = None  # the station file calibration saves to (serve's --config); None: data_dir's
    _calibration_trial: CameraTrial | None = None
    _calibration_lock = threading.Lock()

    # -- helpers -----------------------------------------------------------------------------------------------
    def _calibration_file(self) -> Path:
        return Path(self.station_path or Path(self.station.config.data_dir) / "station.toml")

    def _saved_calibration(self) -> Calibration:
        return restore_calibration(self._calibration_file(), self.station.config)

    def _trial(self, *, create: bool = True) -> CameraTrial | None:
        """This station's trial (a new one when asked); one left on a replaced station is ended."""
        line = self.station.line
        with self._calibration_lock:
            trial = self._calibration_trial
            if trial is not None and (trial.ended.is_set() or trial.line is not line):
                if not trial.ended.is_set():
                    try:
                        trial.end()
                    except Exception:  # noqa: BLE001 - the old station's camera is closed already
                        pass
                trial = None
            if trial is None and create:
                trial = CameraTrial(line, actual_controls(line.frames.camera, self._saved_calibration().controls))
            self._calibration_trial = trial
            return trial

    def _applied_controls(self) -> CameraControls:
        trial = self._trial(create=False)
        if trial is not None:
            return trial.applied
        return actual_controls(self.station.line.frames.camera, self._saved_calibration().controls)

    def _controls_arg(self, args: dict) -> CameraControls:
        """The trial controls asked for: the applied values with the request's ``controls`` over them."""
        given = args.get("controls") or {}
        if not isinstance(given, dict):
            raise ApiError("bad_request", "controls must be an object {name: value}")
        return make_controls({**self._applied_controls().model_dump(), **given})

    def _inference_s(self) -> float | None:
        latencies = self.station.stats.latency.get("inference") or []
        return sorted(latencies)[int(0.99 * (len(latencies) - 1))] / 1000 if latencies else None

    def _reference(self):
        return reference_for(self.station.recipe, self._saved_calibration())

    # -- reading -----------------------------------------------------------------------------------------------
    def op_calibration(self, args: dict, caller: Any) -> dict:
        """What the screen opens with: the camera's real values, the saved ROI and timing, ranges and reference."""
        self.viewer(caller)
        saved, line = self._saved_calibration(), self.station.line
        trial = self._trial(create=False)
        return {"controls": self._applied_controls().model_dump(), "saved": saved.as_dict(),
                "roi": list(saved.roi) if saved.roi else None, "travel_s": saved.travel_s, "pulse_s": saved.pulse_s,
                "ranges": {name: {"low": r.low, "high": r.high, "step": r.step, "unit": r.unit, "label": r.label,
                                  "default": r.default} for name, r in RANGES.items()},
                "resolutions": [list(size) for size in RESOLUTIONS], "reference": self._reference().as_dict(),
                "running": bool(line.running), "path": str(self._calibration_file()),
                "inference_budget_s": inference_budget_s(self.station.config.timing, self._inference_s()),
                "trial_on_camera": bool(trial is not None and trial.on_camera is not None)}

    def op_calibration_check(self, args: dict, caller: Any) -> dict:
        """The warnings an apply of ``controls`` would give (focus or exposure far from the reference)."""
        self.viewer(caller)
        reference = self._reference()
        return {"warnings": reference_warnings(self._controls_arg(args), reference),
                "reference": reference.as_dict(), "running": bool(self.station.line.running)}

    # -- trying ------------------------------------------------------------------------------------------------
    def op_calibration_preview(self, args: dict, caller: Any) -> Any:
        """The picture at the trial ``controls`` (JPEG) with its focus score, exposure and warnings in the header.
        On a running line the camera is not touched (``mode: emulated``); stopped, it shows the trial itself."""
        from inspector.api.operations import Binary

        self.actor(caller, CALIBRATION_SAVE)
        controls = self._controls_arg(args)
        try:
            image, mode, not_previewed = self._trial().preview(controls)
        except CalibrationError as e:
            raise ApiError("refused", str(e)) from None
        header = {"type": "image/jpeg", "mode": mode, "not_previewed": not_previewed,
                  "running": bool(self.station.line.running), "frame_width": int(image.shape[1]),
                  "frame_height": int(image.shape[0]), **measures(image, args.get("roi")),
                  "warnings": reference_warnings(controls, self._reference())}
        width = self.station.config.api.frame_width
        if image.shape[1] > width:
            image = cv2.resize(image, (width, max(1, round(image.shape[0] * width / image.shape[1]))),
                               interpolation=cv2.INTER_AREA)
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PREVIEW_QUALITY])
        if not ok:
            raise ApiError("refused", "the preview could not be encoded")
        return Binary({**header, "width": int(image.shape[1]), "height": int(image.shape[0])}, data.tobytes())

    def op_calibration_end(self, args: dict, caller: Any) -> dict:
        """The screen closes: a trial on the camera is taken off (the applied values back), the beam given back."""
        self.viewer(caller)
        trial = self._trial(create=False)
        if trial is not None:
            trial.end()
        return {"ended": trial is not None, "controls": self._applied_controls().model_dump()}

    # -- applying ----------------------------------------------------------------------------------------------
    def op_calibration_apply(self, args: dict, caller: Any) -> dict:
        """Save ``controls``, ``roi``, ``travel_s``, ``pulse_s`` to the station file (audited, with ``reason``) and put
        the controls on the camera. Refused while the line runs unless ``confirm``; refused with focus or exposure far
        from the reference unless ``accept_warnings``."""
        who = self.actor(caller, CALIBRATION_SAVE)
        line, saved = self.station.line, self._saved_calibration()
        controls = self._controls_arg(args)
        running = bool(line.running)
        if running and not args.get("confirm"):
            raise ApiError("refused", "the line is running: applying changes its camera for the next parts; stop the "
                                      "line first, or confirm to apply to the running line")
        warnings = reference_warnings(controls, self._reference())
        if warnings and not args.get("accept_warnings"):
            raise ApiError("refused", "; ".join(warnings) + ". Check the preview; accept the warnings to save anyway")
        roi = args["roi"] if "roi" in args else saved.roi
        cal = Calibration(controls, tuple(roi) if roi else None, float(args.get("travel_s") or saved.travel_s),
                          float(args.get("pulse_s") or saved.pulse_s))
        reason = str(args.get("reason") or "").strip()
        notes = [n for n in ("applied to the running line (confirmed)" if running else "",
                             "warnings accepted: " + "; ".join(warnings) if warnings else "") if n]
        if reason and notes:
            reason = f"{reason} [{' | '.join(notes)}]"
        session = None if who is actions.NO_USERS else who
        path = self._calibration_file()
        save_calibration(path, cal, session=session, db=self.store, reason=reason, inference_s=self._inference_s())
        refused = self._trial().apply(controls)
        return {"saved": str(path), "controls": controls.model_dump(), "running": running, "refused": refused,
                "note": "camera now; ROI and timing from the next start"}

    # -- beam, pusher, travel ------------------------------------------------------------------------------------
    def op_calibration_io(self, args: dict, caller: Any) -> dict:
        """``action``: state (beam, measurement), fire {pulse_s, travel_s}, travel_start, travel_confirm, travel_stop.
        Firing and measuring are refused while the line runs."""
        action = args.get("action") or "state"
        if action == "state":
            self.viewer(caller)
            return self._io_state()
        self.actor(caller, CALIBRATION_SAVE)
        io, line, saved = self.station.io, self.station.line, self._saved_calibration()
        try:
            if action == "fire":
                if line.running:
                    raise CalibrationError("stop the line before firing the pusher by hand")
                pulse_s = float(args.get("pulse_s") or saved.pulse_s)
                fire_pulse(io.pusher, pulse_s, float(args.get("travel_s") or saved.travel_s))
                return {**self._io_state(), "fired_s": pulse_s}
            if action == "travel_start":
                trials = int(args.get("trials") or TRAVEL_TRIALS)
                self._trial().start_measurement(lambda: TravelMeasurement(
                    io.beam, trials=trials, arrival=getattr(io, "arrival", None)))
            elif action == "travel_confirm":
                trial = self._trial(create=False)
                if trial is None or trial.measurement is None or trial.measurement.confirm_arrival() is None:
                    raise CalibrationError("no part on its way: the beam has not seen one since the last confirmation")
            elif action == "travel_stop":
                trial = self._trial(create=False)
                if trial is not None:
                    trial.stop_measurement()
            else:
                raise ApiError("bad_request", f"action = {action!r}: one of state, fire, travel_start, "
                                              "travel_confirm, travel_stop")
        except CalibrationError as e:
            raise ApiError("refused", str(e)) from None
        return self._io_state()

    def _io_state(self) -> dict:
        trial = self._trial(create=False)
        if trial is not None:
            trial.renew()
        m = trial.measurement if trial is not None else None
        state: dict[str, Any] = {"beam_broken": bool(self.station.io.beam.broken),
                                 "running": bool(self.station.line.running), "measurement": None}
        if m is None:
            return state
        measured: dict[str, Any] = {"trials": list(m.trials), "wanted": m.wanted, "done": m.done,
                                    "waiting": m.waiting, "missed": m.missed, "confirm_by_hand": m.arrival is None,
                                    "result": None}
        if m.trials:
            r = m.result()
            result = {"median_s": r.median_s, "spread_s": r.spread_s, "limit_s": r.limit_s, "ok": r.ok,
                      "part_gap_s": r.part_gap_s, "message": r.message, "accepted_s": None, "refusal": None}
            try:
                result["accepted_s"] = r.accepted(inference_budget_s(self.station.config.timing, self._inference_s()))
            except CalibrationError as e:
                result["refusal"] = str(e)
            measured["result"] = result
        state["measurement"] = measured
        return state
