"""Login through the kommune's (or the operator's) OpenID Connect provider, the session,
and logout.

The browser is sent to ``/api/auth/login?kommune=0101`` (or ``/api/operator/login``),
comes back to ``/api/auth/callback`` and lands on ``/`` (or ``/drift``) with a session
cookie. Failures land on ``/log-ind?fejl=<code>`` where the PWA explains them in Danish.

Starting a login sets a short-lived HttpOnly cookie (``trekant_login``) whose value the
pending login is bound to; the callback is refused without it (login CSRF). Logout is a
POST (CSRF token) that ends the session and, where the provider has an end-session
endpoint, sends the browser to ``GET /api/auth/logout``, which redirects to the provider
with the ID token as hint — the ID token is never in an answer the page's script reads.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect

from backend.auth.guards import current_session
from backend.auth.repository import get_restrictions
from backend.auth.service import (
    LOGOUT_TTL,
    STATE_TTL,
    LoginError,
    finish_kommune_login,
    finish_operator_login,
    kommune_client,
    operator_client,
    pop_state,
    prepare_provider_logout,
    prepare_redirect_logout,
    provider_logout_url,
    start_login,
)
from backend.auth.session import COOKIE, IDLE_SECONDS, Session, SessionStore
from backend.auth.vocab import Realm, Role
from backend.core.scope import RoleRestriction, decode_restrictions
from backend.observability.metrics import LOGINS

log = logging.getLogger("trekant.auth")
LOGIN_COOKIE = "trekant_login"
LOGOUT_COOKIE = "trekant_logout"
SLO_COOKIE = "trekant_slo"  # binds the Context Handler's LogoutResponse to this browser
AUTH_PATH = "/api/auth"


class SessionRead(msgspec.Struct):
    realm: Realm
    display_name: str
    username: str
    kommune_code: str | None
    kommune_name: str | None
    roles: list[Role]
    permissions: list[str]
    csrf_token: str
    # Logged in through Fælleskommunal Adgangsstyring: roles are assigned in Fælleskommunalt
    # Administrationsmodul and only shown in Trekant.
    roles_from_context_handler: bool = False
    # The roles' data restrictions (KLE, organisation unit) from Fælleskommunal
    # Adgangsstyring; empty when none is restricted.
    restrictions: list[RoleRestriction] = msgspec.field(default_factory=list)


class LogoutRead(msgspec.Struct):
    redirect: str


def session_cookie(token: str, secure: bool) -> Cookie:
    return Cookie(
        key=COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
        max_age=IDLE_SECONDS * 20,
    )


def _short_cookie(key: str, value: str, max_age: int, secure: bool) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        httponly=True,
        samesite="lax",
        secure=secure,
        path=AUTH_PATH,
        max_age=max_age,
    )


def _gone(key: str) -> Cookie:
    return Cookie(key=key, value="", path=AUTH_PATH, max_age=0, expires=0, httponly=True)


def is_secure(request: Request[Any, Any, Any]) -> bool:
    """Secure cookies wherever Trekant is reached over https (all but dev/test over http)."""
    return base_url(request).startswith("https://")


def base_url(request: Request[Any, Any, Any]) -> str:
    """Where the browser reaches Trekant: TREKANT_PUBLIC_URL, else the request's own.

    A forged Host header only yields a redirect URI the provider has not registered.
    """
    configured = request.app.state.settings.public_url
    return str(configured or request.base_url).rstrip("/")


def _fail(path: str, code: str) -> Redirect:
    return Redirect(f"{path}?fejl={quote(code)}", status_code=303)


class SessionController(Controller):
    path = "/api/session"
    tags = ("Log ind",)

    @get("", summary="Den aktuelle session med roller og rettigheder")
    async def me(self, request: Request[Any, Any, Any]) -> SessionRead:
        session: Session = current_session(request)
        principal = request.scope["state"].get("principal")
        roles = list(principal.roles) if principal else []
        perms = sorted(str(p) for p in principal.permissions) if principal else []
        return SessionRead(
            realm=session.realm,
            display_name=principal.display_name if principal else session.display_name,
            username=session.username,
            kommune_code=session.kommune_code,
            kommune_name=session.kommune_name,
            roles=roles,
            permissions=perms,
            csrf_token=session.csrf_token,
            roles_from_context_handler=session.context_handler,
            restrictions=(
                decode_restrictions(await get_restrictions(principal.user_id))
                if principal and principal.restrictions
                else []
            ),
        )

    @post("/logout", summary="Log ud", status_code=200)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[LogoutRead]:
        """End the Trekant session and say where to send the browser: ``/api/auth/logout``
        (which goes on to the provider's end-session endpoint) where the provider has one,
        else the front page."""
        store: SessionStore = request.app.state.sessions
        session = current_session(request)
        await store.delete(request.cookies.get(COOKIE))
        target = base_url(request) + ("/drift" if session.realm == "operator" else "/")
        cookies = []
        if session.context_handler:
            # Single logout at the Context Handler (backend/auth/saml_logout.py).
            from backend.auth.saml_logout import prepare_logout

            slo = await prepare_logout(request.app.state.redis, session, base_url(request))
            token = None
            if slo is not None:
                token = await prepare_redirect_logout(request.app.state.redis, slo[0])
                cookies.append(_short_cookie(SLO_COOKIE, slo[1], STATE_TTL, is_secure(request)))
        else:
            token = await prepare_provider_logout(
                request.app.state.redis, request.app.state.oidc, session, target
            )
        if token:
            cookies.append(_short_cookie(LOGOUT_COOKIE, token, LOGOUT_TTL, is_secure(request)))
        response = Response(
            LogoutRead(redirect=AUTH_PATH + "/logout" if token else target),
            status_code=200,
            cookies=cookies,
        )
        response.delete_cookie(COOKIE, path="/")
        return response


@get(
    "/api/auth/logout",
    opt={"public": True},
    tags=["Log ind"],
    status_code=303,
    summary="Fortsæt log ud hos identitetsudbyderen",
)
async def provider_logout(request: Request[Any, Any, Any]) -> Redirect:
    """After ``POST /api/session/logout``: on to the provider's end-session endpoint (the
    ID token as hint travels only in this redirect). Without the logout cookie: home."""
    url = await provider_logout_url(request.app.state.redis, request.cookies.get(LOGOUT_COOKIE))
    return Redirect(url or "/", status_code=303, cookies=[_gone(LOGOUT_COOKIE)])


@get(
    "/api/auth/login",
    opt={"public": True},
    tags=["Log ind"],
    status_code=303,
    summary="Start log ind via kommunens identitetsudbyder",
)
async def kommune_login(request: Request[Any, Any, Any], kommune: FromQuery[str] = "") -> Redirect:
    """The kommune's own OpenID Connect provider, or KOMBIT's Context Handler where the
    operator has chosen Fælleskommunal Adgangsstyring for it (``backend/auth/saml_routes``)."""
    from backend.auth import saml_login
    from backend.auth.saml_routes import start_redirect

    if await saml_login.uses_context_handler(kommune):
        return await start_redirect(request, kommune)
    try:
        client = await kommune_client(kommune)
        url, login_id = await start_login(
            request.app.state.redis,
            request.app.state.oidc,
            client,
            "kommune",
            kommune,
            base_url(request) + "/api/auth/callback",
        )
    except LoginError as exc:
        log.info("login for kommune %r refused: %s", kommune, exc)
        return _fail("/log-ind", exc.code)
    return _to_provider(request, url, login_id)


def _to_provider(request: Request[Any, Any, Any], url: str, login_id: str) -> Redirect:
    cookie = _short_cookie(LOGIN_COOKIE, login_id, STATE_TTL, is_secure(request))
    return Redirect(url, status_code=303, cookies=[cookie])


@get(
    "/api/operator/login",
    opt={"public": True},
    tags=["Drift"],
    status_code=303,
    summary="Start driftens log ind",
)
async def operator_login(request: Request[Any, Any, Any]) -> Redirect:
    try:
        client = operator_client(request.app.state.settings)
        url, login_id = await start_login(
            request.app.state.redis,
            request.app.state.oidc,
            client,
            "operator",
            None,
            base_url(request) + "/api/auth/callback",
        )
    except LoginError as exc:
        return _fail("/drift/log-ind", exc.code)
    return _to_provider(request, url, login_id)


@get(
    "/api/auth/callback",
    opt={"public": True},
    tags=["Log ind"],
    status_code=303,
    summary="Svar fra identitetsudbyderen",
)
async def callback(
    request: Request[Any, Any, Any],
    code: FromQuery[str] = "",
    oidc_state: Annotated[str, QueryParameter(name="state")] = "",
    error: FromQuery[str] = "",
) -> Redirect:
    app_state = request.app.state
    try:
        pending = await pop_state(app_state.redis, oidc_state, request.cookies.get(LOGIN_COOKIE))
    except LoginError as exc:
        log.info("callback refused (%s): %s", exc.code, exc.detail)
        LOGINS.labels("unknown", exc.code).inc()
        return _fail("/log-ind", exc.code)
    failure_page = "/drift/log-ind" if pending["realm"] == "operator" else "/log-ind"
    if error or not code:
        LOGINS.labels(pending["realm"], "afbrudt" if error else "ugyldigt-svar").inc()
        return _fail(failure_page, "afbrudt" if error else "ugyldigt-svar")
    try:
        if pending["realm"] == "operator":
            result = await finish_operator_login(
                app_state.sessions, app_state.oidc, pending, code, app_state.settings
            )
            target = "/drift"
        else:
            result = await finish_kommune_login(app_state.sessions, app_state.oidc, pending, code)
            target = "/"
    except LoginError as exc:
        log.info("login refused (%s): %s", exc.code, exc.detail)
        LOGINS.labels(pending["realm"], exc.code).inc()
        if exc.code == "ikke-oprettet" and pending["realm"] == "kommune":
            return Redirect("/ikke-oprettet", status_code=303)
        return _fail(failure_page, exc.code)
    LOGINS.labels(pending["realm"], "ok").inc()
    cookies = [session_cookie(result.token, is_secure(request)), _gone(LOGIN_COOKIE)]
    return Redirect(target, status_code=303, cookies=cookies)
