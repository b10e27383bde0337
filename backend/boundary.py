"""Input the database cannot store is refused at the boundary, with a 400 naming the field.

One check for every route, before any handler runs (``BoundaryMiddleware``):

* text with a NUL character (PostgreSQL text cannot hold U+0000) in a path parameter, a
  query parameter (raw or ``%00``) or anywhere in a JSON body (values and keys, at any
  depth; the field is named by its path, e.g. ``lines[2].note``);
* whole numbers outside PostgreSQL's ``bigint`` in a query parameter or a JSON body
  (``1e30`` is a whole number to msgspec's lax decoding).

Fields stored in an ``integer`` column carry their own bound (``Int4`` below, msgspec
``Meta``); ``backend.errors.refuse_database_value`` is the safety net for what slips past.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import parse_qsl

import msgspec
from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from backend.errors import BODY_STATE_KEY, field_error

INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1
INT8_MIN, INT8_MAX = -(2**63), 2**63 - 1

# A whole number stored in a PostgreSQL ``integer`` column (counts, pages, version numbers).
Int4 = Annotated[int, msgspec.Meta(ge=INT4_MIN, le=INT4_MAX)]
# A count or page number the API accepts (never negative, far below int4).
Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]

_WHOLE = re.compile(r"[+-]?[0-9]+")
NUL_MESSAGE = "Feltet indeholder et ugyldigt tegn (NUL)"
TOO_LARGE_MESSAGE = "Tallet er for stort"
# Litestar's default request_max_body_size; the boundary reads the body first, so it keeps
# the same limit rather than buffering more.
MAX_BODY = 10_000_000


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check_value(value: Any, path: str) -> None:
    """Raise a 400 naming ``path`` (or the nested field) if ``value`` holds a NUL
    character or a whole number outside bigint."""
    if isinstance(value, str):
        if "\x00" in value:
            raise field_error(path or "body", NUL_MESSAGE)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not INT8_MIN <= value <= INT8_MAX:
            raise field_error(path or "body", TOO_LARGE_MESSAGE)
    elif isinstance(value, float):
        if value.is_integer() and not INT8_MIN <= value <= INT8_MAX:
            raise field_error(path or "body", TOO_LARGE_MESSAGE)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = _join(path, str(key).replace("\x00", "\\0"))
            if "\x00" in str(key):
                raise field_error(name, NUL_MESSAGE)
            check_value(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_value(item, _join(path, i))


def check_query(query_string: bytes) -> None:
    """Query parameters, decoded as Litestar decodes them (UTF-8, ``+`` is a space)."""
    if not query_string:
        return
    for key, value in parse_qsl(
        query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"
    ):
        if "\x00" in key:
            raise field_error(key.replace("\x00", "\\0"), NUL_MESSAGE)
        if "\x00" in value:
            raise field_error(key, NUL_MESSAGE)
        if _WHOLE.fullmatch(value.strip()) and not INT8_MIN <= int(value) <= INT8_MAX:
            raise field_error(key, TOO_LARGE_MESSAGE)


class BoundaryMiddleware(ASGIMiddleware):
    """Runs for every HTTP route (also public ones), before authentication."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        for name, value in (scope.get("path_params") or {}).items():
            if isinstance(value, str) and "\x00" in value:
                raise field_error(name, NUL_MESSAGE)
        check_query(scope.get("query_string", b""))
        handler = scope.get("route_handler")
        raw = handler is not None and handler.opt.get("raw_body", False)
        if scope.get("method") in {"POST", "PUT", "PATCH", "DELETE"} and not raw:
            # (A route marked ``opt={"raw_body": True}`` streams a file, not JSON: its body is
            # read by the route, chunk by chunk, under its own size limit.)
            # Litestar reads a body as JSON whatever its content type says.
            receive = await self._checked_body(scope, receive)
        await next_app(scope, receive, send)

    @staticmethod
    async def _checked_body(scope: Scope, receive: Receive) -> Receive:
        """Read the whole body, check it, and hand the same messages on to the app."""
        messages: list[ReceiveMessage] = []
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                raise ClientException("Forespørgslen er for stor", status_code=413)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        if size:
            try:
                decoded = msgspec.json.decode(b"".join(chunks))
            except msgspec.DecodeError:
                pass  # malformed JSON: the route's own decoding answers 400
            else:
                check_value(decoded, "")
                scope.setdefault("state", {})[BODY_STATE_KEY] = decoded

        async def replay() -> ReceiveMessage:
            if messages:
                return messages.pop(0)
            return await receive()

        return replay
