"""Sags- og dokumentindeks (SF1470): a case's metadata and its documents' metadata (never
their content) pushed to the index, so the kommune's other systems and the citizen's
overview find that the case exists.

Tenant migration 0045's triggers write one ``sagsindeks.push`` outbox row per changed case
(created, stage, closed, owner, case number, transferred; a document added, changed or
removed; the case deleted) in the transaction of the change, while the kommune has the
service enabled. The sweep relays it (rows older than 10 s, every 15 s), so the index
hears of a change within about half a minute. The job reads the case as it is then and
sends ``Opret`` the first time, ``Ret`` after, ``Slet`` for a deleted case. The child is the
case's party by CPR number, inside the SOAP body only (never in a log line or an error).

Exactly once per change: the row's ``call_id`` is the Serviceplatform's
CallersServiceCallIdentifier, the same on every retry, so the index stores a repeated call
once. A failed call is retried with backoff as a new outbox row carrying the same call id
(the failed row is done), and the health on the operator's console shows the error.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from lxml import etree

from backend.audit.service import record
from backend.core.scope import CASE_KLE
from backend.integrations import repository as repo
from backend.integrations.client import ServiceError, authority, call
from backend.integrations.settings import ServiceKind
from backend.outbox.service import enqueue, outbox_job
from tenancy.context import TenantScope

log = logging.getLogger("trekant.integrations")

JOB = "sagsindeks.push"
# SF1470 version 6 (KOMBIT's WSDL SagDokumentIndeksService_6.wsdl, docs/integrations.md):
# the operations importer/opdater/fjern with <Importer|Opdater|Fjern>SagDokumentIndeksInput
# in this namespace and SOAPAction http://kombit.dk/sts/sagdokumentindeks/<operation>.
NS = "urn:oio:sts:sagdok:sagdokumentindeks:6"
ACTION = "http://kombit.dk/sts/sagdokumentindeks/"
# Trekant's operation (what sagsindeks_state remembers) -> the service's.
OPERATIONS = {"Opret": "Importer", "Ret": "Opdater", "Slet": "Fjern"}
# KLE: særlig støtte til børn og unge (see docs/integrations.md); the same number the data
# restrictions (dataafgrænsninger) are matched against.
KLE_BOERNESAG = CASE_KLE
TITLE = "Børne- og ungesag efter barnets lov"
SENSITIVITY = "Fortrolige oplysninger (følsomme personoplysninger)"
BACKOFF = (30, 60, 300, 900, 3600)


def _sub(parent: etree._Element, tag: str, value: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if value is not None:
        el.text = value
    return el


def build_request(
    operation: str,
    cvr: str | None,
    case_id: uuid.UUID,
    case: repo.CaseMetadata | None,
    documents: list[repo.DocumentMetadata],
) -> etree._Element:
    """The ``<Importer|Opdater|Fjern>SagDokumentIndeksInput`` element for one case (for
    ``operation`` Opret, Ret, Slet). ``cvr`` goes into an AuthorityContext (mutual TLS);
    with a token the kommune is in the token and ``cvr`` is None."""
    req = etree.Element(f"{{{NS}}}{OPERATIONS[operation]}SagDokumentIndeksInput", nsmap={"sdi": NS})
    if cvr is not None:
        authority(req, cvr)
    sag = _sub(req, "Sag")
    _sub(sag, "UUIDIdentifikator", str(case_id))
    if case is None:
        return req
    _sub(sag, "Sagsnummer", case.case_number or "")
    _sub(sag, "Titel", TITLE)
    _sub(sag, "KLENummer", KLE_BOERNESAG)
    _sub(sag, "Status", "Afsluttet" if case.closed_at else "Aaben")
    _sub(sag, "Oprettet", case.opened_at.isoformat())
    if case.closed_at:
        _sub(sag, "Afsluttet", case.closed_at.isoformat())
    _sub(sag, "EjerNavn", case.team_name or "Kommunen")
    _sub(sag, "Foelsomhed", SENSITIVITY)
    part = _sub(sag, "Part")
    _sub(part, "CPRNummer", case.child_cpr)
    _sub(part, "Rolle", "Primær part")
    docs = _sub(req, "Dokumenter")
    for d in documents:
        doc = _sub(docs, "Dokument")
        _sub(doc, "UUIDIdentifikator", str(d.id))
        _sub(doc, "Titel", d.title)
        _sub(doc, "Dokumenttype", d.kind)
        _sub(doc, "Dato", d.dated.isoformat())
    return req


@outbox_job(JOB)
async def push(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    case_id = uuid.UUID(payload["case_id"])
    call_id = uuid.UUID(payload["call_id"])
    attempt = int(payload.get("attempt", 0))
    held = await repo.get_index_state(case_id)
    case = None if payload.get("deleted") else await repo.get_case_metadata(case_id)
    if case is None:
        if held in (None, "Slet"):
            return  # the index never heard of it, or already forgot it
        operation = "Slet"
        documents: list[repo.DocumentMetadata] = []
    else:
        operation = "Opret" if held in (None, "Slet") else "Ret"
        documents = await repo.list_document_metadata(case_id)
    use = await repo.get_service_use(scope.code, ServiceKind.SF1470)
    if use is None:
        return  # no longer configured: nothing to push to
    cvr = use.cvr if use.auth == "tls" else None
    request = build_request(operation, cvr, case_id, case, documents)
    action = ACTION + OPERATIONS[operation].lower()
    try:
        await call(scope.code, ServiceKind.SF1470, action, request, call_id=call_id)
    except ServiceError as exc:
        if exc.reason in ("ikke_sat_op", "slaaet_fra"):
            return
        delay = BACKOFF[min(attempt, len(BACKOFF) - 1)]
        log.warning("sagsindeks push failed (%s); retry %d in %d s", exc.reason, attempt + 1, delay)
        await record("trekant", "sagsindeks.push_failed", str(case_id), error=exc.message)
        await enqueue(JOB, {**payload, "attempt": attempt + 1}, defer_seconds=delay)
        return
    await repo.set_index_state(case_id, operation, call_id)
