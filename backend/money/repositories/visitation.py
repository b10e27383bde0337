"""Queries of visitation drafts, their lines and the bevillinger a decision grants.

Lock order, as everywhere in money: the case (``lock_case``) before its draft
(``lock_draft``); the offers ``FOR SHARE`` in id order (``share_offers``) before a
bevilling copies their prices, as a price update locks them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from backend.core.db import conn
from backend.money.schemas import Frequency, Unit


class OfferChoice(msgspec.Struct, frozen=True):
    """An offer as a draft line or a bevilling chooses it, with its supplier."""

    id: uuid.UUID
    name: str
    measure_kind: str
    unit: str
    active: bool
    supplier_id: uuid.UUID
    supplier: str
    supplier_active: bool


class LockedDraft(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    paragraph: str
    status: str
    version: int
    changed_by: str
    changed_at: datetime
    submitted_by: str | None
    per_year_oere: int | None
    approved_by: str | None
    approved_at: datetime | None


class LockedMeasure(msgspec.Struct, frozen=True):
    """A running measure (indsats) that gets a bevilling."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    afgoerelse_id: uuid.UUID | None
    kind: str
    paragraph: str
    starts_on: date
    ends_on: date | None


async def get_offer_choice(offer_id: uuid.UUID) -> OfferChoice | None:
    row = await conn().fetchrow(
        "SELECT o.id, o.name, o.measure_kind, o.unit, o.active, o.supplier_id, "
        "s.name AS supplier, s.active AS supplier_active FROM offer o "
        "JOIN supplier s ON s.id = o.supplier_id WHERE o.id = $1",
        offer_id,
    )
    return OfferChoice(**dict(row)) if row else None


async def has_price_on(offer_id: uuid.UUID, day: date) -> bool:
    """The offer has an active price on ``day``."""
    return bool(
        await conn().fetchval(
            "SELECT 1 FROM offer_price WHERE offer_id = $1 AND retired_at IS NULL "
            "AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)",
            offer_id,
            day,
        )
    )


async def lock_case(hovedsag_id: uuid.UUID) -> tuple[bool, datetime | None]:
    """Lock the case ``FOR UPDATE``: (whether it exists, when it was closed)."""
    row = await conn().fetchrow(
        "SELECT closed_at FROM hovedsag WHERE id = $1 FOR UPDATE", hovedsag_id
    )
    return (False, None) if row is None else (True, row["closed_at"])


async def has_open_draft(hovedsag_id: uuid.UUID, statuses: list[str]) -> bool:
    return bool(
        await conn().fetchval(
            "SELECT 1 FROM visitation_draft WHERE hovedsag_id = $1 AND status = ANY($2::text[])",
            hovedsag_id,
            statuses,
        )
    )


async def insert_draft(actor: str, hovedsag_id: uuid.UUID, paragraph: str, note: str) -> uuid.UUID:
    draft_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO visitation_draft (hovedsag_id, paragraph, note, created_by, changed_by) "
        "VALUES ($1, $2, $3, $4, $4) RETURNING id",
        hovedsag_id,
        paragraph,
        note,
        actor,
    )
    return draft_id


async def lock_draft(draft_id: uuid.UUID) -> LockedDraft | None:
    """The draft, locked ``FOR UPDATE``."""
    row = await conn().fetchrow(
        "SELECT id, hovedsag_id, paragraph, status, version, changed_by, changed_at, "
        "submitted_by, per_year_oere, approved_by, approved_at "
        "FROM visitation_draft WHERE id = $1 FOR UPDATE",
        draft_id,
    )
    return LockedDraft(**dict(row)) if row else None


class DraftOfCase(msgspec.Struct, frozen=True):
    """The columns of a case's draft the decision reads (of every column it locks)."""

    id: uuid.UUID
    status: str
    paragraph: str
    approved_by: str | None
    approved_at: datetime | None


async def lock_draft_of_case(draft_id: uuid.UUID, hovedsag_id: uuid.UUID) -> DraftOfCase | None:
    """The case's draft, locked ``FOR UPDATE`` (every column, as before)."""
    row = await conn().fetchrow(
        "SELECT * FROM visitation_draft WHERE id = $1 AND hovedsag_id = $2 FOR UPDATE",
        draft_id,
        hovedsag_id,
    )
    return msgspec.convert(dict(row), DraftOfCase) if row else None


async def update_draft(draft_id: uuid.UUID, actor: str, **fields: Any) -> None:
    """Count the draft's version up, stamp who changed it, and set ``fields`` (column names
    from the code, never from input)."""
    sets = ", ".join(f"{k} = ${i + 3}" for i, k in enumerate(fields))
    await conn().execute(
        "UPDATE visitation_draft SET version = version + 1, changed_by = $2, "
        f"changed_at = now(){', ' + sets if sets else ''} WHERE id = $1",
        draft_id,
        actor,
        *fields.values(),
    )


async def count_lines(draft_id: uuid.UUID) -> int:
    n: int = await conn().fetchval(
        "SELECT count(*) FROM visitation_line WHERE draft_id = $1", draft_id
    )
    return n


async def insert_line(
    actor: str,
    draft_id: uuid.UUID,
    *,
    measure_kind: str,
    offer_id: uuid.UUID,
    quantity: Decimal,
    frequency: str,
    starts_on: date,
    ends_on: date | None,
    note: str,
) -> uuid.UUID:
    """A line at the end of the draft."""
    line_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO visitation_line (draft_id, position, measure_kind, offer_id, quantity, "
        "frequency, starts_on, ends_on, note, created_by) VALUES ($1, (SELECT "
        "coalesce(max(position), 0) + 1 FROM visitation_line WHERE draft_id = $1), $2, $3, "
        "$4, $5, $6, $7, $8, $9) RETURNING id",
        draft_id,
        measure_kind,
        offer_id,
        quantity,
        frequency,
        starts_on,
        ends_on,
        note,
        actor,
    )
    return line_id


async def delete_line(draft_id: uuid.UUID, line_id: uuid.UUID) -> bool:
    """Remove the line from the draft; False when it is not one of its lines."""
    removed = await conn().fetchval(
        "DELETE FROM visitation_line WHERE id = $1 AND draft_id = $2 RETURNING id",
        line_id,
        draft_id,
    )
    return removed is not None


class DraftLine(msgspec.Struct, frozen=True):
    """A line of a draft (``visitation_line``) with its offer, supplier and, once
    granted, its bevilling and measure."""

    id: uuid.UUID
    draft_id: uuid.UUID
    position: int
    measure_kind: str
    offer_id: uuid.UUID
    quantity: Decimal
    frequency: Frequency
    starts_on: date
    ends_on: date | None
    note: str
    created_by: str
    created_at: datetime
    offer_name: str
    unit: Unit
    supplier_id: uuid.UUID
    supplier_name: str
    bevilling_id: uuid.UUID | None
    indsats_id: uuid.UUID | None


async def list_lines(draft_id: uuid.UUID) -> list[DraftLine]:
    """The draft's lines in order, with offer, supplier and (once granted) bevilling."""
    rows = await conn().fetch(
        "SELECT l.*, o.name AS offer_name, o.unit, s.id AS supplier_id, s.name AS supplier_name, "
        "b.id AS bevilling_id, b.indsats_id FROM visitation_line l "
        "JOIN offer o ON o.id = l.offer_id JOIN supplier s ON s.id = o.supplier_id "
        "LEFT JOIN bevilling b ON b.draft_line_id = l.id "
        "WHERE l.draft_id = $1 ORDER BY l.position",
        draft_id,
    )
    return [DraftLine(**r) for r in rows]


async def share_offers(offer_ids: list[uuid.UUID]) -> None:
    """Lock the offers ``FOR SHARE`` in id order (as a price update locks them, so the two
    never deadlock)."""
    await conn().execute(
        "SELECT 1 FROM offer WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE", offer_ids
    )


async def share_offer(offer_id: uuid.UUID) -> None:
    await conn().execute("SELECT 1 FROM offer WHERE id = $1 FOR SHARE", offer_id)


async def insert_bevilling(
    actor: str,
    *,
    hovedsag_id: uuid.UUID,
    indsats_id: uuid.UUID,
    afgoerelse_id: uuid.UUID | None,
    draft_line_id: uuid.UUID | None,
    offer: OfferChoice,
    paragraph: str,
    quantity: Decimal,
    frequency: str,
    period_from: date,
    period_to: date | None,
    approved_by: str | None,
    approved_at: datetime | None,
) -> uuid.UUID:
    bevilling_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO bevilling (hovedsag_id, indsats_id, afgoerelse_id, draft_line_id, "
        "offer_id, supplier_id, measure_kind, paragraph, unit, quantity, frequency, "
        "period_from, period_to, approved_by, approved_at, created_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
        "RETURNING id",
        hovedsag_id,
        indsats_id,
        afgoerelse_id,
        draft_line_id,
        offer.id,
        offer.supplier_id,
        offer.measure_kind,
        paragraph,
        offer.unit,
        quantity,
        frequency,
        period_from,
        period_to,
        approved_by,
        approved_at,
        actor,
    )
    return bevilling_id


async def insert_bevilling_prices(
    actor: str,
    bevilling_id: uuid.UUID,
    offer_id: uuid.UUID,
    period_from: date,
    period_to: date | None,
) -> None:
    """Copy the offer's active prices over the bevilling's period onto it."""
    await conn().execute(
        "INSERT INTO bevilling_price (bevilling_id, valid_from, valid_to, amount_oere, "
        "created_by) SELECT $1, greatest(valid_from, $3), "
        "CASE WHEN $4::date IS NULL THEN valid_to ELSE least(coalesce(valid_to, $4), $4) END, "
        "amount_oere, $5 FROM offer_price WHERE offer_id = $2 AND retired_at IS NULL "
        "AND (valid_to IS NULL OR valid_to >= $3) AND ($4::date IS NULL OR valid_from <= $4)",
        bevilling_id,
        offer_id,
        period_from,
        period_to,
        actor,
    )


async def lock_measure(indsats_id: uuid.UUID) -> LockedMeasure | None:
    """The measure, locked ``FOR UPDATE``."""
    row = await conn().fetchrow(
        "SELECT i.id, i.hovedsag_id, i.afgoerelse_id, i.kind, i.paragraph, i.starts_on, "
        "i.ends_on FROM indsats i WHERE i.id = $1 FOR UPDATE",
        indsats_id,
    )
    return LockedMeasure(**dict(row)) if row else None


async def has_bevilling(indsats_id: uuid.UUID) -> bool:
    return bool(await conn().fetchval("SELECT 1 FROM bevilling WHERE indsats_id = $1", indsats_id))
