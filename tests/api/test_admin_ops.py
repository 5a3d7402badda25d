"""The ADMIN operations over a real ApiServer (TLS and the local socket): the audit trail in pages with filters and
its verdict, the model table changed by an admin and refused for an operator by the runtime, a package uploaded as
bytes, a user locked out by wrong PINs unlocked by an admin (audited)."""
from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from inspector import audit
from inspector.api.admin_client import upload_package, wait_job
from inspector.api.client import Client
from inspector.api.protocol import ApiError
from inspector.models import archive
from tests.api.conftest import PINS
from tests.api import served_models as models
from tests.lifecycle import conftest as lifecycle

NAME, candidate = models.NAME, models.candidate
served_models, recorded, station = models.served_models, lifecycle.recorded, lifecycle.station  # fixtures


def tls(server, user=None):
    client = Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint)
    if user is not None:
        client.login(user, PINS[user])
    return client


def test_the_trail_comes_in_pages_newest_first_with_filters_and_a_verdict(served):
    station, server = served
    with tls(server, "ana") as client:
        everything = client.call("audit_page", limit=1000, facets=True)
        ids = [e["id"] for e in everything["entries"]]
        assert ids == sorted(ids, reverse=True) and everything["total"] == len(ids) >= 4
        assert "root" in everything["facets"]["users"] and "user.add" in everything["facets"]["actions"]
        first = client.call("audit_page", limit=2)
        second = client.call("audit_page", limit=2, before=first["next_before"])
        assert [e["id"] for e in first["entries"] + second["entries"]] == ids[:4]
        added = client.call("audit_page", action="user.", limit=1000)
        assert [e["target"] for e in added["entries"]] == ["user:otto", "user:ana", "user:root"]
        assert client.call("audit_page", user="ana", limit=1000)["total"] == 0
        verdict = client.call("audit_verify")
        assert verdict["chain"] == {"ok": True, "entries": len(ids), "broken": None} and verdict["records"]["ok"]

    with sqlite3.connect(Path(station.config.data_dir) / "inspector.db") as raw:  # entry 2 rewritten in the file
        raw.executescript("DROP TRIGGER audit_no_update;")
        raw.execute("UPDATE audit SET reason = 'nothing to see' WHERE id = 2")
    with tls(server, "root") as client:
        broken = client.call("audit_verify")["chain"]["broken"]
        assert (broken["entry_id"], broken["kind"]) == (2, "changed")
    with tls(server, "otto") as client, pytest.raises(ApiError) as refused:
        client.call("audit_page")
    assert refused.value.code == "forbidden"


def test_a_user_locked_out_by_wrong_pins_is_unlocked_by_an_admin_and_it_is_audited(served):
    station, server = served
    with tls(server) as client:
        for _ in range(5):
            with pytest.raises(ApiError):
                client.login("otto", "0000")
        with pytest.raises(ApiError, match="locked out"):
            client.login("otto", PINS["otto"])
    with tls(server, "ana") as qa, pytest.raises(ApiError) as refused:
        qa.call("user_unlock", name="otto", reason="forgot the PIN")
    assert refused.value.code == "forbidden"
    with tls(server, "root") as admin:
        otto = next(u for u in admin.call("users") if u["name"] == "otto")
        assert otto["role"] == "operator" and otto["active"] and otto["locked_s"] > 200
        assert admin.call("user_unlock", name="otto", reason="forgot the PIN")["was_locked_s"] > 200
        assert next(u for u in admin.call("users") if u["name"] == "otto")["locked_s"] == 0
    unlock = audit.entries(station.store, newest_first=True)[0]
    assert (unlock.user, unlock.action, unlock.target, unlock.reason) == ("root", "user.unlock", "user:otto",
                                                                          "forgot the PIN")
    with tls(server, "otto") as client:
        assert client.call("counters")["recorded"] == 12


def test_an_admin_adds_changes_and_deactivates_users_and_the_last_admin_stays(served):
    station, server = served
    with tls(server, "root") as admin:
        admin.call("user_add", name="tess", role="technician", pin="604319", reason="new technician")
        admin.call("user_set_role", name="tess", role="qa", reason="moved to QA")
        with pytest.raises(ApiError, match="PIN"):
            admin.call("user_add", name="bad", role="qa", pin="1111", reason="x")
        with pytest.raises(ApiError, match="last active admin"):
            admin.call("user_set_active", name="root", active=False, reason="leaving")
        with tls(server, "ana") as ana:
            admin.call("user_set_active", name="ana", active=False, reason="left the company")
            with pytest.raises(ApiError) as ended:
                ana.call("counters")  # her login ends when an admin changes her
            assert ended.value.code == "unauthorized"
        users = {u["name"]: u for u in admin.call("users")}
        assert users["tess"]["role"] == "qa" and not users["ana"]["active"]
    actions = [e.action for e in audit.entries(station.store, newest_first=True)[:3]]
    assert actions == ["user.set_active", "user.set_role", "user.add"]
    assert "604319" not in "".join(str(e.values()) for e in audit.entries(station.store))


def test_without_users_the_first_admin_is_added_on_the_local_socket_only(tmp_path, socket_dir):
    from inspector.api.server import ApiServer
    from inspector.assemble import build_station
    from tests.api.conftest import station_config

    station = build_station(station_config(tmp_path / "data", socket_dir), simulate=True, seed=1)
    server = ApiServer(station).start()
    try:
        with tls(server) as remote, pytest.raises(ApiError):
            remote.call("user_add", name="boss", role="admin", pin="246810", reason="installed")
        with Client.local(server.socket_path) as local:
            assert local.call("users") == []
            local.call("user_add", name="boss", role="admin", pin="246810", reason="installed")
            with pytest.raises(ApiError) as refused:
                local.call("user_add", name="olga", role="operator", pin="135790", reason="second")
            assert refused.value.code == "unauthorized"  # now a login is needed
    finally:
        server.stop()
        station.close()


def test_the_model_table_is_changed_by_an_admin_and_refused_for_an_operator(served_models, tmp_path):
    station, server = served_models
    with tls(server, "root") as admin:
        table = admin.call("models")
        assert [(e["name"], e["state"]) for e in table["entries"]] == [(NAME, "live")]
        shipped = table["entries"][0]
        entry = upload_package(admin, candidate(tmp_path, "1.3.0"), reason="supplier update")
        assert (entry["version"], entry["state"]) == ("1.3.0", "candidate")
        with tls(server, "otto") as operator:
            for op, args in (("model_promote", {"package_id": entry["package_id"], "pin": PINS["otto"]}),
                             ("model_evaluate", {"package_id": entry["package_id"]}),
                             ("model_upload", {"size": 10, "data": ""})):
                with pytest.raises(ApiError) as refused:
                    operator.call(op, reason="try", **args)
                assert refused.value.code == "forbidden", op
        with pytest.raises(ApiError, match="never evaluated"):
            admin.call("model_promote", package_id=entry["package_id"], pin=PINS["root"], reason="better")
        job = admin.call("model_evaluate", package_id=entry["package_id"])
        steps = []
        done = wait_job(admin, job["job"], timeout=300, progress=lambda d, t: steps.append((d, t)))
        assert done["state"] == "done" and done["result"]["images"] == 60 and steps[-1] == (60, 60)
        with pytest.raises(ApiError, match="wrong PIN") as wrong:
            admin.call("model_promote", package_id=entry["package_id"], pin="0000", reason="better")
        assert wrong.value.code == "refused"  # a wrong signature PIN does not end the login
        promoted = admin.call("model_promote", package_id=entry["package_id"], pin=PINS["root"],
                              reason="Better on our QA-verified parts")
        assert promoted["state"] == "live" and promoted["approved_by"] == "root"
        signed = audit.entries(station.store, newest_first=True)[0]
        assert (signed.action, signed.user, signed.signed) == ("model.promote", "root", 1)
        back = admin.call("model_rollback", name=NAME, pin=PINS["root"], reason="Defects passed on the line")
        assert back["package_id"] == shipped["package_id"] and back["state"] == "live"
        assert audit.entries(station.store, newest_first=True)[0].action == "model.rollback"


def test_a_package_zip_that_escapes_its_folder_or_is_unsigned_is_refused(served_models, tmp_path):
    station, server = served_models
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../outside.txt", "x")
    (tmp_path / "evil.zip").write_bytes(evil.getvalue())
    unsigned = candidate(tmp_path, "1.5.0")
    (unsigned / "manifest.sig").unlink()
    with tls(server, "root") as admin:
        with pytest.raises(ApiError, match="paths must stay inside the package"):
            upload_package(admin, tmp_path / "evil.zip")
        with pytest.raises(ApiError) as refused:
            upload_package(admin, unsigned)
        assert refused.value.code == "refused" and "sig" in refused.value.message
        with pytest.raises(ApiError, match="size"):
            admin.call("model_upload", size=archive.MAX_UPLOAD_BYTES + 1, data="")
        assert [e["state"] for e in admin.call("models")["entries"]] == ["live"]
    assert not (tmp_path / "outside.txt").exists()
    assert not list((Path(station.config.data_dir) / "uploads").iterdir())  # nothing left behind
