"""The money API (docs/money.md): catalogue and settings, projections and visitation drafts
with the manager's approval, bevillinger and a case's economy, price updates, payments
with their export, and expected against actual spending."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import Principal, current_principal, requires
from backend.casework.access import access_case
from backend.casework.repository import team_ids_of
from backend.core.danish import today_dk
from backend.core.measures import MEASURES
from backend.core.permissions import Perm
from backend.errors import Conflict, field_error, stale_conflict
from backend.money import catalogue, costs, payments, pricing, progress, spending, visitation
from backend.money import repository as repo
from backend.money import settings as money_settings
from backend.money.common import CaseError, MoneyConflict, NotAllowed, Stale, requires_any
from backend.money.schemas import (
    ApproveDraft,
    AttachBevilling,
    BevillingPriceRead,
    BevillingRead,
    CaseEconomy,
    CatalogueEventRead,
    CatalogueJournal,
    CatalogueOptions,
    CostRead,
    DraftApprovalItem,
    DraftApprovals,
    DraftCreate,
    DraftLineCreate,
    DraftLineRead,
    DraftRead,
    JobProgress,
    Label,
    MeasureTypeRead,
    MoneyCreated,
    MoneySettingsRead,
    MoneySettingsUpdate,
    MonthCost,
    OfferCreate,
    OfferRead,
    OfferUpdate,
    PaymentCreate,
    PaymentExportList,
    PaymentExportRead,
    PaymentPage,
    PaymentRead,
    PriceCreate,
    PriceEnd,
    PriceRead,
    PriceRetire,
    PriceUpdateList,
    PriceUpdatePreview,
    PriceUpdateRead,
    PriceUpdateRequest,
    ProjectedLine,
    Projection,
    ProjectionRequest,
    Spending,
    SpendingRow,
    SupplierCreate,
    SupplierRead,
    SupplierUpdate,
    Versioned,
    WithReason,
)
from tenancy.context import current_scope


@contextmanager
def translated(not_found: str = "Findes ikke", what: str = "Posten") -> Iterator[None]:
    """The money rules' errors as HTTP answers: 400 naming the field, 409 for a stale
    version or a state that does not allow it, 403 for what this user may not do to this
    record, 404 for what is not here."""
    try:
        yield
    except CaseError as exc:
        raise field_error(exc.field, exc.message) from exc
    except Stale as exc:
        raise stale_conflict(exc, what) from exc
    except MoneyConflict as exc:
        raise Conflict(exc.message) from exc
    except NotAllowed as exc:
        raise PermissionDeniedException(exc.message) from exc
    except LookupError as exc:
        raise NotFoundException(not_found) from exc


def _cost(c: costs.LineCost | costs.Totals) -> CostRead:
    return CostRead(
        per_month_oere=c.per_month,
        per_year_oere=c.per_year,
        one_off_oere=c.one_off,
        until_end_oere=c.until_end,
        months=[MonthCost(m.strftime("%Y-%m"), a) for m, a in c.months],
        unpriced_days=c.unpriced_days,
    )


def _quantity(value: Decimal | None) -> Decimal:
    return Decimal(1) if value is None else value


def _label(kind: str) -> str:
    mt = catalogue.MEASURE_TYPES.get(kind)
    return mt.label if mt else kind


def _offer(row: dict[str, Any], prices: list[dict[str, Any]] | None = None) -> OfferRead:
    return OfferRead(
        id=row["id"],
        supplier_id=row["supplier_id"],
        supplier_name=row["supplier_name"],
        name=row["name"],
        measure_kind=row["measure_kind"],
        measure_label=_label(row["measure_kind"]),
        unit=row["unit"],
        tilbudsportalen_id=row["tilbudsportalen_id"],
        active=row["active"],
        version=row["version"],
        current_price_oere=row["current_price_oere"],
        prices=[_price(p) for p in prices or []],
    )


def _price(p: dict[str, Any]) -> PriceRead:
    return PriceRead(
        id=p["id"],
        valid_from=p["valid_from"],
        valid_to=p["valid_to"],
        amount_oere=p["amount_oere"],
        note=p["note"],
        created_by=p["created_by"],
        created_at=p["created_at"],
        price_update_id=p["price_update_id"],
        active=p["active"],
        retired_at=p["retired_at"],
        retired_by=p["retired_by"],
        retired_reason=p["retired_reason"],
    )


def _supplier(row: dict[str, Any], offers: list[OfferRead] | None = None) -> SupplierRead:
    return SupplierRead(
        id=row["id"],
        name=row["name"],
        cvr=row["cvr"],
        kind=row["kind"],
        kind_label=catalogue.SUPPLIER_KINDS[row["kind"]],
        tilbudsportalen_id=row["tilbudsportalen_id"],
        address=row["address"],
        active=row["active"],
        version=row["version"],
        offers=offers or [],
        offer_count=row.get("offer_count", len(offers or [])),
    )


def _changes(data: msgspec.Struct, fields: tuple[str, ...]) -> dict[str, Any]:
    return {
        f: getattr(data, f) for f in fields if getattr(data, f, msgspec.UNSET) is not msgspec.UNSET
    }


class CatalogueController(Controller):
    """Measure types, suppliers, offers and prices; every change journalised."""

    path = "/api/money"
    tags = ("Økonomi: katalog",)

    @get(
        "/options",
        guards=[requires(Perm.CASE_READ)],
        summary="Indsatstyper, enheder og leverandørtyper",
    )
    async def options(self) -> CatalogueOptions:
        return CatalogueOptions(
            measure_types=[
                MeasureTypeRead(
                    kind=m.kind,
                    label=m.label,
                    group=m.group,
                    paragraphs=list(m.paragraphs),
                    basis=m.basis,
                    placement=m.placement,
                    kontoplan=m.kontoplan,
                    decidable=m.decidable,
                )
                for m in catalogue.MEASURE_TYPES.values()
            ],
            units=[Label(k, v) for k, v in catalogue.UNITS.items()],
            frequencies=[Label(k, v) for k, v in catalogue.FREQUENCIES.items()],
            unit_frequencies={k: list(v) for k, v in catalogue.UNIT_FREQUENCIES.items()},
            supplier_kinds=[Label(k, v) for k, v in catalogue.SUPPLIER_KINDS.items()],
            person_supplier_kinds=sorted(catalogue.PERSON_SUPPLIERS),
        )

    @get("/suppliers", guards=[requires(Perm.CASE_READ)], summary="Leverandører")
    async def suppliers(
        self,
        q: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        active: FromQuery[bool | None] = None,
    ) -> list[SupplierRead]:
        return [_supplier(r) for r in await repo.suppliers(q, kind, active)]

    @post(
        "/suppliers",
        guards=[requires(Perm.FINANCE)],
        summary="Opret en leverandør",
        status_code=201,
    )
    async def create_supplier(
        self, request: Request[Any, Any, Any], data: JSONBody[SupplierCreate]
    ) -> MoneyCreated:
        me = current_principal(request)
        with translated():
            supplier_id = await catalogue.do_create_supplier(
                me.actor,
                name=data.name,
                kind=data.kind,
                cvr=data.cvr,
                tilbudsportalen_id=data.tilbudsportalen_id,
                address=data.address,
            )
        return MoneyCreated(supplier_id)

    @get(
        "/suppliers/{supplier_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="En leverandør med tilbud og aktuelle priser",
    )
    async def supplier(self, supplier_id: FromPath[uuid.UUID]) -> SupplierRead:
        row = await repo.supplier(supplier_id)
        if row is None:
            raise NotFoundException("Leverandøren findes ikke")
        offers = await repo.offers(today_dk(), supplier_id=supplier_id)
        return _supplier(row, [_offer(o) for o in offers])

    @patch(
        "/suppliers/{supplier_id:uuid}",
        guards=[requires(Perm.FINANCE)],
        summary="Ret en leverandør (felter der sendes; version for samtidighed)",
    )
    async def update_supplier(
        self,
        request: Request[Any, Any, Any],
        supplier_id: FromPath[uuid.UUID],
        data: JSONBody[SupplierUpdate],
    ) -> SupplierRead:
        me = current_principal(request)
        with translated("Leverandøren findes ikke", "Leverandøren"):
            await catalogue.do_update_supplier(
                me.actor, supplier_id, data.version, _changes(data, catalogue.SUPPLIER_FIELDS)
            )
        row = await repo.supplier(supplier_id)
        assert row is not None
        return _supplier(row)

    @post(
        "/suppliers/{supplier_id:uuid}/offers",
        guards=[requires(Perm.FINANCE)],
        summary="Opret et tilbud hos leverandøren (evt. med første pris)",
        status_code=201,
    )
    async def create_offer(
        self,
        request: Request[Any, Any, Any],
        supplier_id: FromPath[uuid.UUID],
        data: JSONBody[OfferCreate],
    ) -> MoneyCreated:
        me = current_principal(request)
        first = data.first_price
        with translated("Leverandøren findes ikke"):
            offer_id = await catalogue.do_create_offer(
                me.actor,
                supplier_id,
                name=data.name,
                measure_kind=data.measure_kind,
                unit=data.unit,
                tilbudsportalen_id=data.tilbudsportalen_id,
                first_price=(first.valid_from, first.valid_to, first.amount_oere)
                if first
                else None,
            )
        return MoneyCreated(offer_id)

    @get(
        "/offers",
        guards=[requires(Perm.CASE_READ)],
        summary="Tilbud (fx til en indsatstype med pris på en dato)",
    )
    async def offers(
        self,
        measure_kind: FromQuery[str | None] = None,
        supplier_id: FromQuery[uuid.UUID | None] = None,
        on: FromQuery[date | None] = None,
        active: FromQuery[bool | None] = None,
        priced: FromQuery[bool] = False,
    ) -> list[OfferRead]:
        rows = await repo.offers(
            on or today_dk(),
            supplier_id=supplier_id,
            measure_kind=measure_kind,
            active=active,
            priced=priced,
        )
        return [_offer(r) for r in rows]

    @get(
        "/offers/{offer_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="Et tilbud med prishistorik (også ændrede og fjernede priser)",
    )
    async def offer(self, offer_id: FromPath[uuid.UUID]) -> OfferRead:
        row = await repo.offer(offer_id, today_dk())
        if row is None:
            raise NotFoundException("Tilbuddet findes ikke")
        return _offer(row, await repo.offer_prices(offer_id, include_retired=True))

    @patch(
        "/offers/{offer_id:uuid}",
        guards=[requires(Perm.FINANCE)],
        summary="Ret et tilbud (navn, Tilbudsportalen-reference, aktiv)",
    )
    async def update_offer(
        self,
        request: Request[Any, Any, Any],
        offer_id: FromPath[uuid.UUID],
        data: JSONBody[OfferUpdate],
    ) -> OfferRead:
        me = current_principal(request)
        with translated("Tilbuddet findes ikke", "Tilbuddet"):
            await catalogue.do_update_offer(
                me.actor, offer_id, data.version, _changes(data, catalogue.OFFER_FIELDS)
            )
        row = await repo.offer(offer_id, today_dk())
        assert row is not None
        return _offer(row)

    @post(
        "/offers/{offer_id:uuid}/prices",
        guards=[requires(Perm.FINANCE)],
        summary="Tilføj en pris (må ikke overlappe en gældende pris)",
        status_code=201,
    )
    async def add_price(
        self,
        request: Request[Any, Any, Any],
        offer_id: FromPath[uuid.UUID],
        data: JSONBody[PriceCreate],
    ) -> MoneyCreated:
        me = current_principal(request)
        with translated("Tilbuddet findes ikke"):
            price_id = await catalogue.do_add_price(
                me.actor,
                offer_id,
                valid_from=data.valid_from,
                valid_to=data.valid_to,
                amount_oere=data.amount_oere,
                note=data.note,
                end_previous=data.end_previous,
            )
        return MoneyCreated(price_id)

    @post(
        "/prices/{price_id:uuid}/end",
        guards=[requires(Perm.FINANCE)],
        summary="Afslut en pris på en dato",
        status_code=201,
    )
    async def end_price(
        self,
        request: Request[Any, Any, Any],
        price_id: FromPath[uuid.UUID],
        data: JSONBody[PriceEnd],
    ) -> MoneyCreated:
        me = current_principal(request)
        with translated("Prisen findes ikke"):
            new_id = await catalogue.do_end_price(me.actor, price_id, data.valid_to, data.reason)
        return MoneyCreated(new_id)

    @post(
        "/prices/{price_id:uuid}/retire",
        guards=[requires(Perm.FINANCE)],
        summary="Fjern en fejlindtastet pris (med begrundelse; historikken bevares)",
        status_code=200,
    )
    async def retire_price(
        self,
        request: Request[Any, Any, Any],
        price_id: FromPath[uuid.UUID],
        data: JSONBody[PriceRetire],
    ) -> dict[str, str]:
        me = current_principal(request)
        with translated("Prisen findes ikke"):
            await catalogue.do_retire_price(me.actor, price_id, data.reason)
        return {"status": "ok"}

    @get(
        "/catalogue/journal",
        guards=[requires_any(Perm.FINANCE, Perm.CASE_APPROVE, Perm.AUDIT_READ)],
        summary="Katalogets journal: hver ændring af leverandører, tilbud, priser og regler",
    )
    async def journal(
        self,
        entity_id: FromQuery[uuid.UUID | None] = None,
        entity: FromQuery[str | None] = None,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 50,
    ) -> CatalogueJournal:
        if page < 1 or not (1 <= page_size <= 200):
            raise field_error("page", "page >= 1 og 1 <= page_size <= 200")
        rows, total = await repo.catalogue_journal(entity_id, entity, page, page_size)
        return CatalogueJournal(
            items=[CatalogueEventRead(**r) for r in rows],
            total=total,
            page=page,
            page_size=page_size,
        )

    @get(
        "/settings",
        guards=[requires_any(Perm.USERS_MANAGE, Perm.FINANCE, Perm.CASE_APPROVE, Perm.CASE_WRITE)],
        summary="Kommunens regler for godkendelse af bevillinger og betalinger",
    )
    async def get_settings(self) -> MoneySettingsRead:
        s = await money_settings.load()
        return _settings(s)

    @put(
        "/settings",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Sæt kommunens regler for godkendelse (administrator)",
    )
    async def put_settings(
        self, request: Request[Any, Any, Any], data: JSONBody[MoneySettingsUpdate]
    ) -> MoneySettingsRead:
        me = current_principal(request)
        with translated():
            s = await money_settings.do_update(
                me.actor,
                money_settings.MoneySettings(
                    data.bevilling_approval,
                    data.bevilling_approval_threshold_oere,
                    data.payment_approval,
                ),
            )
        await record(me.actor, "money.settings.changed", None, **s.__dict__)
        return _settings(s)


def _settings(s: money_settings.MoneySettings) -> MoneySettingsRead:
    return MoneySettingsRead(
        bevilling_approval=s.bevilling_approval,
        bevilling_approval_threshold_oere=s.bevilling_approval_threshold_oere,
        payment_approval=s.payment_approval,
        approval_modes=[Label(k, v) for k, v in money_settings.APPROVAL_MODES.items()],
    )


async def _draft_read(draft_id: uuid.UUID, before: int | None = None) -> DraftRead:
    d = await repo.draft(draft_id)
    if d is None:
        raise NotFoundException("Udkastet findes ikke")
    rows, line_costs, total = await visitation.draft_costs(draft_id)
    rule = await money_settings.load()
    return DraftRead(
        id=d["id"],
        hovedsag_id=d["hovedsag_id"],
        child_name=d["child_name"],
        paragraph=d["paragraph"],
        status=d["status"],
        status_label=visitation.STATUS_LABELS[d["status"]],
        version=d["version"],
        note=d["note"],
        created_by=d["created_by"],
        created_at=d["created_at"],
        changed_by=d["changed_by"],
        changed_at=d["changed_at"],
        lines=[
            DraftLineRead(
                id=r["id"],
                position=r["position"],
                measure_kind=r["measure_kind"],
                measure_label=_label(r["measure_kind"]),
                offer_id=r["offer_id"],
                offer_name=r["offer_name"],
                supplier_id=r["supplier_id"],
                supplier_name=r["supplier_name"],
                unit=r["unit"],
                quantity=r["quantity"],
                frequency=r["frequency"],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                note=r["note"],
                cost=_cost(c),
                bevilling_id=r["bevilling_id"],
                indsats_id=r["indsats_id"],
            )
            for r, c in zip(rows, line_costs, strict=True)
        ],
        total=_cost(total),
        approval_required=rule.needs_approval(total.per_year),
        submitted_by=d["submitted_by"],
        submitted_by_name=d["submitted_by_name"],
        submitted_at=d["submitted_at"],
        per_year_oere_submitted=d["per_year_oere"],
        approved_by=d["approved_by"],
        approved_by_name=d["approved_by_name"],
        approved_at=d["approved_at"],
        approval_note=d["approval_note"],
        returned_by=d["returned_by"],
        returned_by_name=d["returned_by_name"],
        returned_at=d["returned_at"],
        return_reason=d["return_reason"],
        afgoerelse_id=d["afgoerelse_id"],
        change_per_year_oere=None if before is None else total.per_year - before,
    )


async def _draft_case(me: Principal, draft_id: uuid.UUID) -> uuid.UUID:
    d = await repo.draft(draft_id)
    if d is None:
        raise NotFoundException("Udkastet findes ikke")
    try:
        await access_case(me, d["hovedsag_id"])
    except NotFoundException as exc:
        raise NotFoundException("Udkastet findes ikke") from exc
    case_id: uuid.UUID = d["hovedsag_id"]
    return case_id


async def _per_year(draft_id: uuid.UUID) -> int:
    return (await visitation.draft_costs(draft_id))[2].per_year


def _bevilling(
    r: dict[str, Any],
    prices: list[dict[str, Any]] | None = None,
    pays: list[PaymentRead] | None = None,
) -> BevillingRead:
    return BevillingRead(
        id=r["id"],
        hovedsag_id=r["hovedsag_id"],
        indsats_id=r["indsats_id"],
        afgoerelse_id=r["afgoerelse_id"],
        measure_kind=r["measure_kind"],
        measure_label=_label(r["measure_kind"]),
        paragraph=r["paragraph"],
        offer_id=r["offer_id"],
        offer_name=r["offer_name"],
        supplier_id=r["supplier_id"],
        supplier_name=r["supplier_name"],
        unit=r["unit"],
        quantity=r["quantity"],
        frequency=r["frequency"],
        period_from=r["period_from"],
        period_to=r["period_to"],
        ends_on=r["ends_on"],
        approved_by=r["approved_by"],
        approved_by_name=r["approved_by_name"],
        approved_at=r["approved_at"],
        current_price_oere=r["current_price_oere"],
        per_month_oere=r["per_month_oere"],
        per_year_oere=r["per_year_oere"],
        until_end_oere=r["until_end_oere"],
        expected_to_date_oere=r["expected_to_date_oere"],
        paid_oere=r["paid_oere"],
        pending_oere=r["pending_oere"],
        prices=[
            BevillingPriceRead(
                id=p["id"],
                valid_from=p["valid_from"],
                valid_to=p["valid_to"],
                amount_oere=p["amount_oere"],
                price_update_id=p["price_update_id"],
                active=p["active"],
                created_by=p["created_by"],
                created_at=p["created_at"],
                retired_at=p["retired_at"],
            )
            for p in prices or []
        ],
        payments=pays or [],
    )


def _payment(r: dict[str, Any]) -> PaymentRead:
    return PaymentRead(
        id=r["id"],
        bevilling_id=r["bevilling_id"],
        hovedsag_id=r["hovedsag_id"],
        child_name=r["child_name"],
        supplier_name=r["supplier_name"],
        measure_label=_label(r["measure_kind"]),
        period_from=r["period_from"],
        period_to=r["period_to"],
        amount_oere=r["amount_oere"],
        invoice_ref=r["invoice_ref"],
        note=r["note"],
        status=r["status"],
        status_label=payments.STATUS_LABELS[r["status"]],
        registered_by=r["registered_by"],
        registered_by_name=r["registered_by_name"],
        registered_at=r["registered_at"],
        approved_by=r["approved_by"],
        approved_by_name=r["approved_by_name"],
        approved_at=r["approved_at"],
        export_id=r["export_id"],
        cancel_reason=r["cancel_reason"],
        version=r["version"],
    )


async def _scope_teams(me: Principal, scope: str | None) -> list[uuid.UUID] | None:
    """``None`` (the whole kommune) or the manager's teams. Finance and kommune-wide MI
    see the kommune; a manager chooses, and sees their teams by default."""
    if scope not in (None, "", "teams", "kommune"):
        raise field_error("scope", "Vælg teams eller kommune")
    if scope == "kommune" or Perm.CASE_APPROVE not in me.permissions:
        return None
    teams = [t[0] for t in await team_ids_of(me.user_id)]
    if scope == "teams":
        return teams
    return teams or None


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
            raise field_error("lines", f"Højst {visitation.MAX_LINES} indsatser")
        lines = []
        with translated():
            for i, ln in enumerate(data.lines):
                quantity = _quantity(ln.quantity)
                visitation.check_quantity(quantity)
                try:
                    visitation.check_period(ln.starts_on, ln.ends_on, past_days=3660)
                    offer = await visitation.check_offer(ln.offer_id, ln.measure_kind, ln.starts_on)
                    freq = catalogue.check_frequency(offer["unit"], ln.frequency)
                except CaseError as exc:
                    raise CaseError(f"lines.{i}.{exc.field}", exc.message) from exc
                lines.append(costs.Line(ln.offer_id, freq, quantity, ln.starts_on, ln.ends_on))
        line_costs = await costs.project(lines)
        return Projection(
            lines=[
                ProjectedLine(ln.key, ln.frequency, _cost(c))
                for ln, c in zip(lines, line_costs, strict=True)
            ],
            total=_cost(costs.totals(lines, line_costs)),
        )

    @get(
        "/cases/{case_id:uuid}/draft",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens åbne udkast til bevilling (404 hvis der ikke er et)",
    )
    async def case_draft(
        self, request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID]
    ) -> DraftRead:
        me = current_principal(request)
        await access_case(me, case_id)
        draft_id = await repo.open_draft_of(case_id)
        if draft_id is None:
            raise NotFoundException("Sagen har intet åbent udkast til bevilling")
        return await _draft_read(draft_id)

    @post(
        "/cases/{case_id:uuid}/draft",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Start et udkast til bevilling (visitation med udgifter)",
        status_code=201,
    )
    async def create_draft(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[uuid.UUID],
        data: JSONBody[DraftCreate],
    ) -> DraftRead:
        me = current_principal(request)
        case = await access_case(me, case_id)
        with translated("Sagen findes ikke eller er lukket"):
            draft_id = await visitation.do_create_draft(me.actor, case, data.paragraph, data.note)
        return await _draft_read(draft_id)

    @get(
        "/drafts/{draft_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="Et udkast med indsatser og forventede udgifter",
    )
    async def draft(
        self, request: Request[Any, Any, Any], draft_id: FromPath[uuid.UUID]
    ) -> DraftRead:
        await _draft_case(current_principal(request), draft_id)
        return await _draft_read(draft_id)

    @post(
        "/drafts/{draft_id:uuid}/lines",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Tilføj en indsats til udkastet; svaret viser de nye udgifter og ændringen",
        status_code=201,
    )
    async def add_line(
        self,
        request: Request[Any, Any, Any],
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[DraftLineCreate],
    ) -> DraftRead:
        me = current_principal(request)
        await _draft_case(me, draft_id)
        before = await _per_year(draft_id)
        with translated("Udkastet findes ikke", "Udkastet"):
            await visitation.do_add_line(
                me.actor,
                draft_id,
                measure_kind=data.measure_kind,
                offer_id=data.offer_id,
                quantity=_quantity(data.quantity),
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
        request: Request[Any, Any, Any],
        draft_id: FromPath[uuid.UUID],
        line_id: FromPath[uuid.UUID],
    ) -> DraftRead:
        me = current_principal(request)
        await _draft_case(me, draft_id)
        before = await _per_year(draft_id)
        with translated("Indsatsen findes ikke i udkastet", "Udkastet"):
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
        request: Request[Any, Any, Any],
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[Versioned],
    ) -> DraftRead:
        me = current_principal(request)
        await _draft_case(me, draft_id)
        with translated("Udkastet findes ikke", "Udkastet"):
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
        request: Request[Any, Any, Any],
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[Versioned],
    ) -> DraftRead:
        me = current_principal(request)
        await _draft_case(me, draft_id)
        with translated("Udkastet findes ikke", "Udkastet"):
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
        request: Request[Any, Any, Any],
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[ApproveDraft],
    ) -> DraftRead:
        me = current_principal(request)
        await _draft_case(me, draft_id)
        with translated("Udkastet findes ikke", "Udkastet"):
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
        request: Request[Any, Any, Any],
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[WithReason],
    ) -> DraftRead:
        me = current_principal(request)
        await _draft_case(me, draft_id)
        with translated("Udkastet findes ikke", "Udkastet"):
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
        request: Request[Any, Any, Any],
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[WithReason],
    ) -> DraftRead:
        me = current_principal(request)
        await _draft_case(me, draft_id)
        with translated("Udkastet findes ikke", "Udkastet"):
            await visitation.do_cancel(me.actor, draft_id, data.version, data.reason)
        return await _draft_read(draft_id)

    @get(
        "/approvals",
        guards=[requires(Perm.CASE_APPROVE)],
        summary="Til godkendelse: udkast til bevilling og betalinger (egne teams eller kommunen)",
    )
    async def approvals(
        self,
        request: Request[Any, Any, Any],
        scope_: Annotated[str | None, QueryParameter(name="scope")] = None,
    ) -> DraftApprovals:
        me = current_principal(request)
        teams = await _scope_teams(me, scope_ or "kommune")
        items = []
        for r in await repo.pending_approvals(teams):
            if r["kind"] == "bevilling":
                title = f"Udkast til bevilling efter § {r['paragraph']} ({r['lines']} indsatser)"
            else:
                title = (
                    f"Betaling til {r['supplier']} for {r['period_from'].strftime('%d.%m.%Y')}"
                    f"–{r['period_to'].strftime('%d.%m.%Y')}"
                )
            items.append(
                DraftApprovalItem(
                    kind=r["kind"],
                    id=r["id"],
                    hovedsag_id=r["hovedsag_id"],
                    child_name=r["child_name"],
                    team=r["team"],
                    caseworker=r["caseworker"],
                    submitted_by=r["submitted_by"],
                    submitted_by_name=r["submitted_by_name"],
                    submitted_at=r["submitted_at"],
                    amount_oere=r["amount_oere"],
                    title=title,
                    version=r["version"],
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
        request: Request[Any, Any, Any],
        indsats_id: FromPath[uuid.UUID],
        data: JSONBody[AttachBevilling],
    ) -> BevillingRead:
        me = current_principal(request)
        case_id = await current_scope().connection.fetchval(
            "SELECT hovedsag_id FROM indsats WHERE id = $1", indsats_id
        )
        if case_id is None:
            raise NotFoundException("Indsatsen findes ikke")
        await access_case(me, case_id)
        with translated("Indsatsen findes ikke"):
            bevilling_id = await visitation.do_attach_bevilling(
                me.actor,
                indsats_id,
                offer_id=data.offer_id,
                quantity=_quantity(data.quantity),
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
    async def case_economy(
        self, request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID]
    ) -> CaseEconomy:
        me = current_principal(request)
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
            payments=[_payment(p) for p in pays],
            draft=await _draft_read(draft_id) if draft_id else None,
            # As a draft's total: the month is the year's twelfth (money.costs).
            per_month_oere=costs.per_month_of(sum(r["per_year_oere"] for r in rows)),
            per_year_oere=sum(r["per_year_oere"] for r in rows),
            expected_to_date_oere=sum(r["expected_to_date_oere"] for r in rows),
            paid_oere=sum(r["paid_oere"] for r in rows),
        )

    @get(
        "/bevillinger/{bevilling_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="En bevilling med prishistorik og betalinger",
    )
    async def bevilling(
        self, request: Request[Any, Any, Any], bevilling_id: FromPath[uuid.UUID]
    ) -> BevillingRead:
        me = current_principal(request)
        rows = await repo.bevillinger(today_dk(), bevilling_id=bevilling_id)
        if not rows:
            raise NotFoundException("Bevillingen findes ikke")
        try:
            await access_case(me, rows[0]["hovedsag_id"])
        except NotFoundException as exc:
            raise NotFoundException("Bevillingen findes ikke") from exc
        cond, args = repo.payment_filter(bevilling_id=bevilling_id)
        pays, _, _ = await repo.payments(cond, args, 1, 500)
        await record(me.actor, "case.read", str(rows[0]["hovedsag_id"]), view="bevilling")
        return _bevilling(
            rows[0], await repo.bevilling_prices(bevilling_id), [_payment(p) for p in pays]
        )


def _update_read(r: dict[str, Any], prog: dict[str, Any], can_revert: bool) -> PriceUpdateRead:
    finished = r["status"] in ("faerdig", "fejlet", "tilbagefoert")
    shown = {} if finished and r["status"] != "faerdig" else prog
    if r["status"] == "faerdig" and prog.get("status") not in ("faerdig", "tilbagefoeres"):
        shown = {"status": "faerdig", "percent": 100}
    return PriceUpdateRead(
        id=r["id"],
        offer_ids=list(r["offer_ids"]),
        effective_from=r["effective_from"],
        percent=r["percent"],
        amounts=r["amounts"],
        note=r["note"],
        status=r["status"],
        status_label=pricing.STATUS_LABELS[r["status"]],
        requested_by=r["requested_by"],
        requested_at=r["requested_at"],
        applied_at=r["applied_at"],
        reverted_at=r["reverted_at"],
        error=r["error"],
        revert_error=r["revert_error"],
        preview=r["preview"] or {},
        result=r["result"] or {},
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
        with translated():
            summary = await pricing.preview(_spec(data))
        return msgspec.convert(summary, PriceUpdatePreview)

    @post("/", summary="Gennemfør en prisopdatering som baggrundsjob (svar 202)", status_code=202)
    async def request_update(
        self, request: Request[Any, Any, Any], data: JSONBody[PriceUpdateRequest]
    ) -> PriceUpdateRead:
        me = current_principal(request)
        with translated():
            update_id = await pricing.do_request(me.actor, _spec(data), data.note)
        row = await repo.price_update(update_id)
        assert row is not None
        return _update_read(row, {"status": "venter", "percent": 0}, False)

    @get("/", summary="Prisopdateringer, nyeste først")
    async def list_updates(self) -> PriceUpdateList:
        code = current_scope().code
        items = []
        for r in await repo.price_updates():
            prog = (
                await progress.read(code, r["id"])
                if r["status"] in ("venter", "tilbagefoeres")
                else {}
            )
            can = r["status"] == "faerdig" and not await repo.later_update_exists(r)
            items.append(_update_read(r, prog, can))
        return PriceUpdateList(items)

    @get("/{update_id:uuid}", summary="En prisopdatering: status, fremdrift og resultat")
    async def get_update(self, update_id: FromPath[uuid.UUID]) -> PriceUpdateRead:
        r = await repo.price_update(update_id)
        if r is None:
            raise NotFoundException("Prisopdateringen findes ikke")
        prog = await progress.read(current_scope().code, update_id)
        can = r["status"] == "faerdig" and not await repo.later_update_exists(r)
        return _update_read(r, prog, can)

    @post(
        "/{update_id:uuid}/revert",
        summary="Tilbagefør en gennemført prisopdatering (baggrundsjob, svar 202)",
        status_code=202,
    )
    async def revert(
        self, request: Request[Any, Any, Any], update_id: FromPath[uuid.UUID]
    ) -> PriceUpdateRead:
        me = current_principal(request)
        with translated("Prisopdateringen findes ikke"):
            await pricing.do_request_revert(me.actor, update_id)
        row = await repo.price_update(update_id)
        assert row is not None
        return _update_read(row, {"status": "tilbagefoeres", "percent": 0}, False)


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
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[PaymentCreate]
    ) -> PaymentRead:
        me = current_principal(request)
        with translated():
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
        return _payment(row)

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
            raise field_error("page", "page >= 1 og 1 <= page_size <= 200")
        if status and status not in payments.STATUS_LABELS:
            raise field_error("status", "Ukendt status")
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
            items=[_payment(r) for r in rows],
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
        request: Request[Any, Any, Any],
        payment_id: FromPath[uuid.UUID],
        data: JSONBody[Versioned],
    ) -> PaymentRead:
        me = current_principal(request)
        with translated("Betalingen findes ikke", "Betalingen"):
            await payments.do_approve(me.actor, payment_id, data.version)
        row = await repo.payment(payment_id)
        assert row is not None
        return _payment(row)

    @post(
        "/payments/{payment_id:uuid}/cancel",
        guards=[requires(Perm.FINANCE)],
        summary="Annullér en betaling, der ikke er eksporteret",
        status_code=200,
    )
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        payment_id: FromPath[uuid.UUID],
        data: JSONBody[WithReason],
    ) -> PaymentRead:
        me = current_principal(request)
        with translated("Betalingen findes ikke", "Betalingen"):
            await payments.do_cancel(me.actor, payment_id, data.version, data.reason)
        row = await repo.payment(payment_id)
        assert row is not None
        return _payment(row)

    @post(
        "/payment-exports",
        guards=[requires(Perm.FINANCE)],
        summary="Eksportér alle godkendte betalinger til økonomisystemet (hver kun én gang)",
        status_code=201,
    )
    async def export(self, request: Request[Any, Any, Any]) -> PaymentExportRead:
        me = current_principal(request)
        with translated():
            export_id = await payments.do_export(me.actor)
        row = next(r for r in await repo.payment_exports() if r["id"] == export_id)
        await record(
            me.actor,
            "money.payments.exported",
            str(export_id),
            payments=row["payment_count"],
            total_oere=row["total_oere"],
        )
        return PaymentExportRead(**row)

    @get(
        "/payment-exports",
        guards=[requires(Perm.FINANCE)],
        summary="Eksporter til økonomisystemet",
    )
    async def exports(self) -> PaymentExportList:
        return PaymentExportList([PaymentExportRead(**r) for r in await repo.payment_exports()])

    @get(
        "/payment-exports/{export_id:uuid}/file",
        guards=[requires(Perm.FINANCE)],
        summary="Hent eksportfilen (CSV, se docs/money.md); hentningen revisionslogges",
        media_type="text/csv",
    )
    async def export_file(
        self, request: Request[Any, Any, Any], export_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        me = current_principal(request)
        row = await repo.payment_export_file(export_id)
        if row is None:
            raise NotFoundException("Eksporten findes ikke")
        await record(me.actor, "money.payments.export_downloaded", str(export_id))
        return Response(
            bytes(row["content"]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{row["filename"]}"'},
        )

    @get(
        "/spending",
        guards=[requires_any(Perm.FINANCE, Perm.CASE_APPROVE, Perm.MI_READ)],
        summary="Forventet og faktisk forbrug pr. sag, team, indsatstype eller leverandør",
    )
    async def spending(
        self,
        request: Request[Any, Any, Any],
        group_by: FromQuery[str] = "measure",
        period_from: FromQuery[date | None] = None,
        period_to: FromQuery[date | None] = None,
        scope_: Annotated[str | None, QueryParameter(name="scope")] = None,
    ) -> Spending:
        me = current_principal(request)
        today = today_dk()
        a = period_from or date(today.year, 1, 1)
        b = period_to or date(today.year, 12, 31)
        teams = await _scope_teams(me, scope_ or "kommune")
        with translated():
            rows = await spending.spending(group_by, a, b, teams)
        return Spending(
            group_by=group_by,
            period_from=a,
            period_to=b,
            rows=[SpendingRow(**r) for r in rows],
            expected_oere=sum(r["expected_oere"] for r in rows),
            actual_oere=sum(r["actual_oere"] for r in rows),
        )


CONTROLLERS = [CatalogueController, VisitationController, PriceUpdateController, PaymentController]
__all__ = ["CONTROLLERS", "MEASURES"]
