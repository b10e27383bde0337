"""The caseworker's own activities (issue 17 item 7): an activity with a title, a due date
and an optional description that the caseworker adds to a case, or that a team's activity
plan adds (``backend/plans`` applies a plan through :func:`add_plan_activities`).

An own activity is an ``activity`` row with rule ``egen`` (``rules.OWN_RULE``): on the
worklist in its deadline group, "Egen aktivitet" in the type filter, completed with
"Udført" and an optional note, cancelled with a reason, journalled, carried in a transfer
and counted wherever activities are counted, like every other activity. Its text is a
copy: changing the plan it came from changes nothing here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from backend.casework import repository as repo
from backend.casework.repository import OwnActivity, OwnerOption
from backend.casework.rules import DK, today_dk
from backend.core.danish import plural
from backend.core.errors import CaseClosed, FieldErrors, NotFound
from backend.core.journal import stamp

if TYPE_CHECKING:
    from backend.casework.access import AccessibleCase

TITLE_MAX = 200
DESCRIPTION_MAX = 2000


def end_of(day: date) -> datetime:
    """The last second of ``day`` in Copenhagen: an own activity is due by the day's end."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=DK)


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


async def _check_open(case_id: uuid.UUID) -> None:
    state = await repo.get_case_state(case_id)
    if state is None:
        raise NotFound("Sagen findes ikke, eller du er ikke på sagen")
    if state.transferred_to is not None or state.closed_at is not None:
        raise CaseClosed("Sagen er lukket. Der kan ikke oprettes aktiviteter på en lukket sag.")


async def owners(user_id: uuid.UUID) -> list[OwnerOption]:
    """Whom ``user_id`` may give an activity: themselves first, then their teams' members."""
    return await repo.activity_owners(user_id)


async def do_add_own_activity(
    actor: str,
    actor_id: uuid.UUID,
    case_id: AccessibleCase,
    *,
    title: str,
    due_on: date | None,
    description: str | None,
    enkeltsag_id: uuid.UUID | None,
    owner_id: uuid.UUID | None,
) -> uuid.UUID:
    """Add one own activity to the case, journalled ("Aktivitet oprettet: …"). Every wrong
    field is named at once (400); nothing is written then."""
    await _check_open(case_id)
    errors: list[dict[str, str]] = []
    title = title.strip()
    text = (description or "").strip() or None
    if not title:
        errors.append({"key": "title", "message": "Skriv hvad der skal gøres"})
    elif len(title) > TITLE_MAX:
        errors.append({"key": "title", "message": f"Titlen er for lang (højst {TITLE_MAX} tegn)"})
    if due_on is None:
        errors.append({"key": "due_on", "message": "Vælg en frist"})
    elif due_on < today_dk():
        errors.append(
            {"key": "due_on", "message": "Fristen ligger i fortiden. Vælg i dag eller senere."}
        )
    if text is not None and len(text) > DESCRIPTION_MAX:
        errors.append(
            {
                "key": "description",
                "message": f"Beskrivelsen er for lang (højst {DESCRIPTION_MAX:_} tegn)".replace(
                    "_", "."
                ),
            }
        )
    if enkeltsag_id is not None and not await repo.enkeltsag_in_case(case_id, enkeltsag_id):
        errors.append({"key": "enkeltsag_id", "message": "Vælg en enkeltsag på denne sag"})
    candidates = await owners(actor_id)
    owner = next((o for o in candidates if o.user_id == (owner_id or actor_id)), None)
    if owner is None:
        errors.append({"key": "owner_id", "message": "Vælg dig selv eller en kollega fra dit team"})
    if errors:
        raise FieldErrors("Aktiviteten mangler noget eller er ikke gyldig", errors)
    assert due_on is not None and owner is not None
    [activity_id] = await repo.insert_own_activities(
        case_id,
        [OwnActivity(title, end_of(due_on), text, owner.user_id, enkeltsag_id)],
        actor,
    )
    body = f"Frist: {_fmt(due_on)}\nAnsvarlig: {owner.name}"
    if text:
        body += f"\n\n{text}"
    await stamp(
        case_id, actor, "aktivitet.oprettet", f"Aktivitet oprettet: {title}", body, enkeltsag_id
    )
    return activity_id


@dataclass(frozen=True)
class PlannedActivity:
    """One item of an activity plan with its computed due day."""

    title: str
    due_on: date
    description: str | None


async def add_plan_activities(
    actor: str,
    owner_id: uuid.UUID,
    case_id: AccessibleCase,
    *,
    plan_id: uuid.UUID,
    plan_name: str,
    plan_version: int,
    items: list[PlannedActivity],
) -> list[uuid.UUID]:
    """Add a team plan's activities to the case in the caller's transaction, owned by
    ``owner_id``, journalled once ("Aktivitetsplan anvendt: <navn> (N aktiviteter)")."""
    await _check_open(case_id)
    ids = await repo.insert_own_activities(
        case_id,
        [OwnActivity(i.title, end_of(i.due_on), i.description, owner_id) for i in items],
        actor,
        (plan_id, plan_name, plan_version),
    )
    n = len(items)
    body = "\n".join(f"{_fmt(i.due_on)}: {i.title}" for i in items)
    await stamp(
        case_id,
        actor,
        "aktivitetsplan.anvendt",
        f"Aktivitetsplan anvendt: {plan_name} ({plural(n, 'aktivitet', 'aktiviteter')})",
        body,
    )
    return ids


async def plan_applied_on(case_id: AccessibleCase, plan_id: uuid.UUID) -> list[date]:
    """The days plan ``plan_id`` was applied to the case before (empty: never)."""
    return await repo.plan_applied_on(case_id, plan_id)
