"""What the money package shares: Danish amounts and dates, the catalogue journal and the
guard for "any of these rights".
The errors are the core's (``backend.core.errors``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException

from backend.core.danish import kroner
from backend.core.permissions import Perm
from backend.core.principal import current_principal
from backend.money import repository as repo

__all__ = [
    "fmt_date",
    "fmt_kr",
    "journal",
    "requires_any",
]


def fmt_kr(oere: int | None) -> str:
    """Øre as Danish kroner: 123456 -> '1.234,56 kr.'"""
    return "–" if oere is None else kroner(oere)


def fmt_date(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


async def journal(
    actor: str,
    entity: str,
    entity_id: uuid.UUID | None,
    action: str,
    title: str,
    **detail: Any,
) -> None:
    """Append a change of the catalogue, a price or the settings to ``catalogue_event``."""
    await repo.insert_catalogue_event(actor, entity, entity_id, action, title, detail)


def requires_any(
    *perms: Perm,
) -> Callable[[ASGIConnection[Any, Any, Any, Any], Any], Awaitable[None]]:
    """Guard: the kommune user must hold at least one of ``perms``."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
        principal = current_principal(connection)
        if not any(p in principal.permissions for p in perms):
            raise PermissionDeniedException("Du har ikke rettighed til dette")

    # read by backend.auth.principal.admin_only_route (the data restrictions' exemption)
    guard.perms = frozenset(perms)  # type: ignore[attr-defined]
    return guard
