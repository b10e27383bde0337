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

from backend.core.errors import FieldError
from backend.money.catalogue import MEASURE_TYPES
from backend.money.repositories import spending as repo
from backend.money.schemas import SpendingRow

GROUPS = {
    "case": ("b.hovedsag_id::text", "Sag"),
    "team": ("h.team_id::text", "Team"),
    "measure": ("b.measure_kind", "Indsatstype"),
    "supplier": ("b.supplier_id::text", "Leverandør"),
}


async def labels(group_by: str, keys: list[str]) -> dict[str, str]:
    if group_by == "measure":
        return {k: MEASURE_TYPES[k].label if k in MEASURE_TYPES else k for k in keys}
    ids = [uuid.UUID(k) for k in keys if k]
    if group_by == "case":
        return await repo.list_child_names(ids)
    if group_by == "team":
        return await repo.list_team_names(ids)
    return await repo.list_supplier_names(ids)


async def spending(
    group_by: str, period_from: date, period_to: date, team_ids: list[uuid.UUID] | None
) -> list[SpendingRow]:
    if group_by not in GROUPS:
        raise FieldError("group_by", "Vælg gruppering: sag, team, indsatstype eller leverandør")
    if period_to < period_from:
        raise FieldError("period_to", "Perioden kan ikke slutte, før den begynder")
    if (period_to - period_from).days > 3 * 366:
        raise FieldError("period_to", "Vælg en periode på højst tre år")
    key = GROUPS[group_by][0]
    expected = await repo.sum_expected(key, period_from, period_to, team_ids)
    actual = await repo.sum_actual(key, period_from, period_to, team_ids)
    keys = sorted(set(expected) | set(actual), key=lambda k: (k is None, k or ""))
    names = await labels(group_by, [k for k in keys if k])
    rows = [
        SpendingRow(
            key=k,
            label=names.get(k, "Uden team" if group_by == "team" else "–") if k else "Uden team",
            expected_oere=int(expected.get(k, 0)),
            actual_oere=int(actual.get(k, 0)),
            difference_oere=int(actual.get(k, 0)) - int(expected.get(k, 0)),
        )
        for k in keys
    ]
    rows.sort(key=lambda r: -r.expected_oere)
    return rows
