"""Queries of the national services.

Three kinds of caller, three kinds of connection:
- the operator console: ``c``, a connection of the operator's own pool (no kommune role;
  may not read the sealed keys);
- the clients in the API and the worker: the bare application role (``DB.pool``), which
  reads the configuration with the sealed key and writes the health columns only;
- the kommune's jobs: the tenant transaction (``conn()``) for its users, teams, import runs
  and what the index holds.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from backend.core.db import conn
from backend.db import SIDE, fetch_as_app

_CONFIG_COLUMNS = (
    "s.code, s.kind, s.endpoint, s.service_agreement_uuid, s.user_system_uuid, s.cvr, "
    "s.cert_subject, s.cert_not_after, s.enabled, s.updated_at, s.updated_by, s.last_call_at, "
    "s.last_ok_at, s.last_error, s.last_error_at, s.auth"
)


class ServiceRow(msgspec.Struct, frozen=True):
    """A kommune's configuration of one service, with its health (never the key)."""

    code: str
    kind: str
    endpoint: str
    service_agreement_uuid: uuid.UUID
    user_system_uuid: uuid.UUID
    cvr: str
    cert_subject: str | None
    cert_not_after: datetime | None
    enabled: bool
    updated_at: datetime
    updated_by: str
    last_call_at: datetime | None
    last_ok_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    auth: str
    key_set: bool


class ServiceUse(msgspec.Struct, frozen=True):
    """What a client needs to call the service (read as the application role)."""

    code: str
    kind: str
    endpoint: str
    service_agreement_uuid: uuid.UUID
    user_system_uuid: uuid.UUID
    cvr: str
    cert_pem: str | None
    cert_not_after: datetime | None
    enabled: bool
    sealed_key: bytes | None
    auth: str = "tls"  # 'tls' (mutual TLS) or 'token' (STS token, OIO IDWS)


# --- the operator -----------------------------------------------------------------------


async def list_services(c: Any, code: str) -> list[ServiceRow]:
    rows = await c.fetch(
        f"SELECT {_CONFIG_COLUMNS}, EXISTS (SELECT 1 FROM shared.national_service_key k "
        "WHERE k.code = s.code AND k.kind = s.kind) AS key_set "
        "FROM shared.national_service s WHERE s.code = $1 ORDER BY s.kind",
        code,
    )
    return [msgspec.convert(dict(r), ServiceRow) for r in rows]


async def list_all_services(c: Any) -> list[ServiceRow]:
    rows = await c.fetch(
        f"SELECT {_CONFIG_COLUMNS}, EXISTS (SELECT 1 FROM shared.national_service_key k "
        "WHERE k.code = s.code AND k.kind = s.kind) AS key_set "
        "FROM shared.national_service s ORDER BY s.code, s.kind"
    )
    return [msgspec.convert(dict(r), ServiceRow) for r in rows]


async def get_cert_pem(c: Any, code: str, kind: str) -> str | None:
    pem: str | None = await c.fetchval(
        "SELECT cert_pem FROM shared.national_service WHERE code = $1 AND kind = $2", code, kind
    )
    return pem


async def upsert_service(
    c: Any,
    *,
    code: str,
    kind: str,
    endpoint: str,
    service_agreement_uuid: uuid.UUID,
    user_system_uuid: uuid.UUID,
    cvr: str,
    cert_pem: str | None,
    cert_subject: str | None,
    cert_not_after: datetime | None,
    enabled: bool,
    by: str,
    auth: str = "tls",
) -> None:
    """Insert or replace the configuration; a ``None`` certificate keeps the one held."""
    await c.execute(
        "INSERT INTO shared.national_service (code, kind, endpoint, service_agreement_uuid, "
        "user_system_uuid, cvr, cert_pem, cert_subject, cert_not_after, enabled, updated_by, auth) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
        "ON CONFLICT (code, kind) DO UPDATE SET endpoint = EXCLUDED.endpoint, "
        "service_agreement_uuid = EXCLUDED.service_agreement_uuid, "
        "user_system_uuid = EXCLUDED.user_system_uuid, cvr = EXCLUDED.cvr, "
        "cert_pem = coalesce(EXCLUDED.cert_pem, shared.national_service.cert_pem), "
        "cert_subject = coalesce(EXCLUDED.cert_subject, shared.national_service.cert_subject), "
        "cert_not_after = coalesce(EXCLUDED.cert_not_after, "
        "shared.national_service.cert_not_after), "
        "enabled = EXCLUDED.enabled, updated_at = now(), updated_by = EXCLUDED.updated_by, "
        "auth = EXCLUDED.auth",
        code,
        kind,
        endpoint,
        service_agreement_uuid,
        user_system_uuid,
        cvr,
        cert_pem,
        cert_subject,
        cert_not_after,
        enabled,
        by,
        auth,
    )


async def replace_key(c: Any, code: str, kind: str, sealed: bytes) -> None:
    await c.execute(
        "DELETE FROM shared.national_service_key WHERE code = $1 AND kind = $2", code, kind
    )
    await c.execute(
        "INSERT INTO shared.national_service_key (code, kind, sealed) VALUES ($1, $2, $3)",
        code,
        kind,
        sealed,
    )


async def delete_service(c: Any, code: str, kind: str) -> bool:
    done = await c.fetchval(
        "DELETE FROM shared.national_service WHERE code = $1 AND kind = $2 RETURNING kind",
        code,
        kind,
    )
    return done is not None


# --- the clients (application role) -----------------------------------------------------


async def get_service_use(code: str, kind: str) -> ServiceUse | None:
    rows = await fetch_as_app(
        "SELECT s.code, s.kind, s.endpoint, s.service_agreement_uuid, s.user_system_uuid, "
        "s.cvr, s.cert_pem, s.cert_not_after, s.enabled, k.sealed AS sealed_key, s.auth "
        "FROM shared.national_service s LEFT JOIN shared.national_service_key k "
        "ON k.code = s.code AND k.kind = s.kind WHERE s.code = $1 AND s.kind = $2",
        code,
        kind,
    )
    return msgspec.convert(dict(rows[0]), ServiceUse) if rows else None


async def record_call(code: str, kind: str, error: str | None) -> None:
    """The health after one call: its time, and the error (Danish) or that it went well.
    On its own connection, so a call that fails inside a rolled-back job still shows."""
    if SIDE.pool is None:
        raise RuntimeError("database pool is not started")
    async with SIDE.pool.acquire() as c:  # beside the caller's transaction (backend/db.py)
        if error is None:
            await c.execute(
                "UPDATE shared.national_service SET last_call_at = now(), last_ok_at = now() "
                "WHERE code = $1 AND kind = $2",
                code,
                kind,
            )
        else:
            await c.execute(
                "UPDATE shared.national_service SET last_call_at = now(), last_error = $3, "
                "last_error_at = now() WHERE code = $1 AND kind = $2",
                code,
                kind,
                error[:500],
            )


# --- the kommune's jobs (tenant transaction) --------------------------------------------


class CaseMetadata(msgspec.Struct, frozen=True):
    id: uuid.UUID
    case_number: str | None
    stage: str
    opened_at: Any
    closed_at: Any
    child_cpr: str
    team_name: str | None
    caseworker_name: str | None
    transferred_to: str | None
    # FK Organisation's UUIDs, when the team is fed by an organisation unit and the
    # caseworker is known to FK Organisation (the index's Ansvarlig and Primær behandler).
    team_unit_uuid: uuid.UUID | None = None
    caseworker_fkorg_uuid: uuid.UUID | None = None


class DocumentMetadata(msgspec.Struct, frozen=True):
    id: uuid.UUID
    title: str
    kind: str
    dated: Any
    added_at: datetime


async def get_case_metadata(case_id: uuid.UUID) -> CaseMetadata | None:
    row = await conn().fetchrow(
        "SELECT h.id, h.case_number, h.stage, h.opened_at, h.closed_at, c.cpr AS child_cpr, "
        "t.name AS team_name, u.display_name AS caseworker_name, h.transferred_to, "
        "t.fkorg_unit_uuid AS team_unit_uuid, u.fkorg_uuid AS caseworker_fkorg_uuid "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "LEFT JOIN team t ON t.id = h.team_id LEFT JOIN app_user u ON u.id = h.caseworker_id "
        "WHERE h.id = $1",
        case_id,
    )
    return msgspec.convert(dict(row), CaseMetadata) if row else None


async def list_document_metadata(case_id: uuid.UUID) -> list[DocumentMetadata]:
    rows = await conn().fetch(
        "SELECT id, title, kind, dated, added_at FROM document "
        "WHERE hovedsag_id = $1 AND state = 'klar' ORDER BY added_at, id",
        case_id,
    )
    return [msgspec.convert(dict(r), DocumentMetadata) for r in rows]


async def get_index_state(case_id: uuid.UUID) -> str | None:
    op: str | None = await conn().fetchval(
        "SELECT operation FROM sagsindeks_state WHERE hovedsag_id = $1", case_id
    )
    return op


async def set_index_state(case_id: uuid.UUID, operation: str, call_id: uuid.UUID) -> None:
    await conn().execute(
        "INSERT INTO sagsindeks_state (hovedsag_id, pushed_at, operation, call_id) "
        "VALUES ($1, now(), $2, $3) ON CONFLICT (hovedsag_id) DO UPDATE SET "
        "pushed_at = now(), operation = EXCLUDED.operation, call_id = EXCLUDED.call_id",
        case_id,
        operation,
        call_id,
    )


# --- FK Organisation import (tenant transaction) ----------------------------------------


class MappedTeam(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    unit_uuid: uuid.UUID
    unit_name: str | None


class KnownUser(msgspec.Struct, frozen=True):
    id: uuid.UUID
    username: str
    display_name: str
    email: str | None
    job_title: str | None
    fkorg_uuid: uuid.UUID | None
    active: bool
    deactivated_by: str | None
    administrator: bool


class ImportRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    requested_by: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    units: int
    created: int
    updated: int
    deactivated: int
    error: str | None


async def list_mapped_teams() -> list[MappedTeam]:
    rows = await conn().fetch(
        "SELECT id, name, fkorg_unit_uuid AS unit_uuid, fkorg_unit_name AS unit_name "
        "FROM team WHERE fkorg_unit_uuid IS NOT NULL AND closed_at IS NULL ORDER BY name"
    )
    return [msgspec.convert(dict(r), MappedTeam) for r in rows]


async def map_team(team_id: uuid.UUID, unit_uuid: uuid.UUID | None, unit_name: str | None) -> bool:
    """Map (or with ``None`` unmap) the open team; False when there is no such open team.
    Any other team mapped to the unit is unmapped first (one team per unit)."""
    if unit_uuid is not None:
        await conn().execute(
            "UPDATE team SET fkorg_unit_uuid = NULL, fkorg_unit_name = NULL "
            "WHERE fkorg_unit_uuid = $1 AND id <> $2",
            unit_uuid,
            team_id,
        )
    done = await conn().fetchval(
        "UPDATE team SET fkorg_unit_uuid = $2, fkorg_unit_name = $3, version = version + 1 "
        "WHERE id = $1 AND closed_at IS NULL RETURNING id",
        team_id,
        unit_uuid,
        unit_name,
    )
    return done is not None


async def set_team_unit_name(team_id: uuid.UUID, name: str) -> None:
    await conn().execute(
        "UPDATE team SET fkorg_unit_name = $2 "
        "WHERE id = $1 AND fkorg_unit_name IS DISTINCT FROM $2",
        team_id,
        name,
    )


async def list_known_users() -> list[KnownUser]:
    rows = await conn().fetch(
        "SELECT u.id, u.username, u.display_name, u.email, u.job_title, u.fkorg_uuid, u.active, "
        "u.deactivated_by, EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id "
        "AND r.role = 'administrator') AS administrator FROM app_user u"
    )
    return [msgspec.convert(dict(r), KnownUser) for r in rows]


async def insert_fkorg_user(
    username: str, name: str, email: str | None, job: str | None, fkorg_uuid: uuid.UUID, role: str
) -> uuid.UUID:
    user_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO app_user (username, display_name, email, job_title, fkorg_uuid, "
        "fkorg_synced_at, provisioned_by) VALUES ($1, $2, $3, $4, $5, now(), 'FK Organisation') "
        "RETURNING id",
        username,
        name,
        email,
        job,
        fkorg_uuid,
    )
    await conn().execute(
        "INSERT INTO user_role (user_id, role, granted_by) VALUES ($1, $2, 'FK Organisation')",
        user_id,
        role,
    )
    return user_id


async def update_fkorg_user(
    user_id: uuid.UUID,
    name: str,
    email: str | None,
    job: str | None,
    fkorg_uuid: uuid.UUID,
    reactivate: bool,
) -> None:
    await conn().execute(
        "UPDATE app_user SET display_name = $2, email = $3, job_title = $4, fkorg_uuid = $5, "
        "fkorg_synced_at = now(), version = version + 1, "
        "active = active OR $6, deactivated_at = CASE WHEN $6 THEN NULL ELSE deactivated_at END, "
        "deactivated_by = CASE WHEN $6 THEN NULL ELSE deactivated_by END WHERE id = $1",
        user_id,
        name,
        email,
        job,
        fkorg_uuid,
        reactivate,
    )


async def deactivate_fkorg_user(user_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE app_user SET active = false, deactivated_at = now(), "
        "deactivated_by = 'FK Organisation', version = version + 1 WHERE id = $1",
        user_id,
    )


async def set_mapped_memberships(
    user_id: uuid.UUID, team_ids: list[uuid.UUID], mapped: list[uuid.UUID]
) -> bool:
    """Make the user's membership among the ``mapped`` teams exactly ``team_ids`` (teams not
    mapped to FK Organisation keep their members); True when anything changed."""
    removed = await conn().fetch(
        "DELETE FROM team_member WHERE user_id = $1 AND team_id = ANY($2::uuid[]) "
        "AND NOT team_id = ANY($3::uuid[]) RETURNING team_id",
        user_id,
        mapped,
        team_ids,
    )
    added = await conn().fetch(
        "INSERT INTO team_member (team_id, user_id) SELECT unnest($2::uuid[]), $1 "
        "ON CONFLICT DO NOTHING RETURNING team_id",
        user_id,
        team_ids,
    )
    return bool(removed or added)


async def default_role() -> str:
    role: str = await conn().fetchval("SELECT jit_default_role FROM kommune_settings")
    return role


async def insert_import(import_id: uuid.UUID, by: str) -> None:
    await conn().execute(
        "INSERT INTO fkorg_import (id, requested_by) VALUES ($1, $2)", import_id, by
    )


async def running_import() -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT id FROM fkorg_import WHERE status = 'koerer' "
        "AND started_at > now() - interval '15 minutes' LIMIT 1"
    )
    return found


async def finish_import(
    import_id: uuid.UUID,
    status: str,
    units: int,
    created: int,
    updated: int,
    deactivated: int,
    error: str | None,
) -> None:
    await conn().execute(
        "UPDATE fkorg_import SET finished_at = now(), status = $2, units = $3, created = $4, "
        "updated = $5, deactivated = $6, error = $7 WHERE id = $1",
        import_id,
        status,
        units,
        created,
        updated,
        deactivated,
        error,
    )


async def get_import(import_id: uuid.UUID) -> ImportRow | None:
    row = await conn().fetchrow("SELECT * FROM fkorg_import WHERE id = $1", import_id)
    return msgspec.convert(dict(row), ImportRow) if row else None


async def latest_import() -> ImportRow | None:
    row = await conn().fetchrow("SELECT * FROM fkorg_import ORDER BY started_at DESC LIMIT 1")
    return msgspec.convert(dict(row), ImportRow) if row else None


async def insert_team_named(name: str) -> uuid.UUID | None:
    """A new team; None when one of that name exists."""
    team_id: uuid.UUID | None = await conn().fetchval(
        "INSERT INTO team (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id", name
    )
    return team_id


async def list_unmapped_teams(names: list[str]) -> list[tuple[uuid.UUID, str]]:
    """Open teams of these names not yet mapped to an organisation unit."""
    rows = await conn().fetch(
        "SELECT id, name FROM team WHERE closed_at IS NULL AND fkorg_unit_uuid IS NULL "
        "AND name = ANY($1::text[]) ORDER BY name",
        names,
    )
    return [(r["id"], r["name"]) for r in rows]
