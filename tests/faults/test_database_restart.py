"""PostgreSQL restarted under load (issue 19): requests during the outage get a clear 503
in Danish within a bound (never a 500, never a hang), no note answered 201 is missing
afterwards, every note not answered 201 is in exactly once after the client sends it again
with its Idempotency-Key, readiness goes unready and back, and the app's pools reconnect by
themselves (the same app object serves on, nothing restarted)."""

from __future__ import annotations

import asyncio
import time

import httpx

from backend.errors import UNREACHABLE
from tests.conftest import KOMMUNE_A
from tests.factories import child
from tests.faults.load import BOUND_SECONDS, Load, note_counts, resend_unanswered

A = KOMMUNE_A[0]


async def _watch_ready(http: httpx.AsyncClient, seen: list[tuple[int, list[str]]]) -> None:
    while True:
        r = await asyncio.wait_for(http.get("/health/ready"), BOUND_SECONDS)
        seen.append((r.status_code, r.json()["reasons"]))
        await asyncio.sleep(0.1)


async def _until_writes_succeed(load: Load, after: float, count: int) -> None:
    deadline = time.monotonic() + 30
    while sum(1 for o in load.writes if o.started > after and o.status == 201) < count:
        assert time.monotonic() < deadline, "the API did not recover after PostgreSQL came back"
        await asyncio.sleep(0.1)


async def test_postgresql_restart_under_load(app, as_user, http, servers) -> None:  # type: ignore[no-untyped-def]
    c = await as_user(A)
    case = (await child(c)).case_id
    ready: list[tuple[int, list[str]]] = []
    watcher = asyncio.create_task(_watch_ready(http, ready))
    try:
        async with Load(c, case) as load:
            await asyncio.sleep(0.5)
            await asyncio.to_thread(servers.stop_postgres)
            down = time.monotonic()
            await asyncio.sleep(1.0)  # the outage, under load
            await asyncio.to_thread(servers.start_postgres)
            up = time.monotonic()
            await _until_writes_succeed(load, up, 5)
    finally:
        watcher.cancel()

    answered = [o for o in load.outcomes if o.status is not None]
    assert len(answered) == len(load.outcomes), [o for o in load.outcomes if o.status is None]
    assert {o.status for o in load.outcomes} <= {200, 201, 503}, sorted(
        {(o.status, o.detail) for o in load.outcomes}
    )
    during = [o for o in load.outcomes if down < o.started < up]
    refused = [o for o in load.outcomes if o.status == 503]
    assert during and refused, "no request met the outage"
    assert all(o.detail == UNREACHABLE and o.retry_after == "5" for o in refused)
    assert all(o.ended - o.started < BOUND_SECONDS for o in load.outcomes)

    assert any(status == 503 and "database" in reasons for status, reasons in ready)
    assert ready[-1] == (200, []), ready[-5:]

    counts = await note_counts(A, case, load.tag)
    assert all(counts.get(o.title) == 1 for o in load.writes if o.status == 201)
    await resend_unanswered(c, load)
    counts = await note_counts(A, case, load.tag)
    assert counts == {o.title: 1 for o in load.writes}
