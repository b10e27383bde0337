"""MeMo's rules as the development Digital Post server checks them (``memo.check``), and
Serviceplatformen's receipt (TransportKvittering) it answers with: valid against the
vendored Kvittering_1.xsd, and read by Trekant's SF1601 adapter (the receipt shows on the
delivery; a FEJL refuses the letter for good with Digital Post's reasons)."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from lxml import etree

from backend.post import kvittering, memo
from backend.post.senders import Outgoing, SendFailed, Sf1601Sender, build_memo
from tests.post.conftest import dp_url, letter_pdf

XSD = Path(__file__).parents[2] / "infra" / "digitalpost" / "xsd" / "Kvittering_1.xsd"
URL_PATH = "/service/KombiPostAfsend_1/kombi"


def _letter(**changes: object) -> Outgoing:
    fields: dict[str, object] = {
        "message_uuid": uuid.uuid4(),
        "delivery_id": uuid.uuid4(),
        "kommune_code": "0101",
        "kommune_name": "København Kommune",
        "case_ref": str(uuid.uuid4()),
        "title": "Afgørelse om støtte",
        "filename": "Afgoerelse_om_stoette.pdf",
        "pdf": letter_pdf(),
        "recipient_name": "Mette Hansen",
        "recipient_cpr": "0101901234",
    }
    fields.update(changes)
    return Outgoing(**fields)  # type: ignore[arg-type]


def _headers() -> dict[str, str]:
    return {"X-TransaktionsId": str(uuid.uuid4()), "X-TransaktionsTid": "2026-12-06T10:00:00Z"}


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def test_trekants_own_letter_keeps_memos_rules() -> None:
    assert memo.check(memo.kombi_request(build_memo(_letter()))) == []
    assert memo.check(memo.message_xml(build_memo(_letter()))) == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda x: x.replace(b"<memo:label>Afg", b"<memo:label>" + b"x" * 300 + b" Afg", 1),
            "MessageHeader: label er længere end 256 tegn",
        ),
        (
            lambda x: x.replace(b"Z</memo:createdDateTime>", b"+01:00</memo:createdDateTime>"),
            "MessageBody: createdDateTime skal være et UTC-tidspunkt (…Z)",
        ),
        (
            lambda x: x.replace(
                b"<memo:mandatory>false</memo:mandatory><memo:legalNotification>false"
                b"</memo:legalNotification>",
                b"<memo:legalNotification>false</memo:legalNotification>",
            ),
            "MessageHeader: mandatory mangler",
        ),
        (
            lambda x: x.replace(
                b"<memo:legalNotification>false</memo:legalNotification>", b""
            ).replace(
                b"<memo:messageType>",
                b"<memo:legalNotification>false</memo:legalNotification><memo:messageType>",
            ),
            "MessageHeader: messageType står efter legalNotification, men skal stå før",
        ),
        (
            lambda x: x.replace(
                b"<memo:language>da</memo:language>", b"<memo:language>dan</memo:language>"
            ),
            "File: language er længere end 2 tegn",
        ),
    ],
)
def test_a_broken_memo_is_named(change, error) -> None:  # type: ignore[no-untyped-def]
    raw = memo.kombi_request(build_memo(_letter()))
    broken = change(raw)
    assert broken != raw
    assert error in memo.check(broken)


def test_a_message_uuid_must_be_version_4() -> None:
    raw = memo.kombi_request(build_memo(_letter(message_uuid=uuid.uuid1())))
    assert "MessageHeader: messageUUID er ikke et UUID version 4" in memo.check(raw)


def test_the_dev_servers_receipts_are_valid_kvitteringer() -> None:
    schema = _schema()
    url = dp_url() + URL_PATH
    good = memo.kombi_request(build_memo(_letter()))
    r = httpx.post(url, content=good, headers=_headers())
    assert r.status_code == 201
    assert r.headers["content-type"] == "application/xml; charset=utf-8"
    assert schema.validate(etree.fromstring(r.content)), schema.error_log
    assert kvittering.parse(r.content) == kvittering.Kvittering(
        "OK", "Meddelelsen er modtaget og lagt i modtagerens digitale postkasse"
    )
    bad = good.replace(b"Z</memo:createdDateTime>", b"</memo:createdDateTime>")
    r = httpx.post(url, content=bad, headers=_headers())
    assert r.status_code == 400
    assert schema.validate(etree.fromstring(r.content)), schema.error_log
    assert kvittering.parse(r.content) == kvittering.Kvittering(
        "FEJL",
        "Meddelelsen er ikke gyldig MeMo",
        [("MEMO", "MessageBody: createdDateTime skal være et UTC-tidspunkt (…Z)")],
    )


async def test_the_adapter_reads_the_receipt() -> None:
    sender = Sf1601Sender(dp_url())
    letter = _letter()
    assert await sender.send(letter) == (
        "Digital Post: Meddelelsen er modtaget og lagt i modtagerens digitale postkasse"
    )
    assert await sender.send(letter) == (
        "Digital Post: Meddelelsen var allerede modtaget og er ikke leveret igen"
    )
    with pytest.raises(SendFailed) as refused:
        await sender.send(_letter(recipient_cpr="01019012"))
    assert refused.value.permanent is True
    assert str(refused.value) == (
        "Digital Post afviste brevet: Recipient: recipientID er ikke et CPR-nummer"
    )


def test_a_receipt_is_read_only_from_a_receipt() -> None:
    assert kvittering.parse(b"") is None
    assert kvittering.parse(b"<kombi_response/>") is None
    assert kvittering.parse(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>") is None
    warned = kvittering.build(kvittering.Kvittering("ADVARSEL", "Forsinket levering"))
    assert kvittering.parse(warned) == kvittering.Kvittering("ADVARSEL", "Forsinket levering")
    assert kvittering.Kvittering("ADVARSEL", "Forsinket levering").text() == (
        "Digital Post: Forsinket levering (advarsel)"
    )
