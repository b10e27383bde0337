"""The kommune boundary is enforced by PostgreSQL, not by the application's care.

Each test would fail if the tenant transaction stopped switching role and search_path
(the application role would then read nothing, or, if it inherited, everything).
"""

from __future__ import annotations

import asyncpg
import pytest

from backend.db import DB
from tenancy.context import TenantUnavailable, current_scope_or_none, tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


async def test_unqualified_query_reads_own_kommune_only(seeded, registry):
    owner = await asyncpg.connect(registry.dsn)
    try:
        truth = (
            await owner.fetchval(f"SELECT count(*) FROM k{A}.child"),
            await owner.fetchval(f"SELECT count(*) FROM k{B}.child"),
        )
    finally:
        await owner.close()
    assert truth[0] != truth[1]
    async with tenant_transaction(DB, A) as scope:
        a_count = await scope.connection.fetchval("SELECT count(*) FROM child")
        who = await scope.connection.fetchval("SELECT current_user")
        path = await scope.connection.fetchval("SHOW search_path")
    async with tenant_transaction(DB, B) as scope:
        b_count = await scope.connection.fetchval("SELECT count(*) FROM child")
    assert (a_count, b_count) == truth
    assert who.endswith("_k" + A)
    assert path == f"k{A}"


async def test_cross_schema_read_is_refused_by_the_database(seeded):
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for schema"):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.fetch(f"SELECT * FROM k{B}.child")


async def test_cross_schema_write_is_refused_by_the_database(seeded):
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                f"INSERT INTO k{B}.child (cpr, first_name, last_name, birth_date) "
                "VALUES ('0101101234', 'X', 'Y', '2010-01-01')"
            )
    async with tenant_transaction(DB, B) as scope:
        assert (
            await scope.connection.fetchval("SELECT count(*) FROM child WHERE cpr = '0101101234'")
            == 0
        )


async def test_changing_search_path_to_other_kommune_reads_nothing(seeded):
    # Without USAGE on the schema, PostgreSQL skips it in the search_path.
    with pytest.raises((asyncpg.InsufficientPrivilegeError, asyncpg.UndefinedTableError)):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(f"SELECT set_config('search_path', 'k{B}', true)")
            await scope.connection.fetch("SELECT * FROM child")


async def test_no_tenant_context_fails_closed(seeded):
    assert current_scope_or_none() is None
    # The bare application role has an empty search_path and no inherited rights.
    with pytest.raises(asyncpg.UndefinedTableError):
        await _bare("SELECT * FROM child")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await _bare(f"SELECT * FROM k{A}.child")


async def test_piccolo_query_without_tenant_fails_closed(seeded):
    from backend.children.tables import Child

    with pytest.raises(asyncpg.UndefinedTableError):
        await Child.select()


async def test_pooled_connection_does_not_keep_the_kommune(seeded):
    """After the transaction the same pooled connections are the bare app role again."""
    for _ in range(3):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.fetchval("SELECT 1")
    assert DB.pool is not None
    conns = [await DB.pool.acquire() for _ in range(DB.pool.get_size())]
    try:
        for conn in conns:
            assert (await conn.fetchval("SELECT current_user")).endswith("_app")
            assert await conn.fetchval("SHOW search_path") == '""'
    finally:
        for conn in conns:
            await DB.pool.release(conn)


async def test_rollback_on_error_leaves_nothing(seeded):
    with pytest.raises(RuntimeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "INSERT INTO child (cpr, first_name, last_name, birth_date) "
                "VALUES ('0202104321', 'Rul', 'Tilbage', '2010-02-02')"
            )
            raise RuntimeError("boom")
    async with tenant_transaction(DB, A) as scope:
        assert (
            await scope.connection.fetchval("SELECT count(*) FROM child WHERE cpr = '0202104321'")
            == 0
        )


async def test_unknown_kommune_is_refused(seeded):
    with pytest.raises(TenantUnavailable) as info:
        async with tenant_transaction(DB, "0999"):
            pass
    assert info.value.status == "unknown"


async def test_audit_rows_cannot_be_changed_or_deleted(seeded):
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute("DELETE FROM audit_event")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute("UPDATE audit_event SET actor = 'x'")


async def test_kommune_role_cannot_change_the_registry(seeded):
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute("UPDATE shared.tenant SET status = 'active'")


async def _bare(sql: str) -> list[asyncpg.Record]:
    assert DB.pool is not None
    async with DB.pool.acquire() as conn:
        return list(await conn.fetch(sql))
