"""The outermost middleware: a request id (``X-Request-Id`` in and out), the request's
span, its metrics and one JSON access log line. Labels and attributes use the route
template, never the raw path."""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import propagate, trace

from backend.observability import metrics
from backend.observability.logs import RequestInfo, current_request, request_id_from
from backend.observability.tracing import tracer

access = logging.getLogger("trekant.access")
REQUEST_ID = b"x-request-id"


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


class ObservabilityMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = _headers(scope)
        request_id = request_id_from(headers.get("x-request-id"))
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        route = str(scope.get("path_template") or "unmatched")
        method = str(scope.get("method", ""))
        info = RequestInfo(request_id=request_id, route=route)
        token = current_request.set(info)
        status = 500
        started = time.perf_counter()

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        metrics.IN_FLIGHT.inc()
        with tracer.start_as_current_span(
            f"{method} {route}",
            kind=trace.SpanKind.SERVER,
            context=propagate.extract(headers),
            attributes={"http.request.method": method, "http.route": route},
        ) as span:
            try:
                await next_app(scope, receive, observe)
            except Exception as exc:
                status = int(getattr(exc, "status_code", 500))
                raise
            finally:
                seconds = time.perf_counter() - started
                metrics.IN_FLIGHT.dec()
                kommune = info.kommune or "-"
                metrics.observe_request(route, method, status, kommune, seconds)
                metrics.observe_pool()
                span.set_attribute("http.response.status_code", status)
                if info.kommune:
                    span.set_attribute("trekant.kommune", info.kommune)
                if status >= 500:
                    span.set_status(trace.Status(trace.StatusCode.ERROR))
                access.info("%s %s %d %.1f ms", method, route, status, seconds * 1000)
                current_request.reset(token)


async def add_request_id(message: Message, scope: Scope) -> None:
    """``before_send``: every answer carries its request id (also an error answered
    outside the route's middleware)."""
    if message["type"] == "http.response.start":
        request_id = scope.get("state", {}).get("request_id")
        if request_id:
            message["headers"] = [*message.get("headers", []), (REQUEST_ID, request_id.encode())]


def note_kommune(code: str | None) -> None:
    """The request's kommune, once the session is known (for log lines and metrics)."""
    info = current_request.get()
    if info is not None and code:
        info.kommune = code
