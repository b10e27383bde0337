"""The application's Piccolo engines: pools logged in as the NOINHERIT application role,
``DB`` for the requests' and jobs' own transactions and ``SIDE`` for work beside them.

Tables are bound to ``DB`` explicitly. The pools are configured at start-up from the
settings (``configure``); nothing connects at import time.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine

from tenancy.context import current_scope_or_none


class TrekantEngine(PostgresEngine):
    """PostgresEngine that does not connect at construction.

    Piccolo's engine checks the server version and creates extensions synchronously in
    ``__init__``; ours is configured later, at start-up, so both are skipped here.
    """

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None


class KommuneStatements(asyncpg.Connection):  # type: ignore[misc]  # asyncpg is untyped
    """A connection whose prepared statements are the kommune's own: inside a tenant
    transaction each statement's text starts with a comment naming the kommune, so asyncpg
    keeps one prepared statement per kommune (and per connection, its LRU bounds them) and
    PostgreSQL never sees one statement under another kommune's search_path. Without it,
    every statement a connection ran for another kommune last was parsed and planned again
    (PostgreSQL does so whenever the search_path differs): with the national load test's
    mix of kommuner, 1.8-2.3 ms of PostgreSQL CPU a request against 0.7 for one kommune.
    Correctness does not rest on it: PostgreSQL re-parses on a search_path change anyway."""

    async def _get_statement(self, query: str, timeout: Any, **kwargs: Any) -> Any:  # noqa: ASYNC109 (asyncpg's signature)
        scope = current_scope_or_none()
        if scope is not None:
            query = f"/* k{scope.code} */ {query}"
        return await super()._get_statement(query, timeout, **kwargs)


DB = TrekantEngine(config={}, extensions=())
# Connections for work *beside* a request's (or job's) own transaction: reads of the shared
# registry (``fetch_as_app``), a refusal's audit that must commit whatever the request's fate
# (``record_apart``), the MI dashboard's queries side by side, a document's chunks while its
# answer streams, a national service's health.
# Their own pool, so a transaction that holds a ``DB`` connection never waits for another
# ``DB`` connection: with one pool, as many such requests at once as the pool has
# connections would each hold one and wait for a second for ever.
SIDE = TrekantEngine(config={}, extensions=())
SIDE_POOL_SIZE = 8  # the MI dashboard's six queries, and a little more

CONNECT_TIMEOUT_SECONDS = 10
# Statements kept prepared per connection (asyncpg's LRU; its default is 100). The API's
# distinct statements number a few hundred; the hot pages' ones stay.
STATEMENT_CACHE_SIZE = 512
# asyncpg caches statements of up to 15 kB by default; the case page's one statement
# (backend/casework/repository.py) is close to that.
MAX_CACHEABLE_STATEMENT_BYTES = 64 * 1024


def configure(dsn: str, **extra: Any) -> None:
    """Point the engine at ``dsn`` (the application role's DSN).

    The statement cache is on (``STATEMENT_CACHE_SIZE`` per connection): a cached statement
    is one round trip (Bind/Execute) instead of two (Parse/Describe first), and PostgreSQL
    neither parses nor plans it again. The same text serves every kommune: PostgreSQL
    parses a prepared statement again when the search_path differs from its last use, and
    plans again when the role (row-level security) does. When a migration changes a
    result's type under a cached statement (during a rolling migration kommune schemas
    differ), asyncpg raises ``InvalidCachedStatementError`` and drops the pool's cache;
    ``backend.errors.stale_statement`` answers 503 with Retry-After, and
    ``backend.middleware`` runs the request again once by itself (docs/architecture.md).
    ``timeout``: a server that does not answer (a host gone from the network) fails a new
    connection after ``CONNECT_TIMEOUT_SECONDS`` (asyncpg waits 60 s), so the request gets
    its 503 in bounded time (docs/operations.md, Faults).
    """
    config = {
        "dsn": dsn,
        "statement_cache_size": STATEMENT_CACHE_SIZE,
        "max_cacheable_statement_size": MAX_CACHEABLE_STATEMENT_BYTES,
        "timeout": CONNECT_TIMEOUT_SECONDS,
        "connection_class": KommuneStatements,
        **extra,
    }
    for engine in (DB, SIDE):
        engine.config.clear()
        engine.config.update(config)


async def _keep_session(conn: Any) -> None:
    """The pool's reset on release: nothing beyond asyncpg's own (which rolls back a
    transaction left open).

    asyncpg's default sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``
    on every release: one more round trip per request (2 of the ~10 statements a request
    costs, docs/benchmarks.md). It protects nothing here: every kommune switch is
    transaction-local (``set_config(..., true)``, reverted by COMMIT/ROLLBACK), and
    ``RESET ALL`` would not even undo a role switched for the whole session (``role`` is
    exempt from RESET ALL in PostgreSQL). Session-wide settings, LISTEN, cursors WITH HOLD
    and session advisory locks are not used on this pool (architecture: "Never use
    session-level SET"); tests/tenancy/test_isolation.py checks that a released connection
    is the bare application role with an empty search_path again."""
    return None


# The API process's connections (TREKANT_DB_POOL_SIZE). Few on purpose: measured on a
# 2-core machine, the request mix at 32 connections gave 424–605 requests a second with
# 20 connections (p95 94–142 ms) and 678–770 with 8 (p95 70–82 ms): more server processes
# working at once than the server has cores only take turns. Requests beyond it wait in the
# API for a connection, which costs nothing. With a database server of many cores, raise
# it (about twice the server's cores, shared by all API processes).
POOL_SIZE_DEFAULT = 8


def pool_size() -> int:
    """TREKANT_DB_POOL_SIZE (default ``POOL_SIZE_DEFAULT``), at least 1."""
    import os

    from backend.config import ConfigError

    raw = os.environ.get("TREKANT_DB_POOL_SIZE", "").strip() or str(POOL_SIZE_DEFAULT)
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"TREKANT_DB_POOL_SIZE must be a whole number of at least 1, not {raw!r}")
    return int(raw)


async def start_pool(min_size: int = 2, max_size: int = 20) -> None:
    if DB.pool is None:
        await DB.start_connection_pool(min_size=min_size, max_size=max_size, reset=_keep_session)
    if SIDE.pool is None:
        await SIDE.start_connection_pool(min_size=1, max_size=SIDE_POOL_SIZE, reset=_keep_session)


async def close_pool() -> None:
    for engine in (DB, SIDE):
        if engine.pool is not None:
            await engine.close_connection_pool()
            engine.pool = None


async def fetch_as_app(sql: str, *args: Any) -> list[Any]:
    """Run a read outside any tenant, as the bare application role.

    Only the shared registry is readable this way; every kommune table is refused.
    """
    if SIDE.pool is None:
        raise RuntimeError("database pool is not started")
    async with SIDE.pool.acquire() as conn:
        return list(await conn.fetch(sql, *args))
