"""Documents travel with a case transferred to another kommune (§ 132): their details, text
and files, every file whole (package format 2; the bytes travel as sealed chunks beside the
package, tests/crosskommune/test_transfer_files.py)."""

from __future__ import annotations

import uuid

from tests.conftest import KOMMUNE_A, KOMMUNE_B, AsUser
from tests.crosskommune.conftest import cpr_for, drain, fetch, register
from tests.documents.conftest import pdf_with, upload

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


async def test_a_transfer_carries_the_documents_and_their_files(as_user: AsUser) -> None:
    a, b = await as_user(A), await as_user(B)
    reg = await register(a, cpr_for(4711), first="Dorte")
    case_id = reg["hovedsag_id"]
    small = pdf_with("Skolens udtalelse om trivsel i klassen.")
    doc = await upload(a, case_id, "udtalelse.pdf", small, title="Skolens udtalelse")
    # Larger than the 20 MB a version-1 package carried: it travels whole now.
    big = b"Referat af et langt forl\xc3\xb8b\n" * 800_000  # 21.6 MB
    late = await upload(
        a,
        case_id,
        "langt.txt",
        big,
        title="Langt referat",
        kind="referat",
        dated="2026-01-05",
    )
    r = await a.post(
        f"/api/cases/{case_id}/transfers",
        json={"to_kommune": B, "summary": "Familien er flyttet til jeres kommune."},
    )
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["counts"]["document"] == 2
    assert "document_chunk" not in t["counts"]  # the bytes are not rows of the package
    assert t["files"] == 2
    assert t["file_bytes"] >= len(small) + len(big)
    assert await drain(A, B) == []
    r = await b.post(f"/api/transfers/{t['id']}/accept")
    assert r.status_code == 200, r.text
    assert await drain(A, B) == []
    [new] = await fetch(
        B, "SELECT id FROM hovedsag WHERE received_transfer_id = $1", uuid.UUID(t["id"])
    )

    r = await b.get(f"/api/cases/{new['id']}/documents")
    assert r.status_code == 200
    items = {d["title"]: d for d in r.json()["items"]}
    assert set(items) == {"Skolens udtalelse", "Langt referat"}
    got = items["Skolens udtalelse"]
    assert got["id"] != doc["id"]  # a new id in the receiving kommune
    assert got["has_file"] is True and got["view"] == "pdf"
    r = await b.get(f"/api/documents/{got['id']}/content")
    assert r.status_code == 200
    assert r.content == small
    r = await b.get(f"/api/cases/{new['id']}/documents", params={"q": "trivsel"})
    assert r.json()["total"] == 1  # the text came too

    whole = items["Langt referat"]
    assert whole["id"] != late["id"]
    assert whole["has_file"] is True
    r = await b.get(f"/api/documents/{whole['id']}/content")
    assert r.status_code == 200
    assert r.content == big
