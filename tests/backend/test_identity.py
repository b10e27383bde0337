"""Login through each kommune's own OpenID Connect provider (the real development
provider over HTTP), roles decided in Trekant, and the ways a login must fail."""

from __future__ import annotations

import json
import os

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


async def test_role_change_applies_at_once_and_deactivation_ends_sessions(
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
        assert (await cw.get("/api/session")).json()["roles"] == ["laeser", "sagsbehandler"]
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
    assert changes[-1]["detail"]["added"] == ["laeser"]
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


async def test_audit_log_can_be_filtered(http, seeded, settings):
    admin = await login(http, A, "admin")
    await _drain(settings)
    r = await http.get("/api/admin/audit", params={"action": "login", "actor": admin["username"]})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 1 and all(i["action"] == "login" for i in body["items"])
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
        role_dsn(settings.database_url, operator_role(settings.role_prefix), None)
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
        },
    )
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "code"
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
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as c2:
        admin = await login(c2, fresh_code, "admin", realm=SPARE_REALM)
    assert admin["roles"] == ["administrator"]
    audit = (await http.get("/api/operator/audit")).json()
    assert any(
        a["action"] == "kommune.onboarded" and a["kommune_code"] == fresh_code for a in audit
    )


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
