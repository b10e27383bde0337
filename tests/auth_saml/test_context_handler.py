"""Login through Fælleskommunal Adgangsstyring against the development Context Handler
(``infra/contexthandler``, a real pysaml2 IdP process over HTTP), and every kind of bad
assertion refused, audited and writing nothing else.

Aarhus (0751) is configured for the Context Handler; its demo users are pre-provisioned
as ``just run`` does. The bad assertions are made with the Context Handler's own key
(``issuer_from``) so that exactly one thing is wrong in each.
"""

from __future__ import annotations

import base64
import json
import os
import re
import zlib
from html import unescape
from typing import Any

import httpx
import pytest
from arq.worker import Worker

from backend import queue
from backend.auth import saml
from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from infra.contexthandler import cvr_for, demo_users, issuer_from
from tenancy.context import tenant_transaction
from tests.conftest import context_handler, use_context_handler

CODE = "0751"
OTHER = "0101"  # København: an SP the Context Handler also knows (its key is not Aarhus's)
BASE = "http://testserver"


@pytest.fixture(scope="module")
async def ch(registry, seeded):  # type: ignore[no-untyped-def]
    """The session's development Context Handler (tests/conftest.py), Aarhus logging in
    through it with its demo users pre-provisioned."""
    await use_context_handler(registry)
    return context_handler()


@pytest.fixture(scope="module")
def issuer(ch):  # type: ignore[no-untyped-def]
    return issuer_from(ch.config)


def _user(username: str) -> dict[str, Any]:
    return next(u for u in demo_users(CODE) if u["username"] == username)


async def _start(http: httpx.AsyncClient) -> tuple[str, str]:
    """Start a login at Trekant: (the Context Handler URL, the AuthnRequest id)."""
    r = await http.get("/api/auth/login", params={"kommune": CODE})
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    request = httpx.URL(location).params["SAMLRequest"]
    xml = zlib.decompress(base64.b64decode(request), -15).decode()
    found = re.search(r'ID="([^"]+)"', xml)
    assert found, xml
    return location, found.group(1)


def _hidden(page: str) -> dict[str, str]:
    return {
        m.group(1): unescape(m.group(2))
        for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }


async def _ch_login(http: httpx.AsyncClient, username: str) -> httpx.Response:
    """The whole path as a browser walks it; returns Trekant's answer to the ACS POST."""
    location, _ = await _start(http)
    async with httpx.AsyncClient(timeout=20) as browser:
        page = await browser.get(location)
        assert page.status_code == 200, page.text
        assert "Log ind – Fælleskommunal Adgangsstyring" in page.text
        fields = {**_hidden(page.text), "username": username, "password": "demo"}
        posted = await browser.post(location.split("/sso")[0] + "/sso/login", data=fields)
        assert posted.status_code == 200, posted.text
        form = _hidden(posted.text)
    return await http.post(f"/api/auth/saml/{CODE}/acs", data=form)


def _attributes(user: dict[str, Any], **override: str) -> dict[str, str]:
    from infra.contexthandler.issue import privilege_list

    values = {
        saml.ATTR_SPEC_VERSION: "OIO-SAML-3.0",
        saml.ATTR_LOA: "Substantial",
        saml.ATTR_PRIVILEGES: privilege_list(
            cvr_for(CODE), [(role, dict(c)) for role, c in user["roles"]]
        ),
        saml.ATTR_CVR: cvr_for(CODE),
        saml.ATTR_FULL_NAME: str(user["name"]),
        saml.ATTR_EMAIL: str(user["username"]),
    }
    values.update(override)
    return {k: v for k, v in values.items() if v}


def _response(issuer: Any, request_id: str, user: dict[str, Any], **knobs: Any) -> str:
    attributes = knobs.pop("attributes", None) or _attributes(user)
    sp_code = knobs.pop("sp_code", CODE)
    args: dict[str, Any] = {
        "in_response_to": request_id,
        "destination": saml.acs_url(BASE, CODE),
        "audience": saml.sp_entity_id(BASE, sp_code),
        "sp_cert_pem": os.environ[saml.cert_env(sp_code)],
        "name_id": str(user["name_id"]),
        "attributes": attributes,
    }
    args.update(knobs)
    return str(issuer.response(**args))


async def _drain(settings: Any) -> None:
    worker = Worker(
        functions=[run_outbox_job],
        redis_settings=queue.redis_settings(settings.redis_url),
        burst=True,
        poll_delay=0.05,
        handle_signals=False,
        keep_result=5,
    )
    try:
        await worker.main()
    finally:
        await worker.pool.aclose()


async def _state() -> dict[str, Any]:
    """What a refused login must not change: the accounts and their roles."""
    async with tenant_transaction(DB, CODE) as scope:
        users = await scope.connection.fetch(
            "SELECT username, subject, display_name, last_login_at FROM app_user ORDER BY username"
        )
        roles = await scope.connection.fetch(
            "SELECT user_id, role, constraints::text AS c FROM user_role ORDER BY 1, 2"
        )
    return {"users": [dict(r) for r in users], "roles": [dict(r) for r in roles]}


async def _failures(settings: Any) -> list[str]:
    await _drain(settings)
    async with tenant_transaction(DB, CODE) as scope:
        rows = await scope.connection.fetch(
            "SELECT detail::text AS d FROM audit_event WHERE action = 'login.failed' ORDER BY id"
        )
    return [json.loads(r["d"])["reason"] for r in rows]


async def test_a_caseworker_logs_in_with_the_roles_her_assertion_carries(ch, http, settings):  # type: ignore[no-untyped-def]
    r = await _ch_login(http, "sagsbehandler@aarhus.dk")
    assert r.status_code == 303 and r.headers["location"] == "/", r.headers
    session = (await http.get("/api/session")).json()
    assert session["kommune_code"] == CODE and session["roles"] == ["sagsbehandler"]
    assert session["roles_from_context_handler"] is True
    async with tenant_transaction(DB, CODE) as scope:
        row = await scope.connection.fetchrow(
            "SELECT u.subject, u.bound_claim, r.granted_by, r.constraints::text AS c "
            "FROM app_user u JOIN user_role r ON r.user_id = u.id WHERE u.username = $1",
            "sagsbehandler@aarhus.dk",
        )
    assert row["subject"] == _user("sagsbehandler@aarhus.dk")["name_id"]
    assert row["bound_claim"] == "fk-adgangsstyring" and row["granted_by"] == "fk-adgangsstyring"
    assert json.loads(row["c"]) == {
        "kle": ["27.*"],
        "orgenhed": ["5b1c6a0e-7f2d-4c3b-9a8e-2d1f0c9b8a71"],
    }
    # The worklist answers with the session the assertion made.
    assert (await http.get("/api/session")).status_code == 200


async def test_roles_are_replaced_at_each_login_and_unknown_privileges_ignored_beside_known(  # type: ignore[no-untyped-def]
    ch, issuer, app, settings
):
    user = _user("leder@aarhus.dk")
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url=BASE) as earlier,
        httpx.AsyncClient(transport=transport, base_url=BASE) as http,
    ):
        # A session from a login with the roles as they were ...
        assert (await _ch_login(earlier, "leder@aarhus.dk")).headers["location"] == "/"
        assert (await earlier.get("/api/session")).json()["roles"] == ["leder"]
        _, request_id = await _start(http)
        attributes = _attributes(
            user,
            **{
                saml.ATTR_PRIVILEGES: __import__(
                    "infra.contexthandler.issue", fromlist=["privilege_list"]
                ).privilege_list(
                    cvr_for(CODE),
                    [("oekonomi", {}), ("http://trekant.dk/roles/usersystemrole/chef/1", {})],
                )
            },
        )
        r = await http.post(
            f"/api/auth/saml/{CODE}/acs",
            data={"SAMLResponse": _response(issuer, request_id, user, attributes=attributes)},
        )
        assert r.headers["location"] == "/", r.headers
        assert (await http.get("/api/session")).json()["roles"] == ["oekonomi"]
        # ... ends when a login brings other roles.
        assert (await earlier.get("/api/session")).status_code == 401
    await _drain(settings)
    async with tenant_transaction(DB, CODE) as scope:
        ignored = await scope.connection.fetchval(
            "SELECT detail::text FROM audit_event WHERE action = 'login.privileges_ignored' "
            "AND actor = 'leder@aarhus.dk'"
        )
    assert json.loads(ignored)["privileges"] == ["http://trekant.dk/roles/usersystemrole/chef/1"]


def _only(user: dict[str, Any], roles: list[tuple[str, dict[str, str]]]) -> dict[str, str]:
    from infra.contexthandler.issue import privilege_list

    return _attributes(user, **{saml.ATTR_PRIVILEGES: privilege_list(cvr_for(CODE), roles)})


BAD: dict[str, tuple[dict[str, Any], str, str]] = {
    "unsigned": ({"sign_assertion": False}, "afvist", "signature"),
    "not encrypted": ({"encrypt": False}, "afvist", "not encrypted"),
    "wrong audience": ({"audience": saml.sp_entity_id(BASE, OTHER)}, "afvist", "wrong audience"),
    "expired": ({"lifetime_minutes": -10}, "afvist", "conditions"),
    "InResponseTo mismatch": ({"in_response_to": "id-not-ours"}, "ugyldigt-svar", "InResponseTo"),
    "another kommune's SP": ({"sp_code": OTHER}, "afvist", "decrypt"),
    "NSIS level Low": (
        {"attributes": "loa-low", "nsis_level": "Low"},
        "sikringsniveau",
        "NSIS level Low",
    ),
    "no privileges": ({"attributes": "no-privileges"}, "ingen-roller", "no privileges"),
    "unknown role only": ({"attributes": "unknown-role"}, "ukendt-rolle", "no privilege Trekant"),
    "privilege for another CVR": ({"attributes": "other-cvr"}, "ingen-roller", "no privilege for"),
}


@pytest.mark.parametrize("case", list(BAD))
async def test_a_bad_assertion_is_refused_audited_and_writes_nothing(  # type: ignore[no-untyped-def]
    case, ch, issuer, app, settings
):
    knobs_in, code, reason = BAD[case]
    knobs: dict[str, Any] = dict(knobs_in)
    user = _user("kollega@aarhus.dk")
    special = knobs.get("attributes")
    if special == "loa-low":
        knobs["attributes"] = _attributes(user, **{saml.ATTR_LOA: "Low"})
    elif special == "no-privileges":
        knobs["attributes"] = _attributes(user, **{saml.ATTR_PRIVILEGES: ""})
    elif special == "unknown-role":
        knobs["attributes"] = _only(user, [("http://trekant.dk/roles/usersystemrole/x/1", {})])
    elif special == "other-cvr":
        from infra.contexthandler.issue import privilege_list

        knobs["attributes"] = _attributes(
            user, **{saml.ATTR_PRIVILEGES: privilege_list("11111111", [("sagsbehandler", {})])}
        )
    before_failures = len(await _failures(settings))
    before = await _state()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        _, request_id = await _start(http)
        response = _response(issuer, request_id, user, **knobs)
        r = await http.post(f"/api/auth/saml/{CODE}/acs", data={"SAMLResponse": response})
        assert r.status_code == 303 and r.headers["location"] == f"/log-ind?fejl={code}"
        assert (await http.get("/api/session")).status_code == 401
    assert await _state() == before
    failures = await _failures(settings)
    assert len(failures) == before_failures + 1
    assert reason in failures[-1], failures[-1]


async def test_a_replayed_response_and_another_browser_are_refused(ch, issuer, app, settings):  # type: ignore[no-untyped-def]
    user = _user("revisor@aarhus.dk")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        _, request_id = await _start(http)
        response = _response(issuer, request_id, user)
        # Another browser (without the login cookie) cannot use it, nor use it up.
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as other:
            r = await other.post(f"/api/auth/saml/{CODE}/acs", data={"SAMLResponse": response})
            assert r.headers["location"] == "/log-ind?fejl=anden-browser"
        r = await http.post(f"/api/auth/saml/{CODE}/acs", data={"SAMLResponse": response})
        assert r.headers["location"] == "/"
        before = await _state()
        r = await http.post(f"/api/auth/saml/{CODE}/acs", data={"SAMLResponse": response})
        assert r.headers["location"] == "/log-ind?fejl=ugyldigt-svar"
        assert await _state() == before
    # The assertion id is kept until NotOnOrAfter: even with a fresh pending login under
    # the same request id, the same assertion is refused.
    from backend.auth import saml_login

    fresh = f"id-{os.urandom(8).hex()}"
    identity = saml.SamlIdentity(
        fresh, __import__("time").time() + 60, "n", "u@aarhus.dk", "U", "Substantial", {}
    )
    redis = app.state.redis
    await saml_login._not_replayed(redis, CODE, identity)
    with pytest.raises(saml.SamlRefused, match="replayed"):
        await saml_login._not_replayed(redis, CODE, identity)
    assert any("another browser" in f or "login cookie" in f for f in await _failures(settings))


async def test_sp_metadata_and_the_published_roles(ch, http):  # type: ignore[no-untyped-def]
    r = await http.get(f"/api/auth/saml/{CODE}/metadata")
    assert r.status_code == 200
    assert f'entityID="{saml.sp_entity_id(BASE, CODE)}"' in r.text
    assert saml.acs_url(BASE, CODE) in r.text and 'AuthnRequestsSigned="true"' in r.text
    assert (await http.get(f"/api/auth/saml/{OTHER}/metadata")).status_code == 404
    roles = (await http.get("/api/auth/saml/brugersystemroller")).json()
    assert {r["entity_id"] for r in roles} == {
        f"http://trekant.dk/roles/usersystemrole/{role}/1"
        for role in ("sagsbehandler", "leder", "oekonomi", "administrator", "laeser")
    }


async def test_the_administrator_sees_but_cannot_assign_roles(ch, as_user):  # type: ignore[no-untyped-def]
    admin = await as_user(CODE, "admin")
    users = (await admin.get("/api/admin/users")).json()
    target = next(u for u in users if u["username"] == "kollega@aarhus.dk")
    r = await admin.patch(
        f"/api/admin/users/{target['id']}",
        json={"version": target["version"], "roles": ["leder"]},
    )
    assert r.status_code == 400, r.text
    assert "Fælleskommunalt Administrationsmodul" in r.text and "roles" in r.text
    # Name and teams stay the administrator's to change (the roles sent unchanged).
    r = await admin.patch(
        f"/api/admin/users/{target['id']}",
        json={"version": target["version"], "roles": target["roles"], "display_name": "Karl K"},
    )
    assert r.status_code == 200, r.text


async def test_the_operator_chooses_the_login_with_field_level_refusals(ch, app, http):  # type: ignore[no-untyped-def]
    from tests.oidc_login import login as oidc_login

    r = await oidc_login(http, None, "drift@trekant.dk")
    assert r.headers["location"] == "/drift", r.headers
    csrf = (await http.get("/api/session")).json()["csrf_token"]
    path = f"/api/operator/kommuner/{CODE}/log-ind"
    bad = {
        "login_kind": "context-handler",
        "ch_metadata_url": "https://10.0.0.5/metadata",
        "ch_entity_id": "",
        "ch_cvr": "1234",
        "ch_metadata_cert": "-----BEGIN CERTIFICATE-----\nikke et certifikat\n",
    }
    r = await http.post(path, json=bad, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 400, r.text
    keys = {e["key"] for e in r.json()["extra"]}
    assert keys == {"ch_metadata_url", "ch_entity_id", "ch_cvr", "ch_metadata_cert"}
    assert (await http.get(path)).json()["ch_metadata_url"] == ch.metadata_url  # unchanged
    good = {
        "login_kind": "context-handler",
        "ch_metadata_url": ch.metadata_url,
        "ch_entity_id": ch.entity_id,
        "ch_cvr": cvr_for(CODE),
        "ch_nsis_level": "High",
        "ch_metadata_cert": ch.metadata_cert,
    }
    r = await http.post(path, json=good, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["ch_nsis_level"] == "High"
    assert r.json()["sp_metadata_url"] == saml.sp_entity_id(BASE, CODE)
    assert r.json()["ch_metadata_cert"] == ch.metadata_cert.strip()
    good["ch_nsis_level"] = "Substantial"
    r = await http.post(path, json=good, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
