"""The cost convention (``money_cost``/``money_months``, migration 0011) and the projection
built on it: day prices × actual days, a week is 7 days, a month is the calendar month (a
part month by its share of days), a one-off once on the start date; month boundaries and
leap years; each line's month rounded once, half away from zero."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from backend.db import DB
from backend.money import costs
from tenancy.context import tenant_transaction
from tests.money.conftest import A


async def _cost(freq: str, q: str, amount: int, start: date, a: date, b: date) -> int:
    async with tenant_transaction(DB, A) as scope:
        value: int = await scope.connection.fetchval(
            "SELECT money_cost($1, $2::numeric, $3, $4, $5, $6)", freq, q, amount, start, a, b
        )
    return value


async def _months(freq: str, q: str, amount: int, start: date, a: date, b: date) -> list:
    async with tenant_transaction(DB, A) as scope:
        rows = await scope.connection.fetch(
            "SELECT month, cost FROM money_months($1, $2::numeric, $3, $4, $5, $6) ORDER BY month",
            freq,
            q,
            amount,
            start,
            a,
            b,
        )
    return [(r["month"], r["cost"]) for r in rows]


async def test_day_prices_count_the_actual_days_leap_february_included(app):
    assert (
        await _cost("day", "1", 1000, date(2024, 2, 1), date(2024, 2, 1), date(2024, 2, 29))
        == 29000
    )
    assert (
        await _cost("day", "1", 1000, date(2023, 2, 1), date(2023, 2, 1), date(2023, 2, 28))
        == 28000
    )
    assert (
        await _cost("day", "2.5", 1000, date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 31))
        == 77500
    )


async def test_a_week_is_seven_days(app):
    # 31 days of a weekly 700 kr. = 31/7 weeks
    cost = await _cost("week", "1", 70000, date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 31))
    assert cost == 310000
    # 4 hours a week at 895 kr./hour over 10 days: 4 × 89500 × 10 / 7 = 511,428.57 øre
    cost = await _cost("week", "4", 89500, date(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 10))
    assert cost == 511429
    # Negative amounts (a price change's difference) round away from zero too.
    cost = await _cost("week", "4", -89500, date(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 10))
    assert cost == -511429


async def test_a_month_price_is_the_calendar_month_and_a_part_month_its_share(app):
    whole = await _cost(
        "month", "1", 2900000, date(2024, 2, 1), date(2024, 2, 1), date(2024, 2, 29)
    )
    assert whole == 2900000  # the same for 29 days as for 31
    march = await _cost(
        "month", "1", 2900000, date(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 31)
    )
    assert march == 2900000
    half = await _cost(
        "month", "1", 2900000, date(2024, 2, 1), date(2024, 2, 16), date(2024, 2, 29)
    )
    assert half == 2900000 * 14 // 29
    # Half an øre rounds away from zero: 14 of 28 days of 1 øre.
    assert await _months(
        "month", "1", 1, date(2023, 2, 1), date(2023, 2, 15), date(2023, 2, 28)
    ) == [(date(2023, 2, 1), 1)]


async def test_a_one_off_is_paid_once_on_the_start_date(app):
    start = date(2024, 5, 17)
    assert await _cost("once", "1", 650000, start, date(2024, 5, 1), date(2024, 5, 31)) == 650000
    assert await _cost("once", "1", 650000, start, date(2024, 6, 1), date(2024, 6, 30)) == 0
    months = await _months("once", "1", 650000, start, start, date(2024, 8, 31))
    assert [c for _, c in months] == [650000, 0, 0, 0]


async def test_periods_are_split_at_month_boundaries_and_each_month_rounded(app):
    months = await _months("day", "1", 100, date(2024, 1, 20), date(2024, 1, 20), date(2024, 3, 10))
    assert months == [
        (date(2024, 1, 1), 1200),  # 20-31 January: 12 days
        (date(2024, 2, 1), 2900),  # leap February
        (date(2024, 3, 1), 1000),  # 1-10 March
    ]
    # Across the new year, monthly price: 16/31 of December and 15/31 of January.
    months = await _months(
        "month", "1", 3100, date(2024, 12, 16), date(2024, 12, 16), date(2025, 1, 15)
    )
    assert months == [(date(2024, 12, 1), 1600), (date(2025, 1, 1), 1500)]
    assert (
        await _months("day", "1", 100, date(2024, 1, 1), date(2024, 2, 1), date(2024, 1, 31)) == []
    )
    # 1 øre a week over three whole months: 31/7, 29/7, 31/7 rounded month by month.
    months = await _months("week", "1", 1, date(2024, 1, 1), date(2024, 1, 1), date(2024, 3, 31))
    assert [c for _, c in months] == [4, 4, 4]
    assert await _cost("week", "1", 1, date(2024, 1, 1), date(2024, 1, 1), date(2024, 3, 31)) == 12


def test_the_year_window_and_the_monthly_rate():
    assert costs.year_end(date(2024, 1, 1)) == date(2024, 12, 31)
    assert costs.year_end(date(2024, 2, 29)) == date(2025, 2, 27)  # 28 Feb 2025 minus a day
    assert costs.year_end(date(2023, 3, 1)) == date(2024, 2, 29)
    assert costs.per_month_of(1200) == 100
    assert costs.per_month_of(1206) == 101  # 100.5 rounds up
    assert costs.per_month_of(1205) == 100
    assert costs.per_month_of(-1206) == -101


@pytest.fixture
async def priced_offer(app) -> uuid.UUID:
    """An offer (day price 1,000.00 kr., then 1,100.00 kr. from 1 March 2024) written
    directly, for projections in the past."""
    async with tenant_transaction(DB, A) as scope:
        c = scope.connection
        supplier = await c.fetchval(
            "INSERT INTO supplier (name, kind, created_by) VALUES ('Costs test', 'plejefamilie', "
            "'test') RETURNING id"
        )
        offer_id: uuid.UUID = await c.fetchval(
            "INSERT INTO offer (supplier_id, name, measure_kind, unit, created_by) "
            "VALUES ($1, 'Døgn', 'plejefamilie', 'day', 'test') RETURNING id",
            supplier,
        )
        await c.execute(
            "INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, created_by) "
            "VALUES ($1, '2023-01-01', '2024-02-29', 100000, 'test'), "
            "($1, '2024-03-01', NULL, 110000, 'test')",
            offer_id,
        )
    return offer_id


async def test_projection_of_a_line_over_a_leap_year_with_a_price_change(priced_offer):
    line = costs.Line(priced_offer, "day", Decimal(1), date(2024, 2, 15), date(2024, 4, 10))
    async with tenant_transaction(DB, A):
        [c] = await costs.project([line], today=date(2022, 1, 1))
        total = costs.totals([line], [c])
    # Rate: 15-29 Feb at 1,000 (15 days) + 1 Mar 2024 - 14 Feb 2025 at 1,100 (351 days).
    assert c.per_year == 15 * 100000 + 351 * 110000
    assert c.per_month == costs.per_month_of(c.per_year)
    assert c.months == [
        (date(2024, 2, 1), 15 * 100000),
        (date(2024, 3, 1), 31 * 110000),
        (date(2024, 4, 1), 10 * 110000),
    ]
    assert c.until_end == 15 * 100000 + 41 * 110000
    assert c.unpriced_days == 0 and c.one_off == 0
    assert total.per_year == c.per_year and total.until_end == c.until_end


async def test_days_without_a_price_are_counted_not_costed(priced_offer):
    line = costs.Line(priced_offer, "day", Decimal(1), date(2022, 12, 20), date(2023, 1, 10))
    async with tenant_transaction(DB, A):
        [c] = await costs.project([line], today=date(2022, 1, 1))
    assert c.unpriced_days == 12  # 20-31 December 2022
    assert c.until_end == 10 * 100000
    open_ended = costs.Line(priced_offer, "week", Decimal(2), date(2024, 3, 1), None)
    async with tenant_transaction(DB, A):
        [c] = await costs.project([open_ended], today=date(2022, 1, 1))
    assert c.until_end is None
    assert len(c.months) == 12  # the first 12 months are shown
    assert c.per_year == sum(a for _, a in c.months)
