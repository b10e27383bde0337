"""Health: ``GET /health`` (database and Redis from this process, as before),
``GET /health/live`` (the process answers; no dependency is asked, so a database outage
never gets the API restarted) and ``GET /health/ready`` (database, Redis and every kommune
schema at the newest migration; 503 with the reasons otherwise, so a load balancer sends
no requests to a process that cannot answer them)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import msgspec
from litestar import Request, get
from litestar.response import Response

from backend import queue
from backend.db import fetch_as_app
from backend.health.repository import kommune_versions
from tenancy import migrate


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


class Live(msgspec.Struct):
    status: Literal["ok"]


@get("/health/live", opt={"public": True}, tags=["Drift"], summary="Processen svarer")
async def live() -> Live:
    return Live(status="ok")


Reason = Literal["database", "redis", "migrations"]


class Ready(msgspec.Struct):
    status: Literal["ready", "not_ready"]
    reasons: list[Reason]
    database: Check
    redis: Check
    # Kommuner whose schema is behind the newest migration (empty when all are current).
    behind: list[str]


_LATEST: list[int] = []


def _latest_tenant_version() -> int:
    if not _LATEST:
        found = migrate.load_migrations(migrate.TENANT_DIR)
        _LATEST.append(found[-1].version if found else 0)
    return _LATEST[0]


@get(
    "/health/ready",
    opt={"public": True},
    tags=["Drift"],
    summary="Klar til trafik: database, Redis og migreringer",
)
async def ready() -> Response[Ready]:
    db = await _timed(lambda: fetch_as_app("SELECT 1"))
    redis = await _timed(lambda: queue.get().ping())
    reasons: list[Reason] = []
    behind: list[str] = []
    if not db.ok:
        reasons.append("database")
    else:
        try:
            latest = _latest_tenant_version()
            behind = sorted(c for c, v in (await kommune_versions()).items() if v < latest)
        except Exception:
            reasons.append("database")
        if behind:
            reasons.append("migrations")
    if not redis.ok:
        reasons.append("redis")
    return Response(
        Ready(
            status="not_ready" if reasons else "ready",
            reasons=reasons,
            database=db,
            redis=redis,
            behind=behind,
        ),
        status_code=503 if reasons else 200,
    )
