"""The development SF1520 service (see ``infra/sf1520/__init__.py``).

POST /service/CPR/PersonBaseDataExtended/4   a SOAP 1.1 ``PersonLookupRequest``  ->
      200 ``PersonLookupResponse`` (persondata, adresse, relationer; empty for an unknown
      number), 500 a SOAP Fault with a ``ServiceplatformFault`` (an unknown service
      agreement or user system, a malformed PNR, or a fault asked for by a test)
POST /service/CPR/PersonBaseDataExtended/5   the same lookup with a token from the
      development STS in WS-Security (OIO IDWS) instead of the client certificate: the
      token and the message signature are checked by ``infra.serviceplatform.sts.check_call``
      (the STS's certificate is ``sts_certificate`` in the configuration), for this service's
      entity id; a refusal is a SOAP Fault with a WS-Security fault code
GET  /health                                  200
GET  /udvikling/tilstand   {"mode", "calls"}: the mode and the lookups answered so far
POST /udvikling/tilstand   {"mode": "normal" | "langsom" | "fejl" | "http503",
                            "seconds": n}: how the next calls answer (tests, demo)

Over TLS only. A client certificate, when one is presented, must be one the development CA
issued and not expired, or the handshake fails; version 4 answers only a client that
presented one (what Serviceplatformen does with a FOCES function certificate), version 5
takes the token instead (the TLS connection then authenticates only the service). The
population is the demo JSON (``TREKANT_CPR_DEMO_FILE``), re-read when it
changes: every child with its parents, and each parent as a person of their own.
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lxml import etree

S = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
INV = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
PNR = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"
FAULT = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PATH = "/service/CPR/PersonBaseDataExtended/4"
TOKEN_PATH = "/service/CPR/PersonBaseDataExtended/5"  # noqa: S105 - a path
MAX_BODY = 64 * 1024


class Population:
    """The demo file's people by CPR number: ``(person, relations or None)``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mtime = -1.0
        self.people: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self.lock = threading.Lock()

    def get(self, cpr: str) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
        with self.lock:
            mtime = self.path.stat().st_mtime if self.path.exists() else 0.0
            if mtime != self.mtime:
                data = json.loads(self.path.read_text("utf-8")) if self.path.exists() else {}
                people: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}
                for rel in data.values():
                    for p in rel.get("parents", []):
                        people.setdefault(p["cpr"], (p, None))
                for rel in data.values():
                    people[rel["child"]["cpr"]] = (rel["child"], rel)
                self.people, self.mtime = people, mtime
            return self.people.get(cpr)


class State:
    def __init__(self, config: dict[str, Any]) -> None:
        self.population = Population(Path(config["population"]))
        self.agreements: set[str] = set(config["service_agreements"])
        self.user_systems: set[str] = set(config["user_systems"])
        sts_cert = config.get("sts_certificate")
        self.sts_certificate = Path(sts_cert) if sts_cert else None
        self.mode = "normal"
        self.seconds = 0.0
        self.calls = 0
        self.lock = threading.Lock()


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _sub(parent: Any, tag: str, text: str | None = None) -> Any:
    el = etree.SubElement(parent, q(S, tag))
    if text is not None:
        el.text = text
    return el


def _envelope() -> tuple[Any, Any]:
    env = etree.Element(q(SOAP, "Envelope"), nsmap={"soap": SOAP})
    return env, etree.SubElement(env, q(SOAP, "Body"))


def fault(code: str, text: str) -> bytes:
    env, body = _envelope()
    f = etree.SubElement(body, q(SOAP, "Fault"))
    etree.SubElement(f, "faultcode").text = "soap:Server"
    etree.SubElement(f, "faultstring").text = text
    detail = etree.SubElement(f, "detail")
    spf = etree.SubElement(detail, q(FAULT, "ServiceplatformFault"), nsmap={"spf": FAULT})
    err = etree.SubElement(etree.SubElement(spf, q(FAULT, "ErrorList")), q(FAULT, "Error"))
    etree.SubElement(err, q(FAULT, "ErrorCode")).text = code
    etree.SubElement(err, q(FAULT, "ErrorText")).text = text
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def answer(found: tuple[dict[str, Any], dict[str, Any] | None] | None) -> bytes:
    """A ``PersonLookupResponse`` for the person (empty when unknown)."""
    env, body = _envelope()
    resp = etree.SubElement(body, q(S, "PersonLookupResponse"), nsmap={"ns": S})
    if found is None:
        return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))
    person, rel = found
    data = _sub(resp, "persondata")
    _sub(data, "personnummer", person["cpr"])
    navn = _sub(data, "navn")
    full = person["name"].strip()
    first, _, last = full.rpartition(" ")
    _sub(navn, "personadresseringsnavn", f"{last},{first}" if first else full)
    names = first.split(" ") if first else [last]
    _sub(navn, "fornavn", names[0])
    if len(names) > 1:
        _sub(navn, "mellemnavn", " ".join(names[1:]))
    if first:
        _sub(navn, "efternavn", last)
    children = 0
    _sub(data, "antalBoernUnder18", str(children))
    status = _sub(data, "status")
    _sub(status, "status", "1")
    if person.get("address_protected"):
        prot = _sub(data, "adressebeskyttelse")
        _sub(prot, "startdato", "2020-01-01")
        _sub(prot, "beskyttet", "true")
    _sub(data, "tilmeldtDigitalpost", "false" if person.get("digital_post_exempt") else "true")
    line = (person.get("address") or "").strip()
    if line:
        # The register answers the address to the kommune even when it is protected: the
        # client must keep it to itself (and Trekant's does).
        addr = _sub(_sub(resp, "adresse"), "aktuelAdresse")
        street, _, number = line.split(",")[0].rpartition(" ")
        _sub(addr, "vejnavn", street or line)
        if street:
            _sub(addr, "husnummer", number.zfill(3))
        _sub(addr, "standardadresse", line)
    if rel is not None:
        rels = _sub(resp, "relationer")
        parents = rel.get("parents", [])
        for tag, p in zip(("mor", "far"), parents[:2], strict=False):
            _sub(_sub(rels, tag), "personnummer", p["cpr"])
        for n, holder in enumerate(rel.get("custody", [])):
            kinds = {p["cpr"]: k for p, k in zip(parents[:2], ("3", "4"), strict=False)}
            fm = _sub(rels, "foraeldremyndighed")
            _sub(fm, "foraeldremyndighedtype", kinds.get(holder, "5" if n < 3 else "6"))
            _sub(fm, "relationPersonnummer", holder)
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def security_fault(code: str, text: str) -> bytes:
    """A refused token or message signature: a SOAP Fault with the WS-Security fault code."""
    env, body = _envelope()
    f = etree.SubElement(body, q(SOAP, "Fault"), nsmap={"wsse": WSSE})
    etree.SubElement(f, "faultcode").text = f"wsse:{code}"
    etree.SubElement(f, "faultstring").text = text
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def check_token(state: State, root: Any) -> bytes | None:
    """A call on version 5: the STS's token for this service and the message signed by its
    holder; the fault to answer, or None."""
    from cryptography import x509

    from backend.integrations.sts import ENTITY_IDS
    from backend.integrations.wssec import PublicKey
    from infra.serviceplatform.sts import Refused, check_call

    if state.sts_certificate is None or not state.sts_certificate.exists():
        return security_fault("InvalidSecurityToken", "Tjenesten kender ingen STS")
    sts_key = x509.load_pem_x509_certificate(state.sts_certificate.read_bytes()).public_key()
    assert isinstance(sts_key, PublicKey)
    try:
        check_call(root, ENTITY_IDS["sf1520"], sts_key)
    except Refused as refused:
        return security_fault(refused.code, f"Token afvist: {refused.message}")
    return None


def handle_lookup(
    state: State, raw: bytes, *, token: bool = False, certificate: bool = True
) -> tuple[int, bytes]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        return 500, fault("SP-0400", "Forespørgslen er ikke gyldig XML")
    req = root.find(f"{q(SOAP, 'Body')}/{q(S, 'PersonLookupRequest')}")
    if req is None:
        return 500, fault("SP-0400", "Forespørgslen er ikke en PersonLookupRequest")
    if token:
        # The token names the kommune (its CVR) and stands for the service agreement: the
        # STS issues one only for a certificate registered to an approved agreement.
        refused = check_token(state, root)
        if refused is not None:
            return 500, refused
    else:
        if not certificate:
            return 500, fault("SP-1000", "Kaldet har intet klientcertifikat")
        inv = req.find(q(INV, "InvocationContext"))
        agreement = inv.findtext(q(INV, "ServiceAgreementUUID")) if inv is not None else None
        system = inv.findtext(q(INV, "UserSystemUUID")) if inv is not None else None
        if agreement not in state.agreements:
            return 500, fault("SP-1001", "Ingen gyldig serviceaftale for kaldet")
        if system not in state.user_systems:
            return 500, fault("SP-1002", "Det anvendende system er ikke knyttet til serviceaftalen")
    pnr = (req.findtext(q(PNR, "PNR")) or "").strip()
    if not (len(pnr) == 10 and pnr.isdigit()):
        return 500, fault("CPR-0010", "PNR skal være 10 cifre")
    return 200, answer(state.population.get(pnr))


class Handler(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

    def log_message(self, format: str, *args: Any) -> None:
        pass  # never a CPR number in a log line; the bodies are not logged either

    def _send(self, status: int, body: bytes, kind: str = "text/xml; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, b"for stor", "text/plain")
            return None
        return self.rfile.read(length)

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, b'{"status":"ok"}', "application/json")
        elif self.path == "/udvikling/tilstand":
            with self.state.lock:
                now = {"mode": self.state.mode, "calls": self.state.calls}
            self._send(200, json.dumps(now).encode(), "application/json")
        else:
            self._send(404, b"findes ikke", "text/plain; charset=utf-8")

    def do_POST(self) -> None:
        raw = self._body()
        if raw is None:
            return
        state = self.state
        if self.path == "/udvikling/tilstand":
            wanted = json.loads(raw or b"{}")
            with state.lock:
                state.mode = str(wanted.get("mode", "normal"))
                state.seconds = float(wanted.get("seconds", 0))
            self._send(200, b'{"status":"ok"}', "application/json")
            return
        if self.path not in (PATH, TOKEN_PATH):
            self._send(404, b"findes ikke", "text/plain; charset=utf-8")
            return
        with state.lock:
            state.calls += 1
            mode, seconds = state.mode, state.seconds
        if mode == "langsom":
            time.sleep(seconds or 5)
        if mode == "http503":
            self._send(503, b"Serviceplatformen er ikke tilgaengelig", "text/plain")
            return
        if mode == "fejl":
            self._send(500, fault("SP-5000", "Intern fejl i CPR-replikaen"))
            return
        status, body = handle_lookup(
            state,
            raw,
            token=self.path == TOKEN_PATH,
            certificate=bool(self.connection.getpeercert()),
        )
        self._send(status, body)


class TlsServer(ThreadingHTTPServer):
    """Each connection's TLS handshake runs in its own thread (a slow or refused client
    never holds up the others); a refused certificate just closes the connection."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: Any, context: ssl.SSLContext) -> None:
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(30)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            try:
                tls.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = json.loads(Path(args.config).read_text("utf-8"))
    folder = Path(config["certificates"])
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(folder / "server.pem", folder / "server-key.pem")
    ctx.load_verify_locations(folder / "ca.pem")
    # Optional: a certificate presented is verified (another CA's or an expired one fails
    # the handshake); version 4 then insists on one, version 5 on a token.
    ctx.verify_mode = ssl.CERT_OPTIONAL
    Handler.state = State(config)
    server = TlsServer(("127.0.0.1", int(config["port"])), Handler, ctx)
    server.serve_forever()


if __name__ == "__main__":
    main()
