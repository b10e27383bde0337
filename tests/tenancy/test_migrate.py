"""Migrating many kommune schemas: versions reported, failures isolated and re-runnable."""

from __future__ import annotations

import shutil

import pytest

from tenancy import migrate
from tenancy.registry import Registry


@pytest.fixture
async def five(registry, fresh_code):
    """Five fresh kommuner with codes 5000 + 5n .. 5000 + 5n + 4 for fresh_code 9000 + n:
    a range no other test uses, whatever order the tests run in."""
    base = 5000 + (int(fresh_code) - 9000) * 5
    codes = [f"{base + i:04d}" for i in range(5)]
    for code in codes:
        await registry.create(code, f"Migrationsby {code}")
    return codes


async def test_migrate_reports_every_schema_version(registry, five):
    seen = []
    results = await registry.migrate_all(codes=five, progress=lambda r, d, t: seen.append((d, t)))
    assert [r.code for r in results] == sorted(five)
    assert all(r.error is None and r.after == registry.latest_version() for r in results)
    assert seen[-1] == (5, 5)


async def test_failure_in_one_schema_leaves_the_others_migrated(registry, five, tmp_path):
    victim = five[2]
    newer = tmp_path / "tenant"
    shutil.copytree(migrate.TENANT_DIR, newer)
    next_version = registry.latest_version() + 1
    (newer / f"{next_version:04d}_add_note.sql").write_text(
        "CREATE TABLE note (id int PRIMARY KEY);\n"
        "DO $$ BEGIN IF current_schema() = 'k" + victim + "' THEN "
        "RAISE EXCEPTION 'simulated failure'; END IF; END $$;"
    )
    reg2 = Registry(registry.dsn, registry.prefix, tenant_migrations=newer)
    results = {r.code: r for r in await reg2.migrate_all(codes=five)}
    assert "simulated failure" in (results[victim].error or "")
    assert results[victim].after == registry.latest_version()  # rolled back whole
    for code in five:
        if code != victim:
            assert results[code].error is None and results[code].after == next_version
    listed = {t.code: t.version for t in await reg2.list_tenants()}
    assert listed[victim] == registry.latest_version()

    # Fix the migration and re-run: only the failed schema has anything to do.
    (newer / f"{next_version:04d}_add_note.sql").write_text(
        "CREATE TABLE note (id int PRIMARY KEY);"
    )
    rerun = {r.code: r for r in await reg2.migrate_all(codes=five)}
    assert rerun[victim].before == registry.latest_version()
    assert rerun[victim].after == next_version and rerun[victim].error is None
    assert all(rerun[c].before == rerun[c].after == next_version for c in five if c != victim)


async def test_read_versions_in_one_query(registry, five):
    import asyncpg

    conn = await asyncpg.connect(registry.dsn)
    try:
        versions = await migrate.read_versions(conn, [f"k{c}" for c in five] + ["k_missing"])
    finally:
        await conn.close()
    assert versions["k_missing"] == 0
    assert {versions[f"k{c}"] for c in five} == {registry.latest_version()}
