"""Redis restarted under load (issue 19): requests while it is away get a clear 503 in
Danish within a bound, readiness says ``redis`` and comes back, the sessions survive the
restart (redis-server keeps an append-only file, as the deployment's does), the rate limiter
and the job queue work again without restarting the API, and no note answered 201 is lost.
A Redis that comes back empty (no persistence) ends the sessions with a clean 401; the PWA
then keeps its offline outbox until the caseworker has logged in again
(tests/e2e/test_offline.py::test_an_expired_session_makes_the_outbox_wait_for_a_fresh_login)."""

from __future__ import annotations

import asyncio
import shutil
import time

from backend.db import DB
from backend.errors import UNREACHABLE
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A
from tests.factories import child
from tests.faults.load import BOUND_SECONDS, Load, note_counts, resend_unanswered
from tests.faults.test_database_restart import _until_writes_succeed, _watch_ready

A = KOMMUNE_A[0]


async def _newest_outbox_id() -> str:
    async with tenant_transaction(DB, A) as scope:
        return str(
            await scope.connection.fetchval(
                "SELECT id FROM outbox ORDER BY created_at DESC LIMIT 1"
            )
        )


async def test_redis_restart_under_load(app, as_user, http, servers) -> None:  # type: ignore[no-untyped-def]
    c = await as_user(A)
    case = (await child(c)).case_id
    ready: list[tuple[int, list[str]]] = []
    watcher = asyncio.create_task(_watch_ready(http, ready))
    try:
        async with Load(c, case) as load:
            await asyncio.sleep(0.5)
            await asyncio.to_thread(servers.stop_redis)
            down = time.monotonic()
            await asyncio.sleep(1.0)
            await asyncio.to_thread(servers.start_redis)
            up = time.monotonic()
            await _until_writes_succeed(load, up, 5)
    finally:
        watcher.cancel()

    assert all(o.status is not None for o in load.outcomes), load.outcomes
    assert {o.status for o in load.outcomes} <= {200, 201, 503}, sorted(
        {(o.status, o.detail) for o in load.outcomes}
    )
    refused = [o for o in load.outcomes if o.status == 503]
    assert [o for o in load.outcomes if down < o.started < up] and refused
    assert all(o.detail == UNREACHABLE and o.retry_after == "5" for o in refused)
    assert all(o.ended - o.started < BOUND_SECONDS for o in load.outcomes)
    assert any(status == 503 and "redis" in reasons for status, reasons in ready)
    assert ready[-1] == (200, []), ready[-5:]

    # The session made before the restart still works: the same cookie, no new login.
    assert (await c.get("/api/session")).status_code == 200
    # The job queue took the audit job of this read (relayed after its commit).
    assert (await c.get(f"/api/cases/{case}")).status_code == 200
    assert await app.state.redis.exists(f"arq:job:outbox:{await _newest_outbox_id()}") == 1

    counts = await note_counts(A, case, load.tag)
    assert all(counts.get(o.title) == 1 for o in load.writes if o.status == 201)
    await resend_unanswered(c, load)
    assert await note_counts(A, case, load.tag) == {o.title: 1 for o in load.writes}


async def test_redis_back_empty_ends_sessions_with_a_clean_401(app, as_user, servers) -> None:  # type: ignore[no-untyped-def]
    c = await as_user(A)
    assert (await c.get("/api/session")).status_code == 200
    await asyncio.to_thread(servers.stop_redis)
    shutil.rmtree(servers.redis_dir / "appendonlydir")  # a Redis without persistence
    await asyncio.to_thread(servers.start_redis)
    r = await c.get("/api/worklist")
    assert r.status_code == 401, r.text
    assert r.json()["detail"] == "Log ind for at fortsætte"
