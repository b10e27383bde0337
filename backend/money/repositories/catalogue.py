"""Queries of the catalogue: suppliers, their offers and the offers' price rows.

A change locks its supplier or offer ``FOR UPDATE`` first (``lock_supplier``,
``lock_offer``); price rows are never changed in place, only retired and written again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from backend.core.db import conn


class LockedSupplier(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    kind: str
    cvr: str | None
    tilbudsportalen_id: str | None
    address: str
    active: bool
    version: int
    changed_by: str | None
    changed_at: datetime | None


class LockedOffer(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    tilbudsportalen_id: str | None
    active: bool
    version: int
    changed_by: str | None
    changed_at: datetime | None


class PriceSpan(msgspec.Struct, frozen=True):
    """An offer price row's period and amount."""

    id: uuid.UUID
    valid_from: date
    valid_to: date | None
    amount_oere: int
    retired_at: datetime | None = None


async def insert_supplier(
    actor: str,
    *,
    name: str,
    cvr: str | None,
    kind: str,
    tilbudsportalen_id: str | None,
    address: str,
) -> uuid.UUID:
    supplier_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO supplier (name, cvr, kind, tilbudsportalen_id, address, created_by) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        name,
        cvr,
        kind,
        tilbudsportalen_id,
        address,
        actor,
    )
    return supplier_id


async def lock_supplier(supplier_id: uuid.UUID) -> LockedSupplier | None:
    """The supplier, locked ``FOR UPDATE``."""
    row = await conn().fetchrow(
        "SELECT id, name, kind, cvr, tilbudsportalen_id, address, active, version, "
        "changed_by, changed_at FROM supplier WHERE id = $1 FOR UPDATE",
        supplier_id,
    )
    return LockedSupplier(**dict(row)) if row else None


async def update_supplier(
    supplier_id: uuid.UUID,
    actor: str,
    *,
    name: str,
    kind: str,
    cvr: str | None,
    tilbudsportalen_id: str | None,
    address: str,
    active: bool,
) -> None:
    """Write the supplier's fields and count its version up."""
    await conn().execute(
        "UPDATE supplier SET name = $2, kind = $3, cvr = $4, tilbudsportalen_id = $5, "
        "address = $6, active = $7, version = version + 1, changed_by = $8, changed_at = now() "
        "WHERE id = $1",
        supplier_id,
        name,
        kind,
        cvr,
        tilbudsportalen_id,
        address,
        active,
        actor,
    )


async def insert_offer(
    actor: str,
    supplier_id: uuid.UUID,
    *,
    name: str,
    measure_kind: str,
    unit: str,
    tilbudsportalen_id: str | None,
) -> uuid.UUID:
    offer_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO offer (supplier_id, name, measure_kind, unit, tilbudsportalen_id, "
        "created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        supplier_id,
        name,
        measure_kind,
        unit,
        tilbudsportalen_id,
        actor,
    )
    return offer_id


async def lock_offer(offer_id: uuid.UUID) -> LockedOffer | None:
    """The offer, locked ``FOR UPDATE`` (its prices change under this lock)."""
    row = await conn().fetchrow(
        "SELECT id, name, tilbudsportalen_id, active, version, changed_by, changed_at "
        "FROM offer WHERE id = $1 FOR UPDATE",
        offer_id,
    )
    return LockedOffer(**dict(row)) if row else None


async def update_offer(
    offer_id: uuid.UUID,
    actor: str,
    *,
    name: str,
    tilbudsportalen_id: str | None,
    active: bool,
) -> None:
    await conn().execute(
        "UPDATE offer SET name = $2, tilbudsportalen_id = $3, active = $4, "
        "version = version + 1, changed_by = $5, changed_at = now() WHERE id = $1",
        offer_id,
        name,
        tilbudsportalen_id,
        active,
        actor,
    )


async def list_overlapping_prices(
    offer_id: uuid.UUID, valid_from: date, valid_to: date | None
) -> list[PriceSpan]:
    """The offer's active price rows that overlap [valid_from, valid_to], earliest first."""
    rows = await conn().fetch(
        "SELECT id, valid_from, valid_to, amount_oere FROM offer_price "
        "WHERE offer_id = $1 AND retired_at IS NULL "
        "AND daterange(valid_from, valid_to, '[]') && daterange($2, $3, '[]') "
        "ORDER BY valid_from",
        offer_id,
        valid_from,
        valid_to,
    )
    return [PriceSpan(r["id"], r["valid_from"], r["valid_to"], r["amount_oere"]) for r in rows]


async def insert_offer_price(
    actor: str,
    offer_id: uuid.UUID,
    *,
    valid_from: date,
    valid_to: date | None,
    amount_oere: int,
    note: str,
) -> uuid.UUID:
    price_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, note, "
        "created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        offer_id,
        valid_from,
        valid_to,
        amount_oere,
        note,
        actor,
    )
    return price_id


async def retire_offer_price(price_id: uuid.UUID, actor: str, reason: str) -> None:
    await conn().execute(
        "UPDATE offer_price SET retired_at = now(), retired_by = $2, retired_reason = $3 "
        "WHERE id = $1",
        price_id,
        actor,
        reason,
    )


async def insert_offer_price_copy(price_id: uuid.UUID, valid_to: date, actor: str) -> uuid.UUID:
    """A copy of the price row ending on ``valid_to``; returns the new row."""
    new_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, note, "
        "created_by) SELECT offer_id, valid_from, $2, amount_oere, note, $3 FROM offer_price "
        "WHERE id = $1 RETURNING id",
        price_id,
        valid_to,
        actor,
    )
    return new_id


async def get_offer_of_price(price_id: uuid.UUID) -> uuid.UUID | None:
    offer_id: uuid.UUID | None = await conn().fetchval(
        "SELECT offer_id FROM offer_price WHERE id = $1", price_id
    )
    return offer_id


async def get_offer_price(price_id: uuid.UUID) -> PriceSpan | None:
    row = await conn().fetchrow(
        "SELECT id, valid_from, valid_to, amount_oere, retired_at FROM offer_price WHERE id = $1",
        price_id,
    )
    return PriceSpan(**dict(row)) if row else None


async def retire_active_offer_price(
    price_id: uuid.UUID, actor: str, reason: str
) -> PriceSpan | None:
    """Retire the price row unless it already is; None when it was."""
    row = await conn().fetchrow(
        "UPDATE offer_price SET retired_at = now(), retired_by = $2, retired_reason = $3 "
        "WHERE id = $1 AND retired_at IS NULL RETURNING id, amount_oere, valid_from, valid_to",
        price_id,
        actor,
        reason,
    )
    return PriceSpan(**dict(row)) if row else None


async def get_price_on(offer_id: uuid.UUID, day: date) -> int | None:
    """The offer's active price on ``day``."""
    amount: int | None = await conn().fetchval(
        "SELECT amount_oere FROM offer_price WHERE offer_id = $1 AND retired_at IS NULL "
        "AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)",
        offer_id,
        day,
    )
    return amount
