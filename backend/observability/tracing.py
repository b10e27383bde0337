"""OpenTelemetry traces: a request's span, the asyncpg spans under it, and the arq job it
queued (the trace context travels in the job's ``trace`` keyword argument).

Export is OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (``trekant dev`` points it
at the development collector, ``infra/otel``); without it no tracer provider is installed
and spans cost nothing. Span attributes hold route templates, kommune codes and SQL text
(parameters are never recorded), never a raw URL, a CPR number or a name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

_configured = False
tracer = trace.get_tracer("trekant")


def configure_tracing(service: str, exporter: SpanExporter | None = None) -> bool:
    """Install the tracer provider once per process (with ``exporter``, or OTLP/HTTP when
    ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set) and trace asyncpg. Returns whether traces are on."""
    global _configured
    if _configured:
        return True
    if exporter is None and not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    provider = TracerProvider(
        resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service)})
    )
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    # capture_parameters stays off: the SQL text only, never the values (CPR, names).
    instrumentor = AsyncPGInstrumentor(capture_parameters=False)  # type: ignore[no-untyped-call]  # untyped
    instrumentor.instrument(tracer_provider=provider)
    _configured = True
    return True


def current_ids() -> tuple[str | None, str | None]:
    """The current trace and span id in hex, for log lines (None outside a span)."""
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None, None
    return format(ctx.trace_id, "032x"), format(ctx.span_id, "016x")


def job_carrier() -> dict[str, str]:
    """The current trace context as a small dict to pass to a queued job (empty outside a
    trace)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def job_span(name: str, carrier: dict[str, str] | None, **attributes: Any) -> Iterator[None]:
    """A consumer span for a job, child of the request that queued it when ``carrier``
    holds that request's context."""
    parent = propagate.extract(carrier or {})
    token = otel_context.attach(parent)
    try:
        with tracer.start_as_current_span(
            name, kind=trace.SpanKind.CONSUMER, attributes=attributes
        ) as span:
            try:
                yield
            except Exception as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, type(exc).__name__))
                raise
    finally:
        otel_context.detach(token)
