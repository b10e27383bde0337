"""Request and response shapes of the money API. Amounts are integer øre (``*_oere``);
quantities and percentages are decimals sent as strings (``"7.5"``) or numbers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

# The one cost model (docs/money.md, "The cost convention"), labelled in the schema so a
# reader of the API knows which figure is which; the PWA shows the same three labels.
PerMonth = Annotated[
    int,
    msgspec.Meta(
        description="Pr. måned: den løbende udgift, pr. år delt med 12 (øre)",
    ),
]
PerYear = Annotated[
    int,
    msgspec.Meta(
        description="Pr. år: den løbende udgift i 12 måneder fra start (eller fra i dag, når "
        "den er startet), uden engangsbeløb og uanset planlagt slut (øre)",
    ),
]
WholePeriod = Annotated[
    int | None,
    msgspec.Meta(
        description="Hele perioden: udgiften fra start til planlagt slut; null når der ikke "
        "er en planlagt slut (øre)",
    ),
]

# The fixed vocabularies the API answers with (the generated TypeScript client carries them
# as unions). Requests take ``str`` for these fields, so an unknown value gets the rule's
# own Danish message at its field; tests/money/test_vocabularies.py keeps both in step
# with the tables in code (``catalogue.UNITS``, ``visitation.STATUS_LABELS``, …).
Unit = Literal["hour", "day", "week", "month", "once"]
Frequency = Literal["day", "week", "month", "once"]
SupplierKind = Literal[
    "doegninstitution",
    "opholdssted",
    "plejefamilie",
    "netvaerksplejefamilie",
    "kostskole",
    "privat_leverandoer",
    "kommunalt_tilbud",
    "andet",
]
MeasureGroup = Literal["stoette", "anbringelse", "ungestoette"]
ApprovalMode = Literal["altid", "over_beloeb", "aldrig"]
DraftStatus = Literal["kladde", "indsendt", "godkendt", "returneret", "anvendt", "annulleret"]
PaymentStatus = Literal["registreret", "godkendt", "eksporteret", "annulleret"]
PriceUpdateStatus = Literal["venter", "faerdig", "fejlet", "tilbagefoeres", "tilbagefoert"]
ApprovalKind = Literal["bevilling", "betaling"]
SpendingGroup = Literal["case", "team", "measure", "supplier"]

# ---- catalogue ------------------------------------------------------------------------


class MeasureTypeRead(msgspec.Struct):
    kind: str
    label: str
    group: MeasureGroup
    paragraphs: list[str]  # sections it may be granted under (empty: not yet grantable)
    basis: str
    placement: bool
    kontoplan: str
    decidable: bool


class Label(msgspec.Struct):
    key: str
    label: str


class CatalogueOptions(msgspec.Struct):
    measure_types: list[MeasureTypeRead]
    units: list[Label]
    frequencies: list[Label]
    unit_frequencies: dict[str, list[str]]  # allowed frequencies per unit, default first
    supplier_kinds: list[Label]
    person_supplier_kinds: list[str]  # kinds without a CVR number (foster families)


class SupplierCreate(msgspec.Struct):
    name: str
    kind: str
    cvr: str | None = None
    tilbudsportalen_id: str | None = None
    address: str = ""


class SupplierUpdate(msgspec.Struct):
    version: int
    name: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    cvr: str | msgspec.UnsetType | None = msgspec.UNSET
    tilbudsportalen_id: str | msgspec.UnsetType | None = msgspec.UNSET
    address: str | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class PriceRead(msgspec.Struct):
    id: uuid.UUID
    valid_from: date
    valid_to: date | None
    amount_oere: int
    note: str
    created_by: str
    created_at: datetime
    price_update_id: uuid.UUID | None
    active: bool
    retired_at: datetime | None = None
    retired_by: str | None = None
    retired_reason: str | None = None
    created_by_name: str = ""  # what a person reads (created_by is a username)
    retired_by_name: str | None = None


class OfferRead(msgspec.Struct):
    id: uuid.UUID
    supplier_id: uuid.UUID
    supplier_name: str
    name: str
    measure_kind: str
    measure_label: str
    unit: Unit
    tilbudsportalen_id: str | None
    active: bool
    version: int
    current_price_oere: int | None  # the price today (or on ``on`` when asked)
    prices: list[PriceRead] = msgspec.field(default_factory=list)  # detail only


class SupplierRead(msgspec.Struct):
    id: uuid.UUID
    name: str
    cvr: str | None
    kind: SupplierKind
    kind_label: str
    tilbudsportalen_id: str | None
    address: str
    active: bool
    version: int
    offers: list[OfferRead] = msgspec.field(default_factory=list)  # detail only
    offer_count: int = 0


class PriceCreate(msgspec.Struct):
    valid_from: date
    amount_oere: int
    valid_to: date | None = None
    note: str = ""
    end_previous: bool = False  # end an open-ended earlier price the day before


class OfferCreate(msgspec.Struct):
    name: str
    measure_kind: str
    unit: str
    tilbudsportalen_id: str | None = None
    first_price: PriceCreate | None = None


class OfferUpdate(msgspec.Struct):
    version: int
    name: str | msgspec.UnsetType = msgspec.UNSET
    tilbudsportalen_id: str | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class PriceEnd(msgspec.Struct):
    valid_to: date
    reason: str


class PriceRetire(msgspec.Struct):
    reason: str


class MoneyCreated(msgspec.Struct):
    id: uuid.UUID


class CatalogueEventRead(msgspec.Struct):
    id: int
    at: datetime
    actor: str
    actor_name: str  # what a person reads (actor is a username)
    entity: str
    entity_id: uuid.UUID | None
    action: str
    title: str
    detail: dict[str, Any]


class CatalogueJournal(msgspec.Struct):
    items: list[CatalogueEventRead]
    total: int
    page: int
    page_size: int


class MoneySettingsRead(msgspec.Struct):
    bevilling_approval: ApprovalMode
    bevilling_approval_threshold_oere: int  # yearly cost; with over_beloeb
    payment_approval: bool
    approval_modes: list[Label] = msgspec.field(default_factory=list)


class MoneySettingsUpdate(msgspec.Struct):
    bevilling_approval: str
    bevilling_approval_threshold_oere: int = 0
    payment_approval: bool = False


# ---- projection and visitation drafts --------------------------------------------------


class MonthCost(msgspec.Struct):
    month: str  # "2026-03"
    amount_oere: int


class CostRead(msgspec.Struct):
    per_month_oere: PerMonth
    per_year_oere: PerYear
    one_off_oere: int
    until_end_oere: WholePeriod
    months: list[MonthCost]
    unpriced_days: int


class LineSpec(msgspec.Struct):
    offer_id: uuid.UUID
    starts_on: date
    quantity: Decimal | None = None  # default 1
    frequency: str | None = None  # default: the offer unit's usual frequency
    ends_on: date | None = None
    measure_kind: str | None = None


class ProjectionRequest(msgspec.Struct):
    lines: list[LineSpec]


class ProjectedLine(msgspec.Struct):
    offer_id: uuid.UUID
    frequency: Frequency
    cost: CostRead


class Projection(msgspec.Struct):
    lines: list[ProjectedLine]
    total: CostRead


class DraftCreate(msgspec.Struct):
    paragraph: str
    note: str = ""


class DraftLineCreate(msgspec.Struct):
    measure_kind: str
    offer_id: uuid.UUID
    starts_on: date
    quantity: Decimal | None = None  # default 1
    frequency: str | None = None
    ends_on: date | None = None
    note: str = ""


class DraftLineRead(msgspec.Struct):
    id: uuid.UUID
    position: int
    measure_kind: str
    measure_label: str
    offer_id: uuid.UUID
    offer_name: str
    supplier_id: uuid.UUID
    supplier_name: str
    unit: Unit
    quantity: Decimal
    frequency: Frequency
    starts_on: date
    ends_on: date | None
    note: str
    cost: CostRead
    bevilling_id: uuid.UUID | None = None  # once the decision granted it
    indsats_id: uuid.UUID | None = None


class DraftRead(msgspec.Struct):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str  # shown when a manager confirms the approval
    paragraph: str
    status: DraftStatus
    status_label: str
    version: int
    note: str
    created_by: str
    created_at: datetime
    changed_by: str
    changed_at: datetime
    lines: list[DraftLineRead]
    total: CostRead
    # Would submitting need a manager's approval under the kommune's rule (now)?
    approval_required: bool
    submitted_by: str | None = None
    submitted_by_name: str | None = None  # what a person reads (the *_by fields are usernames)
    submitted_at: datetime | None = None
    per_year_oere_submitted: int | None = None
    approved_by: str | None = None
    approved_by_name: str | None = None
    approved_at: datetime | None = None
    approval_note: str | None = None
    returned_by: str | None = None
    returned_by_name: str | None = None
    returned_at: datetime | None = None
    return_reason: str | None = None
    afgoerelse_id: uuid.UUID | None = None
    # The change the last add/remove made to the yearly cost (for "see it change").
    change_per_year_oere: int | None = None


class Versioned(msgspec.Struct):
    version: int


class ApproveDraft(msgspec.Struct):
    version: int
    note: str = ""


class WithReason(msgspec.Struct):
    version: int
    reason: str


class DraftApprovalItem(msgspec.Struct):
    kind: ApprovalKind
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    team: str | None
    caseworker: str | None
    submitted_by: str
    submitted_by_name: str  # what a person reads (submitted_by is a username)
    submitted_at: datetime
    amount_oere: int  # yearly cost of a draft; the amount of a payment
    title: str
    version: int


class DraftApprovals(msgspec.Struct):
    items: list[DraftApprovalItem]


class AttachBevilling(msgspec.Struct):
    offer_id: uuid.UUID
    quantity: Decimal | None = None  # default 1
    frequency: str | None = None
    period_from: date | None = None  # default: the measure's start
    period_to: date | None = None


# ---- bevillinger, a case's economy ----------------------------------------------------


class BevillingPriceRead(msgspec.Struct):
    id: int
    valid_from: date
    valid_to: date | None
    amount_oere: int
    price_update_id: uuid.UUID | None
    active: bool
    created_by: str
    created_at: datetime
    retired_at: datetime | None


class PaymentRead(msgspec.Struct):
    id: uuid.UUID
    bevilling_id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    supplier_name: str
    measure_label: str
    period_from: date
    period_to: date
    amount_oere: int
    invoice_ref: str
    note: str
    status: PaymentStatus
    status_label: str
    registered_by: str
    registered_by_name: str  # what a person reads (the *_by fields are usernames)
    registered_at: datetime
    approved_by: str | None
    approved_by_name: str | None
    approved_at: datetime | None
    export_id: uuid.UUID | None
    cancel_reason: str | None
    version: int


class BevillingRead(msgspec.Struct):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    indsats_id: uuid.UUID
    afgoerelse_id: uuid.UUID | None
    measure_kind: str
    measure_label: str
    paragraph: str
    offer_id: uuid.UUID
    offer_name: str
    supplier_id: uuid.UUID
    supplier_name: str
    unit: Unit
    quantity: Decimal
    frequency: Frequency
    period_from: date
    period_to: date | None  # planned end
    ends_on: date | None  # the earlier of the planned end and the measure's end
    approved_by: str | None
    approved_by_name: str | None  # what a person reads (approved_by is a username)
    approved_at: datetime | None
    current_price_oere: int | None
    per_month_oere: PerMonth  # the ongoing rate from today (or the start, if later)
    per_year_oere: PerYear
    until_end_oere: WholePeriod  # the same figures as the draft it was granted from
    expected_to_date_oere: int  # expected from the start until today
    paid_oere: int  # approved or exported payments
    pending_oere: int  # registered, awaiting approval
    prices: list[BevillingPriceRead] = msgspec.field(default_factory=list)  # detail only
    payments: list[PaymentRead] = msgspec.field(default_factory=list)  # detail only


class CaseEconomy(msgspec.Struct):
    hovedsag_id: uuid.UUID
    bevillinger: list[BevillingRead]
    payments: list[PaymentRead]
    draft: DraftRead | None
    per_month_oere: int
    per_year_oere: int
    expected_to_date_oere: int
    paid_oere: int


# ---- price updates ---------------------------------------------------------------------


class PriceUpdateRequest(msgspec.Struct):
    offer_ids: list[uuid.UUID]
    effective_from: date
    percent: Decimal | None = None  # e.g. "3.5"; or:
    amounts: dict[uuid.UUID, int] | None = None  # the new amount (øre) per offer
    note: str = ""


class PreviewOffer(msgspec.Struct):
    offer_id: uuid.UUID
    offer_name: str
    supplier_name: str
    unit: Unit
    old_amount_oere: int
    new_amount_oere: int
    bevillinger: int


class PreviewBevilling(msgspec.Struct):
    bevilling_id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    measure_kind: str
    measure_label: str
    offer_name: str
    old_amount_oere: int | None  # the price on the date (None: starts later)
    new_amount_oere: int | None
    change_12_months_oere: int


class PriceUpdatePreview(msgspec.Struct):
    effective_from: date
    offers: list[PreviewOffer]
    offer_price_rows: int
    bevillinger: int
    bevilling_price_rows: int
    change_12_months_oere: int  # expected extra cost over the 12 months from the date
    change_per_month_oere: int
    sample: list[PreviewBevilling]  # the 50 bevillinger changing most


class JobProgress(msgspec.Struct):
    status: str | None = None
    percent: int | None = None
    done: int | None = None
    total: int | None = None
    message: str | None = None


class PriceUpdateRead(msgspec.Struct):
    id: uuid.UUID
    offer_ids: list[uuid.UUID]
    effective_from: date
    percent: Decimal | None
    amounts: dict[str, int] | None
    note: str
    status: PriceUpdateStatus
    status_label: str
    requested_by: str
    requested_at: datetime
    applied_at: datetime | None
    reverted_at: datetime | None
    error: str | None
    revert_error: str | None
    preview: dict[str, Any]
    result: dict[str, Any]
    progress: JobProgress
    can_revert: bool


class PriceUpdateList(msgspec.Struct):
    items: list[PriceUpdateRead]


# ---- payments -------------------------------------------------------------------------


class PaymentCreate(msgspec.Struct):
    period_from: date
    period_to: date
    amount_oere: int
    bevilling_id: uuid.UUID | None = None
    invoice_ref: str = ""
    note: str = ""


class PaymentPage(msgspec.Struct):
    items: list[PaymentRead]
    total: int
    total_oere: int
    page: int
    page_size: int


class PaymentExportRead(msgspec.Struct):
    id: uuid.UUID
    created_by: str
    created_by_name: str  # what a person reads (created_by is a username)
    created_at: datetime
    filename: str
    sha256: str
    payment_count: int
    total_oere: int


class PaymentExportList(msgspec.Struct):
    items: list[PaymentExportRead]


class SpendingRow(msgspec.Struct):
    key: str | None
    label: str
    expected_oere: int
    actual_oere: int
    difference_oere: int  # actual - expected


class Spending(msgspec.Struct):
    group_by: SpendingGroup
    period_from: date
    period_to: date
    rows: list[SpendingRow]
    expected_oere: int
    actual_oere: int
