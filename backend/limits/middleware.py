"""Where the rate limits apply: by client address before any public route's work (login
start and callback, device status), and by user and kommune once the session is loaded,
before the tenant transaction opens (``session_buckets``, called by TenantMiddleware)."""

from __future__ import annotations

import html
import re
from typing import Protocol

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)

from backend.limits.limiter import RateLimited, RateLimiter, client_address

# Public paths limited per client address: (path, class).
ADDRESS_CLASSES: dict[str, str] = {
    "/api/auth/login": "login",
    "/api/operator/login": "login",
    "/api/auth/callback": "callback",
    "/api/offline/enhedsstatus": "enhedsstatus",
    "/api/post/inbound/digital-post": "inbound",
}

# The per-kommune SAML endpoints (Fælleskommunal Adgangsstyring): the login start and the
# assertion consumer service and the single-logout endpoint, limited like the OpenID
# Connect login and callback.
SAML_PATHS = re.compile(r"/api/auth/saml/[0-9]{4}/(login|acs|slo)")

# CPR lookups that share the prior-case lookups' buckets: a person at registration, and a
# child's parents for the network.
CPR_LOOKUPS = re.compile(
    r"/api/cpr/(?:prior-cases|person)|/api/children/[0-9a-f-]+/network/from-cpr"
)


class Who(Protocol):
    """Whose buckets: a session, or what the API process remembers of one (its user)."""

    @property
    def realm(self) -> str: ...
    @property
    def kommune_code(self) -> str | None: ...
    @property
    def subject(self) -> str: ...


def _user(session: Who) -> str:
    return f"{session.realm}:{session.kommune_code or '-'}:{session.subject}"


def cpr_lookup_buckets(session: Who) -> list[tuple[str, str]]:
    """The buckets one CPR lookup takes a token from: the user's and the kommune's, shared
    by every kind of lookup (prior cases, a person, a child's parents, a letter's
    recipients)."""
    return [("prior_user", _user(session)), ("prior_kommune", session.kommune_code or "-")]


def session_buckets(method: str, path: str, session: Who) -> list[tuple[str, str]]:
    """The buckets an authenticated request takes a token from."""
    user = _user(session)
    buckets = [("api", user)]
    if path.startswith("/api/offline/"):
        buckets.append(("offline", user))
    if method == "POST" and CPR_LOOKUPS.fullmatch(path):
        buckets += cpr_lookup_buckets(session)
    return buckets


def _wants_html(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key == b"accept":
            return b"text/html" in value
    return False


def _page(exc: RateLimited) -> bytes:
    """For a browser sent here by a link (login): a Danish page, not JSON."""
    text = html.escape(str(exc.detail))
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>For mange forsøg – Trekant</title></head><body><main>"
        f"<h1>For mange forsøg</h1><p>{text}</p>"
        '<p><a href="/log-ind">Tilbage til log ind</a></p></main></body></html>'
    ).encode()


class AddressRateLimitMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        path = str(scope.get("path", ""))
        cls = ADDRESS_CLASSES.get(path)
        if cls is None and (path == "/api/udtraek" or path.startswith("/api/udtraek/")):
            cls = "udtraek"  # the raw data's machine endpoint: a key, no session
        if cls is None and (found := SAML_PATHS.fullmatch(path)):
            cls = "login" if found.group(1) == "login" else "callback"
        if cls is not None:
            limiter: RateLimiter = scope["litestar_app"].state.limiter
            address = client_address(scope, limiter.settings)
            try:
                await limiter.take([(cls, address)])
            except RateLimited as exc:
                if not _wants_html(scope):
                    raise
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"text/html; charset=utf-8"),
                        (b"retry-after", str(exc.retry_after).encode()),
                    ],
                }
                body: HTTPResponseBodyEvent = {
                    "type": "http.response.body",
                    "body": _page(exc),
                    "more_body": False,
                }
                await send(start)
                await send(body)
                return
        await next_app(scope, receive, send)
