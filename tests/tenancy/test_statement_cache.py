"""The pool keeps statements prepared (backend/db.py): one text serves every kommune, and a
statement a migration made stale costs a GET nothing but a second try.

PostgreSQL parses a prepared statement again when the search_path differs from its last
use; were that ever not so, a kommune would read another's rows through a cached statement
(the kommune's role would then be refused by the database: the second line of defence).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from backend.db import DB
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import KOMMUNE_A, KOMMUNE_B, SPARE_REALM, AsUser, new_kommune

A, B = KOMMUNE_A[0], KOMMUNE_B[0]
COUNT = "SELECT count(*) FROM child"


@asynccontextmanager
async def _changed(registry, table: str, column: str, new: str, old: str) -> AsyncIterator[None]:  # type: ignore[no-untyped-def]
    """``column`` of ``table`` has type ``new`` inside (as a migration would do), ``old`` again
    after; then the pool starts afresh, so no other test meets a statement prepared here."""
    owner = await asyncpg.connect(registry.dsn)
    try:
        await owner.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {new}")
        try:
            yield
        finally:
            await owner.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {old}")
            assert DB.pool is not None
            await DB.pool.expire_connections()
    finally:
        await owner.close()


async def test_prepared_statements_read_each_kommunes_own_rows(seeded, registry):
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
            # The statement is prepared on this connection as this kommune's own (its text
            # names the kommune: backend/db.py KommuneStatements), not parsed afresh.
            prepared = await scope.connection.fetchval(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
                f"/* k{code} */ {COUNT}",
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
    async with _changed(registry, f"k{fresh_code}.team", "name", "varchar(300)", "text"):
        caplog.set_level(logging.INFO, logger="trekant.request")
        r = await c.get(f"/api/cases/{made.case_id}")
        assert r.status_code == 200, r.text
        assert r.json()["id"] == str(made.case_id)
        assert any("runs again" in rec.getMessage() for rec in caplog.records)


async def test_a_change_whose_cached_statement_went_stale_runs_again_once(
    registry, as_user: AsUser, fresh_code: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A POST too: its first try rolled back whole, and its body is given again."""
    await new_kommune(registry, fresh_code, "Cacheby")
    c = await as_user(fresh_code, "sagsbehandler", SPARE_REALM)
    made = await factories.child(c)
    for i in range(30):
        await factories.note(c, made.case_id, f"Notat {i}")
    notes = f"SELECT count(*) FROM k{fresh_code}.journal_entry WHERE title = $1"
    async with _changed(registry, f"k{fresh_code}.journal_entry", "id", "integer", "bigint"):
        caplog.set_level(logging.INFO, logger="trekant.request")
        # The note's INSERT … RETURNING id now returns an integer, not a bigint.
        r = await c.post(
            f"/api/cases/{made.case_id}/journal", json={"title": "Efter", "body": "Tekst"}
        )
        assert r.status_code == 201, r.text
        assert any("runs again" in rec.getMessage() for rec in caplog.records)
        owner = await asyncpg.connect(registry.dsn)
        try:
            assert await owner.fetchval(notes, "Efter") == 1  # written once
        finally:
            await owner.close()
