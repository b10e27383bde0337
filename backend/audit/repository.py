"""The kommune's audit log (``audit_event``), in the open tenant transaction."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import msgspec

from backend.core.db import conn
from backend.db import fetch_as_app


class ChainedEvent(msgspec.Struct, frozen=True):
    """An audit event with its place in the hash chain (empty while not yet sealed)."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str | None
    detail: str  # JSON text
    prev_hash: bytes | None = None
    hash: bytes | None = None
    seq: int | None = None


class AuditEvent(msgspec.Struct, frozen=True):
    """An audit event as the log shows it, with the actor's name where the user is known."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str | None
    detail: dict[str, Any] | None
    actor_name: str | None
    subject_name: str | None = None  # the child (of a child or case id) or user it concerns
    # The name of the user the detail's "user" (a username) names, where known here.
    detail_user_name: str | None = None


async def lock_audit_writer() -> None:
    """One sealer at a time per kommune keeps the chain linear (held until commit)."""
    await conn().execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit'))")


async def event_written(outbox_id: uuid.UUID) -> bool:
    """Whether the event of an outbox row of an earlier version is already in the log."""
    return bool(await conn().fetchval("SELECT 1 FROM audit_event WHERE outbox_id = $1", outbox_id))


INSERT_SQL = (
    "INSERT INTO audit_event (outbox_id, at, actor, action, subject, detail) "
    "VALUES ($1, $2, $3, $4, $5, $6::jsonb)"
)


async def insert_event(
    at: datetime,
    actor: str,
    action: str,
    subject: str | None,
    detail_json: str,
    outbox_id: uuid.UUID | None = None,
) -> None:
    """One unsealed event (the sealing job chains it); with ``outbox_id`` (an event queued
    through the outbox before this version) at most once."""
    sql = INSERT_SQL
    if outbox_id is not None:
        sql += " ON CONFLICT (outbox_id) DO NOTHING"
    await conn().execute(sql, outbox_id, at, actor, action, subject, detail_json)


async def insert_events(
    at: datetime,
    actor: str,
    action: str,
    subjects: list[str | None],
    details_json: list[str],
    outbox_ids: list[uuid.UUID | None] | None = None,
) -> None:
    """Many unsealed events of one read, in order, in one statement."""
    await conn().execute(
        "INSERT INTO audit_event (outbox_id, at, actor, action, subject, detail) "
        "SELECT o, $1, $2, $3, s, d::jsonb FROM unnest($4::uuid[], $5::text[], $6::text[]) "
        "WITH ORDINALITY AS x(o, s, d, n) ORDER BY n ON CONFLICT (outbox_id) DO NOTHING",
        at,
        actor,
        action,
        outbox_ids or [None] * len(subjects),
        subjects,
        details_json,
    )


async def chain_end() -> tuple[int, bytes | None]:
    """The last sealed event's place and hash ((0, None) for an empty chain)."""
    row = await conn().fetchrow(
        "SELECT seq, hash FROM audit_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
    )
    return (0, None) if row is None else (int(row["seq"]), row["hash"])


async def list_unsealed(limit: int) -> list[ChainedEvent]:
    """The oldest ``limit`` committed events not yet sealed (their seal fields empty)."""
    rows = await conn().fetch(
        "SELECT id, at, actor, action, subject, detail::text AS detail "
        "FROM audit_event WHERE hash IS NULL ORDER BY id LIMIT $1",
        limit,
    )
    return [
        ChainedEvent(r["id"], r["at"], r["actor"], r["action"], r["subject"], r["detail"])
        for r in rows
    ]


async def seal_events(
    ids: list[int], seqs: list[int], prevs: list[bytes | None], hashes: list[bytes]
) -> None:
    await conn().execute(
        "UPDATE audit_event e SET seq = v.seq, prev_hash = v.prev, hash = v.hash "
        "FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) "
        "AS v(id, seq, prev, hash) WHERE e.id = v.id",
        ids,
        seqs,
        prevs,
        hashes,
    )


async def list_chain() -> list[ChainedEvent]:
    """Every sealed event in the chain's order, for checking it."""
    rows = await conn().fetch(
        "SELECT id, at, actor, action, subject, detail::text AS detail, prev_hash, hash, seq "
        "FROM audit_event WHERE hash IS NOT NULL ORDER BY seq"
    )
    return [
        ChainedEvent(
            r["id"],
            r["at"],
            r["actor"],
            r["action"],
            r["subject"],
            r["detail"],
            r["prev_hash"],
            r["hash"],
            r["seq"],
        )
        for r in rows
    ]


async def oldest_unsealed_seconds() -> float:
    """How long the oldest event not yet sealed has waited (0 when none)."""
    found = await conn().fetchval(
        "SELECT extract(epoch FROM clock_timestamp() - min(at)) FROM audit_event WHERE hash IS NULL"
    )
    return float(found or 0)


async def get_kommune_names() -> dict[str, str]:
    """Every kommune's name by code, from the shared registry (for the audit log's details:
    a transfer's sender and receiver are stored as codes)."""
    rows = await fetch_as_app("SELECT code, name FROM shared.tenant")
    return {r["code"]: r["name"] for r in rows}


async def list_audit_page(
    action: str | None,
    actor: str | None,
    subject: str | None,
    since: datetime | None,
    until: datetime | None,
    page: int,
    page_size: int,
) -> tuple[list[AuditEvent], int]:
    """One page of the events matching the filters (empty ones ignored), newest first, and
    how many match in all."""
    where = ["true"]
    args: list[Any] = []
    for column, value, op in (
        ("action", action, "="),
        ("actor", actor, "="),
        ("subject", subject, "="),
        ("at", since, ">="),
        ("at", until, "<"),
    ):
        if value is not None and value != "":
            args.append(value)
            where.append(f"{column} {op} ${len(args)}")
    clause = " AND ".join(where)
    c = conn()
    total = await c.fetchval(f"SELECT count(*) FROM audit_event WHERE {clause}", *args)
    # The page first, then names: the actor's, the subject's when it is a child, a case (its
    # child), a user of this kommune or a security alert (the user it is about), by primary
    # key (ids only where they look like one, so an odd subject is not cast); and the user a
    # detail names by username.
    rows = await c.fetch(
        "SELECT e.id, e.at, e.actor, e.action, e.subject, e.detail::text AS detail, "
        "(SELECT u.display_name FROM app_user u WHERE u.username = e.actor) AS actor_name, "
        "coalesce((SELECT c.first_name || ' ' || c.last_name FROM child c WHERE c.id = s.id), "
        "(SELECT c.first_name || ' ' || c.last_name FROM hovedsag h JOIN child c "
        "ON c.id = h.child_id WHERE h.id = s.id), "
        "(SELECT u.display_name FROM app_user u WHERE u.id = s.id), "
        "(SELECT u.display_name FROM security_alert a JOIN app_user u ON u.id = a.user_id "
        "WHERE a.id = s.id)) AS subject_name, "
        "(SELECT u.display_name FROM app_user u WHERE u.username = e.detail->>'user') "
        "AS detail_user_name "
        f"FROM (SELECT * FROM audit_event WHERE {clause} ORDER BY at DESC, id DESC "
        f"LIMIT {int(page_size)} OFFSET {(int(page) - 1) * int(page_size)}) e "
        "LEFT JOIN LATERAL (SELECT CASE WHEN e.subject ~ "
        "'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' "
        "THEN e.subject::uuid END AS id) s ON true ORDER BY e.at DESC, e.id DESC",
        *args,
    )
    events = [
        AuditEvent(
            id=r["id"],
            at=r["at"],
            actor=r["actor"],
            action=r["action"],
            subject=r["subject"],
            detail=json.loads(r["detail"]),
            actor_name=r["actor_name"],
            subject_name=r["subject_name"],
            detail_user_name=r["detail_user_name"],
        )
        for r in rows
    ]
    return events, int(total)
