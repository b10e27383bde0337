"""The daily raw data's jobs: "Dan udtræk nu" (an outbox job) and the nightly run for
every active kommune (an arq cron job in ``backend.worker``)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from backend.db import DB
from backend.extract import service
from backend.outbox import repository as outbox_repo
from backend.outbox.service import outbox_job
from tenancy.context import TenantScope, tenant_transaction

log = logging.getLogger("trekant.extract")


@outbox_job(service.RUN_JOB)
async def run_now(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await service.run_extract(scope.code, str(payload["actor"]))


async def nightly_extract(ctx: dict[str, Any]) -> int:
    """Last night's raw data for every active kommune, one transaction each."""
    made = 0
    for code in await outbox_repo.list_active_kommuner():
        try:
            async with tenant_transaction(DB, code):
                await service.run_extract(code, "trekant:nat")
            made += 1
        except Exception:
            log.exception("the nightly raw data extract of %s failed", code)
    return made
