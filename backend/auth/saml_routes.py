"""The SAML endpoints of Fælleskommunal Adgangsstyring, per kommune.

``GET /api/auth/saml/{code}/login`` (also reached from ``/api/auth/login?kommune=`` when the
kommune uses the Context Handler) sends the browser to the Context Handler with a signed
AuthnRequest; the Context Handler POSTs its response to ``/api/auth/saml/{code}/acs``,
which lands on ``/`` with a session, or on ``/log-ind?fejl=<code>`` where the PWA explains
the refusal in Danish. ``/api/auth/saml/{code}/slo`` is the single-logout endpoint
(``backend/auth/saml_logout.py``). ``/api/auth/saml/{code}/metadata`` is the kommune's SP
metadata (its entity id) for registration with KOMBIT; ``/api/auth/saml/brugersystemroller`` lists
Trekant's roles for registration in Fælleskommunalt Administrationsmodul.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath
from litestar.response import Redirect

from backend.auth import saml, saml_login, saml_logout
from backend.auth.routes import (
    AUTH_PATH,
    LOGIN_COOKIE,
    SLO_COOKIE,
    _fail,
    _gone,
    base_url,
    is_secure,
    session_cookie,
)
from backend.auth.service import STATE_TTL, LoginError
from backend.observability.metrics import LOGINS
from tenancy.names import check_kommune_code

log = logging.getLogger("trekant.auth.saml")


class UserSystemRole(msgspec.Struct):
    """A brugersystemrolle as registered in Fælleskommunalt Administrationsmodul."""

    entity_id: str
    role: str
    name: str
    description: str
    constraints: list[str]


class AcsForm(msgspec.Struct):
    SAMLResponse: str = ""
    RelayState: str = ""


def _login_cookie(login_id: str, secure: bool) -> Cookie:
    """The browser binding of a SAML login. The Context Handler POSTs the response from its
    own site, so over https the cookie must be SameSite=None to come along (Secure); over
    plain http (development only) Lax, which same-site development addresses send."""
    return Cookie(
        key=LOGIN_COOKIE,
        value=login_id,
        httponly=True,
        samesite="none" if secure else "lax",
        secure=secure,
        path=AUTH_PATH,
        max_age=STATE_TTL,
    )


async def start_redirect(request: Request[Any, Any, Any], code: str) -> Redirect:
    """Send the browser to the Context Handler for kommune ``code`` (or to the login page
    with the reason)."""
    try:
        url, login_id = await saml_login.start(request.app.state.redis, code, base_url(request))
    except LoginError as exc:
        log.info("context handler login for %r refused: %s", code, exc)
        return _fail("/log-ind", exc.code)
    return Redirect(url, status_code=303, cookies=[_login_cookie(login_id, is_secure(request))])


@get(
    "/api/auth/saml/{code:str}/login",
    opt={"public": True},
    tags=["Log ind"],
    status_code=303,
    summary="Start log ind via Fælleskommunal Adgangsstyring",
)
async def saml_start(request: Request[Any, Any, Any], code: FromPath[str]) -> Redirect:
    return await start_redirect(request, code)


@post(
    "/api/auth/saml/{code:str}/acs",
    opt={"public": True},
    tags=["Log ind"],
    status_code=303,
    summary="Svar fra Context Handleren (SAML, HTTP-POST)",
    request_max_body_size=saml.MAX_RESPONSE_BYTES * 2,
)
async def saml_acs(
    request: Request[Any, Any, Any],
    code: FromPath[str],
    data: Annotated[AcsForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    app_state = request.app.state
    try:
        result = await saml_login.finish(
            app_state.sessions,
            app_state.redis,
            code,
            base_url(request),
            data.SAMLResponse,
            request.cookies.get(LOGIN_COOKIE),
        )
    except LoginError as exc:
        LOGINS.labels("kommune", exc.code).inc()
        if exc.code == "ikke-oprettet":
            return Redirect("/ikke-oprettet", status_code=303)
        return _fail("/log-ind", exc.code)
    LOGINS.labels("kommune", "ok").inc()
    cookies = [session_cookie(result.token, is_secure(request)), _gone(LOGIN_COOKIE)]
    return Redirect("/", status_code=303, cookies=cookies)


@get(
    "/api/auth/saml/{code:str}/slo",
    opt={"public": True},
    tags=["Log ind"],
    status_code=303,
    summary="Single logout med Context Handleren (SAML, HTTP-Redirect)",
    responses={400: ResponseSpec(None, description="Log ud-anmodningen kan ikke godkendes")},
)
async def saml_slo(request: Request[Any, Any, Any], code: FromPath[str]) -> Response[Any]:
    """The Context Handler's LogoutResponse to Trekant's LogoutRequest (lands on the
    logged-out page), or its own LogoutRequest (the person logged out elsewhere: their
    Trekant sessions end, and the answer is a signed LogoutResponse)."""
    app_state = request.app.state
    query = request.scope.get("query_string", b"").decode("ascii", "replace")
    has = {part.partition("=")[0] for part in query.split("&")}
    if "SAMLRequest" in has:
        try:
            url = await saml_logout.remote_logout(
                app_state.sessions, app_state.redis, code, base_url(request), query
            )
        except (saml.SamlRefused, LoginError):
            return Response(
                "Log ud-anmodningen fra Fælleskommunal Adgangsstyring kan ikke godkendes",
                status_code=400,
                media_type="text/plain; charset=utf-8",
            )
        return Redirect(url, status_code=303)
    if "SAMLResponse" in has:
        target = await saml_logout.finish_logout(
            app_state.redis, code, base_url(request), query, request.cookies.get(SLO_COOKIE)
        )
        return Redirect(target, status_code=303, cookies=[_gone(SLO_COOKIE)])
    return Redirect("/", status_code=303)


@get(
    "/api/auth/saml/{code:str}/metadata",
    opt={"public": True},
    tags=["Log ind"],
    summary="Kommunens SAML-metadata (tjenesteudbyder) til KOMBIT",
    media_type="application/samlmetadata+xml",
)
async def saml_metadata(request: Request[Any, Any, Any], code: FromPath[str]) -> Response[str]:
    try:
        check_kommune_code(code)
        if not await saml_login.uses_context_handler(code):
            raise ValueError("not a context handler kommune")
        body = saml.sp_metadata(code, base_url(request))
    except (ValueError, saml.SamlUnavailable):
        return Response(
            "Kommunen bruger ikke Fælleskommunal Adgangsstyring",
            status_code=404,
            media_type="text/plain; charset=utf-8",
        )
    return Response(body, media_type="application/samlmetadata+xml")


@get(
    "/api/auth/saml/brugersystemroller",
    opt={"public": True},
    tags=["Log ind"],
    summary="Trekants brugersystemroller til Fælleskommunalt Administrationsmodul",
)
async def user_system_roles() -> list[UserSystemRole]:
    return [
        UserSystemRole(
            entity_id=saml.role_entity_id(role),
            role=role,
            name=name,
            description=description,
            constraints=[saml.CONSTRAINT_KLE, saml.CONSTRAINT_ORG],
        )
        for role, (name, description) in saml.USER_SYSTEM_ROLES.items()
    ]
