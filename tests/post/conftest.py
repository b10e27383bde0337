"""Helpers for the post tests: a letter PDF, a case, the demo register's people, and
running post's outbox jobs by hand with the worker's entry point."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import httpx

from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from backend.post.service import Recipient, send_letter
from tenancy.context import run_after_commit, tenant_transaction
from tests.conftest import KOMMUNE_A

A = KOMMUNE_A[0]


def letter_pdf(text: str = "Kære forælder. Dette er et brev fra kommunen.") -> bytes:
    from weasyprint import HTML

    out: bytes = HTML(string=f"<h1>Brev</h1><p>{text}</p>").write_pdf()
    return out


def dp_url() -> str:
    return os.environ["TREKANT_DIGITAL_POST_URL"]


def mail_url() -> str:
    from tests import conftest

    return conftest.SMTP.url  # type: ignore[attr-defined, no-any-return]


def register() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(open(os.environ["TREKANT_CPR_DEMO_FILE"]).read())
    return data


def exempt_parent() -> dict[str, Any]:
    for rel in register().values():
        for p in rel["parents"]:
            if p.get("digital_post_exempt"):
                return dict(p)
    raise AssertionError("the demo register has no exempt parent")


def plain_parent() -> dict[str, Any]:
    for rel in register().values():
        for p in rel["parents"]:
            if not p.get("digital_post_exempt"):
                return dict(p)
    raise AssertionError("no parent")


async def a_case(code: str = A) -> uuid.UUID:
    async with tenant_transaction(DB, code) as scope:
        found: uuid.UUID = await scope.connection.fetchval(
            "SELECT id FROM hovedsag WHERE closed_at IS NULL ORDER BY opened_at LIMIT 1"
        )
    return found


async def send(
    case_id: uuid.UUID, recipients: list[Recipient], title: str = "Orientering om underretning"
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    letter_id = uuid.uuid4()
    async with tenant_transaction(DB, A) as scope:
        ids = await send_letter(
            case_id=case_id,
            letter_id=letter_id,
            document_id=uuid.uuid4(),
            title=title,
            pdf=letter_pdf(),
            recipients=recipients,
            actor="sagsbehandler@koebenhavn.dk",
        )
    await run_after_commit(scope)
    return letter_id, ids


async def run_post_jobs(code: str = A) -> list[str]:
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id, job FROM outbox WHERE done_at IS NULL AND job = 'post.deliver' "
            "ORDER BY created_at"
        )
    return [await run_outbox_job({}, code, str(r["id"])) for r in rows]


async def delivery(delivery_id: uuid.UUID, code: str = A) -> dict[str, Any]:
    async with tenant_transaction(DB, code) as scope:
        row = await scope.connection.fetchrow("SELECT * FROM delivery WHERE id = $1", delivery_id)
    assert row is not None
    return dict(row)


def dp_message(message_uuid: uuid.UUID) -> dict[str, Any]:
    r = httpx.get(f"{dp_url()}/api/beskeder/{message_uuid}", timeout=10)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data
