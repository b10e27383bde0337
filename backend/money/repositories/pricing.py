"""Queries of price updates: what an update writes (counted for the preview, written by
the job), the preview's per-bevilling change, and the update's own row.

``new_rows_sql`` is the one computation the preview and the job share, so the two cannot
disagree. The job locks the offers ``FOR UPDATE`` in id order (``lock_offers``), the same
order a decision's ``FOR SHARE`` uses, and works in a savepoint (``savepoint``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from backend.core.db import conn


class OfferAtDate(msgspec.Struct, frozen=True):
    """An offer of an update with its supplier and its price on the effective date."""

    id: uuid.UUID
    name: str
    unit: str
    active: bool
    supplier: str
    amount_oere: int | None


class AffectedBevilling(msgspec.Struct, frozen=True, array_like=True):
    id: uuid.UUID
    offer_id: uuid.UUID


class PreviewRow(msgspec.Struct, frozen=True):
    """One bevilling the update re-prices: its price on the date before and after, and the
    change over the 12 months from the date."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    offer_id: uuid.UUID
    measure_kind: str
    old_amount: int | None
    new_amount: int | None
    price_rows: int
    change_12: int


class LockedUpdate(msgspec.Struct, frozen=True):
    id: uuid.UUID
    offer_ids: list[uuid.UUID]
    effective_from: date
    percent: Decimal | None
    amounts: str | None  # the jsonb as text: {offer id: new amount in øre}
    status: str
    requested_by: str
    requested_at: datetime


class LaterUpdate(msgspec.Struct, frozen=True):
    id: uuid.UUID
    requested_at: datetime
    effective_from: date


# The new amount of a price row ``x`` (with ``x.amount_oere`` and ``x.offer_id``): the
# percentage rounded to whole øre (half away from zero), or the offer's new amount.
_NEW = (
    "(CASE WHEN $PCT::numeric IS NOT NULL THEN round(x.amount_oere * (100 + $PCT::numeric) "
    "/ 100)::bigint ELSE ($AMT::jsonb ->> x.offer_id::text)::bigint END)"
)


def _new_amount(pct: int, amt: int) -> str:
    return _NEW.replace("$PCT", f"${pct}").replace("$AMT", f"${amt}")


# The approved and ongoing bevillinger of the offers: their period (planned end, the
# measure's end) reaches the date.
_AFFECTED = (
    "SELECT b.id, b.offer_id FROM bevilling b JOIN indsats i ON i.id = b.indsats_id "
    "WHERE b.offer_id = ANY($1::uuid[]) "
    "AND (least(b.period_to, i.ends_on) IS NULL OR least(b.period_to, i.ends_on) >= $2)"
)

# The one computation of what an update writes, shared by the preview (which counts the
# rows) and the job (which retires ``x`` and inserts ``parts``), so the two cannot
# disagree. ``x``: the active price rows that reach the date ($1 the offers or the
# bevillinger, $2 the date); ``parts``: their replacements — a row that started before the
# date is split into its old part (to the day before) and its new part, so it gives two
# rows; a row from the date on (a future price too) gives one, at the new amount.
_ROWS_WHERE = (
    "p.{key} = ANY($1::uuid[]) AND p.retired_at IS NULL "
    "AND (p.valid_to IS NULL OR p.valid_to >= $2)"
)
_X = {
    "offer": "SELECT p.offer_id AS key, p.offer_id, p.valid_from, p.valid_to, p.amount_oere, "
    "p.note FROM offer_price p WHERE " + _ROWS_WHERE.format(key="offer_id"),
    "bevilling": "SELECT p.bevilling_id AS key, b.offer_id, p.valid_from, p.valid_to, "
    "p.amount_oere, NULL::text AS note FROM bevilling_price p JOIN bevilling b "
    "ON b.id = p.bevilling_id WHERE " + _ROWS_WHERE.format(key="bevilling_id"),
}
_RETIRE = {
    "offer": "UPDATE offer_price p SET retired_at = now(), retired_by = $5, "
    "retired_reason = 'Prisopdatering', retired_by_update = $6 WHERE "
    + _ROWS_WHERE.format(key="offer_id")
    + " RETURNING p.offer_id AS key, p.offer_id, p.valid_from, p.valid_to, p.amount_oere, "
    "p.note",
    "bevilling": "UPDATE bevilling_price p SET retired_at = now(), retired_by = $5, "
    "retired_by_update = $6 FROM bevilling b WHERE b.id = p.bevilling_id AND "
    + _ROWS_WHERE.format(key="bevilling_id")
    + " RETURNING p.bevilling_id AS key, b.offer_id, p.valid_from, p.valid_to, "
    "p.amount_oere, NULL::text AS note",
}
_PARTS = (
    "SELECT key, valid_from, $2::date - 1 AS valid_to, amount_oere, note FROM x "
    "WHERE valid_from < $2 UNION ALL "
    "SELECT x.key, greatest(x.valid_from, $2), x.valid_to, " + _new_amount(3, 4) + ", x.note "
    "FROM x"
)
_INSERT = {
    "offer": "INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, note, "
    "price_update_id, created_by) SELECT key, valid_from, valid_to, amount_oere, note, $6, $5 "
    "FROM parts RETURNING 1",
    "bevilling": "INSERT INTO bevilling_price (bevilling_id, valid_from, valid_to, "
    "amount_oere, price_update_id, created_by) SELECT key, valid_from, valid_to, "
    "amount_oere, $6, $5 FROM parts RETURNING 1",
}


def new_rows_sql(kind: str, *, write: bool) -> str:
    """The price update's rows of ``kind`` (``offer`` or ``bevilling``): counted
    (``write=False``; parameters $1-$4) or retired and replaced (``write=True``; $5 the
    actor, $6 the update). Returns the number of new rows either way."""
    if write:
        return (
            f"WITH x AS ({_RETIRE[kind]}), parts AS ({_PARTS}), ins AS ({_INSERT[kind]}) "
            "SELECT count(*) FROM ins"
        )
    return f"WITH x AS ({_X[kind]}), parts AS ({_PARTS}) SELECT count(*) FROM parts"


_PREVIEW = f"""
WITH b AS (
    SELECT b.id, b.hovedsag_id, b.offer_id, b.measure_kind, b.frequency, b.quantity,
           b.period_from, least(b.period_to, i.ends_on) AS ends
    FROM bevilling b JOIN indsats i ON i.id = b.indsats_id
    WHERE b.offer_id = ANY($1::uuid[])
      AND (least(b.period_to, i.ends_on) IS NULL OR least(b.period_to, i.ends_on) >= $2)
), x AS (
    SELECT b.*, p.valid_from, p.valid_to, p.amount_oere,
           (p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $2)) AS on_date
    FROM b JOIN bevilling_price p ON p.bevilling_id = b.id AND p.retired_at IS NULL
     AND (p.valid_to IS NULL OR p.valid_to >= $2)
), d AS (
    SELECT x.*, {_new_amount(3, 4)} - x.amount_oere AS delta FROM x
), m AS (
    SELECT d.id, sum(mm.cost) AS cost
    FROM d CROSS JOIN LATERAL money_months(d.frequency, d.quantity, d.delta, d.period_from,
        greatest(d.valid_from, $2), least(coalesce(d.valid_to, 'infinity'),
        coalesce(d.ends, 'infinity'), $5::date)) mm
    GROUP BY d.id
), g AS (
    SELECT d.id, d.hovedsag_id, d.offer_id, d.measure_kind,
           min(d.amount_oere) FILTER (WHERE d.on_date) AS old_amount,
           min(d.amount_oere + d.delta) FILTER (WHERE d.on_date) AS new_amount,
           count(*) AS price_rows
    FROM d GROUP BY d.id, d.hovedsag_id, d.offer_id, d.measure_kind
)
SELECT g.*, coalesce(m.cost, 0)::bigint AS change_12 FROM g LEFT JOIN m ON m.id = g.id
"""


def savepoint() -> Any:
    """A savepoint of the job's transaction (``async with``): a failure inside undoes only
    what the update wrote."""
    return conn().transaction()


async def list_offers_at(offer_ids: list[uuid.UUID], day: date) -> list[OfferAtDate]:
    """The offers with their supplier and active price on ``day``, by supplier and name."""
    rows = await conn().fetch(
        "SELECT o.id, o.name, o.unit, o.active, s.name AS supplier, p.amount_oere "
        "FROM offer o JOIN supplier s ON s.id = o.supplier_id "
        "LEFT JOIN offer_price p ON p.offer_id = o.id AND p.retired_at IS NULL "
        "AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $2) "
        "WHERE o.id = ANY($1::uuid[]) ORDER BY s.name, o.name",
        offer_ids,
        day,
    )
    return [OfferAtDate(**dict(r)) for r in rows]


async def list_affected_bevillinger(
    offer_ids: list[uuid.UUID], effective_from: date
) -> list[AffectedBevilling]:
    """The bevillinger an update re-prices, in the job's order (by id)."""
    rows = await conn().fetch(_AFFECTED + " ORDER BY b.id", offer_ids, effective_from)
    return [AffectedBevilling(r[0], r[1]) for r in rows]


async def list_preview_rows(
    offer_ids: list[uuid.UUID],
    effective_from: date,
    percent: Decimal | None,
    amounts_json: str | None,
    until: date,
) -> list[PreviewRow]:
    rows = await conn().fetch(_PREVIEW, offer_ids, effective_from, percent, amounts_json, until)
    return [
        PreviewRow(
            r["id"],
            r["hovedsag_id"],
            r["offer_id"],
            r["measure_kind"],
            r["old_amount"],
            r["new_amount"],
            r["price_rows"],
            r["change_12"],
        )
        for r in rows
    ]


async def count_new_rows(
    kind: str,
    keys: list[uuid.UUID],
    effective_from: date,
    percent: Decimal | None,
    amounts_json: str | None,
) -> int:
    """How many price rows of ``kind`` the update would write for ``keys``."""
    n = await conn().fetchval(
        new_rows_sql(kind, write=False), keys, effective_from, percent, amounts_json
    )
    return int(n)


async def write_new_rows(
    kind: str,
    keys: list[uuid.UUID],
    effective_from: date,
    percent: Decimal | None,
    amounts_json: str | None,
    actor: str,
    update_id: uuid.UUID,
) -> int:
    """Retire the rows of ``kind`` for ``keys`` and write their replacements; returns how
    many were written."""
    n = await conn().fetchval(
        new_rows_sql(kind, write=True),
        keys,
        effective_from,
        percent,
        amounts_json,
        actor,
        update_id,
    )
    return int(n)


async def list_child_names(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = await conn().fetch(
        "SELECT h.id, c.first_name || ' ' || c.last_name AS name FROM hovedsag h "
        "JOIN child c ON c.id = h.child_id WHERE h.id = ANY($1::uuid[])",
        case_ids,
    )
    return {r["id"]: r["name"] for r in rows}


async def insert_price_update(
    actor: str,
    *,
    offer_ids: list[uuid.UUID],
    effective_from: date,
    percent: Decimal | None,
    amounts_json: str | None,
    note: str,
    preview_json: str,
) -> uuid.UUID:
    update_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO price_update (offer_ids, effective_from, percent, amounts, note, preview, "
        "requested_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7) RETURNING id",
        offer_ids,
        effective_from,
        percent,
        amounts_json,
        note,
        preview_json,
        actor,
    )
    return update_id


async def lock_price_update(update_id: uuid.UUID) -> LockedUpdate | None:
    """The update, locked ``FOR UPDATE``."""
    row = await conn().fetchrow(
        "SELECT id, offer_ids, effective_from, percent, amounts::text AS amounts, status, "
        "requested_by, requested_at FROM price_update WHERE id = $1 FOR UPDATE",
        update_id,
    )
    return LockedUpdate(**dict(row)) if row else None


async def get_later_update(
    update_id: uuid.UUID, requested_at: datetime, offer_ids: list[uuid.UUID]
) -> LaterUpdate | None:
    """The first update of one of the same offers requested after this one that stands
    (applied, waiting or being reverted)."""
    row = await conn().fetchrow(
        "SELECT id, requested_at, effective_from FROM price_update WHERE id <> $1 "
        "AND status IN ('faerdig', 'tilbagefoeres', 'venter') AND requested_at > $2 "
        "AND offer_ids && $3::uuid[] ORDER BY requested_at LIMIT 1",
        update_id,
        requested_at,
        offer_ids,
    )
    return LaterUpdate(**dict(row)) if row else None


async def update_revert_requested(update_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE price_update SET status = 'tilbagefoeres', revert_requested_by = $2, "
        "revert_requested_at = now(), revert_error = NULL WHERE id = $1",
        update_id,
        actor,
    )


async def lock_offers(offer_ids: list[uuid.UUID]) -> int:
    """Lock the offers ``FOR UPDATE`` in id order; returns how many exist."""
    rows = await conn().fetch(
        "SELECT o.id, o.name, o.active, s.active AS supplier_active FROM offer o "
        "JOIN supplier s ON s.id = o.supplier_id WHERE o.id = ANY($1::uuid[]) "
        "ORDER BY o.id FOR UPDATE OF o",
        offer_ids,
    )
    return len(rows)


async def list_offers_without_price(offer_ids: list[uuid.UUID], day: date) -> list[str]:
    """The names of the offers that have no active price on ``day``."""
    rows = await conn().fetch(
        "SELECT o.name FROM offer o WHERE o.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 "
        "FROM offer_price p WHERE p.offer_id = o.id AND p.retired_at IS NULL "
        "AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $2))",
        offer_ids,
        day,
    )
    return [r["name"] for r in rows]


async def update_failed(update_id: uuid.UUID, message: str) -> None:
    await conn().execute(
        "UPDATE price_update SET status = 'fejlet', error = $2 WHERE id = $1",
        update_id,
        message,
    )


async def update_applied(update_id: uuid.UUID, result_json: str) -> None:
    await conn().execute(
        "UPDATE price_update SET status = 'faerdig', result = $2::jsonb, applied_at = now() "
        "WHERE id = $1",
        update_id,
        result_json,
    )


async def count_changed_rows(update_id: uuid.UUID) -> int:
    """How many of the rows the update wrote were retired since (by a later change)."""
    n: int = await conn().fetchval(
        "SELECT (SELECT count(*) FROM offer_price WHERE price_update_id = $1 "
        "AND retired_at IS NOT NULL) + (SELECT count(*) FROM bevilling_price "
        "WHERE price_update_id = $1 AND retired_at IS NOT NULL)",
        update_id,
    )
    return n


async def list_bevillinger_of_update(update_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn().fetch(
        "SELECT DISTINCT bevilling_id FROM bevilling_price WHERE price_update_id = $1 "
        "ORDER BY bevilling_id",
        update_id,
    )
    return [r["bevilling_id"] for r in rows]


async def retire_offer_rows_of_update(update_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE offer_price SET retired_at = now(), retired_by = $2, "
        "retired_reason = 'Prisopdatering tilbageført' WHERE price_update_id = $1",
        update_id,
        actor,
    )


async def restore_offer_rows(update_id: uuid.UUID, actor: str) -> int:
    """Write again the offer rows the update retired; returns how many."""
    n: int = await conn().fetchval(
        "WITH ins AS (INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, "
        "note, price_update_id, restored_from_id, created_by) SELECT offer_id, valid_from, "
        "valid_to, amount_oere, note, price_update_id, id, $2 FROM offer_price "
        "WHERE retired_by_update = $1 RETURNING 1) SELECT count(*) FROM ins",
        update_id,
        actor,
    )
    return n


async def retire_bevilling_rows_of_update(
    update_id: uuid.UUID, bevilling_ids: list[uuid.UUID], actor: str
) -> None:
    await conn().execute(
        "UPDATE bevilling_price SET retired_at = now(), retired_by = $3 "
        "WHERE price_update_id = $1 AND bevilling_id = ANY($2::uuid[])",
        update_id,
        bevilling_ids,
        actor,
    )


async def restore_bevilling_rows(
    update_id: uuid.UUID, bevilling_ids: list[uuid.UUID], actor: str
) -> int:
    """Write again the bevillinger's rows the update retired; returns how many."""
    n: int = await conn().fetchval(
        "WITH ins AS (INSERT INTO bevilling_price (bevilling_id, valid_from, valid_to, "
        "amount_oere, price_update_id, restored_from_id, created_by) SELECT bevilling_id, "
        "valid_from, valid_to, amount_oere, price_update_id, id, $3 FROM bevilling_price "
        "WHERE retired_by_update = $1 AND bevilling_id = ANY($2::uuid[]) RETURNING 1) "
        "SELECT count(*) FROM ins",
        update_id,
        bevilling_ids,
        actor,
    )
    return n


async def update_revert_failed(update_id: uuid.UUID, message: str) -> None:
    await conn().execute(
        "UPDATE price_update SET status = 'faerdig', revert_error = $2 WHERE id = $1",
        update_id,
        message,
    )


async def update_reverted(update_id: uuid.UUID, result_json: str) -> None:
    await conn().execute(
        "UPDATE price_update SET status = 'tilbagefoert', reverted_at = now(), "
        "result = result || jsonb_build_object('reverted', $2::jsonb) WHERE id = $1",
        update_id,
        result_json,
    )
