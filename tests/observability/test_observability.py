"""Health (live, ready), /metrics, JSON logs and traces, in-process on the running app."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
from arq.connections import ArqRedis
from arq.jobs import Job
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from backend import queue
from backend.observability.logs import JsonFormatter
from backend.observability.tracing import configure_tracing
from backend.outbox.tasks import run_outbox_job
from tests.conftest import KOMMUNE_A, new_kommune
from tests.factories import child

ROOT = Path(__file__).resolve().parents[2]
A = KOMMUNE_A[0]


# --- health ---------------------------------------------------------------------------


async def test_live_answers_without_asking_anything(http) -> None:  # type: ignore[no-untyped-def]
    r = await http.get("/health/live")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_ready_when_database_redis_and_migrations_are(http, seeded) -> None:  # type: ignore[no-untyped-def]
    r = await http.get("/health/ready")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready"
    assert body["reasons"] == [] and body["behind"] == []


async def test_not_ready_when_redis_is_down(http, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A real client to a port nothing listens on (connections are made on first use).
    down = ArqRedis.from_url("redis://127.0.0.1:9", socket_connect_timeout=1)
    monkeypatch.setattr(queue, "_pool", down)
    try:
        r = await http.get("/health/ready")
        live = await http.get("/health/live")
    finally:
        await down.aclose()
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "not_ready"
    assert body["reasons"] == ["redis"]
    assert body["redis"]["ok"] is False and body["database"]["ok"] is True
    # Liveness does not ask Redis: the process is fine, only not ready.
    assert live.status_code == 200


async def test_not_ready_while_a_kommune_schema_is_behind(
    http, registry, fresh_code, settings
) -> None:  # type: ignore[no-untyped-def]
    await new_kommune(registry, fresh_code, "Bagudby")
    owner = await asyncpg.connect(settings.database_url)
    try:
        last = await owner.fetchrow(
            f"DELETE FROM k{fresh_code}.schema_migrations WHERE version = "
            f"(SELECT max(version) FROM k{fresh_code}.schema_migrations) RETURNING *"
        )
        try:
            r = await http.get("/health/ready")
            assert r.status_code == 503
            assert r.json()["reasons"] == ["migrations"]
            assert r.json()["behind"] == [fresh_code]
        finally:
            await owner.execute(
                f"INSERT INTO k{fresh_code}.schema_migrations (version, name, checksum, "
                "applied_at) VALUES ($1, $2, $3, $4)",
                *last.values(),
            )
    finally:
        await owner.close()
    assert (await http.get("/health/ready")).status_code == 200


# --- metrics ---------------------------------------------------------------------------


async def test_metrics_label_the_route_template_not_the_path(as_user, http) -> None:  # type: ignore[no-untyped-def]
    c = await as_user(A)
    made = await child(c)
    assert (await c.get(f"/api/cases/{made.case_id}")).status_code == 200
    text = (await http.get("/metrics")).text
    line = next(
        ln
        for ln in text.splitlines()
        if ln.startswith("trekant_http_requests_total{")
        and 'route="/api/cases/{case_id}"' in ln
        and 'method="GET"' in ln
        and 'status="200"' in ln  # not a 404 an earlier test in the process counted
    )
    assert 'kommune="0101"' in line
    assert made.case_id not in text and made.cpr not in text
    assert made.cpr.replace("-", "") not in text
    assert "trekant_http_request_duration_seconds_bucket{" in text
    assert re.search(r'^trekant_db_pool_connections\{state="size"\} [1-9]', text, re.M)
    assert "trekant_job_queue_depth " in text


async def test_metrics_need_the_token_in_production(app, http) -> None:  # type: ignore[no-untyped-def]
    settings = app.state.settings
    try:
        app.state.settings = msgspec.structs.replace(settings, env="production")
        assert (await http.get("/metrics")).status_code == 401
        app.state.settings = msgspec.structs.replace(
            settings, env="production", metrics_token="drift-hemmelighed"
        )
        assert (await http.get("/metrics")).status_code == 401
        wrong = {"Authorization": "Bearer forkert"}
        assert (await http.get("/metrics", headers=wrong)).status_code == 401
        right = {"Authorization": "Bearer drift-hemmelighed"}
        r = await http.get("/metrics", headers=right)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/plain")
    finally:
        app.state.settings = settings


async def test_every_metric_on_the_dashboard_exists(as_user, http) -> None:  # type: ignore[no-untyped-def]
    c = await as_user(A)
    assert (await c.get("/api/worklist")).status_code == 200
    text = (await http.get("/metrics")).text
    families = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
    suffixes = ("", "_total", "_bucket", "_sum", "_count", "_created")
    exported = {f + s for f in families for s in suffixes}
    dashboard = json.loads((ROOT / "infra" / "grafana" / "trekant.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert len(exprs) >= 8
    named = {m for e in exprs for m in re.findall(r"\b(trekant_[a-z_]+)\b", e)}
    assert named, exprs
    assert named <= exported, named - exported


# --- logs ------------------------------------------------------------------------------


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield out
    finally:
        root.removeHandler(handler)


async def test_a_request_logs_one_json_line_with_its_request_id(as_user, json_lines) -> None:  # type: ignore[no-untyped-def]
    c = await as_user(A)
    r = await c.get("/api/worklist", headers={"X-Request-Id": "proxy-id-0001"})
    assert r.status_code == 200
    assert r.headers["x-request-id"] == "proxy-id-0001"
    lines = [json.loads(ln) for ln in json_lines.getvalue().splitlines()]
    access = [ln for ln in lines if ln["logger"] == "trekant.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == "proxy-id-0001"
    assert access[0]["route"] == "/api/worklist"
    assert access[0]["kommune"] == A
    assert access[0]["level"] == "info"
    assert access[0]["message"].startswith("GET /api/worklist 200 ")


async def test_a_request_id_of_the_clients_choosing_is_replaced(http) -> None:  # type: ignore[no-untyped-def]
    r = await http.get("/health/live", headers={"X-Request-Id": "evil\ttext in the log"})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
    r = await http.get("/health/live")
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


def test_a_cpr_number_in_a_log_message_is_redacted(json_lines) -> None:  # type: ignore[no-untyped-def]
    log = logging.getLogger("trekant.test")
    log.warning("opslag på %s og 0101901234 i sag 12345678901", "010190-1234")
    try:
        raise ValueError("CPR 2512894321 findes ikke")
    except ValueError:
        log.exception("fejl")
    lines = [json.loads(ln) for ln in json_lines.getvalue().splitlines()]
    assert lines[0]["message"] == "opslag på [cpr] og [cpr] i sag 12345678901"
    assert "2512894321" not in lines[1]["exception"] and "[cpr]" in lines[1]["exception"]


# --- traces ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    assert configure_tracing("trekant-test", exporter)
    return exporter


def _attrs(span: Any) -> str:
    return json.dumps(dict(span.attributes or {}), default=str)


async def test_a_request_is_traced_to_the_database_and_to_its_job(as_user, spans) -> None:  # type: ignore[no-untyped-def]
    c = await as_user(A)
    spans.clear()
    made = await child(c)  # the registration queues the cross-kommune index job
    server = [s for s in spans.get_finished_spans() if s.name == "POST /api/children"]
    assert len(server) == 1
    trace_id = server[0].context.trace_id
    db = [
        s
        for s in spans.get_finished_spans()
        if s.context.trace_id == trace_id and s.attributes and "db.system" in s.attributes
    ]
    assert db, [s.name for s in spans.get_finished_spans()]
    assert all(s.parent is not None for s in db)
    for s in spans.get_finished_spans():
        assert made.cpr not in _attrs(s) and made.cpr.replace("-", "") not in _attrs(s)
        assert "Testesen" not in _attrs(s)

    # The job the request queued carries the trace; run it as the worker would.
    pool = queue.get()
    keys = [k.decode() for k in await pool.keys("arq:job:outbox:*")]
    infos = [await Job(k.removeprefix("arq:job:"), pool).info() for k in keys]
    hex_id = format(trace_id, "032x")
    mine = [
        i for i in infos if i and hex_id in (i.kwargs.get("trace") or {}).get("traceparent", "")
    ]
    assert len(mine) >= 1
    spans.clear()
    job = mine[0]
    assert await run_outbox_job({}, job.args[0], job.args[1], **job.kwargs) in (
        "done",
        "already-done",
    )
    consumer = [s for s in spans.get_finished_spans() if s.name == "job run_outbox_job"]
    assert len(consumer) == 1
    assert consumer[0].context.trace_id == trace_id
