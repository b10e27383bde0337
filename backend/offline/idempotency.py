"""``Idempotency-Key`` on writes: a retry of the same write happens once.

Any unsafe request (POST, PUT, PATCH, DELETE) of a kommune user may carry
``Idempotency-Key: <uuid>`` (the PWA's outbox sends the id it gave the change when it was
written offline). This middleware runs inside the tenant transaction (it sits after
``TenantMiddleware``), so the key and the write it guards commit or roll back together:

1. ``INSERT ... ON CONFLICT DO NOTHING`` claims the key. A concurrent request with the same
   key waits on that row until the first one's transaction ends.
2. A key already claimed by the same user for the same request (SHA-256 of method, path,
   query and body) answers with the stored first answer, ``Idempotent-Replayed: true``,
   without running the handler again. Another user's key or another request with the
   key is refused (422).
3. Otherwise the handler runs; a successful answer (< 400) is stored with the key before
   the response starts, i.e. before the tenant transaction commits. An error rolls back
   both the write and the key, so the retry runs the handler afresh (a 409 conflict stays
   a 409 until the caseworker resolves it).

Keys older than ``RETENTION`` are removed now and then.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import ClientException, ValidationException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.offline import repository as repo
from backend.offline.repository import StoredAnswer

HEADER = b"idempotency-key"
REPLAYED = b"idempotent-replayed"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
RETENTION_DAYS = 120
_KEPT_HEADERS = (b"content-type", b"content-encoding")


class KeyReused(ClientException):
    status_code = 422


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> tuple[bytes, list[Any]]:
    chunks: list[bytes] = []
    messages: list[Any] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> bytes:
    h = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.digest()


class IdempotencyMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "public"

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        raw = _header(scope, HEADER)
        state = scope.get("state", {})
        tenant = state.get("tenant")
        principal = state.get("principal")
        if raw is None or scope.get("method") not in UNSAFE or tenant is None or not principal:
            await next_app(scope, receive, send)
            return
        try:
            key = uuid.UUID(raw.strip())
        except ValueError as exc:
            raise ValidationException(
                "Idempotency-Key skal være et UUID",
                extra=[{"key": "Idempotency-Key", "message": "Skal være et UUID"}],
            ) from exc
        body, messages = await _read_body(receive)
        if any(m["type"] == "http.disconnect" for m in messages):
            return  # the client went away before it finished sending: nothing to do
        fp = fingerprint(
            str(scope.get("method")),
            str(scope.get("path", "")),
            scope.get("query_string", b""),
            body,
        )
        conn: Any = tenant.connection
        if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
            await repo.delete_old_keys(conn, RETENTION_DAYS)
        claimed = await repo.insert_key(conn, key, principal.user_id, fp)
        if not claimed:
            row = await repo.get_key(conn, key)
            if row is None or row.user_id != principal.user_id or row.fingerprint != fp:
                raise KeyReused(
                    "Idempotency-Key er allerede brugt til en anden ændring. "
                    "Send ændringen med en ny nøgle."
                )
            if row.status is None:  # cannot be seen after a commit; be safe anyway
                raise KeyReused("Ændringen med denne Idempotency-Key er ikke færdig. Prøv igen.")
            await self._replay(row, send)
            return

        replay: list[Any] = list(messages)

        async def receive_again() -> Any:
            if replay:
                return replay.pop(0)
            return await receive()

        start: Any = None
        parts: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            content = b"".join(parts)
            status = int(start["status"])
            if status < 400:
                headers = {k.lower(): v for k, v in start.get("headers", [])}
                await repo.update_key_answer(
                    conn,
                    key,
                    status,
                    _text(headers.get(b"content-type")),
                    _text(headers.get(b"content-encoding")),
                    content,
                )
            await send(start)
            await send({"type": "http.response.body", "body": content, "more_body": False})

        await next_app(scope, receive_again, keep)

    @staticmethod
    async def _replay(row: StoredAnswer, send: Send) -> None:
        assert row.status is not None  # the caller answered 409 for an unfinished one
        content = row.body or b""
        headers = [(b"content-length", str(len(content)).encode()), (REPLAYED, b"true")]
        if row.content_type:
            headers.append((b"content-type", row.content_type.encode("latin-1")))
        if row.content_encoding:
            headers.append((b"content-encoding", row.content_encoding.encode("latin-1")))
        await send({"type": "http.response.start", "status": row.status, "headers": headers})
        await send({"type": "http.response.body", "body": content, "more_body": False})


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None
