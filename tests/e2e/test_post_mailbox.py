"""Issue 15 items 5 and 6 in the browser: a letter sent by Digital Post shows in the
citizen's mailbox on the development Digital Post server; the citizen opens it, reads the
PDF and answers with "Send svar"; the answer arrives in Trekant as an incoming document on
the case. axe on the mailbox pages (plain, Danish, accessible); screenshots at 1366×768
and 768×1024 under test-results/."""

from __future__ import annotations

import httpx
from playwright.async_api import expect

from backend.db import DB
from backend.post.service import Recipient
from tenancy.context import tenant_transaction
from tests.e2e.conftest import check_axe
from tests.e2e.test_post_print import shots
from tests.post.conftest import A, a_case, delivery, dp_url, plain_parent, run_post_jobs, send


async def test_the_citizen_reads_the_letter_and_answers_from_the_mailbox(page) -> None:  # type: ignore[no-untyped-def]
    case_id = await a_case()
    parent = plain_parent()
    _, [did] = await send(
        case_id,
        [Recipient(parent["name"], "Mor", cpr=parent["cpr"])],
        title="Indkaldelse til børnesamtale",
    )
    await run_post_jobs()
    d = await delivery(did)
    assert d["status"] == "sendt"
    await page.goto(dp_url() + "/")
    await expect(page.get_by_role("heading", name="Postkasser")).to_be_visible()
    await page.get_by_role("link", name=parent["name"]).first.click()
    await expect(
        page.get_by_role("heading", name=f"Digital Post til {parent['name']}")
    ).to_be_visible()
    assert "cpr" not in page.url.lower() and parent["cpr"] not in page.url
    await check_axe(page, "digital post: postkasse")
    await page.get_by_role("link", name="Indkaldelse til børnesamtale").first.click()
    await expect(page.get_by_role("heading", name="Indkaldelse til børnesamtale")).to_be_visible()
    assert page.url.endswith(f"/besked/{d['message_uuid']}")
    pdf = await page.request.get(dp_url() + f"/besked/{d['message_uuid']}/fil/0")
    assert pdf.status == 200 and (await pdf.body()).startswith(b"%PDF-")
    await check_axe(page, "digital post: brev")
    await shots(page, "digital-post-brev")
    await page.get_by_label("Dit svar til afsenderen").fill(
        "Vi kommer gerne, men først efter kl. 15."
    )
    await page.get_by_role("button", name="Send svar").click()
    await expect(page.get_by_role("status")).to_have_text("Dit svar er sendt.")
    async with tenant_transaction(DB, A) as scope:
        titles = [
            r["title"]
            for r in await scope.connection.fetch(
                "SELECT title FROM document WHERE hovedsag_id = $1 AND incoming "
                "AND source = 'digital_post' AND handled_at IS NULL",
                case_id,
            )
        ]
    assert f"Svar fra {parent['name']}: Indkaldelse til børnesamtale" in titles


async def test_a_reply_from_the_dev_mailbox_becomes_an_incoming_document_on_the_case(
    server: str,
    client,  # type: ignore[no-untyped-def]
) -> None:
    """The same through the development server's API: the reply is found by its text."""
    case_id = await a_case()
    parent = plain_parent()
    _, [did] = await send(
        case_id, [Recipient(parent["name"], "Mor", cpr=parent["cpr"])], title="Partshøring"
    )
    await run_post_jobs()  # the server's worker may have sent it already
    d = await delivery(did)
    assert d["status"] == "sendt"
    r = httpx.post(
        f"{dp_url()}/api/beskeder/{d['message_uuid']}/svar",
        json={"text": "Jeg er ikke enig i beskrivelsen af vores hjem."},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    assert r.json()["trekant_status"] == 200
    async with tenant_transaction(DB, A) as scope:
        docs = await scope.connection.fetch(
            "SELECT id, title, incoming, source, added_by_name, handled_at FROM document "
            "WHERE hovedsag_id = $1 AND source = 'digital_post' ORDER BY added_at",
            case_id,
        )
        inbound = await scope.connection.fetchrow(
            "SELECT delivery_id, document_id FROM inbound_post WHERE delivery_id = $1", did
        )
    mine = [x for x in docs if x["title"] == f"Svar fra {parent['name']}: Partshøring"]
    assert len(mine) == 1
    doc = mine[0]
    assert (doc["incoming"], doc["added_by_name"], doc["handled_at"]) == (
        True,
        parent["name"],
        None,
    )
    assert inbound is not None and inbound["document_id"] == doc["id"]
    boss = await client(A, "leder")
    r = await boss.get(f"/api/cases/{case_id}/documents", params={"q": "enig"})
    assert r.status_code == 200
    assert [i["id"] for i in r.json()["items"]] == [str(doc["id"])]
    stored = httpx.get(f"{dp_url()}/api/beskeder/{d['message_uuid']}").json()
    assert stored["reply_status"] == "sendt"
