"""Queries of expected against actual spending, summed per group key over a period."""

from __future__ import annotations

import uuid
from datetime import date

from backend.core.db import conn


def _expected_sql(key: str, team_filter: str) -> str:
    """Expected cost per ``key`` over [$1, $2] (``team_filter`` may use $3)."""
    return f"""
    SELECT {key} AS key, sum(m.cost)::bigint AS expected
    FROM bevilling b JOIN indsats i ON i.id = b.indsats_id
    JOIN hovedsag h ON h.id = b.hovedsag_id
    JOIN bevilling_price p ON p.bevilling_id = b.id AND p.retired_at IS NULL
    CROSS JOIN LATERAL money_months(
        b.frequency, b.quantity, p.amount_oere, b.period_from,
        greatest(p.valid_from, b.period_from, $1::date),
        least(coalesce(p.valid_to, 'infinity'), coalesce(b.period_to, 'infinity'),
              coalesce(i.ends_on, 'infinity'), $2::date)) m
    WHERE b.period_from <= $2 AND (b.period_to IS NULL OR b.period_to >= $1)
      AND (i.ends_on IS NULL OR i.ends_on >= $1)
      AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $1) {team_filter}
    GROUP BY 1
    """


def _actual_sql(key: str, team_filter: str) -> str:
    return f"""
    SELECT {key} AS key, sum(y.amount_oere)::bigint AS actual
    FROM payment y JOIN bevilling b ON b.id = y.bevilling_id
    JOIN hovedsag h ON h.id = b.hovedsag_id
    WHERE y.status IN ('godkendt', 'eksporteret') AND y.period_from BETWEEN $1 AND $2
      {team_filter}
    GROUP BY 1
    """


def _team_args(
    period_from: date, period_to: date, team_ids: list[uuid.UUID] | None
) -> tuple[str, list[object]]:
    team_filter = "" if team_ids is None else "AND h.team_id = ANY($3::uuid[])"
    args: list[object] = [period_from, period_to] + ([] if team_ids is None else [team_ids])
    return team_filter, args


async def sum_expected(
    key: str, period_from: date, period_to: date, team_ids: list[uuid.UUID] | None
) -> dict[str | None, int]:
    """The bevillinger's expected cost per ``key`` (an SQL expression of ``b``/``h``, from
    ``spending.GROUPS``) over the period, optionally for the cases of ``team_ids``."""
    team_filter, args = _team_args(period_from, period_to, team_ids)
    rows = await conn().fetch(_expected_sql(key, team_filter), *args)
    return {r["key"]: r["expected"] for r in rows}


async def sum_actual(
    key: str, period_from: date, period_to: date, team_ids: list[uuid.UUID] | None
) -> dict[str | None, int]:
    """Approved and exported payments per ``key``, by the day a payment's period starts."""
    team_filter, args = _team_args(period_from, period_to, team_ids)
    rows = await conn().fetch(_actual_sql(key, team_filter), *args)
    return {r["key"]: r["actual"] for r in rows}


async def list_child_names(case_ids: list[uuid.UUID]) -> dict[str, str]:
    """The child's name of each case, by the case id as text."""
    rows = await conn().fetch(
        "SELECT h.id::text AS k, c.first_name || ' ' || c.last_name AS v FROM hovedsag h "
        "JOIN child c ON c.id = h.child_id WHERE h.id = ANY($1::uuid[])",
        case_ids,
    )
    return {r["k"]: r["v"] for r in rows}


async def list_team_names(team_ids: list[uuid.UUID]) -> dict[str, str]:
    rows = await conn().fetch(
        "SELECT id::text AS k, name AS v FROM team WHERE id = ANY($1::uuid[])", team_ids
    )
    return {r["k"]: r["v"] for r in rows}


async def list_supplier_names(supplier_ids: list[uuid.UUID]) -> dict[str, str]:
    rows = await conn().fetch(
        "SELECT id::text AS k, name AS v FROM supplier WHERE id = ANY($1::uuid[])", supplier_ids
    )
    return {r["k"]: r["v"] for r in rows}
