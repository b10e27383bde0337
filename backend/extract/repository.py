"""All SQL of the daily raw data: the rows changed in a window, table by table (read over
casework's and money's tables, as MI does, with no free text), the extract runs, and the
machine keys."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import msgspec

from backend.core.db import conn

# Each table of the extract: its query over the window ($1 exclusive, $2 inclusive), its
# columns in the order of ``backend.extract.service.SCHEMAS`` (ids as text). Only ids,
# codes, dates, numbers: no names, notes, titles, free text or CPR numbers.
TABLES: dict[str, str] = {
    "sager": (
        "SELECT h.id::text AS sag_id, h.child_id::text AS barn_id, "
        "extract(year FROM c.birth_date)::int AS foedselsaar, h.case_number AS sagsnummer, "
        "h.opened_at AS aabnet, h.closed_at AS afsluttet, h.stage AS fase, "
        "h.team_id::text AS team_id, h.caseworker_id::text AS sagsbehandler_id, "
        "h.transferred_to AS overflyttet_til, h.received_from AS modtaget_fra, "
        "h.updated_at AS aendret "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "WHERE h.updated_at > $1 AND h.updated_at <= $2"
    ),
    "indsatser": (
        "SELECT i.id::text AS indsats_id, i.hovedsag_id::text AS sag_id, "
        "i.afgoerelse_id::text AS afgoerelse_id, i.kind AS art, "
        "i.paragraph AS paragraf, i.placement AS anbringelse, i.starts_on AS start, "
        "i.ends_on AS slut, i.planned_end AS planlagt_slut, i.updated_at AS aendret "
        "FROM indsats i WHERE i.updated_at > $1 AND i.updated_at <= $2"
    ),
    "afgoerelser": (
        "SELECT a.id::text AS afgoerelse_id, a.hovedsag_id::text AS sag_id, "
        "a.paragraph AS paragraf, a.outcome AS udfald, a.decided_on AS truffet, "
        "a.notified_on AS meddelt, a.updated_at AS aendret "
        "FROM afgoerelse a WHERE a.updated_at > $1 AND a.updated_at <= $2"
    ),
    "frister": (
        "SELECT t.id::text AS frist_id, t.hovedsag_id::text AS sag_id, t.rule_id AS regel, "
        "t.status, t.due_at AS frist, t.completed_at AS udfoert, t.created_at AS oprettet, "
        "t.updated_at AS aendret "
        "FROM activity t WHERE t.updated_at > $1 AND t.updated_at <= $2"
    ),
    "bevillinger": (
        # Prices aggregated once per run (a correlated subquery per bevilling scanned the
        # prices 15,000 times over for 30,000 children).
        "WITH pr AS (SELECT bevilling_id, max(updated_at) AS changed, "
        " (array_agg(amount_oere ORDER BY valid_from DESC) "
        "  FILTER (WHERE retired_at IS NULL))[1] AS amount "
        " FROM bevilling_price GROUP BY bevilling_id) "
        "SELECT b.id::text AS bevilling_id, b.hovedsag_id::text AS sag_id, "
        "b.indsats_id::text AS indsats_id, b.afgoerelse_id::text AS afgoerelse_id, "
        "b.measure_kind AS art, b.paragraph AS paragraf, b.unit AS enhed, "
        "b.quantity::float8 AS antal, b.frequency AS hyppighed, b.period_from AS fra, "
        "b.period_to AS til, b.supplier_id::text AS leverandoer_id, "
        "b.offer_id::text AS tilbud_id, pr.amount AS pris_oere, b.approved_at AS godkendt, "
        "greatest(b.updated_at, pr.changed) AS aendret "
        "FROM bevilling b LEFT JOIN pr ON pr.bevilling_id = b.id "
        "WHERE greatest(b.updated_at, pr.changed) > $1 "
        "AND greatest(b.updated_at, pr.changed) <= $2"
    ),
    "betalinger": (
        "SELECT p.id::text AS betaling_id, p.bevilling_id::text AS bevilling_id, "
        "p.hovedsag_id::text AS sag_id, p.period_from AS fra, p.period_to AS til, "
        "p.amount_oere AS beloeb_oere, p.status, p.approved_at AS godkendt, "
        "p.updated_at AS aendret "
        "FROM payment p WHERE p.updated_at > $1 AND p.updated_at <= $2"
    ),
}

EPOCH = datetime.fromisoformat("1900-01-01T00:00:00+00:00")


async def stream_rows(
    table: str, since: datetime | None, upto: datetime, batch: int
) -> AsyncIterator[list[Any]]:
    """The table's changed rows in batches of ``batch`` (a server-side cursor: bounded
    memory). The caller is in the job's transaction."""
    cur = await conn().cursor(TABLES[table], since or EPOCH, upto)
    while True:
        rows = await cur.fetch(batch)
        if not rows:
            return
        yield rows


class ExtractRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    started_at: datetime
    since: datetime | None
    upto: datetime
    finished_at: datetime | None
    status: str
    requested_by: str
    files: list[dict[str, Any]]
    rows: int
    bytes: int
    seconds: float | None
    error: str | None


def _extract(r: Any) -> ExtractRow:
    d = dict(r)
    d["files"] = msgspec.json.decode(d["files"]) if isinstance(d["files"], str) else d["files"]
    d["seconds"] = None if d["seconds"] is None else float(d["seconds"])
    return ExtractRow(**d)


async def now() -> datetime:
    value: datetime = await conn().fetchval("SELECT clock_timestamp()")
    return value


async def last_upto() -> datetime | None:
    value: datetime | None = await conn().fetchval(
        "SELECT max(upto) FROM raw_extract WHERE status = 'faerdig'"
    )
    return value


async def insert_extract(since: datetime | None, upto: datetime, actor: str) -> uuid.UUID:
    value: uuid.UUID = await conn().fetchval(
        "INSERT INTO raw_extract (since, upto, requested_by) VALUES ($1, $2, $3) RETURNING id",
        since,
        upto,
        actor,
    )
    return value


async def finish_extract(
    extract_id: uuid.UUID, files: list[dict[str, Any]], rows: int, size: int, seconds: float
) -> None:
    await conn().execute(
        "UPDATE raw_extract SET status = 'faerdig', finished_at = clock_timestamp(), "
        "files = $2::jsonb, rows = $3, bytes = $4, seconds = $5 WHERE id = $1",
        extract_id,
        msgspec.json.encode(files).decode(),
        rows,
        size,
        round(seconds, 3),
    )


async def list_extracts(limit: int) -> list[ExtractRow]:
    rows = await conn().fetch(
        "SELECT id, started_at, since, upto, finished_at, status, requested_by, files::text "
        "AS files, rows, bytes, seconds, error FROM raw_extract "
        "ORDER BY started_at DESC LIMIT $1",
        limit,
    )
    return [_extract(r) for r in rows]


async def get_extract(extract_id: uuid.UUID) -> ExtractRow | None:
    r = await conn().fetchrow(
        "SELECT id, started_at, since, upto, finished_at, status, requested_by, files::text "
        "AS files, rows, bytes, seconds, error FROM raw_extract WHERE id = $1",
        extract_id,
    )
    return None if r is None else _extract(r)


class KeyRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    token_hash: bytes
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


async def insert_key(name: str, token_hash: bytes, actor: str) -> uuid.UUID:
    value: uuid.UUID = await conn().fetchval(
        "INSERT INTO raw_data_key (name, token_hash, created_by) VALUES ($1, $2, $3) RETURNING id",
        name,
        token_hash,
        actor,
    )
    return value


async def list_keys() -> list[KeyRow]:
    rows = await conn().fetch(
        "SELECT id, name, token_hash, created_by, created_at, last_used_at, revoked_at "
        "FROM raw_data_key ORDER BY created_at DESC"
    )
    return [KeyRow(**{**dict(r), "token_hash": bytes(r["token_hash"])}) for r in rows]


async def get_key(key_id: uuid.UUID) -> KeyRow | None:
    r = await conn().fetchrow(
        "SELECT id, name, token_hash, created_by, created_at, last_used_at, revoked_at "
        "FROM raw_data_key WHERE id = $1",
        key_id,
    )
    return None if r is None else KeyRow(**{**dict(r), "token_hash": bytes(r["token_hash"])})


async def revoke_key(key_id: uuid.UUID, actor: str) -> bool:
    status: str = await conn().execute(
        "UPDATE raw_data_key SET revoked_at = now(), revoked_by = $2 "
        "WHERE id = $1 AND revoked_at IS NULL",
        key_id,
        actor,
    )
    return status.endswith(" 1")


async def touch_key(key_id: uuid.UUID) -> None:
    await conn().execute("UPDATE raw_data_key SET last_used_at = now() WHERE id = $1", key_id)


async def list_expired_extracts(days: int) -> list[uuid.UUID]:
    """Extracts older than ``days`` whose files are still kept."""
    rows = await conn().fetch(
        "SELECT id FROM raw_extract WHERE started_at < now() - make_interval(days => $1) "
        "AND files <> '[]'::jsonb",
        days,
    )
    return [r["id"] for r in rows]


async def forget_files(extract_ids: list[uuid.UUID]) -> None:
    await conn().execute(
        "UPDATE raw_extract SET files = '[]'::jsonb WHERE id = ANY($1::uuid[])", extract_ids
    )
