"""Post's endpoints: a case's deliveries (caseworker), the print batches (administrator)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import ClientException, NotAuthorizedException
from litestar.params import FromPath, FromQuery
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import access_case
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.post import inbound, service
from backend.post import repository as repo
from backend.post.schemas import (
    DeliveryList,
    DeliveryOut,
    InboundReceipt,
    PrintBatchList,
    PrintBatchOut,
)
from tenancy.context import TenantUnavailable


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

    @post(
        "/cases/{case_id:uuid}/deliveries/{delivery_id:uuid}/resend",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Send en uafklaret e-mail igen (en ny afsendelse, med vilje)",
        status_code=200,
    )
    async def resend(
        self, me: Me, case_id: FromPath[uuid.UUID], delivery_id: FromPath[uuid.UUID]
    ) -> DeliveryOut:
        case = await access_case(me, case_id)
        found = await service.do_resend(me.actor, case, delivery_id)
        await record(me.actor, "post.resent", str(case), recipient=found.recipient_name)
        return found

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


@post(
    "/api/post/inbound/digital-post",
    opt={"public": True},
    tags=["Post"],
    status_code=200,
    summary="Svar fra en borger med Digital Post (uden session; HMAC med kommunens nøgle)",
    request_max_body_size=None,
)
async def inbound_digital_post(request: Request[Any, Any, Any]) -> InboundReceipt:
    """The body is the reply's MeMo message (XML). 401 without a valid signature, 413
    over ``TREKANT_DIGITAL_POST_INBOUND_MAX_BYTES``, 400 for a message that is not a
    valid MeMo reply to this kommune, 404 when it answers no letter sent to its sender."""
    limit = inbound.max_bytes()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ClientException("Beskeden er for stor", status_code=413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ClientException("Beskeden er for stor", status_code=413)
        chunks.append(chunk)
    body = b"".join(chunks)
    try:
        code = inbound.authenticate(
            request.headers.get("x-trekant-kommune"),
            request.headers.get("x-trekant-signature"),
            body,
        )
    except inbound.Unauthenticated as exc:
        raise NotAuthorizedException("Ugyldig eller manglende signatur") from exc
    try:
        new = await inbound.receive(code, body)
    except TenantUnavailable as exc:
        raise ClientException("Kommunen tager ikke imod post lige nu", status_code=503) from exc
    return InboundReceipt(status="modtaget" if new else "allerede_modtaget")
