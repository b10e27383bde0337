"""Helpers for the documents tests: files made in the test (PDF by weasyprint, DOCX and ODT
as the ZIP files they are), the two-step upload, and running the documents' outbox jobs."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import httpx

from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from tenancy.context import tenant_transaction


def pdf_with(text: str) -> bytes:
    """A real PDF whose text layer holds ``text``."""
    from weasyprint import HTML

    out = HTML(string=f"<html lang='da'><body><p>{text}</p></body></html>").write_pdf()
    assert out is not None
    return bytes(out)


def docx_with(text: str) -> bytes:
    """A minimal Word document (OOXML) with one paragraph."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


def metadata(filename: str, size: int, **extra: Any) -> dict[str, Any]:
    return {
        "title": extra.pop("title", "Udtalelse fra skolen"),
        "kind": extra.pop("kind", "udtalelse"),
        "dated": extra.pop("dated", date.today().isoformat()),
        "filename": filename,
        "size": size,
        "content_type": extra.pop("content_type", ""),
        "enkeltsag_id": extra.pop("enkeltsag_id", None),
        **extra,
    }


async def upload(
    c: httpx.AsyncClient, case_id: str, filename: str, content: bytes, **extra: Any
) -> dict[str, Any]:
    """Both steps of an upload, each asserted; the stored document's answer."""
    r = await c.post(
        f"/api/cases/{case_id}/documents", json=metadata(filename, len(content), **extra)
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["upload_url"] == f"/api/documents/{created['id']}/content"
    r = await c.put(created["upload_url"], content=content)
    assert r.status_code == 200, r.text
    doc: dict[str, Any] = r.json()
    assert doc["id"] == created["id"]
    return doc


async def run_document_jobs(code: str, document_id: str) -> list[str]:
    """Run the pending documents jobs of one document in-process; return the jobs run."""
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id, job FROM outbox WHERE done_at IS NULL AND job LIKE 'documents.%' "
            "AND payload->>'document_id' = $1 ORDER BY created_at",
            document_id,
        )
    for r in rows:
        await run_outbox_job({}, code, str(r["id"]))
    return [r["job"] for r in rows]
