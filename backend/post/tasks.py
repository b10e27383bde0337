"""Post's outbox job: one attempt of one delivery, in the kommune's tenant transaction."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from backend.outbox.service import outbox_job
from backend.post.service import DELIVER_JOB, deliver
from tenancy.context import TenantScope

log = logging.getLogger("trekant.post")


@outbox_job(DELIVER_JOB)
async def run_delivery(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    outcome = await deliver(uuid.UUID(payload["delivery_id"]))
    log.info("delivery %s in %s: %s", payload["delivery_id"], scope.code, outcome)
