"""All queries across kommuner: the transfer tables in ``shared`` (transfers, requests for a
case, forwarded notifications), the kommune's own transfer inbox and settings, the prior-case
index. The rows a transfer package is written from and read into are casework's
(``backend.casework.lifecycle.export_case`` and ``import_received_case``).

Callers hold a tenant transaction (``backend.core.db.conn``) unless a function takes a
connection (``c``): the index sync and the sealing of old rows run on a connection their
caller names. Rows come back as the Structs below.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn
from backend.crosskommune.schemas import KommuneRef, KommuneTeam

# --- rows --------------------------------------------------------------------------------


class TransferRow(msgspec.Struct, frozen=True):
    """A ``shared.transfer`` row as either side reads it (no package bytes)."""

    id: uuid.UUID
    from_code: str
    to_code: str
    from_name: str
    to_name: str
    from_case_ref: uuid.UUID | None
    status: str
    summary: str
    child_name: str
    package_sealed: bool
    package_version: int
    child_birth_date: date | None
    counts: str
    sent_at: datetime
    sent_by_name: str
    decided_at: datetime | None
    decided_by_name: str | None
    reason: str | None
    imported_at: datetime | None
    imported_case_ref: uuid.UUID | None
    error: str | None
    sender_closed_at: datetime | None
    file_count: int = 0
    file_bytes: int = 0


class TransferState(msgspec.Struct, frozen=True):
    """Where a transfer stands, and what deciding who may see it takes: no personal data."""

    to_code: str
    from_case_ref: uuid.UUID | None
    status: str


class PackageRow(msgspec.Struct, frozen=True):
    """What it takes to open a transfer's package (``keys.open_package``), and the state a
    decision on it needs."""

    id: uuid.UUID
    from_code: str
    to_code: str
    package: bytes
    package_sealed: bool
    package_sha256: bytes
    package_mac: bytes
    package_version: int
    from_name: str = ""
    status: str = ""


class ImportRow(msgspec.Struct, frozen=True):
    """An accepted transfer as the receiver imports it."""

    id: uuid.UUID
    from_code: str
    to_code: str
    from_name: str
    status: str
    summary: str
    sent_at: datetime
    sent_by: str
    sent_by_name: str
    decided_at: datetime | None
    decided_by: str | None
    decided_by_name: str | None
    package: bytes
    package_sealed: bool
    package_sha256: bytes
    package_mac: bytes
    package_version: int


class OutgoingRow(msgspec.Struct, frozen=True):
    """A transfer as its sender hears back about it."""

    id: uuid.UUID
    from_code: str
    to_code: str
    to_name: str
    from_case_ref: uuid.UUID | None
    status: str
    decided_at: datetime | None
    decided_by: str | None
    decided_by_name: str | None
    reason: str | None
    error: str | None
    sender_closed_at: datetime | None


class InboxLocal(msgspec.Struct, frozen=True):
    """The receiving kommune's own facts about a transfer: deadline, team, the new case."""

    transfer_id: uuid.UUID
    due_at: datetime | None
    team_id: uuid.UUID | None
    team: str | None
    hovedsag_id: uuid.UUID | None


class Inbox(msgspec.Struct, frozen=True):
    due_at: datetime
    team_id: uuid.UUID | None


class Tenant(msgspec.Struct, frozen=True):
    name: str
    status: str


class RequestRow(msgspec.Struct, frozen=True):
    """A ``shared.transfer_request`` row."""

    id: uuid.UUID
    from_code: str
    to_code: str
    from_name: str
    to_name: str
    cpr_hmac: bytes
    child_name: str
    message: str
    status: str
    created_at: datetime
    created_by_name: str
    answered_at: datetime | None
    answered_by_name: str | None
    answer: str | None
    transfer_id: uuid.UUID | None
    sealed: bool


class ForwardRow(msgspec.Struct, frozen=True):
    """A ``shared.transfer_forward`` row (``payload`` as JSON text)."""

    id: uuid.UUID
    transfer_id: uuid.UUID
    from_code: str
    to_code: str
    sealed: bool
    payload: str
    imported_at: datetime | None


class PriorCaseRow(msgspec.Struct, frozen=True):
    kommune_code: str
    kommune_name: str
    subject: str
    opened_on: date
    closed_on: date | None
    transferred_to: str | None
    transferred_to_name: str | None


class ChildCpr(msgspec.Struct, frozen=True):
    cpr: str | None
    mother_cpr: str | None


class IndexCase(msgspec.Struct, frozen=True):
    id: uuid.UUID
    opened_at: date
    closed_at: date | None
    transferred_to: str | None
    cpr: str | None = None
    mother_cpr: str | None = None


# --- posting into another kommune's outbox ---------------------------------------------


async def post_job(to_code: str, job: str, payload: dict[str, Any]) -> uuid.UUID:
    """An outbox row in kommune ``to_code``'s outbox (``shared.post_job``), in this
    transaction."""
    outbox_id: uuid.UUID = await conn().fetchval(
        "SELECT shared.post_job($1, $2, $3::jsonb)", to_code, job, json.dumps(payload)
    )
    return outbox_id


# --- kommuner ----------------------------------------------------------------------------


async def list_targets(here: str) -> list[KommuneRef]:
    rows = await conn().fetch(
        "SELECT code, name FROM shared.tenant WHERE status = 'active' AND code <> $1 ORDER BY name",
        here,
    )
    return [KommuneRef(r["code"], r["name"]) for r in rows]


async def get_tenant(code: str) -> Tenant | None:
    row = await conn().fetchrow("SELECT name, status FROM shared.tenant WHERE code = $1", code)
    return None if row is None else Tenant(**row)


# --- transfers -----------------------------------------------------------------------------

_COLS = (
    "id, from_code, to_code, from_name, to_name, from_case_ref, status, summary, child_name, "
    "package_sealed, package_version, child_birth_date, package_counts::text AS counts, "
    "sent_at, sent_by_name, decided_at, decided_by_name, reason, imported_at, "
    "imported_case_ref, error, sender_closed_at, file_count, file_bytes"
)
_PACKAGE = (
    "id, from_code, to_code, package, package_sealed, package_sha256, package_mac, package_version"
)


async def list_transfers(here: str, limit: int) -> list[TransferRow]:
    """This kommune's transfers, either way, newest first."""
    rows = await conn().fetch(
        f"SELECT {_COLS} FROM shared.transfer WHERE to_code = $1 OR from_code = $1 "
        "ORDER BY sent_at DESC LIMIT $2",
        here,
        limit,
    )
    return [TransferRow(**r) for r in rows]


async def get_transfer(transfer_id: uuid.UUID) -> TransferRow | None:
    row = await conn().fetchrow(f"SELECT {_COLS} FROM shared.transfer WHERE id = $1", transfer_id)
    return None if row is None else TransferRow(**row)


async def get_transfer_state(transfer_id: uuid.UUID) -> TransferState | None:
    row = await conn().fetchrow(
        "SELECT to_code, from_case_ref, status FROM shared.transfer WHERE id = $1", transfer_id
    )
    return None if row is None else TransferState(**row)


async def list_sent_from_case(here: str, case_id: uuid.UUID) -> list[TransferRow]:
    rows = await conn().fetch(
        f"SELECT {_COLS} FROM shared.transfer WHERE from_code = $1 AND from_case_ref = $2 "
        "ORDER BY sent_at DESC",
        here,
        case_id,
    )
    return [TransferRow(**r) for r in rows]


async def get_package(transfer_id: uuid.UUID) -> PackageRow | None:
    row = await conn().fetchrow(
        f"SELECT {_PACKAGE} FROM shared.transfer WHERE id = $1", transfer_id
    )
    return None if row is None else PackageRow(**row)


async def lock_for_decision(transfer_id: uuid.UUID) -> PackageRow | None:
    """The transfer under its row lock, for accepting or rejecting it."""
    row = await conn().fetchrow(
        f"SELECT from_name, status, {_PACKAGE} FROM shared.transfer WHERE id = $1 FOR UPDATE",
        transfer_id,
    )
    return None if row is None else PackageRow(**row)


async def lock_for_import(transfer_id: uuid.UUID) -> ImportRow | None:
    row = await conn().fetchrow(
        f"SELECT from_name, status, summary, sent_at, sent_by, sent_by_name, decided_at, "
        f"decided_by, decided_by_name, {_PACKAGE} FROM shared.transfer WHERE id = $1 FOR UPDATE",
        transfer_id,
    )
    return None if row is None else ImportRow(**row)


async def get_outgoing(transfer_id: uuid.UUID) -> OutgoingRow | None:
    row = await conn().fetchrow(
        "SELECT id, from_code, to_code, to_name, from_case_ref, status, decided_at, decided_by, "
        "decided_by_name, reason, error, sender_closed_at FROM shared.transfer WHERE id = $1",
        transfer_id,
    )
    return None if row is None else OutgoingRow(**row)


async def get_receiver_code(transfer_id: uuid.UUID) -> str | None:
    code: str | None = await conn().fetchval(
        "SELECT to_code FROM shared.transfer WHERE id = $1", transfer_id
    )
    return code


async def get_receiver_name(transfer_id: uuid.UUID) -> str | None:
    name: str | None = await conn().fetchval(
        "SELECT to_name FROM shared.transfer WHERE id = $1", transfer_id
    )
    return name


async def get_transfer_brief(transfer_id: uuid.UUID) -> tuple[str, str] | None:
    """(status, from_name) of a transfer."""
    row = await conn().fetchrow(
        "SELECT status, from_name FROM shared.transfer WHERE id = $1", transfer_id
    )
    return None if row is None else (row["status"], row["from_name"])


async def get_forward_target(transfer_id: uuid.UUID) -> tuple[str, str, str] | None:
    """(to_code, to_name, status) of a transfer."""
    row = await conn().fetchrow(
        "SELECT to_code, to_name, status FROM shared.transfer WHERE id = $1", transfer_id
    )
    return None if row is None else (row["to_code"], row["to_name"], row["status"])


async def insert_transfer(
    *,
    transfer_id: uuid.UUID,
    from_code: str,
    to_code: str,
    from_name: str,
    to_name: str,
    summary: str,
    child_name: str,
    child_birth_date: Any,
    package: bytes,
    package_sha256: bytes,
    package_mac: bytes,
    package_version: int,
    counts: dict[str, int],
    sent_at: datetime,
    sent_by: str,
    sent_by_name: str,
    request_id: uuid.UUID | None,
    from_case_ref: uuid.UUID,
    file_count: int = 0,
    file_bytes: int = 0,
) -> None:
    await conn().execute(
        "INSERT INTO shared.transfer (id, from_code, to_code, from_name, to_name, summary, "
        "child_name, child_birth_date, package, package_sha256, package_mac, package_version, "
        "package_counts, sent_at, sent_by, sent_by_name, request_id, from_case_ref, file_count, "
        "file_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::date, $9, $10, $11, $12, "
        "$13::jsonb, $14, $15, $16, $17, $18, $19, $20)",
        transfer_id,
        from_code,
        to_code,
        from_name,
        to_name,
        summary,
        child_name,
        child_birth_date,
        package,
        package_sha256,
        package_mac,
        package_version,
        json.dumps(counts),
        sent_at,
        sent_by,
        sent_by_name,
        request_id,
        from_case_ref,
        file_count,
        file_bytes,
    )


# --- the files of a transfer (package format version 2) -----------------------------------


async def insert_transfer_chunk(
    transfer_id: uuid.UUID, seq: int, from_code: str, to_code: str, sealed: bytes
) -> None:
    """One sealed chunk, written before its transfer row in the same transaction (the
    table's policy refuses it afterwards; its foreign key is checked at commit)."""
    await conn().execute(
        "INSERT INTO shared.transfer_chunk (transfer_id, seq, from_code, to_code, bytes) "
        "VALUES ($1, $2, $3, $4, $5)",
        transfer_id,
        seq,
        from_code,
        to_code,
        sealed,
    )


async def get_transfer_chunk(transfer_id: uuid.UUID, seq: int) -> bytes | None:
    """One sealed chunk (one at a time: a file is never whole in memory)."""
    data: bytes | None = await conn().fetchval(
        "SELECT bytes FROM shared.transfer_chunk WHERE transfer_id = $1 AND seq = $2",
        transfer_id,
        seq,
    )
    return data


async def count_transfer_chunks(transfer_id: uuid.UUID) -> tuple[int, int]:
    """(how many chunks the transfer has, its highest seq or -1)."""
    row = await conn().fetchrow(
        "SELECT count(*) AS n, coalesce(max(seq), -1) AS top FROM shared.transfer_chunk "
        "WHERE transfer_id = $1",
        transfer_id,
    )
    assert row is not None
    return int(row["n"]), int(row["top"])


async def update_accepted(transfer_id: uuid.UUID, actor: str, actor_name: str) -> None:
    await conn().execute(
        "UPDATE shared.transfer SET status = 'accepteret', decided_at = now(), decided_by = $2, "
        "decided_by_name = $3 WHERE id = $1",
        transfer_id,
        actor,
        actor_name,
    )


async def update_rejected(transfer_id: uuid.UUID, actor: str, actor_name: str, reason: str) -> None:
    await conn().execute(
        "UPDATE shared.transfer SET status = 'afvist', decided_at = now(), decided_by = $2, "
        "decided_by_name = $3, reason = $4 WHERE id = $1",
        transfer_id,
        actor,
        actor_name,
        reason,
    )


async def update_failed(transfer_id: uuid.UUID, problem: str | None) -> None:
    await conn().execute(
        "UPDATE shared.transfer SET status = 'fejl', error = $2 WHERE id = $1",
        transfer_id,
        problem,
    )


async def update_imported(transfer_id: uuid.UUID, case_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE shared.transfer SET status = 'importeret', imported_at = now(), "
        "imported_case_ref = $2 WHERE id = $1",
        transfer_id,
        case_id,
    )


async def update_sender_closed(transfer_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE shared.transfer SET sender_closed_at = now() WHERE id = $1", transfer_id
    )


# --- the receiving kommune's inbox and settings -------------------------------------------


async def list_inbox_locals(ids: list[uuid.UUID]) -> dict[uuid.UUID, InboxLocal]:
    rows = await conn().fetch(
        "SELECT i.transfer_id, i.due_at, i.team_id, t.name AS team, i.hovedsag_id "
        "FROM transfer_inbox i LEFT JOIN team t ON t.id = i.team_id "
        "WHERE i.transfer_id = ANY($1::uuid[])",
        ids,
    )
    return {r["transfer_id"]: InboxLocal(**r) for r in rows}


async def get_intake_team() -> uuid.UUID | None:
    """The team chosen by the administrator; otherwise a team whose name starts with
    "Modtag", otherwise the first team by name."""
    team: uuid.UUID | None = await conn().fetchval(
        "SELECT coalesce((SELECT s.transfer_team_id FROM kommune_settings s), "
        "(SELECT id FROM team WHERE lower(name) LIKE 'modtag%' AND closed_at IS NULL "
        "ORDER BY name LIMIT 1), "
        "(SELECT id FROM team WHERE closed_at IS NULL ORDER BY name LIMIT 1))"
    )
    return team


async def insert_inbox(transfer_id: uuid.UUID, due_at: datetime, team_id: uuid.UUID | None) -> None:
    await conn().execute(
        "INSERT INTO transfer_inbox (transfer_id, due_at, team_id) VALUES ($1, $2, $3) "
        "ON CONFLICT (transfer_id) DO NOTHING",
        transfer_id,
        due_at,
        team_id,
    )


async def update_inbox_decided(transfer_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE transfer_inbox SET decided_at = now() WHERE transfer_id = $1", transfer_id
    )


async def get_inbox(transfer_id: uuid.UUID) -> Inbox:
    row = await conn().fetchrow(
        "SELECT due_at, team_id FROM transfer_inbox WHERE transfer_id = $1", transfer_id
    )
    return Inbox(**row)


async def update_inbox_case(transfer_id: uuid.UUID, case_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE transfer_inbox SET hovedsag_id = $2 WHERE transfer_id = $1", transfer_id, case_id
    )


async def get_chosen_team() -> uuid.UUID | None:
    chosen: uuid.UUID | None = await conn().fetchval(
        "SELECT transfer_team_id FROM kommune_settings"
    )
    return chosen


async def list_teams() -> list[KommuneTeam]:
    rows = await conn().fetch("SELECT id, name FROM team WHERE closed_at IS NULL ORDER BY name")
    return [KommuneTeam(id=r["id"], name=r["name"]) for r in rows]


async def team_exists(team_id: uuid.UUID) -> bool:
    return bool(
        await conn().fetchval("SELECT 1 FROM team WHERE id = $1 AND closed_at IS NULL", team_id)
    )


async def update_chosen_team(team_id: uuid.UUID | None) -> None:
    await conn().execute("UPDATE kommune_settings SET transfer_team_id = $1", team_id)


async def get_accepting_user(user_id: uuid.UUID) -> uuid.UUID | None:
    """The user, if active and allowed to hold cases (sagsbehandler or leder)."""
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT u.id FROM app_user u WHERE u.id = $1 AND u.active AND EXISTS (SELECT 1 FROM "
        "user_role r WHERE r.user_id = u.id AND r.role IN ('sagsbehandler', 'leder'))",
        user_id,
    )
    return found


# --- this kommune's cases on a child, by its own index rows ---------------------------------


async def list_own_case_refs(cpr_hmac: bytes) -> list[uuid.UUID]:
    """This kommune's open cases on the child with this keyed CPR hash, by its own index
    rows (whether each is still open here: ``casework.lifecycle.open_cases_among``)."""
    rows = await conn().fetch(
        "SELECT hovedsag_ref FROM shared.cpr_own_cases($1) WHERE closed_on IS NULL", cpr_hmac
    )
    return [r["hovedsag_ref"] for r in rows]


# --- forwarded notifications ---------------------------------------------------------------


async def insert_forward(
    forward_id: uuid.UUID,
    transfer_id: uuid.UUID,
    from_code: str,
    to_code: str,
    payload: str,
    created_by: str,
) -> None:
    await conn().execute(
        "INSERT INTO shared.transfer_forward (id, transfer_id, from_code, to_code, kind, "
        "payload, created_by) VALUES ($1, $2, $3, $4, 'underretning', $5::jsonb, $6)",
        forward_id,
        transfer_id,
        from_code,
        to_code,
        payload,
        created_by,
    )


async def lock_forward(forward_id: uuid.UUID) -> ForwardRow | None:
    row = await conn().fetchrow(
        "SELECT id, transfer_id, from_code, to_code, sealed, payload::text AS payload, "
        "imported_at FROM shared.transfer_forward WHERE id = $1 FOR UPDATE",
        forward_id,
    )
    return None if row is None else ForwardRow(**row)


async def update_forward_imported(
    forward_id: uuid.UUID, imported_ref: uuid.UUID | None = None
) -> None:
    if imported_ref is None:
        await conn().execute(
            "UPDATE shared.transfer_forward SET imported_at = now() WHERE id = $1", forward_id
        )
    else:
        await conn().execute(
            "UPDATE shared.transfer_forward SET imported_at = now(), imported_ref = $2 "
            "WHERE id = $1",
            forward_id,
            imported_ref,
        )


# --- requests for a case -------------------------------------------------------------------

_REQ_COLS = (
    "id, from_code, to_code, from_name, to_name, cpr_hmac, child_name, message, status, "
    "created_at, created_by_name, answered_at, answered_by_name, answer, transfer_id, sealed"
)


async def insert_request(
    *,
    request_id: uuid.UUID,
    from_code: str,
    to_code: str,
    from_name: str,
    to_name: str,
    cpr_hmac: bytes,
    child_name: str,
    message: str,
    created_by: str,
    created_by_name: str,
) -> None:
    await conn().execute(
        "INSERT INTO shared.transfer_request (id, from_code, to_code, from_name, to_name, "
        "cpr_hmac, child_name, message, created_by, created_by_name) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8, $9, $10)",
        request_id,
        from_code,
        to_code,
        from_name,
        to_name,
        cpr_hmac,
        child_name,
        message,
        created_by,
        created_by_name,
    )


async def list_requests(here: str, limit: int) -> list[RequestRow]:
    rows = await conn().fetch(
        f"SELECT {_REQ_COLS} FROM shared.transfer_request WHERE to_code = $1 OR from_code = $1 "
        "ORDER BY created_at DESC LIMIT $2",
        here,
        limit,
    )
    return [RequestRow(**r) for r in rows]


async def get_request(request_id: uuid.UUID) -> RequestRow | None:
    row = await conn().fetchrow(
        f"SELECT {_REQ_COLS} FROM shared.transfer_request WHERE id = $1", request_id
    )
    return None if row is None else RequestRow(**row)


async def lock_request(request_id: uuid.UUID) -> RequestRow | None:
    row = await conn().fetchrow(
        f"SELECT {_REQ_COLS} FROM shared.transfer_request WHERE id = $1 FOR UPDATE", request_id
    )
    return None if row is None else RequestRow(**row)


async def update_request_answer(
    request_id: uuid.UUID,
    *,
    status: str,
    answer: str,
    answered_by: str,
    answered_by_name: str,
    transfer_id: uuid.UUID | None,
) -> None:
    await conn().execute(
        "UPDATE shared.transfer_request SET status = $2, answer = $3, answered_at = now(), "
        "answered_by = $4, answered_by_name = $5, transfer_id = $6 WHERE id = $1",
        request_id,
        status,
        answer,
        answered_by,
        answered_by_name,
        transfer_id,
    )


# --- the prior-case index --------------------------------------------------------------------

_SYNC = "SELECT shared.cpr_index_sync($1, $2, $3, $4, $5, $6)"
IndexArgs = tuple[uuid.UUID, bytes, str, date, date | None, str | None]


async def get_child_cpr(c: Any, child_id: uuid.UUID) -> ChildCpr | None:
    row = await c.fetchrow("SELECT cpr, mother_cpr FROM child WHERE id = $1", child_id)
    return None if row is None else ChildCpr(**row)


async def list_child_cases(c: Any, child_id: uuid.UUID) -> list[IndexCase]:
    rows = await c.fetch(
        "SELECT id, opened_at, closed_at, transferred_to FROM hovedsag WHERE child_id = $1",
        child_id,
    )
    return [IndexCase(**r) for r in rows]


async def list_all_cases(c: Any) -> list[IndexCase]:
    rows = await c.fetch(
        "SELECT h.id, c.cpr, c.mother_cpr, h.opened_at, h.closed_at, h.transferred_to "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id"
    )
    return [IndexCase(**r) for r in rows]


async def sync_index(c: Any, args: list[IndexArgs]) -> None:
    """Write index rows through ``shared.cpr_index_sync`` (idempotent)."""
    await c.executemany(_SYNC, args)


async def list_prior_cases(hmacs: list[bytes], actor: str, purpose: str) -> list[PriorCaseRow]:
    """Other kommuner's index rows (``shared.cpr_prior_cases`` audits the lookup)."""
    rows = await conn().fetch(
        "SELECT kommune_code, kommune_name, subject, opened_on, closed_on, transferred_to, "
        "transferred_to_name FROM shared.cpr_prior_cases($1::bytea[], $2, $3)",
        hmacs,
        actor,
        purpose,
    )
    return [PriorCaseRow(**r) for r in rows]


# --- sealing rows written before encryption at rest (owner connection ``c``) ----------------


class PlainTransfer(msgspec.Struct, frozen=True):
    id: uuid.UUID
    from_code: str
    to_code: str
    package_version: int
    package: bytes
    child_name: str
    summary: str


class PlainRequest(msgspec.Struct, frozen=True):
    id: uuid.UUID
    from_code: str
    to_code: str
    child_name: str | None
    message: str | None
    answer: str | None


class PlainForward(msgspec.Struct, frozen=True):
    id: uuid.UUID
    transfer_id: uuid.UUID
    from_code: str
    to_code: str
    payload: str


async def lock_plain_transfers(c: Any) -> list[PlainTransfer]:
    rows = await c.fetch(
        "SELECT id, from_code, to_code, package_version, package, child_name, summary "
        "FROM shared.transfer WHERE NOT package_sealed FOR UPDATE"
    )
    return [PlainTransfer(**r) for r in rows]


async def update_transfer_sealed(
    c: Any, transfer_id: uuid.UUID, package: bytes, child_name: str, summary: str
) -> None:
    await c.execute(
        "UPDATE shared.transfer SET package = $2, child_name = $3, summary = $4, "
        "package_sealed = true WHERE id = $1",
        transfer_id,
        package,
        child_name,
        summary,
    )


async def lock_plain_requests(c: Any) -> list[PlainRequest]:
    rows = await c.fetch(
        "SELECT id, from_code, to_code, child_name, message, answer "
        "FROM shared.transfer_request WHERE NOT sealed FOR UPDATE"
    )
    return [PlainRequest(**r) for r in rows]


async def update_request_sealed(
    c: Any, request_id: uuid.UUID, child_name: str | None, message: str | None, answer: str | None
) -> None:
    await c.execute(
        "UPDATE shared.transfer_request SET child_name = $2, message = $3, answer = $4, "
        "sealed = true WHERE id = $1",
        request_id,
        child_name,
        message,
        answer,
    )


async def lock_plain_forwards(c: Any) -> list[PlainForward]:
    rows = await c.fetch(
        "SELECT id, transfer_id, from_code, to_code, payload::text AS payload "
        "FROM shared.transfer_forward WHERE NOT sealed FOR UPDATE"
    )
    return [PlainForward(**r) for r in rows]


async def update_forward_sealed(c: Any, forward_id: uuid.UUID, payload: str) -> None:
    await c.execute(
        "UPDATE shared.transfer_forward SET payload = $2::jsonb, sealed = true WHERE id = $1",
        forward_id,
        payload,
    )


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's received-transfer inbox row, its prior-case index entry
    and the transfer packages sent or received for it (``shared.retention_purge``: only this
    kommune's own). Inside the case's deletion."""
    c = conn()
    inbox = await c.execute("DELETE FROM transfer_inbox WHERE hovedsag_id = $1", hovedsag_id)
    purged = await c.fetchrow("SELECT * FROM shared.retention_purge($1)", hovedsag_id)
    assert purged is not None
    return {
        "transfer_inbox": _deleted(inbox),
        "cpr_index": int(purged["index_rows"]),
        "transfer": int(purged["transfers"]),
    }


async def list_cases_in_transfer(case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Cases locked for a transfer (sent, not yet closed as transferred), received and not
    yet decided, or with a package sent that the receiver has not yet imported or refused."""
    rows = await conn().fetch(
        "SELECT i.hovedsag_id AS id FROM transfer_inbox i "
        "WHERE i.hovedsag_id = ANY($1::uuid[]) AND i.decided_at IS NULL "
        "UNION SELECT t.from_case_ref FROM shared.transfer t "
        "WHERE t.from_case_ref = ANY($1::uuid[]) AND t.from_code = shared.caller_kommune() "
        "AND t.status IN ('sendt', 'accepteret')",
        case_ids,
    )
    return {r["id"] for r in rows}
