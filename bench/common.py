"""Shared helpers for the benchmarks: a throwaway database, timing, printing."""

from __future__ import annotations

import atexit
import os
import platform
import statistics
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "trekant_bench"
# The servers the person running `just bench` chose (none: the embedded ones). Each bench
# points DATABASE_URL/REDIS_URL at its throwaway database, so the next bench must start
# from these, not from the previous one's database.
_CHOSEN = {k: os.environ.get(k) for k in ("DATABASE_URL", "REDIS_URL")}
# The embedded servers, started once per process and shared by every benchmark it runs:
# starting and stopping PostgreSQL per benchmark cost ~3 s each (50 s of the smoke run).
_SHARED: Any = None


def with_database(url: str, database: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, "/" + database, p.query, p.fragment))


def start_services() -> tuple[str, str, object]:
    # Benchmarks send many requests as one user from one address: the rate limits (still
    # checked, so their Redis round trip is in the numbers) must not refuse them.
    for limit in ("LOGIN", "CALLBACK", "ENHEDSSTATUS", "PRIOR_USER", "PRIOR_KOMMUNE", "OFFLINE"):
        os.environ.setdefault(f"TREKANT_RATE_LIMIT_{limit}", "10000000/60")
    os.environ.setdefault("TREKANT_RATE_LIMIT_API", "10000000/60")
    os.environ.setdefault("TREKANT_PRIOR_CASE_ALERT_PER_DAY", "10000000")
    for key, value in _CHOSEN.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    sys.path.insert(0, str(ROOT))
    from infra.services import ensure_services

    data_dir = Path(os.environ.get("TREKANT_BENCH_DATA_DIR", ROOT / "var" / "bench")).resolve()
    global _SHARED
    if _SHARED is None:
        _SHARED = ensure_services(data_dir, database="postgres")
        atexit.register(stop_shared_services)
    s = _SHARED
    # Each area starts on a fresh database, so queued jobs from an earlier area or run (the
    # bench's Redis keeps its data between runs) point at outbox rows that no longer exist;
    # a worker busy retrying thousands of them once hung the whole run. Start empty.
    import redis

    client = redis.Redis.from_url(s.redis_url)
    try:
        client.flushdb()
    finally:
        client.close()
    return s.database_url, s.redis_url, _Kept()


class _Kept:
    """What ``start_services`` hands a benchmark: its ``stop()`` leaves the servers running
    for the next benchmark in this process (``python -m bench`` runs them one after the
    other); they stop once, when the process ends (``stop_shared_services``)."""

    def stop(self) -> None:
        pass


def stop_shared_services() -> None:
    """Stop the embedded servers ``start_services`` started (if any); the next call starts
    them again."""
    global _SHARED
    if _SHARED is not None:
        _SHARED.stop()
        _SHARED = None


async def fresh_database(server_url: str) -> str:
    conn = await asyncpg.connect(with_database(server_url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        for r in await conn.fetch(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE $1", BENCH_DB + "\\_%"
        ):
            await conn.execute(f'DROP ROLE "{r["rolname"]}"')
        await conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    finally:
        await conn.close()
    return with_database(server_url, BENCH_DB)


async def fresh_kommune(server_url: str, redis_url: str, code: str, name: str) -> tuple[str, Any]:
    """A fresh bench database (``fresh_database``) with the registry bootstrapped and
    kommune ``code`` created, and the process pointed at it (``DATABASE_URL``, ``REDIS_URL``,
    ``TREKANT_ENV=test``). Returns the database URL and the app's settings."""
    db_url = await fresh_database(server_url)
    os.environ["DATABASE_URL"] = db_url
    os.environ["REDIS_URL"] = redis_url
    os.environ["TREKANT_ENV"] = "test"
    from backend.config import load_settings
    from tenancy.registry import Registry

    settings = load_settings()
    registry = Registry(db_url, settings.role_prefix)
    await registry.bootstrap()
    await registry.create(code, name)
    return db_url, settings


async def add_caseworker(db_url: str, code: str, username: str, display_name: str) -> uuid.UUID:
    """A user with the role sagsbehandler in kommune ``code`` (a bench-only owner session)."""
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(f"SET search_path = k{code}")
        user_id: uuid.UUID = await conn.fetchval(
            "INSERT INTO app_user (username, display_name, provisioned_by) "
            "VALUES ($1, $2, 'bench') RETURNING id",
            username,
            display_name,
        )
        await conn.execute(
            "INSERT INTO user_role (user_id, role, granted_by) "
            "VALUES ($1, 'sagsbehandler', 'bench')",
            user_id,
        )
    finally:
        await conn.close()
    return user_id


@asynccontextmanager
async def client_as(
    app: Any,
    *,
    user_id: uuid.UUID,
    username: str,
    display_name: str,
    code: str,
    kommune_name: str,
    seconds: float = 5.0,
) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of ``app`` (inside its lifespan) with a session of the user;
    each request may take ``seconds``."""
    from backend.auth.session import COOKIE, Session, SessionStore

    store: SessionStore = app.state.sessions
    session = Session(
        realm="kommune",
        subject=str(user_id),
        username=username,
        display_name=display_name,
        kommune_code=code,
        kommune_name=kommune_name,
    )
    token = await store.create(session)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://bench",
        cookies={COOKIE: token},
        headers={"X-CSRF-Token": session.csrf_token},
        timeout=seconds,
    ) as client:
        yield client


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values_ms: list[float]) -> str:
    return (
        f"median {statistics.median(values_ms):.2f} ms, p95 {pct(values_ms, 0.95):.2f} ms, "
        f"n={len(values_ms)}"
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def report(name: str, value: str, target: str, ok: bool) -> dict[str, object]:
    mark = "ok " if ok else "MISS"
    print(f"[{mark}] {name}: {value} (target {target})", flush=True)
    return {"name": name, "value": value, "target": target, "ok": ok}
