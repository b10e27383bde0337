"""Standard searches and Excel exports: files that open with proper cell types (dates as
dates, amounts as numbers), small exports at once and large ones as a job with progress
and a download, audited downloads, and no export for roles that may not see the data."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

import openpyxl

from backend.core.danish import today_dk
from backend.mi import exports
from tests.money.conftest import A, fetch, measures, offer, register, run_jobs, supplier

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(content: bytes) -> list[list]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


async def _payments(client, n: int = 2):  # type: ignore[no-untyped-def]
    fin = await client(A, "oekonomi")
    sid = await supplier(fin, "Excel Leverandør")
    oid = await offer(fin, sid, "aflastning", "day", 123456, date(today_dk().year - 1, 1, 1))
    start = today_dk() - timedelta(days=40)
    ids = await measures(A, oid, n, start)
    for i, bid in enumerate(ids):
        r = await fin.post(
            "/api/money/payments",
            json={"bevilling_id": str(bid), "period_from": start.isoformat(),
                  "period_to": (start + timedelta(days=9)).isoformat(),
                  "amount_oere": 1234567 + i, "invoice_ref": f"XL-{i}"},
        )  # fmt: skip
        assert r.status_code == 201, r.text
    return fin, sid, start


async def test_a_small_export_opens_with_dates_as_dates_and_amounts_as_numbers(client):
    fin, sid, start = await _payments(client)
    r = await fin.post(
        "/api/exports", json={"source": "betalinger", "params": {"supplier_id": sid}}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    assert r.headers["content-disposition"].endswith('.xlsx"')
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[:7] == ["Barn", "Leverandør", "CVR", "Indsatstype", "Periode fra",
                          "Periode til", "Beløb"]  # fmt: skip
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 2
    first = rows[0]
    assert first[4].is_date and first[4].value == datetime.combine(start, datetime.min.time())
    assert first[4].number_format == "dd-mm-yyyy"
    assert isinstance(first[6].value, float) and first[6].value in (12345.67, 12345.68)
    assert first[6].number_format == "#,##0.00"
    assert first[9].is_date and isinstance(first[9].value, datetime)  # registered (local time)
    assert first[1].value == "Excel Leverandør" and first[8].value.startswith("Godkendt")
    audited = await fetch(
        A,
        "SELECT detail::text AS detail FROM audit_event WHERE action = 'export.downloaded' "
        "AND detail->>'source' = 'betalinger' AND detail->'params'->>'supplier_id' = $1",
        sid,
    )
    assert len(audited) == 1 and json.loads(audited[0]["detail"])["rows"] == 2


async def test_management_tables_and_searches_export_with_their_types(client):
    manager = await client(A, "leder")
    r = await manager.post(
        "/api/exports", json={"source": "mi", "params": {"table": "compliance", "scope": "kommune"}}
    )
    assert r.status_code == 200, r.text
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]][-1] == "Andel overholdt"
    assert ws.cell(row=2, column=len(ws[1])).number_format in ("0.0%", "General")
    r = await manager.post("/api/exports", json={"source": "mi", "params": {"table": "nope"}})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "params.table"
    worker = await client(A, "sagsbehandler")
    await register(worker, 901)
    r = await worker.post("/api/exports", json={"source": "sager", "params": {"text": "Ida"}})
    assert r.status_code == 200
    rows = _sheet(r.content)
    assert rows[0][0] == "Barn" and rows[0][9] == "Kan åbnes"
    assert all(isinstance(x[1], int) for x in rows[1:])  # age as a number
    assert any(x[9] is True for x in rows[1:])
    page = await worker.post("/api/reports/sager", json={"params": {"text": "Ida"}, "page_size": 2})
    assert page.status_code == 200 and len(page.json()["rows"]) <= 2
    assert page.json()["columns"][3] == {"key": "opened_at", "label": "Åbnet", "type": "date"}


async def test_no_export_for_roles_that_may_not_see_the_data(client):
    worker = await client(A, "sagsbehandler")
    for source in ("betalinger", "bevillinger", "mi", "unge_18"):
        r = await worker.post("/api/exports", json={"source": source})
        assert r.status_code == 403, source
        assert r.json()["detail"] == "Du har ikke adgang til at se eller eksportere disse data"
        r = await worker.post(f"/api/reports/{source}", json={})
        assert r.status_code == 403
    reader = await client(A, "revisor")
    assert (await reader.post("/api/exports", json={"source": "betalinger"})).status_code == 403
    admin = await client(A, "admin")
    assert (await admin.post("/api/exports", json={"source": "sager"})).status_code == 403
    fin = await client(A, "oekonomi")
    r = await fin.post("/api/exports", json={"source": "hemmeligt"})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "source"
    r = await fin.post("/api/exports", json={"source": "betalinger", "params": {"status": "x"}})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "params.status"
    listing = {x["key"]: x["allowed"] for x in (await worker.get("/api/reports")).json()}
    assert listing == {"sager": True, "bevillinger": False, "betalinger": False,
                       "unge_18": False, "mi": False}  # fmt: skip


async def test_a_large_export_runs_as_a_job_with_progress_and_a_download(client, monkeypatch):
    fin, sid, _ = await _payments(client, n=3)
    monkeypatch.setattr(exports, "DIRECT_LIMIT", 2)
    monkeypatch.setattr(exports, "PAGE", 2)
    r = await fin.post(
        "/api/exports", json={"source": "bevillinger", "params": {"supplier_id": sid}}
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "venter" and job["download_url"] is None and job["total_rows"] == 3
    assert (await fin.get(f"/api/exports/{job['id']}/file")).status_code == 404  # not ready
    assert await run_jobs(A) == [("mi.export", "done")]
    status = (await fin.get(f"/api/exports/{job['id']}")).json()
    assert status["status"] == "klar" and status["percent"] == 100
    assert status["download_url"] == f"/api/exports/{job['id']}/file"
    f = await fin.get(status["download_url"])
    assert f.status_code == 200 and f.headers["content-type"] == XLSX
    rows = _sheet(f.content)
    assert len(rows) == 4 and rows[0][0] == "Barn"
    price_col = rows[0].index("Pris pr. enhed")
    assert {x[price_col] for x in rows[1:]} == {1234.56}
    assert isinstance(rows[1][rows[0].index("Fra")], datetime)
    downloads = await fetch(
        A,
        "SELECT 1 FROM audit_event WHERE action = 'export.downloaded' AND subject = $1",
        job["id"],
    )
    assert len(downloads) == 1
    # Only the requester gets the job and its file.
    manager = await client(A, "leder")
    assert (await manager.get(f"/api/exports/{job['id']}")).status_code == 404
    assert (await manager.get(f"/api/exports/{job['id']}/file")).status_code == 404


def test_every_column_type_becomes_the_right_excel_cell():
    from datetime import UTC

    from backend.mi.excel import write_xlsx
    from backend.mi.tables import Column

    columns = [
        Column("t", "Tekst"),
        Column("i", "Antal", "int"),
        Column("m", "Beløb", "money"),
        Column("p", "Andel", "percent"),
        Column("d", "Dato", "date"),
        Column("dt", "Tidspunkt", "datetime"),
        Column("b", "Ja/nej", "bool"),
    ]
    at = datetime(2026, 7, 1, 10, 30, tzinfo=UTC)  # 12:30 in Denmark (summer time)
    rows = [
        ["Ida", 3, 123456, 66.7, date(2026, 2, 28), at, True],
        ["Tom", None, None, None, None, None, None],
    ]
    ws = openpyxl.load_workbook(io.BytesIO(write_xlsx("Test: typer/ark", columns, rows))).active
    assert ws.title == "Test  typer ark"  # characters Excel forbids in sheet names
    assert [c.value for c in ws[1]] == [c.label for c in columns]
    t, i, m, p, d, dt, b = ws[2]
    assert (t.value, t.data_type) == ("Ida", "s")
    assert (i.value, i.number_format) == (3, "0")
    assert (m.value, m.number_format) == (1234.56, "#,##0.00")
    assert (p.value, p.number_format) == (0.667, "0.0%")
    assert d.is_date and d.value == datetime(2026, 2, 28) and d.number_format == "dd-mm-yyyy"
    assert dt.is_date and dt.value == datetime(2026, 7, 1, 12, 30)
    assert dt.number_format == "dd-mm-yyyy hh:mm"
    assert b.value is True
    assert [c.value for c in ws[3]][1:] == [None] * 6  # empty cells, not zeros
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G3"
