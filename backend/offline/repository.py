"""The offline API's queries: the kommune's offline settings, devices, the cases a user
chose to take along, the worklist of cases to take, and the bundle of each case (network,
open activities, the latest journal entries, the current plan) fetched for many cases at
once, one query per part."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.casework.repository import JOURNAL_AUTHOR_NAME
from backend.core.db import conn
from backend.offline.schemas import (
    JOURNAL_ENTRIES,
    DeviceRead,
    OfflineActivity,
    OfflineJournalEntry,
    OfflineMember,
    PlanStatus,
    Stage,
)


class DeviceRow(msgspec.Struct, frozen=True):
    """A device with what decides whether it may keep its data."""

    id: uuid.UUID
    user_id: uuid.UUID
    token_hash: bytes
    revoked_at: datetime | None
    revoke_reason: str | None
    active: bool  # the device's user


class CaseRefRow(msgspec.Struct, frozen=True):
    """A worklist line of a case to take along, with what its bundle's size depends on."""

    id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    birth_date: date
    stage: Stage
    opened_at: datetime
    open_activities: int
    overdue: int
    next_due_at: datetime | None
    members: int
    journal_bytes: int


class PlanRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    version_no: int
    status: PlanStatus
    content: str  # the stored JSON text


class CaseRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    stage: Stage
    opened_at: datetime
    version: int
    caseworker: str | None
    team: str | None
    child_id: uuid.UUID
    first_name: str
    last_name: str
    birth_date: date
    address: str
    unborn: bool
    expected_date: date | None
    address_protected: bool = False


# ---------------------------------------------------------------- settings


async def get_max_offline_days() -> int | None:
    days: int | None = await conn().fetchval("SELECT offline_max_days FROM kommune_settings")
    return days


async def update_max_offline_days(days: int) -> None:
    await conn().execute("UPDATE kommune_settings SET offline_max_days = $1", days)


async def get_offline_roles() -> list[str]:
    roles: list[str] | None = await conn().fetchval("SELECT offline_roles FROM kommune_settings")
    return list(roles or [])


async def update_offline_roles(roles: list[str]) -> None:
    await conn().execute("UPDATE kommune_settings SET offline_roles = $1", roles)


async def user_exists(user_id: uuid.UUID) -> bool:
    return bool(await conn().fetchval("SELECT 1 FROM app_user WHERE id = $1", user_id))


# ---------------------------------------------------------------- devices


async def insert_device(user_id: uuid.UUID, label: str, token_hash: bytes) -> uuid.UUID:
    device_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO offline_device (user_id, label, token_hash) VALUES ($1, $2, $3) RETURNING id",
        user_id,
        label,
        token_hash,
    )
    return device_id


async def get_device(device_id: uuid.UUID) -> DeviceRow | None:
    row = await conn().fetchrow(
        "SELECT d.id, d.user_id, d.token_hash, d.revoked_at, d.revoke_reason, u.active "
        "FROM offline_device d JOIN app_user u ON u.id = d.user_id WHERE d.id = $1",
        device_id,
    )
    if row is None:
        return None
    found = dict(row)
    return DeviceRow(**{**found, "token_hash": bytes(found["token_hash"])})


async def update_seen(device_id: uuid.UUID, *, bundle: bool = False) -> None:
    await conn().execute(
        "UPDATE offline_device SET last_seen_at = now()"
        + (", last_bundle_at = now()" if bundle else "")
        + " WHERE id = $1",
        device_id,
    )


_DEVICE = (
    "SELECT d.id, d.user_id, u.display_name AS user_name, d.label, d.created_at, "
    "d.last_seen_at, d.last_bundle_at, d.revoked_at, d.revoked_by, d.revoke_reason "
    "FROM offline_device d JOIN app_user u ON u.id = d.user_id "
)


async def list_devices(user_id: uuid.UUID | None = None) -> list[DeviceRead]:
    """The user's devices (at most 100), or the kommune's (at most 500); revoked last."""
    if user_id is None:
        rows = await conn().fetch(
            _DEVICE + "ORDER BY d.revoked_at NULLS FIRST, d.last_seen_at DESC LIMIT 500"
        )
    else:
        rows = await conn().fetch(
            _DEVICE + "WHERE d.user_id = $1 ORDER BY d.revoked_at NULLS FIRST, "
            "d.last_seen_at DESC LIMIT 100",
            user_id,
        )
    return [DeviceRead(**dict(r)) for r in rows]


async def update_revoked(device_id: uuid.UUID, actor: str, reason: str | None) -> bool:
    """Revoke the device unless it already is; whether it was revoked now."""
    done = await conn().fetchval(
        "UPDATE offline_device SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 "
        "WHERE id = $1 AND revoked_at IS NULL RETURNING true",
        device_id,
        actor,
        reason,
    )
    return bool(done)


async def update_user_revoked(user_id: uuid.UUID, actor: str, reason: str | None) -> int:
    """Revoke all the user's devices not revoked yet; how many."""
    rows = await conn().fetch(
        "UPDATE offline_device SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 "
        "WHERE user_id = $1 AND revoked_at IS NULL RETURNING id",
        user_id,
        actor,
        reason,
    )
    return len(rows)


# ---------------------------------------------------------------- choices


async def insert_choice(user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    await conn().execute(
        "INSERT INTO offline_choice (user_id, hovedsag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        user_id,
        case_id,
    )


async def delete_choice(user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    await conn().execute(
        "DELETE FROM offline_choice WHERE user_id = $1 AND hovedsag_id = $2", user_id, case_id
    )


async def list_choices(user_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn().fetch(
        "SELECT hovedsag_id FROM offline_choice WHERE user_id = $1 ORDER BY chosen_at", user_id
    )
    return [r["hovedsag_id"] for r in rows]


# ---------------------------------------------------------------- which cases go along

# The open cases the user holds or is on (the worklist's "Mine sager"), as a UNION so each
# side uses its own index.
_OWN = (
    "SELECT id FROM hovedsag WHERE caseworker_id = $1 AND closed_at IS NULL "
    "UNION SELECT w.hovedsag_id FROM hovedsag_worker w JOIN hovedsag x "
    "ON x.id = w.hovedsag_id WHERE w.user_id = $1 AND x.closed_at IS NULL"
)


async def list_own_case_ids(user_id: uuid.UUID) -> list[uuid.UUID]:
    return [r["id"] for r in await conn().fetch(_OWN, user_id)]


async def list_open_chosen_ids(user_id: uuid.UUID) -> list[uuid.UUID]:
    """The open cases the user chose, in the order chosen."""
    rows = await conn().fetch(
        "SELECT c.hovedsag_id FROM offline_choice c JOIN hovedsag h ON h.id = c.hovedsag_id "
        "WHERE c.user_id = $1 AND h.closed_at IS NULL ORDER BY c.chosen_at",
        user_id,
    )
    return [r["hovedsag_id"] for r in rows]


async def list_case_refs(ids: list[uuid.UUID]) -> list[CaseRefRow]:
    rows = await conn().fetch(
        "SELECT h.id, h.child_id, c.first_name || ' ' || c.last_name AS child_name, "
        "c.birth_date, h.stage, h.opened_at, "
        "(SELECT count(*) FROM activity a WHERE a.hovedsag_id = h.id AND a.status = 'open') "
        "AS open_activities, "
        "(SELECT count(*) FROM activity a WHERE a.hovedsag_id = h.id AND a.status = 'open' "
        "AND a.due_at < now() AND NOT a.due_asap) AS overdue, "
        "(SELECT min(a.due_at) FROM activity a WHERE a.hovedsag_id = h.id AND a.status = 'open') "
        "AS next_due_at, "
        "(SELECT count(*) FROM network_member n WHERE n.child_id = h.child_id "
        "AND n.removed_at IS NULL) AS members, "
        "(SELECT coalesce(sum(octet_length(j.title) + octet_length(j.body) + 180), 0) FROM "
        "(SELECT title, body FROM journal_entry j WHERE j.hovedsag_id = h.id "
        f"ORDER BY j.at DESC, j.id DESC LIMIT {JOURNAL_ENTRIES}) j) AS journal_bytes "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id WHERE h.id = ANY($1::uuid[])",
        ids,
    )
    return [CaseRefRow(**dict(r)) for r in rows]


# ---------------------------------------------------------------- the cases themselves


async def has_ics() -> bool:
    """Whether the ICS tables exist in this kommune's schema."""
    return bool(await conn().fetchval("SELECT to_regclass('ics_document') IS NOT NULL"))


async def list_current_plans(ids: list[uuid.UUID]) -> list[PlanRow]:
    """The current barnets plan of each case: the newest approved version, else the newest
    version being written."""
    rows = await conn().fetch(
        "SELECT DISTINCT ON (hovedsag_id) id, hovedsag_id, version_no, status, "
        "content::text AS content FROM ics_document "
        "WHERE hovedsag_id = ANY($1::uuid[]) AND kind = 'plan' "
        "ORDER BY hovedsag_id, (status = 'godkendt') DESC, approved_at DESC NULLS LAST, "
        "created_at DESC, version_no DESC",
        ids,
    )
    return [PlanRow(**dict(r)) for r in rows]


async def list_cases(ids: list[uuid.UUID]) -> list[CaseRow]:
    rows = await conn().fetch(
        "SELECT h.id, h.stage, h.opened_at, h.version, u.display_name AS caseworker, "
        "t.name AS team, c.id AS child_id, c.first_name, c.last_name, c.birth_date, c.address, "
        "c.cpr IS NULL AS unborn, c.expected_date, c.address_protected FROM hovedsag h "
        "JOIN child c ON c.id = h.child_id LEFT JOIN app_user u ON u.id = h.caseworker_id "
        "LEFT JOIN team t ON t.id = h.team_id WHERE h.id = ANY($1::uuid[])",
        ids,
    )
    return [CaseRow(**dict(r)) for r in rows]


async def list_networks(child_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, OfflineMember]]:
    """(child id, member) for the children's networks, by circle, custody, name."""
    out = []
    for r in await conn().fetch(
        "SELECT n.child_id, n.id, n.relation, n.circle, n.name, n.custody, n.organisation, "
        "n.phone, n.email, n.note, n.source, n.version, n.changed_by, n.changed_at, "
        "n.address_protected FROM network_member n "
        "WHERE n.child_id = ANY($1::uuid[]) AND n.removed_at IS NULL "
        "ORDER BY array_position(ARRAY['forældre','primært','sekundært','professionelt'], "
        "n.circle), n.custody DESC, n.name",
        child_ids,
    ):
        d = dict(r)
        out.append((d.pop("child_id"), OfflineMember(**d)))
    return out


async def list_open_activities(ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, OfflineActivity]]:
    """(case id, activity) for the cases' open activities, by deadline."""
    out = []
    for r in await conn().fetch(
        "SELECT a.hovedsag_id, a.id, a.rule_id, a.title, a.basis, a.due_at, a.version, "
        "(a.due_at < now() AND NOT a.due_asap) IS TRUE AS overdue FROM activity a "
        "WHERE a.hovedsag_id = ANY($1::uuid[]) AND a.status = 'open' "
        "ORDER BY a.due_at NULLS LAST, a.created_at",
        ids,
    ):
        d = dict(r)
        out.append((d.pop("hovedsag_id"), OfflineActivity(**d)))
    return out


async def list_latest_journal(ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, OfflineJournalEntry]]:
    """(case id, entry) for each case's ``JOURNAL_ENTRIES`` latest journal entries."""
    out = []
    for r in await conn().fetch(
        f"SELECT x.hovedsag_id, j.id, j.at, {JOURNAL_AUTHOR_NAME} AS author, j.kind, j.title, "
        "j.body, j.corrects_id "
        "FROM unnest($1::uuid[]) x(hovedsag_id) CROSS JOIN LATERAL (SELECT * FROM journal_entry "
        "e WHERE e.hovedsag_id = x.hovedsag_id ORDER BY e.at DESC, e.id DESC "
        f"LIMIT {JOURNAL_ENTRIES}) j ORDER BY j.at DESC, j.id DESC",
        ids,
    ):
        d = dict(r)
        out.append((d.pop("hovedsag_id"), OfflineJournalEntry(**d)))
    return out


async def count_journal(ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Journal entries per case (cases without any are left out)."""
    return {
        r["hovedsag_id"]: r["n"]
        for r in await conn().fetch(
            "SELECT hovedsag_id, count(*) AS n FROM journal_entry "
            "WHERE hovedsag_id = ANY($1::uuid[]) GROUP BY hovedsag_id",
            ids,
        )
    }


# ---------------------------------------------------------------- idempotency keys
# The middleware (``backend.offline.idempotency``) runs before a handler, with the tenant
# transaction's connection from the request's state, so these take it as an argument.


class StoredAnswer(msgspec.Struct, frozen=True):
    """What a claimed Idempotency-Key holds: who sent what, and the answer once done."""

    user_id: uuid.UUID
    fingerprint: bytes
    status: int | None
    content_type: str | None
    content_encoding: str | None
    body: bytes | None


async def delete_old_keys(connection: Any, days: int) -> None:
    await connection.execute(
        "DELETE FROM idempotency_key WHERE created_at < now() - make_interval(days => $1)",
        days,
    )


async def insert_key(
    connection: Any, key: uuid.UUID, user_id: uuid.UUID, fingerprint: bytes
) -> bool:
    """Claim the key; False when it was claimed before."""
    claimed = await connection.fetchval(
        "INSERT INTO idempotency_key (key, user_id, fingerprint) VALUES ($1, $2, $3) "
        "ON CONFLICT (key) DO NOTHING RETURNING true",
        key,
        user_id,
        fingerprint,
    )
    return bool(claimed)


async def get_key(connection: Any, key: uuid.UUID) -> StoredAnswer | None:
    row = await connection.fetchrow(
        "SELECT user_id, fingerprint, status, content_type, content_encoding, body "
        "FROM idempotency_key WHERE key = $1",
        key,
    )
    if row is None:
        return None
    found = dict(row)
    body = found["body"]
    return StoredAnswer(
        **{
            **found,
            "fingerprint": bytes(found["fingerprint"]),
            "body": None if body is None else bytes(body),
        }
    )


async def update_key_answer(
    connection: Any,
    key: uuid.UUID,
    status: int,
    content_type: str | None,
    content_encoding: str | None,
    body: bytes,
) -> None:
    await connection.execute(
        "UPDATE idempotency_key SET status = $2, content_type = $3, "
        "content_encoding = $4, body = $5 WHERE key = $1",
        key,
        status,
        content_type,
        content_encoding,
        body,
    )


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: forget the case in the caseworkers' offline choices."""
    return {
        "offline_choice": _deleted(
            await conn().execute("DELETE FROM offline_choice WHERE hovedsag_id = $1", hovedsag_id)
        )
    }
