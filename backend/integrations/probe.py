"""The operator's "Test forbindelsen": one harmless real call to a kommune's national
service, through the same client and configuration as the real calls (so the TLS
handshake with the system certificate, the endpoint check, the service agreement and the
service itself are all exercised), recorded in the service's health like any call.

What each call is (docs/integrations.md, "Test forbindelsen"):
- SF1520 (CPR): ``PersonLookup`` for the number ``0000000000``: no person has day 00, so it
  reads nobody. "No such person", or a fault from CPR about the number, means the
  connection works; a Serviceplatform fault (``SP-…``: no service agreement, unknown user
  system) or any transport failure is a failure.
- SF1500 (FK Organisation): the read the import makes (``FremsoegObjekthierarki``); it
  changes nothing and holds no case data; the answer's counts are shown.
- SF1470 (Sags- og dokumentindeks): the index has only writing operations, so the test
  sends a request for an operation that does not exist (``ForbindelsestestRequest``); the
  service's SOAP Fault is the expected answer (TLS, certificate and endpoint work).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from lxml import etree

from backend.integrations import repository as repo
from backend.integrations.client import ServiceError, authority, call
from backend.integrations.settings import ServiceKind

Probe = Callable[[str], Awaitable[tuple[bool, str]]]
# Probes of services whose clients live in a package above this one (SF1520: backend.network
# registers its own at import, so integrations does not import network).
_PROBES: dict[ServiceKind, Probe] = {}


def register_probe(kind: ServiceKind, probe: Probe) -> None:
    _PROBES[kind] = probe


async def test_connection(code: str, kind: ServiceKind) -> tuple[bool, str]:
    """(whether the service answered as it should, a Danish sentence for the operator)."""
    use = await repo.get_service_use(code, kind)
    if use is None:
        return False, "Tjenesten er ikke sat op for kommunen"
    if kind in _PROBES:
        return await _PROBES[kind](code)
    try:
        if kind == ServiceKind.SF1500:
            from backend.integrations import fkorg

            org = await fkorg.fetch_organisation(code)
            return True, (
                f"FK Organisation svarede: {len(org.units)} organisationsenheder og "
                f"{len(org.users)} brugere"
            )
        if kind == ServiceKind.SF1470:
            from backend.integrations.sagsindeks import NS

            req = etree.Element(f"{{{NS}}}ForbindelsestestRequest", nsmap={"i": NS})
            authority(req, use.cvr)
            fault = await call(code, kind, "Forbindelsestest", req, expect_fault=True)
            text = (fault.findtext("faultstring") or "").strip()[:200]
            return True, (
                "Sags- og dokumentindekset svarede på testkaldet"
                + (f" (med den ventede afvisning: {text})" if text else "")
            )
    except ServiceError as exc:
        return False, exc.message
    return False, "Denne tjeneste testes ved log ind, ikke herfra"
