"""The catalogue API: measure types, suppliers, offers and their prices, the catalogue
journal, and the kommune's rules for approval (docs/money.md)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, cast

import msgspec
from litestar import Controller, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from backend.audit.service import record
from backend.auth.principal import requires
from backend.core.danish import today_dk
from backend.core.errors import FieldError, NotFound
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.money import catalogue
from backend.money import repository as repo
from backend.money import settings as money_settings
from backend.money.common import requires_any
from backend.money.routes.common import measure_label, read_as
from backend.money.schemas import (
    ApprovalMode,
    CatalogueJournal,
    CatalogueOptions,
    Label,
    MeasureTypeRead,
    MoneyCreated,
    MoneySettingsRead,
    MoneySettingsUpdate,
    OfferCreate,
    OfferRead,
    OfferUpdate,
    PriceCreate,
    PriceEnd,
    PriceRead,
    PriceRetire,
    SupplierCreate,
    SupplierRead,
    SupplierUpdate,
)


def _offer(row: repo.OfferRow, prices: list[repo.OfferPriceRow] | None = None) -> OfferRead:
    return read_as(
        OfferRead,
        row,
        measure_label=measure_label(row.measure_kind),
        prices=[read_as(PriceRead, p) for p in prices or []],
    )


def _supplier(row: repo.SupplierRow, offers: list[OfferRead] | None = None) -> SupplierRead:
    return read_as(
        SupplierRead,
        row,
        kind_label=catalogue.SUPPLIER_KINDS[row.kind],
        offers=offers or [],
        offer_count=len(offers or []) if row.offer_count is None else row.offer_count,
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
    async def create_supplier(self, me: Me, data: JSONBody[SupplierCreate]) -> MoneyCreated:
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
            raise NotFound("Leverandøren findes ikke")
        offers = await repo.offers(today_dk(), supplier_id=supplier_id)
        return _supplier(row, [_offer(o) for o in offers])

    @patch(
        "/suppliers/{supplier_id:uuid}",
        guards=[requires(Perm.FINANCE)],
        summary="Ret en leverandør (felter der sendes; version for samtidighed)",
    )
    async def update_supplier(
        self,
        me: Me,
        supplier_id: FromPath[uuid.UUID],
        data: JSONBody[SupplierUpdate],
    ) -> SupplierRead:
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
        me: Me,
        supplier_id: FromPath[uuid.UUID],
        data: JSONBody[OfferCreate],
    ) -> MoneyCreated:
        first = data.first_price
        offer_id = await catalogue.do_create_offer(
            me.actor,
            supplier_id,
            name=data.name,
            measure_kind=data.measure_kind,
            unit=data.unit,
            tilbudsportalen_id=data.tilbudsportalen_id,
            first_price=(first.valid_from, first.valid_to, first.amount_oere) if first else None,
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
            raise NotFound("Tilbuddet findes ikke")
        return _offer(row, await repo.offer_prices(offer_id, include_retired=True))

    @patch(
        "/offers/{offer_id:uuid}",
        guards=[requires(Perm.FINANCE)],
        summary="Ret et tilbud (navn, Tilbudsportalen-reference, aktiv)",
    )
    async def update_offer(
        self,
        me: Me,
        offer_id: FromPath[uuid.UUID],
        data: JSONBody[OfferUpdate],
    ) -> OfferRead:
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
        me: Me,
        offer_id: FromPath[uuid.UUID],
        data: JSONBody[PriceCreate],
    ) -> MoneyCreated:
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
        me: Me,
        price_id: FromPath[uuid.UUID],
        data: JSONBody[PriceEnd],
    ) -> MoneyCreated:
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
        me: Me,
        price_id: FromPath[uuid.UUID],
        data: JSONBody[PriceRetire],
    ) -> dict[str, str]:
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
            raise FieldError("page", "page >= 1 og 1 <= page_size <= 200")
        rows, total = await repo.catalogue_journal(entity_id, entity, page, page_size)
        return CatalogueJournal(
            items=rows,
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
    async def put_settings(self, me: Me, data: JSONBody[MoneySettingsUpdate]) -> MoneySettingsRead:
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
        # do_update refuses others, and so does the table's CHECK
        bevilling_approval=cast(ApprovalMode, s.bevilling_approval),
        bevilling_approval_threshold_oere=s.bevilling_approval_threshold_oere,
        payment_approval=s.payment_approval,
        approval_modes=[Label(k, v) for k, v in money_settings.APPROVAL_MODES.items()],
    )
