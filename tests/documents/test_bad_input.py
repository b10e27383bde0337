"""Every bad upload is refused with a Danish answer on its field, and nothing stays."""

from __future__ import annotations

import uuid

import pytest

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, AsUser
from tests.documents.conftest import docx_with, metadata, pdf_with
from tests.factories import child

A = KOMMUNE_A[0]
NO_TITLE = "Skriv en titel på dokumentet"
OTHER = str(uuid.uuid4())  # no enkeltsag of the case
LARGER = "Filen er større end angivet. Prøv at tilføje den igen"
PARTIAL = "Filen blev ikke modtaget helt. Prøv at tilføje den igen"


async def _stored(document_id: str) -> tuple[str, int]:
    """The document's state and how many chunks it has."""
    async with tenant_transaction(DB, A) as scope:
        row = await scope.connection.fetchrow(
            "SELECT d.state, (SELECT count(*) FROM document_chunk c "
            "WHERE c.document_id = d.id) AS chunks FROM document d WHERE d.id = $1",
            uuid.UUID(document_id),
        )
    return row["state"], row["chunks"]


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({"filename": "tom.pdf", "size": 0}, "size", "Filen er tom"),
        (
            {"filename": "stor.pdf", "size": 100 * 1024 * 1024 + 1},
            "size",
            "Filen er større end 100 MB, som er det største, Trekant tager imod",
        ),
        ({"filename": "virus.exe", "size": 10}, "filename", None),
        ({"filename": "script.js", "size": 10}, "filename", None),
        ({"filename": "uden-type", "size": 10}, "filename", None),
        ({"filename": "../../etc/passwd.pdf", "size": 10}, "filename", None),
        ({"filename": "mappe\\fil.pdf", "size": 10}, "filename", None),
        ({"filename": "faktura\u202efdp.exe", "size": 10}, "filename", None),
        ({"filename": "navn\u0007.pdf", "size": 10}, "filename", None),
        ({"filename": ".skjult.pdf", "size": 10}, "filename", None),
        (
            {"filename": "a.pdf", "size": 10, "title": "   "},
            "title",
            "Skriv en titel på dokumentet",
        ),
        ({"filename": "a.pdf", "size": 10, "dated": "2099-01-01"}, "dated", None),
        (
            {"filename": "a.pdf", "size": 10, "enkeltsag_id": str(uuid.uuid4())},
            "enkeltsag_id",
            None,
        ),
    ],
)
async def test_metadata_is_checked_before_the_bytes(
    as_user: AsUser, fields: dict[str, object], key: str, message: str | None
) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    body = metadata(str(fields.pop("filename")), int(fields.pop("size")), **fields)  # type: ignore[call-overload]
    r = await c.post(f"/api/cases/{case}/documents", json=body)
    assert r.status_code == 400, r.text
    extra = r.json()["extra"]
    assert extra[0]["key"] == key
    if message is not None:
        assert extra[0]["message"] == message
    r = await c.get(f"/api/cases/{case}/documents")
    assert r.json()["total"] == 0


async def test_an_unknown_kind_is_refused(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    r = await c.post(f"/api/cases/{case}/documents", json=metadata("a.pdf", 10, kind="virus"))
    assert r.status_code == 400


async def test_name_is_normalised_to_nfc(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    content = pdf_with("tekst")
    r = await c.post(
        f"/api/cases/{case}/documents", json=metadata("  bo\u0308rn.pdf ", len(content))
    )
    assert r.status_code == 201
    r = await c.put(r.json()["upload_url"], content=content)
    assert r.status_code == 200
    assert r.json()["filename"] == "b\u00f6rn.pdf"


async def _begin(c, case: str, filename: str, size: int) -> str:  # type: ignore[no-untyped-def]
    r = await c.post(f"/api/cases/{case}/documents", json=metadata(filename, size))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("brev.pdf", b"MZ\x90\x00 not a pdf at all", "Filens indhold passer ikke til filnavnet"),
        ("billede.png", pdf_with("x"), "Filens indhold passer ikke til filnavnet"),
        ("notat.docx", b"PK\x03\x04" + b"\0" * 40, "Filens indhold passer ikke til filnavnet"),
        ("notat.txt", b"tekst\0med nul", "Filens indhold passer ikke til filnavnet"),
    ],
)
async def test_content_not_matching_the_name_is_refused_and_nothing_stays(
    as_user: AsUser, filename: str, content: bytes, message: str
) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc_id = await _begin(c, case, filename, len(content))
    r = await c.put(f"/api/documents/{doc_id}/content", content=content)
    assert r.status_code == 400, r.text
    assert r.json()["extra"][0]["key"] == "content"
    assert r.json()["extra"][0]["message"].startswith(message)
    assert await _stored(doc_id) == ("afventer", 0)
    r = await c.get(f"/api/cases/{case}/documents")
    assert r.json()["total"] == 0


async def test_an_empty_body_is_refused(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc_id = await _begin(c, case, "a.pdf", 10)
    r = await c.put(f"/api/documents/{doc_id}/content", content=b"")
    assert r.status_code == 400
    assert r.json()["extra"][0]["message"] == "Filen er tom"
    assert await _stored(doc_id) == ("afventer", 0)


async def test_more_bytes_than_declared_are_refused_and_nothing_stays(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    content = b"tekst om skolen\n" * 200_000  # 3.2 MB: the refusal comes after chunks were written
    doc_id = await _begin(c, case, "a.txt", 1_500_000)
    r = await c.put(f"/api/documents/{doc_id}/content", content=content)
    assert r.status_code == 400
    assert (
        r.json()["extra"][0]["message"] == "Filen er større end angivet. Prøv at tilføje den igen"
    )
    assert await _stored(doc_id) == ("afventer", 0)


async def test_fewer_bytes_than_declared_are_refused(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    content = pdf_with("kort")
    doc_id = await _begin(c, case, "a.pdf", len(content) + 100)
    r = await c.put(f"/api/documents/{doc_id}/content", content=content)
    assert r.status_code == 400
    assert (
        r.json()["extra"][0]["message"] == "Filen blev ikke modtaget helt. Prøv at tilføje den igen"
    )
    assert await _stored(doc_id) == ("afventer", 0)


async def test_the_bytes_are_taken_once_and_only_from_the_one_who_began(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    content = docx_with("Referat af mødet")
    doc_id = await _begin(c, case, "referat.docx", len(content))
    leder = await as_user(A, "leder")  # may open every case, but did not begin this upload
    r = await leder.put(f"/api/documents/{doc_id}/content", content=content)
    assert r.status_code == 403
    r = await c.put(f"/api/documents/{doc_id}/content", content=content)
    assert r.status_code == 200, r.text
    r = await c.put(f"/api/documents/{doc_id}/content", content=content)
    assert r.status_code == 409


async def test_a_body_announced_over_100_mb_is_refused_in_danish(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc_id = await _begin(c, case, "a.pdf", 10)
    r = await c.put(
        f"/api/documents/{doc_id}/content",
        content=b"%PDF-1.7\n",
        headers={"content-length": str(100 * 1024 * 1024 + 1)},
    )
    assert r.status_code == 400
    assert r.json()["extra"][0] == {
        "key": "content",
        "message": "Filen er større end 100 MB, som er det største, Trekant tager imod",
    }
    assert await _stored(doc_id) == ("afventer", 0)


async def test_an_upload_never_finished_is_swept_after_a_day(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    old = await _begin(c, case, "a.pdf", 10)
    async with tenant_transaction(DB, A) as scope:
        await scope.connection.execute(
            "UPDATE document SET added_at = now() - interval '25 hours' WHERE id = $1",
            uuid.UUID(old),
        )
    await _begin(c, case, "b.pdf", 10)  # any new upload sweeps the kommune's old ones
    async with tenant_transaction(DB, A) as scope:
        left = await scope.connection.fetchval(
            "SELECT count(*) FROM document WHERE id = $1", uuid.UUID(old)
        )
    assert left == 0


async def test_a_closed_case_takes_no_new_documents(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    version = (await c.get(f"/api/cases/{case}")).json()["version"]
    r = await c.post(f"/api/cases/{case}/close", json={"version": version, "reason": "Flyttet"})
    assert r.status_code == 200, r.text
    r = await c.post(f"/api/cases/{case}/documents", json=metadata("a.pdf", 10))
    assert r.status_code == 409
    assert r.json()["detail"].startswith("Sagen er lukket")
