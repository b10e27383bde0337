"""Schema migrations: the shared schema and one schema per kommune.

Migrations are plain SQL files ``NNNN_name.sql``. Each kommune schema keeps its own
bookkeeping in ``<schema>.schema_migrations``. Why not Piccolo's migration runner: see
docs/architecture.md ("Migrations").

Guarantees:
- One schema is migrated in one transaction: all of its pending files or none.
- A failure in one schema does not stop the others; the result names every failure and
  a re-run finishes them.
- With nothing to apply, the versions of all schemas are read in one round trip.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tenancy.names import quote_ident

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
TENANT_DIR = MIGRATIONS_DIR / "tenant"
SHARED_DIR = MIGRATIONS_DIR / "shared"

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()[:16]

    def render(self, names: dict[str, str]) -> str:
        """Fill ``{{role}}``-style placeholders with quoted identifiers."""

        def sub(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in names:
                raise KeyError(f"migration {self.version:04d} uses unknown placeholder {key}")
            return quote_ident(names[key])

        return _PLACEHOLDER.sub(sub, self.sql)


def load_migrations(directory: Path) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.iterdir()):
        m = _FILE.match(path.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), path.read_text("utf-8")))
    versions = [mig.version for mig in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration version in {directory}")
    return found


BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


async def apply_pending(
    conn: asyncpg.Connection,
    schema: str,
    migrations: Sequence[Migration],
    names: dict[str, str],
) -> int:
    """Apply every migration newer than the schema's version; return the new version.

    Precondition: the caller holds an open transaction on ``conn``. The search_path is set
    transaction-locally to the schema so unqualified DDL lands there.
    """
    q = quote_ident(schema)
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('trekant.migrate.' || $1))", schema)
    await conn.execute(BOOKKEEPING.format(schema=q))
    await conn.execute("SELECT set_config('search_path', $1, true)", q)
    current = await conn.fetchval(f"SELECT coalesce(max(version), 0) FROM {q}.schema_migrations")
    for mig in migrations:
        if mig.version <= current:
            continue
        await conn.execute(mig.render(names))
        await conn.execute(
            f"INSERT INTO {q}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            mig.version,
            mig.name,
            mig.checksum,
        )
        current = mig.version
    await conn.execute("SELECT set_config('search_path', '', true)")
    return int(current)


async def read_versions(conn: asyncpg.Connection, schemas: Sequence[str]) -> dict[str, int]:
    """Each schema's migration version, in one round trip (0 where none applied)."""
    if not schemas:
        return {}
    present = await conn.fetch(
        "SELECT nspname FROM pg_namespace n WHERE nspname = ANY($1::text[]) "
        "AND to_regclass(quote_ident(nspname) || '.schema_migrations') IS NOT NULL",
        list(schemas),
    )
    have = [r["nspname"] for r in present]
    versions = dict.fromkeys(schemas, 0)
    if have:
        parts = [
            f"SELECT {i}::int AS i, (SELECT coalesce(max(version), 0) FROM "
            f"{quote_ident(s)}.schema_migrations) AS v"
            for i, s in enumerate(have)
        ]
        for row in await conn.fetch(" UNION ALL ".join(parts)):
            versions[have[row["i"]]] = int(row["v"])
    return versions


@dataclass
class SchemaResult:
    code: str
    schema: str
    before: int
    after: int
    error: str | None = None
    seconds: float = 0.0


ProgressFn = Callable[[SchemaResult, int, int], Awaitable[None] | None]


async def migrate_schemas(
    dsn: str,
    targets: Sequence[tuple[str, str, dict[str, str]]],
    migrations: Sequence[Migration],
    *,
    concurrency: int = 8,
    progress: ProgressFn | None = None,
) -> list[SchemaResult]:
    """Bring every target ``(code, schema, names)`` up to the newest migration.

    Schemas already current are not touched beyond the single version read.
    """
    latest = migrations[-1].version if migrations else 0
    conn = await asyncpg.connect(dsn, statement_cache_size=0)
    try:
        versions = await read_versions(conn, [t[1] for t in targets])
    finally:
        await conn.close()
    results: list[SchemaResult] = []
    behind = [t for t in targets if versions[t[1]] < latest]
    done = 0
    total = len(targets)
    for code, schema, _ in targets:
        if versions[schema] >= latest:
            res = SchemaResult(code, schema, versions[schema], versions[schema])
            results.append(res)
            done += 1
            if progress:
                maybe = progress(res, done, total)
                if maybe is not None:
                    await maybe
    if not behind:
        return results

    pool = await asyncpg.create_pool(
        dsn, min_size=0, max_size=max(1, min(concurrency, len(behind))), statement_cache_size=0
    )
    lock = asyncio.Lock()

    async def one(code: str, schema: str, names: dict[str, str]) -> None:
        nonlocal done
        start = time.perf_counter()
        res = SchemaResult(code, schema, versions[schema], versions[schema])
        try:
            async with pool.acquire() as c, c.transaction():
                res.after = await apply_pending(c, schema, migrations, names)
        except Exception as exc:
            res.error = f"{type(exc).__name__}: {exc}"
        res.seconds = time.perf_counter() - start
        async with lock:
            results.append(res)
            done += 1
            if progress:
                maybe = progress(res, done, total)
                if maybe is not None:
                    await maybe

    try:
        await asyncio.gather(*(one(*t) for t in behind))
    finally:
        await pool.close()
    return results
