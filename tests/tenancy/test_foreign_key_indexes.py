"""Every foreign key in a kommune's schema has an index that leads with its columns: a join
by it or a delete of its parent never scans the whole table (tenant migration 0050)."""

from __future__ import annotations

import asyncpg

from tests.conftest import KOMMUNE_A

UNINDEXED = """
SELECT c.conrelid::regclass::text AS tab, string_agg(a.attname, ', ' ORDER BY x.n) AS cols
FROM pg_constraint c
JOIN pg_namespace n ON n.oid = c.connamespace AND n.nspname = $1
CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS x(attnum, n)
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = x.attnum
WHERE c.contype = 'f' AND NOT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = c.conrelid
    AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
    AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
GROUP BY c.conrelid, c.conname ORDER BY 1, 2
"""


async def test_every_foreign_key_of_a_kommune_has_an_index(seeded, registry) -> None:
    owner = await asyncpg.connect(registry.dsn)
    try:
        rows = await owner.fetch(UNINDEXED, f"k{KOMMUNE_A[0]}")
        # Sanity: the query sees the kommune's foreign keys at all.
        keys = await owner.fetchval(
            "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n "
            "ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.contype = 'f'",
            f"k{KOMMUNE_A[0]}",
        )
    finally:
        await owner.close()
    assert keys > 50
    assert [f"{r['tab']} ({r['cols']})" for r in rows] == []
