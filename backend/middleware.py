"""Authentication and the tenant transaction, around every non-public route.

Order of work for a request:
1. Load the server-side session from the cookie (401 if none), with the user's roles as
   read at most ``PRINCIPAL_SECONDS`` ago.
2. Refuse unsafe methods without the session's CSRF token (403).
3. Take a token from the user's (and, for prior-case lookups, the kommune's) rate-limit
   buckets (429 with Retry-After when empty), before any database work. Steps 1 and 3 are
   one round trip to Redis once the process has seen the cookie before (it remembers the
   session's user, so it knows the buckets before it reads the session); two the first time.
4. For a kommune session, open the tenant transaction (role + search_path switched in
   one statement) in this task, so Piccolo's ContextVar reaches the handler. Without a
   fresh cached principal, read the user (active) and roles in it and cache them with the
   session (docs/architecture.md, "The principal cache").
5. Commit (status < 400) or roll back (otherwise) *before* the response starts, so the
   client never sees success for a change that was not committed.
6. After the response, relay the outbox rows the request wrote.

A request whose cached prepared statement went stale under a migration
(``backend.errors.stale_statement``) runs once more in a fresh transaction before anything
reaches the client: the first try rolled back whole, and its body (up to
``REPLAY_BODY_BYTES``) is given to the second as it was read.

Routes opt out with ``opt={"public": True}``; everything else requires a session.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from asyncpg.exceptions import InvalidCachedStatementError
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from backend.auth.principal import (
    apply_case_scope,
    cache_entry,
    load_principal,
    principal_from_cache,
)
from backend.auth.session import (
    COOKIE,
    CachedPrincipal,
    Session,
    SessionStore,
    principal_key,
    session_key,
)
from backend.core.principal import Principal
from backend.db import DB
from backend.errors import STALE_STATE_KEY, send_unreachable, unreachable_cause
from backend.limits.limiter import RateLimiter
from backend.limits.middleware import session_buckets
from backend.observability.middleware import note_kommune
from tenancy.context import TenantUnavailable, run_after_commit, tenant_transaction

log = logging.getLogger("trekant.request")

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_HEADER = b"x-csrf-token"
# A request whose body is larger (an upload) is not run again: it gets the 503.
REPLAY_BODY_BYTES = 1024 * 1024


class _Replay:
    """The request body's messages as the first try reads them, for a second try."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._kept: list[ReceiveMessage] = []
        self._size = 0
        self.possible = True

    async def first(self) -> ReceiveMessage:
        message = await self._receive()
        if message["type"] == "http.request" and self.possible:
            self._size += len(message.get("body", b""))
            if self._size > REPLAY_BODY_BYTES:
                self.possible, self._kept = False, []
            else:
                self._kept.append(message)
        return message

    def again(self) -> Receive:
        kept = list(self._kept)

        async def receive() -> ReceiveMessage:
            if kept:
                return kept.pop(0)
            return await self._receive()  # what the first try had not read yet

        return receive


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


class _Revoked(Exception):
    pass


class _Who(NamedTuple):
    """A session's user, remembered by the API process for the session's rate limits."""

    realm: str
    kommune_code: str | None
    subject: str


# How many sessions' users one API process remembers (a few MB at most).
KNOWN_SESSIONS = 50_000


class TenantMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "public"

    def __init__(self) -> None:
        super().__init__()
        # Session key -> its user: what the buckets of the cookie's next request are.
        self._known: dict[str, _Who] = {}

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        """The OpenAPI document (/schema) is public."""
        return str(scope.get("path", "")).startswith("/schema")

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        store: SessionStore = scope["litestar_app"].state.sessions
        limiter: RateLimiter = scope["litestar_app"].state.limiter
        token = _cookie(scope, COOKIE)
        if not token or len(token) > 128:
            raise NotAuthorizedException("Log ind for at fortsætte")
        method, path = str(scope.get("method", "")), str(scope.get("path", ""))
        key = session_key(token)
        # The user this cookie belonged to on an earlier request: then the session and the
        # rate limits are one round trip to Redis (the session is still read and checked).
        known = self._known.get(key)
        wait_ms: int | None = None
        if known is not None:
            raw, raw_principal, wait_ms = await limiter.load_and_take(
                key, principal_key(key), session_buckets(method, path, known)
            )
            session, cached = await store.settle(key, raw, raw_principal)
        else:
            session, cached = await store.load_with_principal(token)
        if session is None:
            self._known.pop(key, None)
            raise NotAuthorizedException("Log ind for at fortsætte")
        if known != (who := _Who(session.realm, session.kommune_code, session.subject)):
            wait_ms = None  # (cannot happen: a session keeps its user) take the right ones
        if method in UNSAFE and _header(scope, CSRF_HEADER) != session.csrf_token:
            raise PermissionDeniedException("Manglende eller forkert CSRF-token")
        if wait_ms is None:
            await limiter.take(session_buckets(method, path, session))
            if len(self._known) >= KNOWN_SESSIONS:
                self._known.clear()  # bounded; each cookie's next request fills it again
            self._known[key] = who
        else:
            limiter.refuse(wait_ms)
        scope.setdefault("state", {})["session"] = session
        note_kommune(session.kommune_code)
        operator_path = path.startswith("/api/operator/")
        if session.realm == "operator":
            # The operator never enters a kommune: no tenant transaction exists for them.
            if not (operator_path or path.startswith("/api/session")):
                raise PermissionDeniedException("Driften har ikke adgang til kommunernes sager")
            await next_app(scope, receive, send)
            return
        if operator_path or session.kommune_code is None:
            raise PermissionDeniedException("Kun for driften")
        await self._in_tenant(session, token, cached, scope, receive, send, next_app, store)

    async def _in_tenant(
        self,
        session: Session,
        token: str,
        cached: CachedPrincipal | None,
        scope: Scope,
        receive: Receive,
        send: Send,
        next_app: ASGIApp,
        store: SessionStore,
        attempt: int = 0,
    ) -> None:
        assert session.kommune_code is not None
        committed = False
        revoked = False
        started = False  # the answer's start has gone on towards the client
        # A stale cached statement (a migration changed a result's type): the first try's
        # answer is dropped and the request runs again, once.
        replay = _Replay(receive) if attempt == 0 else None
        again = False
        try:
            async with tenant_transaction(DB, session.kommune_code) as tenant:
                scope["state"]["tenant"] = tenant
                principal: Principal | None
                if cached is not None:
                    principal = principal_from_cache(cached, session.kommune_code)
                else:
                    principal = await load_principal(
                        tenant.connection, session.subject, session.kommune_code
                    )
                    if principal is None:
                        revoked = True
                        raise _Revoked
                    await store.cache_principal(token, cache_entry(principal))
                scope["state"]["principal"] = principal
                # Data restrictions (Fælleskommunal Adgangsstyring): the database hides
                # every case outside them for the rest of this transaction.
                await apply_case_scope(tenant.connection, principal, scope.get("route_handler"))
                decided = False

                async def send_after_commit(message: Message) -> None:
                    nonlocal decided, committed, again
                    if again:
                        return  # the dropped answer's body
                    if message["type"] == "http.response.start" and not decided:
                        decided = True
                        stale = scope["state"].pop(STALE_STATE_KEY, False)
                        if stale and replay is not None and replay.possible:
                            again = True
                            await tenant.transaction.rollback()  # type: ignore[no-untyped-call]  # piccolo is untyped
                            return
                        if message["status"] < 400:
                            await tenant.transaction.commit()  # type: ignore[no-untyped-call]  # piccolo is untyped
                            committed = True
                        else:
                            await tenant.transaction.rollback()  # type: ignore[no-untyped-call]  # piccolo is untyped
                    await send(message)
                    if message["type"] == "http.response.start":
                        nonlocal started
                        started = True

                await next_app(scope, replay.first if replay else receive, send_after_commit)
        except _Revoked:
            pass
        except TenantUnavailable as exc:
            if exc.status == "suspended":
                raise PermissionDeniedException(
                    f"Kommunen ({exc.code}) er suspenderet i Trekant. Kontakt driften."
                ) from exc
            raise NotAuthorizedException("Kommunen findes ikke i Trekant") from exc
        except InvalidCachedStatementError:
            # In this middleware's own statements (the switch, the principal, the scope):
            # the handler has not run.
            if replay is None or not replay.possible or started:
                raise
            again = True
        except Exception as exc:
            # PostgreSQL went away while the answer was being settled (the COMMIT, the
            # Idempotency-Key's stored answer): Litestar counts the answer as started once
            # its start passed its own wrapper and gives up, so the server would answer a bare
            # 500. Nothing has reached the client yet: answer the 503 here instead.
            cause = unreachable_cause(exc)
            if started or cause is None:
                raise
            await send_unreachable(scope, receive, send, cause)
            return
        if again:
            assert replay is not None
            log.info(
                "a stale cached statement: %s %s runs again", scope.get("method"), scope.get("path")
            )
            await self._in_tenant(
                session, token, cached, scope, replay.again(), send, next_app, store, attempt + 1
            )
            return
        if revoked:
            # Deactivated (or removed) since login: end every session of the user.
            await store.revoke_user("kommune", session.kommune_code, session.subject)
            raise NotAuthorizedException("Din adgang til Trekant er lukket")
        if committed:
            await run_after_commit(tenant)
