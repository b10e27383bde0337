"""Operator jobs, run by the worker with the owner's rights (DATABASE_URL): onboarding a
kommune and migrating all kommuner. Progress is kept in Redis for the console to poll."""

from __future__ import annotations

import base64
from typing import Any

from redis.asyncio import Redis

from backend import queue
from backend.config import get_settings
from backend.core import progress
from backend.db import DB
from backend.operator import repository as repo
from backend.users.repository import insert_first_administrator
from tenancy.context import run_after_commit, tenant_transaction
from tenancy.registry import Registry


def job_key(job_id: str) -> str:
    return f"trekant:opjob:{job_id}"


async def set_progress(redis: Redis, job_id: str, **fields: Any) -> None:
    """Merge ``fields`` into the job's progress (``backend.core.progress``)."""
    await progress.record(redis, job_key(job_id), **fields)


def _registry() -> Registry:
    s = get_settings()
    return Registry(
        s.database_url,
        s.role_prefix,
        app_password=s.app_db_password,
        operator_password=s.operator_db_password,
    )


async def operator_audit(
    reg: Registry, actor: str, action: str, code: str | None, detail: dict[str, Any]
) -> None:
    conn = await reg.connect()
    try:
        await repo.insert_operator_audit(conn, actor, action, code, detail)
    finally:
        await conn.close()


async def onboard_kommune(
    ctx: dict[str, Any], job_id: str, actor: str, spec: dict[str, Any]
) -> str:
    """Create the kommune, configure its identity provider, provision its first admin."""
    redis = queue.get()
    reg = _registry()
    code = spec["code"]
    await set_progress(
        redis,
        job_id,
        status="running",
        done=0,
        total=3,
        message="Opretter skema, rolle og tabeller",
    )
    try:
        await reg.create(code, spec["name"])
        await set_progress(redis, job_id, done=1, message="Gemmer identitetsudbyder")
        sealed = spec.get("idp_client_secret_sealed")
        await reg.set_idp(
            code,
            spec["idp_issuer"],
            spec["idp_client_id"],
            spec.get("idp_client_secret_ref"),
            sealed_secret=base64.b64decode(sealed) if sealed else None,
        )
        await reg.set_login_claim(code, spec.get("login_claim") or "preferred_username")
        await set_progress(redis, job_id, done=2, message="Opretter første administrator")
        async with tenant_transaction(DB, code) as scope:
            user_id = await insert_first_administrator(
                spec["admin_username"], spec["admin_display_name"], f"drift:{actor}"
            )
            from backend.audit.service import record

            await record(
                f"drift:{actor}",
                "user.provisioned",
                str(user_id),
                username=spec["admin_username"],
                roles=["administrator"],
            )
        await run_after_commit(scope)
        await operator_audit(
            reg,
            actor,
            "kommune.onboarded",
            code,
            {"name": spec["name"], "issuer": spec["idp_issuer"], "admin": spec["admin_username"]},
        )
    except Exception as exc:
        await set_progress(redis, job_id, status="failed", message=str(exc))
        await operator_audit(reg, actor, "kommune.onboard_failed", code, {"error": str(exc)})
        raise
    await set_progress(redis, job_id, status="done", done=3, message="Kommunen er oprettet")
    return "done"


async def migrate_all(ctx: dict[str, Any], job_id: str, actor: str) -> str:
    redis = queue.get()
    reg = _registry()
    failed: list[str] = []

    async def progress(res: Any, done: int, total: int) -> None:
        if res.error:
            failed.append(res.code)
        await set_progress(
            redis,
            job_id,
            status="running",
            done=done,
            total=total,
            message=f"{res.code}: version {res.after}",
            failed=failed,
        )

    results = await reg.migrate_all(progress=progress)
    status = "failed" if failed else "done"
    await set_progress(
        redis,
        job_id,
        status=status,
        done=len(results),
        total=len(results),
        failed=failed,
        message=("Fejlede: " + ", ".join(failed)) if failed else "Alle kommuner er opdaterede",
    )
    await operator_audit(reg, actor, "kommuner.migrated", None, {"failed": failed})
    return status
