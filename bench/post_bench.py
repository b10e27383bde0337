"""A letter through the outbox to the development Digital Post server (issue 15, "Speed"):
``post.send_letter`` commits a delivery and relays its outbox job to Redis; a real arq
worker (in this process, the worker's own settings: poll every 0.5 s) runs it, building the
MeMo and calling SF1601 KombiPostAfsend on the development server, which validates and
stores it; the clock stops when the delivery row says ``sendt``. Target: p95 <= 2 s.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import fresh_database, pct, report, start_services, summary
from infra.devprocess import free_port

KOMMUNE = "1200"
LETTERS = int(os.environ.get("BENCH_POST_LETTERS", "20"))
# The knobs that make it tiny (tests/bench/test_bench_smoke.py).
SMOKE = {"BENCH_POST_LETTERS": "2"}


def _pdf() -> bytes:
    from weasyprint import HTML

    text = "<p>Kommunen har modtaget en underretning om dit barn.</p>" * 40
    out: bytes = HTML(string=f"<h1>Orientering</h1>{text}").write_pdf()
    return out


async def run() -> list[dict[str, object]]:
    server, redis_url, services = start_services()
    tmp = tempfile.TemporaryDirectory()
    dp = None
    cpr = None
    try:
        db_url = await fresh_database(server)
        os.environ.update(
            {
                "DATABASE_URL": db_url,
                "REDIS_URL": redis_url,
                "TREKANT_ENV": "test",
                "TREKANT_CPR_DEMO_FILE": str(Path(tmp.name) / "cpr.json"),
            }
        )
        from arq.worker import Worker

        import backend.jobs  # noqa: F401 - registers post.deliver
        from backend import db, queue
        from backend.config import load_settings
        from backend.db import DB
        from backend.demo import seed_kommune
        from backend.outbox.tasks import run_outbox_job
        from backend.post.service import Recipient, send_letter
        from infra import digitalpost
        from tenancy.context import run_after_commit, tenant_transaction
        from tenancy.names import app_role
        from tenancy.registry import Registry, role_dsn

        settings = load_settings()
        reg = Registry(db_url, settings.role_prefix)
        await reg.bootstrap()
        await reg.create(KOMMUNE, "Postby")
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        dp, env = digitalpost.prepare(
            Path(tmp.name), port, {KOMMUNE: "Postby Kommune"}, "http://127.0.0.1:9"
        )
        os.environ.update(env)
        dp.start()
        # The CPR register (asked whether the recipient is exempt from Digital Post).
        from infra import sf1520

        cpr, env = sf1520.prepare(Path(tmp.name), free_port(), Path(tmp.name) / "cpr.json")
        os.environ.update(env)
        cpr.start()
        db.configure(role_dsn(db_url, app_role(settings.role_prefix), settings.app_db_password))
        await db.start_pool(min_size=1, max_size=4)
        await queue.start(redis_url)
        await seed_kommune(KOMMUNE, 3, seed=7)
        async with tenant_transaction(DB, KOMMUNE) as scope:
            case_id = await scope.connection.fetchval("SELECT id FROM hovedsag LIMIT 1")
        worker = Worker(
            functions=[run_outbox_job],
            redis_settings=queue.redis_settings(redis_url),
            handle_signals=False,
            keep_result=30,
            max_tries=5,
        )
        task = asyncio.create_task(worker.async_run())
        pdf = _pdf()
        timings: list[float] = []
        try:
            for n in range(LETTERS + 2):
                t0 = time.perf_counter()
                async with tenant_transaction(DB, KOMMUNE) as scope:
                    [did] = await send_letter(
                        case_id=case_id,
                        letter_id=uuid.uuid4(),
                        document_id=uuid.uuid4(),
                        title=f"Orientering om underretning {n}",
                        pdf=pdf,
                        recipients=[Recipient("Mette Benchsen", "Mor", cpr="0101801234")],
                    )
                await run_after_commit(scope)
                while True:
                    async with tenant_transaction(DB, KOMMUNE) as scope:
                        status = await scope.connection.fetchval(
                            "SELECT status FROM delivery WHERE id = $1", did
                        )
                    if status != "afventer":
                        break
                    if time.perf_counter() - t0 > 30:
                        raise RuntimeError("the delivery was not sent within 30 s")
                    await asyncio.sleep(0.01)
                assert status == "sendt", status
                if n >= 2:  # the first two warm up (imports, connections)
                    timings.append((time.perf_counter() - t0) * 1000)
        finally:
            await worker.close()
            task.cancel()
            await queue.stop()
            await db.close_pool()
        return [
            report(
                "A letter through the outbox to the development Digital Post server",
                summary(timings),
                "p95 <= 2000 ms",
                pct(timings, 0.95) <= 2000,
            )
        ]
    finally:
        if dp is not None:
            dp.stop()
        if cpr is not None:
            cpr.stop()
        services.stop()  # type: ignore[attr-defined]
        tmp.cleanup()


def main() -> list[dict[str, object]]:
    return asyncio.run(run())
