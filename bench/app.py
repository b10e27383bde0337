"""The real application plus two benchmark routes that differ only in the tenant switch.

- ``GET /api/bench/tenant-read``: the normal path (session, TenantMiddleware, one
  transaction with SET LOCAL ROLE + search_path in one statement), then the query.
- ``GET /bench/plain-read``: the same session load and the same query in one transaction,
  on a pool whose connections already sit in the kommune's schema (no switch at all).
"""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Litestar, Request, get

from backend.app import create_app
from backend.auth.session import COOKIE, SessionStore
from backend.config import get_settings
from tenancy.context import current_scope

SQL = "SELECT id::text AS id, first_name FROM child ORDER BY cpr LIMIT 1"
_plain: dict[str, asyncpg.Pool] = {}


@get("/api/bench/tenant-read")
async def tenant_read() -> dict[str, Any]:
    row = await current_scope().connection.fetchrow(SQL)
    return dict(row)


@get("/bench/plain-read", opt={"public": True})
async def plain_read(request: Request[Any, Any, Any]) -> dict[str, Any]:
    store: SessionStore = request.app.state.sessions
    session = await store.load(request.cookies.get(COOKIE))
    assert session is not None
    pool = _plain.get("pool")
    if pool is None:
        pool = await asyncpg.create_pool(
            get_settings().database_url,
            min_size=2,
            max_size=20,
            statement_cache_size=0,
            server_settings={"search_path": "k1000"},
        )
        _plain["pool"] = pool
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(SQL)
    return dict(row)


def factory() -> Litestar:
    app = create_app()
    app.register(tenant_read)
    app.register(plain_read)
    return app
