"""The authenticated user of a request, with current roles, and the permission guard."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException

from backend.auth.repository import get_active_user
from backend.auth.session import CachedPrincipal
from backend.core.permissions import Perm, permissions_for
from backend.core.principal import Principal, current_principal


async def load_principal(conn: Any, user_id: str, kommune_code: str) -> Principal | None:
    """The active user with current roles, read in the open tenant transaction."""
    user = await get_active_user(conn, uuid.UUID(user_id))
    if user is None:
        return None
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        kommune_code=kommune_code,
        roles=user.roles,
        permissions=permissions_for(user.roles),
    )


def cache_entry(principal: Principal) -> CachedPrincipal:
    """What the session keeps of ``principal`` (permissions follow from the roles)."""
    return CachedPrincipal(
        str(principal.user_id), principal.username, principal.display_name, principal.roles
    )


def principal_from_cache(cached: CachedPrincipal, kommune_code: str) -> Principal:
    """The principal of a session's fresh cache entry (``SessionStore.load_with_principal``)."""
    return Principal(
        user_id=uuid.UUID(cached.user_id),
        username=cached.username,
        display_name=cached.display_name,
        kommune_code=kommune_code,
        roles=cached.roles,
        permissions=permissions_for(cached.roles),
    )


def requires(*perms: Perm) -> Callable[[ASGIConnection[Any, Any, Any, Any], Any], None]:
    """Guard: the kommune user must hold every one of ``perms``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
        principal = current_principal(connection)
        missing = [p for p in perms if p not in principal.permissions]
        if missing:
            raise PermissionDeniedException("Du har ikke rettighed til dette")

    return guard


def requires_operator(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
    session = connection.scope.get("state", {}).get("session")
    if session is None or session.realm != "operator":
        raise PermissionDeniedException("Kun for driften")
