"""One kommune out and back in (issue 19, item 6): export, drop, import, compare; a changed
or cut file is refused and leaves nothing; leaving writes open formats, removes the
kommune and is audited."""

from __future__ import annotations

import csv
import io
import json
import stat
import tarfile
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from backend.sealing import derive_key
from tenancy.archive import (
    KEPT_SHARED,
    KOMMUNE_COLUMNS,
    SHARED_TABLES,
    ArchiveError,
    drop_kommune,
    export_kommune,
    import_kommune,
    leave_kommune,
)
from tenancy.context import tenant_transaction
from tenancy.registry import TenancyError
from tests.conftest import SPARE_REALM, logged_in, new_kommune
from tests.crosskommune.conftest import drain
from tests.documents.conftest import pdf_with, upload
from tests.factories import child, note, underretning
from tests.money.conftest import offer, supplier

ROWS = "SELECT count(*) AS n, md5(coalesce(string_agg(x::text, chr(10) ORDER BY x::text), ''))"
KEY = derive_key("kommune export manifest")


async def _snapshot(dsn: str, code: str) -> dict[str, Any]:
    """Every table of the kommune's schema and its shared rows, as ordered text with a
    checksum; the role and schema names and the sequences' positions."""
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetch(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND relkind = 'r' ORDER BY relname",
            f"k{code}",
        )
        out: dict[str, Any] = {}
        for t in tables:
            out[t["relname"]] = await conn.fetchrow(
                f'{ROWS} AS sum FROM k{code}."{t["relname"]}" x'
            )
        for table, where in (
            ("tenant", "code = $1"),
            ("idp_secret", "code = $1"),
            ("cpr_index", "tenant_code = $1"),
            ("cross_audit", "kommune_code = $1"),
            ("transfer", "$1 IN (from_code, to_code)"),
            ("transfer_chunk", "$1 IN (from_code, to_code)"),
        ):
            out["shared." + table] = await conn.fetchrow(
                f"{ROWS} AS sum FROM shared.{table} x WHERE {where}",
                code,
            )
        out["sequences"] = await conn.fetch(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = $1 ORDER BY 1",
            f"k{code}",
        )
        return {k: (list(v) if isinstance(v, list) else tuple(v)) for k, v in out.items()}
    finally:
        await conn.close()


async def _exists(dsn: str, prefix: str, code: str) -> tuple[bool, bool, bool]:
    conn = await asyncpg.connect(dsn)
    try:
        return (
            bool(await conn.fetchval("SELECT 1 FROM shared.tenant WHERE code = $1", code)),
            bool(await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", f"k{code}")),
            bool(
                await conn.fetchval(
                    "SELECT 1 FROM pg_roles WHERE rolname = $1", f"{prefix}_k{code}"
                )
            ),
        )
    finally:
        await conn.close()


async def _operator_log(dsn: str, code: str) -> list[tuple[str, str, dict[str, Any]]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT actor, action, detail::text AS detail FROM shared.operator_audit "
            "WHERE kommune_code = $1 ORDER BY id",
            code,
        )
    finally:
        await conn.close()
    return [(r["actor"], r["action"], json.loads(r["detail"])) for r in rows]


def _read(tar: tarfile.TarFile, name: str) -> bytes:
    f = tar.extractfile(name)
    assert f is not None, name
    return f.read()


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> None:
    """``src`` with the members in ``change`` replaced (same tar layout otherwise)."""
    with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
        for m in tin.getmembers():
            data = change.get(m.name, _read(tin, m.name))
            m.size = len(data)
            tout.addfile(m, io.BytesIO(data))


async def _case_data(app: Any, code: str, *, full: bool = True) -> tuple[str, str, bytes]:
    """A case with a notification, a note and a PDF document, a supplier with a priced offer,
    all made through the API, and the jobs they queued run (the audit chain, the
    cross-kommune index); (case, document id, its bytes)."""
    c = await logged_in(app, code, "sagsbehandler", SPARE_REALM)
    fin = await logged_in(app, code, "oekonomi", SPARE_REALM)
    try:
        made = await child(c, first_name="Asta")
        if full:
            await underretning(c, made.case_id)
        await note(c, made.case_id, "Samtale med skolen", "Gik godt")
        content = pdf_with("Udtalelse om Asta")
        doc = await upload(c, made.case_id, "udtalelse.pdf", content)
        if full:
            await offer(fin, await supplier(fin), "familiebehandling", "hour", 85000, date.today())
            # A second child moved to Testby (0202), finished: its package, files and
            # request rows are in shared between the two.
            moved = await child(c, first_name="Otto")
            await upload(c, moved.case_id, "skoleudtalelse.pdf", pdf_with("Otto"))
            r = await c.post(
                f"/api/cases/{moved.case_id}/transfers",
                json={"to_kommune": "0202", "summary": "Familien er flyttet til Testby"},
            )
            assert r.status_code == 201, r.text
            assert await drain(code, "0202") == []
            b = await logged_in(app, "0202", "sagsbehandler")
            try:
                accepted = await b.post(f"/api/transfers/{r.json()['id']}/accept")
                assert accepted.status_code == 200, accepted.text
            finally:
                await b.aclose()
            assert await drain(code, "0202") == []
    finally:
        await c.aclose()
        await fin.aclose()
    async with tenant_transaction(DB, code) as scope:
        jobs = await scope.connection.fetch("SELECT id FROM outbox WHERE done_at IS NULL")
    for j in jobs if full else []:
        await run_outbox_job({}, code, str(j["id"]))
    return made.case_id, doc["id"], content


async def test_a_kommune_round_trips_through_export_and_import(
    app, seeded, registry, fresh_code, tmp_path
):
    code = fresh_code
    await new_kommune(registry, code, "Eksportby", children=3)
    case_id, doc_id, content = await _case_data(app, code)
    before = await _snapshot(registry.dsn, code)
    for table in ("journal_entry", "activity", "audit_event", "offer_price", "document_chunk"):
        assert before[table][0] > 0, table
    for table in (
        "shared.tenant",
        "shared.idp_secret",
        "shared.cpr_index",
        "shared.transfer",
        "shared.transfer_chunk",
    ):
        assert before[table][0] > 0, table

    out = tmp_path / "eksport.tar"
    manifest = await export_kommune(registry, code, out, KEY, actor="drift@trekant.dk")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert manifest["kommune"] == {"code": code, "name": "Eksportby"}
    assert manifest["tenant_version"] == registry.latest_version()
    with pytest.raises(ArchiveError, match="exists already"):
        await export_kommune(registry, code, out, KEY, actor="drift@trekant.dk")

    # Into a database where the kommune exists: refused, nothing changed.
    with pytest.raises(TenancyError, match=f"Kommune {code} already exists"):
        await import_kommune(registry, out, KEY, actor="drift@trekant.dk")

    await drop_kommune(registry, code, actor="drift@trekant.dk")
    assert await _exists(registry.dsn, registry.prefix, code) == (False, False, False)

    # A changed byte, a cut file, a changed manifest: refused before anything is made.
    with tarfile.open(out) as tar:
        chunk = _read(tar, "tenant/document_chunk.bin")
        head = json.loads(_read(tar, "manifest.json"))
    changed = bytearray(chunk)
    changed[-40] ^= 0x01
    _rewrite(out, tmp_path / "aendret.tar", {"tenant/document_chunk.bin": bytes(changed)})
    with pytest.raises(ArchiveError, match=r"damaged or changed: tenant/document_chunk\.bin"):
        await import_kommune(registry, tmp_path / "aendret.tar", KEY, actor="drift@trekant.dk")
    (tmp_path / "kort.tar").write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    with pytest.raises(ArchiveError, match="incomplete"):
        await import_kommune(registry, tmp_path / "kort.tar", KEY, actor="drift@trekant.dk")
    head["members"][0]["rows"] += 1
    _rewrite(out, tmp_path / "manifest.tar", {"manifest.json": json.dumps(head).encode()})
    with pytest.raises(ArchiveError, match="does not match its MAC"):
        await import_kommune(registry, tmp_path / "manifest.tar", KEY, actor="drift@trekant.dk")
    with pytest.raises(ArchiveError, match="does not match its MAC"):
        await import_kommune(registry, out, derive_key("another key"), actor="drift@trekant.dk")
    assert await _exists(registry.dsn, registry.prefix, code) == (False, False, False)

    result = await import_kommune(registry, out, KEY, actor="drift@trekant.dk")
    assert (result.code, result.version, result.skipped) == (code, registry.latest_version(), {})
    assert await _snapshot(registry.dsn, code) == before

    # Its users log in and read the case and the document as before.
    c = await logged_in(app, code, "sagsbehandler", SPARE_REALM)
    try:
        r = await c.get(f"/api/cases/{case_id}")
        assert r.status_code == 200, r.text
        r = await c.get(f"/api/documents/{doc_id}/content")
        assert r.status_code == 200
        assert r.content == content
    finally:
        await c.aclose()
    log = await _operator_log(registry.dsn, code)
    assert [(a, action) for a, action, _ in log] == [
        ("drift@trekant.dk", "kommune.exported"),
        ("drift@trekant.dk", "kommune.removed"),
        ("drift@trekant.dk", "kommune.imported"),
    ]
    assert log[0][2] == {
        "file": "eksport.tar",
        "bytes": manifest["bytes"],
        "rows": log[0][2]["rows"],
    }
    assert log[0][2]["rows"] == sum(m["rows"] for m in manifest["members"])


async def test_a_kommune_leaves_with_its_data_in_open_formats(
    app, seeded, registry, fresh_code, tmp_path
):
    code = fresh_code
    await new_kommune(registry, code, "Udtrædeby", children=2)
    case_id, doc_id, content = await _case_data(app, code, full=False)
    conn = await asyncpg.connect(registry.dsn)
    try:
        # A request for a case between it and København is still open.
        await conn.execute(
            "INSERT INTO shared.transfer_request (from_code, to_code, from_name, to_name, "
            "cpr_hmac, child_name, message, created_by, created_by_name) "
            "VALUES ($1, '0101', 'Udtrædeby', 'København', $2, 'x', 'x', 'x', 'x')",
            code,
            b"\x01" * 32,
        )
        out = tmp_path / "udtraek.tar"
        with pytest.raises(ArchiveError, match="1 open request"):
            await leave_kommune(registry, code, out, actor="drift@trekant.dk")
        assert not out.exists()
        assert await _exists(registry.dsn, registry.prefix, code) == (True, True, True)
        assert await conn.fetchval("SELECT status FROM shared.tenant WHERE code = $1", code) == (
            "active"
        )
        await conn.execute(
            "UPDATE shared.transfer_request SET status = 'afvist', answer = 'Nej' "
            "WHERE from_code = $1",
            code,
        )
    finally:
        await conn.close()

    manifest = await leave_kommune(registry, code, out, actor="drift@trekant.dk")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert await _exists(registry.dsn, registry.prefix, code) == (False, False, False)
    assert manifest["removed"]["transfer_request"] == 1

    with tarfile.open(out) as tar:
        names = set(tar.getnames())
        hovedsag = list(csv.DictReader(io.StringIO(_read(tar, "tabeller/hovedsag.csv").decode())))
        number = next(r["case_number"] for r in hovedsag if r["id"] == case_id)
        document = _read(tar, f"dokumenter/{number}/{doc_id}-udtalelse.pdf")
        schema = json.loads(_read(tar, "skema.json"))
    assert document == content
    assert len(hovedsag) == 3
    assert "tabeller/document_chunk.csv" not in names
    assert {
        "manifest.json",
        "LAESMIG.txt",
        "faelles/tenant.csv",
        "tabeller/journal_entry.csv",
    } <= names
    assert {"kolonne": "case_number", "type": "text"} in schema["tabeller/hovedsag.csv"]

    log = await _operator_log(registry.dsn, code)
    assert log[-1] == (
        "drift@trekant.dk",
        "kommune.left",
        {"file": "udtraek.tar", "bytes": manifest["bytes"], "rows": log[-1][2]["rows"]},
    )
    assert log[-1][2]["rows"] == sum(t["rows"] for t in manifest["tables"])


async def test_every_shared_table_that_names_a_kommune_travels_with_it(registry):
    """A new shared table keyed by kommune must be exported, imported and removed with the
    kommune (``SHARED_TABLES``), or be named as kept (``KEPT_SHARED``)."""
    conn = await asyncpg.connect(registry.dsn)
    try:
        rows = await conn.fetch(
            "SELECT DISTINCT table_name FROM information_schema.columns "
            "WHERE table_schema = 'shared' AND column_name = ANY($1::text[])",
            list(KOMMUNE_COLUMNS),
        )
    finally:
        await conn.close()
    named = {r["table_name"] for r in rows}
    listed = {t for t, _, _ in SHARED_TABLES}
    assert named - KEPT_SHARED == listed
