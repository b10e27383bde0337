"""``GET /health``: is the database and Redis reachable from this process."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import msgspec
from litestar import Request, get
from litestar.response import Response

from backend import queue
from backend.db import fetch_as_app


class Check(msgspec.Struct):
    ok: bool
    latency_ms: float
    error: str | None = None


class Health(msgspec.Struct):
    status: Literal["ok", "degraded"]
    database: Check
    redis: Check


async def _timed(coro_factory: Callable[[], Awaitable[Any]]) -> Check:
    start = time.perf_counter()
    try:
        await coro_factory()
    except Exception as exc:
        return Check(ok=False, latency_ms=0.0, error=type(exc).__name__)
    return Check(ok=True, latency_ms=round((time.perf_counter() - start) * 1000, 2))


@get("/health", opt={"public": True}, tags=["Drift"], summary="Database- og Redis-status")
async def health(request: Request) -> Response[Health]:  # type: ignore[type-arg]
    db = await _timed(lambda: fetch_as_app("SELECT 1"))
    redis = await _timed(lambda: queue.get().ping())
    ok = db.ok and redis.ok
    return Response(
        Health(status="ok" if ok else "degraded", database=db, redis=redis),
        status_code=200 if ok else 503,
    )
