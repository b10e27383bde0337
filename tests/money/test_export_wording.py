"""Exported files speak Danish (issue 12 item 17): no column of internal keys in Excel, and
file names carry the Danish time of the export, not UTC."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import openpyxl

from backend.mi import dashboard, exports
from backend.mi.reports import SOURCES
from tests.money.conftest import A

CODE_WORD = re.compile(r"\b[a-z]+_[a-z_]+\b")


async def test_no_management_table_exports_a_column_of_internal_keys(client):
    manager = await client(A, "leder")
    for table in sorted(dashboard.TABLE_KEYS):
        r = await manager.post(
            "/api/exports", json={"source": "mi", "params": {"table": table, "scope": "kommune"}}
        )
        assert r.status_code == 200, (table, r.text)
        ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
        header = [c.value for c in ws[1]]
        assert "Nøgle" not in header, table
        assert not [h for h in header if CODE_WORD.search(str(h))], (table, header)
        for row in ws.iter_rows(min_row=2, values_only=True):
            assert not [v for v in row if isinstance(v, str) and CODE_WORD.fullmatch(v)], row


def test_export_file_names_use_danish_time():
    betalinger = SOURCES["betalinger"]
    # 23:30 UTC on 5 December is already 6 December in Denmark (winter time, UTC+1) ...
    winter = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)
    assert exports.filename(betalinger, winter) == "betalinger-2026-12-06-kl-0030.xlsx"
    # ... and 22:30 UTC on 30 June is 1 July (summer time, UTC+2).
    summer = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    assert exports.filename(betalinger, summer) == "betalinger-2026-07-01-kl-0030.xlsx"
    # The night the clocks go back (25.10.2026), 00:30 and 01:30 UTC are both 02:30.
    assert exports.filename(SOURCES["unge_18"], datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == (
        "unge-der-fylder-18-2026-10-25-kl-0230.xlsx"
    )
    assert exports.filename(SOURCES["mi"], datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == (
        "ledelsesinformation-2026-10-25-kl-0230.xlsx"
    )


async def test_a_downloaded_export_is_named_in_danish(client):
    manager = await client(A, "leder")
    r = await manager.post(
        "/api/exports", json={"source": "mi", "params": {"table": "compliance", "scope": "kommune"}}
    )
    assert r.status_code == 200
    name = re.search(r'filename="([^"]+)"', r.headers["content-disposition"])
    assert name is not None
    assert re.fullmatch(r"ledelsesinformation-\d{4}-\d{2}-\d{2}-kl-\d{4}\.xlsx", name[1]), name[1]
