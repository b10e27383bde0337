"""The audit of a request is written in its own transaction and sealed behind it.

A read's event commits with the read (or not at all); the sealing job chains every
committed event by hash, in the order it seals them, skipping none, even one that committed
after a later one was sealed; the kommune's role may seal an event once and change nothing.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from backend.audit.seal import seal_audit, seal_kommune
from backend.audit.service import record
from backend.audit.tasks import verify_chain
from backend.db import DB
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import KOMMUNE_A, AsUser

A = KOMMUNE_A[0]


class Rollback(Exception):
    pass


async def _events(marker: str) -> list[asyncpg.Record]:
    async with tenant_transaction(DB, A) as scope:
        rows: list[asyncpg.Record] = await scope.connection.fetch(
            "SELECT id, seq, hash, actor, detail FROM audit_event WHERE action = $1 ORDER BY id",
            marker,
        )
    return rows


async def test_a_case_read_is_audited_at_commit_and_sealed_by_the_worker(
    as_user: AsUser, http
) -> None:
    c = await as_user(A, "sagsbehandler")
    made = await factories.child(c)
    reads = "SELECT count(*) FROM audit_event WHERE action = 'case.read' AND subject = $1"
    async with tenant_transaction(DB, A) as scope:
        before = await scope.connection.fetchval(reads, str(made.case_id))
        outbox = await scope.connection.fetchval("SELECT count(*) FROM outbox")
    assert (await c.get(f"/api/cases/{made.case_id}")).status_code == 200
    async with tenant_transaction(DB, A) as scope:
        # There the moment the answer is: no job in between, and no outbox row for it.
        assert await scope.connection.fetchval(reads, str(made.case_id)) == before + 1
        assert await scope.connection.fetchval("SELECT count(*) FROM outbox") == outbox
    # Sealed by the worker's job, and then part of the chain.
    assert await seal_audit({}) >= 1
    # The operator sees how far the sealing is behind (nothing left: 0).
    metrics = (await http.get("/metrics")).text
    assert f'trekant_audit_unsealed_oldest_seconds{{kommune="{A}"}} 0.0' in metrics
    async with tenant_transaction(DB, A) as scope:
        unsealed = await scope.connection.fetchval(
            "SELECT count(*) FROM audit_event WHERE hash IS NULL"
        )
        assert unsealed == 0
        assert await verify_chain(scope) > 0


async def test_an_event_that_commits_late_is_sealed_after_the_later_ones(app) -> None:
    marker = f"late-{uuid.uuid4()}"
    early_written, late_may_commit = asyncio.Event(), asyncio.Event()

    async def early() -> None:  # the lower id, committed last
        async with tenant_transaction(DB, A):
            await record("test", marker, None, order="first-id")
            early_written.set()
            await late_may_commit.wait()

    task = asyncio.create_task(early())
    await early_written.wait()
    async with tenant_transaction(DB, A):
        await record("test", marker, None, order="second-id")
    await seal_kommune(A)  # sees only the second; the first is not committed
    late_may_commit.set()
    await task
    await seal_kommune(A)
    rows = await _events(marker)
    assert [r["detail"] for r in rows] == ['{"order": "first-id"}', '{"order": "second-id"}']
    first, second = rows
    assert first["hash"] is not None and second["hash"] is not None
    assert first["seq"] > second["seq"]  # the chain's order is the order of sealing
    async with tenant_transaction(DB, A) as scope:
        assert await verify_chain(scope) > 0


async def test_a_rolled_back_request_leaves_no_event(app) -> None:
    marker = f"rolled-back-{uuid.uuid4()}"
    with pytest.raises(Rollback):
        async with tenant_transaction(DB, A):
            await record("test", marker)
            raise Rollback
    assert await _events(marker) == []


async def test_the_kommune_may_seal_an_event_once_and_change_nothing(app) -> None:
    marker = f"guard-{uuid.uuid4()}"
    async with tenant_transaction(DB, A):
        await record("test", marker)
    [row] = await _events(marker)
    # Not sealed yet: its content still may not change, nor may it be sealed with a change.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "UPDATE audit_event SET actor = 'someone-else' WHERE id = $1", row["id"]
            )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "UPDATE audit_event SET prev_hash = NULL WHERE id = $1", row["id"]
            )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute("DELETE FROM audit_event WHERE id = $1", row["id"])
    await seal_kommune(A)
    [sealed] = await _events(marker)
    assert sealed["hash"] is not None
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="sealed already"):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "UPDATE audit_event SET hash = '\\x00'::bytea, seq = seq WHERE id = $1",
                row["id"],
            )
    async with tenant_transaction(DB, A) as scope:
        assert await verify_chain(scope) > 0
