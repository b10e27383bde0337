"""``python -m tests.cli.slow_worker <queue>``: Trekant's worker settings (graceful
shutdown, concurrency) with one job that records its runs in Redis, on a queue of its own.
Used by test_shutdown.py; not a test module."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from arq.worker import run_worker

from backend.worker import WorkerSettings, worker_settings


async def slow_job(ctx: dict[str, Any], key: str, first_try_seconds: float) -> str:
    """Records ``start <try>``, works (the first try ``first_try_seconds`` long), records
    ``done <try>``."""
    redis = ctx["redis"]
    await redis.rpush(key, f"start {ctx['job_try']}")
    if ctx["job_try"] == 1:
        await asyncio.sleep(first_try_seconds)
    await redis.rpush(key, f"done {ctx['job_try']}")
    return "done"


if __name__ == "__main__":
    run_worker(
        WorkerSettings,  # type: ignore[arg-type]  # arq's settings class protocol
        **worker_settings(functions=[slow_job], cron_jobs=[], queue_name=sys.argv[1]),
    )
