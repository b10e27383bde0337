"""A placed child's "Tilsyn og samvær": the supervision visits and the decisions on contact."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework import lifecycle
from backend.casework.access import access_case
from backend.core.measures import MEASURES
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.placement import service
from backend.placement.repository import ContactRow
from backend.placement.schemas import (
    CONTACT_FORMS,
    ContactDecisionCreate,
    ContactDecisionRead,
    FormOption,
    PersonOption,
    PlacementItem,
    PlacementRead,
    VisitRead,
)


def _decision(r: ContactRow) -> ContactDecisionRead:
    return ContactDecisionRead(
        id=r.id,
        network_member_id=r.network_member_id,
        person_name=r.person_name,
        person_relation=r.person_relation,
        form=r.form,  # type: ignore[arg-type]  # the table's CHECK holds the vocabulary
        form_label=CONTACT_FORMS.get(r.form, r.form),
        frequency=r.frequency,
        restrictions=r.restrictions,
        decided_on=r.decided_on,
        review_on=r.review_on,
        created_by=r.created_by,
        replaces_id=r.replaces_id,
        replaced_at=r.replaced_at,
        replaced_by=r.replaced_by,
    )


def _text(record: dict[str, object] | None, key: str) -> str | None:
    value = (record or {}).get(key)
    return value if isinstance(value, str) else None


def _day(record: dict[str, object] | None, key: str) -> date | None:
    value = _text(record, key)
    return date.fromisoformat(value) if value else None


class PlacementController(Controller):
    path = "/api/cases/{case_id:uuid}"
    tags = ("Tilsyn og samvær",)

    @get(
        "/placement",
        guards=[requires(Perm.CASE_READ)],
        summary="Tilsyn og samvær: anbringelser, tilsynsbesøg og afgørelser om samvær",
    )
    async def get_placement(self, me: Me, case_id: FromPath[uuid.UUID]) -> PlacementRead:
        case = await access_case(me, case_id)
        placements = await lifecycle.placements_of(case)
        visits = await lifecycle.supervision_visits(case)
        decisions = await service.decisions(case)
        people = await service.people(case)
        await record(me.actor, "case.read", str(case_id), view="case.placement")
        now = datetime.now(UTC)
        return PlacementRead(
            placements=[
                PlacementItem(
                    id=p.id,
                    label=f"{MEASURES[p.kind][0] if p.kind in MEASURES else p.kind} "
                    f"efter § {p.paragraph}",
                    starts_on=p.starts_on,
                    ends_on=p.ends_on,
                )
                for p in placements
            ],
            placed=any(p.ends_on is None for p in placements),
            visits=[
                VisitRead(
                    activity_id=v.id,
                    status=v.status,  # type: ignore[arg-type]  # the table's CHECK
                    due_at=v.due_at,
                    overdue=v.status == "open" and v.due_at is not None and v.due_at < now,
                    visited_on=_day(v.record, "dato"),
                    place=_text(v.record, "sted"),
                    visited_by=_text(v.record, "besoegt_af"),
                    alone=(v.record or {}).get("alene")
                    if isinstance((v.record or {}).get("alene"), bool)
                    else None,
                    not_alone_reason=_text(v.record, "ikke_alene_begrundelse"),
                    child_said=_text(v.record, "barnets_ord"),
                    observations=_text(v.record, "iagttagelser"),
                    follow_up=_text(v.record, "opfoelgning"),
                    follow_up_on=_day(v.record, "opfoelgning_frist"),
                    recorded_by=v.completed_by,
                    cancel_reason=v.cancel_reason,
                )
                for v in visits
            ],
            contact=[_decision(d) for d in decisions if d.replaced_at is None],
            history=[_decision(d) for d in decisions if d.replaced_at is not None],
            people=[
                PersonOption(id=p.id, name=p.name, relation=service.relation_label(p.relation))
                for p in people
            ],
            forms=[FormOption(k, v) for k, v in CONTACT_FORMS.items()],  # type: ignore[arg-type]
            supervision_basis=service.SUPERVISION_BASIS,
            contact_basis=service.CONTACT_BASIS,
            review_months=service.REVIEW_MONTHS,
        )

    @post(
        "/contact-decisions",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér en afgørelse om samvær og kontakt med revurderingsdato",
        status_code=201,
    )
    async def add_decision(
        self, me: Me, case_id: FromPath[uuid.UUID], data: JSONBody[ContactDecisionCreate]
    ) -> dict[str, uuid.UUID]:
        case = await access_case(me, case_id)
        decision_id = await service.do_add_decision(me.actor, case, data)
        await record(
            me.actor, "contact_decision.saved", str(case_id), contact_decision=str(decision_id)
        )
        return {"id": decision_id}

    @post(
        "/contact-decisions/{decision_id:uuid}/change",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Ændr en afgørelse om samvær: en ny afgørelse afløser den (historikken bevares)",
        status_code=201,
    )
    async def change_decision(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        decision_id: FromPath[uuid.UUID],
        data: JSONBody[ContactDecisionCreate],
    ) -> dict[str, uuid.UUID]:
        case = await access_case(me, case_id)
        new_id = await service.do_change_decision(me.actor, case, decision_id, data)
        await record(
            me.actor,
            "contact_decision.changed",
            str(case_id),
            contact_decision=str(new_id),
            replaces=str(decision_id),
        )
        return {"id": new_id}
