"""Retention's job: an approved deletion, run by the outbox worker."""

from __future__ import annotations

import uuid
from typing import Any

from backend.outbox.service import outbox_job
from backend.retention import service
from tenancy.context import TenantScope


@outbox_job(service.DELETE_JOB)
async def delete_cases(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await service.run_deletion(scope.code, uuid.UUID(payload["run_id"]), payload.get("batch"))
