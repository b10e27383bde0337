"""The readiness check's one query: every kommune schema's migration version (through the
registry's definer function, on the operator's pool, which reads no kommune data)."""

from __future__ import annotations

from backend.identity import operator_db


async def kommune_versions() -> dict[str, int]:
    async with operator_db.pool().acquire() as c:
        rows = await c.fetch("SELECT code, version FROM shared.kommune_versions()")
    return {r["code"]: r["version"] for r in rows}
