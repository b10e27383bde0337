"""All queries on users, roles, teams, settings and the audit log.

Callers hold a tenant transaction (``current_scope()``).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from backend.db import fetch_as_app
from tenancy.context import current_scope

_USER = """
SELECT u.id, u.username, u.display_name, u.email, u.active, u.created_at, u.last_login_at,
       u.subject, u.bound_at, u.bound_claim, u.version,
       coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_role r
                 WHERE r.user_id = u.id), '{}') AS roles,
       coalesce((SELECT array_agg(m.team_id) FROM team_member m
                 WHERE m.user_id = u.id), '{}') AS team_ids
FROM app_user u
"""


def _conn() -> Any:
    return current_scope().connection


async def list_users() -> list[dict[str, Any]]:
    return [dict(r) for r in await _conn().fetch(_USER + " ORDER BY u.display_name")]


async def get_user(user_id: uuid.UUID, for_update: bool = False) -> dict[str, Any] | None:
    if for_update:
        await _conn().execute("SELECT 1 FROM app_user WHERE id = $1 FOR UPDATE", user_id)
    row = await _conn().fetchrow(_USER + " WHERE u.id = $1", user_id)
    return dict(row) if row else None


async def insert_user(username: str, name: str, email: str | None, by: str) -> uuid.UUID:
    user_id: uuid.UUID = await _conn().fetchval(
        "INSERT INTO app_user (username, display_name, email, provisioned_by) "
        "VALUES ($1, $2, $3, $4) RETURNING id",
        username,
        name,
        email,
        by,
    )
    return user_id


async def insert_first_administrator(username: str, name: str, by: str) -> uuid.UUID:
    """A new kommune's first account, with the administrator role (onboarding)."""
    conn = _conn()
    user_id: uuid.UUID = await conn.fetchval(
        "INSERT INTO app_user (username, display_name, provisioned_by) "
        "VALUES ($1, $2, $3) RETURNING id",
        username,
        name,
        by,
    )
    await conn.execute(
        "INSERT INTO user_role (user_id, role, granted_by) VALUES ($1, 'administrator', $2)",
        user_id,
        by,
    )
    return user_id


async def set_roles(user_id: uuid.UUID, roles: list[str], by: str) -> None:
    conn = _conn()
    await conn.execute(
        "DELETE FROM user_role WHERE user_id = $1 AND role <> ALL($2::text[])", user_id, roles
    )
    await conn.execute(
        "INSERT INTO user_role (user_id, role, granted_by) "
        "SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING",
        user_id,
        roles,
        by,
    )


async def set_teams(user_id: uuid.UUID, team_ids: list[uuid.UUID]) -> None:
    conn = _conn()
    await conn.execute(
        "DELETE FROM team_member WHERE user_id = $1 AND team_id <> ALL($2::uuid[])",
        user_id,
        team_ids,
    )
    await conn.execute(
        "INSERT INTO team_member (team_id, user_id) SELECT unnest($2::uuid[]), $1 "
        "ON CONFLICT DO NOTHING",
        user_id,
        team_ids,
    )


async def existing_teams(team_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    return [
        r["id"]
        for r in await _conn().fetch("SELECT id FROM team WHERE id = ANY($1::uuid[])", team_ids)
    ]


async def set_display_name(user_id: uuid.UUID, name: str) -> None:
    await _conn().execute("UPDATE app_user SET display_name = $2 WHERE id = $1", user_id, name)


async def reset_binding(user_id: uuid.UUID) -> None:
    """Forget the user's identity at the provider; the next login binds again."""
    await _conn().execute(
        "UPDATE app_user SET issuer = NULL, subject = NULL, bound_at = NULL, bound_claim = NULL, "
        "version = version + 1 WHERE id = $1",
        user_id,
    )


async def bump_version(user_id: uuid.UUID) -> None:
    await _conn().execute("UPDATE app_user SET version = version + 1 WHERE id = $1", user_id)


async def set_active(user_id: uuid.UUID, active: bool, by: str) -> None:
    await _conn().execute(
        "UPDATE app_user SET active = $2, version = version + 1, "
        "deactivated_at = CASE WHEN $2 THEN NULL ELSE now() END, "
        "deactivated_by = CASE WHEN $2 THEN NULL ELSE $3 END WHERE id = $1",
        user_id,
        active,
        by,
    )


async def other_active_admins(user_id: uuid.UUID) -> int:
    """Active administrators other than ``user_id``; locks them so two concurrent removals
    cannot both see the other as the remaining one."""
    rows = await _conn().fetch(
        "SELECT u.id FROM app_user u JOIN user_role r ON r.user_id = u.id "
        "WHERE r.role = 'administrator' AND u.active AND u.id <> $1 FOR UPDATE OF u",
        user_id,
    )
    return len(rows)


async def list_teams() -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in await _conn().fetch(
            "SELECT t.id, t.name, count(m.user_id)::int AS members FROM team t "
            "LEFT JOIN team_member m ON m.team_id = t.id GROUP BY t.id ORDER BY t.name"
        )
    ]


async def insert_team(name: str) -> uuid.UUID:
    team_id: uuid.UUID = await _conn().fetchval(
        "INSERT INTO team (name) VALUES ($1) RETURNING id", name
    )
    return team_id


async def get_settings() -> dict[str, Any]:
    row = await _conn().fetchrow(
        "SELECT jit_provisioning, jit_default_role, application_days FROM kommune_settings"
    )
    return dict(row)


async def update_settings(jit: bool, role: str, application_days: int) -> None:
    await _conn().execute(
        "UPDATE kommune_settings SET jit_provisioning = $1, jit_default_role = $2, "
        "application_days = $3",
        jit,
        role,
        application_days,
    )


async def kommune_names() -> dict[str, str]:
    """Every kommune's name by code, from the shared registry (for the audit log's details:
    a transfer's sender and receiver are stored as codes)."""
    rows = await fetch_as_app("SELECT code, name FROM shared.tenant")
    return {r["code"]: r["name"] for r in rows}


async def audit_page(
    action: str | None,
    actor: str | None,
    subject: str | None,
    since: datetime | None,
    until: datetime | None,
    page: int,
    page_size: int,
) -> tuple[list[dict[str, Any]], int]:
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
    conn = _conn()
    total = await conn.fetchval(f"SELECT count(*) FROM audit_event WHERE {clause}", *args)
    rows = await conn.fetch(
        "SELECT id, at, actor, action, subject, detail::text AS detail, (SELECT u.display_name "
        "FROM app_user u WHERE u.username = audit_event.actor) AS actor_name FROM audit_event "
        f"WHERE {clause} ORDER BY at DESC, id DESC "
        f"LIMIT {int(page_size)} OFFSET {(int(page) - 1) * int(page_size)}",
        *args,
    )
    out = []
    for r in rows:
        d = dict(r)
        d["detail"] = json.loads(d["detail"])
        out.append(d)
    return out, int(total)
