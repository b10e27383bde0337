"""Helpers across kommuner (logged-in clients are ``client`` from tests/conftest.py), and
running the outbox by hand.

Jobs are run in-process with the worker's own entry point (``run_outbox_job``), kommune by
kommune, until none is left: a job in one kommune may post the next step to another.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date, timedelta

import asyncpg
import httpx
import pytest

from backend.db import DB
from backend.demo import synthetic_cpr
from backend.outbox.tasks import run_outbox_job
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B, AsUser

A, B = KOMMUNE_A[0], KOMMUNE_B[0]
OURS = ("crosskommune.", "cross.", "audit.")

Client = AsUser  # the type of the ``client`` fixture


def cpr_for(seed: int, years: int = 8) -> str:
    birth = date.today() - timedelta(days=365 * years + seed % 300)
    return synthetic_cpr(random.Random(seed * 7919), birth)


async def drain(*codes: str, rounds: int = 12) -> list[tuple[str, str, str]]:
    """Run the pending cross-kommune, index and audit jobs of ``codes`` until none is left;
    return the failures (kommune, job, error)."""
    failures: list[tuple[str, str, str]] = []
    for _ in range(rounds):
        ran = 0
        for code in codes:
            async with tenant_transaction(DB, code) as scope:
                rows = await scope.connection.fetch(
                    "SELECT id, job FROM outbox WHERE done_at IS NULL AND attempts < 3 "
                    "ORDER BY created_at"
                )
            for r in rows:
                if not r["job"].startswith(OURS):
                    continue
                ran += 1
                try:
                    await run_outbox_job({}, code, str(r["id"]))
                except Exception as exc:
                    failures.append((code, r["job"], repr(exc)))
        if not ran:
            break
    return failures


async def fetch(code: str, sql: str, *args: object) -> list[asyncpg.Record]:
    async with tenant_transaction(DB, code) as scope:
        return list(await scope.connection.fetch(sql, *args))


async def val(code: str, sql: str, *args: object) -> object:
    async with tenant_transaction(DB, code) as scope:
        return await scope.connection.fetchval(sql, *args)


@pytest.fixture
async def owner(registry) -> AsyncIterator[asyncpg.Connection]:  # type: ignore[no-untyped-def]
    """The database owner (what an attacker with the database, or a DBA, could do)."""
    conn = await asyncpg.connect(registry.dsn)
    try:
        yield conn
    finally:
        await conn.close()


async def register(
    c: httpx.AsyncClient, cpr: str, first: str = "Ida", *, existing: bool = False, **extra: str
) -> dict:  # type: ignore[type-arg]
    """Register ``cpr`` in ``c``'s kommune: a new child (201), or with ``existing`` the
    child the kommune already has (200)."""
    body = {"cpr": cpr, "first_name": first, "last_name": "Flyttesen", "address": "Vej 1"}
    body.update(extra)
    r = await c.post("/api/children", json=body)
    assert r.status_code == (200 if existing else 201), r.text
    assert r.json()["existing"] is existing, r.text
    data: dict = r.json()  # type: ignore[type-arg]
    return data
