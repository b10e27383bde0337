"""Access to the authenticated session from handlers."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException

from backend.auth.session import Session


def current_session(connection: ASGIConnection) -> Session:  # type: ignore[type-arg]
    session = connection.scope.get("state", {}).get("session")
    if not isinstance(session, Session):
        raise NotAuthorizedException("Log ind for at fortsætte")
    return session
