"""Sags- og dokumentindeks (SF1470): a case's metadata and its documents' metadata (never
their content) pushed to the index, so the kommune's other systems and the citizen's
overview find that the case exists.

Tenant migration 0045's triggers write one ``sagsindeks.push`` outbox row per changed case
(created, stage, closed, owner, case number, transferred; a document added, changed or
removed; the case deleted) in the transaction of the change, while the kommune has the
service enabled. The sweep relays it (rows older than 10 s, every 15 s), so the index
hears of a change within about half a minute. The job reads the case as it is then and
sends ``Opret`` the first time, ``Ret`` after, ``Slet`` for a deleted case, as the
service's Importer/Opdater/Fjern in the OIO SagDok registrering shape of KOMBIT's XSDs
(docs/integrations.md lists the sources and the mapping). The child is the case's primary
party as ``urn:oio:cpr-nr:<CPR>``, inside the SOAP body only (never in a log line or an
error). An answer whose StandardRetur is not 20 is a failure like a SOAP Fault.

Exactly once per change: the row's ``call_id`` is the Serviceplatform's
CallersServiceCallIdentifier, the same on every retry, so the index stores a repeated call
once. A failed call is retried with backoff as a new outbox row carrying the same call id
(the failed row is done), and the health on the operator's console shows the error.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

import msgspec
from lxml import etree

from backend.audit.service import record
from backend.core.scope import CASE_KLE
from backend.integrations import repository as repo
from backend.integrations.client import ServiceError, authority, call, scrub
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
# The OIO SagDok registrering's namespaces (KOMBIT's XSDs 6.0.STS-0, copied to
# infra/serviceplatform/xsd): the case (sag), the document index (di), the index's local
# extensions (si), the general definitions (gd) and the SagDok base types (sd).
SAG = "urn:oio:sts:sagdok:sag:6"
DI = "urn:oio:sts:sagdok:dokumentindeks:6"
SI = "urn:oio:sts:sagdok:sagindeks:6"
GD = "urn:oio:sts:generelledefinitioner:6"
SD = "urn:oio:sagdok:3.0.0"
NSMAP = {"sdi": NS, "sag": SAG, "di": DI, "si": SI, "gd": GD, "sd": SD}
# Trekant's operation (what sagsindeks_state remembers) -> the service's.
OPERATIONS = {"Opret": "Importer", "Ret": "Opdater", "Slet": "Fjern"}
# KLE: særlig støtte til børn og unge (see docs/integrations.md); the same number the data
# restrictions (dataafgrænsninger) are matched against.
KLE_BOERNESAG = CASE_KLE
TITLE = "Børne- og ungesag efter barnets lov"
SYSTEM_NAME = "Trekant"
# Child-welfare cases hold sensitive personal data (the index's Foelsomhed code list).
SENSITIVITY = "FOELSOMME_PERSONOPLYSNINGER"
BACKOFF = (30, 60, 300, 900, 3600)

# Relation roles and types: FK Klassifikation's UUIDs as KOMBIT's sample client uses them
# (kombit/kosdy_infrastructureSamples-net6, Kombit.InfrastructureSamples/ConfigVariables.cs,
# "should NOT be modified").
ROLE_EJER = "9e979b84-b846-4472-8622-58007dc63c7e"
ROLE_ANSVARLIG = "a1263342-d348-44ba-a566-233f37c4cb67"
ROLE_PRIMAER_BEHANDLER = "bf1f93ed-9441-4af4-835b-baeb201f3076"
ROLE_PRIMAER_PART = "d839f26a-d4d1-4441-b2d6-3dbbb12a9404"
ROLE_PRIMAER_KLASSE = "a86c6581-ec85-412d-a655-31a1f1d5b14f"
ROLE_MASTER = "251c24fd-57b0-4afc-9d73-b063d1957eb3"
ROLE_AFSENDER = "1b3c6a6d-e977-4491-9bf8-b41ee6999f39"
TYPE_ORGANISATION = "bc6972cd-8f2b-4b9d-8d37-62916d6a71aa"
TYPE_ORGANISATIONSENHED = "c5fc3b3b-5197-49ee-92e6-ae6ba1957174"
TYPE_BRUGER = "85d65133-4b00-460d-992e-3984857b5768"
TYPE_PERSON = "c189ba35-de4b-4363-a8b7-67f1456cf56f"
TYPE_KLASSE = "267235ea-526d-4a18-8001-f2a0e563eba1"
TYPE_ITSYSTEM = "29fe1da2-897a-46cd-b635-b9be8e0bffd6"

# Trekant's stage -> the case's Fremdrift (Opstaaet, Oplyst, Afgjort, Afsluttet).
FREMDRIFT = {
    "afklaring": "Opstaaet",
    "undersoegelse": "Opstaaet",
    "afgoerelse": "Oplyst",
    "indsats": "Afgjort",
    "afsluttet": "Afsluttet",
}
# Trekant's document kind -> the document index's Type code list.
DOCUMENT_TYPE = {
    "underretning": "Brev, indgaaende",
    "udtalelse": "Brev, indgaaende",
    "statusudtalelse": "Rapport",
    "referat": "Internt Notat",
    "afgoerelse": "Brev, udgaaende",
    "partshoering": "Brev, udgaaende",
    "korrespondance": "Brev",
    "andet": "Andet",
}


class Sender(msgspec.Struct, frozen=True):
    """Who registers: the kommune (its CVR number, the case's Ejer) and Trekant as the
    kommune's IT system (its user-system UUID in FK Administration: Master, Afsender, and
    the actor of each registration)."""

    cvr: str
    it_system: uuid.UUID


def _el(parent: etree._Element, ns: str, tag: str, value: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if value is not None:
        el.text = value
    return el


def _stamp(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return datetime.combine(value, time(), tzinfo=UTC).isoformat(timespec="seconds")


def _virkning(parent: etree._Element, ns: str, sender: Sender, start: Any, end: Any = None) -> None:
    """``Virkning``: from ``start`` to ``end`` (None: without end), registered by Trekant."""
    v = _el(parent, ns, "Virkning")
    _el(_el(v, SD, "FraTidspunkt"), SD, "TidsstempelDatoTid", _stamp(start))
    til = _el(v, SD, "TilTidspunkt")
    if end is None:
        _el(til, SD, "GraenseIndikator", "true")
    else:
        _el(til, SD, "TidsstempelDatoTid", _stamp(end))
    _el(_el(v, SD, "AktoerRef"), SD, "UUIDIdentifikator", str(sender.it_system))
    _el(v, SD, "AktoerTypeKode", "ItSystem")


def _relation(
    parent: etree._Element,
    ns: str,
    tag: str,
    sender: Sender,
    start: Any,
    *,
    role: str | None,
    kind: str | None,
    uuid_ref: str | None = None,
    urn_ref: str | None = None,
) -> etree._Element:
    rel = _el(parent, ns, tag)
    _virkning(rel, GD, sender, start)
    if role:
        _el(_el(rel, GD, "Rolle"), SD, "UUIDIdentifikator", role)
    if kind:
        _el(_el(rel, GD, "Type"), SD, "UUIDIdentifikator", kind)
    if uuid_ref:
        _el(_el(rel, GD, "ReferenceID"), SD, "UUIDIdentifikator", uuid_ref)
    elif urn_ref:
        _el(_el(rel, GD, "ReferenceID"), SD, "URNIdentifikator", urn_ref)
    return rel


def _extension(rel: etree._Element, ns: str, tag: str, **values: str) -> None:
    ext = _el(_el(rel, GD, "LokalUdvidelseListe"), ns, tag)
    for name, value in values.items():
        _el(ext, ns, name.replace("_", "-"), value)


def _case_lists(
    parent: etree._Element,
    case: repo.CaseMetadata,
    documents: list[repo.DocumentMetadata],
    sender: Sender,
) -> None:
    """The case's AttributListe, TilstandListe and RelationListe (Importer and Opdater)."""
    opened = case.opened_at
    number = (case.case_number or str(case.id))[:50]
    attrs = _el(parent, SAG, "AttributListe")
    props = _el(attrs, SAG, "Egenskaber")
    _virkning(props, SAG, sender, opened)
    _el(props, SAG, "BrugervendtNoegle", number)
    _el(props, SAG, "Sagsnummer", number)
    _el(props, SAG, "Titel", TITLE)
    local = _el(_el(attrs, GD, "LokalUdvidelseListe"), SI, "SagIndeksEgenskaber")
    _virkning(local, GD, sender, opened)
    _el(local, SI, "Sagsstatus", "Afsluttet" if case.closed_at else "Åben")
    _el(local, SI, "Foelsomhed", SENSITIVITY)
    _el(local, SI, "OprettetTidspunkt", _stamp(opened))

    states = _el(parent, SAG, "TilstandListe")
    if case.closed_at:
        # Opstaaet from the opening to the closing, then Afsluttet (KOMBIT's sample).
        arose = _el(states, SAG, "Fremdrift")
        _virkning(arose, SAG, sender, opened, case.closed_at)
        _el(arose, SAG, "FremdriftStatusKode", "Opstaaet")
        closed = _el(states, SAG, "Fremdrift")
        _virkning(closed, SAG, sender, case.closed_at)
        _el(closed, SAG, "FremdriftStatusKode", "Afsluttet")
    else:
        # The dates of the stage changes in between are not kept: the current state,
        # from the opening.
        state = _el(states, SAG, "Fremdrift")
        _virkning(state, SAG, sender, opened)
        _el(state, SAG, "FremdriftStatusKode", FREMDRIFT.get(case.stage, "Opstaaet"))

    rels = _el(parent, SAG, "RelationListe")
    owner = _relation(
        rels, SAG, "Sagsaktoer", sender, opened,
        role=ROLE_EJER, kind=TYPE_ORGANISATION, urn_ref=f"urn:oio:cvr-nr:{sender.cvr}",
    )  # fmt: skip
    _extension(owner, SI, "SagsaktoerLokalUdvidelse", CVR_Nummer=sender.cvr)
    if case.team_name:
        unit = _relation(
            rels, SAG, "Sagsaktoer", sender, opened,
            role=ROLE_ANSVARLIG, kind=TYPE_ORGANISATIONSENHED,
            uuid_ref=str(case.team_unit_uuid) if case.team_unit_uuid else None,
        )  # fmt: skip
        _extension(
            unit, SI, "SagsaktoerLokalUdvidelse", FuldtNavn=case.team_name[:255],
            CVR_Nummer=sender.cvr,
        )  # fmt: skip
    if case.caseworker_fkorg_uuid:
        _relation(
            rels, SAG, "Sagsaktoer", sender, opened,
            role=ROLE_PRIMAER_BEHANDLER, kind=TYPE_BRUGER,
            uuid_ref=str(case.caseworker_fkorg_uuid),
        )  # fmt: skip
    kle = _relation(
        rels, SAG, "Sagsklasse", sender, opened, role=ROLE_PRIMAER_KLASSE, kind=TYPE_KLASSE
    )
    _extension(
        kle, SI, "SagsklasseLokalUdvidelse", Facettitel="KLE Emneplan",
        BrugervendtNoegle=KLE_BOERNESAG,
    )  # fmt: skip
    # The child, by CPR number as a URN (the SOAP body only; never her name).
    _relation(
        rels, SAG, "Sagspart", sender, opened,
        role=ROLE_PRIMAER_PART, kind=TYPE_PERSON, urn_ref=f"urn:oio:cpr-nr:{case.child_cpr}",
    )  # fmt: skip
    for d in documents:
        post = _relation(rels, SAG, "Journalpost", sender, d.added_at, role=None, kind=None,
                         uuid_ref=str(d.id))  # fmt: skip
        _el(_el(post, SAG, "JournalpostEgenskaber"), SAG, "Dokumenttitel", d.title[:255])
    systems = _el(rels, GD, "LokalUdvidelseListe")
    for role in (ROLE_MASTER, ROLE_AFSENDER):
        system = _relation(
            systems, SI, "SagsitsystemRelation", sender, opened,
            role=role, kind=TYPE_ITSYSTEM, uuid_ref=str(sender.it_system),
        )  # fmt: skip
        _el(system, SI, "SystemNavn", SYSTEM_NAME)


def _registration(parent: etree._Element, ns: str, sender: Sender, now: datetime) -> Any:
    reg = _el(parent, ns, "Registrering")
    _el(reg, SD, "Tidspunkt", _stamp(now))
    _el(reg, SD, "LivscyklusKode", "Importeret")
    _el(_el(reg, SD, "BrugerRef"), SD, "UUIDIdentifikator", str(sender.it_system))
    return reg


def _document(
    parent: etree._Element, d: repo.DocumentMetadata, sender: Sender, now: datetime
) -> None:
    """A finished document's metadata as a DokumentIndeks (never its content)."""
    doc = _el(parent, NS, "DokumentIndeks")
    _el(doc, SD, "UUIDIdentifikator", str(d.id))
    reg = _registration(doc, DI, sender, now)
    props = _el(_el(reg, DI, "AttributListe"), DI, "Egenskaber")
    _virkning(props, DI, sender, d.added_at)
    _el(props, DI, "BrugervendtNoegle", str(d.id))
    _el(props, DI, "Titel", d.title[:255])
    _el(props, DI, "BrevDato", d.dated.isoformat())
    _el(props, DI, "Foelsomhed", SENSITIVITY)
    _el(props, DI, "Type", DOCUMENT_TYPE.get(d.kind, "Andet"))
    state = _el(_el(reg, DI, "TilstandListe"), DI, "Fremdrift")
    _virkning(state, DI, sender, d.added_at)
    _el(state, DI, "FremdriftStatusKode", "Endeligt")
    rels = _el(reg, DI, "RelationListe")
    owner = _relation(
        rels, DI, "Dokumentaktoer", sender, d.added_at,
        role=ROLE_EJER, kind=TYPE_ORGANISATION, urn_ref=f"urn:oio:cvr-nr:{sender.cvr}",
    )  # fmt: skip
    _extension(owner, DI, "DokumentaktoerLokalUdvidelse", CVR_Nr=sender.cvr)


def build_request(
    operation: str,
    cvr: str | None,
    case_id: uuid.UUID,
    case: repo.CaseMetadata | None,
    documents: list[repo.DocumentMetadata],
    sender: Sender,
    now: datetime | None = None,
) -> etree._Element:
    """The ``<Importer|Opdater|Fjern>SagDokumentIndeksInput`` element for one case (for
    ``operation`` Opret, Ret, Slet) in the OIO SagDok registrering shape of KOMBIT's XSDs:
    Importer a ``SagIndeks`` with its documents as ``DokumentIndeks``, Opdater an
    ``OpdaterSagIndeks`` (the documents as the case's Journalpost relations), Fjern the
    case's ``SagUuid``. ``cvr`` goes into an AuthorityContext (mutual TLS); with a token the
    kommune is in the token and ``cvr`` is None."""
    now = now or datetime.now(UTC)
    req = etree.Element(f"{{{NS}}}{OPERATIONS[operation]}SagDokumentIndeksInput", nsmap=NSMAP)
    if cvr is not None:
        authority(req, cvr)
    if operation == "Slet" or case is None:
        if operation != "Slet":
            raise ValueError("a case to import or update is needed")
        _el(_el(req, NS, "SagUuid"), SD, "UUIDIdentifikator", str(case_id))
        return req
    if operation == "Opret":
        sag = _el(req, NS, "SagIndeks")
        _el(sag, SD, "UUIDIdentifikator", str(case_id))
        _case_lists(_registration(sag, SAG, sender, now), case, documents, sender)
        for d in documents:
            _document(req, d, sender, now)
        return req
    update = _el(req, NS, "OpdaterSagIndeks")
    _el(update, SD, "UUIDIdentifikator", str(case_id))
    _case_lists(update, case, documents, sender)
    _el(update, NS, "Tidspunkt", _stamp(now))
    return req


def answer_refusal(answer: etree._Element) -> str | None:
    """The index's answer is a ``MultipleOutputType``: a StandardRetur (or UnikRetur) per
    object with StatusKode 20 for OK (KOMBIT's sample clients check for 20); anything else
    is a refusal, in Danish for the health and audit (a CPR-like number masked)."""
    for el in answer.iter(f"{{{SD}}}StandardRetur", f"{{{SD}}}UnikRetur"):
        code = (el.findtext(f"{{{SD}}}StatusKode") or "").strip()
        if code != "20":
            text = scrub(el.findtext(f"{{{SD}}}FejlbeskedTekst") or "").strip()[:200]
            return f"Sags- og dokumentindekset svarede med status {code}" + (
                f": {text}" if text else ""
            )
    return None


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
    sender = Sender(cvr=use.cvr, it_system=use.user_system_uuid)
    request = build_request(operation, cvr, case_id, case, documents, sender)
    action = ACTION + OPERATIONS[operation].lower()
    try:
        answer = await call(scope.code, ServiceKind.SF1470, action, request, call_id=call_id)
        refused = answer_refusal(answer)
        if refused is not None:
            await repo.record_call(scope.code, ServiceKind.SF1470, refused)
            raise ServiceError("fejl", refused)
    except ServiceError as exc:
        if exc.reason in ("ikke_sat_op", "slaaet_fra"):
            return
        delay = BACKOFF[min(attempt, len(BACKOFF) - 1)]
        log.warning("sagsindeks push failed (%s); retry %d in %d s", exc.reason, attempt + 1, delay)
        await record("trekant", "sagsindeks.push_failed", str(case_id), error=exc.message)
        await enqueue(JOB, {**payload, "attempt": attempt + 1}, defer_seconds=delay)
        return
    await repo.set_index_state(case_id, operation, call_id)
