"""The post tables' queries (tenant migrations 0027, 0030), in the open tenant transaction
(except :func:`claim_email_attempt`, which commits on its own)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from backend.core.db import conn
from backend.db import SIDE
from tenancy.context import SWITCH_SQL


class DeliveryRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    letter_id: uuid.UUID
    hovedsag_id: uuid.UUID
    post_letter_id: uuid.UUID
    recipient_name: str
    recipient_role: str
    recipient_cpr: str | None
    recipient_email: str | None
    recipient_address: str
    channel: str
    status: str
    attempts: int
    error: str | None
    message_uuid: uuid.UUID
    print_batch_id: uuid.UUID | None
    created_at: datetime
    sent_at: datetime | None
    attempt_started_at: datetime | None = None  # an e-mail attempt began and has no outcome
    receipt: str | None = None  # Digital Post's receipt, in words


class LetterRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    letter_id: uuid.UUID
    document_id: uuid.UUID
    title: str
    pdf: bytes
    sent_by: str


class BatchRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    day: date
    created_at: datetime
    printed_at: datetime | None
    printed_by: str | None
    letters: int


_DELIVERY = (
    "id, letter_id, hovedsag_id, post_letter_id, recipient_name, recipient_role, "
    "recipient_cpr, recipient_email, recipient_address, channel, status, attempts, error, "
    "message_uuid, print_batch_id, created_at, sent_at, attempt_started_at, receipt"
)


def _delivery(r: object) -> DeliveryRow:
    return DeliveryRow(**dict(r))  # type: ignore[call-overload]


async def insert_letter(
    hovedsag_id: uuid.UUID,
    letter_id: uuid.UUID,
    document_id: uuid.UUID,
    title: str,
    pdf: bytes,
    sent_by: str,
) -> uuid.UUID:
    new_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO post_letter (hovedsag_id, letter_id, document_id, title, pdf, sent_by) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        hovedsag_id,
        letter_id,
        document_id,
        title,
        pdf,
        sent_by,
    )
    return new_id


async def insert_delivery(
    post_letter_id: uuid.UUID,
    hovedsag_id: uuid.UUID,
    letter_id: uuid.UUID,
    *,
    name: str,
    role: str,
    cpr: str | None,
    email: str | None,
    address: str,
    address_protected: bool = False,
    channel: str,
) -> uuid.UUID:
    new_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO delivery (post_letter_id, hovedsag_id, letter_id, recipient_name, "
        "recipient_role, recipient_cpr, recipient_email, recipient_address, channel, "
        "address_protected) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        post_letter_id,
        hovedsag_id,
        letter_id,
        name,
        role,
        cpr,
        email,
        address,
        channel,
        address_protected,
    )
    return new_id


async def get_delivery_for_update(delivery_id: uuid.UUID) -> DeliveryRow | None:
    """Locked while it is sent: two runs of one delivery serialise, the second sees it sent."""
    r = await conn().fetchrow(
        f"SELECT {_DELIVERY} FROM delivery WHERE id = $1 FOR UPDATE", delivery_id
    )
    return None if r is None else _delivery(r)


async def get_delivery(delivery_id: uuid.UUID) -> DeliveryRow | None:
    """Not locked: an e-mail attempt must claim the row in its own transaction first."""
    r = await conn().fetchrow(f"SELECT {_DELIVERY} FROM delivery WHERE id = $1", delivery_id)
    return None if r is None else _delivery(r)


async def get_case_delivery(hovedsag_id: uuid.UUID, delivery_id: uuid.UUID) -> DeliveryRow | None:
    """The delivery if it is on the case, locked FOR UPDATE."""
    r = await conn().fetchrow(
        f"SELECT {_DELIVERY} FROM delivery WHERE id = $1 AND hovedsag_id = $2 FOR UPDATE",
        delivery_id,
        hovedsag_id,
    )
    return None if r is None else _delivery(r)


async def claim_email_attempt(code: str, delivery_id: uuid.UUID) -> bool:
    """Mark an e-mail attempt as started, in a short tenant transaction of kommune ``code``
    of its own (another connection from the application's pool, the schema and role
    switched as in every tenant transaction) that has committed when this returns: if the
    process dies after the mail server took the message, the mark is there for the next
    run. False when the delivery is not waiting, or another attempt has the mark already.
    The caller's transaction must not hold the delivery's row lock."""
    pool = SIDE.pool  # beside the job's own transaction (backend/db.py)
    assert pool is not None
    async with pool.acquire() as pooled, pooled.transaction():
        switched = await pooled.fetchrow(SWITCH_SQL, code)
        if switched is None or switched["status"] != "active":
            return False
        result: str = await pooled.execute(
            "UPDATE delivery SET attempt_started_at = clock_timestamp() "
            "WHERE id = $1 AND status = 'afventer' AND attempt_started_at IS NULL",
            delivery_id,
        )
    return result.endswith(" 1")


async def update_unresolved(delivery_id: uuid.UUID, started: datetime) -> bool:
    """An attempt started at ``started`` has no outcome: 'uafklaret' (nothing is resent)."""
    result: str = await conn().execute(
        "UPDATE delivery SET status = 'uafklaret', attempts = attempts + 1, "
        "error = NULL WHERE id = $1 AND status = 'afventer' AND attempt_started_at = $2",
        delivery_id,
        started,
    )
    return result.endswith(" 1")


async def update_resend(delivery_id: uuid.UUID) -> None:
    """An unresolved e-mail is to be sent again (a new attempt, on purpose)."""
    await conn().execute(
        "UPDATE delivery SET status = 'afventer', attempt_started_at = NULL, error = NULL "
        "WHERE id = $1 AND status = 'uafklaret'",
        delivery_id,
    )


async def get_letter(post_letter_id: uuid.UUID) -> LetterRow | None:
    r = await conn().fetchrow(
        "SELECT id, hovedsag_id, letter_id, document_id, title, pdf, sent_by FROM post_letter "
        "WHERE id = $1",
        post_letter_id,
    )
    return None if r is None else LetterRow(**dict(r))


async def list_deliveries(
    hovedsag_id: uuid.UUID, letter_id: uuid.UUID | None = None
) -> list[DeliveryRow]:
    rows = await conn().fetch(
        f"SELECT {_DELIVERY} FROM delivery WHERE hovedsag_id = $1 "
        "AND ($2::uuid IS NULL OR letter_id = $2) ORDER BY created_at, recipient_name",
        hovedsag_id,
        letter_id,
    )
    return [_delivery(r) for r in rows]


async def update_sent(delivery_id: uuid.UUID, receipt: str | None = None) -> None:
    await conn().execute(
        "UPDATE delivery SET status = 'sendt', attempts = attempts + 1, error = NULL, "
        "sent_at = clock_timestamp(), attempt_started_at = NULL, receipt = $2 WHERE id = $1",
        delivery_id,
        receipt,
    )


async def update_attempt_failed(delivery_id: uuid.UUID, error: str, final: bool) -> int:
    attempts: int = await conn().fetchval(
        "UPDATE delivery SET attempts = attempts + 1, error = $2, attempt_started_at = NULL, "
        "status = CASE WHEN $3 THEN 'fejlet' ELSE status END WHERE id = $1 RETURNING attempts",
        delivery_id,
        error,
        final,
    )
    return attempts


async def open_batch(day: date) -> uuid.UUID:
    """Today's open print batch, made if there is none (one open batch a day)."""
    found: uuid.UUID | None = await conn().fetchval(
        "INSERT INTO print_batch (day) VALUES ($1) "
        "ON CONFLICT (day) WHERE printed_at IS NULL DO NOTHING RETURNING id",
        day,
    )
    if found is not None:
        return found
    existing: uuid.UUID = await conn().fetchval(
        "SELECT id FROM print_batch WHERE day = $1 AND printed_at IS NULL", day
    )
    return existing


async def update_queued_for_print(delivery_id: uuid.UUID, batch_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE delivery SET print_batch_id = $2, attempts = attempts + 1, error = NULL "
        "WHERE id = $1",
        delivery_id,
        batch_id,
    )


async def list_batches(limit: int = 60) -> list[BatchRow]:
    rows = await conn().fetch(
        "SELECT b.id, b.day, b.created_at, b.printed_at, b.printed_by, "
        "(SELECT count(*) FROM delivery d WHERE d.print_batch_id = b.id)::int AS letters "
        "FROM print_batch b ORDER BY b.printed_at IS NOT NULL, b.day DESC, b.created_at DESC "
        "LIMIT $1",
        limit,
    )
    return [BatchRow(**dict(r)) for r in rows]


async def get_batch(batch_id: uuid.UUID, for_update: bool = False) -> BatchRow | None:
    lock = " FOR UPDATE OF b" if for_update else ""
    r = await conn().fetchrow(
        "SELECT b.id, b.day, b.created_at, b.printed_at, b.printed_by, "
        "(SELECT count(*) FROM delivery d WHERE d.print_batch_id = b.id)::int AS letters "
        f"FROM print_batch b WHERE b.id = $1{lock}",
        batch_id,
    )
    return None if r is None else BatchRow(**dict(r))


class BatchItem(msgspec.Struct, frozen=True):
    delivery_id: uuid.UUID
    hovedsag_id: uuid.UUID
    recipient_name: str
    recipient_address: str
    title: str
    pdf: bytes


async def list_batch_items(batch_id: uuid.UUID) -> list[BatchItem]:
    rows = await conn().fetch(
        "SELECT d.id AS delivery_id, d.hovedsag_id, d.recipient_name, d.recipient_address, "
        "l.title, l.pdf FROM delivery d JOIN post_letter l ON l.id = d.post_letter_id "
        "WHERE d.print_batch_id = $1 AND NOT d.address_protected ORDER BY d.created_at, d.id",
        batch_id,
    )
    return [BatchItem(**dict(r)) for r in rows]


async def update_batch_printed(batch_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE print_batch SET printed_at = clock_timestamp(), printed_by = $2 WHERE id = $1",
        batch_id,
        actor,
    )
    await conn().execute(
        "UPDATE delivery SET status = 'sendt', sent_at = clock_timestamp() "
        "WHERE print_batch_id = $1 AND status = 'afventer'",
        batch_id,
    )


async def find_delivery_by_message(message_uuids: list[uuid.UUID]) -> DeliveryRow | None:
    r = await conn().fetchrow(
        f"SELECT {_DELIVERY} FROM delivery WHERE message_uuid = ANY($1::uuid[]) "
        "AND channel = 'digital_post' LIMIT 1",
        message_uuids,
    )
    return None if r is None else _delivery(r)


async def insert_inbound(message_uuid: uuid.UUID, delivery_id: uuid.UUID) -> bool:
    """False when this reply was stored before (the same MeMo delivered again)."""
    done: uuid.UUID | None = await conn().fetchval(
        "INSERT INTO inbound_post (message_uuid, delivery_id) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING message_uuid",
        message_uuid,
        delivery_id,
    )
    return done is not None


async def update_inbound_document(message_uuid: uuid.UUID, document_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE inbound_post SET document_id = $2 WHERE message_uuid = $1",
        message_uuid,
        document_id,
    )


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's sent post, its deliveries and the answers received to
    them (inside the case's deletion)."""
    c = conn()
    inbound = await c.execute(
        "DELETE FROM inbound_post WHERE delivery_id IN "
        "(SELECT id FROM delivery WHERE hovedsag_id = $1)",
        hovedsag_id,
    )
    delivery = await c.execute("DELETE FROM delivery WHERE hovedsag_id = $1", hovedsag_id)
    letters = await c.execute("DELETE FROM post_letter WHERE hovedsag_id = $1", hovedsag_id)
    return {
        "inbound_post": _deleted(inbound),
        "delivery": _deleted(delivery),
        "post_letter": _deleted(letters),
    }
