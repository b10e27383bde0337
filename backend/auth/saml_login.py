"""Login through Fælleskommunal Adgangsstyring (KOMBIT's Context Handler, SAML 2.0).

``start`` makes a signed AuthnRequest for the kommune's service provider and keeps its id
in Redis (single use, 10 minutes) with the hash of a login id only the starting browser
holds (the ``trekant_login`` cookie, as for OpenID Connect). ``finish`` takes the
Context Handler's POSTed response: it finds the pending login by the response's
``InResponseTo``, refuses it for another kommune or another browser, uses it up, verifies
the response (``backend.auth.saml``), refuses a replayed assertion (its id is kept in Redis
until its ``NotOnOrAfter``) and only then writes: the account is found by the assertion's
persistent NameID, else bound by the e-mail address to a pre-registered account, else
provisioned just in time; its roles become exactly those the privileges carry. Every
refusal is audited in the kommune (``login.failed`` with the reason) and writes nothing
else.

Privileges: groups scoped to another CVR number are not for this kommune and are skipped.
A privilege Trekant does not know is *ignored when at least one known role remains*
(audited as ``login.privileges_ignored``), and the login is *refused* (``ukendt-rolle``)
when none remains.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from typing import Any

from redis.asyncio import Redis

from backend.audit.service import record
from backend.auth import repository as repo
from backend.auth import saml
from backend.auth.service import (
    STATE_TTL,
    LoginError,
    LoginResult,
    _audit_failure,
    _browser_hash,
)
from backend.auth.session import Session, SessionStore
from backend.config import get_settings
from backend.core.public_url import PublicUrlRefused, check_public_url
from backend.db import DB
from backend.identity.repository import get_kommune_login
from tenancy.context import run_after_commit, tenant_transaction
from tenancy.names import check_kommune_code

log = logging.getLogger("trekant.auth.saml")
SOURCE = "fk-adgangsstyring"


def _request_key(request_id: str) -> str:
    return f"trekant:saml:request:{request_id}"


def _seen_key(code: str, assertion_id: str) -> str:
    return f"trekant:saml:seen:{code}:{assertion_id}"


async def uses_context_handler(code: str) -> bool:
    """Whether kommune ``code`` logs in through the Context Handler (False if unknown)."""
    try:
        check_kommune_code(code)
    except ValueError:
        return False
    row = await get_kommune_login(code)
    return row is not None and row.login_kind == "context-handler"


def _health_key(code: str) -> str:
    return f"trekant:saml:health:{code}"


HEALTH_TTL = 7 * 24 * 3600


async def record_health(redis: Redis, code: str, error: str | None) -> None:
    """What the last fetch of the kommune's Context Handler metadata came to, for the
    operator console (``login_health``): the Danish error, or that it went well."""
    now = time.time()
    raw = await redis.get(_health_key(code))
    health: dict[str, Any] = json.loads(raw) if raw else {}
    if error is None:
        health.update(ok_at=now)
    else:
        health.update(error=error[:500], error_at=now)
    await redis.set(_health_key(code), json.dumps(health), ex=HEALTH_TTL)


async def login_health(redis: Redis, code: str) -> dict[str, Any]:
    """``{"ok_at": …, "error": …, "error_at": …}`` (epoch seconds), what is known."""
    raw = await redis.get(_health_key(code))
    return json.loads(raw) if raw else {}


async def kommune_sp(code: str, base_url: str, redis: Redis | None = None) -> saml.KommuneSp:
    """The kommune's service provider with the Context Handler's current metadata (its
    signature verified when the operator gave the certificate). A failure to get usable
    metadata is recorded for the operator console when ``redis`` is given."""
    try:
        check_kommune_code(code)
    except ValueError as exc:
        raise LoginError("ukendt-kommune") from exc
    row = await get_kommune_login(code)
    if row is None:
        raise LoginError("ukendt-kommune")
    if row.status != "active":
        raise LoginError("suspenderet")
    if row.login_kind != "context-handler" or not (
        row.ch_metadata_url and row.ch_entity_id and row.ch_cvr
    ):
        raise LoginError("ikke-konfigureret", "the kommune does not use the Context Handler")
    try:
        await check_public_url(row.ch_metadata_url, get_settings().env, "Metadataadressen")
        metadata = await saml.idp_metadata(
            row.ch_metadata_url, row.ch_entity_id, row.ch_metadata_cert
        )
    except PublicUrlRefused as exc:
        if redis is not None:
            await record_health(redis, code, exc.message)
        raise LoginError("ikke-konfigureret", exc.message) from exc
    except saml.SamlUnavailable as exc:
        log.warning("context handler metadata for %s refused: %s", code, exc)
        if redis is not None:
            await record_health(redis, code, exc.operator_message)
        raise LoginError("udbyder", str(exc)) from exc
    if redis is not None:
        await record_health(redis, code, None)
    return saml.KommuneSp(
        code=code,
        base_url=base_url,
        idp_entity_id=row.ch_entity_id,
        idp_metadata=metadata,
        cvr=row.ch_cvr,
        nsis_level=row.ch_nsis_level,
    )


async def start(redis: Redis, code: str, base_url: str) -> tuple[str, str]:
    """(The Context Handler URL with the signed AuthnRequest, the browser's login id)."""
    sp = await kommune_sp(code, base_url, redis)
    try:
        url, request_id = await asyncio.to_thread(saml.authn_request_url, sp)
    except saml.SamlUnavailable as exc:
        raise LoginError("ikke-konfigureret", str(exc)) from exc
    login_id = secrets.token_urlsafe(32)
    await redis.set(
        _request_key(request_id),
        json.dumps({"kommune": code, "browser": _browser_hash(login_id), "at": time.time()}),
        ex=STATE_TTL,
    )
    return url, login_id


async def finish(
    store: SessionStore,
    redis: Redis,
    code: str,
    base_url: str,
    saml_response: str,
    login_id: str | None,
) -> LoginResult:
    """Verify the Context Handler's response for kommune ``code`` and log the person in;
    :class:`LoginError` (audited in the kommune) for every refusal."""
    sp = await kommune_sp(code, base_url, redis)
    try:
        xml = saml.decode_response(saml_response)
        request_id = saml.peek_in_response_to(xml)
        pending = await _pop_pending(redis, code, request_id, login_id)
        identity = await asyncio.to_thread(saml.verify_response, sp, xml, request_id)
        await _not_replayed(redis, code, identity)
    except saml.SamlRefused as exc:
        raise await _refused(code, exc) from exc
    del pending
    return await _log_in(store, sp, identity)


async def _refused(code: str, exc: saml.SamlRefused) -> LoginError:
    """The refusal, audited in the kommune (``login.failed``) and logged."""
    log.info("context handler login for %s refused (%s): %s", code, exc.code, exc.reason)
    await _audit_failure(code, "", f"context handler: {exc.reason}")
    return LoginError(exc.code, exc.reason)


async def _pop_pending(
    redis: Redis, code: str, request_id: str, login_id: str | None
) -> dict[str, Any]:
    if not request_id or len(request_id) > 200:
        raise saml.SamlRefused("ugyldigt-svar", "response without InResponseTo (unsolicited)")
    return await pop_bound(redis, _request_key(request_id), code, login_id, "login")


async def pop_bound(
    redis: Redis, key: str, code: str, browser_id: str | None, what: str
) -> dict[str, Any]:
    """The pending ``what`` (a login or a logout) that a response's ``InResponseTo`` names,
    kept under ``key``, used up; :class:`saml.SamlRefused` unless it is kommune ``code``'s
    and was started in this browser (``browser_id``, the cookie's value)."""
    raw = await redis.get(key)
    if raw is None:
        raise saml.SamlRefused("ugyldigt-svar", f"InResponseTo names no pending {what}")
    pending: dict[str, Any] = json.loads(raw)
    if pending.get("kommune") != code:
        raise saml.SamlRefused("afvist", f"InResponseTo belongs to another kommune's {what}")
    if not browser_id or len(browser_id) > 200:
        raise saml.SamlRefused("anden-browser", f"the response came without the {what} cookie")
    if not secrets.compare_digest(str(pending.get("browser", "")), _browser_hash(browser_id)):
        raise saml.SamlRefused("anden-browser", f"the {what} cookie belongs to another {what}")
    if await redis.getdel(key) is None:
        raise saml.SamlRefused("ugyldigt-svar", "InResponseTo already used")
    return pending


async def _not_replayed(redis: Redis, code: str, identity: saml.SamlIdentity) -> None:
    ttl = max(1, int(identity.not_on_or_after - time.time()) + saml.SKEW_SECONDS)
    fresh = await redis.set(_seen_key(code, identity.assertion_id), "1", nx=True, ex=ttl)
    if not fresh:
        raise saml.SamlRefused("afvist", "assertion replayed")


async def _log_in(
    store: SessionStore, sp: saml.KommuneSp, identity: saml.SamlIdentity
) -> LoginResult:
    code, issuer, subject = sp.code, sp.idp_entity_id, identity.name_id
    failure: LoginError | None = None
    roles_changed = False
    async with tenant_transaction(DB, code) as scope:
        row = await repo.get_user_by_identity(issuer, subject)
        if row is None:
            row = await repo.get_unbound_user(identity.username)
            if row is not None:
                await repo.bind_user(row.id, issuer, subject, SOURCE)
                await record(row.username, "user.bound", str(row.id), claim=SOURCE)
        if row is None:
            if await repo.username_taken(identity.username):
                failure = LoginError("ikke-oprettet", "username bound to another identity")
            else:
                user_id = await repo.insert_jit_user(
                    identity.username,
                    identity.display_name,
                    identity.username,
                    issuer,
                    subject,
                    SOURCE,
                )
                if user_id is None:
                    failure = LoginError("ikke-oprettet", "username bound to another identity")
                else:
                    await record(
                        identity.username,
                        "user.provisioned",
                        str(user_id),
                        how=SOURCE,
                        roles=sorted(identity.roles),
                    )
                    row = await repo.get_user(user_id)
        if failure is None and row is not None and not row.active:
            failure = LoginError("deaktiveret", "deactivated")
        if failure is not None:
            await record(identity.username, "login.failed", None, reason=failure.detail)
        elif row is not None:
            before = await repo.get_roles_with_constraints(row.id)
            if before != identity.roles:
                roles_changed = bool(before)
                await repo.replace_roles(row.id, identity.roles)
                await record(
                    row.username,
                    "user.roles_from_assertion",
                    str(row.id),
                    roles=sorted(identity.roles),
                    before=sorted(before),
                )
            if identity.ignored_privileges:
                await record(
                    row.username,
                    "login.privileges_ignored",
                    str(row.id),
                    privileges=identity.ignored_privileges[:20],
                )
            await repo.set_display_name(row.id, identity.display_name)
            await repo.set_last_login(row.id)
            await record(
                row.username, "login", str(row.id), issuer=issuer, nsis_level=identity.nsis_level
            )
    await run_after_commit(scope)
    if failure is not None:
        raise failure
    assert row is not None
    if roles_changed:
        # Other sessions of the person still carry the old roles: they end now.
        await store.revoke_user("kommune", code, str(row.id))
    session = Session(
        realm="kommune",
        subject=str(row.id),
        username=row.username,
        display_name=identity.display_name,
        kommune_code=code,
        kommune_name=scope.name,
        issuer=None,
        context_handler=True,
        saml_name_id=identity.name_id,
        saml_session_index=identity.session_index,
    )
    return LoginResult(await store.create(session), session)
