"""The CPR register through Serviceplatformen: SF1520 "Udvidet person stamdata (lokal)",
the SOAP service ``PersonBaseDataExtended`` (docs/integrations.md, "CPR (SF1520)").

One operation, ``PersonLookup``: a ``PersonLookupRequest`` with the caller's
``InvocationContext`` (service agreement, user system, user = the kommune, service) and the
person's ``PNR`` answers with ``persondata`` (name, ``adressebeskyttelse``,
``tilmeldtDigitalpost``), ``adresse`` (``aktuelAdresse``) and ``relationer`` (``mor``,
``far``, ``foraeldremyndighed``). A child's lookup is one call for the child and one per
parent or custody holder (in parallel), all within ``TREKANT_CPR_TIMEOUT`` seconds.

Security model: version 4 of the service is SOAP 1.1 over TLS with the kommune's (or the IT
supplier's) FOCES/OCES function certificate as the TLS client certificate; the service
agreement in the invocation context says what the certificate may ask for whom. Version 5
(the kommune's row says ``auth = 'token'``) takes a token from the Serviceplatform's STS for
the service's entity id instead (``backend.integrations.sts``: the same STS client and
token cache as SF1500 and SF1470), presented in WS-Security with the message signed by the
certificate (OIO IDWS); the TLS connection then authenticates only the service. The lookup,
its answer and every failure's handling are the same for both.

httpx + lxml, not zeep: the project already has both, the service has one operation, and
zeep needs the WSDL with its policy and fault imports on disk to build a client; the
envelope below is the XSD's sequence, built with lxml (so nothing is pasted into XML as
text) and the answer read by namespace.

Failures are :class:`~backend.network.cpr_source.CprUnavailable` (the UI offers manual
entry), each logged for the operator (never the CPR number) and counted in
``trekant_cpr_lookups{outcome}``: ``timeout``, ``unreachable``, ``tls`` (the service
refused our certificate, or we refused its), ``certificate`` (ours is missing or
expired: checked at start and before each call), ``fault`` (a ServiceplatformFault or an
HTTP error, or the service refused the token), ``sts`` (the STS refused the token request),
``not_configured``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from lxml import etree
from prometheus_client import Counter, Gauge

from backend.integrations import sts
from backend.integrations.sts import Token
from backend.network.cpr_source import CprPerson, CprRelations, CprUnavailable, timeout_seconds

log = logging.getLogger("trekant.cpr")

SERVICE_NS = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/"
SOAP_ACTION = SERVICE_NS + "PersonLookup"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
INVCTX_NS = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
PNR_NS = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"
FAULT_NS = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
AUTH_NS = "http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/"
# The test call (``probe``): no person has day 00, so the lookup reads nobody.
PROBE_PNR = "0000000000"
# The service's UUID in Serviceplatformen's catalogue ("PersonBaseDataExtended").
SERVICE_UUID = "e6be2436-bf35-4df2-83fe-925142825dc2"
MAX_ANSWER = 256 * 1024  # one person's record is a few kB
CUSTODY_TYPES = {"3", "4", "5", "6"}  # mor, far, anden indehaver 1 og 2

LOOKUPS = Counter(
    "trekant_cpr_lookups",
    "Calls to the CPR register (SF1520), by outcome: ok, unknown, timeout, unreachable, "
    "tls, certificate, fault, sts, not_configured",
    ["outcome"],
)
CERT_EXPIRY = Gauge(
    "trekant_sf1520_certificate_expiry_timestamp_seconds",
    "When the SF1520 client certificate expires (Unix time)",
    multiprocess_mode="max",
)


class CprServiceError(CprUnavailable):
    """The register cannot be asked or refused the question; ``operator`` says why (Danish,
    for the operator console and the log; never a CPR number)."""

    def __init__(self, outcome: str, operator: str, codes: tuple[str, ...] = ()) -> None:
        super().__init__(operator)
        self.outcome = outcome
        self.operator = operator
        self.codes = codes  # a ServiceplatformFault's ErrorCodes (e.g. SP-1001, CPR-0010)


@dataclass(frozen=True)
class InvocationContext:
    """Who asks (Serviceplatformen's "invocation context"): the service agreement between
    the kommune and Trekant, Trekant's user system, the kommune (user), the service."""

    service_agreement: str
    user_system: str
    user: str
    service: str = SERVICE_UUID
    accounting_info: str | None = None


@dataclass(frozen=True)
class Sf1520Config:
    """How to reach SF1520: endpoint, the TLS client certificate and key (PEM files, or
    ``cert_pem``/``key_pem`` in memory: the operator's configuration, the key unsealed), the
    CA the service's certificate is checked against (None: the system's trust store), the
    time-out, each kommune's invocation context (``"*"``: any kommune without its own) and
    the kommune's CVR number (``AuthorityContext``, when known). ``auth = "token"``: no
    client certificate in TLS; a token from the STS at ``sts_url`` for kommune ``kommune``
    (its CVR ``cvr``) in WS-Security instead, the message signed with ``cert_pem``/``key_pem``."""

    url: str
    cert_file: Path = Path()
    key_file: Path = Path()
    ca_file: Path | None = None
    timeout: float = 2.0
    contexts: dict[str, InvocationContext] = field(default_factory=dict)
    cert_pem: str | None = field(default=None, repr=False)
    key_pem: bytes | None = field(default=None, repr=False)
    cvr: str | None = None
    auth: str = "tls"
    kommune: str | None = None
    sts_url: str | None = None

    def context_for(self, kommune: str | None) -> InvocationContext | None:
        return self.contexts.get(kommune or "*") or self.contexts.get("*")


def config_from_env(env: dict[str, str] | None = None) -> Sf1520Config | None:
    """``TREKANT_SF1520_URL``, ``_CERT``, ``_KEY``, ``_CA`` (optional) and ``_CONTEXTS``
    (JSON: ``{"<kommune code or *>": {"service_agreement", "user_system", "user"}}``);
    None when the URL is not set."""
    env = dict(os.environ) if env is None else env
    url = env.get("TREKANT_SF1520_URL", "").strip()
    if not url:
        return None
    raw = json.loads(env.get("TREKANT_SF1520_CONTEXTS", "{}") or "{}")
    contexts = {
        code: InvocationContext(
            service_agreement=str(c["service_agreement"]),
            user_system=str(c["user_system"]),
            user=str(c["user"]),
            service=str(c.get("service", SERVICE_UUID)),
            accounting_info=c.get("accounting_info"),
        )
        for code, c in raw.items()
    }
    ca = env.get("TREKANT_SF1520_CA", "").strip()
    return Sf1520Config(
        url=url,
        cert_file=Path(env.get("TREKANT_SF1520_CERT", "")),
        key_file=Path(env.get("TREKANT_SF1520_KEY", "")),
        ca_file=Path(ca) if ca else None,
        timeout=float(env.get("TREKANT_CPR_TIMEOUT", timeout_seconds())),
        contexts=contexts,
    )


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def lookup_request(cpr: str, ctx: InvocationContext | None, cvr: str | None = None) -> Any:
    """The ``PersonLookupRequest`` element (PersonBaseDataExtendedServiceMsg.xsd): the
    optional ``AuthorityContext`` (the kommune's CVR) before the ``InvocationContext``, then
    the ``PNR``. With a token (``ctx`` None) only the PNR: the token carries who asks, as
    version 5's clients send it."""
    req = etree.Element(
        q(SERVICE_NS, "PersonLookupRequest"),
        nsmap={"ns": SERVICE_NS, "invctx": INVCTX_NS, "pnr": PNR_NS},
    )
    if ctx is None:
        etree.SubElement(req, q(PNR_NS, "PNR")).text = cpr
        return req
    if cvr:
        auth = etree.SubElement(req, q(AUTH_NS, "AuthorityContext"), nsmap={"auth": AUTH_NS})
        etree.SubElement(auth, q(AUTH_NS, "MunicipalityCVR")).text = cvr
    inv = etree.SubElement(req, q(INVCTX_NS, "InvocationContext"))
    for tag, value in (
        ("ServiceAgreementUUID", ctx.service_agreement),
        ("UserSystemUUID", ctx.user_system),
        ("UserUUID", ctx.user),
        ("ServiceUUID", ctx.service),
        ("AccountingInfo", ctx.accounting_info),
    ):
        if value:
            etree.SubElement(inv, q(INVCTX_NS, tag)).text = value
    etree.SubElement(req, q(PNR_NS, "PNR")).text = cpr
    return req


def envelope(cpr: str, ctx: InvocationContext, cvr: str | None = None) -> bytes:
    """The version 4 ``PersonLookupRequest`` envelope (mutual TLS, no SOAP header)."""
    env = etree.Element(q(SOAP_NS, "Envelope"), nsmap={"soapenv": SOAP_NS})
    etree.SubElement(env, q(SOAP_NS, "Header"))
    etree.SubElement(env, q(SOAP_NS, "Body")).append(lookup_request(cpr, ctx, cvr))
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def _t(el: Any, path: str) -> str:
    found = el.find(path, {"s": SERVICE_NS}) if el is not None else None
    return (found.text or "").strip() if found is not None else ""


@dataclass
class Answer:
    """One ``PersonLookupResponse``, read: the person and the relations' CPR numbers."""

    person: CprPerson
    mother: str = ""
    father: str = ""
    custody: list[str] = field(default_factory=list)


def _address(addr: Any) -> str:
    """``aktuelAdresse`` as one line: "c/o …, Vejnavn 12, 3. th, 8000 Aarhus C"."""
    if addr is None:
        return ""
    street = _t(addr, "s:standardadresse")
    if not street:
        number = _t(addr, "s:husnummer").lstrip("0")
        floor = ". ".join(p for p in (_t(addr, "s:etage").lstrip("0"), _t(addr, "s:sidedoer")) if p)
        street = ", ".join(
            p for p in (" ".join(p for p in (_t(addr, "s:vejnavn"), number) if p), floor) if p
        )
    town = " ".join(p for p in (_t(addr, "s:postnummer"), _t(addr, "s:postdistrikt")) if p)
    co = _t(addr, "s:conavn")
    return ", ".join(p for p in (f"c/o {co}" if co else "", street, town) if p)


def parse_answer(cpr: str, xml: bytes) -> Answer | None:
    """The person in a ``PersonLookupResponse``; None when it holds no ``persondata`` (the
    number is unknown). A ServiceplatformFault is a :class:`CprServiceError`."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise CprServiceError("fault", "CPR-tjenesten (SF1520) svarede ikke med XML") from exc
    body = root.find(q(SOAP_NS, "Body"))
    if body is None:
        raise CprServiceError("fault", "CPR-tjenesten (SF1520) svarede uden SOAP-krop")
    fault = body.find(q(SOAP_NS, "Fault"))
    if fault is not None:
        codes = [e.text or "" for e in fault.iter(q(FAULT_NS, "ErrorCode"))]
        texts = [e.text or "" for e in fault.iter(q(FAULT_NS, "ErrorText"))]
        reason = "; ".join(f"{c} {t}".strip() for c, t in zip(codes, texts, strict=False))
        reason = reason or (fault.findtext("faultstring") or "").strip()
        raise CprServiceError(
            "fault",
            f"CPR-tjenesten (SF1520) afviste opslaget: {reason}",
            tuple(c.strip() for c in codes if c.strip()),
        )
    resp = body.find(q(SERVICE_NS, "PersonLookupResponse"))
    if resp is None:
        raise CprServiceError("fault", "CPR-tjenesten (SF1520) svarede ikke på opslaget")
    data = resp.find(q(SERVICE_NS, "persondata"))
    if data is None:
        return None
    navn = data.find(q(SERVICE_NS, "navn"))
    name = " ".join(
        p for p in (_t(navn, "s:fornavn"), _t(navn, "s:mellemnavn"), _t(navn, "s:efternavn")) if p
    ) or _t(navn, "s:personadresseringsnavn")
    protected = _t(data, "s:adressebeskyttelse/s:beskyttet") == "true"
    enrolled = _t(data, "s:tilmeldtDigitalpost")
    addr = resp.find(f"{q(SERVICE_NS, 'adresse')}/{q(SERVICE_NS, 'aktuelAdresse')}")
    person = CprPerson(
        cpr=cpr,
        name=name,
        # Address protection: the address never leaves this function.
        address="" if protected else _address(addr),
        digital_post_exempt=enrolled == "false",
        address_protected=protected,
    )
    rel = resp.find(q(SERVICE_NS, "relationer"))
    answer = Answer(person)
    if rel is not None:
        answer.mother = _t(rel, "s:mor/s:personnummer")
        answer.father = _t(rel, "s:far/s:personnummer")
        for fm in rel.findall(q(SERVICE_NS, "foraeldremyndighed")):
            if _t(fm, "s:foraeldremyndighedSletdato"):
                continue  # ended
            kind = _t(fm, "s:foraeldremyndighedtype")
            holder = _t(fm, "s:relationPersonnummer")
            if kind == "3" and not holder:
                holder = answer.mother
            elif kind == "4" and not holder:
                holder = answer.father
            if kind in CUSTODY_TYPES and holder and holder not in answer.custody:
                answer.custody.append(holder)
    return answer


def _tls_refusal(exc: BaseException) -> bool:
    """Whether an HTTP error is TLS refusing a certificate (ours, by the service: with TLS
    1.3 that shows only at the first read, as an alert, which anyio's TLS stream reports
    as a broken stream without its cause; or the service's, by us)."""
    import anyio

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError | anyio.BrokenResourceError):
            return True
        text = str(seen).lower()
        if "alert" in text or "certificate" in text or "ssl" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Sf1520Client:
    """A :class:`~backend.network.cpr_source.CprSource` over SF1520. One TLS context per
    client (the certificate is read once; a renewed one needs a restart); one HTTP
    connection per lookup, closed after it (a lookup's own event loop owns it)."""

    def __init__(self, config: Sf1520Config | None) -> None:
        self.config = config
        self._ssl: ssl.SSLContext | None = None
        self._expires: datetime | None = None
        self.last_error: str | None = None
        self.problem = self.check()
        if self.problem:
            log.error("CPR (SF1520): %s", self.problem)

    # -- the certificate -------------------------------------------------------------

    def check(self) -> str | None:
        """What stops a lookup now (Danish, for the operator), or None. Reads the client
        certificate and key once; its expiry is checked again before every call."""
        c = self.config
        if c is None:
            return "CPR-tjenesten (SF1520) er ikke sat op: TREKANT_SF1520_URL mangler"
        if self._ssl is None:
            from cryptography import x509

            try:
                ctx = ssl.create_default_context(cafile=str(c.ca_file) if c.ca_file else None)
                ctx.minimum_version = ssl.TLSVersion.TLSv1_2
                if c.auth == "token":
                    # The certificate signs the STS request and the message; TLS only
                    # authenticates the service.
                    if c.cert_pem is None or c.key_pem is None:
                        raise ValueError("token without certificate")
                    cert = x509.load_pem_x509_certificate(c.cert_pem.encode())
                elif c.cert_pem is not None and c.key_pem is not None:
                    cert = x509.load_pem_x509_certificate(c.cert_pem.encode())
                    _load_chain_from_memory(ctx, c.cert_pem, c.key_pem)
                else:
                    cert = x509.load_pem_x509_certificate(c.cert_file.read_bytes())
                    ctx.load_cert_chain(str(c.cert_file), str(c.key_file))
            except (OSError, ValueError, ssl.SSLError) as exc:
                return (
                    "CPR-tjenestens klientcertifikat (systemcertifikatet) kan ikke "
                    f"læses: {type(exc).__name__}"
                )
            self._ssl = ctx
            self._expires = cert.not_valid_after_utc
            CERT_EXPIRY.set(self._expires.timestamp())
        assert self._expires is not None
        if self._expires <= datetime.now(UTC):
            return (
                "CPR-tjenestens klientcertifikat udløb "
                f"{self._expires.strftime('%d.%m.%Y %H:%M')} UTC: forny FOCES-certifikatet"
            )
        return None

    def status(self) -> dict[str, Any]:
        """For the operator: configured, the certificate's expiry, what is wrong now."""
        problem = self.check()
        return {
            "configured": self.config is not None,
            "url": self.config.url if self.config else None,
            "certificate_expires": self._expires.isoformat() if self._expires else None,
            "problem": problem,
            "last_error": self.last_error,
        }

    def _fail(self, outcome: str, operator: str) -> CprServiceError:
        LOOKUPS.labels(outcome).inc()
        self.last_error = operator
        log.error("CPR (SF1520): %s", operator)
        return CprServiceError(outcome, operator)

    # -- one call ----------------------------------------------------------------------

    def _kommune(self) -> str | None:
        from tenancy.context import current_scope_or_none

        scope = current_scope_or_none()
        return scope.code if scope else None

    async def _token(self) -> Token:
        """The kommune's token for SF1520 from the STS (cached by ``sts.token`` until a minute
        before it expires); the STS's refusal is a :class:`CprServiceError`."""
        c = self.config
        assert c is not None and c.cert_pem is not None and c.key_pem is not None
        if not (c.kommune and c.cvr and c.sts_url):
            raise self._fail(
                "not_configured",
                "CPR-tjenesten (SF1520) med token mangler kommunens CVR-nummer eller STS'ens "
                "adresse (TREKANT_STS_ENDPOINT)",
            )
        try:
            return await sts.token(c.kommune, "sf1520", c.cert_pem, c.key_pem, c.cvr, c.sts_url)
        except sts.StsError as exc:
            outcome = {"svarer_ikke": "unreachable", "certifikat": "certificate"}
            raise self._fail(outcome.get(exc.reason, "sts"), exc.message) from exc

    def _payload(self, cpr: str, token: Token | None) -> bytes:
        c = self.config
        assert c is not None
        if token is not None:
            assert c.cert_pem is not None and c.key_pem is not None
            try:
                return sts.secure_envelope(
                    lookup_request(cpr, None),
                    action=SOAP_ACTION,
                    to=c.url,
                    call_id=uuid.uuid4(),
                    token=token,
                    cert_pem=c.cert_pem,
                    key_pem=c.key_pem,
                )
            except sts.StsError as exc:
                raise self._fail("certificate", exc.message) from exc
        ctx = c.context_for(self._kommune())
        if ctx is None:
            raise self._fail(
                "not_configured",
                "Kommunen har ingen serviceaftale med CPR-tjenesten (SF1520) i Trekant",
            )
        return envelope(cpr, ctx, c.cvr)

    async def _call(
        self, http: httpx.AsyncClient, cpr: str, token: Token | None = None
    ) -> Answer | None:
        assert self.config is not None
        content = self._payload(cpr, token)
        try:
            async with http.stream(
                "POST",
                self.config.url,
                content=content,
                headers={
                    "Content-Type": "text/xml; charset=utf-8",
                    "SOAPAction": f'"{SOAP_ACTION}"',
                },
            ) as r:
                body = b""
                async for chunk in r.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_ANSWER:
                        raise self._fail("fault", "CPR-tjenesten (SF1520) svarede for meget")
                status = r.status_code
        except httpx.TimeoutException as exc:
            raise self._fail("timeout", "CPR-tjenesten (SF1520) svarede ikke i tide") from exc
        except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
            # With TLS 1.3 the service's refusal of our certificate arrives at the first read,
            # sometimes as httpx's error and sometimes as the bare ssl.SSLError beneath it.
            if _tls_refusal(exc):
                raise self._fail(
                    "tls",
                    "CPR-tjenesten (SF1520) afviste TLS-forbindelsen (klientcertifikatet "
                    "eller tjenestens certifikat blev ikke godkendt)",
                ) from exc
            if isinstance(exc, httpx.ConnectError):
                raise self._fail("unreachable", "CPR-tjenesten (SF1520) kan ikke nås") from exc
            raise self._fail(
                "unreachable", f"CPR-tjenesten (SF1520) fejlede: {type(exc).__name__}"
            ) from exc
        if status != 200 and b"Fault" not in body:
            raise self._fail("fault", f"CPR-tjenesten (SF1520) svarede HTTP {status}")
        try:
            return parse_answer(cpr, body)
        except CprServiceError as exc:
            if token is not None and not any(c.upper().startswith("CPR-") for c in exc.codes):
                # Refused by the platform, not by CPR: the token is not offered again.
                sts.forget(self.config.kommune or "", "sf1520")
            failed = self._fail(exc.outcome, exc.operator)
            failed.codes = exc.codes
            raise failed from exc

    async def probe(self) -> str:
        """The connection test: one ``PersonLookup`` for ``PROBE_PNR`` (no person has day
        00, so nothing is read): the TLS handshake with the client certificate, the service
        agreement and the service itself. The answer "no such person", or a fault from CPR
        about the number (an ErrorCode not ``SP-``), means the connection works; a fault
        from Serviceplatformen (``SP-…``, e.g. no service agreement) or any transport
        failure is :class:`CprServiceError`."""
        try:
            answer = (await self._session([PROBE_PNR], with_relations=False, count=False))[0]
        except CprServiceError as exc:
            if (
                exc.outcome == "fault"
                and exc.codes
                and not any(c.upper().startswith("SP-") for c in exc.codes)
            ):
                return "CPR-tjenesten svarede: testnummeret blev afvist som forventet"
            raise
        if answer is not None:  # pragma: no cover - no person has day 00
            return "CPR-tjenesten svarede"
        return "CPR-tjenesten svarede: ingen person med testnummeret, som forventet"

    async def _session(
        self, cprs: list[str], with_relations: bool, count: bool = True
    ) -> list[Answer | None]:
        problem = self.check()
        if problem:
            raise self._fail("not_configured" if self.config is None else "certificate", problem)
        assert self.config is not None and self._ssl is not None
        timeout = self.config.timeout
        use_token = self.config.auth == "token"
        started = time.monotonic()

        async def run() -> list[Answer | None]:
            async with httpx.AsyncClient(
                verify=self._ssl,  # type: ignore[arg-type]
                timeout=httpx.Timeout(timeout),
                limits=httpx.Limits(max_connections=4),
                follow_redirects=False,
            ) as http:
                # One token for the child and the parents (inside the lookup's time limit).
                token = await self._token() if use_token else None
                first = await self._call(http, cprs[0], token)
                if not with_relations or first is None:
                    return [first]
                others = [first.mother, first.father, *first.custody]
                holders = list(dict.fromkeys(c for c in others if c and c != cprs[0]))
                rest = await asyncio.gather(*(self._call(http, c, token) for c in holders))
                return [first, *rest]

        try:
            answers = await asyncio.wait_for(run(), timeout)
        except TimeoutError as exc:
            raise self._fail("timeout", "CPR-tjenesten (SF1520) svarede ikke i tide") from exc
        if count:
            LOOKUPS.labels("ok" if answers[0] is not None else "unknown").inc()
        self.last_error = None
        log.debug(
            "CPR (SF1520): %d opslag på %.0f ms", len(answers), (time.monotonic() - started) * 1000
        )
        return answers

    # -- CprSource ---------------------------------------------------------------------

    async def relations(self, cpr: str) -> CprRelations | None:
        answers = await self._session([cpr], with_relations=True)
        first = answers[0]
        if first is None:
            return None
        parents = [a.person for a in answers[1:] if a is not None]
        return CprRelations(child=first.person, parents=parents, custody=list(first.custody))

    async def person(self, cpr: str) -> CprPerson | None:
        answer = (await self._session([cpr], with_relations=False))[0]
        return answer.person if answer else None

    async def digital_post_exempt(self, cpr: str) -> bool:
        found = await self.person(cpr)
        return bool(found and found.digital_post_exempt)


def _load_chain_from_memory(ctx: ssl.SSLContext, cert_pem: str, key_pem: bytes) -> None:
    """``load_cert_chain`` reads files only: the certificate and the unsealed key are
    written to a private (0600) temporary file for the call and removed at once."""
    with tempfile.TemporaryDirectory(prefix="trekant-sf1520-") as tmp:
        path = Path(tmp) / "client.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(cert_pem.encode() + b"\n" + key_pem)
        ctx.load_cert_chain(str(path))


def _ca_file() -> Path | None:
    """The CA the service's certificate is checked against: ``TREKANT_SF1520_CA`` (the
    development CA of ``infra/sf1520``), else the system's trust store."""
    ca = os.environ.get("TREKANT_SF1520_CA", "").strip()
    return Path(ca) if ca else None


_env_clients: dict[str, Sf1520Client] = {}
_row_clients: dict[tuple[Any, ...], Sf1520Client] = {}


def env_client() -> Sf1520Client | None:
    """The client configured from the environment (``TREKANT_SF1520_*``), or None: the
    tests' fallback for a kommune made inside a test without an ``sf1520`` row; honoured
    only in development and test (``trekant dev`` configures rows instead)."""
    config = config_from_env()
    if config is None:
        return None
    key = repr(config)
    client = _env_clients.get(key)
    if client is None:
        _env_clients.clear()
        client = _env_clients[key] = Sf1520Client(config)
    return client


def _not_configured(message: str) -> CprServiceError:
    LOOKUPS.labels("not_configured").inc()
    log.error("CPR (SF1520): %s", message)
    return CprServiceError("not_configured", message)


class KommuneSf1520:
    """The process's CPR source (:func:`~backend.network.cpr_source.default_source`): each
    lookup goes through the SF1520 client of the kommune whose transaction it runs in,
    configured by the operator in ``shared.national_service`` (kind ``sf1520``: endpoint,
    service agreement, user system, CVR, system certificate and its sealed key). The row is
    read before every lookup (as the application role), so a change on the console holds
    at once; the client (its TLS context) is kept while the row is unchanged. The endpoint
    is checked again before every call, and each outcome goes to the service's health
    (last call, last error) shown on the operator console."""

    async def client_for(self, code: str | None) -> tuple[Sf1520Client, bool]:
        """The kommune's client and whether it comes from the operator's configuration
        (False: the development/test fallback from the environment)."""
        from backend.config import get_settings
        from backend.integrations import repository as repo
        from backend.integrations.settings import (
            ServiceKind,
            ServiceSettingError,
            check_endpoint,
            unseal_key,
        )
        from backend.sealing import Unsealable

        env = get_settings().env
        use = await repo.get_service_use(code, ServiceKind.SF1520) if code else None
        if use is None:
            fallback = env_client() if env in ("development", "test") else None
            if fallback is None:
                raise _not_configured(
                    "Kommunen har ingen serviceaftale med CPR-tjenesten (SF1520) i Trekant; "
                    "driften sætter den op under Nationale tjenester"
                )
            return fallback, False
        assert code is not None
        if not use.enabled:
            raise await self._refused(code, "CPR-tjenesten (SF1520) er slået fra af driften")
        if use.cert_pem is None or use.sealed_key is None or use.cert_not_after is None:
            raise await self._refused(code, "CPR-tjenesten (SF1520) mangler systemcertifikat")
        if use.cert_not_after <= datetime.now(UTC):
            CERT_EXPIRY.set(use.cert_not_after.timestamp())
            message = (
                "CPR-tjenestens klientcertifikat udløb "
                f"{use.cert_not_after.strftime('%d.%m.%Y %H:%M')} UTC: driften skal indsætte "
                "et nyt systemcertifikat (FOCES)"
            )
            await repo.record_call(code, "sf1520", message)
            LOOKUPS.labels("certificate").inc()
            log.error("CPR (SF1520): %s", message)
            raise CprServiceError("certificate", message)
        try:
            url = await check_endpoint(use.endpoint, env)
        except ServiceSettingError as exc:
            raise await self._refused(code, f"CPR-tjenesten (SF1520): {exc.message}") from exc
        sts_url: str | None = None
        if use.auth == "token":
            raw_sts = sts.sts_endpoint()
            if raw_sts is None:
                raise await self._refused(
                    code,
                    "CPR-tjenesten (SF1520): STS'ens adresse er ikke sat op (TREKANT_STS_ENDPOINT)",
                )
            try:
                sts_url = await check_endpoint(raw_sts, env)
            except ServiceSettingError as exc:
                raise await self._refused(
                    code, f"CPR-tjenesten (SF1520): STS'ens adresse: {exc.message}"
                ) from exc
        key = (
            code,
            url,
            use.service_agreement_uuid,
            use.user_system_uuid,
            use.cvr,
            use.cert_pem,
            bytes(use.sealed_key),
            timeout_seconds(),
            _ca_file(),
            use.auth,
            sts_url,
        )
        client = _row_clients.get(key)
        if client is None:
            try:
                key_pem = unseal_key(code, ServiceKind.SF1520, use.cert_pem, use.sealed_key)
            except Unsealable as exc:
                raise await self._refused(
                    code,
                    "CPR-tjenestens private nøgle kan ikke læses; driften skal indsætte den igen",
                ) from exc
            # The Serviceplatform's UserUUID: the user system, as for the other services.
            context = InvocationContext(
                service_agreement=str(use.service_agreement_uuid),
                user_system=str(use.user_system_uuid),
                user=str(use.user_system_uuid),
            )
            config = Sf1520Config(
                url=url,
                ca_file=_ca_file(),
                timeout=timeout_seconds(),
                contexts={"*": context},
                cert_pem=use.cert_pem,
                key_pem=key_pem,
                cvr=use.cvr,
                auth=use.auth,
                kommune=code,
                sts_url=sts_url,
            )
            for old in [k for k in _row_clients if k[0] == code]:
                del _row_clients[old]
            client = _row_clients[key] = Sf1520Client(config)
        return client, True

    async def _refused(self, code: str, message: str) -> CprServiceError:
        from backend.integrations import repository as repo

        await repo.record_call(code, "sf1520", message)
        return _not_configured(message)

    def _kommune(self) -> str | None:
        from tenancy.context import current_scope_or_none

        scope = current_scope_or_none()
        return scope.code if scope else None

    async def _run(self, code: str | None, what: Any) -> Any:
        from backend.integrations import repository as repo

        client, recorded = await self.client_for(code)
        try:
            result = await what(client)
        except CprServiceError as exc:
            if recorded and code:
                await repo.record_call(code, "sf1520", exc.operator)
            raise
        if recorded and code:
            await repo.record_call(code, "sf1520", None)
        return result

    async def relations(self, cpr: str) -> CprRelations | None:
        result: CprRelations | None = await self._run(self._kommune(), lambda c: c.relations(cpr))
        return result

    async def person(self, cpr: str) -> CprPerson | None:
        result: CprPerson | None = await self._run(self._kommune(), lambda c: c.person(cpr))
        return result

    async def digital_post_exempt(self, cpr: str) -> bool:
        found = await self.person(cpr)
        return bool(found and found.digital_post_exempt)

    async def probe(self, code: str) -> str:
        """The operator's "Test forbindelsen" for kommune ``code`` (see
        :meth:`Sf1520Client.probe`); recorded in the service's health like a lookup."""
        result: str = await self._run(code, lambda c: c.probe())
        return result


_source = KommuneSf1520()


def shared_client() -> KommuneSf1520:
    """The process's CPR source: per kommune, the operator's SF1520 configuration."""
    return _source


async def _probe(code: str) -> tuple[bool, str]:
    try:
        return True, await _source.probe(code)
    except CprServiceError as exc:
        return False, exc.operator


def register() -> None:
    """Make "Test forbindelsen" for SF1520 (``backend.integrations.probe``) use this client."""
    from backend.integrations.probe import register_probe
    from backend.integrations.settings import ServiceKind

    register_probe(ServiceKind.SF1520, _probe)
