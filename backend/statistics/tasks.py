"""Statistics' jobs: send one delivery to Danmarks Statistik (an outbox job), and the
nightly automatic send for every kommune that turned it on (an arq cron job in
``backend.worker``)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from backend.db import DB
from backend.outbox import repository as outbox_repo
from backend.outbox.service import outbox_job
from backend.statistics.service import SEND_JOB, auto_send, send_delivery
from tenancy.context import TenantScope, tenant_transaction

log = logging.getLogger("trekant.statistics")


@outbox_job(SEND_JOB)
async def run_send(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    outcome = await send_delivery(uuid.UUID(payload["delivery_id"]))
    log.info("DST delivery %s in %s: %s", payload["delivery_id"], scope.code, outcome)


async def nightly_dst(ctx: dict[str, Any]) -> dict[str, str]:
    """Every active kommune, one transaction each: with "send automatisk" on, what is due is
    made into a delivery and sent by the same outbox job as a manual send."""
    outcome: dict[str, str] = {}
    for code in await outbox_repo.list_active_kommuner():
        try:
            async with tenant_transaction(DB, code):
                outcome[code] = await auto_send()
        except Exception:
            log.exception("the nightly DST delivery of %s failed", code)
            outcome[code] = "fejl"
    return outcome
