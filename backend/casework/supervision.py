"""Personrettet tilsyn (Barnets Lov § 156, stk. 5): each placed child is visited at least
twice a year, with a conversation with the child as far as possible without the
placement's staff.

When a placement measure starts, ``lifecycle.start_measure`` plans the first visit (rule
``tilsynsbesoeg``, 6 months from the start). A visit is recorded by completing that
activity with the rule's form (``rules.SUPERVISION_VISIT``: date, place, who, the
conversation alone or why not, what the child said, observations, follow-up); then
:func:`after_visit` plans the next one 6 months after the visit's date (while the placement
runs) and, if the caseworker set a follow-up date, an activity for the follow-up. A visit
recorded late is still recorded; the next one counts from the visit's own date, so an
overdue plan shows as overdue on the worklist and in management information.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from backend.casework import repository as repo
from backend.casework.lifecycle import create_activities
from backend.casework.own import end_of
from backend.casework.repositories import placement as prepo
from backend.casework.repository import LockedActivity, OwnActivity
from backend.casework.rules import SUPERVISION_MONTHS, Facts, Trigger, rules_for
from backend.core.journal import stamp
from backend.core.workdays import add_months

FOLLOW_UP_TITLE = "Opfølgning på tilsynsbesøg"


async def after_visit(
    actor: str,
    activity_id: uuid.UUID,
    row: LockedActivity,
    record: dict[str, str | bool],
) -> list[uuid.UUID]:
    """Plan what follows a recorded visit (the caller's transaction): the next visit while
    the placement runs, and the follow-up activity if a date was set. Returns the new
    activities."""
    created: list[uuid.UUID] = []
    visited = date.fromisoformat(str(record["dato"]))
    indsats_id = await prepo.get_activity_indsats(activity_id)
    if indsats_id is not None and await prepo.placement_running(indsats_id):
        created += await create_activities(
            rules_for(Trigger.TILSYNSBESOEG_HOLDT),
            Facts(at=datetime.now(UTC), planned=add_months(visited, SUPERVISION_MONTHS)),
            row.hovedsag_id,
            row.enkeltsag_id,
            row.owner_id,
            actor,
            ("indsats", indsats_id),
            due_reason=f"{SUPERVISION_MONTHS} måneder efter tilsynsbesøget "
            f"{visited.strftime('%d.%m.%Y')}",
        )
    follow_up = record.get("opfoelgning_frist")
    if isinstance(follow_up, str) and row.owner_id is not None:
        due = date.fromisoformat(follow_up)
        text = str(record.get("opfoelgning") or "").strip() or None
        created += await repo.insert_own_activities(
            row.hovedsag_id,
            [OwnActivity(FOLLOW_UP_TITLE, end_of(due), text, row.owner_id, row.enkeltsag_id)],
            actor,
        )
        body = f"Frist: {due.strftime('%d.%m.%Y')}" + (f"\n\n{text}" if text else "")
        await stamp(
            row.hovedsag_id,
            actor,
            "aktivitet.oprettet",
            f"Aktivitet oprettet: {FOLLOW_UP_TITLE}",
            body,
            row.enkeltsag_id,
        )
    return created
