"""Statistics' outbox job: send one delivery to Danmarks Statistik."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from backend.outbox.service import outbox_job
from backend.statistics.service import SEND_JOB, send_delivery
from tenancy.context import TenantScope

log = logging.getLogger("trekant.statistics")


@outbox_job(SEND_JOB)
async def run_send(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    outcome = await send_delivery(uuid.UUID(payload["delivery_id"]))
    log.info("DST delivery %s in %s: %s", payload["delivery_id"], scope.code, outcome)
