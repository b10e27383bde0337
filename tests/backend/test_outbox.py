"""The outbox: jobs follow commits, never rollbacks, and run exactly once.

The audit's jobs of earlier versions (``audit.record``, ``audit.record_many``) serve as the
sample: they still run rows queued before an upgrade (backend/audit/tasks.py)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from arq.worker import Worker

from backend import queue
from backend.audit.seal import seal_kommune
from backend.audit.service import AUDIT_JOB, AUDIT_MANY_JOB
from backend.audit.tasks import verify_chain
from backend.db import DB
from backend.outbox.service import ARQ_FUNCTION, enqueue
from backend.outbox.tasks import run_outbox_job, sweep
from tenancy.context import run_after_commit, tenant_transaction
from tests.conftest import KOMMUNE_A, sign_in, username

A = KOMMUNE_A[0]


class Rollback(Exception):
    pass


def _payload(action: str) -> dict[str, object]:
    return {
        "at": "2026-11-25T12:00:00+00:00",
        "actor": "test",
        "action": action,
        "subject": None,
        "detail": {},
    }


async def _drain(settings) -> None:  # type: ignore[no-untyped-def]
    worker = Worker(
        functions=[run_outbox_job],
        redis_settings=queue.redis_settings(settings.redis_url),
        burst=True,
        poll_delay=0.05,
        handle_signals=False,
        keep_result=30,
    )
    try:
        await worker.main()
    finally:
        await worker.pool.aclose()


async def _audit_actions(code: str) -> list[str]:
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch("SELECT action FROM audit_event ORDER BY id")
    return [r["action"] for r in rows]


async def test_job_from_rolled_back_transaction_never_runs(app, settings):
    marker = f"rolled-back-{uuid.uuid4()}"
    with pytest.raises(Rollback):
        async with tenant_transaction(DB, A) as scope:
            rolled_back_id = await enqueue(AUDIT_JOB, _payload(marker))
            raise Rollback
    # A committed job in the same run proves the worker did run.
    committed_marker = f"committed-{uuid.uuid4()}"
    async with tenant_transaction(DB, A) as scope:
        await enqueue(AUDIT_JOB, _payload(committed_marker))
    await run_after_commit(scope)
    await _drain(settings)
    actions = await _audit_actions(A)
    assert committed_marker in actions
    assert marker not in actions
    assert await queue.get().exists(f"arq:job:outbox:{rolled_back_id}") == 0
    async with tenant_transaction(DB, A) as scope:
        assert (
            await scope.connection.fetchval(
                "SELECT count(*) FROM outbox WHERE id = $1", rolled_back_id
            )
            == 0
        )


async def test_job_delivered_twice_runs_once(app):
    marker = f"twice-{uuid.uuid4()}"
    async with tenant_transaction(DB, A):
        oid = await enqueue(AUDIT_JOB, _payload(marker))
    # Not relayed: run it directly, twice, concurrently and then again.
    results = await asyncio.gather(run_outbox_job({}, A, str(oid)), run_outbox_job({}, A, str(oid)))
    assert sorted(results) == ["already-done", "done"]
    assert await run_outbox_job({}, A, str(oid)) == "already-done"
    assert (await _audit_actions(A)).count(marker) == 1


async def test_sweep_relays_rows_the_relay_missed(app, settings):
    marker = f"missed-{uuid.uuid4()}"
    async with tenant_transaction(DB, A) as scope:
        oid = await enqueue(AUDIT_JOB, _payload(marker))
        await scope.connection.execute(
            "UPDATE outbox SET created_at = created_at - interval '1 minute' WHERE id = $1", oid
        )
    # after_commit deliberately not run: the process "died" before relaying.
    assert await sweep({}) >= 1
    await _drain(settings)
    assert marker in await _audit_actions(A)


async def test_reading_a_child_is_audited_in_the_request(http, seeded, settings):
    await sign_in(http, A, "leder")  # sees every case in the kommune
    # Other tests may have read the same child before (offline, another view): this read's
    # event is the one with this view that was not there before.
    reads = (
        "SELECT actor FROM audit_event WHERE action = 'child.read' AND subject = $1 "
        "AND detail->>'view' = 'child.summary' ORDER BY id"
    )
    async with tenant_transaction(DB, A) as scope:
        child = await scope.connection.fetchval("SELECT id FROM child ORDER BY cpr LIMIT 1")
        before = [r["actor"] for r in await scope.connection.fetch(reads, str(child))]
    assert (await http.get(f"/api/children/{child}")).status_code == 200
    # Committed with the answer: no job between the read and its audit.
    async with tenant_transaction(DB, A) as scope:
        after = [r["actor"] for r in await scope.connection.fetch(reads, str(child))]
        assert after == [*before, username("leder", A)]
    await seal_kommune(A)
    async with tenant_transaction(DB, A) as scope:
        assert await verify_chain(scope) > 0


async def test_tampering_with_the_audit_chain_is_detected(app, settings, registry):
    import asyncpg

    async with tenant_transaction(DB, A) as scope:
        await enqueue(AUDIT_JOB, _payload("before-tamper"))
    await run_after_commit(scope)
    await _drain(settings)
    await seal_kommune(A)
    owner = await asyncpg.connect(registry.dsn)
    target = await owner.fetchrow(f"SELECT id, actor FROM k{A}.audit_event ORDER BY id LIMIT 1")
    try:
        # The owner (a DBA, not the application) can change a row, past the trigger that
        # stops the application; the chain shows it.
        await owner.execute("SET session_replication_role = replica")
        await owner.execute(
            f"UPDATE k{A}.audit_event SET actor = 'someone-else' WHERE id = $1", target["id"]
        )
        with pytest.raises(ValueError, match="audit chain broken"):
            async with tenant_transaction(DB, A) as scope:
                await verify_chain(scope)
    finally:
        await owner.execute(
            f"UPDATE k{A}.audit_event SET actor = $2 WHERE id = $1", target["id"], target["actor"]
        )
        await owner.close()
    async with tenant_transaction(DB, A) as scope:
        assert await verify_chain(scope) > 0


def test_arq_function_name_is_registered():
    assert run_outbox_job.__name__ == ARQ_FUNCTION


async def test_an_earlier_versions_many_events_job_writes_them_once_in_order(app):
    # A home-visit download queued by an earlier version: one job holds every child's event.
    marker = f"many-{uuid.uuid4()}"
    payload = {
        "at": "2026-11-25T12:00:00+00:00",
        "actor": "test",
        "action": marker,
        "events": [
            {"subject": f"child-{i}", "detail": {"view": "offline", "n": i}} for i in range(3)
        ],
    }
    async with tenant_transaction(DB, A):
        oid = await enqueue(AUDIT_MANY_JOB, payload)
    results = await asyncio.gather(run_outbox_job({}, A, str(oid)), run_outbox_job({}, A, str(oid)))
    assert sorted(results) == ["already-done", "done"]
    await seal_kommune(A)
    async with tenant_transaction(DB, A) as scope:
        events = await scope.connection.fetch(
            "SELECT subject, detail->>'n' AS n FROM audit_event WHERE action = $1 ORDER BY seq",
            marker,
        )
        assert [(e["subject"], e["n"]) for e in events] == [
            ("child-0", "0"),
            ("child-1", "1"),
            ("child-2", "2"),
        ]
        assert await verify_chain(scope) >= 3
