"""All queries on users, roles, teams and the kommune's login settings.

Callers hold a tenant transaction (``backend.core.db.conn``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

from backend.auth.repository import RESTRICTIONS_SQL
from backend.auth.vocab import BoundClaim, Role
from backend.core.db import conn


class UserRow(msgspec.Struct, frozen=True):
    """An account with its current roles (sorted) and teams."""

    id: uuid.UUID
    username: str
    display_name: str
    email: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    subject: str | None
    bound_at: datetime | None
    bound_claim: BoundClaim | None
    version: int
    from_fkorg: bool
    job_title: str | None
    roles: list[Role]
    team_ids: list[uuid.UUID]
    restrictions: str = "[]"  # JSON: backend.core.scope.RoleRestriction per restricted role


class TeamRow(msgspec.Struct, frozen=True):
    """A team with its member count and its open cases (``hovedsag`` not closed)."""

    id: uuid.UUID
    name: str
    members: int
    open_cases: int
    closed_at: datetime | None
    version: int


class TeamMemberRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    display_name: str
    username: str
    active: bool
    roles: list[Role]


class LoginSettings(msgspec.Struct, frozen=True):
    """``kommune_settings``: just-in-time provisioning and the ansøgning deadline."""

    jit_provisioning: bool
    jit_default_role: str
    application_days: int


_USER = (
    """
SELECT u.id, u.username, u.display_name, u.email, u.active, u.created_at, u.last_login_at,
       u.subject, u.bound_at, u.bound_claim, u.version,
       u.fkorg_uuid IS NOT NULL AS from_fkorg, u.job_title,
       coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_role r
                 WHERE r.user_id = u.id), '{}') AS roles,
       coalesce((SELECT array_agg(m.team_id) FROM team_member m
                 WHERE m.user_id = u.id), '{}') AS team_ids,
       """
    + RESTRICTIONS_SQL
    + """ AS restrictions
FROM app_user u
"""
)


async def list_users() -> list[UserRow]:
    return [UserRow(**dict(r)) for r in await conn().fetch(_USER + " ORDER BY u.display_name")]


def _like(word: str) -> str:
    """``word`` as a LIKE pattern matching it anywhere (its own % and _ taken literally)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_users(
    words: list[str],
    role: str | None,
    team_id: uuid.UUID | None,
    page: int,
    page_size: int,
) -> tuple[list[UserRow], int]:
    """One page of the accounts (by name) where every word occurs in the name, username or
    e-mail (case-insensitively), holding ``role`` and in ``team_id`` when given; and how
    many match in all."""
    where: list[str] = []
    args: list[object] = []
    for word in words:
        args.append(_like(word.lower()))
        n = len(args)
        where.append(
            f"(lower(u.display_name) LIKE ${n} OR u.username LIKE ${n} "
            f"OR lower(coalesce(u.email, '')) LIKE ${n})"
        )
    if role is not None:
        args.append(role)
        where.append(
            f"EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id AND r.role = ${len(args)})"
        )
    if team_id is not None:
        args.append(team_id)
        where.append(
            "EXISTS (SELECT 1 FROM team_member m "
            f"WHERE m.user_id = u.id AND m.team_id = ${len(args)})"
        )
    args += [page_size, (page - 1) * page_size]
    sql = (
        _USER.replace("SELECT u.id,", "SELECT count(*) OVER ()::int AS total, u.id,", 1)
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY u.display_name, u.id LIMIT ${len(args) - 1} OFFSET ${len(args)}"
    )
    rows = await conn().fetch(sql, *args)
    if not rows:
        total = 0
        if page > 1:  # past the end: how many there are, for the pager
            count_sql = "SELECT count(*)::int FROM app_user u" + (
                " WHERE " + " AND ".join(where) if where else ""
            )
            total = await conn().fetchval(count_sql, *args[:-2])
        return [], total
    total = rows[0]["total"]
    return [UserRow(**{k: v for k, v in dict(r).items() if k != "total"}) for r in rows], total


async def get_user(user_id: uuid.UUID, for_update: bool = False) -> UserRow | None:
    """The account; with ``for_update`` its row is locked FOR UPDATE first."""
    if for_update:
        await conn().execute("SELECT 1 FROM app_user WHERE id = $1 FOR UPDATE", user_id)
    row = await conn().fetchrow(_USER + " WHERE u.id = $1", user_id)
    return UserRow(**dict(row)) if row else None


async def insert_user(username: str, name: str, email: str | None, by: str) -> uuid.UUID | None:
    """A pre-registered account, in a savepoint; None when the username is taken (and then
    nothing is left behind)."""
    c = conn()
    try:
        async with c.transaction():
            user_id: uuid.UUID = await c.fetchval(
                "INSERT INTO app_user (username, display_name, email, provisioned_by) "
                "VALUES ($1, $2, $3, $4) RETURNING id",
                username,
                name,
                email,
                by,
            )
    except asyncpg.UniqueViolationError:
        return None
    return user_id


async def insert_first_administrator(username: str, name: str, by: str) -> uuid.UUID:
    """A new kommune's first account, with the administrator role (onboarding)."""
    c = conn()
    user_id: uuid.UUID = await c.fetchval(
        "INSERT INTO app_user (username, display_name, provisioned_by) "
        "VALUES ($1, $2, $3) RETURNING id",
        username,
        name,
        by,
    )
    await c.execute(
        "INSERT INTO user_role (user_id, role, granted_by) VALUES ($1, 'administrator', $2)",
        user_id,
        by,
    )
    return user_id


async def set_roles(user_id: uuid.UUID, roles: list[str], by: str) -> None:
    c = conn()
    await c.execute(
        "DELETE FROM user_role WHERE user_id = $1 AND role <> ALL($2::text[])", user_id, roles
    )
    await c.execute(
        "INSERT INTO user_role (user_id, role, granted_by) "
        "SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING",
        user_id,
        roles,
        by,
    )


async def set_teams(user_id: uuid.UUID, team_ids: list[uuid.UUID]) -> None:
    c = conn()
    await c.execute(
        "DELETE FROM team_member WHERE user_id = $1 AND team_id <> ALL($2::uuid[])",
        user_id,
        team_ids,
    )
    await c.execute(
        "INSERT INTO team_member (team_id, user_id) SELECT unnest($2::uuid[]), $1 "
        "ON CONFLICT DO NOTHING",
        user_id,
        team_ids,
    )


async def existing_teams(team_ids: list[uuid.UUID]) -> dict[uuid.UUID, str | None]:
    """Those of ``team_ids`` that exist: id -> the team's name if it is closed, else None."""
    rows = await conn().fetch(
        "SELECT id, CASE WHEN closed_at IS NULL THEN NULL ELSE name END AS closed "
        "FROM team WHERE id = ANY($1::uuid[])",
        team_ids,
    )
    return {r["id"]: r["closed"] for r in rows}


async def set_display_name(user_id: uuid.UUID, name: str) -> None:
    await conn().execute("UPDATE app_user SET display_name = $2 WHERE id = $1", user_id, name)


async def reset_binding(user_id: uuid.UUID) -> None:
    """Forget the user's identity at the provider; the next login binds again."""
    await conn().execute(
        "UPDATE app_user SET issuer = NULL, subject = NULL, bound_at = NULL, bound_claim = NULL, "
        "version = version + 1 WHERE id = $1",
        user_id,
    )


async def bump_version(user_id: uuid.UUID) -> None:
    await conn().execute("UPDATE app_user SET version = version + 1 WHERE id = $1", user_id)


async def set_active(user_id: uuid.UUID, active: bool, by: str) -> None:
    await conn().execute(
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
    rows = await conn().fetch(
        "SELECT u.id FROM app_user u JOIN user_role r ON r.user_id = u.id "
        "WHERE r.role = 'administrator' AND u.active AND u.id <> $1 FOR UPDATE OF u",
        user_id,
    )
    return len(rows)


_TEAM = """
SELECT t.id, t.name, t.closed_at, t.version,
       (SELECT count(*) FROM team_member m WHERE m.team_id = t.id)::int AS members,
       (SELECT count(*) FROM hovedsag h WHERE h.team_id = t.id AND h.closed_at IS NULL)::int
           AS open_cases
FROM team t
"""


async def list_teams() -> list[TeamRow]:
    """Every team, open ones first, by name."""
    rows = await conn().fetch(_TEAM + " ORDER BY t.closed_at IS NOT NULL, t.name")
    return [TeamRow(**dict(r)) for r in rows]


async def get_team(team_id: uuid.UUID, for_update: bool = False) -> TeamRow | None:
    """The team; with ``for_update`` its row is locked FOR UPDATE first."""
    if for_update:
        await conn().execute("SELECT 1 FROM team WHERE id = $1 FOR UPDATE", team_id)
    row = await conn().fetchrow(_TEAM + " WHERE t.id = $1", team_id)
    return TeamRow(**dict(row)) if row else None


async def list_team_members(team_id: uuid.UUID) -> list[TeamMemberRow]:
    """The team's members by name, with their roles (sorted)."""
    rows = await conn().fetch(
        "SELECT u.id, u.display_name, u.username, u.active, "
        "coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_role r "
        "WHERE r.user_id = u.id), '{}') AS roles "
        "FROM team_member m JOIN app_user u ON u.id = m.user_id WHERE m.team_id = $1 "
        "ORDER BY u.display_name, u.id",
        team_id,
    )
    return [TeamMemberRow(**dict(r)) for r in rows]


async def rename_team(team_id: uuid.UUID, name: str) -> bool:
    """Rename the team (and bump its version), in a savepoint; False when another team has
    the name (and then nothing changed)."""
    c = conn()
    try:
        async with c.transaction():
            await c.execute(
                "UPDATE team SET name = $2, version = version + 1 WHERE id = $1", team_id, name
            )
    except asyncpg.UniqueViolationError:
        return False
    return True


async def close_team(team_id: uuid.UUID, by: str) -> list[str]:
    """Close the team and release its members; returns their names (by name).
    Precondition: the caller holds the team's row FOR UPDATE and has checked that no
    open case is left in it."""
    c = conn()
    names: list[str] = [
        r["display_name"]
        for r in await c.fetch(
            "DELETE FROM team_member m USING app_user u WHERE m.team_id = $1 AND u.id = m.user_id "
            "RETURNING u.display_name",
            team_id,
        )
    ]
    await c.execute(
        "UPDATE team SET closed_at = now(), closed_by = $2, version = version + 1 WHERE id = $1",
        team_id,
        by,
    )
    return sorted(names)


async def get_transfer_team() -> uuid.UUID | None:
    """The team the administrator chose for cases transferred from other kommuner."""
    team: uuid.UUID | None = await conn().fetchval("SELECT transfer_team_id FROM kommune_settings")
    return team


async def insert_team(name: str) -> uuid.UUID | None:
    """A new team, in a savepoint; None when the name is taken."""
    c = conn()
    try:
        async with c.transaction():
            team_id: uuid.UUID = await c.fetchval(
                "INSERT INTO team (name) VALUES ($1) RETURNING id", name
            )
    except asyncpg.UniqueViolationError:
        return None
    return team_id


async def get_settings() -> LoginSettings:
    row = await conn().fetchrow(
        "SELECT jit_provisioning, jit_default_role, application_days FROM kommune_settings"
    )
    return LoginSettings(**dict(row))


async def update_settings(jit: bool, role: str, application_days: int) -> None:
    await conn().execute(
        "UPDATE kommune_settings SET jit_provisioning = $1, jit_default_role = $2, "
        "application_days = $3",
        jit,
        role,
        application_days,
    )
