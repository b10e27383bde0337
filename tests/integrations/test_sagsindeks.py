"""Issue 20 item 4: a case's and its documents' metadata reach the development Sags- og
dokumentindeks, in the OIO SagDok registrering shape of KOMBIT's XSDs, through the outbox:
one row per change (written by the database's trigger in the transaction of the change),
Opret then Ret then Slet, exactly once per change even when the job runs twice, retried
after a failure with the same call id, the child's CPR number in the SOAP body only (masked
on the index's page, never in a log line). The development index refuses a message that
breaks the schema or lacks what it requires, so the shape the client sends is tested."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from lxml import etree

from backend.db import DB
from backend.integrations import client as soap
from backend.integrations import repository as repo
from backend.integrations.sagsindeks import (
    ACTION,
    JOB,
    NS,
    SAG,
    SD,
    Sender,
    answer_refusal,
    build_request,
)
from backend.outbox.service import enqueue
from backend.outbox.tasks import run_outbox_job
from infra.serviceplatform import SAGSINDEKS_PATH
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import SPARE_REALM, new_kommune
from tests.integrations.conftest import configure

CVR = "33339000"


async def _pending(code: str) -> list[tuple[uuid.UUID, dict[str, Any]]]:
    import json

    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id, payload::text AS p FROM outbox WHERE job = $1 AND done_at IS NULL "
            "ORDER BY created_at",
            JOB,
        )
    return [(r["id"], json.loads(r["p"])) for r in rows]


def _received(platform: Any, case_id: str) -> list[dict[str, Any]]:
    records = httpx.get(platform.url + "/api/indeks").json()
    return [r for r in records if r["sag_uuid"] == case_id]


async def test_case_metadata_reaches_the_index_once_per_change(
    registry: Any,
    fresh_code: str,
    operator: httpx.AsyncClient,
    as_user: Any,
    platform: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    code = fresh_code
    await new_kommune(registry, code, "Indeksby")
    await configure(operator, code, "sf1470", platform.url + SAGSINDEKS_PATH, CVR)
    caseworker = await as_user(code, "sagsbehandler", realm=SPARE_REALM)
    child = await factories.child(caseworker)

    # Created: one outbox row, one Opret with the child as party by CPR number.
    [(row, payload)] = await _pending(code)
    assert payload["case_id"] == child.case_id and payload["deleted"] is False
    assert await run_outbox_job({}, code, str(row)) == "done"
    assert await run_outbox_job({}, code, str(row)) == "already-done"
    [opret] = _received(platform, child.case_id)
    assert opret["operation"] == "Opret" and opret["cvr"] == CVR
    assert opret["part_sha256"] == hashlib.sha256(child.cpr.encode()).hexdigest()
    assert opret["part"] == f"{child.cpr[:6]}-xxxx" and opret["status"] == "Opstaaet"
    assert opret["kle"] == "27.24.00" and opret["foelsomhed"] == "FOELSOMME_PERSONOPLYSNINGER"
    assert opret["sagsnummer"] and opret["titel"] == "Børne- og ungesag efter barnets lov"
    page = httpx.get(platform.url + "/").text
    assert child.cpr not in page and f"{child.cpr[:6]}-xxxx" in page

    # Changed twice in one transaction: one row, one Ret.
    async with tenant_transaction(DB, code) as scope:
        for stage in ("undersoegelse", "afgoerelse"):
            await scope.connection.execute(
                "UPDATE hovedsag SET stage = $2 WHERE id = $1", uuid.UUID(child.case_id), stage
            )
    [(row, payload)] = await _pending(code)
    await run_outbox_job({}, code, str(row))
    records = _received(platform, child.case_id)
    assert [r["operation"] for r in records] == ["Opret", "Ret"]
    assert records[-1]["status"] == "Oplyst"  # afgørelse: the case is informed (Fremdrift)

    # The index fails: the row is done, a retry waits with the same call id; nothing stored.
    async with tenant_transaction(DB, code) as scope:
        await scope.connection.execute(
            "UPDATE hovedsag SET stage = 'indsats' WHERE id = $1", uuid.UUID(child.case_id)
        )
    [(row, payload)] = await _pending(code)
    httpx.post(platform.url + "/dev/fault", json={"mode": "error", "count": 1}).raise_for_status()
    assert await run_outbox_job({}, code, str(row)) == "done"
    [(retry, again)] = await _pending(code)
    assert again["call_id"] == payload["call_id"] and again["attempt"] == 1
    assert len(_received(platform, child.case_id)) == 2
    health = (await operator.get(f"/api/operator/kommuner/{code}/tjenester")).json()
    assert {s["kind"]: s["health"] for s in health}["sf1470"] == "fejl"
    assert await run_outbox_job({}, code, str(retry)) == "done"
    records = _received(platform, child.case_id)
    assert [r["operation"] for r in records] == ["Opret", "Ret", "Ret"]
    assert sum(r["call_id"] == payload["call_id"] for r in records) == 1

    # Deleted: Slet.
    async with tenant_transaction(DB, code):
        await enqueue(
            JOB,
            {
                "case_id": child.case_id,
                "deleted": True,
                "call_id": str(uuid.uuid4()),
                "attempt": 0,
            },
        )
    [(row, _)] = await _pending(code)
    await run_outbox_job({}, code, str(row))
    assert _received(platform, child.case_id)[-1]["operation"] == "Slet"
    assert child.cpr not in caplog.text


async def test_no_row_while_the_kommune_has_no_index(as_user: Any, seeded: Any) -> None:
    from tests.conftest import KOMMUNE_A

    code = KOMMUNE_A[0]
    caseworker = await as_user(code, "sagsbehandler")
    await factories.child(caseworker)
    assert await _pending(code) == []


def _post(platform: Any, request: Any) -> httpx.Response:
    payload = soap.envelope(
        request, agreement=uuid.uuid4(), user_system=uuid.uuid4(), call_id=uuid.uuid4()
    )
    return httpx.post(
        platform.url + SAGSINDEKS_PATH,
        content=payload,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": ACTION + "importer"},
    )


def test_the_index_refuses_a_malformed_message(platform: Any) -> None:
    cpr = "0101019996"
    case_id = uuid.uuid4()
    case = repo.CaseMetadata(
        id=case_id,
        case_number="FEJL-1",
        stage="undersoegelse",
        opened_at=datetime.now(UTC),
        closed_at=None,
        child_cpr=cpr,
        team_name="Familieteam Nord",
        caseworker_name=None,
        transferred_to=None,
    )
    sender = Sender(cvr=CVR, it_system=uuid.uuid4())

    def request() -> Any:
        return build_request("Opret", CVR, case_id, case, [], sender)

    def refused(answer: httpx.Response) -> str:
        assert answer.status_code == 500
        text: str = etree.fromstring(answer.content).findtext(".//faultstring")
        assert cpr not in text
        return text

    # No primary party: refused by name, nothing stored.
    no_party = request()
    for part in no_party.iter(f"{{{SAG}}}Sagspart"):
        part.getparent().remove(part)
    assert "Primær part" in refused(_post(platform, no_party))
    # The party not as urn:oio:cpr-nr (a bare CPR number).
    bare = request()
    urn = next(e for e in bare.iter(f"{{{SD}}}URNIdentifikator") if cpr in (e.text or ""))
    urn.text = cpr
    assert "urn:oio:cpr-nr" in refused(_post(platform, bare))
    # Trekant's old flat shape breaks the schema; so does an overlong URN (not echoed).
    flat = etree.Element(f"{{{NS}}}ImporterSagDokumentIndeksInput")
    etree.SubElement(etree.SubElement(flat, f"{{{NS}}}Sag"), f"{{{NS}}}CPRNummer").text = cpr
    assert "skemaet" in refused(_post(platform, flat))
    long = request()
    urn = next(e for e in long.iter(f"{{{SD}}}URNIdentifikator") if cpr in (e.text or ""))
    urn.text = f"urn:oio:cpr-nr:{cpr}" + "0" * 250
    assert "URNIdentifikator" in refused(_post(platform, long))
    assert _received(platform, str(case_id)) == []
    # The message as the client builds it is taken, a document's metadata with it.
    doc = repo.DocumentMetadata(
        id=uuid.uuid4(),
        title="Underretning fra skolen",
        kind="underretning",
        dated=datetime.now(UTC).date(),
        added_at=datetime.now(UTC),
    )
    taken = build_request("Opret", CVR, case_id, case, [doc], sender)
    assert _post(platform, taken).status_code == 200
    [stored] = _received(platform, str(case_id))
    assert stored["status"] == "Opstaaet" and stored["ejer"] == "Familieteam Nord"
    assert [(d["titel"], d["type"]) for d in stored["dokumenter"]] == [
        ("Underretning fra skolen", "Brev, indgaaende")
    ]

    # The index's own refusals come in the answer's StandardRetur, which the client reads:
    # importing a case it holds, updating one it does not.
    def status(answer: httpx.Response) -> str | None:
        assert answer.status_code == 200
        body = etree.fromstring(answer.content).find(f"{{{soap.SOAP_NS}}}Body")
        return answer_refusal(body[0])

    assert status(_post(platform, taken)) == (
        "Sags- og dokumentindekset svarede med status 40: Sagen findes allerede i indekset"
    )
    unknown = build_request("Ret", None, uuid.uuid4(), case, [], sender)
    assert "status 44" in (status(_post(platform, unknown)) or "")
    assert len(_received(platform, str(case_id))) == 1
