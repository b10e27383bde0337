"""JSON logs: one object per line with time, level, logger, message, and — inside a
request — its request id, kommune code and route template. Every message and exception
text passes through ``redact_cpr``, so a CPR number never reaches a log line; no log call
in Trekant passes a person's name (architecture.md, "Observability").
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import secrets
import sys
from contextvars import ContextVar
from dataclasses import dataclass

from backend.core.cpr import redact_cpr
from backend.observability.tracing import current_ids


@dataclass
class RequestInfo:
    request_id: str
    route: str | None = None
    kommune: str | None = None


# The request being served by this task (set by the observability middleware).
current_request: ContextVar[RequestInfo | None] = ContextVar("trekant_request", default=None)

# A request id from the client is kept if it is short and plain (a proxy's id, a UUID);
# anything else is replaced, so no one can put text of their choosing into our logs.
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_from(header: str | None) -> str:
    if header and _VALID_ID.fullmatch(header):
        return header
    return secrets.token_hex(16)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; CPR numbers redacted from the message and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact_cpr(record.getMessage()),
        }
        info = current_request.get()
        if info is not None:
            out["request_id"] = info.request_id
            if info.route:
                out["route"] = info.route
            if info.kommune:
                out["kommune"] = info.kommune
        trace_id, span_id = current_ids()
        if trace_id:
            out["trace_id"], out["span_id"] = trace_id, span_id
        if record.exc_info:
            out["exception"] = redact_cpr(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


# Libraries that say too much at INFO (weasyprint: a line per page of every PDF).
QUIET = ("weasyprint.progress", "fontTools")


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for every logger (idempotent). ``TREKANT_LOG_FORMAT=text`` keeps
    the plain format for reading by eye."""
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    root = logging.getLogger()
    if os.environ.get("TREKANT_LOG_FORMAT", "json") == "text":
        if not root.handlers:
            logging.basicConfig(
                level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
            )
        return
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for old in list(root.handlers):
        if type(old) is logging.StreamHandler:  # basicConfig's plain one; not pytest's
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
