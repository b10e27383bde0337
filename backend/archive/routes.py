"""Arkiveringsversioner for Rigsarkivet: the kommune administrator's (``reporting.manage``)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from litestar.response import Stream

from backend.archive import service
from backend.archive.schemas import (
    ArchiveVersionCreate,
    ArchiveVersionCreated,
    ArchiveVersionRead,
    version_read,
)
from backend.auth.principal import requires
from backend.core.permissions import Perm
from backend.core.principal import Me


class ArchiveController(Controller):
    path = "/api/admin/archive"
    tags = ("Rigsarkivet",)
    guards = [requires(Perm.REPORTING)]  # noqa: RUF012 - Litestar's class attribute

    @get("", summary="Arkiveringsversioner (de seneste 50)")
    async def list_versions(self) -> list[ArchiveVersionRead]:
        return [version_read(row, prog) for row, prog in await service.list_versions()]

    @post("", summary="Dan en arkiveringsversion af de sager, der blev lukket i perioden")
    async def create(self, me: Me, data: JSONBody[ArchiveVersionCreate]) -> ArchiveVersionCreated:
        """201 with the version's id; the job writes it (poll the list). 400 at
        ``period_from`` when no case was closed in the period: nothing is created."""
        return ArchiveVersionCreated(await service.do_request(me, data.period_from, data.period_to))

    @post(
        "/{version_id:uuid}/check",
        summary="Læs arkiveringsversionen tilbage igen",
        status_code=202,
    )
    async def check(self, me: Me, version_id: FromPath[uuid.UUID]) -> None:
        await service.do_check(me, version_id)

    @get(
        "/{version_id:uuid}/zip",
        summary="Hent arkiveringsversionen som zip (revisionslogges)",
        media_type="application/zip",
    )
    async def download(self, me: Me, version_id: FromPath[uuid.UUID]) -> Stream:
        row, root = await service.package(me, version_id)
        return Stream(
            service.zip_stream(root),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{row.avid}.1.zip"'},
        )
