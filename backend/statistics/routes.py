"""The Statistik screen: Danmarks Statistik deliveries (administrator, ``Perm.REPORTING``)."""

from __future__ import annotations

import uuid

from litestar import Controller, Response, get, post, put
from litestar.params import FromPath, JSONBody

from backend.auth.principal import requires
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.statistics import service
from backend.statistics.schemas import (
    DstCheck,
    DstDelivery,
    DstOverview,
    DstSetting,
    DstSettingUpdate,
)


class StatisticsController(Controller):
    path = "/api/statistics/dst"
    tags = ("Statistik",)
    guards = [requires(Perm.REPORTING)]  # noqa: RUF012 - Litestar reads a list

    @get("", summary="Danmarks Statistik: periode, frist, indberetninger og afviste poster")
    async def overview(self) -> DstOverview:
        return await service.overview()

    @post(
        "/check",
        status_code=200,
        summary="Kontrollér: hvad der skal indberettes, og poster der ikke kan sendes",
    )
    async def check(self, me: Me) -> DstCheck:
        return await service.check(me)

    @post("/deliveries", summary="Send til Danmarks Statistik (dannes nu, sendes af et job)")
    async def create(self, me: Me) -> DstDelivery:
        return await service.create_delivery(me)

    @get("/deliveries/{delivery_id:uuid}", summary="En indberetning og dens status")
    async def one(self, delivery_id: FromPath[uuid.UUID]) -> DstDelivery:
        return await service.delivery(delivery_id)

    @get(
        "/deliveries/{delivery_id:uuid}/xml",
        summary="Hent indberetningens XML, som den blev sendt",
        media_type="application/xml",
    )
    async def xml(self, me: Me, delivery_id: FromPath[uuid.UUID]) -> Response[bytes]:
        name, payload = await service.download(me, delivery_id)
        return Response(
            payload,
            media_type="application/xml",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )

    @put("/setting", summary="Send automatisk hver nat (til eller fra)")
    async def update_setting(self, me: Me, data: JSONBody[DstSettingUpdate]) -> DstSetting:
        return await service.do_update_setting(me, data)
