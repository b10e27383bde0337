"""A transfer package reads as Danish (issue 12 item 17): its contents with Danish names
and plurals ("1 afgørelse", "5 betalinger", never "payment: 5"), measures by name with
their section, and journal lines without table or column names."""

from __future__ import annotations

import re

from backend.casework import lifecycle
from backend.crosskommune import package as pkg
from backend.crosskommune.common import TAKEOVER_BASIS
from backend.crosskommune.wording import (
    TABLE_LABELS,
    counts_text,
    import_report,
    package_contents,
)
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.crosskommune.conftest import A, B, Client, drain, fetch
from tests.crosskommune.test_transfer import _received_case, _send, history_case

CODE_WORD = re.compile(r"\b[a-z]+_[a-z_]+\b")
ENGLISH = re.compile(r"\b(payment|bevilling:|case_step|journal_entry|table|verificeres)\b")


async def test_every_table_that_travels_has_a_danish_name(seeded):
    async with tenant_transaction(DB, A):
        tables = await lifecycle.case_tables(pkg.NOT_CARRIED)
    assert tables, "the package carries tables"
    missing = sorted(set(tables) - TABLE_LABELS.keys())
    assert missing == [], f"add these to TABLE_LABELS in backend/crosskommune/wording.py: {missing}"


def test_contents_use_danish_plurals_and_no_table_names():
    counts = {"payment": 5, "bevilling": 1, "case_step": 3, "afgoerelse": 1, "indsats": 1}
    assert counts_text(counts) == (
        "1 afgørelse, 1 indsats, 3 gennemførte skridt, 1 bevilling, 5 betalinger"
    )
    assert package_contents({"noget_nyt": 2, "journal_entry": 1}) == [
        "1 journalnotat",
        "2 andre registreringer",
    ]


def test_the_import_report_names_no_tables_or_columns():
    report = import_report(
        "København",
        {"afgoerelse": 2, "journal_entry": 1},
        {"payment": pkg.NOT_IMPORTED["payment"], "ny_tabel": "tabellen findes ikke hos modtageren"},
        ["indsats"],
    )
    assert report == (
        "Indlæst fra København: 2 afgørelser, 1 journalnotat. Ikke indlæst: "
        "andre registreringer (tabellen findes ikke hos modtageren); afsenderens betalinger. "
        "Nogle oplysninger, som afsenderen registrerer, har Trekant her ikke felter til; "
        "de er ikke indlæst (indsatser)."
    )
    assert not CODE_WORD.search(report) and not ENGLISH.search(report)
    assert "skal verificeres" not in TAKEOVER_BASIS


async def test_the_receiver_reads_the_package_in_danish(seeded, client: Client):
    a, b = await client(A), await client(B)
    case = await history_case(a, 181)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    detail = (await b.get(f"/api/transfers/{t['id']}")).json()
    contents = detail["transfer"]["contents"]
    assert "1 indsats" in contents
    for line in contents:
        assert re.fullmatch(r"[0-9.]+ [a-zæøå ]+", line), line
    assert [(m["kind"], m["label"]) for m in detail["measures"]] == [
        ("familiebehandling", "Familiebehandling")
    ]

    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
    assert await drain(A, B) == []
    [new] = await _received_case(t["id"])
    lines = await fetch(
        B,
        "SELECT title, body FROM journal_entry WHERE hovedsag_id = $1 AND original_id IS NULL",
        new["id"],
    )
    report = next(r["body"] for r in lines if r["title"].startswith("Sagens historik er indlæst"))
    assert report.startswith("Indlæst fra København: ")
    for r in lines:
        text = f"{r['title']} {r['body']}"
        assert not CODE_WORD.search(text) and not ENGLISH.search(text), text
