"""Arkiveringsversioner (issue 18 item 3): a small period's version validates and reads
back, a changed file fails the read-back, an empty period is refused at its field, the job
reports progress, only the administrator may, and the other kommune's cases never go in.

Each test closes its cases on a date of its own far in the past (set in the database after
closing them through the API), so its period holds exactly its cases."""

from __future__ import annotations

import io
import itertools
import random
import uuid
import zipfile
from datetime import date, timedelta
from typing import Any

import httpx
from lxml import etree

from backend.archive import files
from backend.archive.demo import seed_archive
from backend.archive.service import archived_cases
from backend.db import DB
from backend.money import progress
from backend.outbox.tasks import run_outbox_job
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B, new_kommune
from tests.documents.conftest import pdf_with, upload
from tests.factories import child as new_child
from tests.factories import note

A, B = KOMMUNE_A[0], KOMMUNE_B[0]
_DAYS = itertools.count(random.randrange(0, 5000, 50))


def a_day() -> date:
    """A day no other test closes a case on (1950s-60s: before any demo case)."""
    return date(1950, 1, 1) + timedelta(days=next(_DAYS))


async def close_on(c: httpx.AsyncClient, case_id: str, code: str, day: date) -> None:
    case = (await c.get(f"/api/cases/{case_id}")).json()
    r = await c.post(
        f"/api/cases/{case_id}/close", json={"version": case["version"], "reason": "Afsluttet"}
    )
    assert r.status_code == 200, r.text
    async with tenant_transaction(DB, code) as scope:
        await scope.connection.execute(
            "UPDATE hovedsag SET opened_at = $2, closed_at = $2 WHERE id = $1",
            uuid.UUID(case_id),
            day,
        )


async def run_archive_jobs(code: str) -> list[str]:
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id, job FROM outbox WHERE done_at IS NULL AND job LIKE 'archive.%' "
            "ORDER BY created_at"
        )
    for r in rows:
        await run_outbox_job({}, code, str(r["id"]))
    return [r["job"] for r in rows]


async def version(admin: httpx.AsyncClient, version_id: str) -> dict[str, Any]:
    r = await admin.get("/api/admin/archive")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = [v for v in r.json() if v["id"] == version_id]
    assert len(found) == 1
    return found[0]


async def test_a_period_makes_a_version_that_validates_and_reads_back(as_user):
    worker = await as_user(A, "sagsbehandler")
    admin = await as_user(A, "admin")
    day = a_day()
    first = await new_child(worker, first_name="Arkiv", last_name="Førstesen")
    second = await new_child(worker, first_name="Arkiv", last_name="Andensen")
    await note(worker, first.case_id, "Samtale med skolen", "Barnet trives.\x0b Kontrol")
    await upload(worker, first.case_id, "udtalelse.pdf", pdf_with("Udtalelse fra skolen"))
    await upload(worker, second.case_id, "notat.txt", b"Et notat i ren tekst")
    await close_on(worker, first.case_id, A, day)
    await close_on(worker, second.case_id, A, day)
    other = await as_user(B, "sagsbehandler")
    theirs = await new_child(other, first_name="Anden", last_name="Kommunesen")
    await close_on(other, theirs.case_id, B, day)

    r = await admin.post(
        "/api/admin/archive", json={"period_from": day.isoformat(), "period_to": day.isoformat()}
    )
    assert r.status_code == 201, r.text
    version_id = r.json()["id"]
    queued = await version(admin, version_id)
    assert (queued["status"], queued["cases"], queued["download_url"]) == ("venter", 2, None)

    assert await run_archive_jobs(A) == ["archive.build"]
    done = await version(admin, version_id)
    assert done["readback_errors"] == []
    assert (done["status"], done["readback"], done["cases"], done["documents"]) == (
        "klar",
        "ok",
        2,
        2,
    )
    # The job reported its progress, to the end.
    prog = await progress.read(A, uuid.UUID(version_id))
    assert (prog["status"], prog["percent"], prog["message"]) == (
        "klar",
        100,
        "Læst tilbage uden fejl",
    )

    # Every index validates against Rigsarkivet's schema, every table against its own.
    root = files.version_dir(A, version_id, done["avid"])
    for name in (
        "archiveIndex",
        "tableIndex",
        "docIndex",
        "contextDocumentationIndex",
        "fileIndex",
    ):
        schema = etree.XMLSchema(etree.parse(str(files.XSD_DIR / f"{name}.xsd")))
        assert schema.validate(etree.parse(str(root / "Indices" / f"{name}.xml"))), name
    for n in range(1, 7):
        folder = root / "Tables" / f"table{n}"
        schema = etree.XMLSchema(etree.parse(str(folder / f"table{n}.xsd")))
        assert schema.validate(etree.parse(str(folder / f"table{n}.xml"))), n
    cases = (root / "Tables" / "table1" / "table1.xml").read_text()
    assert first.case_id in cases and second.case_id in cases
    assert theirs.case_id not in cases
    children = (root / "Tables" / "table2" / "table2.xml").read_text()
    assert "Førstesen" in children and "Kommunesen" not in children
    assert (root / "Documents" / "docCollection1" / "1" / "1.tif").read_bytes()[:4] == b"II*\x00"

    # The download is the package as a zip, every file of it.
    r = await admin.get(done["download_url"])
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert f"{root.name}/Indices/fileIndex.xml" in names
    assert len(names) == done["files"]

    ids = [uuid.UUID(first.case_id), uuid.UUID(second.case_id), uuid.UUID(theirs.case_id)]
    async with tenant_transaction(DB, A):
        assert await archived_cases(ids) == set(ids[:2])

    # A changed file fails the read-back, and the cases no longer count as archived.
    table = root / "Tables" / "table1" / "table1.xml"
    table.write_bytes(table.read_bytes().replace(b"Afsluttet", b"Afsluttes"))
    r = await admin.post(f"/api/admin/archive/{version_id}/check")
    assert r.status_code == 202, r.text
    assert await run_archive_jobs(A) == ["archive.check"]
    checked = await version(admin, version_id)
    assert checked["readback"] == "fejl"
    assert checked["readback_errors"] == [
        f"Filen {root.name}\\Tables\\table1\\table1.xml er ændret (MD5 passer ikke)"
    ]
    async with tenant_transaction(DB, A):
        assert await archived_cases(ids) == set()


async def test_an_empty_period_is_refused_and_nothing_is_made(as_user):
    admin = await as_user(A, "admin")
    day = a_day()
    before = (await admin.get("/api/admin/archive")).json()
    r = await admin.post(
        "/api/admin/archive", json={"period_from": day.isoformat(), "period_to": day.isoformat()}
    )
    assert r.status_code == 400, r.text
    assert r.json()["extra"] == [
        {
            "key": "period_from",
            "message": f"Ingen sager blev lukket fra {day:%d.%m.%Y} til {day:%d.%m.%Y}; "
            "vælg en anden periode",
        }
    ]
    assert (await admin.get("/api/admin/archive")).json() == before
    r = await admin.post(
        "/api/admin/archive",
        json={"period_from": day.isoformat(), "period_to": (day - timedelta(days=1)).isoformat()},
    )
    assert r.status_code == 400, r.text


async def test_only_the_administrator_makes_or_sees_versions(as_user):
    worker = await as_user(A, "sagsbehandler")
    assert (await worker.get("/api/admin/archive")).status_code == 403
    r = await worker.post(
        "/api/admin/archive", json={"period_from": "1960-01-01", "period_to": "1960-12-31"}
    )
    assert r.status_code == 403


async def test_the_demo_version_is_made_once_and_reads_back(registry, fresh_code, seeded):
    # 120 children: the demo closes about one case in nine, and the version needs a closed one
    await new_kommune(registry, fresh_code, "Arkivby", children=120)
    avid = await seed_archive(fresh_code)
    assert avid == f"AVID.SA.{int(fresh_code)}0001"
    assert await seed_archive(fresh_code) is None  # once
    async with tenant_transaction(DB, fresh_code) as scope:
        row = await scope.connection.fetchrow(
            "SELECT status, readback_ok, cases FROM archive_version WHERE avid = $1", avid
        )
    assert (row["status"], row["readback_ok"]) == ("klar", True)
    assert row["cases"] > 0
