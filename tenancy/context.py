"""The per-request (and per-job) tenant transaction.

``tenant_transaction(code)`` opens one transaction on the application's pool and, in a
single statement, reads the kommune from the registry and switches the transaction to the
kommune's role and schema with ``set_config(..., is_local => true)`` (``set_config('role',
...)`` is ``SET LOCAL ROLE``). When the transaction ends, both revert, so a pooled connection
never carries a kommune into the next request.

The application login role is NOINHERIT with an empty search_path: without this switch an
unqualified query fails ("relation does not exist") and a qualified one is refused
("permission denied for schema").
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import asyncpg.exceptions
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

from tenancy.names import check_kommune_code

log = logging.getLogger("trekant.tenancy")

SWITCH_SQL = (
    "SELECT t.code, t.name, t.status, t.status_reason, "
    "set_config('role', t.role_name, true) AS role, "
    "set_config('search_path', quote_ident(t.schema_name), true) AS search_path "
    "FROM shared.tenant t WHERE t.code = $1"
)


class TenantUnavailable(Exception):
    """The kommune is unknown or suspended; its transaction was rolled back."""

    def __init__(self, code: str, status: str, reason: str | None = None) -> None:
        super().__init__(f"kommune {code} is {status}")
        self.code = code
        self.status = status
        self.reason = reason


@dataclass
class TenantScope:
    """What the code inside a tenant transaction knows about it."""

    code: str
    name: str
    transaction: PostgresTransaction
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def connection(self) -> Any:
        return self.transaction.connection


_current: ContextVar[TenantScope | None] = ContextVar("trekant_tenant", default=None)


def current_scope() -> TenantScope:
    """The open tenant transaction; raises when there is none (fail closed)."""
    scope = _current.get()
    if scope is None:
        raise RuntimeError("no tenant transaction is open")
    return scope


def current_scope_or_none() -> TenantScope | None:
    return _current.get()


@asynccontextmanager
async def tenant_transaction(engine: PostgresEngine, code: str) -> AsyncIterator[TenantScope]:
    """Run the block in one transaction as kommune ``code``.

    Commits when the block ends normally (unless the block committed or rolled back
    itself), rolls back on an exception. ``after_commit`` callbacks run only after a
    successful commit; the caller runs them (see :func:`run_after_commit`).
    """
    check_kommune_code(code)
    transaction = engine.transaction(allow_nested=False)
    ended = False
    try:
        async with transaction as tx:
            row = await tx.connection.fetchrow(SWITCH_SQL, code)
            if row is None:
                raise TenantUnavailable(code, "unknown")
            if row["status"] != "active":
                raise TenantUnavailable(code, row["status"], row["status_reason"])
            scope = TenantScope(code=row["code"], name=row["name"], transaction=tx)
            token = _current.set(scope)
            try:
                yield scope
            finally:
                _current.reset(token)
            ended = True
    except Exception as exc:
        await _release_abandoned(engine, transaction)
        if ended and _settled(transaction) and _connection_lost(exc):
            # Committed (or rolled back) already; only handing the connection back failed,
            # because the server went away in between (a restart). The pool opens a new one;
            # the block's outcome stands, and an answer already under way is not broken.
            log.warning("connection lost after the transaction ended: %s", type(exc).__name__)
            return
        raise
    except BaseException:
        await _release_abandoned(engine, transaction)
        raise


def _settled(transaction: PostgresTransaction) -> bool:
    return bool(transaction._committed or transaction._rolled_back)


def _connection_lost(exc: BaseException) -> bool:
    return isinstance(
        exc,
        ConnectionError
        | asyncpg.exceptions.PostgresConnectionError
        | asyncpg.exceptions.OperatorInterventionError
        | asyncpg.exceptions.InterfaceError,
    )


async def _release_abandoned(engine: PostgresEngine, transaction: PostgresTransaction) -> None:
    """The connection died inside the transaction (the server rolled it back): Piccolo's
    exit then fails in its rollback and leaves the dead connection checked out of the pool
    and itself as the task's current transaction. If it died before that (``BEGIN`` failed,
    a PostgreSQL restart), Piccolo's ``__aenter__`` keeps the connection and never exits.
    Undo both, or every such failure costs the pool a connection for good and closing the
    pool waits forever."""
    context = getattr(transaction, "context", None)
    if context is not None:
        if engine.current_transaction.get() is not transaction:
            return  # Piccolo cleaned up
        engine.current_transaction.reset(context)
    connection = getattr(transaction, "connection", None)
    if connection is None or engine.pool is None:
        return  # no connection was taken
    try:
        await engine.pool.release(connection)  # a no-op for one released already
    except Exception:
        # Resetting a dead connection fails; asyncpg then closes it and returns its slot.
        log.debug("releasing a broken connection", exc_info=True)


async def run_after_commit(scope: TenantScope) -> None:
    callbacks, scope.after_commit = scope.after_commit, []
    for callback in callbacks:
        await callback()
