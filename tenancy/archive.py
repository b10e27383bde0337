"""One kommune out of the database and back in: backup, restore and leaving the platform.

**Export** (``export_kommune``) writes one tar file, mode 0600 (it is case data):

- ``manifest.json``: format and version, the kommune's code and name, the tenant migration
  head, when, and per member its table, columns (name and type), row count and SHA-256;
  the sequences' positions; and ``mac``, an HMAC-SHA256 of the rest under a key derived
  from the platform's ``TREKANT_DATA_KEY`` (the caller passes it), so a file changed with
  a matching checksum is still refused.
- ``tenant/<table>.bin``: every table of the kommune's schema (including
  ``schema_migrations``; documents' bytes live in ``document_chunk``, in the schema), as
  PostgreSQL binary ``COPY`` ordered by primary key: exact, and the same bytes again after
  a restore.
- ``shared/<table>.bin``: the kommune's rows in ``shared``: its registry row, its sealed
  client secret (still sealed: it opens only under the same ``TREKANT_DATA_KEY``, for this
  kommune, issuer and client id), its entries in the cross-kommune index and audit, and
  the transfers, requests, forwards and file chunks it sent or received (sealed as stored).

Everything is read in one ``REPEATABLE READ`` snapshot.

**Import** (``import_kommune``) refuses a kommune, schema or role that exists; checks the
MAC and every member's checksum before touching the database; then, in ONE owner
transaction, makes the registry row, role, grants and schema as onboarding does
(``Registry.make_kommune``), applies the migrations up to the file's head, loads every
table (user triggers disabled while loading, so a case-number or author trigger does not
rewrite what is restored), sets the sequences, re-reads every table and compares its row
count and checksum with the manifest, then applies any newer migrations. Any failure
rolls the whole transaction back: nothing is left.

**Leaving** (``leave_kommune``): refused while a transfer, request or forward to or from
the kommune is pending; writes an open-format package (CSV with a header per table,
``skema.json`` describing every column, the documents as files under
``dokumenter/<case number>/``) and then ``drop_kommune`` removes the schema, the role, the
registry row and every shared row of the kommune, in one transaction.

All three write a row to the operator's log (``shared.operator_audit``): who, what, the
file's name, size and row count; never content.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from tenancy import migrate
from tenancy.names import check_kommune_code, quote_ident
from tenancy.registry import Registry, TenancyError

FORMAT = "trekant-kommune-export"
FORMAT_VERSION = 1
LEAVE_FORMAT = "trekant-kommune-udtraek"

# The kommune's rows in shared: (table, filter on the kommune's code, key columns).
# Order matters for loading (foreign keys). ``own``: every row must be restored; the
# others are between two kommuner and are restored where the other kommune is registered.
SHARED_TABLES: tuple[tuple[str, str, bool], ...] = (
    ("tenant", "code = $1", True),
    ("idp_secret", "code = $1", True),
    # The kommune's national services (backend/integrations) and their sealed keys, which
    # open only for this kommune, as the provider's secret does.
    ("national_service", "code = $1", True),
    ("national_service_key", "code = $1", True),
    ("cpr_index", "tenant_code = $1", True),
    ("cross_audit", "kommune_code = $1", True),
    ("transfer", "$1 IN (from_code, to_code)", False),
    ("transfer_chunk", "$1 IN (from_code, to_code)", False),
    ("transfer_request", "$1 IN (from_code, to_code)", False),
    ("transfer_forward", "$1 IN (from_code, to_code)", False),
)


# Shared tables that name a kommune but are not the kommune's: the operator's own log
# (it records the export, the import and the leaving, so it must outlive them).
KEPT_SHARED = frozenset({"operator_audit"})
# Columns by which a shared table names a kommune (tests/tenancy/test_archive.py checks that
# every shared table with one is in SHARED_TABLES or KEPT_SHARED).
KOMMUNE_COLUMNS = ("code", "tenant_code", "kommune_code", "from_code", "to_code")


class ArchiveError(TenancyError):
    """An export, import or leave was refused; the message says why. Nothing was changed."""


@dataclass
class TableDump:
    member: str
    table: str
    columns: list[tuple[str, str]]
    rows: int
    sha256: str


@dataclass
class ImportResult:
    code: str
    name: str
    tables: int
    rows: int
    version: int
    skipped: dict[str, int] = field(default_factory=dict)


# --- catalog --------------------------------------------------------------------------


async def _tables(conn: asyncpg.Connection, schema: str) -> list[str]:
    """The schema's ordinary tables, in an order that loads under foreign keys."""
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname",
        schema,
    )
    names = [r["relname"] for r in rows]
    deps = await conn.fetch(
        "SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE k.contype = 'f' AND n.nspname = $1 AND p.relnamespace = c.relnamespace",
        schema,
    )
    needs: dict[str, set[str]] = {n: set() for n in names}
    for d in deps:
        if d["child"] != d["parent"]:
            needs[d["child"]].add(d["parent"])
    ordered: list[str] = []
    done: set[str] = set()
    while len(ordered) < len(names):
        ready = [n for n in names if n not in done and needs[n] <= done]
        if not ready:
            cycle = sorted(n for n in names if n not in done)
            raise ArchiveError(f"foreign keys form a cycle between {', '.join(cycle)}")
        for n in ready:
            ordered.append(n)
            done.add(n)
    return ordered


async def _columns(conn: asyncpg.Connection, schema: str, table: str) -> list[tuple[str, str]]:
    """Stored columns (not generated ones) with their types, in table order."""
    rows = await conn.fetch(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a "
        "WHERE a.attrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass "
        "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum",
        schema,
        table,
    )
    cols = [(r["attname"], r["type"]) for r in rows]
    if (schema, table) == ("shared", "tenant"):
        # The role's name carries the database's prefix; a restore takes the target's.
        cols = [c for c in cols if c[0] != "role_name"]
    return cols


async def _order_by(conn: asyncpg.Connection, schema: str, table: str) -> str:
    """The primary key's columns; the whole row as text where a table has none."""
    rows = await conn.fetch(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
        "WHERE i.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass "
        "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
        schema,
        table,
    )
    if rows:
        return ", ".join(quote_ident(r["attname"]) for r in rows)
    return 't::text COLLATE "C"'


async def _sequences(conn: asyncpg.Connection, schema: str) -> dict[str, list[Any]]:
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind = 'S' ORDER BY c.relname",
        schema,
    )
    out: dict[str, list[Any]] = {}
    for r in rows:
        q = f"{quote_ident(schema)}.{quote_ident(r['relname'])}"
        row = await conn.fetchrow(f"SELECT last_value, is_called FROM {q}")
        assert row is not None
        out[r["relname"]] = [int(row["last_value"]), bool(row["is_called"])]
    return out


def _select(schema: str, table: str, cols: list[tuple[str, str]], where: str, order: str) -> str:
    names = ", ".join("t." + quote_ident(c) for c, _ in cols)
    return (
        f"SELECT {names} FROM {quote_ident(schema)}.{quote_ident(table)} t "
        f"{'WHERE ' + where if where else ''} ORDER BY {order}"
    )


class _Sink:
    """Counts and hashes what COPY writes, into a file or nowhere."""

    def __init__(self, out: io.BufferedWriter | None = None) -> None:
        self.hash = hashlib.sha256()
        self.out = out
        self.size = 0

    async def write(self, data: bytes) -> None:
        self.hash.update(data)
        self.size += len(data)
        if self.out is not None:
            self.out.write(data)


async def _copy_out(
    conn: asyncpg.Connection, query: str, args: tuple[Any, ...], sink: _Sink, *, csv: bool = False
) -> int:
    """COPY ``query`` into ``sink``; return the number of rows."""
    if csv:
        status = await conn.copy_from_query(
            query, *args, output=sink.write, format="csv", header=True
        )
    else:
        status = await conn.copy_from_query(query, *args, output=sink.write, format="binary")
    return int(str(status).rsplit(" ", 1)[-1])


def _mac(key: bytes, manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "mac"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _private_file(path: Path) -> io.BufferedWriter:
    """A new file only its owner may read (case data); refuses to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


async def _dump_tables(
    conn: asyncpg.Connection,
    code: str,
    schema: str,
    workdir: Path,
    *,
    csv: bool = False,
    dirs: tuple[str, str] = ("tenant", "shared"),
    leave_out: frozenset[str] = frozenset(),
) -> list[TableDump]:
    """Write every table of ``schema`` (but ``leave_out``) and the kommune's shared rows
    into ``workdir``, under the folders ``dirs``."""
    ext = "csv" if csv else "bin"
    dumps: list[TableDump] = []
    targets: list[tuple[str, str, str, str, tuple[Any, ...]]] = [
        (dirs[0], schema, t, "", ()) for t in await _tables(conn, schema) if t not in leave_out
    ]
    targets += [(dirs[1], "shared", t, where, (code,)) for t, where, _ in SHARED_TABLES]
    for part, sch, table, where, args in targets:
        cols = await _columns(conn, sch, table)
        order = await _order_by(conn, sch, table)
        member = f"{part}/{table}.{ext}"
        (workdir / part).mkdir(exist_ok=True)
        with _private_file(workdir / member) as out:
            sink = _Sink(out)
            rows = await _copy_out(
                conn, _select(sch, table, cols, where, order), args, sink, csv=csv
            )
        dumps.append(TableDump(member, table, cols, rows, sink.hash.hexdigest()))
    return dumps


async def _version(conn: asyncpg.Connection, schema: str) -> int:
    q = quote_ident(schema)
    return int(await conn.fetchval(f"SELECT coalesce(max(version), 0) FROM {q}.schema_migrations"))


async def _tenant_row(conn: asyncpg.Connection, code: str) -> asyncpg.Record:
    row = await conn.fetchrow(
        "SELECT code, name, schema_name, role_name FROM shared.tenant WHERE code = $1", code
    )
    if row is None:
        raise ArchiveError(f"Unknown kommune {code}: no kommune with that code is registered")
    return row


def _write_tar(path: Path, workdir: Path, manifest: dict[str, Any], members: list[str]) -> int:
    """The tar file at ``path`` (0600, never overwriting): manifest first; its size."""
    with _private_file(path) as raw, tarfile.open(fileobj=raw, mode="w") as tar:
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
        tar.addfile(info, io.BytesIO(data))
        for member in members:
            src = workdir / member
            info = tar.gettarinfo(str(src), arcname=member)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with src.open("rb") as f:
                tar.addfile(info, f)
    return path.stat().st_size


async def export_kommune(
    registry: Registry, code: str, out: Path, mac_key: bytes, *, actor: str
) -> dict[str, Any]:
    """Write kommune ``code`` to ``out`` (which must not exist); return the manifest.
    Audited in the operator's log (``kommune.exported``) as ``actor``."""
    check_kommune_code(code)
    if out.exists():  # noqa: ASYNC240 - an operator command, not a request
        raise ArchiveError(f"{out} exists already; choose a new file name")
    conn = await registry.connect()
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            t = await _tenant_row(conn, code)
            schema = t["schema_name"]
            with tempfile.TemporaryDirectory(dir=out.parent, prefix=".trekant-export-") as tmp:
                work = Path(tmp)
                dumps = await _dump_tables(conn, code, schema, work)
                manifest: dict[str, Any] = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "kommune": {"code": code, "name": t["name"]},
                    "tenant_version": await _version(conn, schema),
                    "exported_at": datetime.now(UTC).isoformat(),
                    "server_version": int(await conn.fetchval("SHOW server_version_num")),
                    "members": [
                        {
                            "member": d.member,
                            "table": d.table,
                            "columns": [list(c) for c in d.columns],
                            "rows": d.rows,
                            "sha256": d.sha256,
                        }
                        for d in dumps
                    ],
                    "sequences": await _sequences(conn, schema),
                }
                manifest["mac"] = _mac(mac_key, manifest)
                manifest["bytes"] = _write_tar(out, work, manifest, [d.member for d in dumps])
        rows = sum(m["rows"] for m in manifest["members"])
        await _audit(conn, actor, "kommune.exported", code, out.name, manifest["bytes"], rows)
    finally:
        await conn.close()
    return manifest


# --- import ----------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile, mac_key: bytes) -> dict[str, Any]:
    """The file's manifest, its MAC checked; :class:`ArchiveError` otherwise."""
    try:
        f = tar.extractfile("manifest.json")
    except KeyError:
        raise ArchiveError("The file has no manifest: it is not a Trekant kommune export") from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ArchiveError(f"The file is incomplete or not a tar file: {exc}") from exc
    if f is None:
        raise ArchiveError("The file's manifest is not a file")
    try:
        manifest: dict[str, Any] = json.loads(f.read())
    except ValueError as exc:
        raise ArchiveError(f"The file's manifest is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise ArchiveError("The file is not a Trekant kommune export (wrong format)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"The file has export format version {manifest.get('format_version')}; "
            f"this Trekant reads version {FORMAT_VERSION}"
        )
    if not hmac.compare_digest(str(manifest.get("mac", "")), _mac(mac_key, manifest)):
        raise ArchiveError(
            "The file's manifest does not match its MAC: it was changed after the export, "
            "or it was written under another TREKANT_DATA_KEY"
        )
    return manifest


def _size(path: Path) -> int:
    return path.stat().st_size


def _open_tar(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:")
    except (OSError, tarfile.TarError) as exc:
        raise ArchiveError(f"Cannot read {path} as a Trekant kommune export: {exc}") from exc


def _member(tar: tarfile.TarFile, name: str) -> io.BufferedReader:
    try:
        f = tar.extractfile(name)
    except (KeyError, tarfile.TarError, OSError, EOFError):
        f = None
    if f is None:
        raise ArchiveError(f"The file is incomplete: {name} is missing (truncated or changed)")
    return f  # type: ignore[return-value]  # tarfile's ExFileObject is a BufferedReader


def verify_members(tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every member is present, whole and has the manifest's checksum."""
    for m in manifest["members"]:
        h = hashlib.sha256()
        try:
            with _member(tar, m["member"]) as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveError(f"The file is incomplete: {m['member']} ends early ({exc})") from exc
        if h.hexdigest() != m["sha256"]:
            raise ArchiveError(
                f"The file is damaged or changed: {m['member']} does not have the checksum "
                "the manifest gives"
            )


async def _disable_triggers(
    conn: asyncpg.Connection, schema: str, tables: list[str], on: bool
) -> None:
    verb = "ENABLE" if on else "DISABLE"
    for t in tables:
        await conn.execute(
            f"ALTER TABLE {quote_ident(schema)}.{quote_ident(t)} {verb} TRIGGER USER"
        )


async def _check_columns(
    conn: asyncpg.Connection, schema: str, table: str, expected: list[list[str]]
) -> list[str]:
    have = [list(c) for c in await _columns(conn, schema, table)]
    if have != expected:
        raise ArchiveError(
            f"Table {table} differs from the file's at the same migration version "
            "(changed migrations?); nothing was imported"
        )
    return [c for c, _ in have]


async def import_kommune(
    registry: Registry,
    path: Path,
    mac_key: bytes,
    *,
    actor: str,
) -> ImportResult:
    """Restore the kommune in ``path`` into this database, where it must not exist.
    Audited in the operator's log (``kommune.imported``) as ``actor``, in the same
    transaction."""
    with _open_tar(path) as tar:
        manifest = read_manifest(tar, mac_key)
        verify_members(tar, manifest)
        code = check_kommune_code(manifest["kommune"]["code"])
        name = manifest["kommune"]["name"]
        file_version = int(manifest["tenant_version"])
        migrations = migrate.load_migrations(registry.tenant_dir)
        if file_version > (migrations[-1].version if migrations else 0):
            raise ArchiveError(
                f"The file is at tenant migration {file_version}, newer than this Trekant's "
                f"{migrations[-1].version}: upgrade Trekant first"
            )
        names = registry.names_for(code)
        schema = names["schema"]
        members = {m["member"]: m for m in manifest["members"]}
        conn = await registry.connect()
        try:
            async with conn.transaction():
                await registry.make_kommune(
                    conn, code, name, [m for m in migrations if m.version <= file_version]
                )
                if await _version(conn, schema) != file_version:
                    raise ArchiveError("The migrations did not reach the file's version")
                tables = await _tables(conn, schema)
                file_tables = sorted(
                    m["table"] for m in manifest["members"] if m["member"].startswith("tenant/")
                )
                if sorted(tables) != file_tables:
                    raise ArchiveError(
                        "The file's tables are not this Trekant's at the file's migration version"
                    )
                # Migrations may seed rows (settings, counters): the file has them as they were.
                await conn.execute(
                    "TRUNCATE "
                    + ", ".join(f"{quote_ident(schema)}.{quote_ident(t)}" for t in tables)
                )
                await _disable_triggers(conn, schema, tables, on=False)
                total = 0
                for table in tables:
                    m = members[f"tenant/{table}.bin"]
                    cols = await _check_columns(conn, schema, table, m["columns"])
                    with _member(tar, m["member"]) as f:
                        await conn.copy_to_table(
                            table, source=f, columns=cols, schema_name=schema, format="binary"
                        )
                    total += m["rows"]
                await _disable_triggers(conn, schema, tables, on=True)
                for seq, (value, called) in manifest["sequences"].items():
                    await conn.execute(
                        "SELECT setval($1::regclass, $2, $3)",
                        f"{quote_ident(schema)}.{quote_ident(seq)}",
                        value,
                        called,
                    )
                skipped = await _load_shared(conn, tar, code, manifest)
                # Verify: the same rows, byte for byte, as the export read.
                for table in tables:
                    m = members[f"tenant/{table}.bin"]
                    await _verify_table(conn, schema, table, "", (), m)
                for table, where, own in SHARED_TABLES:
                    m = members[f"shared/{table}.bin"]
                    if own or not skipped.get(table):
                        await _verify_table(conn, "shared", table, where, (code,), m)
                version = await migrate.apply_pending(conn, schema, migrations, names)
                await _audit(conn, actor, "kommune.imported", code, path.name, _size(path), total)
        finally:
            await conn.close()
    return ImportResult(code, name, len(tables), total, version, skipped)


async def _verify_table(
    conn: asyncpg.Connection,
    schema: str,
    table: str,
    where: str,
    args: tuple[Any, ...],
    m: dict[str, Any],
) -> None:
    cols = await _columns(conn, schema, table)
    sink = _Sink()
    rows = await _copy_out(
        conn, _select(schema, table, cols, where, await _order_by(conn, schema, table)), args, sink
    )
    if rows != m["rows"]:
        raise ArchiveError(f"{table}: {rows} rows after loading, the file has {m['rows']}")
    if sink.hash.hexdigest() != m["sha256"]:
        raise ArchiveError(f"{table}: the loaded rows differ from the file's (checksum)")


async def _load_shared(
    conn: asyncpg.Connection, tar: tarfile.TarFile, code: str, manifest: dict[str, Any]
) -> dict[str, int]:
    """Put the kommune's shared rows back; between-kommune rows only where the other
    kommune is registered. Returns the rows skipped per table."""
    members = {m["member"]: m for m in manifest["members"]}
    skipped: dict[str, int] = {}
    # onboarding wrote a fresh registry row: the file's replaces it
    await conn.execute("SET CONSTRAINTS ALL DEFERRED")
    for table, _, own in SHARED_TABLES:
        m = members[f"shared/{table}.bin"]
        cols = await _check_columns(conn, "shared", table, m["columns"])
        names = ", ".join(quote_ident(c) for c in cols)
        tmp = f"import_{table}"
        await conn.execute(
            f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS "
            f"SELECT {names} FROM shared.{quote_ident(table)} WITH NO DATA"
        )
        with _member(tar, m["member"]) as f:
            await conn.copy_to_table(tmp, source=f, columns=cols, format="binary")
        if table == "tenant":
            role = await conn.fetchval("SELECT role_name FROM shared.tenant WHERE code = $1", code)
            await conn.execute("DELETE FROM shared.tenant WHERE code = $1", code)
            await conn.execute(
                f"INSERT INTO shared.tenant ({names}, role_name) SELECT {names}, $1 FROM {tmp}",
                role,
            )
            continue
        where = ""
        if not own:
            where = (
                "WHERE EXISTS (SELECT 1 FROM shared.tenant o WHERE o.code = "
                f"CASE WHEN s.from_code = '{check_kommune_code(code)}' "
                "THEN s.to_code ELSE s.from_code END)"
            )
        inserted = await conn.execute(
            f"INSERT INTO shared.{quote_ident(table)} ({names}) OVERRIDING SYSTEM VALUE "
            f"SELECT {names} FROM {tmp} s {where}"
        )
        count = int(inserted.rsplit(" ", 1)[-1])
        if count != m["rows"]:
            skipped[table] = m["rows"] - count
    await conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return skipped


# --- leaving ---------------------------------------------------------------------------


async def pending_between(conn: asyncpg.Connection, code: str) -> list[str]:
    """What still waits between ``code`` and another kommune, in words (empty: nothing)."""
    row = await conn.fetchrow(
        "SELECT "
        "(SELECT count(*) FROM shared.transfer WHERE $1 IN (from_code, to_code) AND "
        " (status IN ('sendt', 'accepteret', 'fejl') "
        "  OR (status = 'importeret' AND sender_closed_at IS NULL))) AS transfers, "
        "(SELECT count(*) FROM shared.transfer_request WHERE $1 IN (from_code, to_code) "
        " AND status = 'aaben') AS requests, "
        "(SELECT count(*) FROM shared.transfer_forward WHERE $1 IN (from_code, to_code) "
        " AND imported_at IS NULL) AS forwards",
        code,
    )
    assert row is not None
    out = []
    if row["transfers"]:
        out.append(f"{row['transfers']} transfer(s) not finished")
    if row["requests"]:
        out.append(f"{row['requests']} open request(s) for a case")
    if row["forwards"]:
        out.append(f"{row['forwards']} forwarded notification(s) not received")
    return out


async def drop_kommune(
    registry: Registry, code: str, *, actor: str, audit: dict[str, Any] | None = None
) -> dict[str, int]:
    """Remove kommune ``code``: its schema, its role, its registry row and every shared row
    of it, in one transaction; refused while anything waits between it and another
    kommune. Returns the shared rows removed per table. Audited in the operator's log as
    ``actor`` in the same transaction: ``kommune.left`` with ``audit`` (the package's file,
    size and rows) or ``kommune.removed``."""
    check_kommune_code(code)
    conn = await registry.connect()
    removed: dict[str, int] = {}
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('trekant.tenant.create'))")
            t = await conn.fetchrow(
                "SELECT schema_name, role_name FROM shared.tenant WHERE code = $1 FOR UPDATE", code
            )
            if t is None:
                raise ArchiveError(
                    f"Unknown kommune {code}: no kommune with that code is registered"
                )
            if waiting := await pending_between(conn, code):
                raise ArchiveError(
                    f"Kommune {code} cannot leave while something waits between it and another "
                    f"kommune: {'; '.join(waiting)}. Finish or refuse them first."
                )
            for table, where, _ in reversed(SHARED_TABLES):
                status = await conn.execute(
                    f"DELETE FROM shared.{quote_ident(table)} WHERE {where}", code
                )
                removed[table] = int(status.rsplit(" ", 1)[-1])
            # Other kommuner's index of this kommune's transferred cases points nowhere now.
            await conn.execute(
                "UPDATE shared.cpr_index SET transferred_to = NULL WHERE transferred_to = $1", code
            )
            role = quote_ident(t["role_name"])
            await conn.execute(f"DROP SCHEMA {quote_ident(t['schema_name'])} CASCADE")
            # What the role was granted in shared (tenant migration 0010), then the role.
            await conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA shared FROM {role}")
            await conn.execute(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA shared FROM {role}")
            await conn.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA shared FROM {role}")
            await conn.execute(f"REVOKE ALL ON SCHEMA shared FROM {role}")
            await conn.execute(f"DROP ROLE {role}")
            if audit is not None:
                await _audit(conn, actor, "kommune.left", code, **audit)
            else:
                await conn.execute(
                    "INSERT INTO shared.operator_audit (actor, action, kommune_code) "
                    "VALUES ($1, 'kommune.removed', $2)",
                    actor,
                    code,
                )
    finally:
        await conn.close()
    return removed


_UNSAFE = re.compile(r"[^0-9A-Za-zÆØÅæøå._ -]+")


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "fil"
    return cleaned[:120]


LEAVE_README = """Trekant: udtræk af {name} Kommunes data ({code})

Lavet {at} da kommunen forlod Trekant. Alt er i åbne formater:

- tabeller/<tabel>.csv: hver tabel i kommunens database, CSV (UTF-8, komma, første linje
  er kolonnernes navne, tomt felt uden anførselstegn er NULL). Dokumenternes indhold er
  ikke i tabellen document_chunk her, men som filer under dokumenter/.
- faelles/<tabel>.csv: kommunens rækker i de fælles tabeller (registret, indeks over
  sager på tværs af kommuner, overførsler). Overførselspakker og forespørgsler er
  krypterede, som de blev gemt.
- skema.json: hver tabels kolonner med PostgreSQL-type.
- dokumenter/<sagsnummer>/<dokument-id>-<filnavn>: hvert dokument som den fil, der blev
  lagt ind, og visnings-PDF'en, hvor der er lavet en (…-visning.pdf).
- manifest.json: antal rækker og SHA-256 for hver fil.
"""


async def leave_kommune(registry: Registry, code: str, out: Path, *, actor: str) -> dict[str, Any]:
    """Export kommune ``code`` in open formats to ``out`` (a tar file, 0600), then remove it
    (``drop_kommune``). Refused, before anything is written, while something waits between
    it and another kommune. The kommune is suspended first, so nothing is written between
    the export's snapshot and the removal. Returns the package's manifest."""
    check_kommune_code(code)
    if out.exists():  # noqa: ASYNC240 - an operator command, not a request
        raise ArchiveError(f"{out} exists already; choose a new file name")
    conn = await registry.connect()
    before: asyncpg.Record | None = None
    try:
        t = await _tenant_row(conn, code)
        if waiting := await pending_between(conn, code):
            raise ArchiveError(
                f"Kommune {code} cannot leave while something waits between it and another "
                f"kommune: {'; '.join(waiting)}. Finish or refuse them first."
            )
        before = await conn.fetchrow(
            "SELECT status, status_reason FROM shared.tenant WHERE code = $1", code
        )
        assert before is not None
        await conn.execute(
            "UPDATE shared.tenant SET status = 'suspended', status_reason = $2, "
            "status_changed_at = now() WHERE code = $1",
            code,
            "Kommunen forlader Trekant",
        )
        schema = t["schema_name"]
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            with tempfile.TemporaryDirectory(dir=out.parent, prefix=".trekant-leave-") as tmp:
                work = Path(tmp)
                # The documents' bytes go under dokumenter/ as files, not again as CSV.
                dumps = await _dump_tables(
                    conn,
                    code,
                    schema,
                    work,
                    csv=True,
                    dirs=("tabeller", "faelles"),
                    leave_out=frozenset({"document_chunk"}),
                )
                files = await _write_documents(conn, schema, work)
                at = datetime.now(UTC).isoformat()
                schema_doc = {
                    d.member: [{"kolonne": c, "type": ty} for c, ty in d.columns] for d in dumps
                }
                with _private_file(work / "skema.json") as f:
                    f.write(json.dumps(schema_doc, ensure_ascii=False, indent=2).encode())
                with _private_file(work / "LAESMIG.txt") as f:
                    f.write(LEAVE_README.format(name=t["name"], code=code, at=at).encode())
                members = (
                    [d.member for d in dumps]
                    + [m for m, _, _ in files]
                    + [
                        "skema.json",
                        "LAESMIG.txt",
                    ]
                )
                manifest: dict[str, Any] = {
                    "format": LEAVE_FORMAT,
                    "format_version": FORMAT_VERSION,
                    "kommune": {"code": code, "name": t["name"]},
                    "tenant_version": await _version(conn, schema),
                    "exported_at": at,
                    "tables": [
                        {"file": d.member, "rows": d.rows, "sha256": d.sha256} for d in dumps
                    ],
                    "documents": [{"file": m, "bytes": n, "sha256": h} for m, n, h in files],
                }
                manifest["bytes"] = _write_tar(out, work, manifest, members)
    except BaseException:
        # Not removed: back as it was (an export that failed leaves it running).
        if before is not None:
            await conn.execute(
                "UPDATE shared.tenant SET status = $2, status_reason = $3 WHERE code = $1",
                code,
                before["status"],
                before["status_reason"],
            )
        raise
    finally:
        await conn.close()
    rows = sum(t["rows"] for t in manifest["tables"])
    manifest["removed"] = await drop_kommune(
        registry,
        code,
        actor=actor,
        audit={"file": out.name, "size": manifest["bytes"], "rows": rows},
    )
    return manifest


async def _write_documents(
    conn: asyncpg.Connection, schema: str, work: Path
) -> list[tuple[str, int, str]]:
    """Every stored document's file (and its viewing PDF) under ``work/dokumenter``."""
    q = quote_ident(schema)
    docs = await conn.fetch(
        f"SELECT d.id, d.filename, coalesce(h.case_number, h.id::text) AS case_number "
        f"FROM {q}.document d JOIN {q}.hovedsag h ON h.id = d.hovedsag_id "
        "WHERE d.state = 'klar' ORDER BY h.case_number, d.added_at, d.id"
    )
    out: list[tuple[str, int, str]] = []
    for d in docs:
        for stream in ("original", "rendition"):
            name = _safe_name(d["filename"])
            if stream == "rendition":
                name = Path(name).stem + "-visning.pdf"
            member = f"dokumenter/{_safe_name(d['case_number'])}/{d['id']}-{name}"
            h, size = hashlib.sha256(), 0
            path = work / member
            cur = conn.cursor(
                f"SELECT bytes FROM {q}.document_chunk WHERE document_id = $1 AND stream = $2 "
                "ORDER BY seq",
                d["id"],
                stream,
            )
            f: io.BufferedWriter | None = None
            async for row in cur:
                if f is None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    f = _private_file(path)
                f.write(row["bytes"])
                h.update(row["bytes"])
                size += len(row["bytes"])
            if f is not None:
                f.close()
                out.append((member, size, h.hexdigest()))
    return out


async def _audit(
    conn: asyncpg.Connection, actor: str, action: str, code: str, file: str, size: int, rows: int
) -> None:
    """One row in the operator's log (``shared.operator_audit``): what, when, by whom, the
    file's name, its size and the number of rows; never content."""
    await conn.execute(
        "INSERT INTO shared.operator_audit (actor, action, kommune_code, detail) "
        "VALUES ($1, $2, $3, $4::jsonb)",
        actor,
        action,
        code,
        json.dumps({"file": file, "bytes": size, "rows": rows}, ensure_ascii=False),
    )
