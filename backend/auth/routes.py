"""Session endpoints, and the development-only login that stands in until OpenID Connect.

``POST /api/dev/login`` exists only when TREKANT_ENV is development or test: in
production the route is not registered at all (see ``backend.app.create_app``).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import JSONBody

from backend.auth.guards import current_session
from backend.auth.session import COOKIE, IDLE_SECONDS, Session, SessionStore
from backend.db import fetch_as_app
from tenancy.names import InvalidKommuneCode, check_kommune_code


class SessionRead(msgspec.Struct):
    realm: str
    display_name: str
    kommune_code: str | None
    kommune_name: str | None
    roles: list[str]
    csrf_token: str


class DevLogin(msgspec.Struct):
    kommune_code: str
    display_name: str = "Demo Sagsbehandler"


def _read(s: Session) -> SessionRead:
    return SessionRead(
        realm=s.realm,
        display_name=s.display_name,
        kommune_code=s.kommune_code,
        kommune_name=s.kommune_name,
        roles=s.roles,
        csrf_token=s.csrf_token,
    )


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


class SessionController(Controller):
    path = "/api/session"
    tags = ("Log ind",)

    @get("", summary="Den aktuelle session")
    async def me(self, request: Request[Any, Any, Any]) -> SessionRead:
        return _read(current_session(request))

    @post("/logout", summary="Log ud", status_code=200)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[None]:
        store: SessionStore = request.app.state.sessions
        await store.delete(request.cookies.get(COOKIE))
        response: Response[None] = Response(None, status_code=200)
        response.delete_cookie(COOKIE, path="/")
        return response


@post(
    "/api/dev/login",
    opt={"public": True},
    tags=["Log ind"],
    status_code=200,
    summary="Udviklingslogin (kun i udvikling og test)",
)
async def dev_login(
    request: Request[Any, Any, Any], data: JSONBody[DevLogin]
) -> Response[SessionRead]:
    try:
        code = check_kommune_code(data.kommune_code)
    except InvalidKommuneCode as exc:
        raise NotFoundException("Kommunen findes ikke") from exc
    rows = await fetch_as_app(
        "SELECT name FROM shared.tenant WHERE code = $1 AND status = 'active'", code
    )
    if not rows:
        raise NotFoundException("Kommunen findes ikke eller er ikke aktiv")
    session = Session(
        realm="kommune",
        subject=f"dev:{code}:{data.display_name}",
        display_name=data.display_name,
        kommune_code=code,
        kommune_name=rows[0]["name"],
        roles=["sagsbehandler"],
    )
    store: SessionStore = request.app.state.sessions
    token = await store.create(session)
    return Response(_read(session), cookies=[session_cookie(token, secure=False)])
