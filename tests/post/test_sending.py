"""Letters through the outbox to Digital Post (the development SF1601 server), e-mail (the
development mail server) and print (fjernprint batches)."""

from __future__ import annotations

import io
import uuid

import httpx
import pytest
from defusedxml.ElementTree import fromstring as xml_from
from pypdf import PdfReader

from backend.core.errors import FieldError
from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from backend.post import kvittering, memo
from backend.post.senders import SmtpSender, kommune_cvr, message_id
from backend.post.service import Recipient, deliver, send_letter
from tenancy.context import tenant_transaction
from tests.post.conftest import (
    A,
    a_case,
    delivery,
    dp_message,
    dp_url,
    exempt_parent,
    letter_pdf,
    mail_url,
    plain_parent,
    run_post_jobs,
    send,
)

pytestmark = pytest.mark.usefixtures("seeded")
M = f"{{{memo.NS}}}"


async def test_a_letter_to_a_citizen_arrives_in_digital_post_as_a_valid_memo() -> None:
    case_id = await a_case()
    parent = plain_parent()
    _, [did] = await send(case_id, [Recipient(parent["name"], "Mor", cpr=parent["cpr"])])
    assert (await delivery(did))["channel"] == "digital_post"
    assert await run_post_jobs() == ["done"]
    d = await delivery(did)
    assert (d["status"], d["attempts"], d["error"]) == ("sendt", 1, None)
    # Digital Post's receipt, in its words, is kept on the delivery
    assert d["receipt"] == (
        "Digital Post: Meddelelsen er modtaget og lagt i modtagerens digitale postkasse"
    )
    got = dp_message(d["message_uuid"])
    assert memo.check(got["body"].encode()) == []  # Trekant's letter keeps MeMo's rules
    assert got["times"] == 1
    uuid.UUID(got["transaction_id"])
    root = xml_from(got["body"].encode())
    assert root.tag == "kombi_request"
    assert root.findtext("KombiValgKode") == "Digital Post"
    msg = root.find(f"{M}Message")
    assert msg is not None and msg.get("memoVersion") == "1.1"
    head = msg.find(f"{M}MessageHeader")
    assert head is not None
    assert head.findtext(f"{M}messageType") == "DIGITALPOST"
    assert head.findtext(f"{M}messageUUID") == str(d["message_uuid"])
    assert head.findtext(f"{M}label") == "Orientering om underretning"
    assert head.findtext(f"{M}Sender/{M}senderID") == kommune_cvr(A)
    assert head.findtext(f"{M}Sender/{M}idType") == "CVR"
    assert head.findtext(f"{M}Sender/{M}label") == "København Kommune"
    assert head.findtext(f"{M}Recipient/{M}recipientID") == parent["cpr"]
    assert head.findtext(f"{M}Recipient/{M}idType") == "CPR"
    assert head.findtext(f"{M}ReplyData/{M}messageUUID") == str(d["message_uuid"])
    assert head.findtext(f"{M}ContentData/{M}CaseID/{M}caseID") == str(case_id)
    main = msg.find(f"{M}MessageBody/{M}MainDocument")
    assert main is not None
    parsed = memo.parse(got["body"].encode())
    assert [f.encoding_format for f in parsed.files] == ["application/pdf"]
    assert parsed.files[0].content.startswith(b"%PDF-")
    assert parsed.files[0].filename == "Orientering_om_underretning.pdf"
    async with tenant_transaction(DB, A) as scope:
        titles = await scope.connection.fetch(
            "SELECT title FROM journal_entry WHERE hovedsag_id = $1 AND event = 'post.sendt'",
            case_id,
        )
    assert f"Brev sendt med Digital Post til {parent['name']}: Orientering om underretning" in [
        t["title"] for t in titles
    ]


async def test_a_delivery_refused_once_is_retried_and_delivered_exactly_once() -> None:
    assert httpx.post(f"{dp_url()}/api/afvis", json={"count": 1}).status_code == 200
    parent = plain_parent()
    _, [did] = await send(await a_case(), [Recipient(parent["name"], "Far", cpr=parent["cpr"])])
    assert await run_post_jobs() == ["done"]  # the attempt ran; the server refused it
    d = await delivery(did)
    assert (d["status"], d["attempts"]) == ("afventer", 1)
    assert d["error"] == "Digital Post svarede med fejl 503"
    assert await run_post_jobs() == ["done"]  # the retry
    d = await delivery(did)
    assert (d["status"], d["attempts"], d["error"]) == ("sendt", 2, None)
    assert dp_message(d["message_uuid"])["times"] == 1
    assert await run_post_jobs() == []


async def test_a_duplicate_relay_sends_once() -> None:
    parent = plain_parent()
    _, [did] = await send(await a_case(), [Recipient(parent["name"], "Mor", cpr=parent["cpr"])])
    async with tenant_transaction(DB, A) as scope:
        oid = await scope.connection.fetchval(
            "SELECT id FROM outbox WHERE job = 'post.deliver' AND payload->>'delivery_id' = $1",
            str(did),
        )
    assert await run_outbox_job({}, A, str(oid)) == "done"
    assert await run_outbox_job({}, A, str(oid)) == "already-done"
    async with tenant_transaction(DB, A):
        assert await deliver(did) == "already"
    d = await delivery(did)
    assert dp_message(d["message_uuid"])["times"] == 1
    # And Digital Post itself answers a repeated messageUUID as already received.
    m = memo.parse(dp_message(d["message_uuid"])["body"].encode())
    headers = {"X-TransaktionsId": str(uuid.uuid4()), "X-TransaktionsTid": "2026-01-01T10:00:00Z"}
    r = httpx.post(
        f"{dp_url()}/service/KombiPostAfsend_1/kombi",
        content=memo.kombi_request(m),
        headers=headers,
    )
    assert r.status_code == 200
    assert kvittering.parse(r.content) == kvittering.Kvittering(
        "OK", "Meddelelsen var allerede modtaget og er ikke leveret igen"
    )


async def test_the_dev_server_refuses_an_invalid_memo() -> None:
    headers = {"X-TransaktionsId": str(uuid.uuid4()), "X-TransaktionsTid": "2026-01-01T10:00:00Z"}
    url = f"{dp_url()}/service/KombiPostAfsend_1/kombi"
    r = httpx.post(url, content=b"<kombi_request><KombiValgKode>Digital Post", headers=headers)
    assert r.status_code == 400
    m = memo.Memo(
        message_uuid=uuid.uuid4(),
        label="Brev",
        sender=memo.Party("29180101", "CVR", "Kommunen"),
        recipient=memo.Party("0101901234", "CPR", "Borger"),
        files=[memo.File("brev.pdf", b"MZ not a pdf")],
        created=memo.datetime.now(memo.UTC),
    )
    r = httpx.post(url, content=memo.kombi_request(m), headers=headers)
    assert r.status_code == 400
    assert kvittering.parse(r.content) == kvittering.Kvittering(
        "FEJL",
        "Meddelelsen er ikke gyldig MeMo",
        [("MEMO", "File brev.pdf: indholdet er ikke en PDF")],
    )
    r = httpx.post(url, content=memo.kombi_request(m))  # no transaction headers
    assert r.status_code == 400
    found = kvittering.parse(r.content)
    assert found is not None and found.errors == [
        ("TRANSAKTION", "X-TransaktionsId (UUID) og X-TransaktionsTid skal sendes")
    ]


async def test_an_exempt_citizen_lands_in_the_print_batch_with_an_address_page(
    client,  # type: ignore[no-untyped-def]
) -> None:
    parent = exempt_parent()
    case_id = await a_case()
    _, [did] = await send(
        case_id,
        [Recipient(parent["name"], "Far", cpr=parent["cpr"], address=parent["address"])],
        title="Afgørelse om foranstaltning",
    )
    assert (await delivery(did))["channel"] == "print"
    assert await run_post_jobs() == ["done"]
    d = await delivery(did)
    assert d["status"] == "afventer" and d["print_batch_id"] is not None
    admin = await client("0101", "admin")
    r = await admin.get("/api/post/print-batches")
    assert r.status_code == 200
    batch = next(b for b in r.json()["items"] if b["id"] == str(d["print_batch_id"]))
    assert batch["printed_at"] is None and batch["letters"] >= 1
    r = await admin.get(f"/api/post/print-batches/{batch['id']}/pdf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(r.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert parent["name"] in text and parent["address"] in text
    assert "Afgørelse om foranstaltning" in text
    worker = await client("0101", "sagsbehandler")
    assert (await worker.get("/api/post/print-batches")).status_code == 403
    r = await admin.post(f"/api/post/print-batches/{batch['id']}/printed")
    assert r.status_code == 200 and r.json()["printed_at"] is not None
    assert (await delivery(did))["status"] == "sendt"
    r = await admin.post(f"/api/post/print-batches/{batch['id']}/printed")
    assert r.status_code == 409


async def test_a_professional_gets_an_email_with_the_letter() -> None:
    address = f"skole-{uuid.uuid4().hex[:8]}@example.dk"
    _, [did] = await send(
        await a_case(),
        [Recipient("Lærer Hansen", "Fagperson", email=address)],
        title="Kvittering for underretning",
    )
    assert (await delivery(did))["channel"] == "email"
    assert await run_post_jobs() == ["done"]
    d = await delivery(did)
    assert (d["status"], d["attempts"]) == ("sendt", 1)
    mails = [m for m in httpx.get(f"{mail_url()}/api/mails").json() if address in m["to"]]
    assert len(mails) == 1
    assert mails[0]["subject"] == "Kvittering for underretning"
    assert mails[0]["message_id"] == message_id(did, SmtpSender.from_env().sender)
    assert mails[0]["message_id"].startswith(f"<delivery-{did}@")
    assert [(a["filename"], a["pdf"]) for a in mails[0]["attachments"]] == [
        ("Kvittering_for_underretning.pdf", True)
    ]


def _mails_to(address: str) -> list[dict]:  # type: ignore[type-arg]
    return [m for m in httpx.get(f"{mail_url()}/api/mails").json() if address in m["to"]]


class WorkerDied(Exception):
    """The worker process ends between the SMTP send and the commit of its transaction."""


async def test_an_email_whose_attempt_has_no_outcome_is_not_sent_again(client) -> None:  # type: ignore[no-untyped-def]
    """At most once: the send step runs (the real development mail server takes the mail)
    and its transaction is rolled back, as when the worker dies before committing. The
    retry finds the attempt started and not finished: it does not send again, the delivery
    is 'uafklaret' (journalised); the caseworker's "Send igen" is a new attempt with the
    same Message-ID."""
    address = f"uafklaret-{uuid.uuid4().hex[:8]}@example.dk"
    case_id = await a_case()
    letter_id, [did] = await send(
        case_id, [Recipient("Lærer Hansen", "Fagperson", email=address)], title="Kvittering"
    )
    with pytest.raises(WorkerDied):
        async with tenant_transaction(DB, A):
            assert await deliver(did) == "sent"
            raise WorkerDied
    assert len(_mails_to(address)) == 1
    d = await delivery(did)
    assert (d["status"], d["sent_at"]) == ("afventer", None)
    assert d["attempt_started_at"] is not None

    assert await run_post_jobs() == ["done"]  # the job's outbox row was never marked done
    d = await delivery(did)
    assert (d["status"], d["attempts"]) == ("uafklaret", 1)
    assert len(_mails_to(address)) == 1
    assert await run_post_jobs() == []

    boss = await client(A, "leder")
    listed = await boss.get(
        f"/api/cases/{case_id}/deliveries", params={"letter_id": str(letter_id)}
    )
    assert [x["status"] for x in listed.json()["items"]] == ["uafklaret"]
    other = await client("0202", "leder")
    r = await other.post(f"/api/cases/{case_id}/deliveries/{did}/resend")
    assert r.status_code == 404
    r = await boss.post(f"/api/cases/{case_id}/deliveries/{did}/resend")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "afventer"
    r = await boss.post(f"/api/cases/{case_id}/deliveries/{did}/resend")
    assert r.status_code == 409
    assert r.json()["detail"] == "Kun en uafklaret afsendelse kan sendes igen"
    assert await run_post_jobs() == ["done"]
    d = await delivery(did)
    assert (d["status"], d["attempts"], d["attempt_started_at"]) == ("sendt", 2, None)
    mails = _mails_to(address)
    assert [m["message_id"] for m in mails] == [message_id(did, SmtpSender.from_env().sender)] * 2
    async with tenant_transaction(DB, A) as scope:
        journal = await scope.connection.fetch(
            "SELECT event, title, body, author FROM journal_entry WHERE hovedsag_id = $1 "
            "AND title LIKE '%Lærer Hansen: Kvittering' ORDER BY id",
            case_id,
        )
    assert [(j["event"], j["title"], j["body"]) for j in journal][-3:] == [
        (
            "post.uafklaret",
            "Afsendelse uafklaret: e-mail til Lærer Hansen: Kvittering",
            "Afsendelse uafklaret – kontrollér om modtageren har fået e-mailen",
        ),
        (
            "post.sendt_igen",
            "Brev sendt igen med e-mail til Lærer Hansen: Kvittering",
            "Den første afsendelse var uafklaret",
        ),
        ("post.sendt", "Brev sendt med e-mail til Lærer Hansen: Kvittering", ""),
    ]


async def test_a_recipient_without_any_way_to_reach_them_is_refused_and_nothing_is_stored() -> None:
    case_id = await a_case()
    async with tenant_transaction(DB, A) as scope:
        before = await scope.connection.fetchval("SELECT count(*) FROM delivery")
    with pytest.raises(FieldError) as err:
        async with tenant_transaction(DB, A):
            await send_letter(
                case_id=case_id,
                letter_id=uuid.uuid4(),
                document_id=uuid.uuid4(),
                title="Brev",
                pdf=letter_pdf(),
                recipients=[
                    Recipient("Lærer Hansen", "Fagperson", email="a@example.dk"),
                    Recipient("Ole Olsen", "Far"),
                ],
            )
    assert err.value.field == "recipients"
    assert str(err.value) == "Ole Olsen har hverken CPR-nummer, e-mail eller adresse"
    async with tenant_transaction(DB, A) as scope:
        assert await scope.connection.fetchval("SELECT count(*) FROM delivery") == before


async def test_deliveries_of_a_case_are_listed_for_those_on_it(client) -> None:  # type: ignore[no-untyped-def]
    case_id = await a_case()
    parent = plain_parent()
    letter_id, [did] = await send(case_id, [Recipient(parent["name"], "Mor", cpr=parent["cpr"])])
    boss = await client("0101", "leder")
    r = await boss.get(f"/api/cases/{case_id}/deliveries", params={"letter_id": str(letter_id)})
    assert r.status_code == 200
    assert r.json()["items"] == [
        {
            "id": str(did),
            "letter_id": str(letter_id),
            "recipient_name": parent["name"],
            "recipient_role": "Mor",
            "channel": "digital_post",
            "status": "afventer",
            "attempts": 0,
            "error": None,
            "sent_at": None,
            "queued_for_print": False,
            "receipt": None,
        }
    ]
    other = await client("0202", "leder")
    assert (await other.get(f"/api/cases/{case_id}/deliveries")).status_code == 404
    await run_post_jobs()


async def test_after_the_last_attempt_the_delivery_fails_with_a_danish_reason() -> None:
    from backend.post.service import MAX_ATTEMPTS

    parent = plain_parent()
    case_id = await a_case()
    _, [did] = await send(case_id, [Recipient(parent["name"], "Mor", cpr=parent["cpr"])])
    assert httpx.post(f"{dp_url()}/api/afvis", json={"count": MAX_ATTEMPTS}).status_code == 200
    for n in range(1, MAX_ATTEMPTS + 1):
        assert await run_post_jobs() == ["done"]
        d = await delivery(did)
        assert d["attempts"] == n
        assert d["status"] == ("fejlet" if n == MAX_ATTEMPTS else "afventer")
    assert await run_post_jobs() == []  # no further attempt
    assert d["error"] == "Digital Post svarede med fejl 503"
    r = httpx.get(f"{dp_url()}/api/beskeder/{d['message_uuid']}")
    assert r.status_code == 404  # never arrived
    async with tenant_transaction(DB, A) as scope:
        entry = await scope.connection.fetchrow(
            "SELECT title, body FROM journal_entry WHERE hovedsag_id = $1 "
            "AND event = 'post.fejlet' ORDER BY id DESC LIMIT 1",
            case_id,
        )
    assert entry is not None
    assert entry["title"] == (
        f"Brev kunne ikke sendes med Digital Post til {parent['name']}: Orientering om underretning"
    )
    assert entry["body"] == "Digital Post svarede med fejl 503"
