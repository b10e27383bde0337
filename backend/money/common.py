"""What the money package shares: the connection of the open tenant transaction, its error
types, Danish amounts, the catalogue journal and the guard for "any of these rights"."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException

from backend.auth.principal import current_principal
from backend.casework.service import CaseError, Stale, named
from backend.core.danish import kroner
from backend.core.permissions import Perm
from tenancy.context import current_scope

__all__ = [
    "CaseError",
    "MoneyConflict",
    "Stale",
    "conn",
    "fmt_date",
    "fmt_kr",
    "journal",
    "named",
    "requires_any",
]


class MoneyConflict(Exception):
    """The request is valid but the state does not allow it (409), e.g. a submitted draft
    that can no longer be edited, or a price update that a later one depends on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(Exception):
    """The user may not do this to this record (403), e.g. approving one's own draft."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def conn() -> Any:
    return current_scope().connection


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
    await conn().execute(
        "INSERT INTO catalogue_event (actor, entity, entity_id, action, title, detail) "
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
        actor,
        entity,
        entity_id,
        action,
        title,
        json.dumps(detail, default=str, ensure_ascii=False),
    )


def requires_any(*perms: Perm) -> Callable[[ASGIConnection[Any, Any, Any, Any], Any], None]:
    """Guard: the kommune user must hold at least one of ``perms``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
        principal = current_principal(connection)
        if not any(p in principal.permissions for p in perms):
            raise PermissionDeniedException("Du har ikke rettighed til dette")

    return guard
