"""Queries of payments against bevillinger and their export to the finance system."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from backend.core.db import conn


class BevillingPeriod(msgspec.Struct, frozen=True):
    """What a payment is checked against: the bevilling's period (``ends``: the earlier of
    its planned end and the measure's end) and its supplier."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    period_from: date
    ends: date | None
    measure_kind: str
    supplier: str


class LockedPayment(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    period_from: date
    period_to: date
    amount_oere: int
    status: str
    version: int
    registered_by: str
    approved_by: str | None
    approved_at: datetime | None
    cancelled_by: str | None
    cancelled_at: datetime | None


class ExportRow(msgspec.Struct, frozen=True):
    """An approved payment as a line of the finance file."""

    id: uuid.UUID
    bevilling_id: uuid.UUID
    hovedsag_id: uuid.UUID
    period_from: date
    period_to: date
    amount_oere: int
    invoice_ref: str
    approved_by: str | None
    approved_at: datetime | None
    measure_kind: str
    paragraph: str
    supplier: str
    cvr: str | None
    supplier_kind: str
    offer: str


async def get_bevilling_period(bevilling_id: uuid.UUID) -> BevillingPeriod | None:
    row = await conn().fetchrow(
        "SELECT b.id, b.hovedsag_id, b.period_from, least(b.period_to, i.ends_on) AS ends, "
        "b.measure_kind, s.name AS supplier FROM bevilling b "
        "JOIN indsats i ON i.id = b.indsats_id JOIN supplier s ON s.id = b.supplier_id "
        "WHERE b.id = $1",
        bevilling_id,
    )
    return BevillingPeriod(**dict(row)) if row else None


async def insert_payment(
    actor: str,
    *,
    bevilling_id: uuid.UUID,
    hovedsag_id: uuid.UUID,
    period_from: date,
    period_to: date,
    amount_oere: int,
    invoice_ref: str,
    note: str,
    status: str,
) -> uuid.UUID:
    """A new payment; approved now when ``status`` is ``godkendt``."""
    payment_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO payment (bevilling_id, hovedsag_id, period_from, period_to, amount_oere, "
        "invoice_ref, note, status, registered_by, approved_at) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, CASE WHEN $8 = 'godkendt' THEN now() END) RETURNING id",
        bevilling_id,
        hovedsag_id,
        period_from,
        period_to,
        amount_oere,
        invoice_ref,
        note,
        status,
        actor,
    )
    return payment_id


async def lock_payment(payment_id: uuid.UUID) -> LockedPayment | None:
    """The payment, locked ``FOR UPDATE``."""
    row = await conn().fetchrow(
        "SELECT id, hovedsag_id, period_from, period_to, amount_oere, status, version, "
        "registered_by, approved_by, approved_at, cancelled_by, cancelled_at "
        "FROM payment WHERE id = $1 FOR UPDATE",
        payment_id,
    )
    return LockedPayment(**dict(row)) if row else None


async def update_payment_approved(payment_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE payment SET status = 'godkendt', approved_by = $2, approved_at = now(), "
        "version = version + 1 WHERE id = $1",
        payment_id,
        actor,
    )


async def update_payment_cancelled(payment_id: uuid.UUID, actor: str, reason: str) -> None:
    await conn().execute(
        "UPDATE payment SET status = 'annulleret', cancelled_by = $2, cancelled_at = now(), "
        "cancel_reason = $3, version = version + 1 WHERE id = $1",
        payment_id,
        actor,
        reason,
    )


async def lock_payments_to_export() -> list[ExportRow]:
    """Every approved payment not yet exported, locked; rows another export holds are
    skipped, so two exports never share a payment."""
    rows = await conn().fetch(
        "SELECT p.id, p.bevilling_id, p.hovedsag_id, p.period_from, p.period_to, "
        "p.amount_oere, p.invoice_ref, p.approved_by, p.approved_at, b.measure_kind, "
        "b.paragraph, s.name AS supplier, s.cvr, s.kind AS supplier_kind, o.name AS offer "
        "FROM payment p JOIN bevilling b ON b.id = p.bevilling_id "
        "JOIN supplier s ON s.id = b.supplier_id JOIN offer o ON o.id = b.offer_id "
        "WHERE p.status = 'godkendt' ORDER BY p.approved_at, p.id FOR UPDATE OF p SKIP LOCKED"
    )
    return [ExportRow(**dict(r)) for r in rows]


async def insert_payment_export(
    export_id: uuid.UUID,
    actor: str,
    *,
    filename: str,
    content: bytes,
    sha256: str,
    payment_count: int,
    total_oere: int,
) -> None:
    await conn().execute(
        "INSERT INTO payment_export (id, created_by, filename, content, sha256, payment_count, "
        "total_oere) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        export_id,
        actor,
        filename,
        content,
        sha256,
        payment_count,
        total_oere,
    )


async def update_payments_exported(export_id: uuid.UUID, payment_ids: list[uuid.UUID]) -> int:
    """Mark the payments exported by ``export_id``; returns how many were still approved."""
    updated: int = await conn().fetchval(
        "WITH u AS (UPDATE payment SET status = 'eksporteret', export_id = $1, "
        "version = version + 1 WHERE id = ANY($2::uuid[]) AND status = 'godkendt' RETURNING 1) "
        "SELECT count(*) FROM u",
        export_id,
        payment_ids,
    )
    return updated
