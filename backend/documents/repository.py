"""Every query of the documents package: metadata, chunks, search.

Runs on the request's (or job's) tenant transaction (``conn()``), except the chunk reads
of a streamed download (:func:`read_chunk`), which open their own short tenant transaction
per chunk on a pooled connection: the request's transaction commits before the response
body is sent (``backend/middleware.py``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from backend.casework.repository import ON_CASE
from backend.core.db import conn
from tenancy.context import SWITCH_SQL

# A snippet is made from the first 20,000 characters (about eight pages): ts_headline parses
# all it is given, and a long document's whole text would cost tens of milliseconds per hit.
SNIPPET_OPTIONS = (
    "StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=18, MinWords=6, "
    'FragmentDelimiter=" … "'
)


class DocumentRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    title: str
    kind: str
    dated: date
    enkeltsag_id: uuid.UUID | None
    enkeltsag_kind: str | None
    enkeltsag_opened: datetime | None
    filename: str
    size: int
    content_type: str
    added_by_name: str
    added_at: datetime
    source: str
    incoming: bool
    handled_at: datetime | None
    handled_by: str | None
    rendition: str
    has_file: bool
    rendition_note: str | None = None
    snippet: str | None = None
    child_name: str | None = None
    case_number: str | None = None


class PendingRow(msgspec.Struct, frozen=True):
    """A document as the upload of its bytes needs it."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    enkeltsag_id: uuid.UUID | None
    title: str
    filename: str
    declared_size: int
    state: str


class ChunkSource(msgspec.Struct, frozen=True):
    """What a download streams: the document's case, title and the chunk count."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    title: str
    filename: str
    content_type: str
    size: int
    rendition: str
    chunks: int
    rendition_chunks: int
    rendition_size: int


_COLUMNS = (
    "d.id, d.hovedsag_id, d.title, d.kind, d.dated, d.enkeltsag_id, e.kind AS enkeltsag_kind, "
    "e.opened_at AS enkeltsag_opened, d.filename, d.size, d.content_type, d.added_by_name, "
    "d.added_at, d.source, d.incoming, d.handled_at, d.handled_by, d.rendition, "
    "d.rendition_note, "
    "EXISTS (SELECT 1 FROM document_chunk k WHERE k.document_id = d.id "
    "AND k.stream = 'original' AND k.seq = 0) AS has_file"
)


def _rows(records: list[Any]) -> list[DocumentRow]:
    return [DocumentRow(**dict(r)) for r in records]


async def enkeltsag_of_case(enkeltsag_id: uuid.UUID, case_id: uuid.UUID) -> bool:
    return bool(
        await conn().fetchval(
            "SELECT 1 FROM enkeltsag WHERE id = $1 AND hovedsag_id = $2", enkeltsag_id, case_id
        )
    )


async def insert_document(
    *,
    case_id: uuid.UUID,
    enkeltsag_id: uuid.UUID | None,
    title: str,
    kind: str,
    dated: date,
    filename: str,
    content_type: str,
    declared_size: int,
    source: str,
    incoming: bool,
    added_by: uuid.UUID | None,
    added_by_name: str,
) -> uuid.UUID:
    """A document waiting for its bytes (``state = 'afventer'``)."""
    found: uuid.UUID = await conn().fetchval(
        "INSERT INTO document (hovedsag_id, enkeltsag_id, title, kind, dated, filename, "
        "content_type, declared_size, source, incoming, added_by, added_by_name) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        case_id,
        enkeltsag_id,
        title,
        kind,
        dated,
        filename,
        content_type,
        declared_size,
        source,
        incoming,
        added_by,
        added_by_name,
    )
    return found


async def delete_unfinished(older_than_hours: int = 24) -> int:
    """Sweep documents whose upload never finished (their chunks go with them)."""
    result: str = await conn().execute(
        "DELETE FROM document WHERE state = 'afventer' "
        "AND added_at < now() - make_interval(hours => $1)",
        older_than_hours,
    )
    return int(result.split()[-1])


async def get_pending_for_update(document_id: uuid.UUID) -> PendingRow | None:
    row = await conn().fetchrow(
        "SELECT id, hovedsag_id, enkeltsag_id, title, filename, declared_size, state "
        "FROM document WHERE id = $1 FOR UPDATE",
        document_id,
    )
    return None if row is None else PendingRow(**dict(row))


async def added_by_of(document_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT added_by FROM document WHERE id = $1", document_id
    )
    return found


async def username_of(user_id: uuid.UUID) -> str | None:
    found: str | None = await conn().fetchval(
        "SELECT username FROM app_user WHERE id = $1", user_id
    )
    return found


async def case_of_document(document_id: uuid.UUID) -> uuid.UUID | None:
    """The case of a finished document (an unfinished one is nobody's to read)."""
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM document WHERE id = $1 AND state = 'klar'", document_id
    )
    return found


class DocumentViewState(msgspec.Struct, frozen=True):
    hovedsag_id: uuid.UUID
    filename: str
    rendition: str


async def view_state(document_id: uuid.UUID) -> DocumentViewState | None:
    """Only what decides how a finished document is shown (its case, for the access check):
    what the viewer polls while a Word file is converted."""
    row = await conn().fetchrow(
        "SELECT hovedsag_id, filename, rendition FROM document WHERE id = $1 AND state = 'klar'",
        document_id,
    )
    return DocumentViewState(**dict(row)) if row else None


async def case_of_any_document(document_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM document WHERE id = $1", document_id
    )
    return found


async def insert_chunk(document_id: uuid.UUID, stream: str, seq: int, data: bytes) -> None:
    await conn().execute(
        "INSERT INTO document_chunk (document_id, stream, seq, bytes) VALUES ($1, $2, $3, $4)",
        document_id,
        stream,
        seq,
        data,
    )


async def delete_chunks(document_id: uuid.UUID, stream: str) -> None:
    await conn().execute(
        "DELETE FROM document_chunk WHERE document_id = $1 AND stream = $2", document_id, stream
    )


async def finish_document(
    document_id: uuid.UUID, size: int, text: str, text_state: str, rendition: str
) -> None:
    await conn().execute(
        "UPDATE document SET state = 'klar', size = $2, text = $3, text_state = $4, "
        "rendition = $5 WHERE id = $1",
        document_id,
        size,
        text,
        text_state,
        rendition,
    )


async def set_text(document_id: uuid.UUID, text: str, text_state: str) -> None:
    await conn().execute(
        "UPDATE document SET text = $2, text_state = $3 WHERE id = $1",
        document_id,
        text,
        text_state,
    )


async def set_rendition(document_id: uuid.UUID, rendition: str, note: str | None = None) -> None:
    """The viewing copy's state, and (when ``fejlet``) the Danish reason shown instead."""
    await conn().execute(
        "UPDATE document SET rendition = $2, rendition_note = $3 WHERE id = $1",
        document_id,
        rendition,
        note,
    )


class WorkRow(msgspec.Struct, frozen=True):
    """A document as its background jobs (extraction, conversion) see it."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    filename: str
    state: str
    text_state: str
    rendition: str
    chunks: int


async def get_work(document_id: uuid.UUID) -> WorkRow | None:
    row = await conn().fetchrow(
        "SELECT d.id, d.hovedsag_id, d.filename, d.state, d.text_state, d.rendition, "
        "(SELECT count(*) FROM document_chunk c WHERE c.document_id = d.id "
        "AND c.stream = 'original')::int AS chunks FROM document d WHERE d.id = $1 FOR UPDATE",
        document_id,
    )
    return None if row is None else WorkRow(**dict(row))


async def chunk_bytes(document_id: uuid.UUID, stream: str, seq: int) -> bytes | None:
    found: bytes | None = await conn().fetchval(
        "SELECT bytes FROM document_chunk WHERE document_id = $1 AND stream = $2 AND seq = $3",
        document_id,
        stream,
        seq,
    )
    return found


async def get_document(document_id: uuid.UUID) -> DocumentRow | None:
    rows = await conn().fetch(
        f"SELECT {_COLUMNS} FROM document d LEFT JOIN enkeltsag e ON e.id = d.enkeltsag_id "
        "WHERE d.id = $1 AND d.state = 'klar'",
        document_id,
    )
    return _rows(rows)[0] if rows else None


async def list_case_documents(
    case_id: uuid.UUID,
    *,
    q: str | None,
    kind: str | None,
    enkeltsag_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[DocumentRow], int]:
    """A page of the case's documents (newest date first, also when searching: a case's
    documents are read by date), and how many there are. With ``q``, each row's ``snippet``
    marks the words found. The page is chosen on the index columns alone; the rows (and
    snippets) are read for it only."""
    where = (
        "d.hovedsag_id = $1 AND d.state = 'klar' AND ($2::text IS NULL OR d.kind = $2) "
        "AND ($3::uuid IS NULL OR d.enkeltsag_id = $3)"
    )
    args: list[Any] = [case_id, kind, enkeltsag_id]
    if q:
        args.append(q)
        where += " AND d.tsv @@ websearch_to_tsquery('danish', $4)"
        snippet = (
            "ts_headline('danish', CASE WHEN d.text = '' THEN d.title ELSE left(d.text, 20000) "
            f"END, websearch_to_tsquery('danish', $4), '{SNIPPET_OPTIONS}') AS snippet"
        )
        n = 5
    else:
        snippet = "NULL::text AS snippet"
        n = 4
    total: int = await conn().fetchval(f"SELECT count(*) FROM document d WHERE {where}", *args)
    if total == 0 or offset >= total:
        return [], total
    rows = await conn().fetch(
        f"SELECT {_COLUMNS}, {snippet} FROM (SELECT d.id, d.dated, d.added_at "
        f"FROM document d WHERE {where} ORDER BY d.dated DESC, d.added_at DESC, d.id "
        f"LIMIT ${n} OFFSET ${n + 1}) p JOIN document d ON d.id = p.id "
        "LEFT JOIN enkeltsag e ON e.id = d.enkeltsag_id "
        "ORDER BY p.dated DESC, p.added_at DESC, p.id",
        *args,
        limit,
        offset,
    )
    return _rows(rows), total


_HIT_COLUMNS = _COLUMNS + ", c.first_name || ' ' || c.last_name AS child_name, h.case_number"


SEARCH_COUNT_CAP = 1000
# How long counting a kommune-wide search may take before the answer says "at least"
# instead (a quoted phrase of two common words must recheck every document holding both).
COUNT_BUDGET_MS = 100


async def openable_case_ids(user_id: uuid.UUID, kommune_wide: bool = False) -> list[uuid.UUID]:
    """The cases ``user_id`` may open (casework's ``ON_CASE``, or every case the database
    lets a kommune-wide role with data restrictions see), open or closed."""
    rows = await conn().fetch(
        f"SELECT h.id FROM hovedsag h WHERE $1::boolean OR {ON_CASE}",
        kommune_wide,
        user_id,
    )
    return [r["id"] for r in rows]


_HIT_PAGE = (
    f"SELECT {_HIT_COLUMNS}, ts_headline('danish', CASE WHEN d.text = '' THEN d.title "
    "ELSE left(d.text, 20000) END, websearch_to_tsquery('danish', $1), "
    f"'{SNIPPET_OPTIONS}') AS snippet, p.total "
    "FROM ({page}) p JOIN document d ON d.id = p.id "
    "JOIN hovedsag h ON h.id = d.hovedsag_id JOIN child c ON c.id = h.child_id "
    "LEFT JOIN enkeltsag e ON e.id = d.enkeltsag_id "
    "ORDER BY p.dated DESC, p.added_at DESC, p.id"
)


async def search_cases(
    q: str, case_ids: list[uuid.UUID], *, limit: int, offset: int
) -> tuple[list[DocumentRow], int]:
    """Documents matching ``q`` on ``case_ids`` (a user's openable cases: thousands of
    documents, not the kommune's), newest first, with snippets, and exactly how many. The
    matches are found first (through the cases' index), then sorted, in one statement."""
    rows = await conn().fetch(
        "WITH hits AS MATERIALIZED (SELECT d.id, d.dated, d.added_at FROM document d "
        "WHERE d.hovedsag_id = ANY($2::uuid[]) AND d.state = 'klar' "
        "AND d.tsv @@ websearch_to_tsquery('danish', $1)) "
        + _HIT_PAGE.format(
            page="SELECT hits.*, count(*) OVER () AS total FROM hits "
            "ORDER BY dated DESC, added_at DESC, id LIMIT $3 OFFSET $4"
        ),
        q,
        case_ids,
        limit,
        offset,
    )
    if not rows:
        total: int = await conn().fetchval(
            "SELECT count(*) FROM document d WHERE d.hovedsag_id = ANY($2::uuid[]) "
            "AND d.state = 'klar' AND d.tsv @@ websearch_to_tsquery('danish', $1)",
            q,
            case_ids,
        )
        return [], total
    return _rows([{k: v for k, v in r.items() if k != "total"} for r in rows]), rows[0]["total"]


async def search_kommune(
    q: str, *, case_ids: list[uuid.UUID] | None, limit: int, offset: int
) -> tuple[list[DocumentRow], int, bool]:
    """Documents matching ``q`` on every case of the kommune (or the many ``case_ids``),
    newest first, with snippets; how many, counted up to ``SEARCH_COUNT_CAP`` within
    ``COUNT_BUDGET_MS`` (and whether that count is all of them: else it is "at least").

    Counted first, because the count tells the way: up to the cap, the matches are found
    through the search index and sorted (a rare word); above it, or when counting took too
    long, the newest documents are walked until the page is full (a common word)."""
    where = "d.state = 'klar' AND d.tsv @@ websearch_to_tsquery('danish', $1)"
    on_cases = "" if case_ids is None else " AND d.hovedsag_id = ANY($4::uuid[])"
    extra = [] if case_ids is None else [case_ids]
    counted = await _count_within_budget(
        f"SELECT count(*) FROM (SELECT 1 FROM document d WHERE {where}"
        f"{on_cases.replace('$4', '$2')} LIMIT {SEARCH_COUNT_CAP + 1}) x",
        q,
        *extra,
    )
    if counted is not None and counted <= SEARCH_COUNT_CAP:
        page = (
            f"WITH hits AS MATERIALIZED (SELECT d.id, d.dated, d.added_at FROM document d "
            f"WHERE {where}{on_cases}) SELECT hits.*, 0 AS total FROM hits "
            "ORDER BY dated DESC, added_at DESC, id LIMIT $2 OFFSET $3"
        )
    else:
        page = (
            "SELECT d.id, d.dated, d.added_at, 0 AS total FROM document d "
            f"WHERE {where}{on_cases} "
            "ORDER BY d.dated DESC, d.added_at DESC, d.id LIMIT $2 OFFSET $3"
        )
    rows = await conn().fetch(_HIT_PAGE.format(page=page), q, limit, offset, *extra)
    found = _rows([{k: v for k, v in r.items() if k != "total"} for r in rows])
    if counted is None:  # over budget: at least what was found
        return found, offset + len(rows), False
    return found, min(counted, SEARCH_COUNT_CAP), counted <= SEARCH_COUNT_CAP


async def _count_within_budget(sql: str, *args: Any) -> int | None:
    """``sql``'s count, or None if it takes longer than ``COUNT_BUDGET_MS`` (a savepoint
    keeps the request's transaction usable; the time limit is put back after)."""
    db = conn()
    before = await db.fetchval("SELECT current_setting('statement_timeout')")
    try:
        async with db.transaction():
            await db.execute(f"SET LOCAL statement_timeout = {COUNT_BUDGET_MS}")
            found: int = await db.fetchval(sql, *args)
            return found
    except asyncpg.QueryCanceledError:
        return None
    finally:
        await db.execute("SELECT set_config('statement_timeout', $1, true)", before)


_UNHANDLED = "d.incoming AND d.handled_at IS NULL AND d.state = 'klar'"


async def incoming_for(
    user_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[DocumentRow], int]:
    """Unhandled incoming documents on the open cases ``user_id`` is responsible for or
    works on (as the worklist counts a caseworker's cases), oldest first."""
    where = (
        f"{_UNHANDLED} AND EXISTS (SELECT 1 "
        "FROM hovedsag h WHERE h.id = d.hovedsag_id AND h.closed_at IS NULL "
        "AND (h.caseworker_id = $1 OR EXISTS (SELECT 1 FROM hovedsag_worker w "
        "WHERE w.hovedsag_id = h.id AND w.user_id = $1)))"
    )
    return await _incoming(where, user_id, limit, offset)


async def incoming_on_case(
    case_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[DocumentRow], int]:
    """Unhandled incoming documents on one case, whoever's worklist it is on, oldest first.
    The caller has checked access to the case."""
    return await _incoming(f"{_UNHANDLED} AND d.hovedsag_id = $1", case_id, limit, offset)


async def _incoming(
    where: str, key: uuid.UUID, limit: int, offset: int
) -> tuple[list[DocumentRow], int]:
    """``where`` filters ``document d`` with ``$1`` = ``key``."""
    total: int = await conn().fetchval(f"SELECT count(*) FROM document d WHERE {where}", key)
    if total == 0 or offset >= total:
        return [], total
    rows = await conn().fetch(
        f"SELECT {_HIT_COLUMNS}, NULL::text AS snippet "
        "FROM (SELECT d.id, d.added_at FROM document d "
        f"WHERE {where} ORDER BY d.added_at, d.id LIMIT $2 OFFSET $3) p "
        "JOIN document d ON d.id = p.id "
        "JOIN hovedsag h ON h.id = d.hovedsag_id JOIN child c ON c.id = h.child_id "
        "LEFT JOIN enkeltsag e ON e.id = d.enkeltsag_id ORDER BY p.added_at, p.id",
        key,
        limit,
        offset,
    )
    return _rows(rows), total


async def mark_handled(document_id: uuid.UUID, by: str) -> bool:
    result: str = await conn().execute(
        "UPDATE document SET handled_at = now(), handled_by = $2, version = version + 1 "
        "WHERE id = $1 AND incoming AND handled_at IS NULL AND state = 'klar'",
        document_id,
        by,
    )
    return result.endswith(" 1")


async def update_document(
    document_id: uuid.UUID,
    title: str,
    kind: str,
    dated: date,
    enkeltsag_id: uuid.UUID | None,
) -> None:
    await conn().execute(
        "UPDATE document SET title = $2, kind = $3, dated = $4, enkeltsag_id = $5, "
        "version = version + 1 WHERE id = $1",
        document_id,
        title,
        kind,
        dated,
        enkeltsag_id,
    )


async def get_chunk_source(document_id: uuid.UUID) -> ChunkSource | None:
    row = await conn().fetchrow(
        "SELECT d.id, d.hovedsag_id, d.title, d.filename, d.content_type, d.size, d.rendition, "
        "(SELECT count(*) FROM document_chunk c WHERE c.document_id = d.id "
        "AND c.stream = 'original')::int AS chunks, "
        "(SELECT count(*) FROM document_chunk c WHERE c.document_id = d.id "
        "AND c.stream = 'rendition')::int AS rendition_chunks, "
        "(SELECT coalesce(sum(octet_length(c.bytes)), 0) FROM document_chunk c "
        "WHERE c.document_id = d.id AND c.stream = 'rendition')::bigint AS rendition_size "
        "FROM document d WHERE d.id = $1 AND d.state = 'klar'",
        document_id,
    )
    return None if row is None else ChunkSource(**dict(row))


async def read_chunk(
    pooled: Any, code: str, document_id: uuid.UUID, stream: str, seq: int
) -> bytes | None:
    """One chunk, in its own short tenant transaction of kommune ``code`` on ``pooled`` (a
    connection from the application's pool): the schema and role switch as in every
    tenant transaction, so the kommune boundary holds for the streamed bytes too."""
    async with pooled.transaction(readonly=True):
        switched = await pooled.fetchrow(SWITCH_SQL, code)
        if switched is None or switched["status"] != "active":
            return None
        found: bytes | None = await pooled.fetchval(
            "SELECT bytes FROM document_chunk WHERE document_id = $1 AND stream = $2 AND seq = $3",
            document_id,
            stream,
            seq,
        )
        return found


async def latest_titles(
    case_ids: list[uuid.UUID], per_case: int
) -> list[tuple[uuid.UUID, uuid.UUID, str, str, date]]:
    """(case id, document id, title, kind, dated) of each case's ``per_case`` newest
    documents, in one query."""
    rows = await conn().fetch(
        "SELECT x.hovedsag_id, d.id, d.title, d.kind, d.dated "
        "FROM unnest($1::uuid[]) x(hovedsag_id) CROSS JOIN LATERAL (SELECT id, title, kind, "
        "dated, added_at FROM document e WHERE e.hovedsag_id = x.hovedsag_id "
        "AND e.state = 'klar' ORDER BY e.dated DESC, e.added_at DESC, e.id LIMIT $2) d "
        "ORDER BY d.dated DESC, d.added_at DESC, d.id",
        case_ids,
        per_case,
    )
    return [(r["hovedsag_id"], r["id"], r["title"], r["kind"], r["dated"]) for r in rows]


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's documents; their bytes (``document_chunk``) go with them
    (ON DELETE CASCADE). Inside the case's deletion."""
    c = conn()
    chunks = await c.fetchval(
        "SELECT count(*) FROM document_chunk WHERE document_id IN "
        "(SELECT id FROM document WHERE hovedsag_id = $1)",
        hovedsag_id,
    )
    docs = await c.execute("DELETE FROM document WHERE hovedsag_id = $1", hovedsag_id)
    return {"document": _deleted(docs), "document_chunk": int(chunks or 0)}
