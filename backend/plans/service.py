"""The teams' activity plans (issue 17 item 7): a team's manager keeps plan templates (a
name, when to use it, items with days after the start); a caseworker of the team applies
one to a case, which copies its items into the case as own activities with computed dates
(``backend.casework.lifecycle.add_plan_activities``). Changing a plan later changes
nothing already made from it.

Who: a plan belongs to one team. Members of the team see and apply its plans; a member
with the manager's permission (``Perm.TEAM_OVERVIEW``, as the team overview decides "my
teams") adds, changes and removes them. A plan of another team is 404, as if it did not
exist.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from backend.casework import lifecycle
from backend.casework.access import AccessibleCase
from backend.core.danish import today_dk
from backend.core.errors import FieldError, FieldErrors, NotFound, StateConflict
from backend.core.principal import Principal
from backend.core.workdays import add_working_days, next_working_day
from backend.plans import repository as repo
from backend.plans.repository import ItemRow, PlanRow, TeamRow
from backend.plans.schemas import PlanItemWrite

NAME_MAX = 200
TEXT_MAX = 2000
ITEMS_MAX = 50
DAYS_MAX = 3650
DAY_KINDS = ("kalenderdage", "arbejdsdage")
START_PAST_DAYS = 90  # a plan may start from a notification received a while ago
NOT_FOUND = "Aktivitetsplanen findes ikke, eller den hører ikke til dit team"


async def my_teams(me: Principal) -> list[TeamRow]:
    return await repo.teams_of(me.user_id)


async def plans_of(teams: list[TeamRow]) -> list[PlanRow]:
    return await repo.plans_of_teams([t.id for t in teams])


def _check(name: str, note: str | None, items: list[PlanItemWrite]) -> list[ItemRow]:
    """The items as stored, or ``FieldErrors`` naming every wrong field
    (``items[2].title``)."""
    errors: list[dict[str, str]] = []

    def bad(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    if not name.strip():
        bad("name", "Giv planen et navn")
    elif len(name.strip()) > NAME_MAX:
        bad("name", f"Navnet er for langt (højst {NAME_MAX} tegn)")
    if note is not None and len(note.strip()) > TEXT_MAX:
        bad("note", "Noten er for lang (højst 2.000 tegn)")
    if not items:
        bad("items", "Tilføj mindst én aktivitet til planen")
    elif len(items) > ITEMS_MAX:
        bad("items", f"En plan kan højst have {ITEMS_MAX} aktiviteter")
    out: list[ItemRow] = []
    for n, item in enumerate(items):
        title = item.title.strip()
        if not title:
            bad(f"items[{n}].title", "Skriv hvad der skal gøres")
        elif len(title) > NAME_MAX:
            bad(f"items[{n}].title", f"Titlen er for lang (højst {NAME_MAX} tegn)")
        if not 0 <= item.days <= DAYS_MAX:
            bad(f"items[{n}].days", "Antal dage skal være mellem 0 og 3.650")
        if item.day_kind not in DAY_KINDS:
            bad(f"items[{n}].day_kind", "Vælg kalenderdage eller arbejdsdage")
        text = (item.description or "").strip() or None
        if text is not None and len(text) > TEXT_MAX:
            bad(f"items[{n}].description", "Beskrivelsen er for lang (højst 2.000 tegn)")
        out.append(ItemRow(title, item.days, item.day_kind, text))
    if errors:
        raise FieldErrors("Aktivitetsplanen mangler noget eller er ikke gyldig", errors)
    return out


async def _managed_team(me: Principal, team_id: uuid.UUID) -> TeamRow:
    team = next((t for t in await my_teams(me) if t.id == team_id), None)
    if team is None:
        raise FieldError("team_id", "Vælg et af dine egne teams")
    return team


async def _managed_plan(me: Principal, plan_id: uuid.UUID, version: int) -> PlanRow:
    teams = [t.id for t in await my_teams(me)]
    plan = await repo.get_plan(plan_id, teams, for_update=True)
    if plan is None:
        raise NotFound(NOT_FOUND)
    if plan.version != version:
        raise StateConflict(
            "Planen er ændret af en anden, siden du hentede den. Hent den igen og ret derefter."
        )
    return plan


async def do_create_plan(
    me: Principal, team_id: uuid.UUID, name: str, note: str | None, items: list[PlanItemWrite]
) -> uuid.UUID:
    team = await _managed_team(me, team_id)
    rows = _check(name, note, items)
    if await repo.name_taken(team.id, name, None):
        raise FieldError("name", "Teamet har allerede en plan med det navn")
    plan_id = await repo.insert_plan(team.id, name.strip(), (note or "").strip() or None, me.actor)
    await repo.replace_items(plan_id, rows)
    return plan_id


async def do_update_plan(
    me: Principal,
    plan_id: uuid.UUID,
    version: int,
    name: str,
    note: str | None,
    items: list[PlanItemWrite],
) -> None:
    """Save the plan as given; activities already made from it keep their copy."""
    plan = await _managed_plan(me, plan_id, version)
    rows = _check(name, note, items)
    if await repo.name_taken(plan.team_id, name, plan.id):
        raise FieldError("name", "Teamet har allerede en plan med det navn")
    await repo.update_plan(plan.id, name.strip(), (note or "").strip() or None, me.actor)
    await repo.replace_items(plan.id, rows)


async def do_retire_plan(me: Principal, plan_id: uuid.UUID, version: int) -> str:
    plan = await _managed_plan(me, plan_id, version)
    await repo.retire_plan(plan.id, me.actor)
    return plan.name


async def plan_for_case(me: Principal, plan_id: uuid.UUID) -> PlanRow:
    """A plan of one of the caller's teams (404 otherwise)."""
    teams = [t.id for t in await my_teams(me)]
    plan = await repo.get_plan(plan_id, teams)
    if plan is None:
        raise NotFound(NOT_FOUND)
    return plan


def check_start(start_on: date | None) -> date:
    today = today_dk()
    start = start_on or today
    if start < today - timedelta(days=START_PAST_DAYS):
        raise FieldError("start_on", "Startdatoen ligger mere end 90 dage tilbage")
    if start > today + timedelta(days=366):
        raise FieldError("start_on", "Startdatoen ligger mere end et år frem")
    return start


def due_dates(items: list[ItemRow], start: date, closed_days: bool) -> list[date]:
    """Each item's due day: ``days`` calendar days after ``start``, or the ``days``-th
    working day after it (0 working days: ``start``, or the next working day)."""
    out = []
    for i in items:
        if i.day_kind == "arbejdsdage":
            out.append(
                add_working_days(start, i.days, closed_days)
                if i.days
                else next_working_day(start, closed_days)
            )
        else:
            out.append(start + timedelta(days=i.days))
    return out


async def preview(
    case: AccessibleCase, plan: PlanRow, start: date
) -> tuple[list[date], list[date]]:
    """The items' due days from ``start``, and the days the plan was applied here before."""
    dues = due_dates(plan.items, start, await lifecycle.closed_days_setting())
    return dues, await lifecycle.plan_applied_on(case, plan.id)


async def do_apply(
    me: Principal, case: AccessibleCase, plan_id: uuid.UUID, version: int, start: date, again: bool
) -> list[uuid.UUID]:
    """Create the plan's activities on the case in the caller's transaction, owned by the
    caller. A plan changed since the preview, or applied here before without ``again``,
    is refused (409) with what the person must know."""
    plan = await plan_for_case(me, plan_id)
    if plan.version != version:
        raise StateConflict("Planen er ændret, siden du så den. Se forhåndsvisningen igen.")
    dues, before = await preview(case, plan, start)
    if before and not again:
        days = ", ".join(d.strftime("%d.%m.%Y") for d in before)
        raise StateConflict(
            f"Planen er allerede anvendt på sagen ({days}). Anvend den igen?",
            extra={"applied_on": [d.isoformat() for d in before]},
        )
    return await lifecycle.add_plan_activities(
        me.actor,
        me.user_id,
        case,
        plan_id=plan.id,
        plan_name=plan.name,
        plan_version=plan.version,
        items=[
            lifecycle.PlannedActivity(i.title, due, i.description)
            for i, due in zip(plan.items, dues, strict=True)
        ],
    )
