"""Single logout with the Context Handler (the flows; the SAML messages are
``backend.auth.saml_slo``).

**Logging out in Trekant.** ``POST /api/session/logout`` ends the Trekant session first,
then (for a session made by the Context Handler) :func:`prepare_logout` makes the signed
LogoutRequest for the session's NameID and SessionIndex and keeps its id in Redis (single
use, 10 minutes) with the hash of a logout id that only this browser holds (the
``trekant_slo`` cookie). The browser goes to the Context Handler, which ends its own
session and sends it back with a LogoutResponse to ``/api/auth/saml/{code}/slo``;
:func:`finish_logout` verifies it, finds the pending logout by ``InResponseTo`` *for this
browser and kommune*, and lands on the logged-out page. Audited: ``logout`` (sent to the
Context Handler), ``logout.completed`` or ``logout.failed`` (with the reason).

**Logged out elsewhere.** The Context Handler sends a LogoutRequest to the same endpoint;
:func:`remote_logout` verifies it (signature, issuer, destination, freshness, never seen
before), ends the Trekant sessions of the person its NameID names (those with its
SessionIndex, or all), audits ``logout.remote`` (or ``logout.remote_refused``) and answers
with a signed LogoutResponse.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets

from redis.asyncio import Redis

from backend.audit.service import record
from backend.auth import repository as repo
from backend.auth import saml, saml_slo
from backend.auth.saml_login import kommune_sp, pop_bound
from backend.auth.service import STATE_TTL, LoginError, _browser_hash
from backend.auth.session import Session, SessionStore
from backend.db import DB
from tenancy.context import run_after_commit, tenant_transaction

log = logging.getLogger("trekant.auth.saml")

LOGGED_OUT = "/log-ind?logget-ud=1"
PARTLY_LOGGED_OUT = "/log-ind?logget-ud=delvist"


def _pending_key(request_id: str) -> str:
    return f"trekant:saml:logout:{request_id}"


def _seen_key(code: str, request_id: str) -> str:
    return f"trekant:saml:logout-seen:{code}:{request_id}"


async def _audit(code: str, actor: str, action: str, target: str | None, **detail: object) -> None:
    """One audit row in the kommune (best effort: a failed audit write never keeps a
    person logged in)."""
    try:
        async with tenant_transaction(DB, code) as scope:
            await record(actor or "ukendt", action, target, **detail)
        await run_after_commit(scope)
    except Exception:
        log.warning("could not audit %s for kommune %s", action, code, exc_info=True)


async def prepare_logout(redis: Redis, session: Session, base_url: str) -> tuple[str, str] | None:
    """(The Context Handler URL with the signed LogoutRequest, the browser's logout id) for a
    session the Context Handler made; None for any other, or when the Context Handler cannot
    be asked (its metadata unavailable: the Trekant session is ended all the same). Audits
    ``logout`` in the caller's tenant transaction (the logout request's own)."""
    code = session.kommune_code
    if not (session.context_handler and session.saml_name_id and code):
        return None
    try:
        sp = await kommune_sp(code, base_url, redis)
        url, request_id = await asyncio.to_thread(
            saml_slo.logout_request_url, sp, session.saml_name_id, session.saml_session_index
        )
    except (LoginError, saml.SamlUnavailable) as exc:
        log.warning("single logout for kommune %s not sent: %s", code, exc)
        await record(session.username, "logout", session.subject, slo="ikke-sendt")
        return None
    logout_id = secrets.token_urlsafe(32)
    await redis.set(
        _pending_key(request_id),
        json.dumps(
            {
                "kommune": code,
                "browser": _browser_hash(logout_id),
                "user": session.subject,
                "username": session.username,
            }
        ),
        ex=STATE_TTL,
    )
    await record(session.username, "logout", session.subject, slo="sendt")
    return url, logout_id


async def finish_logout(
    redis: Redis, code: str, base_url: str, query: str, logout_id: str | None
) -> str:
    """Where the browser lands after the Context Handler's LogoutResponse: the logged-out
    page, or (a response that fails a check, or a partial logout) the same page saying that
    the logout at the Context Handler was not confirmed. Either way Trekant's session ended
    before the browser left."""
    try:
        sp = await kommune_sp(code, base_url, redis)
    except LoginError:
        return PARTLY_LOGGED_OUT
    actor, user = "", None
    try:
        xml = await asyncio.to_thread(saml_slo.verify_redirect, sp, query, "SAMLResponse")
        response = saml_slo.read_logout_response(sp, xml, base_url)
        key = _pending_key(response.in_response_to)
        known = json.loads(await redis.get(key) or "{}")  # who, for the audit of a refusal
        actor, user = known.get("username", ""), known.get("user")
        await pop_bound(redis, key, code, logout_id, "logout")
    except saml.SamlRefused as exc:
        log.info("logout response for %s refused (%s): %s", code, exc.code, exc.reason)
        await _audit(code, actor, "logout.failed", user, reason=exc.reason)
        return PARTLY_LOGGED_OUT
    if not response.success:
        await _audit(code, actor, "logout.failed", user, reason="Context Handler: not Success")
        return PARTLY_LOGGED_OUT
    await _audit(code, actor, "logout.completed", user)
    return LOGGED_OUT


async def remote_logout(
    store: SessionStore, redis: Redis, code: str, base_url: str, query: str
) -> str:
    """End the sessions the Context Handler's LogoutRequest names and return the URL of the
    signed LogoutResponse; :class:`saml.SamlRefused` (audited) for a request that fails a
    check, and :class:`LoginError` when the kommune does not use the Context Handler."""
    sp = await kommune_sp(code, base_url, redis)
    try:
        xml = await asyncio.to_thread(saml_slo.verify_redirect, sp, query, "SAMLRequest")
        request = saml_slo.read_logout_request(sp, xml, base_url)
        fresh = await redis.set(
            _seen_key(code, request.id), "1", nx=True, ex=saml_slo.REQUEST_LIFETIME * 2
        )
        if not fresh:
            raise saml.SamlRefused("afvist", "LogoutRequest replayed")
    except saml.SamlRefused as exc:
        log.info("logout request for %s refused (%s): %s", code, exc.code, exc.reason)
        await _audit(
            code, "Fælleskommunal Adgangsstyring", "logout.remote_refused", None, reason=exc.reason
        )
        raise
    async with tenant_transaction(DB, code) as scope:
        row = await repo.get_user_by_identity(sp.idp_entity_id, request.name_id)
    await run_after_commit(scope)
    ended = 0
    if row is not None:
        ended = await store.revoke_sessions("kommune", code, str(row.id), request.session_indexes)
    await _audit(
        code,
        row.username if row is not None else "ukendt",
        "logout.remote",
        str(row.id) if row is not None else None,
        sessions=ended,
        session_index=", ".join(request.session_indexes) or "alle",
    )
    return await asyncio.to_thread(saml_slo.logout_response_url, sp, request, True)
