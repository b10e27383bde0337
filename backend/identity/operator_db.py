"""The operator's own pool, logged in as the operator role.

That role is a member of no kommune role, so nothing run on this pool can read a
kommune's schema, whatever the code does (tested).
"""

from __future__ import annotations

import asyncpg

from backend.db import CONNECT_TIMEOUT_SECONDS

_pool: asyncpg.Pool | None = None


async def start(dsn: str) -> None:
    global _pool
    if _pool is None:
        _pool = await asyncpg.create_pool(
            dsn,
            min_size=0,
            max_size=4,
            statement_cache_size=0,
            timeout=CONNECT_TIMEOUT_SECONDS,
        )


def pool() -> asyncpg.Pool:
    if _pool is None:
        raise RuntimeError("operator pool is not started")
    return _pool


async def stop() -> None:
    global _pool
    if _pool is not None:
        await _pool.close()
        _pool = None
