"""The audit events a test looks for, as the kommune's log holds them (written in the
request's transaction: there as soon as its answer is)."""

from __future__ import annotations

import json
from typing import Any

from backend.db import DB
from tenancy.context import tenant_transaction


async def audited(code: str, action: str, **where: str) -> list[dict[str, Any]]:
    """Kommune ``code``'s events of ``action`` in order, each as {at, actor, action, subject,
    detail}; ``where`` narrows on columns (``subject=…``, ``actor=…``)."""
    sql = (
        "SELECT at, actor, action, subject, detail::text AS detail FROM audit_event "
        "WHERE action = $1"
    )
    args: list[Any] = [action]
    for column, value in where.items():
        assert column in {"subject", "actor"}, column
        args.append(value)
        sql += f" AND {column} = ${len(args)}"
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(sql + " ORDER BY id", *args)
    return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]
