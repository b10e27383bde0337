"""What measures cost: projections for composed measures (priced from the offers' price
rows) and for bevillinger (priced from their own rows).

The convention per unit lives in one place, the SQL function ``money_cost`` (migration
0011): day prices × the actual days in each month, a week is 7 days, a month price is the
calendar month (a part month by its share of days), a one-off is paid once on the start
date. Periods are split at month boundaries (``money_months``) and each month's part of a
price period is rounded to whole øre (half away from zero) before anything is added up;
prices change on the 1st as a rule, so that is each line's month. Everything here calls
those functions.

Figures of a line (docs/money.md):
- ``per_year``: the ongoing cost of the 12 months from the start (the planned end is
  ignored: it is a rate), one-offs excluded;
- ``per_month``: ``per_year`` / 12, rounded;
- ``one_off``: one-off amounts;
- ``until_end``: everything from the start to the planned end (``None`` when open-ended);
- ``months``: each calendar month from the start to the planned end (or, open-ended, the
  first 12 months), one-offs included;
- ``unpriced_days``: days of that period no active price covers (not costed).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from backend.casework.workdays import add_months
from backend.money.common import conn

MAX_YEARS = 20


@dataclass(frozen=True)
class Line:
    offer_id: uuid.UUID
    frequency: str
    quantity: Decimal
    starts_on: date
    ends_on: date | None


@dataclass
class LineCost:
    per_month: int = 0
    per_year: int = 0
    one_off: int = 0
    until_end: int | None = None
    months: list[tuple[date, int]] = field(default_factory=list)
    unpriced_days: int = 0


@dataclass
class Totals:
    per_month: int
    per_year: int
    one_off: int
    until_end: int | None
    months: list[tuple[date, int]]
    unpriced_days: int


def year_end(start: date) -> date:
    """The last day of the 12 months from ``start``."""
    return add_months(start, 12) - timedelta(days=1)


def per_month_of(per_year: int) -> int:
    return (per_year + 6) // 12 if per_year >= 0 else -((-per_year + 6) // 12)


# For each line (idx) and window: 'year' is the rate window (12 months from the start,
# ignoring the end, one-offs excluded); 'plan' is the start to the planned end (or the
# first 12 months when open-ended).
_PROJECT = """
WITH l AS (
    SELECT * FROM unnest($1::int[], $2::uuid[], $3::text[], $4::numeric[], $5::date[],
                         $6::date[], $7::date[])
        AS l(idx, offer_id, frequency, quantity, starts_on, ends_on, year_end)
), w AS (
    SELECT l.*, 'year' AS win, l.year_end AS win_end FROM l WHERE l.frequency <> 'once'
    UNION ALL
    SELECT l.*, 'plan', coalesce(l.ends_on, l.year_end) FROM l
), seg AS (
    SELECT w.idx, w.win, w.frequency, w.quantity, w.starts_on, p.amount_oere,
           greatest(p.valid_from, w.starts_on) AS a,
           least(coalesce(p.valid_to, w.win_end), w.win_end) AS b
    FROM w JOIN offer_price p ON p.offer_id = w.offer_id AND p.retired_at IS NULL
     AND p.valid_from <= w.win_end AND (p.valid_to IS NULL OR p.valid_to >= w.starts_on)
)
SELECT seg.idx, seg.win, m.month, sum(m.cost)::bigint AS cost,
       sum(CASE WHEN seg.frequency = 'once' THEN 1 ELSE m.b_days END)::int AS priced_days
FROM seg, LATERAL (
    SELECT mm.month, mm.cost,
           least((mm.month + interval '1 month')::date - 1, seg.b)
             - greatest(mm.month, seg.a) + 1 AS b_days
    FROM money_months(seg.frequency, seg.quantity, seg.amount_oere, seg.starts_on,
                      seg.a, seg.b) mm
) m
GROUP BY seg.idx, seg.win, m.month
ORDER BY seg.idx, seg.win, m.month
"""


async def project(lines: list[Line]) -> list[LineCost]:
    """The figures of each line, priced from its offer's active price rows."""
    if not lines:
        return []
    rows = await conn().fetch(
        _PROJECT,
        list(range(len(lines))),
        [ln.offer_id for ln in lines],
        [ln.frequency for ln in lines],
        [ln.quantity for ln in lines],
        [ln.starts_on for ln in lines],
        [ln.ends_on for ln in lines],
        [year_end(ln.starts_on) for ln in lines],
    )
    return _assemble(lines, rows)


def _assemble(lines: list[Line], rows: list[Any]) -> list[LineCost]:
    out = [LineCost() for _ in lines]
    plan_days = [0] * len(lines)
    for r in rows:
        cost = out[r["idx"]]
        if r["win"] == "year":
            cost.per_year += r["cost"]
        else:
            cost.months.append((r["month"], r["cost"]))
            plan_days[r["idx"]] += r["priced_days"]
    for i, ln in enumerate(lines):
        cost = out[i]
        total = sum(c for _, c in cost.months)
        if ln.frequency == "once":
            cost.one_off = total
            cost.unpriced_days = 0 if plan_days[i] else 1
        else:
            end = ln.ends_on or year_end(ln.starts_on)
            cost.unpriced_days = max(0, (end - ln.starts_on).days + 1 - plan_days[i])
        cost.per_month = per_month_of(cost.per_year)
        cost.until_end = total if ln.ends_on is not None else None
    return out


def totals(lines: list[Line], costs: list[LineCost]) -> Totals:
    months: dict[date, int] = defaultdict(int)
    for c in costs:
        for month, amount in c.months:
            months[month] += amount
    per_year = sum(c.per_year for c in costs)
    return Totals(
        per_month=per_month_of(per_year),
        per_year=per_year,
        one_off=sum(c.one_off for c in costs),
        until_end=None
        if any(ln.ends_on is None and ln.frequency != "once" for ln in lines)
        else sum(c.until_end or 0 for c in costs),
        months=sorted(months.items()),
        unpriced_days=sum(c.unpriced_days for c in costs),
    )


# Bevillinger: each month of [a, b] for the given bevillinger, from their active price
# rows, within their period (the planned end and the measure's end).
_BEVILLING_MONTHS = """
SELECT b.id AS bevilling_id, m.month, sum(m.cost)::bigint AS cost
FROM bevilling b JOIN indsats i ON i.id = b.indsats_id
JOIN bevilling_price p ON p.bevilling_id = b.id AND p.retired_at IS NULL
CROSS JOIN LATERAL money_months(
    b.frequency, b.quantity, p.amount_oere, b.period_from,
    greatest(p.valid_from, b.period_from, $2::date),
    least(coalesce(p.valid_to, 'infinity'), coalesce(b.period_to, 'infinity'),
          coalesce(i.ends_on, 'infinity'), $3::date)) m
WHERE b.id = ANY($1::uuid[])
GROUP BY b.id, m.month ORDER BY b.id, m.month
"""


async def bevilling_months(
    bevilling_ids: list[uuid.UUID], a: date, b: date
) -> dict[uuid.UUID, list[tuple[date, int]]]:
    out: dict[uuid.UUID, list[tuple[date, int]]] = defaultdict(list)
    if not bevilling_ids or b < a:
        return out
    for r in await conn().fetch(_BEVILLING_MONTHS, bevilling_ids, a, b):
        out[r["bevilling_id"]].append((r["month"], r["cost"]))
    return out


async def bevilling_rates(bevilling_ids: list[uuid.UUID], on: date) -> dict[uuid.UUID, int]:
    """The ongoing yearly cost of each bevilling from ``on`` (12 months, its own prices,
    ignoring its end: a rate), one-offs excluded."""
    if not bevilling_ids:
        return {}
    rows = await conn().fetch(
        "SELECT b.id, sum(m.cost)::bigint AS cost FROM bevilling b "
        "JOIN bevilling_price p ON p.bevilling_id = b.id AND p.retired_at IS NULL "
        "CROSS JOIN LATERAL money_months(b.frequency, b.quantity, p.amount_oere, "
        "b.period_from, greatest(p.valid_from, $2::date), "
        "least(coalesce(p.valid_to, 'infinity'), $3::date)) m "
        "WHERE b.id = ANY($1::uuid[]) AND b.frequency <> 'once' GROUP BY b.id",
        bevilling_ids,
        on,
        year_end(on),
    )
    return {r["id"]: r["cost"] for r in rows}
