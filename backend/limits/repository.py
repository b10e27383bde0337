"""The prior-case lookup counter and the security alerts, in the open tenant transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn


class AlertRow(msgspec.Struct, frozen=True):
    """A security alert with the name of the user it is about."""

    id: uuid.UUID
    user_id: uuid.UUID
    username: str
    display_name: str
    day: date
    lookups: int
    registrations: int
    raised_at: datetime
    seen_at: datetime | None
    seen_by: str | None
    seen_by_name: str | None = None  # the administrator's name, where the user is known


class RaisedAlert(msgspec.Struct, frozen=True):
    id: uuid.UUID
    raised: bool  # new now (False: the day's alert was there and is brought up to date)


async def increment_lookups(user_id: uuid.UUID, day: date) -> int:
    """Count one lookup by the user on ``day``; the day's count after it."""
    lookups: int = await conn().fetchval(
        "INSERT INTO prior_case_lookup_day (user_id, day, lookups) VALUES ($1, $2, 1) "
        "ON CONFLICT (user_id, day) DO UPDATE SET lookups = prior_case_lookup_day.lookups + 1 "
        "RETURNING lookups",
        user_id,
        day,
    )
    return lookups


async def count_registrations(author: str, events: list[str], since: datetime) -> int:
    """The journal events of these kinds ``author`` wrote since ``since``."""
    registrations: int = await conn().fetchval(
        "SELECT count(*) FROM journal_entry WHERE author = $1 AND event = ANY($2::text[]) "
        "AND at >= $3",
        author,
        events,
        since,
    )
    return registrations


async def upsert_lookup_alert(
    user_id: uuid.UUID, day: date, lookups: int, registrations: int
) -> RaisedAlert:
    """The user's prior-case-lookup alert for ``day``, raised or brought up to date."""
    row = await conn().fetchrow(
        "INSERT INTO security_alert (kind, user_id, day, lookups, registrations) "
        "VALUES ('prior_case_lookups', $1, $2, $3, $4) "
        "ON CONFLICT (kind, user_id, day) DO UPDATE SET lookups = EXCLUDED.lookups, "
        "registrations = EXCLUDED.registrations RETURNING id, (xmax = 0) AS raised",
        user_id,
        day,
        lookups,
        registrations,
    )
    return RaisedAlert(row["id"], row["raised"])


_SELECT = (
    "SELECT a.id, a.user_id, u.username, u.display_name, a.day, a.lookups, a.registrations, "
    "a.raised_at, a.seen_at, a.seen_by, "
    "(SELECT s.display_name FROM app_user s WHERE s.username = a.seen_by) AS seen_by_name "
    "FROM security_alert a JOIN app_user u ON u.id = a.user_id"
)


def _alert(row: Any) -> AlertRow:
    return msgspec.convert(dict(row), AlertRow)


async def list_alerts() -> list[AlertRow]:
    """Unseen first, newest first; at most 200."""
    rows = await conn().fetch(
        f"{_SELECT} ORDER BY a.seen_at IS NOT NULL, a.raised_at DESC LIMIT 200"
    )
    return [_alert(r) for r in rows]


async def get_alert(alert_id: uuid.UUID) -> AlertRow | None:
    row = await conn().fetchrow(f"{_SELECT} WHERE a.id = $1", alert_id)
    return None if row is None else _alert(row)


async def update_alert_seen(alert_id: uuid.UUID, actor: str) -> bool:
    """Mark the alert seen by ``actor`` (the first time only); False when there is none."""
    updated = await conn().fetchval(
        "UPDATE security_alert SET seen_at = coalesce(seen_at, now()), "
        "seen_by = coalesce(seen_by, $2) WHERE id = $1 RETURNING id",
        alert_id,
        actor,
    )
    return updated is not None
