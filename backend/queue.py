"""The arq connection shared by the API process (relay) and the worker."""

from __future__ import annotations

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

_pool: ArqRedis | None = None


def redis_settings(url: str) -> RedisSettings:
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = 2
    settings.conn_retries = 2
    return settings


async def start(url: str) -> ArqRedis:
    global _pool
    if _pool is None:
        _pool = await create_pool(redis_settings(url))
    return _pool


def get() -> ArqRedis:
    if _pool is None:
        raise RuntimeError("the job queue is not started")
    return _pool


async def stop() -> None:
    global _pool
    if _pool is not None:
        await _pool.aclose()
        _pool = None
