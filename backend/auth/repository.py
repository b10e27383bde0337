"""The queries of a login: the kommune's accounts (in the open tenant transaction) and the
operator accounts (on the operator's pool, ``backend.identity.operator_db``)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg
import msgspec

from backend.core.db import conn


class ActiveUser(msgspec.Struct, frozen=True):
    """An active kommune user with their current roles, sorted."""

    id: uuid.UUID
    username: str
    display_name: str
    roles: tuple[str, ...]
    # {"role": {"kle": [...], "orgenhed": [...]}} for the roles with data restrictions
    constraints: dict[str, dict[str, list[str]]] = msgspec.field(default_factory=dict)


class LoginUser(msgspec.Struct, frozen=True):
    """A kommune account as a login sees it."""

    id: uuid.UUID
    username: str
    display_name: str
    active: bool
    subject: str | None


class JitSettings(msgspec.Struct, frozen=True):
    """The kommune's just-in-time provisioning setting (``kommune_settings``)."""

    jit_provisioning: bool
    jit_default_role: str


class OperatorAccount(msgspec.Struct, frozen=True):
    username: str
    display_name: str
    active: bool


# --- kommune accounts (the open tenant transaction) ----------------------------------

# The data restrictions of user ``u``'s roles as JSON (``backend.core.scope.RoleRestriction``),
# each organisation unit with the name of the team mapped to it where there is one.
RESTRICTIONS_SQL = """coalesce((SELECT jsonb_agg(jsonb_build_object(
    'role', r.role,
    'kle', coalesce(r.constraints -> 'kle', '[]'),
    'units', coalesce((SELECT jsonb_agg(jsonb_build_object('uuid', x.unit, 'name',
        (SELECT coalesce(t.fkorg_unit_name, t.name) FROM team t
         WHERE t.fkorg_unit_uuid::text = lower(x.unit))) ORDER BY x.n)
        FROM jsonb_array_elements_text(r.constraints -> 'orgenhed') WITH ORDINALITY x(unit, n)),
        '[]')) ORDER BY r.role)
    FROM user_role r WHERE r.user_id = u.id AND r.constraints <> '{}'), '[]')::text"""


async def get_restrictions(user_id: uuid.UUID) -> str:
    """The user's roles' data restrictions, as ``RESTRICTIONS_SQL`` builds them."""
    found: str = await conn().fetchval(
        f"SELECT {RESTRICTIONS_SQL} FROM app_user u WHERE u.id = $1", user_id
    )
    return found or "[]"


async def get_active_user(c: Any, user_id: uuid.UUID) -> ActiveUser | None:
    """The user with current roles if active, read on ``c`` (a tenant transaction)."""
    row = await c.fetchrow(
        "SELECT u.id, u.username, u.display_name, "
        "coalesce(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}') "
        "AS roles, coalesce(jsonb_object_agg(r.role, r.constraints) "
        "FILTER (WHERE r.constraints <> '{}'), '{}')::text AS constraints "
        "FROM app_user u LEFT JOIN user_role r ON r.user_id = u.id "
        "WHERE u.id = $1 AND u.active GROUP BY u.id",
        user_id,
    )
    if row is None:
        return None
    return ActiveUser(
        row["id"],
        row["username"],
        row["display_name"],
        tuple(row["roles"]),
        json.loads(row["constraints"]),
    )


async def set_case_scope(
    c: Any, user_id: uuid.UUID, wide_units: list[str], own_units: list[str], own_anywhere: bool
) -> None:
    """Hand the request's tenant transaction the user's data restrictions
    (``backend/core/scope.py``): the row-level security policy on ``hovedsag`` (tenant
    migration 0048) reads them and hides every case outside them. Transaction-local, like
    the kommune's role and search_path; one statement, only for a restricted user."""
    await c.execute(
        "SELECT set_config('trekant.scope_user', $1::text, true), "
        "set_config('trekant.scope_wide_teams', (SELECT coalesce(array_agg(id), '{}')::text "
        "FROM team WHERE fkorg_unit_uuid = ANY($2::uuid[])), true), "
        "set_config('trekant.scope_own_teams', CASE WHEN $4 THEN '*' ELSE "
        "(SELECT coalesce(array_agg(id), '{}')::text FROM team "
        "WHERE fkorg_unit_uuid = ANY($3::uuid[])) END, true)",
        str(user_id),
        wide_units,
        own_units,
        own_anywhere,
    )


def _login_user(row: Any) -> LoginUser | None:
    if row is None:
        return None
    return LoginUser(row["id"], row["username"], row["display_name"], row["active"], row["subject"])


async def get_user_by_identity(issuer: str, subject: str) -> LoginUser | None:
    """The account bound to this identity at the provider."""
    return _login_user(
        await conn().fetchrow(
            "SELECT id, username, display_name, active, subject FROM app_user "
            "WHERE issuer = $1 AND subject = $2",
            issuer,
            subject,
        )
    )


async def get_unbound_user(username: str) -> LoginUser | None:
    """The pre-registered account of this username that has never logged in."""
    return _login_user(
        await conn().fetchrow(
            "SELECT id, username, display_name, active, subject FROM app_user "
            "WHERE username = $1 AND subject IS NULL",
            username,
        )
    )


async def get_user(user_id: uuid.UUID) -> LoginUser | None:
    return _login_user(
        await conn().fetchrow(
            "SELECT id, username, display_name, active, subject FROM app_user WHERE id = $1",
            user_id,
        )
    )


async def bind_user(user_id: uuid.UUID, issuer: str, subject: str, claim: str) -> None:
    """Bind the account to the person's identity at the provider."""
    await conn().execute(
        "UPDATE app_user SET issuer = $2, subject = $3, bound_at = now(), "
        "bound_claim = $4, version = version + 1 WHERE id = $1",
        user_id,
        issuer,
        subject,
        claim,
    )


async def get_jit_settings() -> JitSettings | None:
    row = await conn().fetchrow("SELECT jit_provisioning, jit_default_role FROM kommune_settings")
    return None if row is None else JitSettings(row["jit_provisioning"], row["jit_default_role"])


async def username_taken(username: str) -> bool:
    return bool(await conn().fetchval("SELECT 1 FROM app_user WHERE username = $1", username))


async def insert_jit_user(
    username: str,
    display_name: str,
    email: str | None,
    issuer: str,
    subject: str,
    claim: str,
) -> uuid.UUID | None:
    """A just-in-time account, in a savepoint; None when the username was taken
    concurrently (a first login at the same moment)."""
    c = conn()
    try:
        async with c.transaction():  # savepoint: a concurrent first login
            user_id: uuid.UUID = await c.fetchval(
                "INSERT INTO app_user (username, display_name, email, issuer, "
                "subject, provisioned_by, bound_at, bound_claim) VALUES ($1, $2, "
                "$3, $4, $5, 'just-in-time', now(), $6) RETURNING id",
                username,
                display_name,
                email,
                issuer,
                subject,
                claim,
            )
    except asyncpg.UniqueViolationError:  # the same name, just now, concurrently
        return None
    return user_id


async def insert_jit_role(user_id: uuid.UUID, role: str) -> None:
    await conn().execute(
        "INSERT INTO user_role (user_id, role, granted_by) VALUES ($1, $2, 'just-in-time')",
        user_id,
        role,
    )


async def set_last_login(user_id: uuid.UUID) -> None:
    await conn().execute("UPDATE app_user SET last_login_at = now() WHERE id = $1", user_id)


# --- operator accounts (the operator's pool, ``c`` in a transaction) ----------------


async def get_operator_account(
    c: Any, issuer: str, subject: str, username: str
) -> OperatorAccount | None:
    """The operator bound to this identity, else the unbound one of this username."""
    row = await c.fetchrow(
        "SELECT username, display_name, active FROM shared.operator_user "
        "WHERE (issuer = $1 AND subject = $2) OR (username = $3 AND subject IS NULL) "
        "ORDER BY subject NULLS LAST LIMIT 1",
        issuer,
        subject,
        username,
    )
    return (
        None
        if row is None
        else OperatorAccount(row["username"], row["display_name"], row["active"])
    )


async def insert_operator_login_failed(c: Any, actor: str, reason: str) -> None:
    await c.execute(
        "INSERT INTO shared.operator_audit (actor, action, detail) "
        "VALUES ($1, 'login.failed', $2::jsonb)",
        actor,
        json.dumps({"reason": reason}),
    )


async def bind_operator(c: Any, username: str, issuer: str, subject: str) -> None:
    """Bind the operator to this identity and note the login."""
    await c.execute(
        "UPDATE shared.operator_user SET issuer = $2, subject = $3, "
        "last_login_at = now() WHERE username = $1",
        username,
        issuer,
        subject,
    )


async def insert_operator_login(c: Any, username: str) -> None:
    await c.execute(
        "INSERT INTO shared.operator_audit (actor, action) VALUES ($1, 'login')", username
    )


# --- Fælleskommunal Adgangsstyring (roles from the assertion) ------------------------


async def get_roles_with_constraints(user_id: uuid.UUID) -> dict[str, dict[str, list[str]]]:
    """The user's roles and each role's data restrictions."""
    rows = await conn().fetch(
        "SELECT role, constraints FROM user_role WHERE user_id = $1 ORDER BY role", user_id
    )
    return {
        row["role"]: (
            json.loads(row["constraints"])
            if isinstance(row["constraints"], str)
            else dict(row["constraints"])
        )
        for row in rows
    }


async def replace_roles(user_id: uuid.UUID, roles: dict[str, dict[str, list[str]]]) -> None:
    """The user's roles become exactly ``roles`` (granted by the assertion)."""
    c = conn()
    await c.execute("DELETE FROM user_role WHERE user_id = $1", user_id)
    await c.executemany(
        "INSERT INTO user_role (user_id, role, granted_by, constraints) "
        "VALUES ($1, $2, 'fk-adgangsstyring', $3::jsonb)",
        [(user_id, role, json.dumps(constraints)) for role, constraints in sorted(roles.items())],
    )


async def set_display_name(user_id: uuid.UUID, display_name: str) -> None:
    await conn().execute(
        "UPDATE app_user SET display_name = $2 WHERE id = $1 AND display_name <> $2",
        user_id,
        display_name,
    )
