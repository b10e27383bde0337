"""The payments API: payments against bevillinger, the manager's approval, the export
to the finance system, and expected against actual spending."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, cast

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import requires
from backend.core.danish import today_dk
from backend.core.errors import FieldError, NotFound
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.money import payments, spending
from backend.money import repository as repo
from backend.money.common import requires_any
from backend.money.routes.common import (
    payment_read,
    scope_teams,
)
from backend.money.schemas import (
    PaymentCreate,
    PaymentExportList,
    PaymentExportRead,
    PaymentPage,
    PaymentRead,
    Spending,
    SpendingGroup,
    Versioned,
    WithReason,
)


class PaymentController(Controller):
    """Payments against bevillinger, the manager's approval, the export to the finance
    system, and expected against actual spending."""

    path = "/api/money"
    tags = ("Økonomi: betalinger",)

    @post(
        "/payments",
        guards=[requires(Perm.FINANCE)],
        summary="Registrér en betaling på en bevilling (inden for dens periode)",
        status_code=201,
    )
    async def register(self, me: Me, data: JSONBody[PaymentCreate]) -> PaymentRead:
        payment_id, _ = await payments.do_register(
            me.actor,
            bevilling_id=data.bevilling_id,
            period_from=data.period_from,
            period_to=data.period_to,
            amount_oere=data.amount_oere,
            invoice_ref=data.invoice_ref,
            note=data.note,
        )
        row = await repo.payment(payment_id)
        assert row is not None
        return payment_read(row)

    @get(
        "/payments",
        guards=[requires_any(Perm.FINANCE, Perm.CASE_APPROVE)],
        summary="Betalinger (filtrér på status, bevilling, sag, leverandør, periode, eksport)",
    )
    async def list_payments(
        self,
        status: FromQuery[str | None] = None,
        bevilling_id: FromQuery[uuid.UUID | None] = None,
        case_id: FromQuery[uuid.UUID | None] = None,
        supplier_id: FromQuery[uuid.UUID | None] = None,
        period_from: FromQuery[date | None] = None,
        period_to: FromQuery[date | None] = None,
        export_id: FromQuery[uuid.UUID | None] = None,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 50,
    ) -> PaymentPage:
        if page < 1 or not (1 <= page_size <= 200):
            raise FieldError("page", "page >= 1 og 1 <= page_size <= 200")
        if status and status not in payments.STATUS_LABELS:
            raise FieldError("status", "Ukendt status")
        cond, args = repo.payment_filter(
            status=status,
            bevilling_id=bevilling_id,
            case_id=case_id,
            supplier_id=supplier_id,
            period_from=period_from,
            period_to=period_to,
            export_id=export_id,
        )
        rows, total, total_oere = await repo.payments(cond, args, page, page_size)
        return PaymentPage(
            items=[payment_read(r) for r in rows],
            total=total,
            total_oere=total_oere,
            page=page,
            page_size=page_size,
        )

    @post(
        "/payments/{payment_id:uuid}/approve",
        guards=[requires(Perm.CASE_APPROVE)],
        summary="Godkend en betaling som leder (ikke en, man selv har registreret)",
        status_code=200,
    )
    async def approve(
        self,
        me: Me,
        payment_id: FromPath[uuid.UUID],
        data: JSONBody[Versioned],
    ) -> PaymentRead:
        await payments.do_approve(me.actor, payment_id, data.version)
        row = await repo.payment(payment_id)
        assert row is not None
        return payment_read(row)

    @post(
        "/payments/{payment_id:uuid}/cancel",
        guards=[requires(Perm.FINANCE)],
        summary="Annullér en betaling, der ikke er eksporteret",
        status_code=200,
    )
    async def cancel(
        self,
        me: Me,
        payment_id: FromPath[uuid.UUID],
        data: JSONBody[WithReason],
    ) -> PaymentRead:
        await payments.do_cancel(me.actor, payment_id, data.version, data.reason)
        row = await repo.payment(payment_id)
        assert row is not None
        return payment_read(row)

    @post(
        "/payment-exports",
        guards=[requires(Perm.FINANCE)],
        summary="Eksportér alle godkendte betalinger til økonomisystemet (hver kun én gang)",
        status_code=201,
    )
    async def export(self, me: Me) -> PaymentExportRead:
        export_id = await payments.do_export(me.actor)
        row = next(r for r in await repo.payment_exports() if r.id == export_id)
        await record(
            me.actor,
            "money.payments.exported",
            str(export_id),
            payments=row.payment_count,
            total_oere=row.total_oere,
        )
        return row

    @get(
        "/payment-exports",
        guards=[requires(Perm.FINANCE)],
        summary="Eksporter til økonomisystemet",
    )
    async def exports(self) -> PaymentExportList:
        return PaymentExportList(await repo.payment_exports())

    @get(
        "/payment-exports/{export_id:uuid}/file",
        guards=[requires(Perm.FINANCE)],
        summary="Hent eksportfilen (CSV, se docs/money.md); hentningen revisionslogges",
        media_type="text/csv",
    )
    async def export_file(self, me: Me, export_id: FromPath[uuid.UUID]) -> Response[bytes]:
        row = await repo.payment_export_file(export_id)
        if row is None:
            raise NotFound("Eksporten findes ikke")
        await record(me.actor, "money.payments.export_downloaded", str(export_id))
        return Response(
            row.content,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{row.filename}"'},
        )

    @get(
        "/spending",
        guards=[requires_any(Perm.FINANCE, Perm.CASE_APPROVE, Perm.MI_READ)],
        summary="Forventet og faktisk forbrug pr. sag, team, indsatstype eller leverandør",
    )
    async def spending(
        self,
        me: Me,
        group_by: FromQuery[str] = "measure",
        period_from: FromQuery[date | None] = None,
        period_to: FromQuery[date | None] = None,
        scope_: Annotated[str | None, QueryParameter(name="scope")] = None,
    ) -> Spending:
        today = today_dk()
        a = period_from or date(today.year, 1, 1)
        b = period_to or date(today.year, 12, 31)
        teams = await scope_teams(me, scope_ or "kommune")
        rows = await spending.spending(group_by, a, b, teams)
        return Spending(
            group_by=cast(SpendingGroup, group_by),  # spending.spending refused others
            period_from=a,
            period_to=b,
            rows=rows,
            expected_oere=sum(r.expected_oere for r in rows),
            actual_oere=sum(r.actual_oere for r in rows),
        )
