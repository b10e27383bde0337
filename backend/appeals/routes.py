"""Complaints against a case's decisions: register, reconsider, send to Ankestyrelsen as
one package, record Ankestyrelsen's answer. Reading them is audited like the case."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from backend.appeals import service
from backend.appeals.schemas import (
    AnswerCreate,
    GenvurderingCreate,
    KlageCreate,
    KlageList,
    KlageRead,
    PackageChoices,
    PackageCreate,
)
from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import AccessibleCase, access_case
from backend.core.permissions import Perm
from backend.core.principal import Me, Principal


async def _klage_case(me: Principal, klage_id: uuid.UUID) -> AccessibleCase:
    return await access_case(me, await service.access_klage(klage_id))


class AppealsController(Controller):
    path = "/api"
    tags = ("Klager",)

    @get(
        "/cases/{case_id:uuid}/klager",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens klager over afgørelser, med afgørelser, parter og dokumenter at vælge",
    )
    async def list_klager(self, me: Me, case_id: FromPath[uuid.UUID]) -> KlageList:
        case = await access_case(me, case_id)
        found = await service.overview(case)
        await record(me.actor, "case.read", str(case_id), view="klager")
        return found

    @post(
        "/cases/{case_id:uuid}/klager",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér en klage over en af sagens afgørelser",
        status_code=201,
    )
    async def register(
        self, me: Me, case_id: FromPath[uuid.UUID], data: JSONBody[KlageCreate]
    ) -> KlageRead:
        """400 naming every wrong field in Danish (not a decision of this case, a date in
        the future, no complainant or text); nothing is written then."""
        case = await access_case(me, case_id)
        saved = await service.do_register(me, case, data)
        await record(me.actor, "klage.registered", str(case_id), klage=str(saved.id))
        return saved

    @post(
        "/klager/{klage_id:uuid}/genvurdering",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér kommunens genvurdering: imødekommet eller fastholdt",
        status_code=200,
    )
    async def reconsider(
        self, me: Me, klage_id: FromPath[uuid.UUID], data: JSONBody[GenvurderingCreate]
    ) -> KlageRead:
        case = await _klage_case(me, klage_id)
        saved = await service.do_reconsider(me, case, klage_id, data)
        await record(me.actor, "klage.reconsidered", str(case), klage=str(klage_id))
        return saved

    @get(
        "/klager/{klage_id:uuid}/pakke",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Sagens dokumenter at vælge til pakken til Ankestyrelsen",
    )
    async def package_choices(self, me: Me, klage_id: FromPath[uuid.UUID]) -> PackageChoices:
        case = await _klage_case(me, klage_id)
        found = await service.package_choices(case, klage_id)
        await record(me.actor, "case.read", str(case), view="klager")
        return found

    @post(
        "/klager/{klage_id:uuid}/pakke",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Dan pakken til Ankestyrelsen (én PDF) og registrér klagen som sendt",
        status_code=200,
    )
    async def send(
        self, me: Me, klage_id: FromPath[uuid.UUID], data: JSONBody[PackageCreate]
    ) -> KlageRead:
        case = await _klage_case(me, klage_id)
        saved = await service.do_send(me, case, klage_id, data)
        await record(me.actor, "klage.sent", str(case), klage=str(klage_id))
        return saved

    @post(
        "/klager/{klage_id:uuid}/svar",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér Ankestyrelsens afgørelse og dens følger",
        status_code=200,
    )
    async def answer(
        self, me: Me, klage_id: FromPath[uuid.UUID], data: JSONBody[AnswerCreate]
    ) -> KlageRead:
        case = await _klage_case(me, klage_id)
        saved = await service.do_answer(me, case, klage_id, data)
        await record(me.actor, "klage.answered", str(case), klage=str(klage_id))
        return saved
