"""A placed child's supervision and contact (Barnets Lov § 156, stk. 5; §§ 103-105).

Supervision visits are casework's activities (``backend/casework/supervision.py`` plans
and records them); this package shows them with the case's placements, and keeps the
kommune's decisions on the child's contact with parents and network (``contact_decision``):
each with a review date that becomes an activity ("Revurdér samværet med …") on the
worklist. Changing a decision writes a new one that replaces it: the old stays in the
history, its review activity is completed by the change, and the new one gets its own.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from backend.casework import lifecycle
from backend.casework.rules import CONTACT_REVIEW_RULE, DK, today_dk
from backend.core.errors import CaseClosed, FieldErrors, NotFound, StateConflict
from backend.core.journal import stamp
from backend.core.workdays import add_months
from backend.placement import repository as repo
from backend.placement.repository import ContactRow, PersonRow
from backend.placement.schemas import CONTACT_FORMS, ContactDecisionCreate

if TYPE_CHECKING:
    from backend.casework.access import AccessibleCase

# The law (§§ 104-105) sets no review interval for the kommune's own decisions on contact
# (the committee's restrictions under § 105 last "for en bestemt periode"): the caseworker
# chooses the review date; 6 months after the decision is the default offered.
REVIEW_MONTHS = 6
CONTACT_BASIS = (
    "Barnets Lov §§ 103-104: barnets ret til samvær og kontakt under anbringelsen; "
    "kommunalbestyrelsen træffer om fornødent afgørelse om omfang og udøvelse. Afbrydelse "
    "eller overvåget samvær besluttes af børne- og ungeudvalget for en bestemt periode "
    "(§ 105). Loven fastsætter ingen fast revurderingsfrist; datoen vælges i afgørelsen."
)
RELATIONS = {
    "mor": "Mor",
    "far": "Far",
    "forælder": "Forælder",
    "søskende": "Søskende",
    "bedsteforælder": "Bedsteforælder",
    "anden_familie": "Familie",
    "netværk": "Netværk",
    "plejefamilie": "Plejefamilie",
}
FREQUENCY_MAX = 200
RESTRICTIONS_MAX = 4000

# What the place says about supervision (the activities carry the rule's short citation).
SUPERVISION_BASIS = (
    "Barnets Lov § 156, stk. 5: mindst to årlige tilsynsbesøg på anbringelsesstedet, hvor "
    "kommunen taler med barnet, så vidt muligt uden ansatte fra anbringelsesstedet. Trekant "
    "planlægger et besøg 6 måneder efter anbringelsens start og derefter 6 måneder efter "
    "hvert besøg."
)


def relation_label(relation: str) -> str:
    return RELATIONS.get(relation, "Netværk")


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


async def _case(case_id: AccessibleCase) -> tuple[uuid.UUID, bool]:
    """The case's child and whether the case is open."""
    state = await lifecycle.transfer_state(case_id)
    if state is None:
        raise NotFound("Sagen findes ikke, eller du er ikke på sagen")
    return state.child_id, state.closed_at is None and state.transfer_id is None


async def people(case_id: AccessibleCase) -> list[PersonRow]:
    child_id, _ = await _case(case_id)
    return await repo.list_people(child_id)


async def decisions(case_id: AccessibleCase) -> list[ContactRow]:
    return await repo.list_decisions(case_id)


async def _check(
    case_id: AccessibleCase, data: ContactDecisionCreate
) -> tuple[PersonRow, date, date, str, str | None]:
    """The decision's person, dates and texts, or every wrong field at once (400)."""
    child_id, open_ = await _case(case_id)
    if not open_:
        raise CaseClosed("Sagen er lukket. Der kan ikke registreres afgørelser på en lukket sag.")
    if not any(p.ends_on is None for p in await lifecycle.placements_of(case_id)):
        raise StateConflict(
            "Barnet er ikke anbragt. Afgørelser om samvær og kontakt registreres under en "
            "anbringelse."
        )
    errors: list[dict[str, str]] = []

    def bad(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    person = None
    if data.network_member_id is None:
        bad("network_member_id", "Vælg hvem samværet eller kontakten er med")
    else:
        person = await repo.get_person(child_id, data.network_member_id)
        if person is None:
            bad("network_member_id", "Vælg en forælder eller en person fra barnets netværk")
    if data.form not in CONTACT_FORMS:
        bad("form", "Vælg formen for samværet eller kontakten")
    frequency = data.frequency.strip()
    if not frequency:
        bad("frequency", "Skriv hvor ofte, fx „hver anden weekend“")
    elif len(frequency) > FREQUENCY_MAX:
        bad("frequency", f"Teksten er for lang (højst {FREQUENCY_MAX} tegn)")
    restrictions = (data.restrictions or "").strip() or None
    if restrictions and len(restrictions) > RESTRICTIONS_MAX:
        bad("restrictions", "Teksten er for lang (højst 4.000 tegn)")
    today = today_dk()
    decided = data.decided_on
    review = data.review_on
    if decided is None:
        bad("decided_on", "Angiv afgørelsens dato")
    elif decided > today:
        bad("decided_on", "Afgørelsens dato ligger i fremtiden")
    else:
        review = review or add_months(decided, REVIEW_MONTHS)
        if review <= decided:
            bad("review_on", "Revurderingen skal ligge efter afgørelsens dato")
        elif review < today:
            bad("review_on", "Revurderingsdatoen ligger i fortiden. Vælg i dag eller senere.")
        elif (review - today).days > 3 * 366:
            bad("review_on", "Revurderingen skal ligge inden for tre år")
    if errors:
        raise FieldErrors("Afgørelsen mangler noget eller er ikke gyldig", errors)
    assert person is not None and decided is not None and review is not None
    return person, decided, review, frequency, restrictions


async def _write(
    actor: str,
    case_id: AccessibleCase,
    data: ContactDecisionCreate,
    checked: tuple[PersonRow, date, date, str, str | None],
    replaces: ContactRow | None,
) -> uuid.UUID:
    person, decided, review, frequency, restrictions = checked
    relation = relation_label(person.relation)
    decision_id = await repo.insert_decision(
        case_id,
        person,
        relation,
        data.form,
        frequency,
        restrictions,
        decided,
        review,
        replaces.id if replaces else None,
        actor,
    )
    lines = [
        f"Med: {person.name} ({relation.lower()})",
        f"Form: {CONTACT_FORMS[data.form]}",
        f"Hyppighed: {frequency}",
        f"Afgørelsens dato: {_fmt(decided)}",
        f"Revurderes senest: {_fmt(review)}",
    ]
    if restrictions:
        lines.append(f"Begrænsninger og vilkår:\n{restrictions}")
    what = "ændret" if replaces else "truffet"
    await stamp(
        case_id,
        actor,
        "samvaer.afgoerelse",
        f"Afgørelse om samvær og kontakt {what}: {person.name}",
        "\n".join(lines),
    )
    title = f"Revurdér samværet med {person.name}"
    await lifecycle.add_activity(
        case_id,
        rule_id=CONTACT_REVIEW_RULE,
        title=title,
        basis=CONTACT_BASIS,
        owner_id=await lifecycle.caseworker_of(case_id),
        due_at=datetime.combine(review, time(23, 59, 59), tzinfo=DK),
        concerns="samvaer",
        concerns_id=decision_id,
    )
    await stamp(case_id, actor, "aktivitet.oprettet", f"Aktivitet: {title} – frist {_fmt(review)}")
    return decision_id


async def do_add_decision(
    actor: str, case_id: AccessibleCase, data: ContactDecisionCreate
) -> uuid.UUID:
    """Register a decision on contact and its review activity, journalled (one transaction:
    nothing is written when a field is wrong)."""
    checked = await _check(case_id, data)
    return await _write(actor, case_id, data, checked, None)


async def do_change_decision(
    actor: str, case_id: AccessibleCase, decision_id: uuid.UUID, data: ContactDecisionCreate
) -> uuid.UUID:
    """Replace a decision in force with a new one: the old stays in the history, its open
    review is completed by the change, the new decision gets its own review."""
    old = await repo.lock_decision(decision_id, case_id)
    if old is None:
        raise NotFound("Afgørelsen findes ikke på sagen")
    if old.replaced_at is not None:
        raise StateConflict(
            f"Afgørelsen er allerede ændret af {old.replaced_by or 'en anden'}. Hent siden igen."
        )
    checked = await _check(case_id, data)
    await repo.update_replaced(old.id, actor)
    done = await lifecycle.complete_activities_about(CONTACT_REVIEW_RULE, old.id, actor)
    for _, title in done:
        await stamp(case_id, actor, "aktivitet.udfoert", f"Udført: {title}", "Afgørelsen er ændret")
    return await _write(actor, case_id, data, checked, old)


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await repo.delete_case_rows(case)
