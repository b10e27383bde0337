"""The development Serviceplatform (see ``infra/serviceplatform/__init__.py``).

POST /organisation/organisationsystem/6/   SOAP ``FremsoegObjekthierarkiInput`` (paged by
     FoersteResultatReference/MaksimalAntalKvantitet): the organisation of the kommune named
     by the token's CVR or the request's AuthorityContext/MunicipalityCVR (units with their
     parent, users with their unit, job title and state)
POST /sagdokumentindeks/6                  SOAP ``Importer``/``Opdater``/``Fjern``
     ``SagDokumentIndeksInput`` in the OIO SagDok registrering shape, validated against
     KOMBIT's XSDs (``xsd/``) and the index's required elements (a SOAP Fault names what is
     wrong; nothing is stored); a repeated CallersServiceCallIdentifier (or
     RequestHeader/TransactionUUID) is answered as the first time and not stored again
POST /runtime/services/kombittrust/14/certificatemixed   the STS (WS-Trust 1.3 Issue; see
     ``infra/serviceplatform/sts.py``)
POST /dev/sts/certifikat {"cvr": …, "cert_pem": …}: register a system certificate for a
                        kommune (the STS issues tokens only for registered ones)
POST /dev/sts           {"lifetime": seconds}: the lifetime of the tokens issued from now
GET  /dev/sts           {"issued": n}: how many tokens the STS has issued
GET  /                  what the index received (CPR numbers masked) and the organisations
GET  /api/indeks        JSON: the index's records (the party as a masked CPR and a SHA-256)
POST /dev/fault         {"mode": "slow"|"error"|"ok", "count": n, "seconds": s}: the next n
                        SOAP calls answer slowly or with a SOAP Fault (tests)
POST /dev/organisation  {"cvr": …, "units": […], "users": […]}: replace an organisation
GET  /health

Both SOAP services take a call either with the Serviceplatform's InvocationContext
(ServiceAgreementUUID, UserSystemUUID; mutual TLS in production) or with a token from the
STS in its WS-Security header (OIO IDWS; token and message signature checked, the kommune
is the token's CVR), and refuse anything else or an unknown kommune (SOAP Fault).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import html
import json
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lxml import etree

from backend.integrations.sts import ENTITY_IDS, SOAP12
from infra.serviceplatform import FKORG_PATH, OLD_PATHS, SAGSINDEKS_PATH, STS_PATH
from infra.serviceplatform.demo_org import ODENSE_CVR, odense
from infra.serviceplatform.sts import DevSts, Refused

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
ORG_NS = "http://stoettesystemerne.dk/organisation/organisationsystem/6/"
IDX_NS = "urn:oio:sts:sagdok:sagdokumentindeks:6"
INDEX_OPS = {"Importer": "Opret", "Opdater": "Ret", "Fjern": "Slet"}
PATH_ENTITY = {FKORG_PATH: ENTITY_IDS["sf1500"], SAGSINDEKS_PATH: ENTITY_IDS["sf1470"]}
MAX_BODY = 2 * 1024 * 1024
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def local(el: Any) -> str:
    return str(etree.QName(el).localname)


def find(el: Any, name: str) -> Any:
    for child in el.iter():
        if isinstance(child.tag, str) and local(child) == name:
            return child
    return None


def text(el: Any, name: str) -> str | None:
    found = find(el, name)
    return found.text if found is not None else None


def mask(cpr: str | None) -> str:
    return f"{cpr[:6]}-xxxx" if cpr and len(cpr) == 10 else "ukendt"


class State:
    def __init__(self, store: Path) -> None:
        self.lock = threading.Lock()
        self.store = store
        self.orgs: dict[str, dict[str, Any]] = {ODENSE_CVR: odense()}
        self.records: list[dict[str, Any]] = []
        self.fault_mode = "ok"
        self.fault_count = 0
        self.fault_seconds = 0.0
        registered: dict[str, list[str]] = {}
        if store.exists():
            saved = json.loads(store.read_text())
            self.records = saved.get("records", [])
            self.orgs.update(saved.get("orgs", {}))
            registered = saved.get("sts_certificates", {})
        self.sts = DevSts(registered, store.parent)

    def save(self) -> None:
        tmp = self.store.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "records": self.records,
                    "orgs": self.orgs,
                    "sts_certificates": self.sts.registered,
                }
            )
        )
        tmp.replace(self.store)

    def take_fault(self) -> tuple[str, float]:
        with self.lock:
            if self.fault_count <= 0:
                return "ok", 0.0
            self.fault_count -= 1
            return self.fault_mode, self.fault_seconds


def envelope(body: Any) -> bytes:
    env = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP})
    etree.SubElement(env, f"{{{SOAP}}}Body").append(body)
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WST = "http://docs.oasis-open.org/ws-sx/ws-trust/200512"


def fault(message: str, code: str = "soap:Client") -> bytes:
    f = etree.Element(f"{{{SOAP}}}Fault", nsmap={"wsse": WSSE})
    etree.SubElement(f, "faultcode").text = code
    etree.SubElement(f, "faultstring").text = message
    return envelope(f)


def sts_fault(refused: Refused) -> bytes:
    """A SOAP 1.2 Fault with the WS-Trust subcode (FailedAuthentication, InvalidRequest)."""
    env = etree.Element(f"{{{SOAP12}}}Envelope", nsmap={"s": SOAP12, "wst": WST})
    f = etree.SubElement(etree.SubElement(env, f"{{{SOAP12}}}Body"), f"{{{SOAP12}}}Fault")
    code = etree.SubElement(f, f"{{{SOAP12}}}Code")
    etree.SubElement(code, f"{{{SOAP12}}}Value").text = "s:Sender"
    sub = etree.SubElement(code, f"{{{SOAP12}}}Subcode")
    etree.SubElement(sub, f"{{{SOAP12}}}Value").text = f"wst:{refused.code}"
    reason = etree.SubElement(f, f"{{{SOAP12}}}Reason")
    text = etree.SubElement(reason, f"{{{SOAP12}}}Text")
    text.set("{http://www.w3.org/XML/1998/namespace}lang", "da")
    text.text = refused.message
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def organisation_answer(org: dict[str, Any], first: int = 0, most: int = 10_000) -> Any:
    out = etree.Element(f"{{{ORG_NS}}}FremsoegObjekthierarkiOutput", nsmap={"o": ORG_NS})

    def sub(parent: Any, tag: str, value: str | None = None) -> Any:
        el = etree.SubElement(parent, f"{{{ORG_NS}}}{tag}")
        if value is not None:
            el.text = value
        return el

    status = sub(out, "StandardRetur")
    sub(status, "StatusKode", "20")
    sub(status, "FejlbeskedTekst", "")
    units = sub(out, "OrganisationEnheder")
    for unit in org["units"][first : first + most]:
        obj = sub(units, "FiltreretOejebliksbillede")
        sub(sub(obj, "ObjektType"), "UUIDIdentifikator", unit["uuid"])
        reg = sub(obj, "Registrering")
        sub(sub(sub(reg, "AttributListe"), "Egenskab"), "EnhedNavn", unit["name"])
        sub(sub(sub(reg, "TilstandListe"), "Gyldighed"), "GyldighedStatusKode", "Aktiv")
        rel = sub(reg, "RelationListe")
        if unit["parent"]:
            sub(sub(sub(rel, "Overordnet"), "ReferenceID"), "UUIDIdentifikator", unit["parent"])
    users = sub(out, "Brugere")
    for user in org["users"][first : first + most]:
        obj = sub(users, "FiltreretOejebliksbillede")
        sub(sub(obj, "ObjektType"), "UUIDIdentifikator", user["uuid"])
        reg = sub(obj, "Registrering")
        prop = sub(sub(reg, "AttributListe"), "Egenskab")
        sub(prop, "BrugerVendtNoegle", user["username"])
        sub(prop, "BrugerNavn", user["name"])
        sub(prop, "Email", user["email"])
        sub(prop, "Stillingsbetegnelse", user["job"])
        state = "Inaktiv" if user.get("inactive") else "Aktiv"
        sub(sub(sub(reg, "TilstandListe"), "Gyldighed"), "GyldighedStatusKode", state)
        rel = sub(reg, "RelationListe")
        sub(sub(sub(rel, "Tilknyttedeenheder"), "ReferenceID"), "UUIDIdentifikator", user["unit"])
    return out


# The index's schema: KOMBIT's XSDs for SagDokumentIndeks 6 (infra/serviceplatform/xsd).
XSD = Path(__file__).resolve().parent / "xsd" / "6.0.STS-0" / "SagDokumentIndeksOperationer.xsd"
_SCHEMA: Any = None
IX = {
    "sdi": IDX_NS,
    "sag": "urn:oio:sts:sagdok:sag:6",
    "di": "urn:oio:sts:sagdok:dokumentindeks:6",
    "si": "urn:oio:sts:sagdok:sagindeks:6",
    "gd": "urn:oio:sts:generelledefinitioner:6",
    "sd": "urn:oio:sagdok:3.0.0",
}
# Relation roles (FK Klassifikation; KOMBIT's sample client, ConfigVariables.cs).
ROLE_EJER = "9e979b84-b846-4472-8622-58007dc63c7e"
ROLE_ANSVARLIG = "a1263342-d348-44ba-a566-233f37c4cb67"
ROLE_PRIMAER_PART = "d839f26a-d4d1-4441-b2d6-3dbbb12a9404"
ROLE_PRIMAER_KLASSE = "a86c6581-ec85-412d-a655-31a1f1d5b14f"
CPR_URN = re.compile(r"urn:oio:cpr-nr:(\d{10})")
CPR_LIKE = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")


def schema() -> Any:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = etree.XMLSchema(etree.parse(str(XSD)))
    return _SCHEMA


def _x(el: Any, path: str) -> list[Any]:
    return list(el.xpath(path, namespaces=IX))


def _t(el: Any, path: str) -> str | None:
    found = _x(el, path)
    return found[0].text if found else None


def _with_role(rels: Any, tag: str, role: str) -> list[Any]:
    return _x(rels, f"sag:{tag}[gd:Rolle/sd:UUIDIdentifikator='{role}']")


def refusal(op: str, request: Any) -> str | None:
    """Why the index refuses ``request`` (None: it takes it): the schema first (CPR-like
    digits masked in the message, which goes back to the caller), then what the index
    requires beyond it (a case number, title, progress, owner, primary class and primary
    party by CPR number on an imported case; the case on an update or removal)."""
    body = copy.deepcopy(request)
    for ctx in body.findall("{*}AuthorityContext"):
        body.remove(ctx)  # Trekant's mutual-TLS variant names the kommune here
    checker = schema()
    if not checker.validate(body):
        error = checker.error_log.last_error
        step = (error.path or "").rsplit("/", 1)[-1].split("[")[0]
        where = step.rsplit(":", 1)[-1] or "roden"
        text = CPR_LIKE.sub("xxxxxx-xxxx", error.message)
        return f"Beskeden følger ikke skemaet (SagDokumentIndeks 6) ved {where}: {text}"
    if op == "Slet":
        return None if _x(body, "sdi:SagUuid") else "Påkrævet element mangler: SagUuid"
    if op == "Ret":
        sags = _x(body, "sdi:OpdaterSagIndeks")
        if not sags:
            return "Påkrævet element mangler: OpdaterSagIndeks"
        for sag in sags:
            for part in _x(sag, "sag:RelationListe/sag:Sagspart"):
                if not CPR_URN.fullmatch(_t(part, "gd:ReferenceID/sd:URNIdentifikator") or ""):
                    return "Sagspart skal angives med urn:oio:cpr-nr:<CPR-nummer>"
        return None
    sags = _x(body, "sdi:SagIndeks")
    if not sags:
        return "Påkrævet element mangler: SagIndeks"
    for sag in sags:
        for reg in _x(sag, "sag:Registrering"):
            props = "sag:AttributListe/sag:Egenskaber"
            for name in ("Sagsnummer", "Titel"):
                if not _t(reg, f"{props}/sag:{name}"):
                    return f"Påkrævet element mangler: Egenskaber/{name}"
            if not _x(reg, "sag:TilstandListe/sag:Fremdrift/sag:FremdriftStatusKode"):
                return "Påkrævet element mangler: Fremdrift/FremdriftStatusKode"
            rels = _x(reg, "sag:RelationListe")[0]
            if not _x(
                rels, f"sag:Sagsaktoer[gd:Rolle/sd:UUIDIdentifikator='{ROLE_EJER}']/gd:ReferenceID"
            ):
                return "Påkrævet element mangler: Sagsaktoer med rollen Ejer"
            if not _with_role(rels, "Sagsklasse", ROLE_PRIMAER_KLASSE):
                return "Påkrævet element mangler: Sagsklasse med rollen Primær klasse"
            parts = _with_role(rels, "Sagspart", ROLE_PRIMAER_PART)
            if not parts:
                return "Påkrævet element mangler: Sagspart med rollen Primær part"
            urn = _t(parts[0], "gd:ReferenceID/sd:URNIdentifikator") or ""
            if not CPR_URN.fullmatch(urn):
                return "Sagspart skal angives med urn:oio:cpr-nr:<CPR-nummer>"
    return None


def index_record(op: str, cvr: str, call_id: str, request: Any) -> dict[str, Any]:
    """What the page and ``GET /api/indeks`` show of a taken request (the CPR masked and
    as a SHA-256 only)."""
    sag = next(iter(_x(request, "sdi:SagIndeks | sdi:OpdaterSagIndeks")), None)
    if sag is None:
        uid = _t(request, "sdi:SagUuid/sd:UUIDIdentifikator")
        lists = None
    else:
        uid = _t(sag, "sd:UUIDIdentifikator")
        regs = _x(sag, "sag:Registrering")
        lists = regs[0] if regs else sag
    cpr = kle = ejer = status = foelsomhed = number = title = None
    dokumenter: list[dict[str, Any]] = []
    if lists is not None:
        number = _t(lists, "sag:AttributListe/sag:Egenskaber/sag:Sagsnummer")
        title = _t(lists, "sag:AttributListe/sag:Egenskaber/sag:Titel")
        local = "sag:AttributListe/gd:LokalUdvidelseListe/si:SagIndeksEgenskaber"
        foelsomhed = _t(lists, f"{local}/si:Foelsomhed")
        states = _x(lists, "sag:TilstandListe/sag:Fremdrift/sag:FremdriftStatusKode")
        status = states[-1].text if states else None
        rels = next(iter(_x(lists, "sag:RelationListe")), None)
        if rels is not None:
            parts = _with_role(rels, "Sagspart", ROLE_PRIMAER_PART)
            urn = _t(parts[0], "gd:ReferenceID/sd:URNIdentifikator") if parts else None
            match = CPR_URN.fullmatch(urn or "")
            cpr = match.group(1) if match else None
            classes = _with_role(rels, "Sagsklasse", ROLE_PRIMAER_KLASSE)
            ext = "gd:LokalUdvidelseListe/si:SagsklasseLokalUdvidelse/si:BrugervendtNoegle"
            kle = _t(classes[0], ext) if classes else None
            units = _with_role(rels, "Sagsaktoer", ROLE_ANSVARLIG)
            ext = "gd:LokalUdvidelseListe/si:SagsaktoerLokalUdvidelse/si:FuldtNavn"
            ejer = _t(units[0], ext) if units else None
            for post in _x(rels, "sag:Journalpost"):
                dokumenter.append(
                    {
                        "uuid": _t(post, "gd:ReferenceID/sd:UUIDIdentifikator"),
                        "titel": _t(post, "sag:JournalpostEgenskaber/sag:Dokumenttitel"),
                        "type": None,
                        "dato": None,
                    }
                )
    by_id = {d["uuid"]: d for d in dokumenter}
    for doc in _x(request, "sdi:DokumentIndeks"):
        props = "di:Registrering/di:AttributListe/di:Egenskaber"
        entry = by_id.setdefault(_t(doc, "sd:UUIDIdentifikator"), {})
        entry.update(
            {
                "uuid": _t(doc, "sd:UUIDIdentifikator"),
                "titel": _t(doc, f"{props}/di:Titel"),
                "type": _t(doc, f"{props}/di:Type"),
                "dato": _t(doc, f"{props}/di:BrevDato"),
            }
        )
    return {
        "call_id": call_id,
        "operation": op,
        "cvr": cvr,
        "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sag_uuid": uid,
        "sagsnummer": number,
        "titel": title,
        "kle": kle,
        "status": status,
        "ejer": ejer,
        "foelsomhed": foelsomhed,
        "part": mask(cpr),
        "part_sha256": hashlib.sha256(cpr.encode()).hexdigest() if cpr else None,
        "dokumenter": list(by_id.values()),
    }


def page(state: State) -> bytes:
    rows = []
    for r in reversed(state.records[-200:]):
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v or ''))}</td>"
                for v in (
                    r["received_at"],
                    r["operation"],
                    r["cvr"],
                    r["sagsnummer"],
                    r["titel"],
                    r["kle"],
                    r["status"],
                    r["ejer"],
                    r["part"],
                    len(r["dokumenter"]),
                )
            )
            + "</tr>"
        )
    orgs = []
    for cvr, org in state.orgs.items():
        names = {u["uuid"]: u["name"] for u in org["units"]}
        units = "".join(
            f"<li>{html.escape(u['name'])}"
            + (
                f" <small>(under {html.escape(names.get(u['parent'], ''))})</small>"
                if u["parent"]
                else ""
            )
            + f" <code>{u['uuid']}</code></li>"
            for u in org["units"]
        )
        users = "".join(
            f"<li>{html.escape(u['name'])}, {html.escape(u['job'])}, "
            f"{html.escape(names.get(u['unit'], ''))}"
            f"{' (inaktiv)' if u.get('inactive') else ''}</li>"
            for u in org["users"]
        )
        orgs.append(
            f"<h3>CVR {cvr}</h3><h4>Enheder</h4><ul>{units}</ul><h4>Brugere</h4><ul>{users}</ul>"
        )
    return (
        "<!doctype html><html lang='da'><head><meta charset='utf-8'>"
        "<title>Serviceplatformen (udvikling)</title></head><body>"
        "<h1>Serviceplatformen (udvikling)</h1>"
        f"<h2>Sags- og dokumentindeks (SF1470): {len(state.records)} modtagne</h2>"
        "<table border='1'><tr><th>Modtaget</th><th>Handling</th><th>CVR</th><th>Sagsnummer</th>"
        "<th>Titel</th><th>KLE</th><th>Fremdrift</th><th>Ansvarlig</th><th>Primær part (CPR)</th>"
        "<th>Dokumenter</th></tr>" + "".join(rows) + "</table>"
        "<h2>FK Organisation (SF1500)</h2>" + "".join(orgs) + "</body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, format: str, *args: Any) -> None:
        return  # no request line in the log: the paths hold nothing, but keep it quiet

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            self._json(200, {"status": "ok"})
        elif path == "/":
            with self.state.lock:
                body = page(self.state)
            self._send(200, body, "text/html; charset=utf-8")
        elif path == "/api/indeks":
            with self.state.lock:
                self._json(200, self.state.records)
        elif path == "/dev/sts":
            with self.state.sts.lock:
                self._json(200, {"issued": self.state.sts.issued})
        else:
            self._json(404, {"error": "not found"})

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": "too large"})
            return None
        return self.rfile.read(length)

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        raw = self._body()
        if raw is None:
            return
        if path == "/dev/fault":
            data = json.loads(raw or b"{}")
            with self.state.lock:
                self.state.fault_mode = data.get("mode", "ok")
                self.state.fault_count = int(data.get("count", 1))
                self.state.fault_seconds = float(data.get("seconds", 0))
            self._json(200, {"ok": True})
            return
        if path == "/dev/organisation":
            data = json.loads(raw)
            with self.state.lock:
                self.state.orgs[data["cvr"]] = {"units": data["units"], "users": data["users"]}
                self.state.save()
            self._json(200, {"ok": True})
            return
        if path == "/dev/sts/certifikat":
            data = json.loads(raw)
            with self.state.lock:
                self.state.sts.register(str(data["cvr"]), str(data["cert_pem"]))
                self.state.save()
            self._json(200, {"ok": True})
            return
        if path == "/dev/sts":
            data = json.loads(raw or b"{}")
            with self.state.sts.lock:
                self.state.sts.lifetime = int(data.get("lifetime", 3600))
            self._json(200, {"ok": True})
            return
        if path == STS_PATH:
            try:
                answer = self.state.sts.issue(raw)
            except Refused as refused:
                self._send(400, sts_fault(refused), "application/soap+xml; charset=utf-8")
                return
            self._send(200, answer, "application/soap+xml; charset=utf-8")
            return
        path = OLD_PATHS.get(path, path)
        if path not in (FKORG_PATH, SAGSINDEKS_PATH):
            self._json(404, {"error": "not found"})
            return
        mode, seconds = self.state.take_fault()
        if mode == "slow":
            time.sleep(seconds)
        if mode == "error":
            self._send(500, fault("Intern fejl i tjenesten (udvikling)"), "text/xml; charset=utf-8")
            return
        try:
            root = etree.fromstring(raw, PARSER)
        except etree.XMLSyntaxError:
            self._send(400, fault("Ugyldig XML"), "text/xml; charset=utf-8")
            return
        call_id = (
            text(root, "CallersServiceCallIdentifier")
            or text(root, "TransactionUUID")
            or str(uuid.uuid4())
        )
        cvr = text(root, "MunicipalityCVR") or ""
        if find(root, "Security") is not None:
            try:
                token_cvr = self.state.sts.check_call(root, PATH_ENTITY[path])
            except Refused as refused:
                self._send(
                    500,
                    fault(f"Token afvist: {refused.message}", f"wsse:{refused.code}"),
                    "text/xml; charset=utf-8",
                )
                return
            if cvr and cvr != token_cvr:
                self._send(500, fault("CVR passer ikke til token"), "text/xml; charset=utf-8")
                return
            cvr = token_cvr
        else:
            try:
                uuid.UUID(text(root, "ServiceAgreementUUID") or "")
                uuid.UUID(text(root, "UserSystemUUID") or "")
            except ValueError:
                self._send(
                    400,
                    fault("InvocationContext mangler serviceaftale eller brugersystem"),
                    "text/xml; charset=utf-8",
                )
                return
        body = root.find(f"{{{SOAP}}}Body")
        request = body[0] if body is not None and len(body) else None
        if request is None:
            self._send(400, fault("Tom forespørgsel"), "text/xml; charset=utf-8")
            return
        if path == FKORG_PATH:
            org = self.state.orgs.get(cvr)
            if org is None:
                self._send(500, fault(f"Ukendt myndighed (CVR {cvr})"), "text/xml; charset=utf-8")
                return
            first = int(text(request, "FoersteResultatReference") or 0)
            most = int(text(request, "MaksimalAntalKvantitet") or 10_000)
            answer = organisation_answer(org, first, most)
            self._send(200, envelope(answer), "text/xml; charset=utf-8")
            return
        name = local(request)
        op = INDEX_OPS.get(name.removesuffix("SagDokumentIndeksInput"))
        if op is None or etree.QName(request).namespace != IDX_NS:
            self._send(400, fault(f"Ukendt operation {name}"), "text/xml; charset=utf-8")
            return
        wrong = refusal(op, request)
        if wrong is not None:
            self._send(500, fault(wrong), "text/xml; charset=utf-8")
            return
        record = index_record(op, cvr, call_id, request)
        status, message = "20", "OK"
        with self.state.lock:
            seen = any(r["call_id"] == call_id for r in self.state.records)
            held = [
                r["operation"]
                for r in self.state.records
                if r["cvr"] == cvr and r["sag_uuid"] == record["sag_uuid"]
            ]
            holds = bool(held) and held[-1] != "Slet"
            if seen:
                message = "OK (gentaget kald)"
            elif op == "Opret" and holds:
                status, message = "40", "Sagen findes allerede i indekset"
            elif op == "Ret" and not holds:
                status, message = "44", "Sagen findes ikke i indekset"
            else:
                self.state.records.append(record)
                self.state.save()
        out_name = {"Opret": "Importer", "Ret": "Opdater", "Slet": "Fjern"}[op]
        # sd:MultipleOutputType: one StandardRetur (20: OK; 40 an import of a case the index
        # holds, 44 an update of one it does not); a repeat is answered as OK.
        sd = IX["sd"]
        out = etree.Element(
            f"{{{IDX_NS}}}{out_name}SagDokumentIndeksOutput", nsmap={"i": IDX_NS, "sd": sd}
        )
        retur = etree.SubElement(out, f"{{{sd}}}StandardRetur")
        etree.SubElement(retur, f"{{{sd}}}StatusKode").text = status
        etree.SubElement(retur, f"{{{sd}}}FejlbeskedTekst").text = message
        self._send(200, envelope(out), "text/xml; charset=utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = json.loads(Path(args.config).read_text())
    Handler.state = State(Path(config["store"]))
    server = ThreadingHTTPServer(("127.0.0.1", int(config["port"])), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
