"""The demo seed's queries (``backend.demo``, ``trekant demo seed``): bulk writes of
synthetic children, cases, users and teams straight into a demo kommune's tables, in the
open tenant transaction. Nothing outside the demo seed uses them."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec

from backend.core.db import conn


class DemoWorker(msgspec.Struct, frozen=True):
    """An active caseworker or manager with their first team (by name)."""

    id: uuid.UUID
    username: str
    team_id: uuid.UUID | None


class DemoCase(msgspec.Struct, frozen=True):
    id: uuid.UUID
    stage: str
    birth_date: date


async def count_children() -> int:
    n: int = await conn().fetchval("SELECT count(*) FROM child")
    return n


async def count_underretninger() -> int:
    n: int = await conn().fetchval("SELECT count(*) FROM underretning")
    return n


async def insert_child(
    cpr: str, first_name: str, last_name: str, birth_date: date, address: str
) -> uuid.UUID:
    child_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO child (cpr, first_name, last_name, birth_date, address) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        cpr,
        first_name,
        last_name,
        birth_date,
        address,
    )
    return child_id


async def insert_cases(rows: list[tuple[uuid.UUID, date, date | None, str]]) -> None:
    """``(child_id, opened_at, closed_at, stage)`` per case, in one round trip."""
    await conn().executemany(
        "INSERT INTO hovedsag (child_id, opened_at, closed_at, stage) VALUES ($1, $2, $3, $4)",
        rows,
    )


async def insert_team(name: str) -> None:
    """The team, unless there is one of that name."""
    await conn().execute("INSERT INTO team (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", name)


async def list_team_ids() -> list[uuid.UUID]:
    """Every team, by name."""
    return [r["id"] for r in await conn().fetch("SELECT id FROM team ORDER BY name")]


async def map_team_to_unit(team: str, unit_uuid: uuid.UUID) -> None:
    """The demo team ``team`` is fed by FK Organisation unit ``unit_uuid`` (of that name)."""
    await conn().execute(
        "UPDATE team SET fkorg_unit_uuid = $2, fkorg_unit_name = $1 "
        "WHERE name = $1 AND fkorg_unit_uuid IS DISTINCT FROM $2",
        team,
        unit_uuid,
    )


async def insert_user(username: str, name: str) -> uuid.UUID | None:
    """A demo account (its e-mail is its username); None if the username exists."""
    user_id: uuid.UUID | None = await conn().fetchval(
        "INSERT INTO app_user (username, display_name, email, provisioned_by) "
        "VALUES ($1, $2, $1, 'demo') ON CONFLICT (username) DO NOTHING RETURNING id",
        username,
        name,
    )
    return user_id


async def insert_role(user_id: uuid.UUID, role: str) -> None:
    await conn().execute(
        "INSERT INTO user_role (user_id, role, granted_by) VALUES ($1, $2, 'demo')",
        user_id,
        role,
    )


async def insert_team_member(team_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await conn().execute(
        "INSERT INTO team_member (team_id, user_id) VALUES ($1, $2)", team_id, user_id
    )


async def join_team(team_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """``user_id`` is (also) a member of ``team_id``."""
    await conn().execute(
        "INSERT INTO team_member (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        team_id,
        user_id,
    )


async def list_workers() -> list[DemoWorker]:
    """Active caseworkers and managers by username, each with their first team."""
    rows = await conn().fetch(
        "SELECT u.id, u.username, (SELECT m.team_id FROM team_member m JOIN team t "
        "ON t.id = m.team_id WHERE m.user_id = u.id ORDER BY t.name LIMIT 1) AS team_id "
        "FROM app_user u WHERE u.active AND EXISTS (SELECT 1 FROM user_role r "
        "WHERE r.user_id = u.id AND r.role IN ('sagsbehandler', 'leder')) ORDER BY u.username"
    )
    return [DemoWorker(r["id"], r["username"], r["team_id"]) for r in rows]


async def list_open_cases() -> list[DemoCase]:
    """Open cases of children with a CPR number, newest first (then by CPR number, so that a
    seeded demo hands out the same cases every time: many cases open on the same day)."""
    rows = await conn().fetch(
        "SELECT h.id, h.stage, c.birth_date FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "WHERE h.closed_at IS NULL AND c.cpr IS NOT NULL ORDER BY h.opened_at DESC, c.cpr, h.id"
    )
    return [DemoCase(r["id"], r["stage"], r["birth_date"]) for r in rows]


async def assign_case(
    case_id: uuid.UUID, caseworker_id: uuid.UUID, team_id: uuid.UUID | None
) -> None:
    await conn().execute(
        "UPDATE hovedsag SET caseworker_id = $2, team_id = $3 WHERE id = $1",
        case_id,
        caseworker_id,
        team_id,
    )


async def add_case_worker(case_id: uuid.UUID, user_id: uuid.UUID, added_by: str) -> None:
    """A co-caseworker on the case (nothing if already one)."""
    await conn().execute(
        "INSERT INTO hovedsag_worker (hovedsag_id, user_id, added_by) "
        "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        case_id,
        user_id,
        added_by,
    )


async def get_open_case_cpr() -> str | None:
    """The lowest CPR number of a child with an open case."""
    cpr: str | None = await conn().fetchval(
        "SELECT c.cpr FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "WHERE h.closed_at IS NULL AND c.cpr IS NOT NULL ORDER BY c.cpr LIMIT 1"
    )
    return cpr


async def activity_rule(activity_id: uuid.UUID) -> str | None:
    rule_id: str | None = await conn().fetchval(
        "SELECT rule_id FROM activity WHERE id = $1", activity_id
    )
    return rule_id


async def insert_child_with_case(
    cpr: str, first_name: str, last_name: str, birth_date: date, address: str, opened: date
) -> uuid.UUID | None:
    """A child and its open case (None when the CPR number is taken): the main case."""
    if await conn().fetchval("SELECT 1 FROM child WHERE cpr = $1", cpr):
        return None
    child_id = await insert_child(cpr, first_name, last_name, birth_date, address)
    case_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO hovedsag (child_id, opened_at, stage) VALUES ($1, $2, 'afklaring') "
        "RETURNING id",
        child_id,
        opened,
    )
    return case_id


async def display_name(user_id: uuid.UUID) -> str:
    """A demo user's name as people read it (the journal names who sent a report)."""
    value: str | None = await conn().fetchval(
        "SELECT display_name FROM app_user WHERE id = $1", user_id
    )
    return value or "Sagsbehandler"


async def backdate_closed_cases(count: int, today: date) -> int:
    """Retention's demo (issue 18 item 4): ``count`` of the closed cases closed six to eight
    years ago, so they stand past the kommune's period, waiting for the administrator."""
    status: str = await conn().execute(
        "UPDATE hovedsag h SET opened_at = x.closed - 200, closed_at = x.closed "
        "FROM (SELECT id, $2::date - 2190 - (row_number() OVER (ORDER BY id))::int * 37 AS closed "
        "      FROM hovedsag WHERE closed_at IS NOT NULL ORDER BY id LIMIT $1) x "
        "WHERE h.id = x.id",
        count,
        today,
    )
    return int(status.rsplit(" ", 1)[-1])
