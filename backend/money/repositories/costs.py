"""The cost model's queries (``backend.money.costs``): the priced months of composed lines
(from the offers' or the bevillinger's own price rows) and of bevillinger over a period.
Both run on ``money_months`` (tenant migration 0011), the one rounding convention."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import msgspec

from backend.core.db import conn


class ProjectedMonth(msgspec.Struct, frozen=True, array_like=True):
    """One month of one line (``idx``) in one window (``year`` or ``plan``)."""

    idx: int
    win: str
    month: date
    cost: int
    priced_days: int


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


async def list_projected_months(
    source: str,
    idx: list[int],
    keys: list[uuid.UUID],
    frequencies: list[str],
    quantities: list[Decimal],
    starts_on: list[date],
    ends_on: list[date | None],
    rate_from: list[date],
    rate_end: list[date],
    plan_end: list[date],
) -> list[ProjectedMonth]:
    """The priced months of each line; ``source`` ``offer`` (``keys`` are offers) or
    ``bevilling`` (``keys`` are bevillinger, priced from their own rows)."""
    rows = await conn().fetch(
        _PROJECT.replace("PRICES", _PRICES[source]),
        idx,
        keys,
        frequencies,
        quantities,
        starts_on,
        ends_on,
        rate_from,
        rate_end,
        plan_end,
    )
    return [ProjectedMonth(r[0], r[1], r[2], r[3], r[4]) for r in rows]


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


async def list_bevilling_months(
    bevilling_ids: list[uuid.UUID], a: date, b: date
) -> list[tuple[uuid.UUID, date, int]]:
    """(bevilling, month, cost) for each month of [a, b], in bevilling and month order."""
    rows = await conn().fetch(_BEVILLING_MONTHS, bevilling_ids, a, b)
    return [(r[0], r[1], r[2]) for r in rows]
