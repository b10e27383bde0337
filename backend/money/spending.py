"""Expected against actual spending, grouped by case, team, measure type or supplier.

Expected: what the bevillinger cost over the period from their own price rows (the cost
convention of ``money_months``; each month's part of a price period rounded once).
Actual: approved and exported payments whose period starts in the period (a payment
counts where it starts).
Optionally limited to the cases of some teams (a manager's own).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from backend.core.db import conn
from backend.core.errors import FieldError
from backend.money.catalogue import MEASURE_TYPES

GROUPS = {
    "case": ("b.hovedsag_id::text", "Sag"),
    "team": ("h.team_id::text", "Team"),
    "measure": ("b.measure_kind", "Indsatstype"),
    "supplier": ("b.supplier_id::text", "Leverandør"),
}


def expected_sql(key: str, team_filter: str) -> str:
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


def actual_sql(key: str, team_filter: str) -> str:
    return f"""
    SELECT {key} AS key, sum(y.amount_oere)::bigint AS actual
    FROM payment y JOIN bevilling b ON b.id = y.bevilling_id
    JOIN hovedsag h ON h.id = b.hovedsag_id
    WHERE y.status IN ('godkendt', 'eksporteret') AND y.period_from BETWEEN $1 AND $2
      {team_filter}
    GROUP BY 1
    """


async def labels(group_by: str, keys: list[str]) -> dict[str, str]:
    c = conn()
    ids = [uuid.UUID(k) for k in keys if k and group_by != "measure"]
    if group_by == "measure":
        return {k: MEASURE_TYPES[k].label if k in MEASURE_TYPES else k for k in keys}
    if group_by == "case":
        rows = await c.fetch(
            "SELECT h.id::text AS k, c.first_name || ' ' || c.last_name AS v FROM hovedsag h "
            "JOIN child c ON c.id = h.child_id WHERE h.id = ANY($1::uuid[])",
            ids,
        )
    elif group_by == "team":
        rows = await c.fetch(
            "SELECT id::text AS k, name AS v FROM team WHERE id = ANY($1::uuid[])", ids
        )
    else:
        rows = await c.fetch(
            "SELECT id::text AS k, name AS v FROM supplier WHERE id = ANY($1::uuid[])", ids
        )
    return {r["k"]: r["v"] for r in rows}


async def spending(
    group_by: str, period_from: date, period_to: date, team_ids: list[uuid.UUID] | None
) -> list[dict[str, Any]]:
    if group_by not in GROUPS:
        raise FieldError("group_by", "Vælg gruppering: sag, team, indsatstype eller leverandør")
    if period_to < period_from:
        raise FieldError("period_to", "Perioden kan ikke slutte, før den begynder")
    if (period_to - period_from).days > 3 * 366:
        raise FieldError("period_to", "Vælg en periode på højst tre år")
    key = GROUPS[group_by][0]
    team_filter = "" if team_ids is None else "AND h.team_id = ANY($3::uuid[])"
    args: list[Any] = [period_from, period_to] + ([] if team_ids is None else [team_ids])
    c = conn()
    expected = {
        r["key"]: r["expected"] for r in await c.fetch(expected_sql(key, team_filter), *args)
    }
    actual = {r["key"]: r["actual"] for r in await c.fetch(actual_sql(key, team_filter), *args)}
    keys = sorted(set(expected) | set(actual), key=lambda k: (k is None, k or ""))
    names = await labels(group_by, [k for k in keys if k])
    rows = [
        {
            "key": k,
            "label": names.get(k, "Uden team" if group_by == "team" else "–") if k else "Uden team",
            "expected_oere": int(expected.get(k, 0)),
            "actual_oere": int(actual.get(k, 0)),
        }
        for k in keys
    ]
    for r in rows:
        r["difference_oere"] = r["actual_oere"] - r["expected_oere"]
    rows.sort(key=lambda r: -r["expected_oere"])
    return rows
