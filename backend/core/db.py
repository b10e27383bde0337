"""The connection of the request's tenant transaction (``tenancy.context``).

Repositories call ``conn()``; the transaction, the kommune's ``search_path`` and role are
set by ``TenantMiddleware`` (or ``tenant_transaction`` in jobs and tests) before.
"""

from __future__ import annotations

from typing import Any

from tenancy.context import current_scope


def conn() -> Any:
    """The open tenant transaction's asyncpg connection."""
    return current_scope().connection
