"""HTTP errors shared by every capability.

A 400 names the field it is about (``extra=[{"key", "message"}]``) so the PWA can show
the Danish message next to that field; a 409 says the record changed or already exists.
Litestar's own 400s (from msgspec, and a body that is not JSON) are answered the same
way, in Danish, and a value PostgreSQL refuses is a 400 too (see ``backend.boundary``
for what is refused first).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import asyncpg.exceptions as pg
import redis.exceptions
from asyncpg.exceptions import DataError
from litestar import Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    InternalServerException,
    NotFoundException,
    PermissionDeniedException,
    SerializationException,
    ServiceUnavailableException,
    ValidationException,
)
from litestar.exceptions.responses import create_exception_response

from backend.core.danish import fmt_due
from backend.core.errors import (
    DomainError,
    FieldError,
    FieldErrors,
    NotAllowed,
    NotFound,
    Stale,
    StateConflict,
    Unavailable,
)

log = logging.getLogger("trekant.request")


class Conflict(ClientException):
    status_code = 409


def field_error(key: str, message: str) -> ValidationException:
    return ValidationException(message, extra=[{"key": key, "message": message}])


# --- Answers for what Litestar and PostgreSQL refuse, in Danish (app.py installs them) ---

_TYPES = {
    "int": "et heltal",
    "float": "et tal",
    "number": "et tal",
    "str": "tekst",
    "bool": "ja eller nej",
    "uuid": "et gyldigt id",
    "date": "en dato (ÅÅÅÅ-MM-DD)",
    "datetime": "et tidspunkt",
    "time": "et klokkeslæt",
    "array": "en liste",
    "object": "et objekt",
}
_BOUNDS = {"<=": "højst", ">=": "mindst", "<": "under", ">": "over"}
_GENERIC = "Der er fejl i de indsendte oplysninger"


def _danish(message: str) -> tuple[str | None, str]:
    """msgspec's English message -> (a field it names, a Danish message)."""
    if m := re.match(r"Object missing required field `([^`]+)`", message):
        return m.group(1), "Feltet skal udfyldes"
    if m := re.match(r"Object contains unknown field `([^`]+)`", message):
        return m.group(1), "Ukendt felt"
    if m := re.match(r"Expected `(int|float|number)` (<=|>=|<|>) (\S+)", message):
        return None, f"Tallet skal være {_BOUNDS[m.group(2)]} {m.group(3)}"
    if m := re.match(r"Expected `(str|array|object)` of length (<=|>=) (\d+)", message):
        unit = "tegn" if m.group(1) == "str" else "elementer"
        return None, f"Skal være {_BOUNDS[m.group(2)]} {m.group(3)} {unit}"
    if m := re.match(r"Expected `([^`]+)`, got `[^`]+`", message):
        wanted = [t.strip() for t in m.group(1).split("|") if t.strip() != "null"]
        name = _TYPES.get(wanted[0]) if len(wanted) == 1 else None
        return None, f"Skal være {name}" if name else "Ugyldig værdi"
    return None, "Ugyldig værdi"


def danish_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's own 400s (msgspec decoding of path, query and body) in Danish, each message
    at the field it is about; the errors raised by ``field_error`` pass unchanged."""
    detail = str(exc.detail)
    if detail.startswith("Validation failed for") and isinstance(exc.extra, list):
        extra = []
        for item in exc.extra:
            if not isinstance(item, dict):
                continue
            field, message = _danish(str(item.get("message", "")))
            key = str(item.get("key", ""))
            if field is not None:
                key = field if key in ("", "data") else f"{key}.{field}"
            extra.append({"key": key, "message": message})
        exc = ValidationException(_GENERIC, extra=extra)
    elif m := re.match(r"Missing required (\w+) parameter '([^']+)'", detail):
        exc = field_error(m.group(2), "Feltet skal udfyldes")
    return create_exception_response(request, exc)


MALFORMED_JSON = "Forespørgslen er ikke gyldig JSON"


def danish_client_error(request: Request[Any, Any, Any], exc: ClientException) -> Response[Any]:
    """Litestar's other 400s in Danish: a body that is not JSON at all ("JSON is malformed …"
    from decoding it) answers "Forespørgslen er ikke gyldig JSON"; every other client error
    (404, 409 …, already Danish) passes unchanged."""
    if isinstance(exc.__cause__, SerializationException):
        exc = ClientException(MALFORMED_JSON)
    return create_exception_response(request, exc)


def _out_of_range(value: Any, path: str) -> str | None:
    """The first whole number outside PostgreSQL's integer in ``value``, by its path."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value == value and abs(value) > 2**31 - 1:
        return path
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", value.strip()):
        return path if abs(int(value)) > 2**31 - 1 else None
    items: Any = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = _out_of_range(
            item,
            f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key),
        )
        if found is not None:
            return found
    return None


def refuse_database_value(request: Request[Any, Any, Any], exc: DataError) -> Response[Any]:
    """The safety net: a value PostgreSQL refuses (SQLSTATE class 22: out of range, invalid
    text) is the client's input, so 400, naming the field when the request shows which."""
    log.warning(
        "refused by the database (%s) on %s %s", exc.sqlstate, request.method, request.url.path
    )
    inputs: dict[str, Any] = {**request.path_params, **dict(request.query_params)}
    body = request.scope.get("state", {}).get(BODY_STATE_KEY)
    field = _out_of_range(inputs, "") or (_out_of_range(body, "") if body is not None else None)
    message = "Værdien er uden for det tilladte område" if field else "Ugyldig værdi"
    return create_exception_response(
        request, field_error(field, message) if field else ValidationException(message, extra=[])
    )


def refuse_out_of_scope(
    request: Request[Any, Any, Any], exc: pg.InsufficientPrivilegeError
) -> Response[Any]:
    """A restricted user's write that would put a case where her data restrictions
    (Fælleskommunal Adgangsstyring) do not reach, refused by the row-level security policy
    on ``hovedsag`` (tenant migration 0048): 403 in Danish, the transaction rolled back.
    Any other missing privilege is a bug: a 500 as before."""
    if "row-level security" not in str(exc):
        log.error(
            "missing database privilege on %s %s", request.method, request.url.path, exc_info=exc
        )
        return create_exception_response(request, InternalServerException())
    log.warning("outside the data restrictions on %s %s", request.method, request.url.path)
    return create_exception_response(
        request,
        PermissionDeniedException(
            "Sagen ville ligge uden for dine dataafgrænsninger (KLE eller organisationsenhed "
            "fra Fælleskommunal Adgangsstyring)"
        ),
    )


# --- PostgreSQL or Redis unreachable (a restart, a failover): 503, not a 500 ---

UNREACHABLE = "Trekant kan ikke nå sine data lige nu. Prøv igen om et øjeblik."
RETRY_AFTER_SECONDS = 5

# What asyncpg and redis-py raise when the server is gone or going: a refused or reset
# connection, a connection closed under the query, "the database system is shutting down /
# starting up" (SQLSTATE 57P01-57P03) and connection failures (class 08).
UNREACHABLE_ERRORS: tuple[type[Exception], ...] = (
    ConnectionError,
    TimeoutError,
    pg.PostgresConnectionError,
    pg.ConnectionDoesNotExistError,
    pg.CannotConnectNowError,
    pg.AdminShutdownError,
    pg.CrashShutdownError,
    pg.InterfaceError,
    # "cannot switch to state …; another operation is in progress": a query on a connection
    # the server ended under another query (seen only when PostgreSQL stops mid-request).
    pg.InternalClientError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def _dependency(exc: BaseException) -> str:
    if isinstance(exc, redis.exceptions.RedisError):
        return "redis"
    if isinstance(exc, pg.PostgresError | pg.InterfaceError | pg.InternalClientError):
        return "database"
    tb = exc.__traceback__
    while tb is not None:  # a bare OSError: asyncpg connecting, or redis-py's socket
        name = tb.tb_frame.f_code.co_filename
        if "/asyncpg/" in name:
            return "database"
        if "/redis/" in name:
            return "redis"
        tb = tb.tb_next
    return "other"


def unreachable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """503 with ``Retry-After`` and a Danish message when PostgreSQL or Redis cannot be
    reached. Nothing was committed: the tenant transaction commits only before a < 400
    answer starts (``backend.middleware``), and an error before that rolls back. If the
    connection broke during the COMMIT itself the write may be in, which is why the PWA
    retries with the same Idempotency-Key (``backend.offline.idempotency``).

    ``pg.InterfaceError`` is also asyncpg's answer to misuse of a live connection (two
    queries at once): only "connection is closed" and the pool closing count here."""
    from backend.observability.metrics import DEPENDENCY_UNAVAILABLE

    if type(exc) is pg.InterfaceError and "closed" not in str(exc):
        return create_exception_response(request, HTTPException(status_code=500))
    dependency = _dependency(exc)
    DEPENDENCY_UNAVAILABLE.labels(dependency).inc()
    log.warning(
        "%s unreachable (%s) on %s %s",
        dependency,
        type(exc).__name__,
        request.method,
        request.scope.get("path", ""),
    )
    return create_exception_response(
        request,
        ServiceUnavailableException(UNREACHABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}),
    )


# --- A cached statement whose result type changed under it: the request runs again ---

STALE_STATEMENT = "Trekant er netop blevet opdateret. Prøv igen."
STALE_STATE_KEY = "trekant_stale_statement"


def stale_statement(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """503 with ``Retry-After: 1`` for asyncpg's ``InvalidCachedStatementError``: a
    migration changed the type of a column a cached prepared statement returns (a rolling
    migration: kommune schemas differ for minutes). Nothing was committed (the answer is
    >= 400, so the tenant transaction rolls back); asyncpg has already dropped the pool's
    statement cache, so the next try prepares afresh. The state key tells
    ``backend.middleware`` to run the request again, once, before this answer is sent (an
    upload larger than it keeps gets this answer)."""
    request.scope.setdefault("state", {})[STALE_STATE_KEY] = True
    log.warning(
        "a cached statement went stale (%s) on %s %s",
        type(exc).__name__,
        request.method,
        request.scope.get("path", ""),
    )
    return create_exception_response(
        request, ServiceUnavailableException(STALE_STATEMENT, headers={"Retry-After": "1"})
    )


def unreachable_cause(exc: BaseException) -> Exception | None:
    """The connection failure behind ``exc`` (itself, its cause or context), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UNREACHABLE_ERRORS) and not (
            type(current) is pg.InterfaceError and "closed" not in str(current)
        ):
            return current
        current = current.__cause__ or current.__context__
    return None


async def send_unreachable(scope: Any, receive: Any, send: Any, exc: Exception) -> None:
    """Send :func:`unreachable`'s 503 straight to ``send`` (for a middleware whose answer
    had not started when the connection failed)."""
    request: Request[Any, Any, Any] = Request(scope, receive, send)
    response = unreachable(request, exc)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)


# The boundary (backend.boundary) keeps the decoded JSON body here for the safety net.
BODY_STATE_KEY = "trekant_json_body"


# --- The domain errors (backend.core.errors), each mapped to its HTTP answer once ---


def _value(v: Any) -> str:
    if isinstance(v, datetime):
        return fmt_due(v)
    if isinstance(v, date):
        return v.strftime("%d.%m.%Y")
    return "–" if v is None or v == "" else str(v)


def stale_conflict(exc: Stale, what: str | None = None) -> Conflict:
    """409 that says who changed the record, when, and what it holds now."""
    what = what or exc.what
    by = f" af {exc.changed_by_name}" if exc.changed_by_name else " af en anden"
    when = f" {fmt_due(exc.changed_at)}" if exc.changed_at else ""
    now = "; ".join(f"{k}: {_value(v)}" for k, v in exc.current.items())
    return Conflict(
        f"{what} er ændret{by}{when}, efter du hentede siden."
        + (f" Nu: {now}." if now else "")
        + " Hent siden igen, og se om din ændring stadig er rigtig.",
        extra={
            "changed_by": exc.changed_by,
            "changed_by_name": exc.changed_by_name,
            "changed_at": exc.changed_at.isoformat() if exc.changed_at else None,
            "current": {k: _value(v) for k, v in exc.current.items()},
        },
    )


def as_http(exc: DomainError | Stale) -> HTTPException:
    """The HTTP answer for a domain error."""
    if isinstance(exc, Stale):
        return stale_conflict(exc)
    if isinstance(exc, FieldError):
        return field_error(exc.field, exc.message)
    if isinstance(exc, FieldErrors):
        return ValidationException(exc.message, extra=exc.fields)
    if isinstance(exc, NotFound):
        return NotFoundException(exc.message)
    if isinstance(exc, NotAllowed):
        return PermissionDeniedException(exc.message)
    if isinstance(exc, Unavailable):
        return ServiceUnavailableException(
            exc.message, extra=[{"key": exc.field, "message": exc.message}]
        )
    if isinstance(exc, StateConflict) and exc.extra is not None:
        return Conflict(exc.message, extra=exc.extra)
    return Conflict(exc.message)  # StateConflict, CaseClosed


def domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Application-level handler: a domain error raised anywhere below a route."""
    assert isinstance(exc, DomainError | Stale)
    return create_exception_response(request, as_http(exc))


DOMAIN_HANDLERS: dict[
    int | type[Exception], Callable[[Request[Any, Any, Any], Any], Response[Any]]
] = {
    DomainError: domain_error,
    Stale: domain_error,
}
