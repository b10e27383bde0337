"""The front page's overview and a child's summary."""

from __future__ import annotations

import uuid
from datetime import date

from litestar import Controller, get
from litestar.params import FromPath

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import access_child, may_open
from backend.children import repository as repo
from backend.children.schemas import CaseSummary, ChildRead, Overview, StageCount
from backend.core.danish import today_dk
from backend.core.errors import NotFound
from backend.core.permissions import Perm
from backend.core.principal import Me
from tenancy.context import current_scope


def _summary(
    row: repo.CaseRow | repo.RecentCaseRow, today: date, name: str, birth: date
) -> CaseSummary:
    return CaseSummary(
        id=row.id,
        child_id=row.child_id,
        child_name=name,
        age=repo.age_on(birth, today),
        stage=row.stage,
        stage_label=repo.STAGE_LABELS[row.stage],
        opened_at=row.opened_at,
    )


class ChildrenController(Controller):
    path = "/api"
    tags = ("Sager",)
    guards = [requires(Perm.CASE_READ)]  # noqa: RUF012 - Litestar reads a list

    @get("/overview", summary="Overblik for den indloggede kommune")
    async def overview(self, me: Me) -> Overview:
        """Counts for the whole kommune; the recent cases only those the user may open."""
        scope = current_scope()
        today = today_dk()
        by_stage = {r.stage: r.count for r in await repo.open_cases_by_stage()}
        recent = [
            _summary(r, today, f"{r.first_name} {r.last_name}", r.birth_date)
            for r in await repo.recent_cases(limit=40)
        ]
        openable = await may_open(me, [c.id for c in recent])
        recent = [c for c in recent if c.id in openable][:10]
        return Overview(
            kommune_code=scope.code,
            kommune_name=scope.name,
            children=await repo.count_children(),
            open_cases=await repo.count_open_cases(),
            by_stage=[
                StageCount(stage=s, label=label, count=by_stage.get(s, 0))
                for s, label in repo.STAGE_LABELS.items()
                if s != "afsluttet"
            ],
            recent_cases=recent,
        )

    @get("/children/{child_id:uuid}", summary="Et barns stamdata og sager")
    async def get_child(self, me: Me, child_id: FromPath[uuid.UUID]) -> ChildRead:
        row = await repo.get_child(await access_child(me, child_id))
        if row is None:
            # The same answer whether the child does not exist or belongs elsewhere.
            raise NotFound("Barnet findes ikke")
        today = today_dk()
        name = f"{row.first_name} {row.last_name}"
        cases = [
            _summary(c, today, name, row.birth_date) for c in await repo.cases_of_child(child_id)
        ]
        await record(me.actor, "child.read", str(child_id), view="child.summary")
        return ChildRead(
            id=row.id,
            first_name=row.first_name,
            last_name=row.last_name,
            birth_date=row.birth_date,
            age=repo.age_on(row.birth_date, today),
            address=row.address,
            address_protected=row.address_protected,
            cases=cases,
            unborn=row.cpr is None,
            expected_date=row.expected_date,
        )
