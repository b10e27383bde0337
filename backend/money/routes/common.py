"""What the money routes share: the Danish cost figures, a measure's label, a payment as
the API shows it, and the teams a manager's lists are scoped to."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TypeVar

import msgspec

from backend.casework.repository import reachable_team_ids, team_ids_of
from backend.core.errors import FieldError
from backend.core.permissions import Perm
from backend.core.principal import Principal
from backend.money import catalogue, costs, payments
from backend.money import repository as repo
from backend.money.schemas import (
    CostRead,
    MonthCost,
    PaymentRead,
)

_Read = TypeVar("_Read", bound=msgspec.Struct)


def read_as(kind: type[_Read], row: msgspec.Struct, **computed: object) -> _Read:
    """``row`` as the API shows it: the fields ``kind`` shares with the repository's row
    (same names, same types), plus the ``computed`` ones (labels, figures, nested reads)."""
    return msgspec.convert(msgspec.structs.asdict(row) | computed, kind)


def cost_read(c: costs.LineCost | costs.Totals) -> CostRead:
    return CostRead(
        per_month_oere=c.per_month,
        per_year_oere=c.per_year,
        one_off_oere=c.one_off,
        until_end_oere=c.until_end,
        months=[MonthCost(m.strftime("%Y-%m"), a) for m, a in c.months],
        unpriced_days=c.unpriced_days,
    )


def quantity_or_one(value: Decimal | None) -> Decimal:
    return Decimal(1) if value is None else value


def measure_label(kind: str) -> str:
    mt = catalogue.MEASURE_TYPES.get(kind)
    return mt.label if mt else kind


def payment_read(r: repo.PaymentRow) -> PaymentRead:
    return read_as(
        PaymentRead,
        r,
        measure_label=measure_label(r.measure_kind),
        status_label=payments.STATUS_LABELS[r.status],
    )


async def scope_teams(me: Principal, scope: str | None) -> list[uuid.UUID] | None:
    """``None`` (the whole kommune) or the manager's teams. Finance and kommune-wide MI
    see the kommune; a manager chooses, and sees their teams by default."""
    if scope not in (None, "", "teams", "kommune"):
        raise FieldError("scope", "Vælg teams eller kommune")
    reach = (
        await reachable_team_ids() if me.case_scope is not None else None
    )  # data restrictions: never beyond their teams
    if scope == "kommune" or Perm.CASE_APPROVE not in me.permissions:
        return reach
    teams = [t[0] for t in await team_ids_of(me.user_id)]
    if scope == "teams":
        return teams
    return teams or reach
