"""The authenticated user of a request, with current roles, and the permission guard."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException

from backend.core.permissions import Perm, permissions_for
from backend.core.principal import Principal as Principal
from backend.core.principal import current_principal as current_principal


async def load_principal(conn: Any, user_id: str, kommune_code: str) -> Principal | None:
    """The active user with current roles, read in the open tenant transaction."""
    row = await conn.fetchrow(
        "SELECT u.id, u.username, u.display_name, "
        "coalesce(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}') "
        "AS roles FROM app_user u LEFT JOIN user_role r ON r.user_id = u.id "
        "WHERE u.id = $1 AND u.active GROUP BY u.id",
        uuid.UUID(user_id),
    )
    if row is None:
        return None
    roles = tuple(row["roles"])
    return Principal(
        user_id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        kommune_code=kommune_code,
        roles=roles,
        permissions=permissions_for(roles),
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
