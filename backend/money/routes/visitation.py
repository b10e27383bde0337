"""The visitation API: projected costs, visitation drafts with the manager's approval,
the approval queue, bevillinger and a case's economy (docs/money.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, cast

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import access_case
from backend.core.danish import today_dk
from backend.core.errors import FieldError, NotFound
from backend.core.permissions import Perm
from backend.core.principal import Me, Principal
from backend.money import catalogue, costs, visitation
from backend.money import repository as repo
from backend.money import settings as money_settings
from backend.money.routes.common import (
    cost_read,
    measure_label,
    payment_read,
    quantity_or_one,
    read_as,
    scope_teams,
)
from backend.money.schemas import (
    ApproveDraft,
    AttachBevilling,
    BevillingPriceRead,
    BevillingRead,
    CaseEconomy,
    DraftApprovalItem,
    DraftApprovals,
    DraftCreate,
    DraftLineCreate,
    DraftLineRead,
    DraftRead,
    Frequency,
    PaymentRead,
    ProjectedLine,
    Projection,
    ProjectionRequest,
    Versioned,
    WithReason,
)


async def _draft_read(draft_id: uuid.UUID, before: int | None = None) -> DraftRead:
    d = await repo.draft(draft_id)
    if d is None:
        raise NotFound("Udkastet findes ikke")
    rows, line_costs, total = await visitation.draft_costs(draft_id)
    rule = await money_settings.load()
    return read_as(
        DraftRead,
        d,
        status_label=visitation.STATUS_LABELS[d.status],
        lines=[
            read_as(
                DraftLineRead, r, measure_label=measure_label(r.measure_kind), cost=cost_read(c)
            )
            for r, c in zip(rows, line_costs, strict=True)
        ],
        total=cost_read(total),
        approval_required=rule.needs_approval(total.per_year),
        per_year_oere_submitted=d.per_year_oere,
        change_per_year_oere=None if before is None else total.per_year - before,
    )


async def _draft_case(me: Principal, draft_id: uuid.UUID) -> uuid.UUID:
    d = await repo.draft(draft_id)
    if d is None:
        raise NotFound("Udkastet findes ikke")
    try:
        await access_case(me, d.hovedsag_id)
    except NotFound as exc:
        raise NotFound("Udkastet findes ikke") from exc
    case_id: uuid.UUID = d.hovedsag_id
    return case_id


async def _per_year(draft_id: uuid.UUID) -> int:
    return (await visitation.draft_costs(draft_id))[2].per_year


def _bevilling(
    r: repo.BevillingRow,
    prices: list[repo.BevillingPriceRow] | None = None,
    pays: list[PaymentRead] | None = None,
) -> BevillingRead:
    return read_as(
        BevillingRead,
        r,
        measure_label=measure_label(r.measure_kind),
        prices=[read_as(BevillingPriceRead, p) for p in prices or []],
        payments=pays or [],
    )


class VisitationController(Controller):
    """Costs of composed measures, visitation drafts and their approval, bevillinger."""

    path = "/api/money"
    tags = ("Økonomi: visitation og bevillinger",)

    @post(
        "/projection",
        guards=[requires(Perm.CASE_READ)],
        summary="Forventet udgift for sammensatte indsatser (gemmes ikke)",
        status_code=200,
    )
    async def projection(self, data: JSONBody[ProjectionRequest]) -> Projection:
        if len(data.lines) > visitation.MAX_LINES:
            raise FieldError("lines", f"Højst {visitation.MAX_LINES} indsatser")
        lines = []
        for i, ln in enumerate(data.lines):
            quantity = quantity_or_one(ln.quantity)
            visitation.check_quantity(quantity)
            try:
                visitation.check_period(ln.starts_on, ln.ends_on, past_days=3660)
                offer = await visitation.check_offer(ln.offer_id, ln.measure_kind, ln.starts_on)
                freq = catalogue.check_frequency(offer.unit, ln.frequency)
            except FieldError as exc:
                raise FieldError(f"lines.{i}.{exc.field}", exc.message) from exc
            lines.append(costs.Line(ln.offer_id, freq, quantity, ln.starts_on, ln.ends_on))
        line_costs = await costs.project(lines)
        return Projection(
            lines=[
                # check_frequency allowed only these
                ProjectedLine(ln.key, cast(Frequency, ln.frequency), cost_read(c))
                for ln, c in zip(lines, line_costs, strict=True)
            ],
            total=cost_read(costs.totals(lines, line_costs)),
        )

    @get(
        "/cases/{case_id:uuid}/draft",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens åbne udkast til bevilling (404 hvis der ikke er et)",
    )
    async def case_draft(self, me: Me, case_id: FromPath[uuid.UUID]) -> DraftRead:
        await access_case(me, case_id)
        draft_id = await repo.open_draft_of(case_id)
        if draft_id is None:
            raise NotFound("Sagen har intet åbent udkast til bevilling")
        return await _draft_read(draft_id)

    @post(
        "/cases/{case_id:uuid}/draft",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Start et udkast til bevilling (visitation med udgifter)",
        status_code=201,
    )
    async def create_draft(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[DraftCreate],
    ) -> DraftRead:
        case = await access_case(me, case_id)
        draft_id = await visitation.do_create_draft(me.actor, case, data.paragraph, data.note)
        return await _draft_read(draft_id)

    @get(
        "/drafts/{draft_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="Et udkast med indsatser og forventede udgifter",
    )
    async def draft(self, me: Me, draft_id: FromPath[uuid.UUID]) -> DraftRead:
        await _draft_case(me, draft_id)
        return await _draft_read(draft_id)

    @post(
        "/drafts/{draft_id:uuid}/lines",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Tilføj en indsats til udkastet; svaret viser de nye udgifter og ændringen",
        status_code=201,
    )
    async def add_line(
        self,
        me: Me,
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[DraftLineCreate],
    ) -> DraftRead:
        await _draft_case(me, draft_id)
        before = await _per_year(draft_id)
        await visitation.do_add_line(
            me.actor,
            draft_id,
            measure_kind=data.measure_kind,
            offer_id=data.offer_id,
            quantity=quantity_or_one(data.quantity),
            frequency=data.frequency,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            note=data.note,
        )
        return await _draft_read(draft_id, before)

    @delete(
        "/drafts/{draft_id:uuid}/lines/{line_id:uuid}",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Fjern en indsats fra udkastet; svaret viser de nye udgifter og ændringen",
        status_code=200,
    )
    async def remove_line(
        self,
        me: Me,
        draft_id: FromPath[uuid.UUID],
        line_id: FromPath[uuid.UUID],
    ) -> DraftRead:
        await _draft_case(me, draft_id)
        before = await _per_year(draft_id)
        await visitation.do_remove_line(me.actor, draft_id, line_id)
        return await _draft_read(draft_id, before)

    @post(
        "/drafts/{draft_id:uuid}/submit",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Send udkastet til leders godkendelse (godkendes straks, hvis kommunen ikke "
        "kræver det)",
        status_code=200,
    )
    async def submit(
        self,
        me: Me,
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[Versioned],
    ) -> DraftRead:
        await _draft_case(me, draft_id)
        await visitation.do_submit(me.actor, draft_id, data.version)
        return await _draft_read(draft_id)

    @post(
        "/drafts/{draft_id:uuid}/withdraw",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Træk udkastet tilbage til kladde",
        status_code=200,
    )
    async def withdraw(
        self,
        me: Me,
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[Versioned],
    ) -> DraftRead:
        await _draft_case(me, draft_id)
        await visitation.do_withdraw(me.actor, draft_id, data.version)
        return await _draft_read(draft_id)

    @post(
        "/drafts/{draft_id:uuid}/approve",
        guards=[requires(Perm.CASE_APPROVE)],
        summary="Godkend udkastet som leder (ikke sit eget)",
        status_code=200,
    )
    async def approve(
        self,
        me: Me,
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[ApproveDraft],
    ) -> DraftRead:
        await _draft_case(me, draft_id)
        await visitation.do_approve(me.actor, draft_id, data.version, data.note)
        await record(me.actor, "money.draft.approved", str(draft_id))
        return await _draft_read(draft_id)

    @post(
        "/drafts/{draft_id:uuid}/return",
        guards=[requires(Perm.CASE_APPROVE)],
        summary="Send udkastet retur til sagsbehandleren med en begrundelse",
        status_code=200,
    )
    async def return_draft(
        self,
        me: Me,
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[WithReason],
    ) -> DraftRead:
        await _draft_case(me, draft_id)
        await visitation.do_return(me.actor, draft_id, data.version, data.reason)
        return await _draft_read(draft_id)

    @post(
        "/drafts/{draft_id:uuid}/cancel",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Annullér udkastet",
        status_code=200,
    )
    async def cancel_draft(
        self,
        me: Me,
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[WithReason],
    ) -> DraftRead:
        await _draft_case(me, draft_id)
        await visitation.do_cancel(me.actor, draft_id, data.version, data.reason)
        return await _draft_read(draft_id)

    @get(
        "/approvals",
        guards=[requires(Perm.CASE_APPROVE)],
        summary="Til godkendelse: udkast til bevilling og betalinger (egne teams eller kommunen)",
    )
    async def approvals(
        self,
        me: Me,
        scope_: Annotated[str | None, QueryParameter(name="scope")] = None,
    ) -> DraftApprovals:
        teams = await scope_teams(me, scope_ or "kommune")
        items = []
        for r in await repo.pending_approvals(teams):
            if r.kind == "bevilling":
                title = f"Udkast til bevilling efter § {r.paragraph} ({r.lines} indsatser)"
            else:
                assert r.period_from is not None and r.period_to is not None  # a payment's
                title = (
                    f"Betaling til {r.supplier} for {r.period_from.strftime('%d.%m.%Y')}"
                    f"–{r.period_to.strftime('%d.%m.%Y')}"
                )
            items.append(
                DraftApprovalItem(
                    kind=r.kind,
                    id=r.id,
                    hovedsag_id=r.hovedsag_id,
                    child_name=r.child_name,
                    team=r.team,
                    caseworker=r.caseworker,
                    submitted_by=r.submitted_by,
                    submitted_by_name=r.submitted_by_name,
                    submitted_at=r.submitted_at,
                    amount_oere=r.amount_oere,
                    title=title,
                    version=r.version,
                )
            )
        return DraftApprovals(items)

    @post(
        "/indsatser/{indsats_id:uuid}/bevilling",
        guards=[requires(Perm.CASE_APPROVE)],
        summary="Knyt leverandør og tilbud til en kørende indsats uden bevilling (leder)",
        status_code=201,
    )
    async def attach(
        self,
        me: Me,
        indsats_id: FromPath[uuid.UUID],
        data: JSONBody[AttachBevilling],
    ) -> BevillingRead:
        case_id = await repo.get_case_of_indsats(indsats_id)
        if case_id is None:
            raise NotFound("Indsatsen findes ikke")
        await access_case(me, case_id)
        bevilling_id = await visitation.do_attach_bevilling(
            me.actor,
            indsats_id,
            offer_id=data.offer_id,
            quantity=quantity_or_one(data.quantity),
            frequency=data.frequency,
            period_from=data.period_from,
            period_to=data.period_to,
        )
        rows = await repo.bevillinger(today_dk(), bevilling_id=bevilling_id)
        return _bevilling(rows[0])

    @get(
        "/cases/{case_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens økonomi: bevillinger, forventet og faktisk forbrug, betalinger, udkast",
    )
    async def case_economy(self, me: Me, case_id: FromPath[uuid.UUID]) -> CaseEconomy:
        await access_case(me, case_id)
        today = today_dk()
        rows = await repo.bevillinger(today, case_id=case_id)
        cond, args = repo.payment_filter(case_id=case_id)
        pays, _, _ = await repo.payments(cond, args, 1, 500)
        draft_id = await repo.open_draft_of(case_id)
        await record(me.actor, "case.read", str(case_id), view="economy")
        return CaseEconomy(
            hovedsag_id=case_id,
            bevillinger=[_bevilling(r) for r in rows],
            payments=[payment_read(p) for p in pays],
            draft=await _draft_read(draft_id) if draft_id else None,
            # As a draft's total: the month is the year's twelfth (money.costs).
            per_month_oere=costs.per_month_of(sum(r.per_year_oere for r in rows)),
            per_year_oere=sum(r.per_year_oere for r in rows),
            expected_to_date_oere=sum(r.expected_to_date_oere for r in rows),
            paid_oere=sum(r.paid_oere for r in rows),
        )

    @get(
        "/bevillinger/{bevilling_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="En bevilling med prishistorik og betalinger",
    )
    async def bevilling(self, me: Me, bevilling_id: FromPath[uuid.UUID]) -> BevillingRead:
        rows = await repo.bevillinger(today_dk(), bevilling_id=bevilling_id)
        if not rows:
            raise NotFound("Bevillingen findes ikke")
        try:
            await access_case(me, rows[0].hovedsag_id)
        except NotFound as exc:
            raise NotFound("Bevillingen findes ikke") from exc
        cond, args = repo.payment_filter(bevilling_id=bevilling_id)
        pays, _, _ = await repo.payments(cond, args, 1, 500)
        await record(me.actor, "case.read", str(rows[0].hovedsag_id), view="bevilling")
        return _bevilling(
            rows[0], await repo.bevilling_prices(bevilling_id), [payment_read(p) for p in pays]
        )
