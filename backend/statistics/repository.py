"""Statistics' queries: the case data a DST delivery is made from (reads of casework's
tables, by design: tests/test_structure.py ``CASEWORK_READERS``) and the deliveries."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from backend.core.db import conn


class MeasureRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    kind: str
    paragraph: str
    placement: bool
    starts_on: date
    ends_on: date | None
    cpr: str | None
    birth_date: date | None


class NotificationRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    received_at: datetime
    source: str
    suspected_abuse: bool
    cpr: str | None
    mother_cpr: str | None
    birth_date: date | None
    causes: list[str] = []


class CaseRow(msgspec.Struct, frozen=True):
    """What the administrator may see of a case a record concerns (no CPR number)."""

    id: uuid.UUID
    case_number: str | None
    first_name: str
    last_name: str
    birth_date: date | None
    caseworker: str | None


class SentRow(msgspec.Struct, frozen=True):
    """The latest verdict on a record key: what DST holds (or rejected) of it."""

    record_key: str
    kind: str
    content_hash: str
    status: str
    accepted_hash: str | None


class DeliveryRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    period: str
    status: str
    records: int
    created_by: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    accepted: int | None
    rejected: int | None
    automatic: bool
    pruned_at: datetime | None


class SettingRow(msgspec.Struct, frozen=True):
    auto_send: bool
    changed_by: str | None
    changed_at: datetime | None


class RejectedRow(msgspec.Struct, frozen=True):
    delivery_id: uuid.UUID
    record_key: str
    kind: str
    action: str
    hovedsag_id: uuid.UUID | None
    reason: str | None


async def list_measures(until: date) -> list[MeasureRow]:
    rows = await conn().fetch(
        """
        SELECT i.id, i.hovedsag_id, i.kind, i.paragraph, i.placement, i.starts_on, i.ends_on,
               c.cpr, c.birth_date
        FROM indsats i
        JOIN hovedsag h ON h.id = i.hovedsag_id
        JOIN child c ON c.id = h.child_id
        WHERE i.starts_on <= $1
        ORDER BY i.starts_on, i.id
        """,
        until,
    )
    return [MeasureRow(**dict(r)) for r in rows]


async def list_notifications(until: datetime) -> list[NotificationRow]:
    rows = await conn().fetch(
        """
        SELECT n.id, e.hovedsag_id, n.received_at, n.source, n.suspected_abuse,
               c.cpr, c.mother_cpr, c.birth_date, n.causes
        FROM underretning n
        JOIN enkeltsag e ON e.id = n.enkeltsag_id
        JOIN hovedsag h ON h.id = e.hovedsag_id
        JOIN child c ON c.id = h.child_id
        WHERE n.received_at < $1 AND n.kind = 'underretning'
        ORDER BY n.received_at, n.id
        """,
        until,
    )
    return [NotificationRow(**dict(r)) for r in rows]


async def list_cases(ids: list[uuid.UUID]) -> list[CaseRow]:
    rows = await conn().fetch(
        """
        SELECT h.id, h.case_number, c.first_name, c.last_name, c.birth_date,
               u.display_name AS caseworker
        FROM hovedsag h
        JOIN child c ON c.id = h.child_id
        LEFT JOIN app_user u ON u.id = h.caseworker_id
        WHERE h.id = ANY($1::uuid[])
        """,
        ids,
    )
    return [CaseRow(**dict(r)) for r in rows]


async def list_latest_sent() -> list[SentRow]:
    """Per record key: its latest row, and the hash of the latest version DST accepted."""
    rows = await conn().fetch(
        """
        SELECT DISTINCT ON (r.record_key) r.record_key, r.kind, r.content_hash, r.status,
               (SELECT a.content_hash FROM dst_record a
                WHERE a.record_key = r.record_key AND a.status = 'modtaget'
                ORDER BY a.id DESC LIMIT 1) AS accepted_hash
        FROM dst_record r
        ORDER BY r.record_key, r.id DESC
        """
    )
    return [SentRow(**dict(r)) for r in rows]


async def open_delivery() -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT id FROM dst_delivery WHERE status IN ('klar', 'sendt')"
    )
    return found


async def insert_delivery(
    delivery_id: uuid.UUID,
    period: str,
    payload: bytes,
    records: int,
    actor: str,
    automatic: bool = False,
) -> None:
    await conn().execute(
        """
        INSERT INTO dst_delivery (id, period, status, payload, records, created_by, automatic)
        VALUES ($1, $2, 'klar', $3, $4, $5, $6)
        """,
        delivery_id,
        period,
        payload,
        records,
        actor,
        automatic,
    )


async def insert_records(
    delivery_id: uuid.UUID,
    rows: list[tuple[str, str, str, uuid.UUID | None, str]],
) -> None:
    """``rows``: (record_key, kind, action, hovedsag_id, content_hash); one statement."""
    await conn().execute(
        """
        INSERT INTO dst_record (delivery_id, record_key, kind, action, hovedsag_id,
                                content_hash, status)
        SELECT $1, k, kind, a, h, c, 'sendt'
        FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[])
             AS t(k, kind, a, h, c)
        """,
        delivery_id,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        [r[4] for r in rows],
    )


_DELIVERY = (
    "id, period, status, records, created_by, created_at, sent_at, attempts, last_error, "
    "accepted, rejected, automatic, pruned_at"
)


async def get_delivery_for_update(delivery_id: uuid.UUID) -> tuple[DeliveryRow, bytes] | None:
    r = await conn().fetchrow(
        f"SELECT {_DELIVERY}, payload FROM dst_delivery WHERE id = $1 FOR UPDATE", delivery_id
    )
    if r is None:
        return None
    data = dict(r)
    payload: bytes = data.pop("payload")
    return DeliveryRow(**data), payload


async def get_delivery(delivery_id: uuid.UUID) -> DeliveryRow | None:
    r = await conn().fetchrow(f"SELECT {_DELIVERY} FROM dst_delivery WHERE id = $1", delivery_id)
    return DeliveryRow(**dict(r)) if r else None


async def get_payload(delivery_id: uuid.UUID) -> bytes | None:
    found: bytes | None = await conn().fetchval(
        "SELECT payload FROM dst_delivery WHERE id = $1", delivery_id
    )
    return found


async def list_deliveries(limit: int = 20) -> list[DeliveryRow]:
    rows = await conn().fetch(
        f"SELECT {_DELIVERY} FROM dst_delivery ORDER BY created_at DESC LIMIT $1", limit
    )
    return [DeliveryRow(**dict(r)) for r in rows]


async def record_attempt_failed(delivery_id: uuid.UUID, error: str) -> None:
    await conn().execute(
        "UPDATE dst_delivery SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
        delivery_id,
        error,
    )


async def record_receipt(
    delivery_id: uuid.UUID,
    status: str,
    receipt: str,
    rejections: dict[str, str],
    error: str = "",
) -> tuple[int, int]:
    """Set every record of the delivery received, except ``rejections`` (key -> reason); a
    delivery rejected as a whole (``error``) rejects every record with that reason.
    Returns (accepted, rejected)."""
    if status == "afvist" and not rejections:
        await conn().execute(
            "UPDATE dst_record SET status = 'afvist', reason = $2 WHERE delivery_id = $1",
            delivery_id,
            error or "Indberetningen blev afvist",
        )
    else:
        await conn().execute(
            "UPDATE dst_record SET status = 'modtaget' WHERE delivery_id = $1", delivery_id
        )
    if rejections:
        await conn().executemany(
            """
            UPDATE dst_record SET status = 'afvist', reason = $3
            WHERE delivery_id = $1 AND record_key = $2
            """,
            [(delivery_id, key, reason) for key, reason in rejections.items()],
        )
    counts = await conn().fetchrow(
        """
        SELECT count(*) FILTER (WHERE status = 'modtaget') AS accepted,
               count(*) FILTER (WHERE status = 'afvist') AS rejected
        FROM dst_record WHERE delivery_id = $1
        """,
        delivery_id,
    )
    accepted, rejected = int(counts["accepted"]), int(counts["rejected"])
    await conn().execute(
        """
        UPDATE dst_delivery SET status = $2, receipt = $3, sent_at = coalesce(sent_at, now()),
               attempts = attempts + 1, last_error = NULL, accepted = $4, rejected = $5
        WHERE id = $1
        """,
        delivery_id,
        status,
        receipt,
        accepted,
        rejected,
    )
    return accepted, rejected


async def list_rejected(limit: int = 200) -> list[RejectedRow]:
    """Rejected records whose key has not been accepted since (still to correct)."""
    rows = await conn().fetch(
        """
        SELECT r.delivery_id, r.record_key, r.kind, r.action, r.hovedsag_id, r.reason
        FROM dst_record r
        WHERE r.status = 'afvist'
          AND NOT EXISTS (SELECT 1 FROM dst_record a WHERE a.record_key = r.record_key
                          AND a.id > r.id AND a.status = 'modtaget')
        ORDER BY r.id DESC
        LIMIT $1
        """,
        limit,
    )
    return [RejectedRow(**dict(r)) for r in rows]


async def running_placement() -> tuple[uuid.UUID, str] | None:
    """The demo: the longest-running placement of an open case and its caseworker."""
    r = await conn().fetchrow(
        """
        SELECT i.hovedsag_id, u.username
        FROM indsats i
        JOIN hovedsag h ON h.id = i.hovedsag_id
        JOIN app_user u ON u.id = h.caseworker_id
        WHERE i.placement AND i.ends_on IS NULL AND h.closed_at IS NULL
          AND u.username LIKE 'sagsbehandler@%'
        ORDER BY i.starts_on, i.id
        LIMIT 1
        """
    )
    return (r["hovedsag_id"], r["username"]) if r else None


async def admin_domain() -> str:
    """The demo administrator's e-mail domain (the kommune's demo users share it)."""
    found: str | None = await conn().fetchval(
        "SELECT split_part(username, '@', 2) FROM app_user WHERE username LIKE 'admin@%' LIMIT 1"
    )
    return found or "kommune.dk"


async def get_setting() -> SettingRow:
    row = await conn().fetchrow("SELECT auto_send, changed_by, changed_at FROM dst_setting")
    assert row is not None  # migration 0043 inserts the one row
    return SettingRow(**dict(row))


async def update_setting(auto_send: bool, actor: str) -> None:
    await conn().execute(
        "UPDATE dst_setting SET auto_send = $1, changed_by = $2, changed_at = now()",
        auto_send,
        actor,
    )


async def records_of_cases(case_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
    """(delivery, record key) of every record sent about these cases."""
    rows = await conn().fetch(
        "SELECT delivery_id, record_key FROM dst_record WHERE hovedsag_id = ANY($1::uuid[])",
        case_ids,
    )
    return [(r["delivery_id"], r["record_key"]) for r in rows]


async def payloads(ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, bytes]]:
    """The XML of these deliveries that still have it, locked for the rewrite."""
    rows = await conn().fetch(
        "SELECT id, payload FROM dst_delivery WHERE id = ANY($1::uuid[]) "
        "AND payload IS NOT NULL ORDER BY id FOR UPDATE",
        ids,
    )
    return [(r["id"], r["payload"]) for r in rows]


async def replace_payload(delivery_id: uuid.UUID, payload: bytes) -> None:
    await conn().execute("UPDATE dst_delivery SET payload = $2 WHERE id = $1", delivery_id, payload)


async def retire_case_records(case_ids: list[uuid.UUID], marker: str) -> int:
    """The cases' records keep their key and verdict; their content hash (computed over the
    CPR number and the record) becomes ``marker``. Returns the number of rows."""
    result: str = await conn().execute(
        "UPDATE dst_record SET content_hash = $2, hovedsag_id = NULL "
        "WHERE hovedsag_id = ANY($1::uuid[])",
        case_ids,
        marker,
    )
    return int(result.split()[-1])


async def prune_before(year: int) -> int:
    """Remove the XML of finished deliveries for periods before ``year`` (the summary —
    status, counts, receipt, records and verdicts — stays). Returns how many."""
    result: str = await conn().execute(
        """
        UPDATE dst_delivery SET payload = NULL, pruned_at = now()
        WHERE payload IS NOT NULL AND status NOT IN ('klar', 'sendt')
          AND substr(period, 1, 4)::int < $1
        """,
        year,
    )
    return int(result.split()[-1])
