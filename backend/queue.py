"""The arq connection shared by the API process (relay) and the worker."""

from __future__ import annotations

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

_pool: ArqRedis | None = None


def redis_settings(url: str) -> RedisSettings:
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = 2
    settings.conn_retries = 2
    # After a restart of Redis the pooled connections are dead: a command that meets one
    # is tried once more on a fresh connection, so the first requests after the restart
    # succeed instead of answering 503 (tests/faults/test_redis_restart.py).
    settings.retry_on_error = [RedisConnectionError]
    settings.retry = Retry(NoBackoff(), 1)
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
