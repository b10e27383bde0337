"""Unusual prior-case lookups: counted per user and Copenhagen day in the lookup's own
transaction; past the threshold (beyond the user's registrations that day) an alert for the
kommune's administrator is raised once per user and day, and audited.

All functions run in the request's tenant transaction (queries in ``repository``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from backend.audit.service import record
from backend.core.danish import DK
from backend.core.errors import NotFound
from backend.core.principal import Principal
from backend.limits import repository as repo
from backend.limits.schemas import SecurityAlertRead

# Journal events that mean "this user registered a child, or an intake on a case"
# (backend/casework): the work a prior-case lookup serves.
REGISTRATION_EVENTS = ["sag.oprettet", "underretning.modtaget", "henvendelse.modtaget"]


async def do_count_lookup(me: Principal, threshold: int) -> None:
    """Count one prior-case lookup by ``me``; raise the day's alert when the lookups exceed
    ``threshold`` plus the registrations ``me`` made today."""
    now = datetime.now(DK)
    day = now.date()
    lookups = await repo.increment_lookups(me.user_id, day)
    if lookups <= threshold:
        return
    registrations = await repo.count_registrations(
        me.actor, REGISTRATION_EVENTS, datetime.combine(day, time(0), DK)
    )
    if lookups <= threshold + registrations:
        return
    alert = await repo.upsert_lookup_alert(me.user_id, day, lookups, registrations)
    if alert.raised:
        await record(
            me.actor,
            "security.alert_raised",
            str(alert.id),
            user=me.username,
            lookups=lookups,
            registrations=registrations,
        )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _read(row: repo.AlertRow) -> SecurityAlertRead:
    day: date = row.day
    registrations = _plural(row.registrations, "registrering", "registreringer")
    when = day.strftime("%d.%m.%Y")
    return SecurityAlertRead(
        id=row.id,
        user_id=row.user_id,
        username=row.username,
        display_name=row.display_name,
        day=day,
        lookups=row.lookups,
        registrations=row.registrations,
        raised_at=row.raised_at,
        seen_at=row.seen_at,
        seen_by=row.seen_by,
        seen_by_name=row.seen_by_name,
        title="Usædvanligt mange opslag på tidligere sager i andre kommuner",
        text=(
            f"{row.display_name} ({row.username}) slog "
            f"{_plural(row.lookups, 'CPR-nummer', 'CPR-numre')} op i andre kommuner den "
            f"{when} og lavede kun {registrations} (børn, underretninger eller henvendelser) "
            "samme dag. Undersøg, om opslagene havde et sagligt formål."
        ),
    )


async def list_alerts() -> list[SecurityAlertRead]:
    """Unseen first, newest first; at most 200."""
    return [_read(r) for r in await repo.list_alerts()]


async def do_mark_seen(alert_id: uuid.UUID, actor: str) -> SecurityAlertRead:
    """Mark the alert seen by ``actor`` (audited); :class:`NotFound` when it does not exist."""
    if not await repo.update_alert_seen(alert_id, actor):
        raise NotFound("Advarslen findes ikke")
    await record(actor, "security.alert_seen", str(alert_id))
    row = await repo.get_alert(alert_id)
    assert row is not None  # updated in this transaction just now
    return _read(row)
