"""All SQL of retention: the kommune's rules, the closed cases past their period (read over
casework's case and child rows, as MI does), and the deletion runs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn


class RuleRow(msgspec.Struct, frozen=True):
    years: int
    placement_years: int
    preserve: str
    changed_by: str | None
    changed_at: datetime | None


class ExpiredRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    case_number: str | None
    initials: str
    birth_year: int | None
    closed_at: date | None
    placement: bool
    measures: bool
    caseworker: str | None
    expires_on: date | None


class RunRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    approved_by: str
    approved_name: str
    approved_at: datetime
    status: str
    finished_at: datetime | None
    deleted: int
    refused: int
    batches: int


class RunCaseRow(msgspec.Struct, frozen=True):
    hovedsag_id: uuid.UUID
    case_number: str | None
    outcome: str | None
    reason: str | None


async def get_rule() -> RuleRow:
    row = await conn().fetchrow(
        "SELECT years, placement_years, preserve, changed_by, changed_at FROM retention_rule"
    )
    assert row is not None
    return RuleRow(**dict(row))


async def update_rule(years: int, placement_years: int, preserve: str, actor: str) -> None:
    await conn().execute(
        "UPDATE retention_rule SET years = $1, placement_years = $2, preserve = $3, "
        "changed_by = $4, changed_at = now()",
        years,
        placement_years,
        preserve,
        actor,
    )


_EXPIRED = """
SELECT h.id, h.case_number,
       upper(left(c.first_name, 1)) || upper(left(c.last_name, 1)) AS initials,
       extract(year FROM c.birth_date)::int AS birth_year, h.closed_at,
       EXISTS (SELECT 1 FROM indsats i WHERE i.hovedsag_id = h.id AND i.placement) AS placement,
       EXISTS (SELECT 1 FROM indsats i WHERE i.hovedsag_id = h.id) AS measures,
       u.display_name AS caseworker,
       (h.closed_at + make_interval(years =>
           CASE WHEN EXISTS (SELECT 1 FROM indsats i WHERE i.hovedsag_id = h.id AND i.placement)
                THEN r.placement_years ELSE r.years END))::date AS expires_on
FROM hovedsag h
JOIN child c ON c.id = h.child_id
CROSS JOIN retention_rule r
LEFT JOIN app_user u ON u.id = h.caseworker_id
"""


async def list_expired(today: date, limit: int) -> list[ExpiredRow]:
    """Closed main cases whose period ran out on or before ``today``, oldest first."""
    rows = await conn().fetch(
        f"SELECT * FROM ({_EXPIRED} WHERE h.closed_at IS NOT NULL) x "
        "WHERE x.expires_on <= $1 ORDER BY x.closed_at, x.case_number LIMIT $2",
        today,
        limit,
    )
    return [ExpiredRow(**dict(r)) for r in rows]


async def count_expired(today: date) -> int:
    n = await conn().fetchval(
        f"SELECT count(*) FROM ({_EXPIRED} WHERE h.closed_at IS NOT NULL) x "
        "WHERE x.expires_on <= $1",
        today,
    )
    return int(n or 0)


async def get_cases(case_ids: list[uuid.UUID]) -> list[ExpiredRow]:
    """These main cases (open or closed), with their expiry where closed."""
    rows = await conn().fetch(f"{_EXPIRED} WHERE h.id = ANY($1::uuid[])", case_ids)
    return [ExpiredRow(**dict(r)) for r in rows]


async def insert_run(actor: str, name: str, cases: list[tuple[uuid.UUID, str | None]]) -> uuid.UUID:
    c = conn()
    run_id: uuid.UUID = await c.fetchval(
        "INSERT INTO retention_run (approved_by, approved_name) VALUES ($1, $2) RETURNING id",
        actor,
        name,
    )
    await c.executemany(
        "INSERT INTO retention_run_case (run_id, case_ref, case_number) VALUES ($1, $2, $3)",
        [(run_id, case_id, number) for case_id, number in cases],
    )
    return run_id


async def lock_run(run_id: uuid.UUID) -> RunRow | None:
    row = await conn().fetchrow("SELECT * FROM retention_run WHERE id = $1 FOR UPDATE", run_id)
    return None if row is None else RunRow(**dict(row))


async def get_run(run_id: uuid.UUID) -> RunRow | None:
    row = await conn().fetchrow("SELECT * FROM retention_run WHERE id = $1", run_id)
    return None if row is None else RunRow(**dict(row))


async def latest_runs(limit: int) -> list[RunRow]:
    rows = await conn().fetch(
        "SELECT * FROM retention_run ORDER BY approved_at DESC LIMIT $1", limit
    )
    return [RunRow(**dict(r)) for r in rows]


async def list_run_cases(run_id: uuid.UUID) -> list[RunCaseRow]:
    rows = await conn().fetch(
        "SELECT case_ref AS hovedsag_id, case_number, outcome, reason FROM retention_run_case "
        "WHERE run_id = $1 ORDER BY case_number",
        run_id,
    )
    return [RunCaseRow(**dict(r)) for r in rows]


async def set_case_outcome(
    run_id: uuid.UUID, case_id: uuid.UUID, outcome: str, reason: str | None, counts: Any
) -> None:
    await conn().execute(
        "UPDATE retention_run_case SET outcome = $3, reason = $4, counts = $5::jsonb "
        "WHERE run_id = $1 AND case_ref = $2",
        run_id,
        case_id,
        outcome,
        reason,
        None if counts is None else msgspec.json.encode(counts).decode(),
    )


async def pending_cases(run_id: uuid.UUID, limit: int) -> list[RunCaseRow]:
    """The next ``limit`` cases of the run with no outcome yet (a batch)."""
    rows = await conn().fetch(
        "SELECT case_ref AS hovedsag_id, case_number, outcome, reason FROM retention_run_case "
        "WHERE run_id = $1 AND outcome IS NULL ORDER BY case_number, case_ref LIMIT $2",
        run_id,
        limit,
    )
    return [RunCaseRow(**dict(r)) for r in rows]


async def run_counts(run_id: uuid.UUID) -> tuple[int, int]:
    """(cases in the run, cases with an outcome)."""
    row = await conn().fetchrow(
        "SELECT count(*) AS total, count(outcome) AS done FROM retention_run_case "
        "WHERE run_id = $1",
        run_id,
    )
    assert row is not None
    return int(row["total"]), int(row["done"])


async def add_batch(run_id: uuid.UUID, deleted: int, refused: int) -> None:
    await conn().execute(
        "UPDATE retention_run SET batches = batches + 1, deleted = deleted + $2, "
        "refused = refused + $3 WHERE id = $1",
        run_id,
        deleted,
        refused,
    )


async def finish_run(run_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE retention_run SET status = 'faerdig', finished_at = now() WHERE id = $1",
        run_id,
    )


def savepoint() -> Any:
    """A savepoint of the job's transaction: one case is deleted whole or not at all."""
    return conn().transaction()
