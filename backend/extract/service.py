"""The daily raw data (issue 18 item 5; docs/raw-data.md): an incremental extract of the
kommune's cases, measures, decisions, deadlines and costs for its own data warehouse, one
Parquet file per table per run (pyarrow, written in row groups of ``BATCH`` rows: bounded
memory), kept under the data directory kommune by kommune.

Incremental: each run takes the rows changed (``updated_at``, set by tenant migration
0041's triggers) after the last successful run's ``upto`` and up to its own start. The
first run is full. No free text: ids, codes, dates and amounts only; the child is named by
its Trekant id (a random UUID, stable across runs, not derived from the CPR number).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from backend.audit.service import record
from backend.config import get_settings
from backend.core.errors import FieldError, NotFound
from backend.core.principal import Principal
from backend.extract import repository as repo
from backend.extract.schemas import (
    ExtractFile,
    ExtractList,
    ExtractRead,
    KeyCreated,
    KeyList,
    KeyRead,
)
from backend.outbox.service import enqueue

RUN_JOB = "extract.run"
BATCH = 20_000
KEEP_DAYS = 30  # the files of older extracts are deleted (the warehouse has them by then)

_U = pa.string()  # uuids as their text form: every Parquet reader reads them
SCHEMAS: dict[str, pa.Schema] = {
    "sager": pa.schema(
        [
            ("sag_id", _U),
            ("barn_id", _U),
            ("foedselsaar", pa.int32()),
            ("sagsnummer", pa.string()),
            ("aabnet", pa.date32()),
            ("afsluttet", pa.date32()),
            ("fase", pa.string()),
            ("team_id", _U),
            ("sagsbehandler_id", _U),
            ("overflyttet_til", pa.string()),
            ("modtaget_fra", pa.string()),
            ("aendret", pa.timestamp("us", tz="UTC")),
        ]
    ),
    "indsatser": pa.schema(
        [
            ("indsats_id", _U),
            ("sag_id", _U),
            ("afgoerelse_id", _U),
            ("art", pa.string()),
            ("paragraf", pa.string()),
            ("anbringelse", pa.bool_()),
            ("start", pa.date32()),
            ("slut", pa.date32()),
            ("planlagt_slut", pa.date32()),
            ("aendret", pa.timestamp("us", tz="UTC")),
        ]
    ),
    "afgoerelser": pa.schema(
        [
            ("afgoerelse_id", _U),
            ("sag_id", _U),
            ("paragraf", pa.string()),
            ("udfald", pa.string()),
            ("truffet", pa.date32()),
            ("meddelt", pa.date32()),
            ("aendret", pa.timestamp("us", tz="UTC")),
        ]
    ),
    "frister": pa.schema(
        [
            ("frist_id", _U),
            ("sag_id", _U),
            ("regel", pa.string()),
            ("status", pa.string()),
            ("frist", pa.timestamp("us", tz="UTC")),
            ("udfoert", pa.timestamp("us", tz="UTC")),
            ("oprettet", pa.timestamp("us", tz="UTC")),
            ("aendret", pa.timestamp("us", tz="UTC")),
        ]
    ),
    "bevillinger": pa.schema(
        [
            ("bevilling_id", _U),
            ("sag_id", _U),
            ("indsats_id", _U),
            ("afgoerelse_id", _U),
            ("art", pa.string()),
            ("paragraf", pa.string()),
            ("enhed", pa.string()),
            ("antal", pa.float64()),
            ("hyppighed", pa.string()),
            ("fra", pa.date32()),
            ("til", pa.date32()),
            ("leverandoer_id", _U),
            ("tilbud_id", _U),
            ("pris_oere", pa.int64()),
            ("godkendt", pa.timestamp("us", tz="UTC")),
            ("aendret", pa.timestamp("us", tz="UTC")),
        ]
    ),
    "betalinger": pa.schema(
        [
            ("betaling_id", _U),
            ("bevilling_id", _U),
            ("sag_id", _U),
            ("fra", pa.date32()),
            ("til", pa.date32()),
            ("beloeb_oere", pa.int64()),
            ("status", pa.string()),
            ("godkendt", pa.timestamp("us", tz="UTC")),
            ("aendret", pa.timestamp("us", tz="UTC")),
        ]
    ),
}
assert set(SCHEMAS) == set(repo.TABLES)


def extract_dir(code: str, extract_id: uuid.UUID) -> Path:
    return get_settings().data_dir / "udtraek" / code / str(extract_id)


def _columns(rows: list[Any], schema: pa.Schema) -> pa.RecordBatch:
    """Rows (asyncpg records, columns in the schema's order, ids already text) as one
    record batch, column by column."""
    arrays = [pa.array([r[i] for r in rows], type=f.type) for i, f in enumerate(schema)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _write(writer: pq.ParquetWriter, rows: list[Any], schema: pa.Schema) -> None:
    writer.write_batch(_columns(rows, schema))


def _digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest(), path.stat().st_size


async def run_extract(code: str, actor: str) -> uuid.UUID:
    """One incremental extract, in the caller's (the job's) transaction: the files are
    written first, the row recording them last; a failure leaves no row and no files."""
    started = time.perf_counter()
    since = await repo.last_upto()
    upto = await repo.now()
    extract_id = await repo.insert_extract(since, upto, actor)
    folder = extract_dir(code, extract_id)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    try:
        for table, schema in SCHEMAS.items():
            path = folder / f"{table}.parquet"
            count = 0
            with pq.ParquetWriter(path, schema, compression="zstd") as writer:
                async for rows in repo.stream_rows(table, since, upto, BATCH):
                    # Encoding and writing off the event loop (the worker runs other jobs).
                    await asyncio.to_thread(_write, writer, rows, schema)
                    count += len(rows)
            digest, size = await asyncio.to_thread(_digest, path)
            files.append({"table": table, "rows": count, "bytes": size, "sha256": digest})
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    await repo.finish_extract(
        extract_id,
        files,
        sum(f["rows"] for f in files),
        sum(f["bytes"] for f in files),
        time.perf_counter() - started,
    )
    await record(actor, "extract.made", str(extract_id), rows=sum(f["rows"] for f in files))
    await _prune(code)
    return extract_id


async def _prune(code: str) -> None:
    """Delete the files of extracts older than ``KEEP_DAYS`` (their rows stay, without
    files): the raw data is not kept longer than the warehouse needs to fetch it."""
    old = await repo.list_expired_extracts(KEEP_DAYS)
    for extract_id in old:
        await asyncio.to_thread(shutil.rmtree, extract_dir(code, extract_id), True)
    if old:
        await repo.forget_files(old)


async def do_request(me: Principal) -> None:
    """ "Dan udtræk nu": queue a run (the worker makes it)."""
    await enqueue(RUN_JOB, {"actor": me.actor})
    await record(me.actor, "extract.requested", None)


def _read(row: repo.ExtractRow) -> ExtractRead:
    return ExtractRead(
        id=row.id,
        started_at=row.started_at,
        since=row.since,
        upto=row.upto,
        finished_at=row.finished_at,
        status=row.status,  # type: ignore[arg-type]  # CHECK constraint: the Literal
        full=row.since is None,
        rows=row.rows,
        bytes=row.bytes,
        seconds=row.seconds,
        files=[ExtractFile(**f) for f in row.files],
    )


async def extracts() -> ExtractList:
    return ExtractList(items=[_read(r) for r in await repo.list_extracts(30)])


async def extract_file(code: str, extract_id: uuid.UUID, table: str, actor: str) -> Path:
    """The file of one table of one finished extract of this kommune (404 otherwise: the
    same for another kommune's), audited."""
    row = await repo.get_extract(extract_id)
    if row is None or row.status != "faerdig" or table not in {f["table"] for f in row.files}:
        raise NotFound("Udtrækket findes ikke")
    path = extract_dir(code, extract_id) / f"{table}.parquet"
    if not path.is_file():
        raise NotFound("Udtrækket findes ikke")
    await record(actor, "extract.downloaded", str(extract_id), table=table)
    return path


# --- machine keys ------------------------------------------------------------------------


def token_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


async def do_create_key(me: Principal, name: str) -> KeyCreated:
    name = name.strip()
    if not name:
        raise FieldError("name", "Giv nøglen et navn, fx datavarehusets navn")
    if len(name) > 100:
        raise FieldError("name", "Navnet må højst være 100 tegn")
    secret = secrets.token_urlsafe(32)
    key_id = await repo.insert_key(name, token_hash(secret), me.actor)
    await record(me.actor, "extract.key_created", str(key_id), name=name)
    return KeyCreated(id=key_id, name=name, token=f"{me.kommune_code}.{key_id}.{secret}")


async def keys() -> KeyList:
    return KeyList(
        items=[
            KeyRead(
                id=k.id,
                name=k.name,
                created_by=k.created_by,
                created_at=k.created_at,
                last_used_at=k.last_used_at,
                revoked_at=k.revoked_at,
            )
            for k in await repo.list_keys()
        ]
    )


async def do_revoke_key(me: Principal, key_id: uuid.UUID) -> None:
    if not await repo.revoke_key(key_id, me.actor):
        raise NotFound("Nøglen findes ikke eller er allerede spærret")
    await record(me.actor, "extract.key_revoked", str(key_id))


def split_token(token: str) -> tuple[str, uuid.UUID, str] | None:
    code, _, rest = token.partition(".")
    raw_id, _, secret = rest.partition(".")
    try:
        key_id = uuid.UUID(raw_id)
    except ValueError:
        return None
    if len(code) != 4 or not code.isdigit() or not secret:
        return None
    return code, key_id, secret


async def machine_actor(key_id: uuid.UUID, secret: str) -> str | None:
    """The audit name of a live key with this secret, in the key's kommune's transaction;
    None for an unknown, wrong or revoked key."""
    key = await repo.get_key(key_id)
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.token_hash, token_hash(secret)):
        return None
    await repo.touch_key(key_id)
    return f"maskinnøgle:{key.name}"
