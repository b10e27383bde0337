"""The development trace collector (see ``infra/otel/__init__.py``).

HTTP on ``--port``: POST /v1/traces (OTLP/HTTP, protobuf or JSON), GET / (the last traces,
newest first), GET /trace/<trace id> (one trace as a tree of spans), GET /api/traces (JSON),
GET /health. Keeps the last ``--keep`` traces in memory only.
"""

from __future__ import annotations

import argparse
import html
import json
import threading
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

KEEP = 200
TRACES: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
LOCK = threading.Lock()
KINDS = {0: "", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}


def _value(v: Any) -> Any:
    kind = v.WhichOneof("value")
    return (
        getattr(v, kind)
        if kind in ("string_value", "bool_value", "int_value", "double_value")
        else str(v)
    )


def receive(request: ExportTraceServiceRequest) -> int:
    spans = 0
    with LOCK:
        for rs in request.resource_spans:
            service = next(
                (_value(a.value) for a in rs.resource.attributes if a.key == "service.name"), "?"
            )
            for ss in rs.scope_spans:
                for s in ss.spans:
                    trace_id = s.trace_id.hex()
                    TRACES.setdefault(trace_id, []).append(
                        {
                            "trace_id": trace_id,
                            "span_id": s.span_id.hex(),
                            "parent_span_id": s.parent_span_id.hex() or None,
                            "name": s.name,
                            "service": service,
                            "kind": KINDS.get(s.kind, str(s.kind)),
                            "start_ns": s.start_time_unix_nano,
                            "duration_ms": (s.end_time_unix_nano - s.start_time_unix_nano) / 1e6,
                            "error": s.status.code == 2,
                            "attributes": {a.key: _value(a.value) for a in s.attributes},
                        }
                    )
                    TRACES.move_to_end(trace_id)
                    spans += 1
        while len(TRACES) > KEEP:
            TRACES.popitem(last=False)
    return spans


def _summaries() -> list[dict[str, Any]]:
    with LOCK:
        items = list(TRACES.items())
    out = []
    for trace_id, spans in reversed(items):
        ids = {s["span_id"] for s in spans}
        roots = [s for s in spans if s["parent_span_id"] not in ids] or spans
        root = min(roots, key=lambda s: s["start_ns"])
        out.append(
            {
                "trace_id": trace_id,
                "name": root["name"],
                "services": sorted({s["service"] for s in spans}),
                "spans": len(spans),
                "duration_ms": root["duration_ms"],
                "error": any(s["error"] for s in spans),
            }
        )
    return out


def _tree(spans: list[dict[str, Any]]) -> str:
    ids = {s["span_id"] for s in spans}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for s in sorted(spans, key=lambda s: s["start_ns"]):
        children.setdefault(s["parent_span_id"] if s["parent_span_id"] in ids else None, []).append(
            s
        )
    start = min(s["start_ns"] for s in spans)
    rows: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for s in children.get(parent, []):
            attrs = ", ".join(f"{k}={v}" for k, v in s["attributes"].items())
            rows.append(
                f"<tr><td style='padding-left:{depth * 1.5}em'>{html.escape(s['name'])}</td>"
                f"<td>{html.escape(s['service'])}</td><td>{s['kind']}</td>"
                f"<td>+{(s['start_ns'] - start) / 1e6:.1f} ms</td>"
                f"<td>{s['duration_ms']:.1f} ms</td>"
                f"<td><small>{html.escape(attrs)}</small></td></tr>"
            )
            walk(s["span_id"], depth + 1)

    walk(None, 0)
    return "".join(rows)


PAGE = """<!doctype html><html lang="da"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{text-align:left;padding:.2em .6em;
vertical-align:top}}tr:nth-child(even){{background:#f3f3f3}}</style></head><body>{body}</body></html>"""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        if self.path != "/v1/traces":
            self._send(404, b"", "text/plain")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        request = ExportTraceServiceRequest()
        as_json = self.headers.get("Content-Type", "").startswith("application/json")
        try:
            if as_json:
                json_format.Parse(body, request)
            else:
                request.ParseFromString(body)
        except Exception:
            self._send(400, b"not an OTLP trace export", "text/plain")
            return
        receive(request)
        if as_json:
            self._send(200, b"{}", "application/json")
        else:
            self._send(
                200, ExportTraceServiceResponse().SerializeToString(), "application/x-protobuf"
            )

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, b"ok", "text/plain")
        elif self.path == "/api/traces":
            self._send(200, json.dumps(_summaries()).encode(), "application/json")
        elif self.path.startswith("/api/traces/"):
            with LOCK:
                spans = list(TRACES.get(self.path.rsplit("/", 1)[1], []))
            self._send(200 if spans else 404, json.dumps(spans).encode(), "application/json")
        elif self.path.startswith("/trace/"):
            with LOCK:
                spans = list(TRACES.get(self.path.rsplit("/", 1)[1], []))
            if not spans:
                self._send(404, b"ukendt spor", "text/plain")
                return
            body = (
                "<p><a href='/'>Alle spor</a></p><h1>Spor</h1><table><tr><th>Span</th>"
                "<th>Tjeneste</th><th>Art</th><th>Start</th><th>Varighed</th><th>Attributter</th>"
                f"</tr>{_tree(spans)}</table>"
            )
            self._send(
                200, PAGE.format(title="Spor", body=body).encode(), "text/html; charset=utf-8"
            )
        elif self.path == "/":
            rows = "".join(
                f"<tr><td><a href='/trace/{t['trace_id']}'>{html.escape(t['name'])}</a></td>"
                f"<td>{', '.join(t['services'])}</td><td>{t['spans']}</td>"
                f"<td>{t['duration_ms']:.1f} ms</td><td>{'fejl' if t['error'] else ''}</td></tr>"
                for t in _summaries()
            )
            body = (
                "<h1>Trekant: spor (udvikling)</h1><p>De seneste spor, nyeste først.</p>"
                "<table><tr><th>Forespørgsel eller job</th><th>Tjenester</th><th>Spans</th>"
                f"<th>Varighed</th><th></th></tr>{rows}</table>"
            )
            self._send(
                200, PAGE.format(title="Spor", body=body).encode(), "text/html; charset=utf-8"
            )
        else:
            self._send(404, b"", "text/plain")


def main() -> None:
    global KEEP
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keep", type=int, default=200)
    args = parser.parse_args()
    KEEP = args.keep
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
