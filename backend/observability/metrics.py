"""Prometheus metrics (``GET /metrics``).

Kept in this process (in ``PROMETHEUS_MULTIPROC_DIR`` when ``trekant api --workers N`` runs
several): requests by route template, method, status and kommune; latency by route
template; the database pool; logins and refusals. Read from Redis at each scrape, because
the worker writes them (any number of workers, one place to scrape): the arq queue's depth,
jobs by outcome, and the outbox lag per kommune that the worker's sweep measures.

Labels never hold a raw path, an id or a CPR number: the route is Litestar's template
(``/api/cases/{case_id}``), the kommune its four-digit code.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

__all__ = ["CONTENT_TYPE_LATEST", "render"]

REQUESTS = Counter(
    "trekant_http_requests",
    "HTTP requests answered, by route template, method, status and kommune",
    ["route", "method", "status", "kommune"],
)
LATENCY = Histogram(
    "trekant_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
IN_FLIGHT = Gauge(
    "trekant_http_requests_in_flight",
    "Requests being answered now",
    multiprocess_mode="livesum",
)
POOL = Gauge(
    "trekant_db_pool_connections",
    "The application's PostgreSQL pool: open connections (size) and those in use",
    ["state"],
    multiprocess_mode="livesum",
)
LOGINS = Counter(
    "trekant_logins",
    "Logins through an identity provider, by realm and outcome (ok or the refusal's code)",
    ["realm", "outcome"],
)
REFUSALS = Counter(
    "trekant_refusals",
    "Requests refused: unauthenticated (401), forbidden (403) or rate limited (429)",
    ["reason"],
)
DEPENDENCY_UNAVAILABLE = Counter(
    "trekant_dependency_unavailable",
    "Requests answered 503 because PostgreSQL (database) or Redis (redis) could not be reached",
    ["dependency"],
)
REFUSAL_REASONS = {401: "unauthenticated", 403: "forbidden", 429: "rate_limited"}

# Written by the worker, read at each scrape.
OUTBOX_LAG_KEY = "trekant:metrics:outbox_lag"
AUDIT_LAG_KEY = "trekant:metrics:audit_unsealed"
JOBS_KEY = "trekant:metrics:jobs"
ARQ_QUEUE = "arq:queue"


def observe_request(route: str, method: str, status: int, kommune: str, seconds: float) -> None:
    REQUESTS.labels(route, method, str(status), kommune).inc()
    LATENCY.labels(route, method).observe(seconds)
    if reason := REFUSAL_REASONS.get(status):
        REFUSALS.labels(reason).inc()


def observe_pool() -> None:
    from backend.db import DB

    pool = DB.pool
    if pool is not None:
        size = pool.get_size()
        POOL.labels("size").set(size)
        POOL.labels("in_use").set(size - pool.get_idle_size())


async def record_lag(redis: Any, key: str, lag_seconds: dict[str, float]) -> None:
    """Per kommune, how long its oldest waiting item has waited (0 when none), for
    ``/metrics``: the oldest unsent outbox row (``OUTBOX_LAG_KEY``, by the sweep) or audit
    event not yet sealed (``AUDIT_LAG_KEY``, by the sealing job)."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(key)
        if lag_seconds:
            pipe.hset(key, mapping={k: f"{v:.3f}" for k, v in lag_seconds.items()})
        await pipe.execute()


async def record_job(redis: Any, function: str, outcome: str) -> None:
    """Count a finished job run: outcome ``ok``, ``failed``, or ``deferred`` (the kommune is
    suspended; the sweep sends it again)."""
    await redis.hincrby(JOBS_KEY, f"{function}|{outcome}", 1)


def _own_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped
        return registry
    return REGISTRY


async def render(redis: Any) -> bytes:
    """The exposition text: this process's (or all API processes') metrics, then what the
    worker left in Redis."""
    observe_pool()
    async with redis.pipeline(transaction=False) as pipe:
        pipe.zcard(ARQ_QUEUE)
        pipe.hgetall(JOBS_KEY)
        pipe.hgetall(OUTBOX_LAG_KEY)
        pipe.hgetall(AUDIT_LAG_KEY)
        depth, jobs, lags, unsealed = await pipe.execute()
    extra = CollectorRegistry()
    queue = GaugeMetricFamily(
        "trekant_job_queue_depth", "Jobs waiting in the arq queue (due or deferred)"
    )
    queue.add_metric([], float(depth))
    runs = CounterMetricFamily(
        "trekant_jobs",
        "Job runs by function and outcome (ok, failed, deferred)",
        labels=["function", "outcome"],
    )
    for key, value in sorted(jobs.items()):
        function, _, outcome = _text(key).partition("|")
        runs.add_metric([function, outcome], float(value))
    lag = GaugeMetricFamily(
        "trekant_outbox_oldest_unsent_seconds",
        "Age of the oldest outbox row not yet run, per kommune (measured by the sweep)",
        labels=["kommune"],
    )
    for code, value in sorted(lags.items()):
        lag.add_metric([_text(code)], float(value))
    audit = GaugeMetricFamily(
        "trekant_audit_unsealed_oldest_seconds",
        "Age of the oldest audit event not yet chained by hash, per kommune (measured by the "
        "sealing job after each run; backend/audit/seal.py)",
        labels=["kommune"],
    )
    for code, value in sorted(unsealed.items()):
        audit.add_metric([_text(code)], float(value))

    class _Worker:
        def collect(self) -> list[Any]:
            return [queue, runs, lag, audit]

    extra.register(_Worker())  # a collector is anything with collect()
    return generate_latest(_own_registry()) + generate_latest(extra)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
