"""Post's endpoints: a case's deliveries (caseworker), the print batches (administrator)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import access_case
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.post import repository as repo
from backend.post import service
from backend.post.schemas import DeliveryList, PrintBatchList, PrintBatchOut


def _batch(b: repo.BatchRow) -> PrintBatchOut:
    return PrintBatchOut(
        id=b.id, day=b.day, letters=b.letters, printed_at=b.printed_at, printed_by=b.printed_by
    )


class PostController(Controller):
    path = "/api"
    tags = ("Post",)

    @get(
        "/cases/{case_id:uuid}/deliveries",
        guards=[requires(Perm.CASE_READ)],
        summary="Forsendelser af sagens breve: kanal, status og fejl pr. modtager",
    )
    async def deliveries(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        letter_id: FromQuery[uuid.UUID | None] = None,
    ) -> DeliveryList:
        case = await access_case(me, case_id)
        items = await service.deliveries(case, letter_id)
        await record(me.actor, "case.read", str(case_id), view="deliveries")
        return DeliveryList(items=items)

    @get(
        "/post/print-batches",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Udskriftsbunker (fjernprint): åbne først, så de udskrevne",
    )
    async def print_batches(self, me: Me) -> PrintBatchList:
        return PrintBatchList(items=[_batch(b) for b in await repo.list_batches()])

    @get(
        "/post/print-batches/{batch_id:uuid}/pdf",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Hent bunken som én PDF: hvert brev efter en adresseside (revisionslogges)",
        media_type="application/pdf",
    )
    async def print_batch_pdf(self, me: Me, batch_id: FromPath[uuid.UUID]) -> Response[bytes]:
        batch, content = await service.batch_pdf(batch_id)
        await record(me.actor, "post.print_batch_downloaded", str(batch_id), letters=batch.letters)
        return Response(
            content,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="udskrift-{batch.day}.pdf"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    @post(
        "/post/print-batches/{batch_id:uuid}/printed",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Markér bunken som udskrevet og sendt: dens breve står som sendt",
        status_code=200,
    )
    async def mark_printed(self, me: Me, batch_id: FromPath[uuid.UUID]) -> PrintBatchOut:
        batch = await service.mark_printed(batch_id, me.actor)
        await record(me.actor, "post.print_batch_printed", str(batch_id), letters=batch.letters)
        return _batch(batch)
