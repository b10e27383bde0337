"""The adapter to Danmarks Statistik's receiving service: one HTTPS POST of a delivery.

Configuration (environment): ``TREKANT_DST_URL`` the receiver's base URL (the development
receiver, ``infra/dst``, in development and tests; production needs https),
``TREKANT_DST_CERT`` a PEM file with the kommune's OCES system certificate and key for
mutual TLS, ``TREKANT_DST_TOKEN`` sent as ``Authorization`` as it is.

The request is ``POST {url}/indberetning`` with the delivery's XML and ``X-Leverance-Id``
(the delivery's id, also in the XML): the receiver keeps one delivery per id and answers a
repeat with the first receipt, so a retry after a time-out or a second run of the job
never makes a second delivery at DST. The answer is a ``Kvittering`` (``parse_receipt``):
received, with the records DST rejected and why.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field

import httpx
from defusedxml import ElementTree

from backend.core.tls import client_context
from backend.statistics.records import NS

TIMEOUT = httpx.Timeout(60.0, connect=10.0)
PATH = "/indberetning"


class SendFailed(Exception):
    """The delivery did not reach DST (or DST could not answer); try again later."""


@dataclass
class Receipt:
    status: str  # modtaget, afvist_delvist, afvist
    text: str  # the receipt as DST sent it
    rejections: dict[str, str] = field(default_factory=dict)  # record key -> reason
    repeated: bool = False
    error: str = ""  # why the whole delivery was rejected (not the schema, …)


def parse_receipt(body: bytes) -> Receipt | None:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    if root.tag != f"{{{NS}}}Kvittering":
        return None
    rejections = {
        el.get("noegle", ""): (el.text or "").strip() for el in root.iter(f"{{{NS}}}Afvist")
    }
    status = root.get("status", "")
    if status not in ("modtaget", "afvist_delvist", "afvist"):
        return None
    error = " ".join((el.text or "").strip() for el in root.iter(f"{{{NS}}}Fejl"))
    return Receipt(
        status,
        body.decode("utf-8", "replace"),
        rejections,
        root.get("gentaget") == "true",
        error,
    )


def configured_url() -> str:
    return os.environ.get("TREKANT_DST_URL", "").rstrip("/")


async def send(delivery_id: uuid.UUID, payload: bytes) -> Receipt:
    """Post one delivery; a receipt (even a rejection) or :class:`SendFailed`."""
    url = configured_url()
    if not url:
        raise SendFailed("Forbindelsen til Danmarks Statistik er ikke sat op (TREKANT_DST_URL)")
    headers = {
        "Content-Type": "application/xml; charset=utf-8",
        "Accept": "application/xml",
        "X-Leverance-Id": str(delivery_id),
    }
    if token := os.environ.get("TREKANT_DST_TOKEN"):
        headers["Authorization"] = token
    try:
        async with httpx.AsyncClient(
            timeout=TIMEOUT, verify=client_context(os.environ.get("TREKANT_DST_CERT") or None)
        ) as client:
            r = await client.post(url + PATH, content=payload, headers=headers)
    except httpx.HTTPError as exc:
        raise SendFailed("Danmarks Statistik svarede ikke") from exc
    receipt = parse_receipt(r.content)
    if receipt is None or r.status_code >= 500:
        raise SendFailed(f"Danmarks Statistik svarede med fejl {r.status_code}")
    return receipt
