"""Replies from Digital Post: authenticated per kommune, bounded, matched to the letter."""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from backend.db import DB
from backend.post import memo
from backend.post.senders import kommune_cvr
from backend.post.service import Recipient
from tenancy.context import tenant_transaction
from tests.post.conftest import (
    A,
    a_case,
    delivery,
    letter_pdf,
    plain_parent,
    run_post_jobs,
    send,
)

pytestmark = pytest.mark.usefixtures("seeded")
URL = "/api/post/inbound/digital-post"


def reply_to(original: uuid.UUID, cpr: str, code: str = A) -> bytes:
    m = memo.Memo(
        message_uuid=uuid.uuid4(),
        label="Svar: Orientering",
        sender=memo.Party(cpr, "CPR", "Borger"),
        recipient=memo.Party(kommune_cvr(code), "CVR", "Kommunen"),
        files=[memo.File("svar.pdf", letter_pdf("Tak for brevet."))],
        created=datetime.now(UTC),
        reply=False,
        replies=[memo.Reply(uuid.uuid4(), cpr, kommune_cvr(code), reply_uuid=original)],
    )
    return memo.message_xml(m)


def signed(body: bytes, code: str = A, secret: str | None = None) -> dict[str, str]:
    key = secret if secret is not None else os.environ[f"TREKANT_DIGITAL_POST_SECRET_{code}"]
    mac = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/xml",
        "X-Trekant-Kommune": code,
        "X-Trekant-Signature": f"sha256={mac}",
    }


async def inbound_count() -> int:
    async with tenant_transaction(DB, A) as scope:
        n: int = await scope.connection.fetchval("SELECT count(*) FROM inbound_post")
    return n


async def test_a_reply_with_a_wrong_secret_is_refused_and_nothing_is_stored(
    http: httpx.AsyncClient,
) -> None:
    body = reply_to(uuid.uuid4(), plain_parent()["cpr"])
    before = await inbound_count()
    attempts = [
        (body, signed(body, secret="forkert")),
        (body, {**signed(body), "X-Trekant-Signature": ""}),
        (body, {**signed(body), "X-Trekant-Kommune": "0202"}),  # B's code, A's secret
        (body, {k: v for k, v in signed(body).items() if k != "X-Trekant-Kommune"}),
        (body + b" ", signed(body)),  # signed, then changed
    ]
    for content, headers in attempts:
        r = await http.post(URL, content=content, headers=headers)
        assert r.status_code == 401, r.text
        assert r.json()["detail"] == "Ugyldig eller manglende signatur"
    assert await inbound_count() == before


async def test_an_oversized_reply_is_refused_with_413(http: httpx.AsyncClient) -> None:
    body = b"<" + b"x" * 10_000_001
    r = await http.post(URL, content=body, headers=signed(body))
    assert r.status_code == 413
    os.environ["TREKANT_DIGITAL_POST_INBOUND_MAX_BYTES"] = "1000"
    try:
        body = reply_to(uuid.uuid4(), plain_parent()["cpr"])
        r = await http.post(URL, content=body, headers=signed(body))
        assert r.status_code == 413
        assert r.json()["detail"] == "Beskeden er for stor"
    finally:
        del os.environ["TREKANT_DIGITAL_POST_INBOUND_MAX_BYTES"]


async def test_a_reply_to_no_letter_of_ours_is_404_and_not_valid_memo_is_400(
    http: httpx.AsyncClient,
) -> None:
    before = await inbound_count()
    body = reply_to(uuid.uuid4(), plain_parent()["cpr"])
    r = await http.post(URL, content=body, headers=signed(body))
    assert r.status_code == 404
    assert r.json()["detail"] == "Svaret hører ikke til et brev fra kommunen"
    body = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"
    r = await http.post(URL, content=body, headers=signed(body))
    assert r.status_code == 400
    assert await inbound_count() == before


async def test_the_same_reply_delivered_twice_is_stored_once(http: httpx.AsyncClient) -> None:
    case_id = await a_case()
    parent = plain_parent()
    _, [did] = await send(case_id, [Recipient(parent["name"], "Mor", cpr=parent["cpr"])])
    await run_post_jobs()
    d = await delivery(did)
    body = reply_to(d["message_uuid"], parent["cpr"])
    r = await http.post(URL, content=body, headers=signed(body))
    assert r.status_code == 200 and r.json() == {"status": "modtaget"}
    r = await http.post(URL, content=body, headers=signed(body))
    assert r.status_code == 200 and r.json() == {"status": "allerede_modtaget"}
    async with tenant_transaction(DB, A) as scope:
        n = await scope.connection.fetchval(
            "SELECT count(*) FROM inbound_post WHERE delivery_id = $1", did
        )
    assert n == 1
    # A reply from someone else than the letter's recipient finds no letter.
    other = reply_to(d["message_uuid"], "0101901234")
    r = await http.post(URL, content=other, headers=signed(other))
    assert r.status_code == 404
