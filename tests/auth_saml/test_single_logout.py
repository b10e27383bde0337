"""Single logout with the development Context Handler (a real pysaml2 IdP process) both
ways, and the Context Handler's signed metadata: Trekant's signed LogoutRequest answered by
the Context Handler and landing on the logged-out page; a LogoutRequest from the Context
Handler ending the sessions it names, answered with a signed LogoutResponse; the refusals
(bad signature, replay, another browser) audited; metadata not signed by the operator's
certificate refusing the login with a health message on the operator console."""

from __future__ import annotations

import base64
import json
import re
import zlib
from typing import Any

import httpx
import pytest

from backend.auth import saml
from backend.auth.session import COOKIE
from backend.db import DB
from infra.contexthandler import cvr_for
from tenancy.context import tenant_transaction
from tests.auth_saml.test_context_handler import (
    BASE,
    CODE,
    _ch_login,
    _drain,
    _user,
    ch,
    issuer,
)

__all__ = ["ch", "issuer"]  # the module's fixtures, shared


def _message(url: str, kind: str) -> str:
    raw = httpx.URL(url).params[kind]
    return zlib.decompress(base64.b64decode(raw), -15).decode()


async def _audit(settings: Any, action: str) -> list[dict[str, Any]]:
    await _drain(settings)
    async with tenant_transaction(DB, CODE) as scope:
        rows = await scope.connection.fetch(
            "SELECT actor, detail::text AS d FROM audit_event WHERE action = $1 ORDER BY at, id",
            action,
        )
    return [{"actor": r["actor"], **json.loads(r["d"])} for r in rows]


def _browser(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


async def test_logging_out_in_trekant_logs_out_at_the_context_handler(ch, app, settings):  # type: ignore[no-untyped-def]
    user = _user("oekonomi@aarhus.dk")
    async with _browser(app) as http:
        assert (await _ch_login(http, "oekonomi@aarhus.dk")).headers["location"] == "/"
        session = (await http.get("/api/session")).json()
        r = await http.post("/api/session/logout", headers={"X-CSRF-Token": session["csrf_token"]})
        assert r.status_code == 200 and r.json()["redirect"] == "/api/auth/logout", r.text
        assert (await http.get("/api/session")).status_code == 401  # ended before leaving
        r = await http.get("/api/auth/logout")
        to_ch = r.headers["location"]
        assert to_ch.startswith(ch.url + "/slo?") and "Signature=" in to_ch, to_ch
        request = _message(to_ch, "SAMLRequest")
        assert f">{user['name_id']}</" in request and "SessionIndex" in request, request
        async with httpx.AsyncClient(timeout=20) as at_ch:
            back = await at_ch.get(to_ch)
        assert back.status_code == 303, back.text
        response_url = httpx.URL(back.headers["location"])
        assert str(response_url).startswith(saml.slo_url(BASE, CODE) + "?SAMLResponse=")
        # Another browser cannot use the answer (nor use it up).
        async with _browser(app) as other:
            r = await other.get(response_url.raw_path.decode())
            assert r.headers["location"] == "/log-ind?logget-ud=delvist"
        r = await http.get(response_url.raw_path.decode())
        assert r.status_code == 303 and r.headers["location"] == "/log-ind?logget-ud=1"
        # The same answer again is refused: its logout is used up.
        r = await http.get(response_url.raw_path.decode())
        assert r.headers["location"] == "/log-ind?logget-ud=delvist"
    assert [a["slo"] for a in await _audit(settings, "logout") if a["actor"] == user["username"]]
    assert [a for a in await _audit(settings, "logout.completed") if a["actor"] == user["username"]]
    failed = [a["reason"] for a in await _audit(settings, "logout.failed")]
    assert any("logout cookie" in f for f in failed) and any("no pending" in f for f in failed)


async def test_a_logout_at_the_context_handler_ends_the_sessions_it_names(  # type: ignore[no-untyped-def]
    ch, issuer, app, settings
):
    user = _user("leder@aarhus.dk")
    sp = saml.sp_entity_id(BASE, CODE)
    async with _browser(app) as first, _browser(app) as second:
        for browser in (first, second):
            assert (await _ch_login(browser, "leder@aarhus.dk")).headers["location"] == "/"
        stored = await app.state.sessions.load(first.cookies[COOKIE])
        assert stored.saml_name_id == user["name_id"] and stored.saml_session_index

        # The Context Handler names the first session: only it ends, and the answer is a
        # signed LogoutResponse the Context Handler accepts.
        url = httpx.URL(issuer.logout_request_url(sp, user["name_id"], [stored.saml_session_index]))
        r = await first.get(url.raw_path.decode())
        assert r.status_code == 303, r.text
        assert r.headers["location"].startswith(ch.url + "/slo?SAMLResponse=")
        assert (await first.get("/api/session")).status_code == 401
        assert (await second.get("/api/session")).status_code == 200
        async with httpx.AsyncClient(timeout=20) as at_ch:
            page = await at_ch.get(r.headers["location"])
        assert page.status_code == 200 and "Du er logget ud af Trekant" in page.text, page.text

        # The same request again, and one with its signature broken: refused, nothing ends.
        assert (await second.get(url.raw_path.decode())).status_code == 400
        fresh = httpx.URL(issuer.logout_request_url(sp, user["name_id"]))
        broken = re.sub(r"Signature=([A-Za-z0-9])", r"Signature=A\1", fresh.raw_path.decode())
        r = await second.get(broken)
        assert r.status_code == 400 and "kan ikke godkendes" in r.text
        assert (await second.get("/api/session")).status_code == 200

        # From the development Context Handler's own page, without a SessionIndex: every
        # session of the person ends.
        async with httpx.AsyncClient(timeout=20) as at_ch:
            r = await at_ch.get(
                ch.url + "/udvikling/log-ud", params={"sp": sp, "bruger": user["username"]}
            )
        assert r.status_code == 303
        r = await second.get(httpx.URL(r.headers["location"]).raw_path.decode())
        assert r.status_code == 303
        assert (await second.get("/api/session")).status_code == 401
        # Malformed or for no such kommune: a clear answer, never a server error.
        slo = f"/api/auth/saml/{CODE}/slo"
        for query, status in (
            ("SAMLRequest=%%%&SigAlg=x&Signature=y", 400),
            ("SAMLRequest=abc&SAMLRequest=abc", 400),
            ("SAMLResponse=abc", 303),
            ("", 303),
        ):
            assert (await second.get(f"{slo}?{query}")).status_code == status, query
        assert (await second.get("/api/auth/saml/12ab/slo?SAMLRequest=x")).status_code == 400
    remote = [a for a in await _audit(settings, "logout.remote") if a["actor"] == user["username"]]
    # The named SessionIndex ended one session; "every session of the person" ended the
    # second browser's and any the person still had from earlier tests of the run.
    ended = sorted(
        ((a["session_index"] != "alle", a["sessions"]) for a in remote[-2:]), reverse=True
    )
    assert ended[0] == (True, 1) and ended[1][0] is False and ended[1][1] >= 1, ended
    refused = [a["reason"] for a in await _audit(settings, "logout.remote_refused")]
    assert any("replayed" in f for f in refused) and any("signature" in f for f in refused)


async def test_the_sp_metadata_publishes_the_single_logout_service(ch, http):  # type: ignore[no-untyped-def]
    body = (await http.get(f"/api/auth/saml/{CODE}/metadata")).text
    assert "SingleLogoutService" in body and saml.slo_url(BASE, CODE) in body


async def test_metadata_not_signed_by_the_operators_certificate_stops_the_login(  # type: ignore[no-untyped-def]
    ch, app, http, registry
):
    from infra.contexthandler.issue import make_key_pair
    from tests.oidc_login import login as oidc_login

    _, other_cert = make_key_pair("Ikke KOMBIT")
    await registry.set_context_handler(
        CODE, ch.metadata_url, ch.entity_id, cvr_for(CODE), metadata_cert=other_cert
    )
    try:
        async with _browser(app) as browser:
            r = await browser.get("/api/auth/login", params={"kommune": CODE})
            assert r.headers["location"] == "/log-ind?fejl=udbyder"
        r = await oidc_login(http, None, "drift@trekant.dk")
        services = (await http.get(f"/api/operator/kommuner/{CODE}/tjenester")).json()
        row = next(s for s in services if s["kind"] == "contexthandler")
        assert row["health"] == "fejl"
        assert "ikke signeret med det certifikat, driften har angivet" in row["last_error"]
        # The "Log ind" panel's read model: the held certificate's subject and expiry (what
        # the console shows instead of the PEM) and the same reason as the health.
        setting = (await http.get(f"/api/operator/kommuner/{CODE}/log-ind")).json()
        assert setting["ch_metadata_cert_subject"] == "CN=Ikke KOMBIT"
        assert setting["ch_metadata_cert_expires"][:4] > setting["ch_metadata_error_at"][:4]
        assert setting["ch_metadata_error"] == row["last_error"]
    finally:
        await registry.set_context_handler(
            CODE, ch.metadata_url, ch.entity_id, cvr_for(CODE), metadata_cert=ch.metadata_cert
        )
    async with _browser(app) as browser:
        r = await browser.get("/api/auth/login", params={"kommune": CODE})
        assert r.headers["location"].startswith(ch.url + "/sso?")
    # A fetch that works clears the reason.
    setting = (await http.get(f"/api/operator/kommuner/{CODE}/log-ind")).json()
    assert setting["ch_metadata_error"] is None and setting["ch_metadata_cert_subject"]


def test_metadata_must_be_signed_over_the_whole_document(ch):  # type: ignore[no-untyped-def]
    from defusedxml import ElementTree

    signed = httpx.get(ch.metadata_url).content
    root = ElementTree.fromstring(signed)
    saml._verify_metadata_signature(signed, root, ch.metadata_cert)  # the development one
    unsigned = re.sub(rb"<ns\d+:Signature.*</ns\d+:Signature>", b"", signed, flags=re.S)
    assert unsigned != signed
    with pytest.raises(saml.SamlUnavailable, match="not signed"):
        saml._verify_metadata_signature(
            unsigned, ElementTree.fromstring(unsigned), ch.metadata_cert
        )
    tampered = signed.replace(b"/sso", b"/sso2", 1)
    with pytest.raises(saml.SamlUnavailable, match="not valid"):
        saml._verify_metadata_signature(
            tampered, ElementTree.fromstring(tampered), ch.metadata_cert
        )
