"""Reports to Ankestyrelsen: the caseworker's form and send (on the activity), and the
kommune administrator's overview."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from backend.ankestyrelsen import service
from backend.ankestyrelsen.schemas import (
    AnkeOverview,
    AnkeReportCreate,
    AnkeReportForm,
    AnkeReportSent,
    Indgreb139Choices,
    Indgreb139Create,
    Indgreb139Read,
)
from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import access_activity, access_case
from backend.core.permissions import Perm
from backend.core.principal import Me


class AnkestyrelsenController(Controller):
    path = "/api"
    tags = ("Ankestyrelsen",)

    @get(
        "/activities/{activity_id:uuid}/ankestyrelsen",
        guards=[requires(Perm.CASE_READ)],
        summary="Indberetningen til Ankestyrelsen, udfyldt fra sagen",
    )
    async def get_report(self, me: Me, activity_id: FromPath[uuid.UUID]) -> AnkeReportForm:
        case = await access_activity(me, activity_id)
        found = await service.form(case, activity_id)
        await record(me.actor, "case.read", str(case), view="ankestyrelsen")
        return found

    @post(
        "/activities/{activity_id:uuid}/ankestyrelsen",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Send indberetningen til Ankestyrelsen (én gang), udfør aktiviteten og journalisér",
    )
    async def send_report(
        self, me: Me, activity_id: FromPath[uuid.UUID], data: JSONBody[AnkeReportCreate]
    ) -> AnkeReportSent:
        case = await access_activity(me, activity_id)
        return await service.do_send(me, case, activity_id, data)

    @get(
        "/cases/{case_id:uuid}/indgreb-139",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens afgørelser efter Barnets Lov § 139 og valgene til en ny",
    )
    async def list_indgreb(self, me: Me, case_id: FromPath[uuid.UUID]) -> Indgreb139Choices:
        case = await access_case(me, case_id)
        found = await service.indgreb_list(case)
        await record(me.actor, "case.read", str(case), view="indgreb_139")
        return found

    @post(
        "/cases/{case_id:uuid}/indgreb-139",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér en afgørelse efter § 139 (journaliseres; indberetning bliver en "
        "aktivitet)",
    )
    async def record_indgreb(
        self, me: Me, case_id: FromPath[uuid.UUID], data: JSONBody[Indgreb139Create]
    ) -> Indgreb139Read:
        case = await access_case(me, case_id)
        return await service.do_record_indgreb(me, case, data)

    @get(
        "/ankestyrelsen/overview",
        guards=[requires(Perm.REPORTING)],
        summary="Indberetninger til Ankestyrelsen: skal sendes, overskredne og sendte",
    )
    async def get_overview(self, me: Me) -> AnkeOverview:
        result = await service.overview()
        await record(me.actor, "reporting.ankestyrelsen_read", None, rows=len(result.rows))
        return result
