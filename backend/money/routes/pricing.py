"""The price update API: preview, apply as a background job with progress, and revert
(finance)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from backend.auth.principal import requires
from backend.core.errors import NotFound
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.money import pricing, progress
from backend.money import repository as repo
from backend.money.routes.common import read_as
from backend.money.schemas import (
    JobProgress,
    PriceUpdateList,
    PriceUpdatePreview,
    PriceUpdateRead,
    PriceUpdateRequest,
)
from tenancy.context import current_scope


def _update_read(r: repo.PriceUpdateRow, prog: dict[str, Any], can_revert: bool) -> PriceUpdateRead:
    finished = r.status in ("faerdig", "fejlet", "tilbagefoert")
    shown = {} if finished and r.status != "faerdig" else prog
    if r.status == "faerdig" and prog.get("status") not in ("faerdig", "tilbagefoeres"):
        shown = {"status": "faerdig", "percent": 100}
    return read_as(
        PriceUpdateRead,
        r,
        status_label=pricing.STATUS_LABELS[r.status],
        preview=r.preview or {},
        result=r.result or {},
        progress=JobProgress(
            status=shown.get("status"),
            percent=shown.get("percent"),
            done=shown.get("done"),
            total=shown.get("total"),
            message=shown.get("message"),
        ),
        can_revert=can_revert,
    )


def _spec(data: PriceUpdateRequest) -> pricing.UpdateSpec:
    return pricing.UpdateSpec(
        offer_ids=list(data.offer_ids),
        effective_from=data.effective_from,
        percent=data.percent,
        amounts=dict(data.amounts) if data.amounts is not None else None,
    )


class PriceUpdateController(Controller):
    """Preview, apply (a job with progress) and revert price updates (finance)."""

    path = "/api/money/price-updates"
    tags = ("Økonomi: prisopdatering",)
    guards = [requires(Perm.FINANCE)]  # noqa: RUF012 - Litestar's declaration style

    @post("/preview", summary="Vis hvad en prisopdatering ændrer (intet gemmes)", status_code=200)
    async def preview(self, data: JSONBody[PriceUpdateRequest]) -> PriceUpdatePreview:
        summary = await pricing.preview(_spec(data))
        return msgspec.convert(summary, PriceUpdatePreview)

    @post("/", summary="Gennemfør en prisopdatering som baggrundsjob (svar 202)", status_code=202)
    async def request_update(self, me: Me, data: JSONBody[PriceUpdateRequest]) -> PriceUpdateRead:
        update_id = await pricing.do_request(me.actor, _spec(data), data.note)
        row = await repo.price_update(update_id)
        assert row is not None
        return _update_read(row, {"status": "venter", "percent": 0}, False)

    @get("/", summary="Prisopdateringer, nyeste først")
    async def list_updates(self) -> PriceUpdateList:
        rows = await repo.price_updates()
        running = [r.id for r in rows if r.status in ("venter", "tilbagefoeres")]
        progs = await progress.read_many(current_scope().code, running)
        return PriceUpdateList(
            [
                _update_read(r, progs.get(r.id, {}), r.status == "faerdig" and not r.later_exists)
                for r in rows
            ]
        )

    @get("/{update_id:uuid}", summary="En prisopdatering: status, fremdrift og resultat")
    async def get_update(self, update_id: FromPath[uuid.UUID]) -> PriceUpdateRead:
        r = await repo.price_update(update_id)
        if r is None:
            raise NotFound("Prisopdateringen findes ikke")
        prog = await progress.read(current_scope().code, update_id)
        can = r.status == "faerdig" and not await repo.later_update_exists(r)
        return _update_read(r, prog, can)

    @post(
        "/{update_id:uuid}/revert",
        summary="Tilbagefør en gennemført prisopdatering (baggrundsjob, svar 202)",
        status_code=202,
    )
    async def revert(self, me: Me, update_id: FromPath[uuid.UUID]) -> PriceUpdateRead:
        await pricing.do_request_revert(me.actor, update_id)
        row = await repo.price_update(update_id)
        assert row is not None
        return _update_read(row, {"status": "tilbagefoeres", "percent": 0}, False)
