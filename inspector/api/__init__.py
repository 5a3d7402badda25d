"""The runtime's API for frontends (version 1): what ``inspector serve`` offers a screen, local or on the network.

Transport: WebSocket (RFC 6455) over a local unix socket and over TLS on TCP, served by the ``websockets`` library.
Why: one well-kept pure-Python dependency (no compiler on Raspberry Pi OS or Jetson; its C speed-up is optional),
asyncio-native, with unix-socket and TLS listeners from the standard library's ``ssl``; one full-duplex connection
carries requests, the part-event stream and binary JPEG frames, and passes plant proxies and firewalls as HTTP does.
A Qt frontend speaks it with QtWebSockets or runs :class:`inspector.api.client.Client` (no Qt) in a thread.
ZeroMQ and gRPC were set aside: both need a compiled library on the board (libzmq / grpcio wheels lag on aarch64),
and neither gives a browser-grade stream with TLS and one port as simply.

Connecting
    ``ws://localhost/v1`` on the unix socket (``api.socket_path``, default ``data_dir/api.sock``, mode 0660), or
    ``wss://station:8443/v1`` (``api.tls = true``). The version is in the path: any other path is refused (HTTP 404).
    The TLS certificate is the station's own, made at first start (``data_dir/api/station.crt``; key ``station.key``,
    mode 0600). A client pins the sha256 of its DER form (``inspector serve --fingerprint`` prints it) instead of
    trusting a CA.

Messages
    Requests are JSON text frames ``{"id": 7, "op": "counters", "token": "...", ...arguments}``; the reply has the
    same id: ``{"id": 7, "ok": true, "result": ...}`` or ``{"id": 7, "ok": false, "error": {"code", "message"}}``
    with code ``unauthorized`` (no or expired login), ``forbidden`` (the role may not), ``bad_request``,
    ``not_found`` or ``refused`` (the core refused: the message says why). Binary frames carry images: a 4-byte
    big-endian header length, a JSON header (``{"id": 7}`` for a reply, ``{"event": "frame", ...}`` for a live
    frame; ``"type": "image/jpeg"``) and the image bytes.

Login and roles
    ``login {user, pin}`` gives ``{token, expires_in_s, user, role}``: a per-user token that ends at the station's
    idle time-out (``UserDirectory.idle_timeout_s``, each allowed call renews it), at ``api.token_ttl_s`` at the
    latest, on ``logout``, or when an admin changes the user. Every request and every event stream is checked by the
    runtime against the permissions table (:mod:`inspector.permissions`). Over TLS nothing is answered without a
    valid token except ``hello`` and ``login``. On the unix socket (the line's own screen, guarded by the socket's
    file mode) viewing needs no login; acting does, as at the station; a station with no users acts as
    ``NO_USERS``.

Operations (``op``; who may; result)
    hello            anyone       {"api": 1}
    login_users      local        [{name, role}]: the active users, for the line window's login buttons ([] over TLS)
    login / logout   anyone       see above
    counters         viewer       {run_id, recipe, running, halted, triggered, recorded, outcomes, fail_safe_causes,
                                  last_part_id, shift, lot}: ``shift`` and ``lot`` are the line screen's counters
                                  {started, inspected, passed, rejected, check, fail_safe} (``lot`` also names the
                                  lot in force), owned by the runtime and counted from the records
    alarms           viewer       [{kind, message, raised_at, part_id, count}]
    recipe           viewer       the recipe in use (name, sha256, models, thresholds, layout)
    parts            viewer       {after, limit<=500}: part events from the records, part_id > after, oldest first
    part_image       viewer       {part_id}: the kept image as a binary reply (not_found when none was kept)
    subscribe        viewer       {events: bool, frames_fps: float, part_images: bool, frames_shm: bool}: part,
                                  counter, alarm and station events; live frames (JPEG; at most api.frames_fps over
                                  TLS, api.local_frames_fps on the local socket); with part_images each part's
                                  picture after its event; frames_shm (local socket only): live frames as raw pixels
                                  in shared memory (``inspector.api.shared_frames``), told by frame_shm events
                                  -> {events, frames_fps, frames_shm, deciding_shm, part_images, counters};
                                  deciding_shm (local socket only): the shared-memory word that says whether the
                                  line is deciding a part (``inspector.api.deciding_flag``), for a screen to defer
                                  its drawing
    station          viewer       {api, station_id, recipe, product, expected, run_id, models: {key: version},
                                  deadline_ms, running, halted, busy, switching, lot, lots_required, recipes, layout,
                                  roi, users_configured}: what the line screen's header and status line show
    recipes          viewer       {recipes: [name], current}: the recipes in the station's recipes folder
    health           viewer       {camera_dropped, saved, writer: {queued, pending, dropped, images_written,
                                  images_lost, errors, last_error, alive}, latency_ms (the run's p50/p99/max/n),
                                  recent_ms {n, trigger_to_decision|inference|queue|…: {p50, p99, max}} (last 256
                                  parts), throughput_pps, late, in_transit, deciding, frames_sent,
                                  part_images: {encoded, dropped, failed}}
    start / stop     line.start / line.stop (operator, technician)      audited as at the station; on the simulated
                     line the conveyor starts / stops too ({parts: n} there only: that many parts)
    switch_recipe    recipe.switch {name, reason, wait=true}: through ``actions.switch_recipe`` (audited). The
                     station is closed (every part recorded) and one built for ``name`` keeping the lot; it runs
                     again if it was running. Reply: the new station's info with switched: true (false: it was on
                     already), or refused with why (the old recipe was built again and the ``model_refused`` alarm
                     raised); not_found for a recipe not in ``recipes``. wait=false: {switching: name} at once.
                     A local client on a station without users may switch.
    set_lot          recipe.switch {lot, reason}: through ``lots.change_lot`` (audited, the record chain sealed);
                     -> {lot, changed}; null / blank clears it (refused where lots.required)
    alarm_ack        alarm.acknowledge {kind}                           audited as at the station
    counters_reset   counters.shift (operator, technician) {scope: "shift", reason}: the shift ends;
                     counters.lot (technician, admin) {scope: "lot", reason}: the lot in force counts again from
                     its next part. -> the new period's counters; audited with the counters it ended; every
                     subscriber gets a ``counters`` event
    review_queue     review.label (qa) {outcomes, state, since, until, recipe, model_key, sort, after, limit}
                     -> {items: [{part, label}], next_after, open}
    review_submit    review.label (qa) {part_id, verdict, label|count|points|defect_box, comment, seconds_spent,
                     pin, reason}: through ``actions.submit_label``, so the label row and its audit entry are those
                     of the line screen; a correction is signed (pin and reason)
    review_undo      review.label (qa) {part_id, reason, pin, label_id?, seconds_spent?}: undo the part's latest verdict
                     through ``actions.undo_label``: a NEW label row (``undoes`` = the row undone) restoring the value
                     before it (an earlier QA value, or none: the part is open again); signed (pin and reason) and
                     audited as ``review.undo``; ``label_id`` (the verdict the client shows) is refused when stale
    report           review.label or audit.read {kind: reviewers|agreement, since, until, model_key}
    audit            audit.read (qa, admin) {limit}: entries newest first; {verify: true}: the chain's verdict
    review_count     review.label {the review_queue filters, lot} -> {count}
    review_choices   review.label -> {recipes, model_keys, reviewers, lots}: what the review's pickers offer
    review_history   review.label {part_id} -> [label, ...] oldest first
    review_audits    review.label {limit} -> {items: [{audit, part}], pending}: the audits the caller may take (others'
                     verdicts), blind (no label); review_audit_count -> {pending}; review_disputed {part_ids} -> [id]
    review_audit_submit  review.label {audit_id, verdict, value..., pin, reason} -> {label, audit}: the blind second
                     verdict, written as review_submit writes one; the audit decided in its transaction
    review_export    review.label or audit.read {since, until, model_key, lot}: the reviewer report CSVs, written by
                     the runtime under data_dir/reports/ -> {folder, files: [{download, name, size}]}
    lots             review.label or audit.read -> [lot, ...] newest first
    batch_report     review.label or audit.read {lot, format: pdf|csv}: written under data_dir/reports/ ->
                     {download, name, size, lot, parts, chain_ok, chain}
    part_image_chunk viewer {part_id, offset, limit<=512 KiB}: part_image in chunks ({size, offset} in the header)
    download         review.label or audit.read {download, offset, limit<=512 KiB}: a binary reply, a chunk of a file
                     offered to this login ({name, size, offset} in its header)
    calibration      viewer       the camera's real controls, the saved roi / travel_s / pulse_s, ranges, resolutions,
                                  the reference (recipe's [camera_reference] or the last saved values), running
    calibration_check   viewer    {controls}: {warnings}: focus or exposure far from the reference
    calibration_preview calibration.save (technician, admin) {controls, roi}: a JPEG (binary reply) at the trial
                     controls; header {mode, not_previewed, focus_score, exposure, warnings, running}. Stopped line:
                     the camera shows the trial (``mode: camera``), back on the applied values when the trial ends,
                     its 15 s lease runs out, or the line starts. Running line: the camera is never touched; the trial
                     is rendered on its latest frame (``mode: emulated``; focus and fps listed in not_previewed)
    calibration_apply   calibration.save {controls, roi, travel_s, pulse_s, reason, confirm, accept_warnings}: saved
                     to the station file (audited) and put on the camera; refused while running without confirm, and
                     with reference warnings without accept_warnings
    calibration_end     viewer    the trial taken off the camera, the beam given back
    calibration_io   state: viewer; fire / travel_start / travel_confirm / travel_stop: calibration.save, refused
                     while running {action, pulse_s, travel_s}: {beam_broken, running, measurement}
    audit_page       audit.read {before, limit<=1000, user, action, target, since, until, facets}: entries newest
                     first, ids below before; action/target ending in "." or ":" is a prefix -> {entries,
                     next_before, total, newer (matching entries newer than this page), facets: {users, actions}}
    audit_verify     audit.read {run_id, lot}: {chain: {ok, entries, broken}, records: {ok, summary, findings}}
    models           viewer       {entries: [model table rows], incoming: [{folder, name, version}], incoming_dir,
                                  evaluating: job or null}
    model_agreement  viewer {package_id}: the shadow's agreement per live outcome
    model_evaluate   model.approve (admin) {package_id}: starts the evaluation as a job of the runtime -> job
    model_job        viewer {job}: {job, package_id, state: running|done|failed, done, total, result, error}
    model_shadow / model_promote / model_rollback
                     model.approve {package_id | name (rollback), reason, pin}: promote and rollback are signed
                     (the admin's PIN again); the core's refusal comes back as ``refused`` with its words
    model_upload     model.approve {size, data} then {upload, offset, data}: a package zip in base64 chunks of at most
                     160 KiB (128 MiB in all) -> {upload, received, size}
    model_import     model.approve {folder: a folder name in incoming_dir | upload, reason}: checked as every load
                     is (signature, golden cases), held as a candidate -> the row
    users            users.manage (admin): [{name, role, active, failures, locked_s}]
    user_unlock      users.manage {name, reason}; user_add {name, role, pin, reason} (the first admin of a station
                     without users: local socket, no login); user_set_active {name, active, reason};
                     user_set_role {name, role, reason}; user_reset_pin {name, pin, reason}: all audited by the core
    "viewer" is any logged-in user (over TLS) or any local client. On the local socket of a station without users,
    the admin operations act as ``NO_USERS`` (as the station's own screens do).

Events (JSON text frames without an id, after ``subscribe``)
    {"event": "part", "part": {...record, overlay}, "t_emit": monotonic}: one per recorded part, in part order
    {"event": "counters", ...}: with each part and after a reset; {"event": "alarms", "active": [...]}: when the set changes
    {"event": "resync", "after": part_id, "dropped": n}: this client fell behind (its bounded queue was full) or
    the runtime's own fan-out did; events were dropped, never waited for: fetch ``parts {after}`` from the records
    {"event": "logged_out", "why": ...}: the login ended; the stream stops
    {"event": "station", ...op station's fields}: the station changed: a switch began (busy "switching to X…",
    switching true) or ended (new run_id, recipe…; busy "NO STATION: …" when neither recipe could be built), the
    line was started or stopped from a client, or the lot changed
    binary {"event": "part_image", "part_id", "type": "image/jpeg", "width", "height"} + JPEG (subscribe
    part_images): the frame the part was decided on, scaled to api.frame_width, after that part's event; a client
    that is behind loses pictures (counted in health.part_images.dropped), never parts; none for a part without a
    frame
    {"event": "frame_shm", "name", "slot", "offset", "seq", "frame_seq", "t", "width", "height", "channels",
    "format": "bgr24"}: a live frame in the shared-memory segment ``name`` (read it with ``SharedFrameReader``)
    binary {"event": "frame", "t", "seq", "type": "image/jpeg", "width", "height"} + JPEG: a live frame
    A reconnecting client asks ``parts {after: last part it has}``: missed parts come from the records, not memory.
"""
from __future__ import annotations

API_VERSION = 1
PATH = f"/v{API_VERSION}"

__all__ = ["API_VERSION", "PATH"]
