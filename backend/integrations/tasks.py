"""The worker's scheduled FK Organisation import: every night, for each active kommune that
has FK Organisation set up and enabled, one import run through the outbox."""

from __future__ import annotations

import logging
from typing import Any

from backend.db import DB, fetch_as_app
from backend.integrations import fkorg
from tenancy.context import run_after_commit, tenant_transaction

log = logging.getLogger("trekant.integrations")


async def nightly_fkorg_import(ctx: dict[str, Any]) -> int:
    rows = await fetch_as_app(
        "SELECT s.code FROM shared.national_service s JOIN shared.tenant t USING (code) "
        "WHERE s.kind = 'sf1500' AND s.enabled AND t.status = 'active' ORDER BY s.code"
    )
    queued = 0
    for row in rows:
        try:
            async with tenant_transaction(DB, row["code"]) as scope:
                await fkorg.request_import("trekant:nat")
            await run_after_commit(scope)
            queued += 1
        except Exception:
            log.exception("the nightly FK Organisation import of %s was not queued", row["code"])
    return queued
