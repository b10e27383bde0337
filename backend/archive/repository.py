"""The archive's queries: the versions and their cases, and the rows written into a
version's tables, streamed with a server-side cursor (``prefetch`` rows at a time) so a
version of 10,000 cases never holds more than one batch in memory.

Reads of casework's tables (``CASEWORK_READERS`` in ``tests/test_structure.py``): the
closed cases of a period and, for the cases a version contains, their child, journal,
decisions, measures and documents' metadata and files.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any, Literal

import msgspec

from backend.core.db import conn

Status = Literal["venter", "koerer", "klar", "fejlet"]
PREFETCH = 500


class VersionRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    avid: str
    period_from: date
    period_to: date
    status: Status
    cases: int
    documents: int
    table_rows: int
    files: int
    size_bytes: int
    expected: dict[str, int]
    readback_ok: bool | None
    readback_errors: list[str]
    checked_at: datetime | None
    error: str | None
    created_by_name: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


_VERSION_COLUMNS = (
    "id, avid, period_from, period_to, status, cases, documents, table_rows, files, "
    "size_bytes, expected::text AS expected, readback_ok, "
    "readback_errors::text AS readback_errors, checked_at, error, "
    "created_by_name, created_at, started_at, finished_at"
)


def _version(row: Any) -> VersionRow:
    found = dict(row)
    found["readback_errors"] = msgspec.json.decode(found["readback_errors"])
    found["expected"] = msgspec.json.decode(found["expected"])
    return msgspec.convert(found, VersionRow)


async def count_closed_cases(period_from: date, period_to: date) -> int:
    count: int = await conn().fetchval(
        "SELECT count(*) FROM hovedsag WHERE closed_at BETWEEN $1 AND $2",
        period_from,
        period_to,
    )
    return count


async def next_number() -> int:
    """The kommune's next version number (1, 2, …); two orders at once wait for each other
    (a transaction-scoped advisory lock), so they never take the same number."""
    c = conn()
    await c.execute("SELECT pg_advisory_xact_lock(hashtext('trekant.archive_version'))")
    n: int = await c.fetchval("SELECT count(*) + 1 FROM archive_version")
    return n


async def insert_version(
    avid: str,
    period_from: date,
    period_to: date,
    user_id: uuid.UUID,
    user_name: str,
) -> uuid.UUID:
    """The version and every case closed in the period (one INSERT … SELECT); ``cases`` is
    their number."""
    c = conn()
    version_id: uuid.UUID = await c.fetchval(
        "INSERT INTO archive_version (avid, period_from, period_to, cases, created_by, "
        "created_by_name) SELECT $1, $2, $3, count(*), $4, $5 FROM hovedsag "
        "WHERE closed_at BETWEEN $2 AND $3 RETURNING id",
        avid,
        period_from,
        period_to,
        user_id,
        user_name,
    )
    await c.execute(
        "INSERT INTO archive_version_case (version_id, hovedsag_id) "
        "SELECT $1, id FROM hovedsag WHERE closed_at BETWEEN $2 AND $3",
        version_id,
        period_from,
        period_to,
    )
    return version_id


async def list_versions(limit: int = 50) -> list[VersionRow]:
    rows = await conn().fetch(
        f"SELECT {_VERSION_COLUMNS} FROM archive_version ORDER BY created_at DESC LIMIT $1",
        limit,
    )
    return [_version(r) for r in rows]


async def get_version(version_id: uuid.UUID, *, lock: bool = False) -> VersionRow | None:
    row = await conn().fetchrow(
        f"SELECT {_VERSION_COLUMNS} FROM archive_version WHERE id = $1"
        + (" FOR UPDATE" if lock else ""),
        version_id,
    )
    return None if row is None else _version(row)


async def mark_running(version_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE archive_version SET status = 'koerer', started_at = now() WHERE id = $1",
        version_id,
    )


async def mark_written(
    version_id: uuid.UUID,
    *,
    documents: int,
    table_rows: int,
    files: int,
    size_bytes: int,
    expected: dict[str, int],
    errors: list[str],
) -> None:
    await conn().execute(
        "UPDATE archive_version SET status = 'klar', documents = $2, table_rows = $3, "
        "files = $4, size_bytes = $5, readback_ok = $6, readback_errors = $7::jsonb, "
        "expected = $8::jsonb, error = NULL, finished_at = now(), checked_at = now() "
        "WHERE id = $1",
        version_id,
        documents,
        table_rows,
        files,
        size_bytes,
        not errors,
        msgspec.json.encode(errors).decode(),
        msgspec.json.encode(expected).decode(),
    )


async def mark_checked(version_id: uuid.UUID, errors: list[str]) -> None:
    await conn().execute(
        "UPDATE archive_version SET readback_ok = $2, readback_errors = $3::jsonb, "
        "checked_at = now() WHERE id = $1",
        version_id,
        not errors,
        msgspec.json.encode(errors).decode(),
    )


async def mark_failed(version_id: uuid.UUID, message: str) -> None:
    await conn().execute(
        "UPDATE archive_version SET status = 'fejlet', error = $2, finished_at = now() "
        "WHERE id = $1",
        version_id,
        message,
    )


async def archived_among(case_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Of ``case_ids``, those in a written version whose read-back succeeded."""
    rows = await conn().fetch(
        "SELECT DISTINCT c.hovedsag_id FROM archive_version_case c "
        "JOIN archive_version v ON v.id = c.version_id "
        "WHERE v.status = 'klar' AND v.readback_ok AND c.hovedsag_id = ANY($1::uuid[])",
        list(case_ids),
    )
    return {r["hovedsag_id"] for r in rows}


# ---- the tables written into a version ----------------------------------------------------
#
# Each query selects the columns in the order of its table in ``backend.archive.tables``
# and is ordered, so a version written twice is the same. ``$1`` is the version.

_IN_VERSION = "JOIN archive_version_case v ON v.hovedsag_id = h.id AND v.version_id = $1"

TABLE_QUERIES: dict[str, str] = {
    "sag": (
        "SELECT h.id::text, h.case_number, h.child_id::text, h.opened_at, h.closed_at, "
        "h.close_reason, h.received_from, h.transferred_to, "
        "coalesce(u.display_name, '') AS caseworker "
        f"FROM hovedsag h {_IN_VERSION} LEFT JOIN app_user u ON u.id = h.caseworker_id "
        "ORDER BY h.case_number, h.id"
    ),
    "barn": (
        "SELECT DISTINCT ON (c.id) c.id::text, c.cpr, c.first_name, c.last_name, c.birth_date "
        f"FROM child c JOIN hovedsag h ON h.child_id = c.id {_IN_VERSION} ORDER BY c.id"
    ),
    "journal": (
        "SELECT j.id, j.hovedsag_id::text, j.at, coalesce(j.author_name, j.author), j.kind, "
        "j.event, j.title, j.body, j.corrects_id "
        f"FROM journal_entry j JOIN hovedsag h ON h.id = j.hovedsag_id {_IN_VERSION} "
        "ORDER BY j.hovedsag_id, j.id"
    ),
    "afgoerelse": (
        "SELECT a.id::text, a.hovedsag_id::text, a.paragraph, a.outcome, a.decided_on, "
        "a.notified_on, a.summary, a.created_by "
        f"FROM afgoerelse a JOIN hovedsag h ON h.id = a.hovedsag_id {_IN_VERSION} "
        "ORDER BY a.hovedsag_id, a.decided_on, a.id"
    ),
    "indsats": (
        "SELECT i.id::text, i.hovedsag_id::text, i.afgoerelse_id::text, i.kind, i.paragraph, "
        "i.placement, i.starts_on, i.ends_on, i.end_reason "
        f"FROM indsats i JOIN hovedsag h ON h.id = i.hovedsag_id {_IN_VERSION} "
        "ORDER BY i.hovedsag_id, i.starts_on, i.id"
    ),
}

# The documents: their metadata (the ``dokument`` table) and what the file job needs.
DOCUMENTS_QUERY = (
    "SELECT d.id, d.hovedsag_id, d.title, d.kind, d.dated, d.filename, d.incoming, "
    "d.added_at, d.added_by_name, d.rendition, d.text, "
    "(SELECT count(*) FROM document_chunk k WHERE k.document_id = d.id "
    "AND k.stream = 'original') AS original_chunks, "
    "(SELECT count(*) FROM document_chunk k WHERE k.document_id = d.id "
    "AND k.stream = 'rendition') AS rendition_chunks "
    f"FROM document d JOIN hovedsag h ON h.id = d.hovedsag_id {_IN_VERSION} "
    "WHERE d.state = 'klar' ORDER BY d.hovedsag_id, d.dated, d.id"
)


class DocumentRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    title: str
    kind: str
    dated: date
    filename: str
    incoming: bool
    added_at: datetime
    added_by_name: str
    rendition: str
    text: str
    original_chunks: int
    rendition_chunks: int


async def stream_table(key: str, version_id: uuid.UUID) -> AsyncIterator[tuple[Any, ...]]:
    """The rows of table ``key`` for the version, a batch at a time (caller is inside the
    job's transaction, which a server-side cursor needs)."""
    async for row in conn().cursor(TABLE_QUERIES[key], version_id, prefetch=PREFETCH):
        yield tuple(row.values())


async def stream_documents(version_id: uuid.UUID) -> AsyncIterator[DocumentRow]:
    async for row in conn().cursor(DOCUMENTS_QUERY, version_id, prefetch=100):
        yield DocumentRow(**dict(row))


async def count_rows(version_id: uuid.UUID) -> dict[str, int]:
    """What a version must hold: the rows of each table and the documents (one round trip)."""
    parts = ", ".join(
        f"(SELECT count(*) FROM ({sql}) q) AS {key}" for key, sql in TABLE_QUERIES.items()
    )
    docs = DOCUMENTS_QUERY.split(" ORDER BY ")[0]
    row = await conn().fetchrow(
        f"SELECT {parts}, (SELECT count(*) FROM ({docs}) q) AS dokument", version_id
    )
    return dict(row)


async def chunk(document_id: uuid.UUID, stream: str, seq: int) -> bytes | None:
    block = await conn().fetchval(
        "SELECT bytes FROM document_chunk WHERE document_id = $1 AND stream = $2 AND seq = $3",
        document_id,
        stream,
        seq,
    )
    return None if block is None else bytes(block)


async def an_administrator() -> tuple[uuid.UUID, str] | None:
    """An active administrator of the kommune (the demo version's orderer)."""
    row = await conn().fetchrow(
        "SELECT u.id, u.display_name FROM app_user u JOIN user_role r ON r.user_id = u.id "
        "WHERE r.role = 'administrator' AND u.active ORDER BY u.created_at LIMIT 1"
    )
    return None if row is None else (row["id"], row["display_name"])


async def has_versions() -> bool:
    found: bool = await conn().fetchval("SELECT EXISTS (SELECT 1 FROM archive_version)")
    return found


async def last_closed_on() -> date | None:
    found: date | None = await conn().fetchval("SELECT max(closed_at) FROM hovedsag")
    return found
