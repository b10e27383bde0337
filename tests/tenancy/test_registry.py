"""Creating, listing, suspending kommuner: atomic, validated, reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import asyncpg
import pytest

from tenancy import migrate
from tenancy.names import InvalidKommuneCode, check_kommune_code
from tenancy.registry import Registry, TenancyError


@pytest.mark.parametrize("code", ["123", "12345", "01a1", "", " 0101", "0101\n"])
def test_invalid_kommune_codes_are_refused(code):
    with pytest.raises(InvalidKommuneCode, match="four digits"):
        check_kommune_code(code)


async def _exists(registry: Registry, code: str) -> tuple[bool, bool, bool]:
    conn = await asyncpg.connect(registry.dsn)
    try:
        row = await conn.fetchval("SELECT 1 FROM shared.tenant WHERE code = $1", code)
        schema = await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", f"k{code}")
        role = await conn.fetchval(
            "SELECT 1 FROM pg_roles WHERE rolname = $1", f"{registry.prefix}_k{code}"
        )
    finally:
        await conn.close()
    return bool(row), bool(schema), bool(role)


async def test_create_makes_schema_role_and_applies_all_migrations(registry, fresh_code):
    tenant = await registry.create(fresh_code, "Nyby")
    assert tenant.status == "active"
    assert tenant.schema_name == f"k{fresh_code}"
    assert tenant.version == registry.latest_version() > 0
    assert await _exists(registry, fresh_code) == (True, True, True)


async def test_duplicate_code_is_refused_and_changes_nothing(registry, fresh_code):
    await registry.create(fresh_code, "Første")
    with pytest.raises(TenancyError, match="already exists"):
        await registry.create(fresh_code, "Anden")
    assert (await registry.get(fresh_code)).name == "Første"


async def test_empty_name_is_refused(registry, fresh_code):
    with pytest.raises(TenancyError, match="name"):
        await registry.create(fresh_code, "   ")
    assert await _exists(registry, fresh_code) == (False, False, False)


async def test_failed_create_leaves_no_schema_role_or_row(registry, fresh_code, tmp_path):
    broken = tmp_path / "tenant"
    shutil.copytree(migrate.TENANT_DIR, broken)
    (broken / "0999_broken.sql").write_text("CREATE TABLE oops (id int REFERENCES nowhere(id));")
    bad = Registry(registry.dsn, registry.prefix, tenant_migrations=broken)
    with pytest.raises(asyncpg.PostgresError):
        await bad.create(fresh_code, "Halvby")
    assert await _exists(registry, fresh_code) == (False, False, False)


async def test_suspend_and_resume(registry, fresh_code):
    await registry.create(fresh_code, "Pauseby")
    assert (await registry.set_status(fresh_code, "suspended", "test")).status == "suspended"
    assert (await registry.set_status(fresh_code, "active")).status == "active"


async def test_unknown_kommune_is_reported(registry):
    with pytest.raises(TenancyError, match="Unknown kommune 0998"):
        await registry.set_status("0998", "suspended")
    with pytest.raises(TenancyError, match="Unknown kommune 0998"):
        await registry.get("0998")
    with pytest.raises(TenancyError, match="Unknown kommune 0998"):
        await registry.migrate_all(codes=["0998"])


async def test_list_reports_each_kommune_with_its_version(registry):
    tenants = {t.code: t for t in await registry.list_tenants()}
    assert {"0101", "0202"} <= tenants.keys()
    assert tenants["0101"].version == tenants["0202"].version == registry.latest_version()
    assert tenants["0202"].name == "Testby" and tenants["0202"].status == "active"


def test_piccolo_tables_match_the_migrated_schema(registry):
    """Every column a Piccolo table declares exists in the kommune schema."""
    import asyncio

    from backend.children.tables import Child, Hovedsag

    async def columns(table: str) -> set[str]:
        conn = await asyncpg.connect(registry.dsn)
        try:
            rows = await conn.fetch(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'k0101' AND table_name = $1",
                table,
            )
        finally:
            await conn.close()
        return {r["column_name"] for r in rows}

    for table in (Child, Hovedsag):
        declared = {c._meta.db_column_name for c in table._meta.columns}
        missing = declared - asyncio.run(columns(table._meta.tablename))
        assert not missing, f"{table._meta.tablename}: {missing}"


def test_migration_files_are_numbered_and_unique():
    for directory in (migrate.TENANT_DIR, migrate.SHARED_DIR):
        found = migrate.load_migrations(Path(directory))
        assert [m.version for m in found] == sorted({m.version for m in found})
