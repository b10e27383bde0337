"""The administrator's retention screen (Administration › Sletning)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody

from backend.audit.service import record_many
from backend.auth.principal import requires
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.retention import service
from backend.retention.schemas import (
    DeletionCreate,
    DeletionRun,
    DeletionRuns,
    ExpiredList,
    RetentionRule,
    RetentionRuleUpdate,
)


class RetentionController(Controller):
    path = "/api/admin/retention"
    tags = ("Opbevaring og sletning",)
    guards = [requires(Perm.REPORTING)]  # noqa: RUF012 - Litestar reads a list

    @get("/rule", summary="Kommunens regler for opbevaring")
    async def get_rule(self, me: Me) -> RetentionRule:
        return await service.rule()

    @put("/rule", summary="Ret kommunens regler for opbevaring")
    async def put_rule(self, me: Me, data: JSONBody[RetentionRuleUpdate]) -> RetentionRule:
        return await service.do_update_rule(me, data)

    @get("/expired", summary="Afsluttede sager, hvis opbevaringsperiode er udløbet")
    async def expired(self, me: Me) -> ExpiredList:
        found = await service.expired_list()
        # The list names cases (number, initials, birth year): each listed case is audited.
        await record_many(me.actor, "retention.list_read", [(str(i.id), {}) for i in found.items])
        return found

    @post("/deletions", status_code=201, summary="Godkend sletning af sager (et job)")
    async def approve(self, me: Me, data: JSONBody[DeletionCreate]) -> DeletionRun:
        return await service.do_approve(me, data.case_ids)

    @get("/deletions", summary="De seneste sletninger")
    async def runs(self, me: Me) -> DeletionRuns:
        return await service.deletion_runs(me.kommune_code)

    @get("/deletions/{run_id:uuid}", summary="En sletning og dens fremdrift")
    async def run(self, me: Me, run_id: FromPath[uuid.UUID]) -> DeletionRun:
        return await service.deletion_run(me.kommune_code, run_id)
