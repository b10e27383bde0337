"""Helpers for the money and MI tests: the catalogue built through the API, measures and
bevillinger made fast, and running the outbox by hand (clients per role are the ``client``
fixture of tests/conftest.py)."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from backend.db import DB
from backend.demo import synthetic_cpr
from backend.money.demo import demo_cvr
from backend.outbox.tasks import run_outbox_job
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B
from tests.factories import child as new_child

A, B = KOMMUNE_A[0], KOMMUNE_B[0]
OURS = ("money.", "mi.")


async def run_jobs(code: str = A) -> list[tuple[str, str]]:
    """Run the pending money and MI jobs of ``code`` with the worker's entry point."""
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id, job FROM outbox WHERE done_at IS NULL ORDER BY created_at"
        )
    ran = []
    for r in rows:
        if r["job"].startswith(OURS):
            ran.append((r["job"], await run_outbox_job({}, code, str(r["id"]))))
    return ran


async def fetch(code: str, sql: str, *args: object) -> list[asyncpg.Record]:
    async with tenant_transaction(DB, code) as scope:
        return list(await scope.connection.fetch(sql, *args))


async def val(code: str, sql: str, *args: object) -> Any:
    async with tenant_transaction(DB, code) as scope:
        return await scope.connection.fetchval(sql, *args)


_counter = iter(range(1_000_000))


def cvr() -> str:
    """A CVR number with a valid check digit (some bases have none: try the next)."""
    while True:
        try:
            return demo_cvr(f"{random.Random(next(_counter) + 77).randint(1_000_000, 9_999_999)}")
        except ValueError:
            continue


async def supplier(fin: httpx.AsyncClient, name: str = "Familiecentret Test", **extra: Any) -> str:
    body = {"name": name, "kind": "privat_leverandoer", "cvr": cvr(), **extra}
    r = await fin.post("/api/money/suppliers", json=body)
    assert r.status_code == 201, r.text
    supplier_id: str = r.json()["id"]
    return supplier_id


async def offer(
    fin: httpx.AsyncClient,
    supplier_id: str,
    measure_kind: str,
    unit: str,
    amount_oere: int,
    valid_from: date,
    name: str | None = None,
) -> str:
    r = await fin.post(
        f"/api/money/suppliers/{supplier_id}/offers",
        json={
            "name": name or f"{measure_kind} {unit}",
            "measure_kind": measure_kind,
            "unit": unit,
            "first_price": {"valid_from": valid_from.isoformat(), "amount_oere": amount_oere},
        },
    )
    assert r.status_code == 201, r.text
    offer_id: str = r.json()["id"]
    return offer_id


def new_cpr(seed: int, years: int = 9) -> str:
    birth = date.today() - timedelta(days=365 * years + seed % 300)
    return synthetic_cpr(random.Random(seed * 104729), birth)


async def register(c: httpx.AsyncClient, seed: int, years: int = 9) -> dict[str, Any]:
    """A new child with an open case, ``years`` old (``seed`` only names the call: the
    CPR number is a fresh one from tests.factories, never another test's child)."""
    made = await new_child(c, years=years, last_name="Økonomisen")
    return made.answer


async def measures(
    code: str,
    offer_id: str,
    n: int,
    starts_on: date,
    *,
    quantity: Decimal = Decimal(1),
    frequency: str | None = None,
    kind: str | None = None,
) -> list[uuid.UUID]:
    """``n`` running measures (child, case, measure rows written directly) each with a
    bevilling of ``offer_id`` from ``starts_on``, through the money service."""
    from backend.money import visitation
    from backend.money.catalogue import check_frequency

    out = []
    async with tenant_transaction(DB, code) as scope:
        c = scope.connection
        o = await visitation.check_offer(uuid.UUID(offer_id), None, starts_on)
        mkind = kind or o.measure_kind
        for _ in range(n):
            seq = next(_counter)
            child = await c.fetchval(
                "INSERT INTO child (cpr, first_name, last_name, birth_date) "
                "VALUES ($1, 'Test', 'Barn', $2) RETURNING id",
                new_cpr(500_000 + seq),
                date(2015, 1, 1),
            )
            case = await c.fetchval(
                "INSERT INTO hovedsag (child_id, opened_at, stage) VALUES ($1, $2, 'indsats') "
                "RETURNING id",
                child,
                starts_on - timedelta(days=30),
            )
            es = await c.fetchval(
                "INSERT INTO enkeltsag (hovedsag_id, kind, paragraph) "
                "VALUES ($1, 'indsats', '32') RETURNING id",
                case,
            )
            indsats = await c.fetchval(
                "INSERT INTO indsats (hovedsag_id, enkeltsag_id, kind, paragraph, placement, "
                "starts_on, created_by) VALUES ($1, $2, $3, '32', false, $4, 'test') "
                "RETURNING id",
                case,
                es,
                mkind,
                starts_on,
            )
            out.append(
                await visitation.create_bevilling(
                    "test",
                    hovedsag_id=case,
                    indsats_id=indsats,
                    afgoerelse_id=None,
                    draft_line_id=None,
                    offer=o,
                    paragraph="32",
                    quantity=quantity,
                    frequency=check_frequency(o.unit, frequency),
                    period_from=starts_on,
                    period_to=None,
                    approved_by="test",
                    approved_at=None,
                )
            )
    return out


def first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


__all__ = ["A", "B"]
