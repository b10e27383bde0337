"""Login and logout for both realms: kommune users and the operator.

A login is started with fresh state, nonce and PKCE verifier kept server-side in Redis
under the state (single use, 10 minutes), together with the hash of a random login id that
only the browser which started the login holds (an HttpOnly cookie, see routes). The
callback refuses a state whose login id the browser does not present (login CSRF: a
callback URL opened in another browser logs no one in), pops the state (a replayed or
unknown state is refused), exchanges the code, validates the ID token against the
kommune's configured issuer and client, and then decides in Trekant's own database
whether this person may use Trekant and with which roles.

A pre-registered account that has never logged in is bound to the provider's ``sub`` by
the one claim the kommune's provider is configured to assert (``shared.tenant.login_claim``:
``upn``, ``preferred_username`` or ``email`` — the last only with ``email_verified: true``).
The binding is audited and the administrator can reset it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
from redis.asyncio import Redis

from backend.audit.service import record
from backend.auth import repository as repo
from backend.auth.oidc import ClientConfig, LoginRefused, OIDCClient, ProviderUnavailable
from backend.auth.session import Session, SessionStore
from backend.config import get_settings
from backend.db import DB
from backend.identity import idp, operator_db
from backend.identity.repository import get_kommune_login
from tenancy.context import run_after_commit, tenant_transaction
from tenancy.names import check_kommune_code

log = logging.getLogger("trekant.auth")
STATE_TTL = 600
LOGOUT_TTL = 120


class LoginError(Exception):
    """A login that cannot go on; ``code`` is what the login page shows (in Danish)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass
class LoginResult:
    token: str
    session: Session


def _state_key(state: str) -> str:
    return f"trekant:login:{state}"


def _browser_hash(login_id: str) -> str:
    return hashlib.sha256(login_id.encode()).hexdigest()


async def kommune_client(code: str) -> ClientConfig:
    """The kommune's OIDC client from the registry; the secret from the environment."""
    try:
        check_kommune_code(code)
    except ValueError as exc:
        raise LoginError("ukendt-kommune") from exc
    row = await get_kommune_login(code)
    if row is None:
        raise LoginError("ukendt-kommune")
    if row.status != "active":
        raise LoginError("suspenderet")
    if not row.idp_issuer or not row.idp_client_id:
        raise LoginError("ikke-konfigureret", "the kommune has no identity provider yet")
    # The kommune's own secret only, and only to an allowed issuer (backend/identity/idp.py).
    try:
        await idp.check_issuer(row.idp_issuer, get_settings().env)
        secret = idp.client_secret(
            code, row.idp_issuer, row.idp_client_id, row.sealed, row.idp_client_secret_ref
        )
    except idp.IdpSettingError as exc:
        raise LoginError("ikke-konfigureret", f"{exc.field}: {exc.message}") from exc
    return ClientConfig(row.idp_issuer, row.idp_client_id, secret, row.login_claim)


def operator_client(settings: Any) -> ClientConfig:
    if not (settings.operator_issuer and settings.operator_client_id):
        raise LoginError("ikke-konfigureret", "TREKANT_OPERATOR_ISSUER is not set")
    return ClientConfig(
        settings.operator_issuer,
        settings.operator_client_id,
        settings.operator_client_secret or "",
    )


async def start_login(
    redis: Redis,
    oidc: OIDCClient,
    client: ClientConfig,
    realm: str,
    kommune_code: str | None,
    redirect_uri: str,
) -> tuple[str, str]:
    """Return the provider URL to send the browser to, and the login id that the browser
    must hold (in an HttpOnly cookie) when it comes back to the callback."""
    try:
        meta = await oidc.metadata(client.issuer)
    except ProviderUnavailable as exc:
        raise LoginError("udbyder", str(exc)) from exc
    state, nonce, verifier = oidc.new_login()
    login_id = secrets.token_urlsafe(32)
    await redis.set(
        _state_key(state),
        json.dumps(
            {
                "realm": realm,
                "kommune": kommune_code,
                "nonce": nonce,
                "verifier": verifier,
                "redirect_uri": redirect_uri,
                "browser": _browser_hash(login_id),
                "at": time.time(),
            }
        ),
        ex=STATE_TTL,
    )
    return oidc.authorization_url(meta, client, redirect_uri, state, nonce, verifier), login_id


async def pop_state(redis: Redis, state: str | None, login_id: str | None) -> dict[str, Any]:
    """The pending login for ``state``, used up — only for the browser that started it.

    A browser without the login id does not use the state up (it cannot spoil the real
    login), but is refused with ``anden-browser``.
    """
    if not state or len(state) > 200:
        raise LoginError("ugyldigt-svar", "missing state")
    raw = await redis.get(_state_key(state))
    if raw is None:
        raise LoginError("ugyldigt-svar", "unknown or already used state")
    pending: dict[str, Any] = json.loads(raw)
    if not login_id or len(login_id) > 200:
        raise LoginError("anden-browser", "the callback came without the login cookie")
    if not hmac.compare_digest(str(pending.get("browser", "")), _browser_hash(login_id)):
        raise LoginError("anden-browser", "the login cookie belongs to another login")
    if await redis.getdel(_state_key(state)) is None:
        raise LoginError("ugyldigt-svar", "already used state")
    return pending


async def _validated_claims(
    oidc: OIDCClient, client: ClientConfig, pending: dict[str, Any], code: str
) -> tuple[dict[str, Any], str]:
    try:
        meta = await oidc.metadata(client.issuer)
        tokens = await oidc.exchange_code(
            meta, client, code, pending["redirect_uri"], pending["verifier"]
        )
        claims = await oidc.validate_id_token(meta, client, tokens["id_token"], pending["nonce"])
    except ProviderUnavailable as exc:
        raise LoginError("udbyder", str(exc)) from exc
    except LoginRefused as exc:
        raise LoginError("afvist", exc.reason) from exc
    return claims, tokens["id_token"]


def _username(claims: dict[str, Any], login_claim: str) -> str:
    """The person's username by the one claim the provider is configured to assert;
    ``email`` only when the provider says it is verified. Empty when there is none."""
    value = claims.get(login_claim)
    if not isinstance(value, str) or not value.strip():
        return ""
    if login_claim == "email" and claims.get("email_verified") is not True:
        return ""
    return value.strip().lower()


def _other_name(claims: dict[str, Any]) -> str:
    """Some name for the audit of a refused login (never used to bind)."""
    for key in ("preferred_username", "upn", "email"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()[:254]
    return ""


async def _audit_failure(code: str, actor: str, reason: str) -> None:
    """Record a failed login in the kommune's own audit (best effort)."""
    try:
        async with tenant_transaction(DB, code) as scope:
            await record(actor or "ukendt", "login.failed", None, reason=reason)
        await run_after_commit(scope)
    except Exception:  # never mask the login error with a failed audit write
        log.warning("could not audit a failed login for kommune %s", code, exc_info=True)


async def finish_kommune_login(
    store: SessionStore, oidc: OIDCClient, pending: dict[str, Any], code: str
) -> LoginResult:
    kommune = pending["kommune"]
    client = await kommune_client(kommune)
    try:
        claims, id_token = await _validated_claims(oidc, client, pending, code)
    except LoginError as exc:
        if exc.code == "afvist":
            await _audit_failure(kommune, "", exc.detail)
        raise
    username = _username(claims, client.login_claim)
    subject = str(claims["sub"])
    issuer = client.issuer
    failure: LoginError | None = None
    async with tenant_transaction(DB, kommune) as scope:
        row = await repo.get_user_by_identity(issuer, subject)
        if row is None and username:
            row = await repo.get_unbound_user(username)
            if row is not None:
                await repo.bind_user(row.id, issuer, subject, client.login_claim)
                await record(row.username, "user.bound", str(row.id), claim=client.login_claim)
        if row is None:
            settings = await repo.get_jit_settings()
            taken = username and await repo.username_taken(username)
            if taken:
                # A known username with another identity at the provider: the same answer
                # as for an unknown person (never a second account, never a 500).
                await record(
                    username, "login.failed", None, reason="username bound to another identity"
                )
                failure = LoginError("ikke-oprettet", "username bound to another identity")
            elif settings and settings.jit_provisioning and username:
                user_id = await repo.insert_jit_user(
                    username,
                    str(claims.get("name") or username),
                    claims.get("email") if claims.get("email_verified") is True else None,
                    issuer,
                    subject,
                    client.login_claim,
                )
                if user_id is None:
                    await record(
                        username, "login.failed", None, reason="username bound to another identity"
                    )
                    failure = LoginError("ikke-oprettet", "username bound to another identity")
                else:
                    await repo.insert_jit_role(user_id, settings.jit_default_role)
                    await record(
                        username,
                        "user.provisioned",
                        str(user_id),
                        how="just-in-time",
                        roles=[settings.jit_default_role],
                    )
                    row = await repo.get_user(user_id)
        if failure is None and (row is None or not row.active):
            if row is not None:
                reason = "deactivated"
            elif not username:
                reason = f"no usable {client.login_claim} claim"
            else:
                reason = "not provisioned"
            actor = username or _other_name(claims) or subject
            await record(actor, "login.failed", None, reason=reason)
            failure = LoginError("ikke-oprettet" if row is None else "deaktiveret", reason)
        elif failure is None and row is not None:
            await repo.set_last_login(row.id)
            await record(row.username, "login", str(row.id), issuer=issuer)
    await run_after_commit(scope)
    if failure is not None:
        raise failure
    assert row is not None
    session = Session(
        realm="kommune",
        subject=str(row.id),
        username=row.username,
        display_name=row.display_name,
        kommune_code=kommune,
        kommune_name=scope.name,
        id_token=id_token,
        issuer=issuer,
    )
    return LoginResult(await store.create(session), session)


async def finish_operator_login(
    store: SessionStore, oidc: OIDCClient, pending: dict[str, Any], code: str, settings: Any
) -> LoginResult:
    client = operator_client(settings)
    claims, id_token = await _validated_claims(oidc, client, pending, code)
    username = _username(claims, client.login_claim)
    subject = str(claims["sub"])
    pool = operator_db.pool()
    async with pool.acquire() as conn, conn.transaction():
        account = await repo.get_operator_account(conn, client.issuer, subject, username)
        if account is None or not account.active:
            await repo.insert_operator_login_failed(conn, username or subject, "not an operator")
        else:
            await repo.bind_operator(conn, account.username, client.issuer, subject)
            await repo.insert_operator_login(conn, account.username)
    if account is None or not account.active:
        raise LoginError("ikke-oprettet", "not an operator")
    session = Session(
        realm="operator",
        subject=account.username,
        username=account.username,
        display_name=account.display_name,
        id_token=id_token,
        issuer=client.issuer,
    )
    return LoginResult(await store.create(session), session)


def _logout_key(token: str) -> str:
    return "trekant:logout:" + hashlib.sha256(token.encode()).hexdigest()


async def prepare_provider_logout(
    redis: Redis, oidc: OIDCClient, session: Session, post_logout_redirect_uri: str
) -> str | None:
    """Keep what the provider's end-session needs (the ID token) server-side for a moment
    under a fresh random token; None when the provider has no end-session endpoint.

    The browser gets the token only in an HttpOnly cookie and then opens
    ``GET /api/auth/logout``, which answers with a redirect to the provider: the ID token
    never reaches the page's JavaScript.
    """
    if not session.issuer or not session.id_token:
        return None
    try:
        meta = await oidc.metadata(session.issuer)
    except ProviderUnavailable:
        return None
    if not meta.end_session_endpoint:
        return None
    token = secrets.token_urlsafe(32)
    await redis.set(
        _logout_key(token),
        json.dumps(
            {
                "end_session_endpoint": meta.end_session_endpoint,
                "id_token": session.id_token,
                "post_logout_redirect_uri": post_logout_redirect_uri,
            }
        ),
        ex=LOGOUT_TTL,
    )
    return token


async def prepare_redirect_logout(redis: Redis, url: str) -> str:
    """Keep ``url`` (the Context Handler's address with a signed LogoutRequest) for
    ``GET /api/auth/logout`` under a fresh token, as :func:`prepare_provider_logout` does."""
    token = secrets.token_urlsafe(32)
    await redis.set(_logout_key(token), json.dumps({"redirect": url}), ex=LOGOUT_TTL)
    return token


async def provider_logout_url(redis: Redis, token: str | None) -> str | None:
    """The provider's end-session URL for a logout prepared with ``token`` (single use)."""
    if not token or len(token) > 200:
        return None
    raw = await redis.getdel(_logout_key(token))
    if raw is None:
        return None
    data = json.loads(raw)
    if "redirect" in data:
        return str(data["redirect"])
    return str(
        httpx.URL(
            data["end_session_endpoint"],
            params={
                "id_token_hint": data["id_token"],
                "post_logout_redirect_uri": data["post_logout_redirect_uri"],
            },
        )
    )
