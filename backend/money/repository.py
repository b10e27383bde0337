"""The reads the money API shows: lists and details with names and figures (the services'
queries are in ``backend/money/repositories/``). Callers hold a tenant transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
import msgspec

from backend.core.db import conn
from backend.money import costs
from backend.money.schemas import (
    ApprovalKind,
    CatalogueEventRead,
    DraftStatus,
    Frequency,
    PaymentExportRead,
    PaymentStatus,
    PriceUpdateStatus,
    SupplierKind,
    Unit,
)

_R = TypeVar("_R", bound=msgspec.Struct)


class SupplierRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    cvr: str | None
    kind: SupplierKind
    tilbudsportalen_id: str | None
    address: str
    active: bool
    version: int
    offer_count: int | None = None  # only in ``suppliers``


class OfferRow(msgspec.Struct, frozen=True):
    """An offer with its supplier's name and its price on the day asked about."""

    id: uuid.UUID
    supplier_id: uuid.UUID
    supplier_name: str
    name: str
    measure_kind: str
    unit: Unit
    tilbudsportalen_id: str | None
    active: bool
    version: int
    current_price_oere: int | None


class OfferPriceRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    valid_from: date
    valid_to: date | None
    amount_oere: int
    note: str
    created_by: str
    created_at: datetime
    price_update_id: uuid.UUID | None
    active: bool
    retired_at: datetime | None
    retired_by: str | None
    retired_reason: str | None
    created_by_name: str  # what a person reads: the user's name (created_by is a username)
    retired_by_name: str | None


class BevillingRow(msgspec.Struct, frozen=True):
    """A bevilling with its offer and supplier names, today's price and what is paid; the
    cost figures are filled in by ``bevillinger`` (``money.costs``), not by SQL."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    indsats_id: uuid.UUID
    afgoerelse_id: uuid.UUID | None
    measure_kind: str
    paragraph: str
    offer_id: uuid.UUID
    offer_name: str
    supplier_id: uuid.UUID
    supplier_name: str
    unit: Unit
    quantity: Decimal
    frequency: Frequency
    period_from: date
    period_to: date | None
    ends_on: date | None
    approved_by: str | None
    approved_by_name: str | None
    approved_at: datetime | None
    current_price_oere: int | None
    paid_oere: int
    pending_oere: int
    per_month_oere: int = 0
    per_year_oere: int = 0
    until_end_oere: int | None = None
    expected_to_date_oere: int = 0


class BevillingPriceRow(msgspec.Struct, frozen=True):
    id: int
    valid_from: date
    valid_to: date | None
    amount_oere: int
    price_update_id: uuid.UUID | None
    active: bool
    created_by: str
    created_at: datetime
    retired_at: datetime | None


class DraftRow(msgspec.Struct, frozen=True):
    """A visitation draft with the child's name and the names of who acted on it."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    paragraph: str
    status: DraftStatus
    version: int
    note: str
    created_by: str
    created_at: datetime
    changed_by: str
    changed_at: datetime
    submitted_by: str | None
    submitted_by_name: str | None
    submitted_at: datetime | None
    per_year_oere: int | None
    approved_by: str | None
    approved_by_name: str | None
    approved_at: datetime | None
    approval_note: str | None
    returned_by: str | None
    returned_by_name: str | None
    returned_at: datetime | None
    return_reason: str | None
    afgoerelse_id: uuid.UUID | None


class ApprovalRow(msgspec.Struct, frozen=True):
    """A draft (``bevilling``) or a payment (``betaling``) awaiting a manager."""

    kind: ApprovalKind
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    team: str | None
    caseworker: str | None
    submitted_by: str
    submitted_by_name: str
    submitted_at: datetime
    amount_oere: int
    version: int
    paragraph: str | None = None  # a draft's
    lines: int | None = None
    supplier: str | None = None  # a payment's
    period_from: date | None = None
    period_to: date | None = None


class PaymentRow(msgspec.Struct, frozen=True):
    """A payment with the child, the supplier and the names of who registered and approved."""

    id: uuid.UUID
    bevilling_id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    supplier_name: str
    measure_kind: str
    period_from: date
    period_to: date
    amount_oere: int
    invoice_ref: str
    note: str
    status: PaymentStatus
    registered_by: str
    registered_by_name: str
    registered_at: datetime
    approved_by: str | None
    approved_by_name: str | None
    approved_at: datetime | None
    export_id: uuid.UUID | None
    cancel_reason: str | None
    version: int


def _rows(rows: Iterable[asyncpg.Record], kind: type[_R]) -> list[_R]:
    """Rows of ``SELECT t.*, …`` as ``kind`` (columns it does not name are left out)."""
    return [msgspec.convert(dict(r), kind) for r in rows]


class PriceUpdateRow(msgspec.Struct, frozen=True):
    """A price update as the API shows it; ``later_exists`` only from ``price_updates``."""

    id: uuid.UUID
    offer_ids: list[uuid.UUID]
    effective_from: date
    percent: Decimal | None
    amounts: dict[str, int] | None
    note: str
    status: PriceUpdateStatus
    requested_by: str
    requested_at: datetime
    applied_at: datetime | None
    reverted_at: datetime | None
    error: str | None
    revert_error: str | None
    preview: dict[str, Any] | None
    result: dict[str, Any] | None
    later_exists: bool


class ExportFile(msgspec.Struct, frozen=True):
    filename: str
    content: bytes
    payment_count: int


def _name_of(column: str, alias: str | None = None) -> str:
    """The display name of the user whose username is in ``column`` (people read names, not
    usernames) as ``<column without table>_name``; "Ukendt medarbejder" for one who is not a
    user here (e.g. from a transferred case), NULL when the column is."""
    alias = alias or column.split(".")[-1] + "_name"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE coalesce((SELECT u.display_name "
        f"FROM app_user u WHERE u.username = {column}), 'Ukendt medarbejder') END AS {alias}"
    )


async def suppliers(text: str | None, kind: str | None, active: bool | None) -> list[SupplierRow]:
    where: list[str] = ["true"]
    args: list[object] = []
    if text:
        args.append(f"%{text.strip().lower()}%")
        where.append(f"(lower(s.name) LIKE ${len(args)} OR s.cvr = ${len(args) + 1})")
        args.append(text.strip())
    if kind:
        args.append(kind)
        where.append(f"s.kind = ${len(args)}")
    if active is not None:
        args.append(active)
        where.append(f"s.active = ${len(args)}")
    rows = await conn().fetch(
        "SELECT s.*, (SELECT count(*) FROM offer o WHERE o.supplier_id = s.id) AS offer_count "
        f"FROM supplier s WHERE {' AND '.join(where)} ORDER BY lower(s.name) LIMIT 500",
        *args,
    )
    return _rows(rows, SupplierRow)


async def supplier(supplier_id: uuid.UUID) -> SupplierRow | None:
    row = await conn().fetchrow("SELECT * FROM supplier WHERE id = $1", supplier_id)
    return msgspec.convert(dict(row), SupplierRow) if row else None


_OFFER = (
    "SELECT o.*, s.name AS supplier_name, (SELECT p.amount_oere FROM offer_price p "
    "WHERE p.offer_id = o.id AND p.retired_at IS NULL AND p.valid_from <= $1 "
    "AND (p.valid_to IS NULL OR p.valid_to >= $1)) AS current_price_oere "
    "FROM offer o JOIN supplier s ON s.id = o.supplier_id "
)


async def offers(
    on: date,
    *,
    supplier_id: uuid.UUID | None = None,
    measure_kind: str | None = None,
    active: bool | None = None,
    priced: bool = False,
) -> list[OfferRow]:
    where: list[str] = ["true"]
    args: list[object] = [on]
    if supplier_id:
        args.append(supplier_id)
        where.append(f"o.supplier_id = ${len(args)}")
    if measure_kind:
        args.append(measure_kind)
        where.append(f"o.measure_kind = ${len(args)}")
    if active is not None:
        args.append(active)
        where.append(f"o.active = ${len(args)} AND s.active = ${len(args)}")
    sql = _OFFER + f"WHERE {' AND '.join(where)} ORDER BY lower(s.name), lower(o.name) LIMIT 1000"
    rows = _rows(await conn().fetch(sql, *args), OfferRow)
    if priced:
        rows = [r for r in rows if r.current_price_oere is not None]
    return rows


async def offer(offer_id: uuid.UUID, on: date) -> OfferRow | None:
    row = await conn().fetchrow(_OFFER + "WHERE o.id = $2", on, offer_id)
    return msgspec.convert(dict(row), OfferRow) if row else None


async def offer_prices(offer_id: uuid.UUID, include_retired: bool) -> list[OfferPriceRow]:
    rows = await conn().fetch(
        "SELECT *, retired_at IS NULL AS active, "
        + _name_of("created_by")
        + ", "
        + _name_of("retired_by")
        + " FROM offer_price WHERE offer_id = $1 "
        "AND ($2 OR retired_at IS NULL) ORDER BY valid_from DESC, created_at DESC",
        offer_id,
        include_retired,
    )
    return _rows(rows, OfferPriceRow)


async def catalogue_journal(
    entity_id: uuid.UUID | None, entity: str | None, page: int, page_size: int
) -> tuple[list[CatalogueEventRead], int]:
    where: list[str] = ["true"]
    args: list[object] = []
    if entity_id:
        args.append(entity_id)
        where.append(f"entity_id = ${len(args)}")
    if entity:
        args.append(entity)
        where.append(f"entity = ${len(args)}")
    cond = " AND ".join(where)
    c = conn()
    total = await c.fetchval(f"SELECT count(*) FROM catalogue_event WHERE {cond}", *args)
    rows = await c.fetch(
        f"SELECT id, at, actor, {_name_of('actor')}, entity, entity_id, action, title, "
        f"detail::text AS detail "
        f"FROM catalogue_event WHERE {cond} ORDER BY at DESC, id DESC "
        f"LIMIT {int(page_size)} OFFSET {(int(page) - 1) * int(page_size)}",
        *args,
    )
    return [
        CatalogueEventRead(**{**dict(r), "detail": json.loads(r["detail"])}) for r in rows
    ], int(total)


async def draft(draft_id: uuid.UUID) -> DraftRow | None:
    row = await conn().fetchrow(
        "SELECT d.*, c.first_name || ' ' || c.last_name AS child_name, "
        + ", ".join(_name_of(f"d.{c}") for c in ("submitted_by", "approved_by", "returned_by"))
        + " FROM visitation_draft d "
        "JOIN hovedsag h ON h.id = d.hovedsag_id JOIN child c ON c.id = h.child_id "
        "WHERE d.id = $1",
        draft_id,
    )
    return msgspec.convert(dict(row), DraftRow) if row else None


async def open_draft_of(case_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT id FROM visitation_draft WHERE hovedsag_id = $1 AND status IN "
        "('kladde', 'indsendt', 'godkendt', 'returneret')",
        case_id,
    )
    return found


async def pending_approvals(team_ids: list[uuid.UUID] | None) -> list[ApprovalRow]:
    """Drafts and payments awaiting a manager (of ``team_ids``' cases, or all)."""
    team_cond = "" if team_ids is None else "AND h.team_id = ANY($1::uuid[])"
    args: list[object] = [] if team_ids is None else [team_ids]
    c = conn()
    drafts = await c.fetch(
        "SELECT 'bevilling' AS kind, d.id, d.hovedsag_id, c.first_name || ' ' || c.last_name "
        "AS child_name, t.name AS team, u.display_name AS caseworker, d.submitted_by, "
        + _name_of("d.submitted_by")
        + ", d.submitted_at, coalesce(d.per_year_oere, 0) AS amount_oere, d.version, d.paragraph, "
        "(SELECT count(*) FROM visitation_line l WHERE l.draft_id = d.id) AS lines "
        "FROM visitation_draft d JOIN hovedsag h ON h.id = d.hovedsag_id "
        "JOIN child c ON c.id = h.child_id LEFT JOIN team t ON t.id = h.team_id "
        "LEFT JOIN app_user u ON u.id = h.caseworker_id "
        f"WHERE d.status = 'indsendt' {team_cond} ORDER BY d.submitted_at",
        *args,
    )
    payments = await c.fetch(
        "SELECT 'betaling' AS kind, p.id, p.hovedsag_id, c.first_name || ' ' || c.last_name "
        "AS child_name, t.name AS team, u.display_name AS caseworker, p.registered_by AS "
        "submitted_by, "
        + _name_of("p.registered_by", "submitted_by_name")
        + ", p.registered_at AS submitted_at, p.amount_oere, p.version, "
        "s.name AS supplier, p.period_from, p.period_to "
        "FROM payment p JOIN bevilling b ON b.id = p.bevilling_id "
        "JOIN supplier s ON s.id = b.supplier_id JOIN hovedsag h ON h.id = p.hovedsag_id "
        "JOIN child c ON c.id = h.child_id LEFT JOIN team t ON t.id = h.team_id "
        "LEFT JOIN app_user u ON u.id = h.caseworker_id "
        f"WHERE p.status = 'registreret' {team_cond} ORDER BY p.registered_at LIMIT 500",
        *args,
    )
    return _rows(drafts, ApprovalRow) + _rows(payments, ApprovalRow)


_BEVILLING = (
    "SELECT b.*, least(b.period_to, i.ends_on) AS ends_on, o.name AS offer_name, "
    "s.name AS supplier_name, " + _name_of("b.approved_by") + ", "
    "(SELECT p.amount_oere FROM bevilling_price p WHERE p.bevilling_id = b.id "
    "AND p.retired_at IS NULL AND p.valid_from <= greatest($1, b.period_from) "
    "AND (p.valid_to IS NULL OR p.valid_to >= greatest($1, b.period_from))) "
    "AS current_price_oere, "
    "coalesce((SELECT sum(y.amount_oere) FROM payment y WHERE y.bevilling_id = b.id "
    "AND y.status IN ('godkendt', 'eksporteret')), 0)::bigint AS paid_oere, "
    "coalesce((SELECT sum(y.amount_oere) FROM payment y WHERE y.bevilling_id = b.id "
    "AND y.status = 'registreret'), 0)::bigint AS pending_oere "
    "FROM bevilling b JOIN indsats i ON i.id = b.indsats_id JOIN offer o ON o.id = b.offer_id "
    "JOIN supplier s ON s.id = b.supplier_id "
)


async def bevillinger(
    today: date, *, case_id: uuid.UUID | None = None, bevilling_id: uuid.UUID | None = None
) -> list[BevillingRow]:
    """A case's bevillinger (or one), each with its price today, what is paid and pending,
    and the cost figures (``money.costs``) from the start and until today."""
    if case_id is not None:
        found = await conn().fetch(
            _BEVILLING + "WHERE b.hovedsag_id = $2 ORDER BY b.period_from DESC", today, case_id
        )
    else:
        found = await conn().fetch(_BEVILLING + "WHERE b.id = $2", today, bevilling_id)
    rows = _rows(found, BevillingRow)
    figures = await costs.bevilling_costs(
        [costs.Line(r.id, r.frequency, r.quantity, r.period_from, r.ends_on) for r in rows],
        today,
    )
    months = await costs.bevilling_months(
        [r.id for r in rows], min((r.period_from for r in rows), default=today), today
    )
    return [
        msgspec.structs.replace(
            r,
            per_year_oere=cost.per_year,
            per_month_oere=cost.per_month,
            until_end_oere=cost.until_end,
            expected_to_date_oere=sum(a for _, a in months.get(r.id, [])),
        )
        for r, cost in zip(rows, figures, strict=True)
    ]


async def bevilling_prices(bevilling_id: uuid.UUID) -> list[BevillingPriceRow]:
    rows = await conn().fetch(
        "SELECT *, retired_at IS NULL AS active FROM bevilling_price WHERE bevilling_id = $1 "
        "ORDER BY valid_from DESC, id DESC",
        bevilling_id,
    )
    return _rows(rows, BevillingPriceRow)


_PAYMENT = (
    "SELECT p.*, c.first_name || ' ' || c.last_name AS child_name, s.name AS supplier_name, "
    + _name_of("p.registered_by")
    + ", "
    + _name_of("p.approved_by")
    + ", "
    "b.measure_kind FROM payment p JOIN bevilling b ON b.id = p.bevilling_id "
    "JOIN supplier s ON s.id = b.supplier_id JOIN hovedsag h ON h.id = p.hovedsag_id "
    "JOIN child c ON c.id = h.child_id "
)


def payment_filter(
    *,
    status: str | None = None,
    bevilling_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    supplier_id: uuid.UUID | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    export_id: uuid.UUID | None = None,
) -> tuple[str, list[object]]:
    where: list[str] = ["true"]
    args: list[object] = []
    for clause, value in (
        ("p.status = ${}", status),
        ("p.bevilling_id = ${}", bevilling_id),
        ("p.hovedsag_id = ${}", case_id),
        ("b.supplier_id = ${}", supplier_id),
        ("p.period_to >= ${}", period_from),
        ("p.period_from <= ${}", period_to),
        ("p.export_id = ${}", export_id),
    ):
        if value is not None and value != "":
            args.append(value)
            where.append(clause.format(len(args)))
    return " AND ".join(where), args


async def payments(
    cond: str, args: list[object], page: int, page_size: int
) -> tuple[list[PaymentRow], int, int]:
    c = conn()
    summary = await c.fetchrow(
        "SELECT count(*) AS n, coalesce(sum(p.amount_oere), 0)::bigint AS total "
        f"FROM payment p JOIN bevilling b ON b.id = p.bevilling_id WHERE {cond}",
        *args,
    )
    rows = await c.fetch(
        _PAYMENT + f"WHERE {cond} ORDER BY p.registered_at DESC, p.id "
        f"LIMIT {int(page_size)} OFFSET {(int(page) - 1) * int(page_size)}",
        *args,
    )
    return _rows(rows, PaymentRow), int(summary["n"]), int(summary["total"])


async def payment(payment_id: uuid.UUID) -> PaymentRow | None:
    row = await conn().fetchrow(_PAYMENT + "WHERE p.id = $1", payment_id)
    return msgspec.convert(dict(row), PaymentRow) if row else None


async def case_of_payment(payment_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM payment WHERE id = $1", payment_id
    )
    return found


_UPDATE_COLUMNS = (
    "u.id, u.offer_ids, u.effective_from, u.percent, u.amounts::text AS amounts, u.note, "
    "u.status, u.requested_by, u.requested_at, u.applied_at, u.reverted_at, u.error, "
    "u.revert_error, u.preview::text AS preview, u.result::text AS result"
)


async def price_updates(limit: int = 100) -> list[PriceUpdateRow]:
    """The newest updates, each with ``later_exists``: a later update of one of its offers
    stands (see ``later_update_exists``), in the same query."""
    rows = await conn().fetch(
        f"SELECT {_UPDATE_COLUMNS}, CASE WHEN u.status = 'faerdig' THEN EXISTS (SELECT 1 "
        "FROM price_update l WHERE l.id <> u.id "
        "AND l.status IN ('faerdig', 'tilbagefoeres', 'venter') "
        "AND l.requested_at > u.requested_at AND l.offer_ids && u.offer_ids) ELSE false END "
        "AS later_exists "
        "FROM price_update u ORDER BY u.requested_at DESC LIMIT $1",
        limit,
    )
    return [_decode_update(r) for r in rows]


async def price_update(update_id: uuid.UUID) -> PriceUpdateRow | None:
    row = await conn().fetchrow(
        f"SELECT {_UPDATE_COLUMNS}, false AS later_exists FROM price_update u WHERE u.id = $1",
        update_id,
    )
    return _decode_update(row) if row else None


def _decode_update(row: asyncpg.Record) -> PriceUpdateRow:
    out = dict(row)
    for key in ("amounts", "preview", "result"):
        out[key] = json.loads(out[key]) if out[key] else None
    return PriceUpdateRow(**out)


async def later_update_exists(row: PriceUpdateRow) -> bool:
    return bool(
        await conn().fetchval(
            "SELECT 1 FROM price_update WHERE id <> $1 AND status IN ('faerdig', "
            "'tilbagefoeres', 'venter') AND requested_at > $2 AND offer_ids && $3::uuid[]",
            row.id,
            row.requested_at,
            row.offer_ids,
        )
    )


async def payment_exports() -> list[PaymentExportRead]:
    rows = await conn().fetch(
        "SELECT id, created_by, "
        + _name_of("payment_export.created_by")
        + ", created_at, filename, sha256, payment_count, total_oere "
        "FROM payment_export ORDER BY created_at DESC LIMIT 200"
    )
    return [PaymentExportRead(**dict(r)) for r in rows]


async def payment_export_file(export_id: uuid.UUID) -> ExportFile | None:
    row = await conn().fetchrow(
        "SELECT filename, content, payment_count FROM payment_export WHERE id = $1", export_id
    )
    return ExportFile(row["filename"], bytes(row["content"]), row["payment_count"]) if row else None


async def insert_catalogue_event(
    actor: str,
    entity: str,
    entity_id: uuid.UUID | None,
    action: str,
    title: str,
    detail: dict[str, object],
) -> None:
    await conn().execute(
        "INSERT INTO catalogue_event (actor, entity, entity_id, action, title, detail) "
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
        actor,
        entity,
        entity_id,
        action,
        title,
        json.dumps(detail, default=str, ensure_ascii=False),
    )


async def get_case_of_indsats(indsats_id: uuid.UUID) -> uuid.UUID | None:
    case_id: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM indsats WHERE id = $1", indsats_id
    )
    return case_id


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's payments, bevillinger with their prices, and visitation
    drafts with their lines (inside the case's deletion)."""
    c = conn()
    out = {
        "payment": await c.execute("DELETE FROM payment WHERE hovedsag_id = $1", hovedsag_id),
        "bevilling_price": await c.execute(
            "DELETE FROM bevilling_price WHERE bevilling_id IN "
            "(SELECT id FROM bevilling WHERE hovedsag_id = $1)",
            hovedsag_id,
        ),
        "bevilling": await c.execute("DELETE FROM bevilling WHERE hovedsag_id = $1", hovedsag_id),
        "visitation_line": await c.execute(
            "DELETE FROM visitation_line WHERE draft_id IN "
            "(SELECT id FROM visitation_draft WHERE hovedsag_id = $1)",
            hovedsag_id,
        ),
        "visitation_draft": await c.execute(
            "DELETE FROM visitation_draft WHERE hovedsag_id = $1", hovedsag_id
        ),
    }
    return {k: _deleted(v) for k, v in out.items()}
