"""The demo kommune's money: a catalogue, a bevilling for each running demo measure and
payments, most of them exported; written through the real services, once."""

from __future__ import annotations

from backend.db import DB
from backend.demo import seed_casework
from backend.money.demo import seed_money
from tenancy.context import tenant_transaction
from tests.conftest import new_kommune
from tests.money.conftest import fetch, val


async def test_demo_money(registry, fresh_code, app):
    await new_kommune(registry, fresh_code, "Pengeby", children=30)
    await seed_casework(fresh_code, seed=3)
    assert await val(fresh_code, "SELECT count(*) FROM supplier") == 6
    running = await val(fresh_code, "SELECT count(*) FROM indsats WHERE ends_on IS NULL")
    bevillinger = await val(fresh_code, "SELECT count(*) FROM bevilling")
    assert running > 0 and bevillinger == running
    statuses = {
        r["status"]: r["n"]
        for r in await fetch(fresh_code, "SELECT status, count(*) AS n FROM payment GROUP BY 1")
    }
    assert statuses.get("eksporteret", 0) > 0 and set(statuses) <= {"eksporteret", "godkendt"}
    assert await val(fresh_code, "SELECT count(*) FROM payment_export") == 1
    prices = await fetch(
        fresh_code,
        "SELECT amount_oere FROM offer_price WHERE retired_at IS NULL AND valid_to IS NULL",
    )
    assert len(prices) == await val(fresh_code, "SELECT count(*) FROM offer")
    async with tenant_transaction(DB, fresh_code):
        assert await seed_money() == 0  # once
