"""Login through each kommune's own OpenID Connect provider (the real development
provider over HTTP), roles decided in Trekant, and the ways a login must fail."""

from __future__ import annotations

import base64
import json
import os
import uuid

import httpx
import pytest
from arq.worker import Worker

from backend import queue
from backend.auth.oidc import ClientConfig, LoginRefused
from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from infra.devidp import secret_env
from tenancy.context import tenant_transaction
from tests.conftest import (
    KOMMUNE_A,
    KOMMUNE_B,
    SPARE_REALM,
    idp,
    login,
    new_kommune,
    set_spare_idp,
    username,
)
from tests.oidc_login import provider_login, start

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


async def _drain(settings) -> None:  # type: ignore[no-untyped-def]
    from backend.operator.tasks import migrate_all, onboard_kommune

    worker = Worker(
        functions=[run_outbox_job, onboard_kommune, migrate_all],
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


async def _audit(code: str, action: str) -> list[dict[str, object]]:
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT actor, subject, detail::text AS detail FROM audit_event WHERE action = $1 "
            "ORDER BY id",
            action,
        )
    return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]


async def _id_token(app, http: httpx.AsyncClient, code: str, role: str = "sagsbehandler"):  # type: ignore[no-untyped-def]
    """A real ID token from the kommune's provider, plus what validating it needs."""
    from backend.auth.service import kommune_client

    authorize = await start(http, code)
    state = httpx.URL(authorize).params["state"]
    pending = json.loads(await app.state.redis.get(f"trekant:login:{state}"))
    callback = await provider_login(authorize, username(role, code))
    client = await kommune_client(code)
    oidc = app.state.oidc
    meta = await oidc.metadata(client.issuer)
    tokens = await oidc.exchange_code(
        meta, client, callback.params["code"], pending["redirect_uri"], pending["verifier"]
    )
    return oidc, meta, client, tokens["id_token"], pending["nonce"]


# --- the happy path -------------------------------------------------------------------


async def test_login_through_the_kommunes_provider(http, seeded, settings):
    session = await login(http, A, "leder")
    assert session["kommune_code"] == A and session["username"] == username("leder", A)
    assert session["roles"] == ["leder"]
    assert "team.overview" in session["permissions"]
    assert (await http.get("/api/overview")).json()["kommune_code"] == A
    await _drain(settings)
    assert any(e["actor"] == username("leder", A) for e in await _audit(A, "login"))


async def test_login_start_sends_pkce_state_and_nonce(http, seeded):
    url = httpx.URL(await start(http, A))
    assert url.params["code_challenge_method"] == "S256"
    assert len(url.params["code_challenge"]) == 43
    assert url.params["state"] and url.params["nonce"]
    assert str(url).startswith(idp().issuer(A))


# --- refusals -------------------------------------------------------------------------


async def test_mismatched_state_is_refused(http, seeded):
    authorize = await start(http, A)
    callback = await provider_login(authorize, username("sagsbehandler", A))
    forged = callback.path_and_query.replace(callback.params["state"], "not-the-state")
    r = await http.get(forged)
    assert r.status_code == 303 and r.headers["location"] == "/log-ind?fejl=ugyldigt-svar"
    assert (await http.get("/api/session")).status_code == 401


async def test_replayed_callback_is_refused(http, seeded):
    authorize = await start(http, A)
    callback = await provider_login(authorize, username("sagsbehandler", A))
    assert (await http.get(callback.path_and_query)).headers["location"] == "/"
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as other:
        r = await other.get(callback.path_and_query)
    assert r.headers["location"] == "/log-ind?fejl=ugyldigt-svar"


async def test_id_token_checks(app, http, seeded):
    oidc, meta, client, token, nonce = await _id_token(app, http, A)
    claims = await oidc.validate_id_token(meta, client, token, nonce)
    assert claims["preferred_username"] == username("sagsbehandler", A)

    head, body, sig = token.split(".")
    tampered = f"{head}.{body}.{sig[:-4]}{'AAAA' if sig[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(LoginRefused, match="signature"):
        await oidc.validate_id_token(meta, client, tampered, nonce)
    wrong_issuer = ClientConfig(idp().issuer(B), client.client_id, client.client_secret)
    with pytest.raises(LoginRefused):
        await oidc.validate_id_token(meta, wrong_issuer, token, nonce)
    wrong_audience = ClientConfig(client.issuer, "trekant-someone-else", client.client_secret)
    with pytest.raises(LoginRefused, match="aud"):
        await oidc.validate_id_token(meta, wrong_audience, token, nonce)
    with pytest.raises(LoginRefused, match="nonce"):
        await oidc.validate_id_token(meta, client, token, "a-replayed-or-foreign-nonce")
    exp = claims["exp"]
    with pytest.raises(LoginRefused, match="exp"):
        await oidc.validate_id_token(meta, client, token, nonce, now=exp + 120)


async def test_token_signed_by_another_kommunes_provider_is_refused(app, http, seeded):
    oidc, meta_a, client_a, _, _ = await _id_token(app, http, A)
    _, _, _, token_b, nonce_b = await _id_token(app, http, B)
    with pytest.raises(LoginRefused):
        await oidc.validate_id_token(meta_a, client_a, token_b, nonce_b)


async def test_provider_key_rotation_is_followed(http, seeded):
    await login(http, B)
    r = httpx.post(idp().issuer(B) + "/__dev/rotate-keys")
    assert r.status_code == 200
    new_kid = r.json()["kid"]
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as c2:
        session = await login(c2, B)
    assert session["kommune_code"] == B
    jwks = httpx.get(idp().issuer(B) + "/jwks").json()
    assert jwks["keys"][0]["kid"] == new_kid


async def test_not_provisioned_person_is_told_to_ask_the_administrator(http, seeded, settings):
    authorize = await start(http, A)
    callback = await provider_login(authorize, username("ny.medarbejder", A))
    r = await http.get(callback.path_and_query)
    assert r.status_code == 303 and r.headers["location"] == "/ikke-oprettet"
    assert (await http.get("/api/session")).status_code == 401
    await _drain(settings)
    failures = await _audit(A, "login.failed")
    assert any(f["actor"] == username("ny.medarbejder", A) for f in failures)


@pytest.mark.parametrize(
    ("kommune", "reason"), [("0998", "ukendt-kommune"), ("12", "ukendt-kommune")]
)
async def test_unknown_kommune_login_is_explained(http, seeded, kommune, reason):
    r = await http.get(f"/api/auth/login?kommune={kommune}")
    assert r.status_code == 303 and r.headers["location"] == f"/log-ind?fejl={reason}"


async def test_suspended_kommune_cannot_start_a_login(http, registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Identitetsby")
    await registry.set_status(fresh_code, "suspended")
    r = await http.get(f"/api/auth/login?kommune={fresh_code}")
    assert r.headers["location"] == "/log-ind?fejl=suspenderet"


async def test_unreachable_provider_is_a_clear_message(http, registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Udbyderløs")
    await set_spare_idp(registry, fresh_code, "http://127.0.0.1:9/nowhere")
    r = await http.get(f"/api/auth/login?kommune={fresh_code}")
    assert r.headers["location"] == "/log-ind?fejl=udbyder"


async def test_invalid_callback_parameters(http, seeded):
    assert (await http.get("/api/auth/callback")).headers[
        "location"
    ] == "/log-ind?fejl=ugyldigt-svar"
    authorize = await start(http, A)
    state = httpx.URL(authorize).params["state"]
    r = await http.get(f"/api/auth/callback?state={state}&error=access_denied")
    assert r.headers["location"] == "/log-ind?fejl=afbrudt"


# --- what the administrator decides ---------------------------------------------------


async def test_caseworker_cannot_use_administration(http, seeded):
    await login(http, A, "sagsbehandler")
    assert (await http.get("/api/admin/users")).status_code == 403


async def test_administrator_cannot_read_cases_without_a_case_role(http, seeded):
    await login(http, A, "admin")
    assert (await http.get("/api/overview")).status_code == 403


async def test_provision_user_then_that_person_logs_in(app, http, registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Nyansatby")
    admin = await login(http, fresh_code, "admin", realm=SPARE_REALM)
    csrf = {"X-CSRF-Token": admin["csrf_token"]}
    teams = (await http.get("/api/admin/teams")).json()
    newcomer = username("ny.medarbejder", SPARE_REALM)
    r = await http.post(
        "/api/admin/users",
        headers=csrf,
        json={
            "username": newcomer.upper(),
            "display_name": "Nina Nyansat",
            "roles": ["sagsbehandler"],
            "team_ids": [teams[0]["id"]],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["username"] == newcomer and r.json()["bound"] is False
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as c2:
        session = await login(c2, fresh_code, "ny.medarbejder", realm=SPARE_REALM)
        assert session["roles"] == ["sagsbehandler"]
        assert (await c2.get("/api/overview")).status_code == 200
    users = {u["username"]: u for u in (await http.get("/api/admin/users")).json()}
    assert users[newcomer]["bound"] is True and users[newcomer]["last_login_at"] is not None


async def test_bad_user_input_changes_nothing(http, seeded):
    admin = await login(http, B, "admin")
    csrf = {"X-CSRF-Token": admin["csrf_token"]}
    before = len((await http.get("/api/admin/users")).json())
    dup = await http.post(
        "/api/admin/users",
        headers=csrf,
        json={"username": username("sagsbehandler", B), "display_name": "Igen", "roles": []},
    )
    assert dup.status_code == 409 and "findes allerede" in dup.json()["detail"]
    bad_role = await http.post(
        "/api/admin/users",
        headers=csrf,
        json={"username": "x@kommune0202.dk", "display_name": "X", "roles": ["superbruger"]},
    )
    assert bad_role.status_code == 400 and "superbruger" in bad_role.json()["detail"]
    assert bad_role.json()["extra"][0]["key"] == "roles"
    bad_name = await http.post(
        "/api/admin/users",
        headers=csrf,
        json={"username": "uden-snabel-a", "display_name": "Y", "roles": []},
    )
    assert bad_name.status_code == 400 and bad_name.json()["extra"][0]["key"] == "username"
    assert len((await http.get("/api/admin/users")).json()) == before


async def test_last_administrator_cannot_remove_themselves(http, registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Enadminby")
    admin = await login(http, fresh_code, "admin", realm=SPARE_REALM)
    csrf = {"X-CSRF-Token": admin["csrf_token"]}
    me = next(
        u for u in (await http.get("/api/admin/users")).json() if u["username"] == admin["username"]
    )
    r = await http.patch(
        f"/api/admin/users/{me['id']}",
        headers=csrf,
        json={"version": me["version"], "roles": ["sagsbehandler"]},
    )
    assert r.status_code == 409 and "mindst én aktiv administrator" in r.json()["detail"]
    r = await http.post(f"/api/admin/users/{me['id']}/deactivate", headers=csrf)
    assert r.status_code == 409
    still = next(u for u in (await http.get("/api/admin/users")).json() if u["id"] == me["id"])
    assert still["roles"] == ["administrator"] and still["active"]


async def test_stale_version_is_a_conflict(http, seeded):
    admin = await login(http, A, "admin")
    csrf = {"X-CSRF-Token": admin["csrf_token"]}
    user = next(
        u
        for u in (await http.get("/api/admin/users")).json()
        if u["username"] == username("revisor", A)
    )
    ok = await http.patch(
        f"/api/admin/users/{user['id']}",
        headers=csrf,
        json={"version": user["version"], "display_name": "Rikke R."},
    )
    assert ok.status_code == 200
    stale = await http.patch(
        f"/api/admin/users/{user['id']}",
        headers=csrf,
        json={"version": user["version"], "display_name": "Overskrevet"},
    )
    assert stale.status_code == 409
    again = next(u for u in (await http.get("/api/admin/users")).json() if u["id"] == user["id"])
    assert again["display_name"] == "Rikke R."


async def test_role_change_and_deactivation_end_sessions_at_once(
    app, http, registry, fresh_code, seeded, settings
):
    await new_kommune(registry, fresh_code, "Rolleby")
    admin = await login(http, fresh_code, "admin", realm=SPARE_REALM)
    csrf = {"X-CSRF-Token": admin["csrf_token"]}
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as cw:
        await login(cw, fresh_code, "sagsbehandler", realm=SPARE_REALM)
        assert (await cw.get("/api/admin/users")).status_code == 403
        target = next(
            u
            for u in (await http.get("/api/admin/users")).json()
            if u["username"] == username("sagsbehandler", SPARE_REALM)
        )
        r = await http.patch(
            f"/api/admin/users/{target['id']}",
            headers=csrf,
            json={"version": target["version"], "roles": ["sagsbehandler", "laeser"]},
        )
        assert r.status_code == 200 and r.json()["roles"] == ["laeser", "sagsbehandler"]
        # The caseworker's session (its principal cached for PRINCIPAL_SECONDS) ended with
        # the change; logged in again, she has the new roles.
        assert (await cw.get("/api/session")).status_code == 401
        await login(cw, fresh_code, "sagsbehandler", realm=SPARE_REALM)
        assert (await cw.get("/api/session")).json()["roles"] == ["laeser", "sagsbehandler"]
        r = await http.patch(
            f"/api/admin/users/{target['id']}",
            headers=csrf,
            json={"version": r.json()["version"], "roles": ["laeser"]},
        )
        assert r.status_code == 200 and r.json()["roles"] == ["laeser"]
        assert (await cw.post("/api/children", json={})).status_code == 401
        await login(cw, fresh_code, "sagsbehandler", realm=SPARE_REALM)
        assert (await cw.get("/api/session")).json()["roles"] == ["laeser"]
        assert (await cw.post("/api/children", json={})).status_code == 403
        # A change of name alone keeps the session and shows at once.
        r = await http.patch(
            f"/api/admin/users/{target['id']}",
            headers=csrf,
            json={"version": r.json()["version"], "display_name": "Sara Sagsbehandler"},
        )
        assert r.status_code == 200
        assert (await cw.get("/api/session")).json()["display_name"] == "Sara Sagsbehandler"
        r = await http.post(f"/api/admin/users/{target['id']}/deactivate", headers=csrf)
        assert r.status_code == 200 and r.json()["active"] is False
        assert (await cw.get("/api/overview")).status_code == 401
        # and the person cannot log in again
        authorize = await start(cw, fresh_code)
        callback = await provider_login(authorize, username("sagsbehandler", SPARE_REALM))
        assert (await cw.get(callback.path_and_query)).headers[
            "location"
        ] == "/log-ind?fejl=deaktiveret"
    await _drain(settings)
    changes = await _audit(fresh_code, "user.roles_changed")
    # The two changes' audit jobs may run in either order on the worker.
    details = [(c["detail"].get("added"), c["detail"].get("removed")) for c in changes[-2:]]  # type: ignore[union-attr]
    assert sorted(details, key=repr) == sorted(
        [(["laeser"], []), ([], ["sagsbehandler"])], key=repr
    ), details
    assert await _audit(fresh_code, "user.deactivated")


async def test_just_in_time_provisioning(http, registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Jitby")
    admin = await login(http, fresh_code, "admin", realm=SPARE_REALM)
    r = await http.put(
        "/api/admin/settings",
        headers={"X-CSRF-Token": admin["csrf_token"]},
        json={"jit_provisioning": True, "jit_default_role": "laeser"},
    )
    assert r.status_code == 200
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as c2:
        session = await login(c2, fresh_code, "ny.medarbejder", realm=SPARE_REALM)
    assert session["roles"] == ["laeser"]


async def test_audit_log_can_be_filtered(http, registry, fresh_code, settings):
    # A kommune of its own: its administrator has logged in exactly once.
    await new_kommune(registry, fresh_code, "Revisionsby")
    admin = await login(http, fresh_code, "admin", realm=SPARE_REALM)
    await _drain(settings)
    r = await http.get("/api/admin/audit", params={"action": "login", "actor": admin["username"]})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 1 and [i["action"] for i in body["items"]] == ["login"]
    assert (await http.get("/api/admin/audit", params={"page_size": 0})).status_code == 400


# --- the operator ---------------------------------------------------------------------


async def _operator(http: httpx.AsyncClient) -> dict[str, str]:
    from tests.oidc_login import login as oidc_login

    r = await oidc_login(http, None, "drift@trekant.dk")
    assert r.headers["location"] == "/drift", r.headers
    return (await http.get("/api/session")).json()  # type: ignore[no-any-return]


async def test_operator_sees_kommuner_but_no_case_data(http, seeded):
    session = await _operator(http)
    assert session["realm"] == "operator" and session["kommune_code"] is None
    rows = {k["code"]: k for k in (await http.get("/api/operator/kommuner")).json()}
    assert rows[A]["schema_version"] == rows[A]["latest_version"]
    assert rows[A]["users"] >= 5
    assert (await http.get("/api/overview")).status_code == 403
    assert (await http.get("/api/admin/users")).status_code == 403


async def test_kommune_user_cannot_use_the_operator_console(http, seeded):
    await login(http, A, "admin")
    assert (await http.get("/api/operator/kommuner")).status_code == 403


async def test_operator_database_role_cannot_read_any_kommune(registry, settings, seeded):
    import asyncpg

    from tenancy.names import operator_role
    from tenancy.registry import role_dsn

    conn = await asyncpg.connect(
        role_dsn(
            settings.database_url,
            operator_role(settings.role_prefix),
            settings.operator_db_password,
        )
    )
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch(f"SELECT * FROM k{A}.child")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(f"SET ROLE {settings.role_prefix}_k{A}")
        usage = await conn.fetch("SELECT * FROM shared.kommune_usage()")
        assert {r["code"] for r in usage} >= {A, B}
    finally:
        await conn.close()


async def test_operator_onboards_a_kommune_whose_admin_then_logs_in(
    http, registry, settings, fresh_code, seeded
):
    session = await _operator(http)
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    bad = await http.post(
        "/api/operator/kommuner",
        headers=csrf,
        json={
            "code": "12",
            "name": "",
            "idp_issuer": "ftp://x",
            "idp_client_id": "",
            "idp_client_secret_ref": "lower",
            "admin_username": "x",
            "admin_display_name": "",
            "login_claim": "nickname",
        },
    )
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "code"
    assert "login_claim" in {e["key"] for e in bad.json()["extra"]}
    r = await http.post(
        "/api/operator/kommuner",
        headers=csrf,
        json={
            "code": fresh_code,
            "name": "Onboardby",
            "idp_issuer": idp().issuer(SPARE_REALM),
            "idp_client_id": f"trekant-{SPARE_REALM}",
            "idp_client_secret": os.environ[secret_env(SPARE_REALM)],
            "admin_username": username("admin", SPARE_REALM),
            "admin_display_name": "Anders Admin",
            "login_claim": "email",
        },
    )
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    await _drain(settings)
    job = (await http.get(f"/api/operator/jobs/{job_id}")).json()
    assert job["status"] == "done" and job["done"] == job["total"] == 3
    assert fresh_code in {k["code"] for k in (await http.get("/api/operator/kommuner")).json()}
    dup = await http.post(
        "/api/operator/kommuner",
        headers=csrf,
        json={
            "code": fresh_code,
            "name": "Igen",
            "idp_issuer": idp().issuer(SPARE_REALM),
            "idp_client_id": "x",
            "idp_client_secret": "x",
            "admin_username": "a@b.dk",
            "admin_display_name": "A",
        },
    )
    assert dup.status_code == 409
    conn = await registry.connect()
    try:
        claim = await conn.fetchval(
            "SELECT login_claim FROM shared.tenant WHERE code = $1", fresh_code
        )
    finally:
        await conn.close()
    assert claim == "email"
    # The development provider sends a verified e-mail equal to the username.
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as c2:
        admin = await login(c2, fresh_code, "admin", realm=SPARE_REALM)
    assert admin["roles"] == ["administrator"]
    audit = (await http.get("/api/operator/audit")).json()
    [onboarded] = [
        a for a in audit if a["action"] == "kommune.onboarded" and a["kommune_code"] == fresh_code
    ]
    # The console shows the kommune's name and Danish labels, not codes (issue 12 item 17).
    assert onboarded["kommune_name"] == "Onboardby"
    assert onboarded["actor_name"] is not None and "@" not in onboarded["actor_name"]
    assert onboarded["action_label"] == "Kommune oprettet"


async def test_operator_suspends_and_resumes(http, registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Pauseby")
    session = await _operator(http)
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    r = await http.post(
        f"/api/operator/kommuner/{fresh_code}/suspend",
        headers=csrf,
        json={"reason": "Kontrakt udløbet"},
    )
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    assert (
        await http.post("/api/operator/kommuner/0996/suspend", headers=csrf, json={})
    ).status_code == 404
    r = await http.post(f"/api/operator/kommuner/{fresh_code}/resume", headers=csrf)
    assert r.json()["status"] == "active"


async def test_operator_migrates_all_with_progress(http, settings, seeded):
    session = await _operator(http)
    r = await http.post("/api/operator/migrate", headers={"X-CSRF-Token": session["csrf_token"]})
    assert r.status_code == 202
    await _drain(settings)
    job = (await http.get(f"/api/operator/jobs/{r.json()['id']}")).json()
    assert job["status"] == "done" and job["done"] == job["total"] >= 2


# --- issue 13: an adversarial provider (tests/rogue_idp.py) ---------------------------


@pytest.fixture(scope="module")
def rogue():  # type: ignore[no-untyped-def]
    from tests.rogue_idp import RogueIdP

    provider = RogueIdP().start()
    yield provider
    provider.stop()


async def _rogue_kommune(registry, rogue, code: str, name: str, claim: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """A kommune (with its demo users, none bound yet) that logs in through the rogue."""
    from backend.identity.idp import seal_client_secret

    await new_kommune(registry, code, name)
    sealed = seal_client_secret(code, rogue.issuer, rogue.client_id, rogue.client_secret)
    await registry.set_idp(code, rogue.issuer, rogue.client_id, sealed_secret=sealed)
    if claim:
        await registry.set_login_claim(code, claim)
    rogue.reset()


async def _rogue_login(client: httpx.AsyncClient, rogue, code: str, **claims) -> httpx.Response:  # type: ignore[no-untyped-def]
    """A login whose ID token says ``claims``; returns Trekant's answer to the callback."""
    rogue.claims = claims
    r = await client.get(f"/api/auth/login?kommune={code}")
    assert r.status_code == 303 and r.headers["location"].startswith(rogue.issuer), r.headers
    async with httpx.AsyncClient() as provider:
        answer = await provider.get(r.headers["location"])
    callback = httpx.URL(answer.headers["location"])
    return await client.get(callback.raw_path.decode())


async def _user(code: str, name: str) -> dict[str, object]:
    async with tenant_transaction(DB, code) as scope:
        row = await scope.connection.fetchrow(
            "SELECT id, subject, bound_at, bound_claim FROM app_user WHERE username = $1", name
        )
    assert row is not None
    return dict(row)


def _client(http: httpx.AsyncClient) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=http._transport, base_url="http://testserver")


async def test_unverified_email_neither_logs_in_nor_binds(
    http, registry, rogue, fresh_code, seeded, settings
):
    """Issue 13.2: {sub: attacker, email: VICTIM, email_verified: false} took over an account."""
    from tests.rogue_idp import DROP

    await _rogue_kommune(registry, rogue, fresh_code, "Overtagelsesby")
    victim = username("admin", SPARE_REALM)
    forged = {"sub": "attacker", "email": victim, "email_verified": False}
    # The kommune's provider asserts preferred_username (the default): e-mail binds nothing.
    r = await _rogue_login(http, rogue, fresh_code, preferred_username=DROP, **forged)
    assert r.status_code == 303 and r.headers["location"] == "/ikke-oprettet"
    assert (await http.get("/api/session")).status_code == 401
    assert (await _user(fresh_code, victim))["subject"] is None
    # Even where the provider is configured to assert e-mail, only a verified one binds.
    await registry.set_login_claim(fresh_code, "email")
    r = await _rogue_login(http, rogue, fresh_code, preferred_username=DROP, **forged)
    assert r.headers["location"] == "/ikke-oprettet"
    r = await _rogue_login(
        http, rogue, fresh_code, preferred_username=DROP, sub="attacker", email=victim
    )
    assert r.headers["location"] == "/ikke-oprettet"  # no email_verified at all
    # A claim the provider is not configured to assert is not used either.
    await registry.set_login_claim(fresh_code, "upn")
    r = await _rogue_login(http, rogue, fresh_code, sub="attacker", preferred_username=victim)
    assert r.headers["location"] == "/ikke-oprettet"
    assert (await http.get("/api/session")).status_code == 401
    assert (await _user(fresh_code, victim))["subject"] is None
    # The configured claim binds, and the binding is audited.
    r = await _rogue_login(http, rogue, fresh_code, sub="the-real-admin", upn=victim)
    assert r.status_code == 303 and r.headers["location"] == "/"
    bound = await _user(fresh_code, victim)
    assert bound["subject"] == "the-real-admin" and bound["bound_claim"] == "upn"
    await _drain(settings)
    assert [e["detail"]["claim"] for e in await _audit(fresh_code, "user.bound")] == ["upn"]
    failures = await _audit(fresh_code, "login.failed")  # (audit jobs run concurrently)
    assert sorted(f["detail"]["reason"] for f in failures) == [
        "no usable email claim",
        "no usable email claim",
        "no usable preferred_username claim",
        "no usable upn claim",
    ]
    assert {f["actor"] for f in failures} == {victim}


async def test_verified_email_binds_where_the_provider_asserts_email(
    http, registry, rogue, fresh_code, seeded
):
    await _rogue_kommune(registry, rogue, fresh_code, "Epostby", claim="email")
    worker = username("sagsbehandler", SPARE_REALM)
    r = await _rogue_login(
        http, rogue, fresh_code, sub="s-1", email=worker.upper(), email_verified=True
    )
    assert r.headers["location"] == "/"
    assert (await http.get("/api/session")).json()["username"] == worker


async def test_administrator_sees_and_resets_a_binding(
    http, registry, rogue, fresh_code, seeded, settings
):
    await _rogue_kommune(registry, rogue, fresh_code, "Bindingsby")
    admin_name, worker = username("admin", SPARE_REALM), username("sagsbehandler", SPARE_REALM)
    assert (
        await _rogue_login(http, rogue, fresh_code, sub="adm", preferred_username=admin_name)
    ).headers["location"] == "/"
    csrf = {"X-CSRF-Token": (await http.get("/api/session")).json()["csrf_token"]}
    async with _client(http) as cw:
        r = await _rogue_login(cw, rogue, fresh_code, sub="wrong-person", preferred_username=worker)
        assert r.headers["location"] == "/"
        users = {u["username"]: u for u in (await http.get("/api/admin/users")).json()}
        assert (
            users[worker]["bound"] is True and users[worker]["bound_claim"] == "preferred_username"
        )
        assert users[worker]["bound_at"] is not None and "subject" not in users[worker]
        assert users[username("leder", SPARE_REALM)]["bound"] is False
        r = await http.post(f"/api/admin/users/{users[worker]['id']}/reset-binding", headers=csrf)
        assert r.status_code == 200
        assert r.json()["bound"] is False and r.json()["bound_at"] is None
        assert (await cw.get("/api/session")).status_code == 401  # its sessions ended
    # The old identity no longer gets in; the right one binds.
    async with _client(http) as cw:
        r = await _rogue_login(cw, rogue, fresh_code, sub="right-person", preferred_username=worker)
        assert r.headers["location"] == "/"
    assert (await _user(fresh_code, worker))["subject"] == "right-person"
    missing = await http.post(f"/api/admin/users/{uuid.uuid4()}/reset-binding", headers=csrf)
    assert missing.status_code == 404
    await _drain(settings)
    resets = await _audit(fresh_code, "user.binding_reset")
    assert len(resets) == 1 and resets[0]["actor"] == admin_name
    assert resets[0]["detail"] == {"username": worker, "claim": "preferred_username"}


async def test_known_username_with_a_new_subject_under_jit_is_refused_and_audited(
    http, registry, rogue, fresh_code, seeded, settings
):
    """Issue 13.6: this was an HTTP 500 (UniqueViolationError)."""
    await _rogue_kommune(registry, rogue, fresh_code, "Jitdublerby")
    async with tenant_transaction(DB, fresh_code) as scope:
        await scope.connection.execute("UPDATE kommune_settings SET jit_provisioning = true")
    worker = username("sagsbehandler", SPARE_REALM)
    r = await _rogue_login(http, rogue, fresh_code, sub="first", preferred_username=worker)
    assert r.headers["location"] == "/"
    async with _client(http) as other:
        r = await _rogue_login(other, rogue, fresh_code, sub="second", preferred_username=worker)
        assert r.status_code == 303 and r.headers["location"] == "/ikke-oprettet"
        assert (await other.get("/api/session")).status_code == 401
    assert (await _user(fresh_code, worker))["subject"] == "first"
    await _drain(settings)
    failures = await _audit(fresh_code, "login.failed")
    assert [(f["actor"], f["detail"]["reason"]) for f in failures] == [
        (worker, "username bound to another identity")
    ]


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_withdrawn_signing_key_is_dropped_when_the_cache_expires(rogue):
    """Issue 13.3: a key withdrawn from the JWKS stayed trusted until restart."""
    from backend.auth.oidc import JWKS_MAX_AGE, OIDCClient

    rogue.reset()
    rogue.jwks_cache_control = "public, max-age=120"
    clock = _Clock()
    oidc = OIDCClient(clock=clock)
    try:
        meta = await oidc.metadata(rogue.issuer)
        client = ClientConfig(rogue.issuer, rogue.client_id, "x")
        old = rogue.signing_kid
        await oidc.validate_id_token(meta, client, rogue.id_token("n", rogue.client_id), "n")
        new = rogue.rotate()
        rogue.withdraw(old)
        leaked = rogue.id_token("n", rogue.client_id, kid=old)
        clock.now += 119  # still within the provider's max-age
        assert (await oidc.validate_id_token(meta, client, leaked, "n"))["sub"]
        clock.now += 2
        with pytest.raises(LoginRefused, match="signature"):
            await oidc.validate_id_token(meta, client, leaked, "n")
        fresh = rogue.id_token("n", rogue.client_id, kid=new)
        assert (await oidc.validate_id_token(meta, client, fresh, "n"))["sub"]
        # A provider asking for a day is trusted for JWKS_MAX_AGE at most.
        rogue.jwks_cache_control = "max-age=86400"
        clock.now += 3600
        await oidc.validate_id_token(meta, client, fresh, "n")
        rogue.withdraw(new)
        newest = rogue.rotate()
        clock.now += JWKS_MAX_AGE + 1
        with pytest.raises(LoginRefused, match="signature"):
            await oidc.validate_id_token(meta, client, fresh, "n")
        await oidc.validate_id_token(
            meta, client, rogue.id_token("n", rogue.client_id, newest), "n"
        )
    finally:
        await oidc.aclose()


async def test_unknown_key_id_refetches_at_most_every_30_seconds(rogue):
    from backend.auth.oidc import OIDCClient

    rogue.reset()
    clock = _Clock()
    oidc = OIDCClient(clock=clock)
    try:
        meta = await oidc.metadata(rogue.issuer)
        client = ClientConfig(rogue.issuer, rogue.client_id, "x")
        await oidc.validate_id_token(meta, client, rogue.id_token("n", rogue.client_id), "n")
        before = rogue.jwks_requests
        head = base64.urlsafe_b64encode(b'{"alg":"RS256","kid":"junk"}').rstrip(b"=").decode()
        junk = f"{head}.e30.c2ln"
        for _ in range(5):
            with pytest.raises(LoginRefused):
                await oidc.validate_id_token(meta, client, junk, "n")
        assert rogue.jwks_requests == before + 1
        # Rotation is still followed: a new key after the interval is fetched at once.
        clock.now += 31
        rotated = rogue.rotate()
        await oidc.validate_id_token(
            meta, client, rogue.id_token("n", rogue.client_id, rotated), "n"
        )
        assert rogue.jwks_requests == before + 2
    finally:
        await oidc.aclose()


async def test_outbound_calls_have_size_time_and_host_limits(rogue):
    from backend.auth.oidc import OIDCClient, ProviderUnavailable

    rogue.reset()
    oidc = OIDCClient(call_seconds=1.0)
    try:
        meta = await oidc.metadata(rogue.issuer)
        client = ClientConfig(rogue.issuer, rogue.client_id, "x")
        token = rogue.id_token("n", rogue.client_id)
        rogue.jwks_padding = 5 * 1024 * 1024
        with pytest.raises(ProviderUnavailable, match="more than"):
            await oidc.validate_id_token(meta, client, token, "n")
        rogue.jwks_padding = 0
        rogue.jwks_redirect = f"http://localhost:{rogue.port}/jwks"
        with pytest.raises(ProviderUnavailable, match="another host"):
            await oidc.validate_id_token(meta, client, token, "n")
        rogue.jwks_redirect = None
        rogue.jwks_delay = 3.0
        with pytest.raises(ProviderUnavailable, match="did not answer"):
            await oidc.validate_id_token(meta, client, token, "n")
        rogue.jwks_delay = 0.0
        assert (await oidc.validate_id_token(meta, client, token, "n"))["sub"]
    finally:
        rogue.reset()
        await oidc.aclose()


async def test_streamed_answer_without_length_is_cut_off(rogue):
    """No Content-Length to trust: the body is read in pieces and cut at the limit."""
    from backend.auth.oidc import OIDCClient, ProviderUnavailable

    oidc = OIDCClient(max_bytes=1000)
    try:
        with pytest.raises(ProviderUnavailable, match="more than 1000 bytes"):
            await oidc.call("GET", rogue.issuer + "/stream")
    finally:
        await oidc.aclose()


async def test_logout_does_not_give_the_id_token_to_the_page(http, seeded):
    """Issue 13.8: the logout answer carried the raw ID token (id_token_hint)."""
    session = await login(http, A)
    r = await http.post("/api/session/logout", headers={"X-CSRF-Token": session["csrf_token"]})
    assert r.status_code == 200 and r.json() == {"redirect": "/api/auth/logout"}
    assert "id_token" not in r.text and "eyJ" not in r.text
    assert (await http.get("/api/session")).status_code == 401
    onward = await http.get("/api/auth/logout")
    assert onward.status_code == 303
    target = httpx.URL(onward.headers["location"])
    assert str(target).startswith(idp().issuer(A))
    assert target.params["id_token_hint"].startswith("eyJ")
    assert target.params["post_logout_redirect_uri"] == "http://testserver/"
    again = await http.get("/api/auth/logout")  # single use; nothing without the cookie
    assert again.status_code == 303 and again.headers["location"] == "/"


async def test_callback_in_another_browser_logs_no_one_in(http, seeded):
    """Issue 13.4 (in process; tests/e2e/test_identity_paths.py does it over real HTTP)."""
    authorize = await start(http, A)
    callback = await provider_login(authorize, username("sagsbehandler", A))
    async with _client(http) as other:
        r = await other.get(callback.path_and_query)
        assert r.headers["location"] == "/log-ind?fejl=anden-browser"
        assert (await other.get("/api/session")).status_code == 401
    assert (await http.get(callback.path_and_query)).headers["location"] == "/"
