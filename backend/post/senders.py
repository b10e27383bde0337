"""The channels behind interfaces: Digital Post (SF1601 over HTTPS), e-mail (SMTP).
Print is not sent from here: it is queued in the day's print batch (``service``).

Configuration (environment):

- ``TREKANT_DIGITAL_POST_URL``: the KombiPostAfsend base URL (production
  ``https://prod.serviceplatformen.dk``; development the dev server ``trekant dev`` starts).
- ``TREKANT_DIGITAL_POST_CERT``: a PEM file with the kommune's OCES system certificate and
  key for mutual TLS (required in production); unset in development.
- ``TREKANT_DIGITAL_POST_TOKEN``: the Authorization header value from KOMBIT's security
  token service, passed through as it is (required in production; fetching it is not
  built, see docs/architecture.md "Post").

In production the worker refuses to start without these (:func:`require_config`), as it
does without ``TREKANT_DATA_KEY``: Digital Post is never sent without mutual TLS and a token.
- ``TREKANT_CVR_<code>``: the kommune's CVR number, the MeMo sender (development: derived).
- ``TREKANT_SMTP_HOST`` / ``TREKANT_SMTP_PORT`` / ``TREKANT_SMTP_FROM``: outgoing mail.
"""

from __future__ import annotations

import asyncio
import os
import smtplib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from typing import Protocol

import httpx

from backend.config import ConfigError, Settings
from backend.core.tls import client_context
from backend.post import kvittering, memo

TIMEOUT = 15.0


class SendFailed(Exception):
    """A delivery attempt failed. ``str(exc)`` is Danish, for the caseworker;
    ``permanent`` when trying again cannot help (the message was refused as invalid)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    message_uuid: uuid.UUID
    delivery_id: uuid.UUID
    kommune_code: str
    kommune_name: str
    case_ref: str
    title: str
    filename: str
    pdf: bytes
    recipient_name: str
    recipient_cpr: str | None = None
    recipient_email: str | None = None


def kommune_cvr(code: str) -> str:
    """``TREKANT_CVR_<code>``; development and tests: a fixed 8-digit number per kommune."""
    return os.environ.get(f"TREKANT_CVR_{code}") or f"2918{int(code):04d}"


def require_config(settings: Settings) -> None:
    """In production, the settings SF1601 needs toward KOMBIT's real service: an https
    ``TREKANT_DIGITAL_POST_URL``, ``TREKANT_DIGITAL_POST_CERT`` naming a readable PEM file
    with a certificate and its private key, and ``TREKANT_DIGITAL_POST_TOKEN``;
    :class:`ConfigError` saying which is wrong. Development and tests need none of them
    (the development Digital Post server runs without TLS)."""
    if settings.is_development:
        return
    url = os.environ.get("TREKANT_DIGITAL_POST_URL", "")
    if not url.startswith("https://"):
        raise ConfigError(
            "TREKANT_DIGITAL_POST_URL must be set in production to KOMBIT's SF1601 base URL "
            "over https (https://prod.serviceplatformen.dk)"
        )
    cert = os.environ.get("TREKANT_DIGITAL_POST_CERT", "")
    if not cert:
        raise ConfigError(
            "TREKANT_DIGITAL_POST_CERT must be set in production: the path of a PEM file with "
            "the kommune's OCES system certificate and its private key (mutual TLS toward "
            "Serviceplatformen)"
        )
    try:
        pem = Path(cert).read_text(errors="replace")
    except OSError as exc:
        raise ConfigError(
            f"TREKANT_DIGITAL_POST_CERT: cannot read {cert} ({exc.strerror})"
        ) from exc
    if "-----BEGIN CERTIFICATE-----" not in pem or "PRIVATE KEY-----" not in pem:
        raise ConfigError(
            f"TREKANT_DIGITAL_POST_CERT: {cert} must hold both the certificate and its "
            "private key in PEM format (openssl pkcs12 -in cert.p12 -nodes -out cert.pem)"
        )
    if not os.environ.get("TREKANT_DIGITAL_POST_TOKEN", "").strip():
        raise ConfigError(
            "TREKANT_DIGITAL_POST_TOKEN must be set in production: the Authorization value "
            '("Holder-of-key …") from KOMBIT\'s token service, passed through as it is'
        )


class DigitalPostSender(Protocol):
    async def send(self, letter: Outgoing) -> str | None:
        """Deliver ``letter`` to the citizen's Digital Post; ``SendFailed`` when it did not
        arrive. Sending the same ``message_uuid`` again must not deliver it twice. Returns
        Digital Post's receipt in words (Danish), or None when it gave none."""
        ...


class EmailSender(Protocol):
    async def send(self, letter: Outgoing) -> str | None:
        """Hand ``letter`` to the mail server; ``SendFailed`` when it was not taken."""
        ...


def build_memo(letter: Outgoing) -> memo.Memo:
    if not letter.recipient_cpr:
        raise SendFailed("Modtageren har intet CPR-nummer", permanent=True)
    cvr = kommune_cvr(letter.kommune_code)
    return memo.Memo(
        message_uuid=letter.message_uuid,
        label=letter.title[:200],
        sender=memo.Party(cvr, "CVR", letter.kommune_name),
        recipient=memo.Party(letter.recipient_cpr, "CPR", letter.recipient_name),
        files=[memo.File(letter.filename, letter.pdf)],
        created=datetime.now(UTC),
        case_id=letter.case_ref,
        replies=[
            memo.Reply(
                message_uuid=letter.message_uuid,
                sender_id=cvr,
                recipient_id=letter.recipient_cpr,
                case_id=letter.case_ref,
            )
        ],
    )


class Sf1601Sender:
    """KOMBIT's SF1601 KombiPostAfsend: POST ``/service/KombiPostAfsend_1/kombi`` with the
    MeMo message, headers ``X-TransaktionsId`` (a fresh UUID per call) and
    ``X-TransaktionsTid``. The answer's receipt (``kvittering.parse``, a TransportKvittering)
    is read: 2xx with OK or ADVARSEL (or no receipt): delivered, the receipt's words kept on
    the delivery (a repeated messageUUID is answered as already received); FEJL, 400 or
    422: refused for good, with the receipt's errors; anything else: try again later."""

    PATH = "/service/KombiPostAfsend_1/kombi"

    def __init__(self, base_url: str, cert: str | None = None, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cert = cert
        self.token = token

    @classmethod
    def from_env(cls) -> Sf1601Sender:
        return cls(
            os.environ.get("TREKANT_DIGITAL_POST_URL", ""),
            os.environ.get("TREKANT_DIGITAL_POST_CERT") or None,
            os.environ.get("TREKANT_DIGITAL_POST_TOKEN") or None,
        )

    def headers(self) -> dict[str, str]:
        h = {
            "Content-Type": "application/xml; charset=utf-8",
            "Accept": "application/xml",
            "X-TransaktionsId": str(uuid.uuid4()),
            "X-TransaktionsTid": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if self.token:
            h["Authorization"] = self.token
        return h

    async def send(self, letter: Outgoing) -> str | None:
        if not self.base_url:
            raise SendFailed("Digital Post er ikke sat op (TREKANT_DIGITAL_POST_URL mangler)")
        body = memo.kombi_request(build_memo(letter))
        try:
            async with httpx.AsyncClient(
                timeout=TIMEOUT, verify=client_context(self.cert), follow_redirects=False
            ) as client:
                r = await client.post(
                    self.base_url + self.PATH, content=body, headers=self.headers()
                )
        except httpx.HTTPError as exc:
            raise SendFailed("Digital Post svarede ikke") from exc
        receipt = kvittering.parse(r.content)
        if receipt is not None and receipt.code == "FEJL" and r.status_code < 500:
            raise SendFailed(receipt.text()[:1000], permanent=True)
        if 200 <= r.status_code < 300:
            return receipt.text() if receipt is not None else None
        if r.status_code in (400, 422):
            raise SendFailed(f"Digital Post afviste brevet: {r.text[:300]}", permanent=True)
        raise SendFailed(f"Digital Post svarede med fejl {r.status_code}")


def message_id(delivery_id: uuid.UUID, sender: str) -> str:
    """The e-mail's Message-ID: the same for every attempt of one delivery, in the sending
    address's domain (RFC 5322 ``<id-left@id-right>``)."""
    domain = sender.rpartition("@")[2] or "trekant.invalid"
    return f"<delivery-{delivery_id}@{domain}>"


class SmtpSender:
    """E-mail with the letter as a PDF attachment over SMTP (stdlib ``smtplib`` in a
    thread). The Message-ID is fixed by the delivery's id (:func:`message_id`), so a
    receiving system can tell a repeat (a "Send igen") from a new letter."""

    def __init__(self, host: str, port: int, sender: str, starttls: bool = False) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.starttls = starttls

    @classmethod
    def from_env(cls) -> SmtpSender:
        return cls(
            os.environ.get("TREKANT_SMTP_HOST", ""),
            int(os.environ.get("TREKANT_SMTP_PORT", "25")),
            os.environ.get("TREKANT_SMTP_FROM", "post@trekant.invalid"),
            os.environ.get("TREKANT_SMTP_STARTTLS", "") == "1",
        )

    def message(self, letter: Outgoing) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr((letter.kommune_name, self.sender))
        msg["To"] = formataddr((letter.recipient_name, letter.recipient_email or ""))
        msg["Subject"] = letter.title
        msg["Message-ID"] = message_id(letter.delivery_id, self.sender)
        msg.set_content(
            f"Kære {letter.recipient_name}\n\n"
            f"Vedhæftet er brevet «{letter.title}» fra {letter.kommune_name}.\n\n"
            "Med venlig hilsen\n"
            f"{letter.kommune_name}\n"
        )
        msg.add_attachment(
            letter.pdf, maintype="application", subtype="pdf", filename=letter.filename
        )
        return msg

    def _send(self, msg: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT) as smtp:
            if self.starttls:
                smtp.starttls()
            smtp.send_message(msg)

    async def send(self, letter: Outgoing) -> str | None:
        if not self.host:
            raise SendFailed("E-mail er ikke sat op (TREKANT_SMTP_HOST mangler)")
        if not letter.recipient_email:
            raise SendFailed("Modtageren har ingen e-mailadresse", permanent=True)
        try:
            await asyncio.to_thread(self._send, self.message(letter))
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendFailed("Mailserveren afviste modtagerens adresse", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed("Mailserveren svarede ikke") from exc
        return None


def digital_post() -> DigitalPostSender:
    return Sf1601Sender.from_env()


def email() -> EmailSender:
    return SmtpSender.from_env()
