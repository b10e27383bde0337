"""Outbox jobs of the money package: applying and reverting price updates. Each runs in
the kommune's tenant transaction (the worker's), once per outbox row."""

from __future__ import annotations

import uuid
from typing import Any

from backend.money import pricing
from backend.outbox.service import outbox_job
from tenancy.context import TenantScope


@outbox_job(pricing.UPDATE_JOB)
async def apply_price_update(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    await pricing.run_update(scope.code, uuid.UUID(payload["price_update_id"]))


@outbox_job(pricing.REVERT_JOB)
async def revert_price_update(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    await pricing.run_revert(scope.code, uuid.UUID(payload["price_update_id"]), payload["actor"])
