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

from backend.core.danish import today_dk
from backend.core.db import conn
from backend.core.workdays import add_months

MAX_YEARS = 20


@dataclass(frozen=True)
class Line:
    """A line to cost: ``key`` is the offer (priced from its rows) or the bevilling (priced
    from its own rows), see ``project``'s ``source``."""

    key: uuid.UUID
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


def rate_start(starts_on: date, today: date) -> date:
    """Where the yearly rate of a line counts from: its start, or today once it has
    started (a running bevilling's rate is what it costs from now on)."""
    return max(starts_on, today)


def per_month_of(per_year: int) -> int:
    return (per_year + 6) // 12 if per_year >= 0 else -((-per_year + 6) // 12)


# The price rows a line is priced from: the offer's (a projection, a draft) or the
# bevilling's own (copied from the offer when granted). The same columns either way.
_PRICES = {
    "offer": "SELECT offer_id AS key, valid_from, valid_to, amount_oere FROM offer_price "
    "WHERE retired_at IS NULL AND offer_id = ANY($2::uuid[])",
    "bevilling": "SELECT bevilling_id AS key, valid_from, valid_to, amount_oere "
    "FROM bevilling_price WHERE retired_at IS NULL AND bevilling_id = ANY($2::uuid[])",
}

# For each line (idx) and window: 'year' is the rate window (12 months from
# ``rate_start``, ignoring the planned end, one-offs excluded); 'plan' is the start to the
# planned end (or the first 12 months when open-ended). Only the prices of the line's own
# period count: a row starting after the planned end is ignored and the row in force on
# the planned end continues past it (in the rate window) — so a bevilling, whose rows are
# copied over its period only, has the same rate as the draft it was granted from.
_PROJECT = """
WITH l AS (
    SELECT * FROM unnest($1::int[], $2::uuid[], $3::text[], $4::numeric[], $5::date[],
                         $6::date[], $7::date[], $8::date[], $9::date[])
        AS l(idx, key, frequency, quantity, starts_on, ends_on, rate_from, rate_end, plan_end)
), w AS (
    SELECT l.*, 'year' AS win, l.rate_from AS win_start, l.rate_end AS win_end
    FROM l WHERE l.frequency <> 'once'
    UNION ALL
    SELECT l.*, 'plan', l.starts_on, l.plan_end FROM l
), p AS (PRICES), seg AS (
    SELECT w.idx, w.win, w.frequency, w.quantity, w.starts_on, p.amount_oere,
           greatest(p.valid_from, w.win_start) AS a,
           least(CASE WHEN w.ends_on IS NOT NULL
                       AND (p.valid_to IS NULL OR p.valid_to >= w.ends_on)
                      THEN w.win_end ELSE p.valid_to END, w.win_end) AS b
    FROM w JOIN p ON p.key = w.key
     AND p.valid_from <= least(w.win_end, coalesce(w.ends_on, w.win_end))
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
WHERE seg.a <= seg.b
GROUP BY seg.idx, seg.win, m.month
ORDER BY seg.idx, seg.win, m.month
"""


async def project(
    lines: list[Line], *, source: str = "offer", today: date | None = None
) -> list[LineCost]:
    """The figures of each line (docs/money.md, "The cost convention"): the single cost
    model of the visitation, the approval and the granted bevilling. ``source`` says where
    the prices come from: ``offer`` (``Line.key`` is the offer) or ``bevilling`` (its own
    rows). The yearly rate counts from ``rate_start(starts_on, today)``; ``today`` is
    Denmark's today unless given."""
    if not lines:
        return []
    if today is None:
        today = today_dk()
    rate_from = [rate_start(ln.starts_on, today) for ln in lines]
    rows = await conn().fetch(
        _PROJECT.replace("PRICES", _PRICES[source]),
        list(range(len(lines))),
        [ln.key for ln in lines],
        [ln.frequency for ln in lines],
        [ln.quantity for ln in lines],
        [ln.starts_on for ln in lines],
        [ln.ends_on for ln in lines],
        rate_from,
        [year_end(r) for r in rate_from],
        [ln.ends_on or year_end(ln.starts_on) for ln in lines],
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


def bevilling_line(b: Any) -> Line:
    """A bevilling as a line of the cost model: its period runs to the earlier of its
    planned end and the measure's end (``ends_on`` of ``repository.bevillinger``)."""
    return Line(b["id"], b["frequency"], b["quantity"], b["period_from"], b["ends_on"])


async def bevilling_costs(bevillinger: list[Any], today: date | None = None) -> list[LineCost]:
    """The figures of each bevilling (rows with ``id``, ``frequency``, ``quantity``,
    ``period_from`` and ``ends_on``) from its own prices: ``project`` with
    ``source="bevilling"``, so a granted bevilling shows what its draft showed. A bevilling
    that has ended has no ongoing rate."""
    if today is None:
        today = today_dk()
    out = await project([bevilling_line(b) for b in bevillinger], source="bevilling", today=today)
    for b, cost in zip(bevillinger, out, strict=True):
        if b["ends_on"] is not None and b["ends_on"] < today:
            cost.per_year = cost.per_month = 0
    return out
