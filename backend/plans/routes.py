"""The teams' activity plans: kept by the team's manager, applied by its caseworkers."""

from __future__ import annotations

import uuid
from datetime import date

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import access_case
from backend.core.permissions import Perm
from backend.core.principal import Me, Principal
from backend.plans import service
from backend.plans.repository import PlanRow
from backend.plans.schemas import (
    PlanApplied,
    PlanApply,
    PlanCreate,
    PlanItemRead,
    PlanList,
    PlanPreview,
    PlanPreviewItem,
    PlanRead,
    PlanRetire,
    PlanUpdate,
    TeamOption,
)


def _read(p: PlanRow, manager: bool) -> PlanRead:
    return PlanRead(
        id=p.id,
        team_id=p.team_id,
        team=p.team,
        name=p.name,
        note=p.note,
        version=p.version,
        changed_at=p.changed_at,
        items=[
            PlanItemRead(
                title=i.title,
                days=i.days,
                day_kind="arbejdsdage" if i.day_kind == "arbejdsdage" else "kalenderdage",
                description=i.description,
            )
            for i in p.items
        ],
        can_manage=manager,
    )


def _manager(me: Principal) -> bool:
    return Perm.TEAM_OVERVIEW in me.permissions


class PlansController(Controller):
    path = "/api"
    tags = ("Aktivitetsplaner",)

    @get(
        "/activity-plans",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Aktivitetsplanerne i mine teams (og de teams, jeg kan oprette planer i)",
    )
    async def list_plans(self, me: Me) -> PlanList:
        teams = await service.my_teams(me)
        plans = await service.plans_of(teams)
        manager = _manager(me)
        return PlanList(
            plans=[_read(p, manager) for p in plans],
            manageable_teams=[TeamOption(t.id, t.name) for t in teams] if manager else [],
        )

    @post(
        "/activity-plans",
        guards=[requires(Perm.TEAM_OVERVIEW)],
        summary="Opret en aktivitetsplan i et af mine teams (leder)",
        status_code=201,
    )
    async def create_plan(self, me: Me, data: JSONBody[PlanCreate]) -> dict[str, uuid.UUID]:
        plan_id = await service.do_create_plan(me, data.team_id, data.name, data.note, data.items)
        await record(me.actor, "activity_plan.saved", str(plan_id), name=data.name.strip())
        return {"id": plan_id}

    @put(
        "/activity-plans/{plan_id:uuid}",
        guards=[requires(Perm.TEAM_OVERVIEW)],
        summary="Ret en aktivitetsplan (aktiviteter, der allerede er oprettet, ændres ikke)",
    )
    async def update_plan(
        self, me: Me, plan_id: FromPath[uuid.UUID], data: JSONBody[PlanUpdate]
    ) -> dict[str, str]:
        await service.do_update_plan(me, plan_id, data.version, data.name, data.note, data.items)
        await record(me.actor, "activity_plan.saved", str(plan_id), name=data.name.strip())
        return {"status": "ok"}

    @post(
        "/activity-plans/{plan_id:uuid}/retire",
        guards=[requires(Perm.TEAM_OVERVIEW)],
        summary="Fjern en aktivitetsplan (aktiviteter, der er oprettet fra den, bliver)",
        status_code=200,
    )
    async def retire_plan(
        self, me: Me, plan_id: FromPath[uuid.UUID], data: JSONBody[PlanRetire]
    ) -> dict[str, str]:
        name = await service.do_retire_plan(me, plan_id, data.version)
        await record(me.actor, "activity_plan.retired", str(plan_id), name=name)
        return {"status": "ok"}

    @get(
        "/cases/{case_id:uuid}/activity-plans/{plan_id:uuid}/preview",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Forhåndsvis en aktivitetsplan på sagen: aktiviteterne med deres frister",
    )
    async def preview(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        plan_id: FromPath[uuid.UUID],
        start: FromQuery[date | None] = None,
    ) -> PlanPreview:
        case = await access_case(me, case_id)
        plan = await service.plan_for_case(me, plan_id)
        start_on = service.check_start(start)
        dues, before = await service.preview(case, plan, start_on)
        return PlanPreview(
            plan_id=plan.id,
            name=plan.name,
            version=plan.version,
            start_on=start_on,
            items=[
                PlanPreviewItem(
                    title=i.title,
                    due_on=due,
                    days=i.days,
                    day_kind="arbejdsdage" if i.day_kind == "arbejdsdage" else "kalenderdage",
                    description=i.description,
                )
                for i, due in zip(plan.items, dues, strict=True)
            ],
            applied_on=before,
        )

    @post(
        "/cases/{case_id:uuid}/activity-plans/{plan_id:uuid}/apply",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Anvend en aktivitetsplan på sagen: opretter alle dens aktiviteter på én gang",
        status_code=201,
    )
    async def apply(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        plan_id: FromPath[uuid.UUID],
        data: JSONBody[PlanApply],
    ) -> PlanApplied:
        case = await access_case(me, case_id)
        start_on = service.check_start(data.start_on)
        ids = await service.do_apply(me, case, plan_id, data.version, start_on, data.again)
        await record(
            me.actor,
            "activity_plan.applied",
            str(case_id),
            plan=str(plan_id),
            activities=len(ids),
        )
        return PlanApplied(activity_ids=ids, count=len(ids))
