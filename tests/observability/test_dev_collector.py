"""The development trace collector (infra/otel) takes an OTLP/HTTP export from the SDK's own
exporter and shows the trace."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from infra import otel


@pytest.fixture(scope="module")
def collector() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server, env = otel.prepare(Path("."), port, keep=5)
    assert env == {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}"}
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def test_an_exported_trace_is_shown(collector: str) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "trekant-api"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(f"{collector}/v1/traces")))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("GET /api/worklist") as root:
        with tracer.start_as_current_span("SELECT trekant_test"):
            pass
    provider.shutdown()
    trace_id = format(root.get_span_context().trace_id, "032x")
    listed = httpx.get(f"{collector}/api/traces").json()
    mine = [t for t in listed if t["trace_id"] == trace_id]
    assert mine == [
        {
            "trace_id": trace_id,
            "name": "GET /api/worklist",
            "services": ["trekant-api"],
            "spans": 2,
            "duration_ms": mine[0]["duration_ms"],
            "error": False,
        }
    ]
    page = httpx.get(f"{collector}/trace/{trace_id}")
    assert page.status_code == 200
    assert "SELECT trekant_test" in page.text and "GET /api/worklist" in page.text
    assert httpx.get(f"{collector}/").text.count(f"/trace/{trace_id}") == 1


def test_json_exports_are_taken_too(collector: str) -> None:
    body = {
        "resourceSpans": [
            {
                "resource": {"attributes": []},
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": "5B8EFFF798038103D269B633813FC60C",
                                "spanId": "EEE19B7EC3C1B174",
                                "name": "job run_outbox_job",
                                "startTimeUnixNano": "1000000",
                                "endTimeUnixNano": "3000000",
                            }
                        ]
                    }
                ],
            }
        ]
    }
    r = httpx.post(f"{collector}/v1/traces", json=body)
    assert r.status_code == 200
    listed = httpx.get(f"{collector}/api/traces").json()
    assert listed[0]["name"] == "job run_outbox_job"
