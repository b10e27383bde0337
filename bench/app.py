"""The real application plus benchmark routes that differ in one thing each.

- ``GET /api/bench/tenant-read``: the normal path (session from Redis, CSRF check,
  TenantMiddleware: one transaction with SET LOCAL ROLE + search_path in one statement,
  the user's current roles, the permission guard), then the query.
- ``GET /bench/plain-read``: the same session load and the same query in one transaction,
  on a pool whose connections already sit in the kommune's schema (no switch at all).
- ``GET /bench/noauth-read``: no session and no permission check, but the same tenant
  transaction and query (the authentication benchmark's baseline).
"""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Litestar, Request, get

from backend.app import create_app
from backend.auth.principal import load_principal, requires
from backend.auth.session import COOKIE, SessionStore
from backend.config import get_settings
from backend.core.permissions import Perm
from backend.db import DB
from tenancy.context import current_scope, tenant_transaction

SQL = "SELECT id::text AS id, first_name FROM child ORDER BY cpr LIMIT 1"
_plain: dict[str, asyncpg.Pool] = {}


@get("/api/bench/tenant-read", guards=[requires(Perm.CASE_READ)])
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
        # The same user-and-roles read and permission check as the middleware and guard.
        principal = await load_principal(conn, session.subject, "1000")
        assert principal is not None and Perm.CASE_READ in principal.permissions
        row = await conn.fetchrow(SQL)
    return dict(row)


@get("/bench/noauth-read", opt={"public": True})
async def noauth_read() -> dict[str, Any]:
    async with tenant_transaction(DB, "1000") as scope:
        row = await scope.connection.fetchrow(SQL)
    return dict(row)


def factory() -> Litestar:
    app = create_app()
    app.register(tenant_read)
    app.register(plain_read)
    app.register(noauth_read)
    return app
