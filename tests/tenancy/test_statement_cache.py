"""The pool keeps statements prepared (backend/db.py): one text serves every kommune, and a
statement a migration made stale costs a GET nothing but a second try.

PostgreSQL parses a prepared statement again when the search_path differs from its last
use; were that ever not so, a kommune would read another's rows through a cached statement
(the kommune's role would then be refused by the database: the second line of defence).
"""

from __future__ import annotations

import logging

import asyncpg
import pytest

from backend.db import DB
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import KOMMUNE_A, KOMMUNE_B, SPARE_REALM, AsUser, new_kommune

A, B = KOMMUNE_A[0], KOMMUNE_B[0]
COUNT = "SELECT count(*) FROM child"


async def test_one_prepared_statement_reads_each_kommunes_own_rows(seeded, registry):
    owner = await asyncpg.connect(registry.dsn)
    try:
        truth = {
            A: await owner.fetchval(f"SELECT count(*) FROM k{A}.child"),
            B: await owner.fetchval(f"SELECT count(*) FROM k{B}.child"),
        }
    finally:
        await owner.close()
    assert truth[A] != truth[B]
    seen: list[tuple[str, int]] = []
    for code in (A, B, A, B, A):
        async with tenant_transaction(DB, code) as scope:
            count = await scope.connection.fetchval(COUNT)
            # The statement is prepared on this connection (not parsed afresh each time).
            prepared = await scope.connection.fetchval(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", COUNT
            )
            assert prepared == 1
        seen.append((code, count))
    assert seen == [(code, truth[code]) for code, _ in seen]


async def test_a_get_whose_cached_statement_went_stale_runs_again(
    registry, as_user: AsUser, fresh_code: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A migration changes the type of a column the case page returns (a rolling migration:
    the statement was prepared before it): the GET is answered as if nothing happened."""
    await new_kommune(registry, fresh_code, "Cacheby")
    c = await as_user(fresh_code, "sagsbehandler", SPARE_REALM)
    made = await factories.child(c)
    for _ in range(30):  # every pooled connection the requests use has the statement
        assert (await c.get(f"/api/cases/{made.case_id}")).status_code == 200
    owner = await asyncpg.connect(registry.dsn)
    try:
        await owner.execute(f"ALTER TABLE k{fresh_code}.team ALTER COLUMN name TYPE varchar(300)")
    finally:
        await owner.close()
    caplog.set_level(logging.INFO, logger="trekant.request")
    r = await c.get(f"/api/cases/{made.case_id}")
    assert r.status_code == 200, r.text
    assert r.json()["id"] == str(made.case_id)
    assert any("runs again" in rec.getMessage() for rec in caplog.records)


async def test_a_change_whose_cached_statement_went_stale_gets_503_and_nothing_is_written(
    registry, as_user: AsUser, fresh_code: str
) -> None:
    """A POST is not run again by the server (its body is read): it gets 503 with
    Retry-After, rolls back, and the next try works."""
    await new_kommune(registry, fresh_code, "Cacheby")
    c = await as_user(fresh_code, "sagsbehandler", SPARE_REALM)
    made = await factories.child(c)
    body = {"title": "Hjemmebesøg", "body": "Tekst"}
    for _ in range(30):
        r = await c.post(f"/api/cases/{made.case_id}/journal", json=body)
        assert r.status_code == 201, r.text
    owner = await asyncpg.connect(registry.dsn)
    try:
        before = await owner.fetchval(f"SELECT count(*) FROM k{fresh_code}.journal_entry")
        # The note's INSERT … RETURNING id now returns an integer, not a bigint.
        await owner.execute(f"ALTER TABLE k{fresh_code}.journal_entry ALTER COLUMN id TYPE integer")
        r = await c.post(f"/api/cases/{made.case_id}/journal", json=body)
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "1"
        assert await owner.fetchval(f"SELECT count(*) FROM k{fresh_code}.journal_entry") == before
        r = await c.post(f"/api/cases/{made.case_id}/journal", json=body)
        assert r.status_code == 201, r.text
    finally:
        await owner.close()
