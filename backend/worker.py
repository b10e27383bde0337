"""The arq worker: runs outbox jobs inside tenant transactions, sweeps missed relays.

Run with ``trekant worker`` (``just run`` starts it). ``TREKANT_WORKER_CONCURRENCY`` (or
``--concurrency``) jobs at a time. On SIGTERM it takes no new job and gives the running ones
``TREKANT_SHUTDOWN_SECONDS`` (default 30) to finish; a job still running then is cancelled
and arq queues it again (its handler is idempotent: the outbox row is done once).
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from arq import cron

import backend.jobs  # noqa: F401 - registers outbox jobs
from backend import db, queue
from backend.audit.seal import SEAL_EVERY_SECONDS, seal_audit
from backend.config import get_settings
from backend.extract.tasks import nightly_extract
from backend.integrations.tasks import nightly_fkorg_import
from backend.observability.logs import configure_logging
from backend.observability.tracing import configure_tracing
from backend.operator.tasks import migrate_all, onboard_kommune
from backend.outbox.tasks import run_outbox_job, sweep
from backend.post.senders import require_config as require_digital_post
from backend.sealing import require_key as require_data_key
from backend.statistics.tasks import nightly_dst
from tenancy.names import app_role
from tenancy.registry import role_dsn


async def startup(ctx: dict[str, Any]) -> None:
    configure_logging()
    configure_tracing("trekant-worker")
    settings = get_settings()
    require_data_key(settings)  # onboarding and transfers seal with it: fail at start
    require_digital_post(settings)  # no Digital Post without mTLS and a token in production
    db.configure(
        role_dsn(settings.database_url, app_role(settings.role_prefix), settings.app_db_password)
    )
    await db.start_pool(min_size=1, max_size=10)
    await queue.start(settings.redis_url)


async def shutdown(ctx: dict[str, Any]) -> None:
    await queue.stop()
    await db.close_pool()


def worker_settings(**overrides: Any) -> dict[str, Any]:
    settings = get_settings()
    base: dict[str, Any] = {
        "functions": [run_outbox_job, onboard_kommune, migrate_all],
        "cron_jobs": [
            cron(sweep, second={0, 15, 30, 45}, run_at_startup=True),
            # The audit events of the last seconds, chained by hash (backend/audit/seal.py).
            cron(seal_audit, second=set(range(0, 60, SEAL_EVERY_SECONDS)), run_at_startup=True),
            # The daily raw data (backend/extract), at 02:30 (the worker's clock, UTC).
            cron(nightly_extract, hour={2}, minute={30}, second={0}),
            # Danmarks Statistik's automatic send (backend/statistics), at 03:15.
            cron(nightly_dst, hour={3}, minute={15}, second={0}),
            # Users and teams from FK Organisation (backend/integrations), at 03:15.
            cron(nightly_fkorg_import, hour={3}, minute={15}, second={0}),
        ],
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": queue.redis_settings(settings.redis_url),
        "keep_result": 30,
        "max_tries": 5,
        # A job's time limit; a job whose worker died (SIGKILL, a lost machine) is run again
        # by another worker this + 10 s after it started (arq's in-progress mark expires).
        "job_timeout": int(os.environ.get("TREKANT_JOB_TIMEOUT_SECONDS", "300")),
        "handle_signals": True,
        "max_jobs": int(os.environ.get("TREKANT_WORKER_CONCURRENCY", "10")),
        # On SIGTERM: take no new job, let the running ones finish for this long.
        "job_completion_wait": int(os.environ.get("TREKANT_SHUTDOWN_SECONDS", "30")),
    }
    base.update(overrides)
    return base


class WorkerSettings:
    """For ``arq backend.worker.WorkerSettings``; prefer ``trekant worker``."""

    functions: ClassVar[list[Any]] = [run_outbox_job, onboard_kommune, migrate_all]
    on_startup = startup
    on_shutdown = shutdown
