"""The daily raw data (issue 18 item 5): incremental Parquet extracts without free text,
downloaded by the administrator and by the data warehouse with a machine key."""

from __future__ import annotations

import io

import httpx
import pyarrow.parquet as pq

from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B
from tests.factories import child as new_child
from tests.factories import underretning

A, B = KOMMUNE_A[0], KOMMUNE_B[0]

COLUMNS = {
    "sager": [
        "sag_id", "barn_id", "foedselsaar", "sagsnummer", "aabnet", "afsluttet", "fase",
        "team_id", "sagsbehandler_id", "overflyttet_til", "modtaget_fra", "aendret",
    ],
    "indsatser": [
        "indsats_id", "sag_id", "afgoerelse_id", "art", "paragraf", "anbringelse", "start",
        "slut", "planlagt_slut", "aendret",
    ],
    "afgoerelser": [
        "afgoerelse_id", "sag_id", "paragraf", "udfald", "truffet", "meddelt", "aendret",
    ],
    "frister": [
        "frist_id", "sag_id", "regel", "status", "frist", "udfoert", "oprettet", "aendret",
    ],
    "bevillinger": [
        "bevilling_id", "sag_id", "indsats_id", "afgoerelse_id", "art", "paragraf", "enhed",
        "antal", "hyppighed", "fra", "til", "leverandoer_id", "tilbud_id", "pris_oere",
        "godkendt", "aendret",
    ],
    "betalinger": [
        "betaling_id", "bevilling_id", "sag_id", "fra", "til", "beloeb_oere", "status",
        "godkendt", "aendret",
    ],
}  # fmt: skip


async def make_extract(c: httpx.AsyncClient, code: str) -> dict:  # type: ignore[type-arg]
    """ "Dan udtræk nu", the job run by hand; the new extract."""
    assert (await c.post("/api/admin/extracts")).status_code == 202
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id FROM outbox WHERE done_at IS NULL AND job = 'extract.run'"
        )
    assert len(rows) == 1
    assert await run_outbox_job({}, code, str(rows[0]["id"])) == "done"
    items = (await c.get("/api/admin/extracts")).json()["items"]
    latest: dict = items[0]  # type: ignore[type-arg]
    assert latest["status"] == "faerdig"
    return latest


async def table(c: httpx.AsyncClient, url: str) -> pq.ParquetFile:
    r = await c.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.apache.parquet")
    return pq.ParquetFile(io.BytesIO(r.content))


async def test_the_extract_is_incremental_without_free_text_and_reads_back(client):
    admin = await client(A, "admin")
    worker = await client(A)
    await make_extract(admin, A)  # everything up to now
    fresh = await new_child(worker, first_name="Frida", last_name="Fritekst")
    await underretning(worker, fresh.case_id, concerns="Bekymret for Frida")
    second = await make_extract(admin, A)
    assert second["full"] is False
    assert [f["table"] for f in second["files"]] == list(COLUMNS)
    for f in second["files"]:
        parquet = await table(admin, f"/api/admin/extracts/{second['id']}/{f['table']}")
        assert parquet.schema_arrow.names == COLUMNS[f["table"]]
        assert parquet.metadata.num_rows == f["rows"]
    cases = (await table(admin, f"/api/admin/extracts/{second['id']}/sager")).read().to_pylist()
    assert [c["sag_id"] for c in cases] == [fresh.case_id]
    assert cases[0]["barn_id"] == fresh.child_id
    text = str(cases)
    for personal in ("Frida", "Fritekst", fresh.cpr, fresh.cpr[:6]):
        assert personal not in text
    assert "Bekymret" not in str(
        [
            (await table(admin, f"/api/admin/extracts/{second['id']}/{t}")).read().to_pylist()
            for t in COLUMNS
        ]
    )
    deadlines = (await table(admin, f"/api/admin/extracts/{second['id']}/frister")).read()
    assert set(deadlines.column("sag_id").to_pylist()) == {fresh.case_id}


async def test_a_machine_key_downloads_and_a_revoked_or_wrong_key_gets_401(client):
    admin = await client(A, "admin")
    made = await make_extract(admin, A)
    r = await admin.post("/api/admin/extracts/keys", json={"name": "Datavarehuset"})
    assert r.status_code == 201, r.text
    key = r.json()
    assert key["token"].startswith(f"{A}.{key['id']}.")
    listed = (await admin.get("/api/admin/extracts/keys")).json()["items"]
    assert "token" not in listed[0] and listed[0]["name"] == "Datavarehuset"
    async with httpx.AsyncClient(
        transport=admin._transport, base_url=str(admin.base_url)
    ) as machine:
        bearer = {"Authorization": f"Bearer {key['token']}"}
        r = await machine.get("/api/udtraek", headers=bearer)
        assert r.status_code == 200, r.text
        assert made["id"] in [e["id"] for e in r.json()["items"]]
        r = await machine.get(f"/api/udtraek/{made['id']}/sager.parquet", headers=bearer)
        assert r.status_code == 200
        assert pq.ParquetFile(io.BytesIO(r.content)).schema_arrow.names == COLUMNS["sager"]
        # Another kommune's extract: the same 404 as none.
        admin_b = await client(B, "admin")
        theirs = await make_extract(admin_b, B)
        r = await machine.get(f"/api/udtraek/{theirs['id']}/sager.parquet", headers=bearer)
        assert r.status_code == 404
        wrong = {"Authorization": f"Bearer {key['token'][:-2]}xx"}
        assert (await machine.get("/api/udtraek", headers=wrong)).status_code == 401
        assert (await machine.get("/api/udtraek")).status_code == 401
        r = await admin.post(f"/api/admin/extracts/keys/{key['id']}/revoke")
        assert r.status_code == 204
        assert (await machine.get("/api/udtraek", headers=bearer)).status_code == 401
        r = await machine.get(f"/api/udtraek/{made['id']}/sager.parquet", headers=bearer)
        assert r.status_code == 401


async def test_only_the_administrator_gets_the_raw_data(client):
    worker = await client(A)
    assert (await worker.get("/api/admin/extracts")).status_code == 403
    assert (await worker.post("/api/admin/extracts/keys", json={"name": "x"})).status_code == 403
    admin = await client(A, "admin")
    r = await admin.post("/api/admin/extracts/keys", json={"name": "  "})
    assert r.status_code == 400
    assert r.json()["detail"] == "Giv nøglen et navn, fx datavarehusets navn"
