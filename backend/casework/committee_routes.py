"""Børne- og ungeudvalget on a case (Forløb › Børne- og ungeudvalget): the indstilling for
a placement without consent (§ 47), the offers of counsel, the committee's decision or the
chair's provisional one and the committee's answer to it. Reading it is audited like the
case; every step is audited and journalled."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework import committee
from backend.casework.access import AccessibleCase, access_case
from backend.casework.repositories.committee import IndstillingRow, OfferRow
from backend.casework.rules import (
    COMMITTEE_CONFIRM_DAYS,
    COMMITTEE_COUNSEL_AGE,
    COMMITTEE_RULES,
    UNCONFIRMED,
)
from backend.core.errors import NotFound
from backend.core.measures import MEASURES
from backend.core.permissions import Perm
from backend.core.principal import Me, Principal

Party = Literal["foraeldre", "barn"]
State = Literal["forberedes", "formand", "afgjort", "bortfaldet"]
Outcome = Literal["bevilget", "afslag", "godkendt", "ikke_godkendt"]

STATE_LABELS = {
    "forberedes": "Venter på udvalgets møde",
    "formand": "Foreløbig afgørelse – venter på udvalgets godkendelse",
    "afgjort": "Afgjort af udvalget",
    "bortfaldet": "Formandens afgørelse er bortfaldet",
}
OUTCOME_LABELS = {
    "bevilget": "Anbringelse uden samtykke",
    "afslag": "Afslag",
    "godkendt": "Formandens afgørelse godkendt",
    "ikke_godkendt": "Formandens afgørelse ikke godkendt",
}


class CounselOfferRead(msgspec.Struct):
    party: Party
    party_label: str
    offered_on: date
    accepted: bool
    lawyer: str | None


class IndstillingRead(msgspec.Struct):
    id: uuid.UUID
    version: int
    measure: str
    measure_label: str
    reasons: str
    meeting_on: date
    state: State
    state_label: str
    provisional_on: date | None
    provisional_reasons: str | None
    decided_on: date | None
    outcome: Outcome | None
    outcome_label: str | None
    decision_reasons: str | None
    review_months: int | None
    created_at: datetime
    offers: list[CounselOfferRead]
    # The parties to be offered counsel: the custody holders, and the child from 10 years
    # on the meeting's day.
    parties: list[Party]
    # Open steps that stop the committee's decision from being recorded (titles).
    missing: list[str]


class CommitteeMeasureOption(msgspec.Struct):
    value: str
    label: str


class UdvalgRead(msgspec.Struct):
    indstillinger: list[IndstillingRead]
    measures: list[CommitteeMeasureOption]
    child_age: int | None
    counsel_age: int
    confirm_days: int
    # Shown beside the forms: the legal basis, marked where it was not confirmed.
    counsel_hint: str
    confirm_hint: str
    review_hint: str


class IndstillingCreate(msgspec.Struct):
    measure: str
    reasons: str
    meeting_on: date


class MeetingMove(msgspec.Struct):
    version: int
    meeting_on: date
    reason: str


class CounselOfferCreate(msgspec.Struct):
    party: str
    offered_on: date
    accepted: bool | None = None
    lawyer: str | None = None


class CommitteeDecisionCreate(msgspec.Struct):
    version: int
    outcome: str
    decided_on: date
    reasons: str
    starts_on: date | None = None
    review_months: int | None = None


class ProvisionalCreate(msgspec.Struct):
    version: int
    decided_on: date
    reasons: str
    starts_on: date | None = None


class ConfirmCreate(msgspec.Struct):
    version: int
    decided_on: date
    reasons: str
    confirmed: bool | None = None
    review_months: int | None = None


class CommitteeSaved(msgspec.Struct):
    id: uuid.UUID
    afgoerelse_id: uuid.UUID | None = None
    indsats_id: uuid.UUID | None = None


def _hint(text: str, rule_id: str) -> str:
    return text if COMMITTEE_RULES[rule_id] else f"{text} {UNCONFIRMED}"


async def _read(case: AccessibleCase) -> UdvalgRead:
    found = await committee.overview(case)
    by_id: dict[uuid.UUID, list[OfferRow]] = {}
    for o in found.offers:
        by_id.setdefault(o.indstilling_id, []).append(o)

    async def one(r: IndstillingRow) -> IndstillingRead:
        parties: list[Party] = ["foraeldre"]
        if committee.child_needs_offer(found.birth_date, r.meeting_on):
            parties.append("barn")
        missing = await committee.missing_before_meeting(r) if r.state == "forberedes" else []
        return IndstillingRead(
            id=r.id,
            version=r.version,
            measure=r.measure,
            measure_label=MEASURES[r.measure][0] if r.measure in MEASURES else r.measure,
            reasons=r.reasons,
            meeting_on=r.meeting_on,
            state=r.state,  # type: ignore[arg-type]  # the table's CHECK holds the vocabulary
            state_label=STATE_LABELS[r.state],
            provisional_on=r.provisional_on,
            provisional_reasons=r.provisional_reasons,
            decided_on=r.decided_on,
            outcome=r.outcome,  # type: ignore[arg-type]  # the table's CHECK holds it
            outcome_label=OUTCOME_LABELS.get(r.outcome or ""),
            decision_reasons=r.decision_reasons,
            review_months=r.review_months,
            created_at=r.created_at,
            offers=[
                CounselOfferRead(
                    party=o.party,  # type: ignore[arg-type]  # the table's CHECK holds it
                    party_label=committee.PARTIES[o.party],
                    offered_on=o.offered_on,
                    accepted=o.accepted,
                    lawyer=o.lawyer,
                )
                for o in by_id.get(r.id, [])
            ],
            parties=parties,
            missing=missing,
        )

    return UdvalgRead(
        indstillinger=[await one(r) for r in found.rows],
        measures=[CommitteeMeasureOption(k, v[0]) for k, v in MEASURES.items() if v[1]],
        child_age=found.child_age,
        counsel_age=COMMITTEE_COUNSEL_AGE,
        confirm_days=COMMITTEE_CONFIRM_DAYS,
        counsel_hint=_hint(
            "Forældremyndighedsindehaverne og barnet fra 10 år skal tilbydes gratis "
            "advokatbistand og aktindsigt før udvalgets møde (Barnets Lov §§ 140-141).",
            "udvalg-advokat",
        ),
        confirm_hint=_hint(
            "I en hastesag kan formanden træffe en foreløbig afgørelse; udvalget skal "
            f"godkende den inden {COMMITTEE_CONFIRM_DAYS} dage, ellers bortfalder den "
            "(Barnets Lov § 143).",
            "udvalg-formand",
        ),
        review_hint=_hint(
            "Udvalget skal tage stilling til anbringelsen igen inden 1 år (i særlige "
            "tilfælde 2 eller 3 år) efter afgørelsen (Barnets Lov § 50).",
            "udvalg-genbehandling",
        ),
    )


async def _case_of(me: Principal, indstilling_id: uuid.UUID) -> AccessibleCase:
    """The indstilling's case if ``me`` may open it: the same 404 for an indstilling that
    does not exist and one on a case that is not yours."""
    case_id = await committee.access_indstilling(indstilling_id)
    try:
        return await access_case(me, case_id)
    except NotFound as exc:
        raise NotFound(committee.NOT_FOUND) from exc


class CommitteeController(Controller):
    path = "/api"
    tags = ("Børne- og ungeudvalget",)

    @get(
        "/cases/{case_id:uuid}/udvalg",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens indstillinger til børne- og ungeudvalget (§ 47) med tilbud og afgørelser",
    )
    async def get_udvalg(self, me: Me, case_id: FromPath[uuid.UUID]) -> UdvalgRead:
        case = await access_case(me, case_id)
        found = await _read(case)
        await record(me.actor, "case.read", str(case_id), view="udvalg")
        return found

    @post(
        "/cases/{case_id:uuid}/udvalg",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Skriv en indstilling til børne- og ungeudvalget om anbringelse uden samtykke",
        status_code=201,
    )
    async def prepare(
        self, me: Me, case_id: FromPath[uuid.UUID], data: JSONBody[IndstillingCreate]
    ) -> CommitteeSaved:
        """400 naming every wrong field; 409 when the case already has an open one."""
        case = await access_case(me, case_id)
        made = await committee.do_prepare(
            me.actor, case, measure=data.measure, reasons=data.reasons, meeting_on=data.meeting_on
        )
        await record(me.actor, "udvalg.indstilling", str(case_id), indstilling=str(made))
        return CommitteeSaved(made)

    @post(
        "/udvalg/{indstilling_id:uuid}/moede",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Flyt udvalgets møde (fristerne for tilbud og møde flytter med)",
        status_code=200,
    )
    async def move_meeting(
        self, me: Me, indstilling_id: FromPath[uuid.UUID], data: JSONBody[MeetingMove]
    ) -> CommitteeSaved:
        case = await _case_of(me, indstilling_id)
        await committee.do_move_meeting(
            me.actor,
            case,
            indstilling_id,
            version=data.version,
            meeting_on=data.meeting_on,
            reason=data.reason,
        )
        await record(me.actor, "udvalg.moede", str(case), indstilling=str(indstilling_id))
        return CommitteeSaved(indstilling_id)

    @post(
        "/udvalg/{indstilling_id:uuid}/tilbud",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér at en part er tilbudt gratis advokatbistand og aktindsigt",
        status_code=200,
    )
    async def offer(
        self, me: Me, indstilling_id: FromPath[uuid.UUID], data: JSONBody[CounselOfferCreate]
    ) -> CommitteeSaved:
        case = await _case_of(me, indstilling_id)
        await committee.do_offer(
            me.actor,
            case,
            indstilling_id,
            party=data.party,
            offered_on=data.offered_on,
            accepted=data.accepted,
            lawyer=data.lawyer,
        )
        await record(me.actor, "udvalg.tilbud", str(case), indstilling=str(indstilling_id))
        return CommitteeSaved(indstilling_id)

    @post(
        "/udvalg/{indstilling_id:uuid}/afgoerelse",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér børne- og ungeudvalgets afgørelse fra mødet",
        status_code=200,
    )
    async def decide(
        self,
        me: Me,
        indstilling_id: FromPath[uuid.UUID],
        data: JSONBody[CommitteeDecisionCreate],
    ) -> CommitteeSaved:
        """409 naming what is missing (barnets plan first) while a step before the meeting
        is open; 400 naming every wrong field. Nothing is written then."""
        case = await _case_of(me, indstilling_id)
        made = await committee.do_committee_decision(
            me.actor,
            case,
            indstilling_id,
            version=data.version,
            outcome=data.outcome,
            decided_on=data.decided_on,
            reasons=data.reasons,
            starts_on=data.starts_on,
            review_months=data.review_months,
        )
        await record(me.actor, "udvalg.afgjort", str(case), indstilling=str(indstilling_id))
        return CommitteeSaved(indstilling_id, made.afgoerelse_id, made.indsats_id)

    @post(
        "/udvalg/{indstilling_id:uuid}/formand",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér formandens foreløbige afgørelse i en hastesag",
        status_code=200,
    )
    async def provisional(
        self, me: Me, indstilling_id: FromPath[uuid.UUID], data: JSONBody[ProvisionalCreate]
    ) -> CommitteeSaved:
        case = await _case_of(me, indstilling_id)
        made = await committee.do_provisional(
            me.actor,
            case,
            indstilling_id,
            version=data.version,
            decided_on=data.decided_on,
            reasons=data.reasons,
            starts_on=data.starts_on,
        )
        await record(me.actor, "udvalg.formand", str(case), indstilling=str(indstilling_id))
        return CommitteeSaved(indstilling_id, made.afgoerelse_id, made.indsats_id)

    @post(
        "/udvalg/{indstilling_id:uuid}/godkendelse",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér om udvalget godkender formandens foreløbige afgørelse",
        status_code=200,
    )
    async def confirm(
        self, me: Me, indstilling_id: FromPath[uuid.UUID], data: JSONBody[ConfirmCreate]
    ) -> CommitteeSaved:
        case = await _case_of(me, indstilling_id)
        await committee.do_confirm(
            me.actor,
            case,
            indstilling_id,
            version=data.version,
            confirmed=data.confirmed,
            decided_on=data.decided_on,
            reasons=data.reasons,
            review_months=data.review_months,
        )
        await record(me.actor, "udvalg.godkendelse", str(case), indstilling=str(indstilling_id))
        return CommitteeSaved(indstilling_id)
