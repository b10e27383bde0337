"""The outbox jobs across kommuner, registered by name (``backend.jobs`` imports this
module). Each job runs in the kommune whose
outbox holds it, once; the work is done by the use-case modules."""

from __future__ import annotations

import uuid
from typing import Any

from backend.crosskommune import forward, request, send
from backend.crosskommune.common import IMPORT_JOB
from backend.outbox.service import outbox_job
from tenancy.context import TenantScope


@outbox_job("cross.transfer_received")
async def _received(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await send.note_received(scope, uuid.UUID(payload["transfer_id"]), payload.get("from"))


@outbox_job(IMPORT_JOB)
async def _import(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    """Import an accepted transfer, exactly once."""
    await send.import_transfer(scope, uuid.UUID(payload["transfer_id"]), payload.get("accepted_by"))


@outbox_job("cross.transfer_accepted")
async def _accepted(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await send.hear_accepted(scope, uuid.UUID(payload["transfer_id"]))


@outbox_job("cross.transfer_rejected")
async def _rejected(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await send.hear_rejected(scope, uuid.UUID(payload["transfer_id"]))


@outbox_job("cross.transfer_failed")
async def _failed(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await send.hear_failed(scope, uuid.UUID(payload["transfer_id"]))


@outbox_job("cross.transfer_completed")
async def _completed(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    """The receiver holds the case now: close it here, keep the package as sent."""
    await send.complete_sent(scope, uuid.UUID(payload["transfer_id"]))


@outbox_job("cross.notification_forwarded")
async def _forwarded(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await forward.receive_forwarded(scope, uuid.UUID(payload["forward_id"]))


@outbox_job("cross.request_received")
async def _request_received(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    await request.note_request_received(scope, uuid.UUID(payload["request_id"]))


@outbox_job("cross.request_answered")
async def _request_answered(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    await request.note_request_answered(scope, uuid.UUID(payload["request_id"]))
