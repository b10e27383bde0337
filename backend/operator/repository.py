"""The operator console's queries: the registry, usage aggregates and the operator audit.

Each takes ``c``, a connection of the operator's own pool (``backend.identity.operator_db``)
or, for the jobs, the owner's connection from the registry.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import msgspec

from backend.auth.vocab import KommuneStatus


class KommuneUsage(msgspec.Struct, frozen=True):
    """A kommune in the registry with its usage aggregates (never content)."""

    code: str
    name: str
    status: KommuneStatus
    status_reason: str | None
    idp_issuer: str | None
    idp_client_id: str | None
    idp_client_secret_ref: str | None
    created_at: datetime
    users: int | None
    active_users: int | None
    last_login: datetime | None
    sealed_secret: bool


class OperatorAuditEntry(msgspec.Struct, frozen=True):
    id: int
    at: datetime
    actor: str
    actor_name: str | None
    action: str
    kommune_code: str | None
    detail: str  # JSON text


async def list_kommune_usage(c: Any) -> list[KommuneUsage]:
    rows = await c.fetch(
        "SELECT t.code, t.name, t.status, t.status_reason, t.idp_issuer, "
        "t.idp_client_id, t.idp_client_secret_ref, t.created_at, u.users, u.active_users, "
        "u.last_login, EXISTS (SELECT 1 FROM shared.idp_secret s WHERE s.code = t.code) "
        "AS sealed_secret FROM shared.tenant t "
        "LEFT JOIN shared.kommune_usage() u USING (code) ORDER BY t.code"
    )
    return [msgspec.convert(dict(r), KommuneUsage) for r in rows]


async def get_schema_versions(c: Any) -> dict[str, int]:
    """Each kommune's schema version, by code."""
    rows = await c.fetch("SELECT code, version FROM shared.kommune_versions()")
    return {r["code"]: r["version"] for r in rows}


async def kommune_exists(c: Any, code: str) -> bool:
    return bool(await c.fetchval("SELECT 1 FROM shared.tenant WHERE code = $1", code))


async def count_kommuner(c: Any) -> int:
    return int(await c.fetchval("SELECT count(*) FROM shared.tenant"))


async def update_kommune_status(c: Any, code: str, status: str, reason: str | None) -> bool:
    """Set the kommune's status; False when there is no such kommune."""
    updated = await c.fetchval(
        "UPDATE shared.tenant SET status = $2, status_reason = $3, "
        "status_changed_at = now() WHERE code = $1 RETURNING code",
        code,
        status,
        reason,
    )
    return updated is not None


async def insert_operator_audit(
    c: Any, actor: str, action: str, code: str | None, detail: dict[str, Any]
) -> None:
    await c.execute(
        "INSERT INTO shared.operator_audit (actor, action, kommune_code, detail) "
        "VALUES ($1, $2, $3, $4::jsonb)",
        actor,
        action,
        code,
        json.dumps(detail),
    )


async def list_operator_audit(c: Any) -> list[OperatorAuditEntry]:
    """The newest 200 entries, newest first, with the operator's display name."""
    rows = await c.fetch(
        "SELECT a.id, a.at, a.actor, (SELECT u.display_name FROM shared.operator_user u "
        "WHERE u.username = a.actor) AS actor_name, a.action, a.kommune_code, "
        "a.detail::text AS detail FROM shared.operator_audit a ORDER BY a.id DESC LIMIT 200"
    )
    return [msgspec.convert(dict(r), OperatorAuditEntry) for r in rows]


async def get_kommune_names(c: Any) -> dict[str, str]:
    return {r["code"]: r["name"] for r in await c.fetch("SELECT code, name FROM shared.tenant")}


async def get_login_setting(c: Any, code: str) -> Any:
    """The kommune's login kind, its OpenID Connect provider (issuer, client id, whether a
    sealed secret is held — never the secret) and Context Handler settings, or None."""
    return await c.fetchrow(
        "SELECT t.login_kind, t.ch_metadata_url, t.ch_entity_id, t.ch_cvr, t.ch_nsis_level, "
        "t.ch_metadata_cert, "
        "t.idp_issuer, t.idp_client_id, t.idp_client_secret_ref, "
        "EXISTS (SELECT 1 FROM shared.idp_secret s WHERE s.code = t.code) AS sealed_secret "
        "FROM shared.tenant t WHERE t.code = $1",
        code,
    )


async def update_login_setting(
    c: Any,
    code: str,
    kind: str,
    metadata_url: str | None,
    entity_id: str | None,
    cvr: str | None,
    nsis_level: str,
    metadata_cert: str | None = None,
) -> bool:
    """Set the kommune's login kind; the Context Handler settings are kept when going back
    to ``oidc`` unless new ones are given (the metadata certificate is set as given with
    ``context-handler``: None there means the metadata's signature is not checked). False
    for an unknown kommune."""
    found = await c.fetchval(
        "UPDATE shared.tenant SET login_kind = $2, "
        "ch_metadata_url = coalesce($3, ch_metadata_url), "
        "ch_entity_id = coalesce($4, ch_entity_id), ch_cvr = coalesce($5, ch_cvr), "
        "ch_nsis_level = $6, "
        "ch_metadata_cert = CASE WHEN $2 = 'context-handler' THEN $7 ELSE ch_metadata_cert END "
        "WHERE code = $1 RETURNING code",
        code,
        kind,
        metadata_url,
        entity_id,
        cvr,
        nsis_level,
        metadata_cert,
    )
    return found is not None
