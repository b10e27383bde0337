"""The authenticated user of a request, with current roles, and the permission guard."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException

from backend.auth.repository import get_active_user, set_case_scope
from backend.auth.session import CachedPrincipal
from backend.core.permissions import Perm, permissions_for
from backend.core.principal import Principal, current_principal
from backend.core.scope import ADMIN_PERMS, restrictions_of


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
        restrictions=restrictions_of(user.constraints),
    )


def cache_entry(principal: Principal) -> CachedPrincipal:
    """What the session keeps of ``principal`` (permissions follow from the roles)."""
    return CachedPrincipal(
        str(principal.user_id),
        principal.username,
        principal.display_name,
        principal.roles,
        principal.restrictions,
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
        restrictions=cached.restrictions,
    )


def requires(*perms: Perm) -> Callable[[ASGIConnection[Any, Any, Any, Any], Any], Awaitable[None]]:
    """Guard: the kommune user must hold every one of ``perms``. A coroutine: Litestar runs a
    plain function guard in its thread pool (a hand-off and a wake-up per request, about 4 %
    of the API's CPU in the request mix), a coroutine in the request's own task."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
        principal = current_principal(connection)
        missing = [p for p in perms if p not in principal.permissions]
        if missing:
            raise PermissionDeniedException("Du har ikke rettighed til dette")

    guard.perms = frozenset(perms)  # type: ignore[attr-defined]  # read by admin_only_route
    return guard


def admin_only_route(route_handler: Any) -> bool:
    """Whether the route needs one of the administrator's permissions (users, audit,
    reporting) and no other: it runs without the case scope, because the administrator role
    reads no case and its restrictions are not the caseworker roles' (backend/core/scope.py)."""
    if route_handler is None:
        return False
    perms: set[Perm] = set()
    for guard in route_handler.resolve_guards():
        perms |= getattr(guard, "perms", set())
    return bool(perms) and perms <= ADMIN_PERMS


async def requires_operator(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
    session = connection.scope.get("state", {}).get("session")
    if session is None or session.realm != "operator":
        raise PermissionDeniedException("Kun for driften")


async def apply_case_scope(conn: Any, principal: Principal, route_handler: Any) -> bool:
    """Give the request's tenant transaction ``principal``'s data restrictions, if any and
    the route is not the administrator's; whether it did."""
    found = principal.case_scope
    if found is None or admin_only_route(route_handler):
        return False
    await set_case_scope(
        conn, principal.user_id, list(found.wide_units), list(found.own_units), found.own_anywhere
    )
    return True
