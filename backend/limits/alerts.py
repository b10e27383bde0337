"""Unusual prior-case lookups: counted per user and Copenhagen day in the lookup's own
transaction; past the threshold (beyond the user's registrations that day) an alert for the
kommune's administrator is raised once per user and day, and audited.

All functions run in the request's tenant transaction (``current_scope()``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from backend.audit.service import record
from backend.auth.principal import Principal
from backend.core.danish import DK
from backend.limits.schemas import SecurityAlertRead
from tenancy.context import current_scope

# Journal events that mean "this user registered a child, or an intake on a case"
# (backend/casework): the work a prior-case lookup serves.
REGISTRATION_EVENTS = ["sag.oprettet", "underretning.modtaget", "henvendelse.modtaget"]


def _conn() -> Any:
    return current_scope().connection


async def do_count_lookup(me: Principal, threshold: int) -> None:
    """Count one prior-case lookup by ``me``; raise the day's alert when the lookups exceed
    ``threshold`` plus the registrations ``me`` made today."""
    now = datetime.now(DK)
    day = now.date()
    lookups: int = await _conn().fetchval(
        "INSERT INTO prior_case_lookup_day (user_id, day, lookups) VALUES ($1, $2, 1) "
        "ON CONFLICT (user_id, day) DO UPDATE SET lookups = prior_case_lookup_day.lookups + 1 "
        "RETURNING lookups",
        me.user_id,
        day,
    )
    if lookups <= threshold:
        return
    registrations: int = await _conn().fetchval(
        "SELECT count(*) FROM journal_entry WHERE author = $1 AND event = ANY($2::text[]) "
        "AND at >= $3",
        me.actor,
        REGISTRATION_EVENTS,
        datetime.combine(day, time(0), DK),
    )
    if lookups <= threshold + registrations:
        return
    row = await _conn().fetchrow(
        "INSERT INTO security_alert (kind, user_id, day, lookups, registrations) "
        "VALUES ('prior_case_lookups', $1, $2, $3, $4) "
        "ON CONFLICT (kind, user_id, day) DO UPDATE SET lookups = EXCLUDED.lookups, "
        "registrations = EXCLUDED.registrations RETURNING id, (xmax = 0) AS raised",
        me.user_id,
        day,
        lookups,
        registrations,
    )
    if row["raised"]:
        await record(
            me.actor,
            "security.alert_raised",
            str(row["id"]),
            user=me.username,
            lookups=lookups,
            registrations=registrations,
        )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _read(row: Any) -> SecurityAlertRead:
    day: date = row["day"]
    registrations = _plural(row["registrations"], "registrering", "registreringer")
    when = day.strftime("%d.%m.%Y")
    return SecurityAlertRead(
        id=row["id"],
        user_id=row["user_id"],
        username=row["username"],
        display_name=row["display_name"],
        day=day,
        lookups=row["lookups"],
        registrations=row["registrations"],
        raised_at=row["raised_at"],
        seen_at=row["seen_at"],
        seen_by=row["seen_by"],
        title="Usædvanligt mange opslag på tidligere sager i andre kommuner",
        text=(
            f"{row['display_name']} ({row['username']}) slog "
            f"{_plural(row['lookups'], 'CPR-nummer', 'CPR-numre')} op i andre kommuner den "
            f"{when} og lavede kun {registrations} (børn, underretninger eller henvendelser) "
            "samme dag. Undersøg, om opslagene havde et sagligt formål."
        ),
    )


_SELECT = (
    "SELECT a.id, a.user_id, u.username, u.display_name, a.day, a.lookups, a.registrations, "
    "a.raised_at, a.seen_at, a.seen_by FROM security_alert a JOIN app_user u ON u.id = a.user_id"
)


async def list_alerts() -> list[SecurityAlertRead]:
    """Unseen first, newest first; at most 200."""
    rows = await _conn().fetch(
        f"{_SELECT} ORDER BY a.seen_at IS NOT NULL, a.raised_at DESC LIMIT 200"
    )
    return [_read(r) for r in rows]


async def do_mark_seen(alert_id: uuid.UUID, actor: str) -> SecurityAlertRead | None:
    """Mark the alert seen by ``actor`` (audited); None when it does not exist."""
    updated = await _conn().fetchval(
        "UPDATE security_alert SET seen_at = coalesce(seen_at, now()), "
        "seen_by = coalesce(seen_by, $2) WHERE id = $1 RETURNING id",
        alert_id,
        actor,
    )
    if updated is None:
        return None
    await record(actor, "security.alert_seen", str(alert_id))
    row = await _conn().fetchrow(f"{_SELECT} WHERE a.id = $1", alert_id)
    return _read(row)
