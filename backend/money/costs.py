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

from backend.core.danish import today_dk
from backend.core.workdays import add_months
from backend.money.repositories import costs as repo

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
    rows = await repo.list_projected_months(
        source,
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


def _assemble(lines: list[Line], rows: list[repo.ProjectedMonth]) -> list[LineCost]:
    out = [LineCost() for _ in lines]
    plan_days = [0] * len(lines)
    for r in rows:
        cost = out[r.idx]
        if r.win == "year":
            cost.per_year += r.cost
        else:
            cost.months.append((r.month, r.cost))
            plan_days[r.idx] += r.priced_days
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


async def bevilling_months(
    bevilling_ids: list[uuid.UUID], a: date, b: date
) -> dict[uuid.UUID, list[tuple[date, int]]]:
    out: dict[uuid.UUID, list[tuple[date, int]]] = defaultdict(list)
    if not bevilling_ids or b < a:
        return out
    for bevilling_id, month, cost in await repo.list_bevilling_months(bevilling_ids, a, b):
        out[bevilling_id].append((month, cost))
    return out


async def bevilling_costs(bevillinger: list[Line], today: date | None = None) -> list[LineCost]:
    """The figures of each bevilling (a ``Line`` keyed by the bevilling; its ``ends_on`` is
    the earlier of its planned end and the measure's end) from its own prices: ``project``
    with ``source="bevilling"``, so a granted bevilling shows what its draft showed. A
    bevilling that has ended has no ongoing rate."""
    if today is None:
        today = today_dk()
    out = await project(bevillinger, source="bevilling", today=today)
    for b, cost in zip(bevillinger, out, strict=True):
        if b.ends_on is not None and b.ends_on < today:
            cost.per_year = cost.per_month = 0
    return out
