"""The channel to Ankestyrelsen: one structured JSON message per report, POSTed to
``TREKANT_ANKESTYRELSEN_URL`` + ``/indberetninger`` (the development receiver under
``infra/ankestyrelsen``; Ankestyrelsen itself publishes no machine interface, see
docs/reporting.md). The message carries its own ``indberetning_id``, so a repeat (a retry
after a lost answer) is recognised by the receiver and answered with the same receipt."""

from __future__ import annotations

import os
from typing import Any

import httpx

from backend.core.errors import StateConflict, Unavailable
from backend.core.tls import client_context

TIMEOUT = 15.0


def receiver_url() -> str | None:
    url = os.environ.get("TREKANT_ANKESTYRELSEN_URL", "").strip()
    return url.rstrip("/") or None


async def send(message: dict[str, Any]) -> str:
    """Deliver ``message``; returns Ankestyrelsen's receipt. Raises ``StateConflict`` (a
    Danish message) when the receiver is not set up, refuses the report or does not answer."""
    base = receiver_url()
    if base is None:
        raise StateConflict(
            "Forbindelsen til Ankestyrelsen er ikke sat op i Trekant. Kontakt driften."
        )
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, verify=client_context()) as client:
            answer = await client.post(f"{base}/indberetninger", json=message)
    except httpx.HTTPError as exc:
        raise Unavailable(
            "reasons",
            "Ankestyrelsen svarer ikke lige nu. Prøv igen om lidt – indberetningen modtages "
            "kun én gang, også hvis den sendes igen.",
        ) from exc
    if answer.status_code in (200, 201):
        receipt = answer.json().get("kvittering")
        if isinstance(receipt, str) and receipt:
            return receipt
    errors = []
    try:
        errors = [str(e) for e in answer.json().get("fejl", [])]
    except ValueError:
        pass
    raise StateConflict(
        "Ankestyrelsen afviste indberetningen"
        + (": " + "; ".join(errors) if errors else f" (svar {answer.status_code})")
    )
