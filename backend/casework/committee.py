"""Placement without consent (Barnets Lov § 47) by børne- og ungeudvalget.

A caseworker cannot decide § 47 (``process.do_decide`` refuses it). Instead they prepare an
*indstilling* to the committee: the proposed placement and the reasons, the date of the
committee's meeting, and the offers of free legal counsel and access to the file to the
custody holders and to the child from 10 years. The meeting's decision is recorded only
when barnets plan, the child conversation, the hearing and the offers are done (409 naming
what is missing); it is made through the case core's decision machinery
(``process.do_decide(..., by_committee=True)``), so the placement, its supervision visits
and follow-ups start as for any placement. In an urgent case the chair decides
provisionally (formandsafgørelse): the placement may start at once and the committee must
approve it within 7 days; if it does not, the decision lapses and the placement ends.

Every function runs in the request's tenant transaction and journals what it does there;
each raises the core's errors with Danish messages and writes nothing when it refuses.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from backend.casework import lifecycle, process
from backend.casework import repository as repo
from backend.casework.repositories import committee as crepo
from backend.casework.rules import (
    COMMITTEE_BASIS,
    COMMITTEE_CONFIRM_BASIS,
    COMMITTEE_CONFIRM_DAYS,
    COMMITTEE_COUNSEL_AGE,
    COMMITTEE_COUNSEL_BASIS,
    COMMITTEE_LETTER_BASIS,
    COMMITTEE_REVIEW_BASIS,
    DK,
    UNCONFIRMED,
    Facts,
    Trigger,
    age_on,
    rules_for,
    today_dk,
)
from backend.casework.service import CASE_NOT_FOUND_OR_CLOSED, CaseNotFound, lock_case
from backend.core.danish import fmt_due
from backend.core.errors import FieldErrors, NotFound, Stale, StateConflict
from backend.core.journal import named, stamp
from backend.core.measures import MEASURES
from backend.core.workdays import add_months, next_working_day, previous_working_day

if TYPE_CHECKING:
    from backend.casework.access import AccessibleCase

NOT_FOUND = "Indstillingen findes ikke, eller du er ikke på sagen"
PARTIES = {"foraeldre": "Forældremyndighedsindehaverne", "barn": "Barnet"}
# The steps that must be done before the committee decides, in the order they are named.
BEFORE_MEETING = ("barnets-plan-47", "boernesamtale", "partshoering", "udvalg-advokat")
REVIEW_MONTHS = (12, 24, 36)
LETTER_DAYS = 7  # Trekant's own deadline for sending the decision; none was confirmed


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=DK)


def _cite(basis: str, confirmed: bool) -> str:
    return basis if confirmed else f"{basis} {UNCONFIRMED}"


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def bad(self, key: str, message: str) -> None:
        self.items.append({"key": key, "message": message})

    def raise_if_any(self, what: str) -> None:
        if self.items:
            raise FieldErrors(what, self.items)


@dataclass
class Overview:
    rows: list[crepo.IndstillingRow]
    offers: list[crepo.OfferRow]
    child_age: int | None
    birth_date: date | None


async def access_indstilling(indstilling_id: uuid.UUID) -> uuid.UUID:
    """The case of an indstilling (404 if none); the caller checks access to that case."""
    case_id = await crepo.case_of(indstilling_id)
    if case_id is None:
        raise NotFound(NOT_FOUND)
    return case_id


async def overview(case: AccessibleCase) -> Overview:
    rows = await crepo.list_of_case(case)
    offers = await crepo.offers_of([r.id for r in rows]) if rows else []
    birth = await crepo.get_birth_date(case)
    return Overview(rows, offers, age_on(birth, today_dk()) if birth else None, birth)


def child_needs_offer(birth_date: date | None, meeting_on: date) -> bool:
    """Whether the child is a party to be offered counsel: 10 years or older on the day of
    the meeting (an unknown birth date counts as a party)."""
    return birth_date is None or age_on(birth_date, meeting_on) >= COMMITTEE_COUNSEL_AGE


async def _locked(
    case: AccessibleCase, indstilling_id: uuid.UUID, version: int | None
) -> crepo.IndstillingRow:
    row = await crepo.lock(indstilling_id)
    if row is None or row.hovedsag_id != case:
        raise NotFound(NOT_FOUND)
    if version is not None and row.version != version:
        raise await named(
            Stale(
                row.changed_by,
                row.changed_at,
                {"møde": row.meeting_on, "status": row.state},
                what="Indstillingen",
            )
        )
    return row


async def do_prepare(
    actor: str,
    case: AccessibleCase,
    *,
    measure: str,
    reasons: str,
    meeting_on: date,
) -> uuid.UUID:
    """Write the indstilling: the § 47 visitation (child conversation, hearing, barnets
    plan — reusing an open visitation), the offers of counsel due before the meeting, and
    the meeting itself on its date. Every wrong field is named at once (400)."""
    errors = _Errors()
    if measure not in MEASURES or not MEASURES[measure][1]:
        errors.bad("measure", "Vælg hvilken anbringelse udvalget skal tage stilling til")
    if not reasons.strip():
        errors.bad("reasons", "Skriv indstillingens begrundelse")
    elif len(reasons) > 8000:
        errors.bad("reasons", "Begrundelsen er for lang (højst 8000 tegn)")
    today = today_dk()
    if meeting_on < today:
        errors.bad("meeting_on", "Mødedatoen ligger i fortiden. Angiv datoen for udvalgets møde.")
    elif meeting_on > today + timedelta(days=366):
        errors.bad("meeting_on", "Mødedatoen ligger mere end et år ude i fremtiden")
    errors.raise_if_any("Indstillingen blev ikke gemt. Ret felterne.")
    locked = await lock_case(case)
    if locked.closed_at is not None:
        raise CaseNotFound(CASE_NOT_FOUND_OR_CLOSED)
    if await crepo.open_of_case(case) is not None:
        raise StateConflict(
            "Sagen har allerede en indstilling til børne- og ungeudvalget, som ikke er afgjort."
        )
    visitation = await repo.get_open_enkeltsag(case, "afgoerelse")
    if visitation is None:
        enkeltsag_id, _ = await process.do_start_visitation(actor, case, "47")
    else:
        enkeltsag_id = visitation["id"]
        if visitation["paragraph"] != "47":
            # A § 46 visitation where consent was not given: the plan is now due first.
            await lifecycle.create_activities(
                rules_for(Trigger.AFGOERELSE_47_FORBEREDES),
                Facts(at=datetime.now(UTC)),
                case,
                enkeltsag_id,
                locked.caseworker_id,
                actor,
                ("enkeltsag", enkeltsag_id),
            )
            await crepo.set_visitation_paragraph(enkeltsag_id, "47")
    indstilling_id = await crepo.insert(
        hovedsag_id=case,
        enkeltsag_id=enkeltsag_id,
        measure=measure,
        reasons=reasons.strip(),
        meeting_on=meeting_on,
        actor=actor,
    )
    closed = await lifecycle.closed_days_setting()
    offer_by = max(previous_working_day(meeting_on - timedelta(days=1), closed), today)
    owner = locked.caseworker_id
    await lifecycle.add_activity(
        case,
        rule_id="udvalg-advokat",
        title="Tilbyd gratis advokatbistand og aktindsigt før udvalgets møde",
        basis=_cite(COMMITTEE_COUNSEL_BASIS, False),
        owner_id=owner,
        due_at=_end_of(offer_by),
        enkeltsag_id=enkeltsag_id,
        concerns_id=indstilling_id,
    )
    await lifecycle.add_activity(
        case,
        rule_id="udvalg-moede",
        title="Børne- og ungeudvalgets møde: registrér udvalgets afgørelse",
        basis=_cite(COMMITTEE_BASIS, True),
        owner_id=owner,
        due_at=_end_of(meeting_on),
        enkeltsag_id=enkeltsag_id,
        concerns_id=indstilling_id,
    )
    await stamp(
        case,
        actor,
        "udvalg.indstilling",
        f"Indstilling til børne- og ungeudvalget: {MEASURES[measure][0]} (§ 47)",
        f"Udvalgets møde: {_d(meeting_on)}\n"
        f"Advokatbistand og aktindsigt tilbydes senest {_d(offer_by)}\n\n{reasons.strip()}",
        enkeltsag_id,
    )
    return indstilling_id


async def do_move_meeting(
    actor: str,
    case: AccessibleCase,
    indstilling_id: uuid.UUID,
    *,
    version: int,
    meeting_on: date,
    reason: str,
) -> None:
    """Move the committee's meeting: the offers and the meeting move with it (journalled
    "Frist flyttet"). Only before the committee has decided; 400 naming the fields."""
    row = await _locked(case, indstilling_id, version)
    if row.state != "forberedes":
        raise StateConflict("Udvalget har truffet afgørelse; mødet kan ikke flyttes.")
    errors = _Errors()
    today = today_dk()
    if meeting_on < today:
        errors.bad("meeting_on", "Mødedatoen ligger i fortiden. Angiv datoen for udvalgets møde.")
    elif meeting_on > today + timedelta(days=366):
        errors.bad("meeting_on", "Mødedatoen ligger mere end et år ude i fremtiden")
    if not reason.strip():
        errors.bad("reason", "Skriv hvorfor mødet flyttes")
    errors.raise_if_any("Mødet blev ikke flyttet. Ret felterne.")
    if meeting_on == row.meeting_on:
        return
    closed = await lifecycle.closed_days_setting()
    offer_by = max(previous_working_day(meeting_on - timedelta(days=1), closed), today)
    await crepo.update(indstilling_id, actor, meeting_on=meeting_on)
    moved = {"udvalg-advokat": _end_of(offer_by), "udvalg-moede": _end_of(meeting_on)}
    for a in await repo.lock_open_activities_about(indstilling_id):
        new_due = moved.get(a.rule_id or "")
        if new_due is None or new_due == a.due_at:
            continue
        await repo.update_activity_due(a.id, new_due, actor, False, None)
        await stamp(
            case,
            actor,
            "aktivitet.frist",
            f"Frist flyttet: {a.title}",
            f"Udvalgets møde er flyttet: {reason.strip()}. Fra {fmt_due(a.due_at)} til "
            f"{fmt_due(new_due)}.",
            row.enkeltsag_id,
        )
    await stamp(
        case,
        actor,
        "udvalg.moede_flyttet",
        f"Børne- og ungeudvalgets møde flyttet fra {_d(row.meeting_on)} til {_d(meeting_on)}",
        reason.strip(),
        row.enkeltsag_id,
    )


async def do_offer(
    actor: str,
    case: AccessibleCase,
    indstilling_id: uuid.UUID,
    *,
    party: str,
    offered_on: date,
    accepted: bool | None,
    lawyer: str | None,
) -> list[str]:
    """Record that a party was offered free legal counsel and access to the file. When
    every party has been offered (the custody holders; the child from 10 years on the
    meeting's day), the activity is done. Returns the titles of activities completed."""
    row = await _locked(case, indstilling_id, None)
    if row.state not in ("forberedes", "formand"):
        raise StateConflict("Indstillingen er afgjort; tilbud kan ikke længere registreres.")
    birth = await crepo.get_birth_date(case)
    errors = _Errors()
    if party not in PARTIES:
        errors.bad("party", "Vælg hvem tilbuddet er givet til")
    elif party == "barn" and not child_needs_offer(birth, row.meeting_on):
        errors.bad(
            "party",
            f"Barnet er under {COMMITTEE_COUNSEL_AGE} år på mødedagen og skal ikke have "
            "sit eget tilbud; registrér tilbuddet til forældremyndighedsindehaverne.",
        )
    today = today_dk()
    if offered_on > today:
        errors.bad("offered_on", "Datoen ligger i fremtiden. Angiv dagen, tilbuddet blev givet.")
    elif offered_on < row.created_at.astimezone(DK).date() - timedelta(days=60):
        errors.bad("offered_on", "Datoen ligger for langt før indstillingen")
    if accepted is None:
        errors.bad("accepted", "Angiv om tilbuddet er taget imod")
    name = (lawyer or "").strip() or None
    if name and len(name) > 200:
        errors.bad("lawyer", "Advokatens navn er for langt (højst 200 tegn)")
    if name and accepted is False:
        errors.bad("lawyer", "Et afslået tilbud har ingen advokat. Fjern navnet.")
    errors.raise_if_any("Tilbuddet blev ikke registreret. Ret felterne.")
    assert accepted is not None
    await crepo.upsert_offer(case, indstilling_id, party, offered_on, accepted, name, actor)
    answer = "taget imod" + (f" (advokat: {name})" if name else "") if accepted else "afslået"
    await stamp(
        case,
        actor,
        "udvalg.tilbud",
        f"Gratis advokatbistand og aktindsigt tilbudt: {PARTIES[party]}",
        f"Tilbudt {_d(offered_on)}; tilbuddet er {answer}.",
        row.enkeltsag_id,
    )
    offered = {o.party for o in await crepo.offers_of([indstilling_id])}
    needed = {"foraeldre"} | ({"barn"} if child_needs_offer(birth, row.meeting_on) else set())
    done: list[str] = []
    if needed <= offered:
        for _, title in await lifecycle.complete_activities_about(
            "udvalg-advokat", indstilling_id, actor
        ):
            await stamp(case, actor, "aktivitet.udfoert", f"Udført: {title}", "", row.enkeltsag_id)
            done.append(title)
    return done


async def missing_before_meeting(row: crepo.IndstillingRow) -> list[str]:
    open_rules = {
        r.rule_id: r.title
        for r in await repo.list_open_prerequisites(row.enkeltsag_id, list(BEFORE_MEETING))
    }
    return [open_rules[r] for r in BEFORE_MEETING if r in open_rules]


def _check_decision(
    errors: _Errors, row: crepo.IndstillingRow, decided_on: date, reasons: str
) -> None:
    if decided_on > today_dk():
        errors.bad("decided_on", "Datoen ligger i fremtiden. Angiv dagen for afgørelsen.")
    elif decided_on < row.created_at.astimezone(DK).date():
        errors.bad("decided_on", "Afgørelsen kan ikke ligge før indstillingen blev skrevet")
    if not reasons.strip():
        errors.bad("reasons", "Skriv afgørelsens begrundelse")


def _check_start(errors: _Errors, decided_on: date, starts_on: date | None) -> None:
    if starts_on is None:
        errors.bad("starts_on", "Angiv hvornår anbringelsen starter")
    elif starts_on < decided_on:
        errors.bad("starts_on", "Anbringelsen kan ikke starte før afgørelsen")
    elif (starts_on - decided_on).days > 366:
        errors.bad("starts_on", "Startdatoen ligger mere end et år efter afgørelsen")


async def _after_committee_decision(
    actor: str,
    case: AccessibleCase,
    row: crepo.IndstillingRow,
    decided_on: date,
    review_months: int | None,
    indsats_id: uuid.UUID | None,
    owner: uuid.UUID | None,
) -> None:
    """The committee has decided: its letter with complaint guidance is due, and a granted
    placement is due for the committee again before its period runs out (§ 50)."""
    closed = await lifecycle.closed_days_setting()
    await lifecycle.add_activity(
        case,
        rule_id="udvalg-send",
        title="Send udvalgets afgørelse med klagevejledning (klage direkte til Ankestyrelsen)",
        basis=_cite(COMMITTEE_LETTER_BASIS, False),
        owner_id=owner,
        due_at=_end_of(next_working_day(decided_on + timedelta(days=LETTER_DAYS), closed)),
        concerns_id=row.id,
    )
    if review_months and indsats_id:
        review_on = previous_working_day(add_months(decided_on, review_months), closed)
        await lifecycle.add_activity(
            case,
            rule_id="udvalg-genbehandling",
            title="Forelæg anbringelsen for børne- og ungeudvalget igen (opretholdelse)",
            basis=_cite(COMMITTEE_REVIEW_BASIS, False),
            owner_id=owner,
            due_at=_end_of(review_on),
            concerns="indsats",
            concerns_id=indsats_id,
        )


async def do_committee_decision(
    actor: str,
    case: AccessibleCase,
    indstilling_id: uuid.UUID,
    *,
    version: int,
    outcome: str,
    decided_on: date,
    reasons: str,
    starts_on: date | None,
    review_months: int | None,
) -> process.Decided:
    """Record the committee's decision on the indstilling (from the meeting). Refused with
    409 while barnets plan, the child conversation, the hearing or the offers of counsel
    are open (each named); every wrong field is named at once (400)."""
    row = await _locked(case, indstilling_id, version)
    if row.state != "forberedes":
        raise StateConflict(
            "Udvalget har allerede truffet afgørelse på indstillingen."
            if row.state != "formand"
            else "Formanden har truffet en foreløbig afgørelse; registrér udvalgets "
            "godkendelse af den i stedet."
        )
    errors = _Errors()
    if outcome not in ("bevilget", "afslag"):
        errors.bad("outcome", "Vælg udvalgets afgørelse: anbringelse eller afslag")
    _check_decision(errors, row, decided_on, reasons)
    if outcome == "bevilget":
        _check_start(errors, decided_on, starts_on)
        if review_months not in REVIEW_MONTHS:
            errors.bad("review_months", "Vælg hvornår udvalget skal behandle anbringelsen igen")
    errors.raise_if_any("Udvalgets afgørelse blev ikke registreret. Ret felterne.")
    missing = await missing_before_meeting(row)
    if missing:
        raise StateConflict(
            "Udvalgets afgørelse kan ikke registreres, før dette er gjort: "
            + "; ".join(missing)
            + ". Barnets plan skal foreligge før afgørelsen.",
        )
    granted = outcome == "bevilget"
    decided = await process.do_decide(
        actor,
        case,
        paragraph="47",
        outcome=outcome,
        decided_on=decided_on,
        summary=f"Børne- og ungeudvalgets afgørelse på mødet {_d(decided_on)}:\n" + reasons.strip(),
        exceptions={},
        measure=row.measure if granted else None,
        starts_on=starts_on if granted else None,
        by_committee=True,
    )
    await crepo.update(
        indstilling_id,
        actor,
        state="afgjort",
        outcome=outcome,
        decided_on=decided_on,
        decision_reasons=reasons.strip(),
        review_months=review_months if granted else None,
        afgoerelse_id=decided.afgoerelse_id,
    )
    for _, title in await lifecycle.complete_activities_about(
        "udvalg-moede", indstilling_id, actor
    ):
        await stamp(case, actor, "aktivitet.udfoert", f"Udført: {title}", "", row.enkeltsag_id)
    await stamp(
        case,
        actor,
        "udvalg.afgjort",
        "Børne- og ungeudvalget har truffet afgørelse: "
        + (f"anbringelse uden samtykke ({MEASURES[row.measure][0]})" if granted else "afslag"),
        f"Mødet {_d(decided_on)}."
        + (
            f" Anbringelsen starter {_d(starts_on)}; udvalget behandler den igen inden "
            f"{review_months} måneder."
            if granted and starts_on
            else ""
        )
        + "\nKlage over udvalgets afgørelse går direkte til Ankestyrelsen; kommunen "
        "genvurderer den ikke.\n\n" + reasons.strip(),
        row.enkeltsag_id,
    )
    owner = await lifecycle.caseworker_of(case)
    await _after_committee_decision(
        actor, case, row, decided_on, review_months if granted else None, decided.indsats_id, owner
    )
    return decided


async def do_provisional(
    actor: str,
    case: AccessibleCase,
    indstilling_id: uuid.UUID,
    *,
    version: int,
    decided_on: date,
    reasons: str,
    starts_on: date | None,
) -> process.Decided:
    """Record the chair's provisional decision in an urgent case: the placement starts
    (steps not yet done are recorded as skipped for urgency), and the committee must approve
    it within 7 days — an activity. The offers of counsel stay due."""
    row = await _locked(case, indstilling_id, version)
    if row.state != "forberedes":
        raise StateConflict("Indstillingen er allerede afgjort eller afgjort foreløbigt.")
    errors = _Errors()
    _check_decision(errors, row, decided_on, reasons)
    _check_start(errors, decided_on, starts_on)
    errors.raise_if_any("Formandens afgørelse blev ikke registreret. Ret felterne.")
    urgent = "Hastesag: formandens foreløbige afgørelse, før udvalget kunne samles"
    open_steps = await repo.list_open_prerequisites(row.enkeltsag_id, list(process.PREREQUISITES))
    decided = await process.do_decide(
        actor,
        case,
        paragraph="47",
        outcome="bevilget",
        decided_on=decided_on,
        summary=f"Børne- og ungeudvalgets formands foreløbige afgørelse {_d(decided_on)} "
        "(skal godkendes af udvalget):\n" + reasons.strip(),
        exceptions={s.rule_id: urgent for s in open_steps},
        measure=row.measure,
        starts_on=starts_on,
        by_committee=True,
    )
    await crepo.update(
        indstilling_id,
        actor,
        state="formand",
        provisional_on=decided_on,
        provisional_reasons=reasons.strip(),
        provisional_afgoerelse_id=decided.afgoerelse_id,
    )
    confirm_by = decided_on + timedelta(days=COMMITTEE_CONFIRM_DAYS)
    await lifecycle.add_activity(
        case,
        rule_id="udvalg-formand",
        title="Formandens foreløbige afgørelse skal godkendes af børne- og ungeudvalget",
        basis=_cite(COMMITTEE_CONFIRM_BASIS, False),
        owner_id=await lifecycle.caseworker_of(case),
        due_at=_end_of(confirm_by),
        concerns_id=indstilling_id,
    )
    await stamp(
        case,
        actor,
        "udvalg.formand",
        f"Formandsafgørelse: foreløbig anbringelse uden samtykke ({MEASURES[row.measure][0]})",
        f"Truffet {_d(decided_on)}; anbringelsen starter {_d(starts_on or decided_on)}. "
        f"Udvalget skal godkende afgørelsen senest {_d(confirm_by)}, ellers bortfalder den."
        f"\n\n{reasons.strip()}",
        row.enkeltsag_id,
    )
    return decided


async def do_confirm(
    actor: str,
    case: AccessibleCase,
    indstilling_id: uuid.UUID,
    *,
    version: int,
    confirmed: bool | None,
    decided_on: date,
    reasons: str,
    review_months: int | None,
) -> None:
    """Record the committee's answer to the chair's provisional decision: approved (the
    placement continues, its review and the letter are due) or not approved (the decision
    lapses and the placement ends on that day)."""
    row = await _locked(case, indstilling_id, version)
    if row.state != "formand":
        raise StateConflict("Der er ingen foreløbig afgørelse, der venter på udvalget.")
    errors = _Errors()
    if confirmed is None:
        errors.bad("confirmed", "Angiv om udvalget godkender formandens afgørelse")
    _check_decision(errors, row, decided_on, reasons)
    if row.provisional_on and decided_on < row.provisional_on:
        errors.bad("decided_on", "Udvalget kan ikke have godkendt før formandens afgørelse")
    if confirmed and review_months not in REVIEW_MONTHS:
        errors.bad("review_months", "Vælg hvornår udvalget skal behandle anbringelsen igen")
    errors.raise_if_any("Udvalgets svar blev ikke registreret. Ret felterne.")
    measure = (
        await crepo.measure_of_decision(row.provisional_afgoerelse_id)
        if row.provisional_afgoerelse_id
        else None
    )
    late = (
        (decided_on - row.provisional_on).days - COMMITTEE_CONFIRM_DAYS if row.provisional_on else 0
    )
    note = f" – {late} dage efter fristen" if late > 0 else ""
    if confirmed:
        await crepo.update(
            indstilling_id,
            actor,
            state="afgjort",
            outcome="godkendt",
            decided_on=decided_on,
            decision_reasons=reasons.strip(),
            review_months=review_months,
            afgoerelse_id=row.provisional_afgoerelse_id,
        )
        await stamp(
            case,
            actor,
            "udvalg.godkendt",
            "Børne- og ungeudvalget har godkendt formandens foreløbige afgørelse",
            f"Mødet {_d(decided_on)}{note}.\n\n{reasons.strip()}",
            row.enkeltsag_id,
        )
        await _after_committee_decision(
            actor,
            case,
            row,
            decided_on,
            review_months,
            measure[0] if measure else None,
            await lifecycle.caseworker_of(case),
        )
    else:
        await crepo.update(
            indstilling_id,
            actor,
            state="bortfaldet",
            outcome="ikke_godkendt",
            decided_on=decided_on,
            decision_reasons=reasons.strip(),
        )
        if measure is not None:
            await process.do_end_measure(
                actor,
                measure[0],
                measure[1],
                max(decided_on, await _start_of(measure[0])),
                "Børne- og ungeudvalget godkendte ikke formandens foreløbige afgørelse; "
                "afgørelsen er bortfaldet",
            )
        await stamp(
            case,
            actor,
            "udvalg.bortfaldet",
            "Børne- og ungeudvalget godkendte ikke formandens afgørelse: den er bortfaldet",
            f"Mødet {_d(decided_on)}{note}. Anbringelsen ophører.\n\n{reasons.strip()}",
            row.enkeltsag_id,
        )
    for rule_id in ("udvalg-formand", "udvalg-moede"):
        for _, title in await lifecycle.complete_activities_about(rule_id, indstilling_id, actor):
            await stamp(case, actor, "aktivitet.udfoert", f"Udført: {title}", "", row.enkeltsag_id)
    if not confirmed:
        await repo.cancel_activities_about(
            indstilling_id, "Formandens afgørelse er bortfaldet", actor
        )


async def _start_of(indsats_id: uuid.UUID) -> date:
    found = await crepo.measure_start(indsats_id)
    return found if found is not None else today_dk()


async def by_committee(afgoerelse_id: uuid.UUID) -> bool:
    """Whether a decision was made by børne- og ungeudvalget or its chair (a complaint
    against it goes straight to Ankestyrelsen: the kommune does not reconsider it)."""
    return await crepo.by_committee(afgoerelse_id)


async def counts() -> crepo.CommitteeCounts:
    return await crepo.counts()
