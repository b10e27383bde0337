"""The activity plans' queries (tables ``activity_plan`` and ``activity_plan_item``,
tenant migration 0029), and the teams a user belongs to."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from backend.core.db import conn


class TeamRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str


class ItemRow(msgspec.Struct, frozen=True):
    title: str
    days: int
    day_kind: str
    description: str | None


class PlanRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    team_id: uuid.UUID
    team: str
    name: str
    note: str | None
    version: int
    changed_at: datetime
    items: list[ItemRow]


async def teams_of(user_id: uuid.UUID) -> list[TeamRow]:
    """The open teams ``user_id`` is a member of, by name."""
    rows = await conn().fetch(
        "SELECT t.id, t.name FROM team t JOIN team_member m ON m.team_id = t.id "
        "WHERE m.user_id = $1 AND t.closed_at IS NULL ORDER BY t.name",
        user_id,
    )
    return [TeamRow(r["id"], r["name"]) for r in rows]


_PLAN = (
    "SELECT p.id, p.team_id, t.name AS team, p.name, p.note, p.version, p.changed_at, "
    "coalesce((SELECT json_agg(json_build_object('title', i.title, 'days', i.days, "
    "'day_kind', i.day_kind, 'description', i.description) ORDER BY i.position) "
    "FROM activity_plan_item i WHERE i.plan_id = p.id), '[]')::text AS items "
    "FROM activity_plan p JOIN team t ON t.id = p.team_id "
)


def _plan(r: dict[str, object]) -> PlanRow:
    items = msgspec.json.decode(str(r["items"]), type=list[ItemRow])
    return msgspec.convert({**r, "items": items}, PlanRow, from_attributes=True)


async def plans_of_teams(team_ids: list[uuid.UUID]) -> list[PlanRow]:
    rows = await conn().fetch(
        _PLAN + "WHERE p.team_id = ANY($1::uuid[]) AND p.retired_at IS NULL "
        "ORDER BY t.name, lower(p.name)",
        team_ids,
    )
    return [_plan(dict(r)) for r in rows]


async def get_plan(
    plan_id: uuid.UUID, team_ids: list[uuid.UUID], *, for_update: bool = False
) -> PlanRow | None:
    """The plan, if it is in one of ``team_ids`` and not retired."""
    if for_update:
        locked = await conn().fetchval(
            "SELECT id FROM activity_plan WHERE id = $1 AND team_id = ANY($2::uuid[]) "
            "AND retired_at IS NULL FOR UPDATE",
            plan_id,
            team_ids,
        )
        if locked is None:
            return None
    row = await conn().fetchrow(
        _PLAN + "WHERE p.id = $1 AND p.team_id = ANY($2::uuid[]) AND p.retired_at IS NULL",
        plan_id,
        team_ids,
    )
    return None if row is None else _plan(dict(row))


async def name_taken(team_id: uuid.UUID, name: str, other_than: uuid.UUID | None) -> bool:
    taken: bool = await conn().fetchval(
        "SELECT EXISTS (SELECT 1 FROM activity_plan WHERE team_id = $1 AND retired_at IS NULL "
        "AND lower(btrim(name)) = lower(btrim($2)) AND id IS DISTINCT FROM $3)",
        team_id,
        name,
        other_than,
    )
    return taken


async def insert_plan(team_id: uuid.UUID, name: str, note: str | None, actor: str) -> uuid.UUID:
    plan_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO activity_plan (team_id, name, note, created_by, changed_by) "
        "VALUES ($1, $2, $3, $4, $4) RETURNING id",
        team_id,
        name,
        note,
        actor,
    )
    return plan_id


async def update_plan(plan_id: uuid.UUID, name: str, note: str | None, actor: str) -> None:
    await conn().execute(
        "UPDATE activity_plan SET name = $2, note = $3, changed_by = $4, changed_at = now(), "
        "version = version + 1 WHERE id = $1",
        plan_id,
        name,
        note,
        actor,
    )


async def replace_items(plan_id: uuid.UUID, items: list[ItemRow]) -> None:
    await conn().execute("DELETE FROM activity_plan_item WHERE plan_id = $1", plan_id)
    await conn().execute(
        "INSERT INTO activity_plan_item (plan_id, position, title, days, day_kind, description) "
        "SELECT $1, x.n - 1, x.title, x.days, x.day_kind, x.description "
        "FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) WITH ORDINALITY "
        "AS x(title, days, day_kind, description, n)",
        plan_id,
        [i.title for i in items],
        [i.days for i in items],
        [i.day_kind for i in items],
        [i.description for i in items],
    )


async def retire_plan(plan_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE activity_plan SET retired_at = now(), retired_by = $2, version = version + 1 "
        "WHERE id = $1",
        plan_id,
        actor,
    )
