"""Issue 20 item 2 on the token: a kommune whose ``sf1520`` row says ``auth = 'token'`` asks
the CPR register (PersonBaseDataExtended version 5 of the development SF1520 service) with a
token from the development STS for that service, presented in WS-Security with the message
signed (set up as `trekant dev` sets up Odense's). The lookup is the same as over mutual TLS
(address protection included); one token serves the child, the parents and the next lookup;
a token for another service is refused by the service, recorded in the health and not
offered again."""

from __future__ import annotations

import hashlib
import os
import ssl
from typing import Any

import asyncpg
import httpx
import pytest

from backend.db import DB
from backend.integrations import sts
from backend.integrations.demo import configure_sf1520, sf1520_cvr
from backend.network.cpr_source import (
    CprPerson,
    CprRelations,
    CprUnavailable,
    add_to_demo_file,
    default_source,
    demo_file,
)
from infra.serviceplatform import STS_PATH
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import new_cpr
from tests.conftest import KOMMUNE_A, KOMMUNE_B, sf1520_server

A, B = KOMMUNE_A[0], KOMMUNE_B[0]
HIDDEN = "Gemtvej 4, 5000 Odense C"


def _issued(platform: Any) -> int:
    count: int = httpx.get(platform.url + "/dev/sts").json()["issued"]
    return count


async def _lookup(code: str, cpr: str) -> CprRelations | None:
    async with tenant_transaction(DB, code):
        return await default_source().relations(cpr)


async def _error(owner: asyncpg.Connection, code: str) -> str | None:
    found: str | None = await owner.fetchval(
        "SELECT last_error FROM shared.national_service WHERE code = $1 AND kind = 'sf1520'",
        code,
    )
    return found


@pytest.fixture
def token_kommune(platform: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("TREKANT_STS_ENDPOINT", platform.url + STS_PATH)
    monkeypatch.setenv("TREKANT_SERVICEPLATFORM_URL", platform.url)
    sts.clear_cache()
    yield platform
    sts.clear_cache()


async def test_a_token_lookup_is_the_tls_lookup_and_the_token_is_reused_and_checked(
    operator: httpx.AsyncClient,
    owner: asyncpg.Connection,
    registry: Any,
    token_kommune: Any,
    seeded: Any,
) -> None:
    platform, server = token_kommune, sf1520_server()
    child, mother, father = new_cpr(1530), new_cpr(1531, years=35), new_cpr(1532, years=38)
    add_to_demo_file(
        demo_file(),
        {
            child: CprRelations(
                child=CprPerson(child, "Alma Holm", HIDDEN, address_protected=True),
                parents=[
                    CprPerson(mother, "Rikke Holm", HIDDEN, address_protected=True),
                    CprPerson(father, "Jonas Holm", "Vestergade 3, 5000 Odense C", True),
                ],
                custody=[mother, father],
            )
        },
    )
    # Set up as `trekant dev` sets up Odense's: the certificate registered with the STS for
    # the kommune's CVR, the row on version 5 with auth = 'token'.
    auth = await configure_sf1520(
        registry.dsn, B, server.url, server.folder, token_endpoint=server.token_url
    )
    assert auth == "token"
    cert = (
        (server.folder / "client.pem").read_text(),
        (server.folder / "client-key.pem").read_text(),
    )
    try:
        before = _issued(platform)
        over_tls = await _lookup(A, child)  # København's row: version 4, mutual TLS
        with_token = await _lookup(B, child)
        assert with_token is not None and with_token == over_tls
        assert with_token.child.address == "" and with_token.child.address_protected
        assert [p.name for p in with_token.parents] == ["Rikke Holm", "Jonas Holm"]
        assert with_token.custody == [mother, father]
        # One token for the child and both parents, and for the next lookup.
        assert await _lookup(B, father) is not None
        assert _issued(platform) == before + 1
        assert await _error(owner, B) is None

        # A token for another service (FK Organisation's) is refused by the CPR service,
        # recorded in the health and dropped: the next lookup gets a token for SF1520.
        sts_url = platform.url + STS_PATH
        wrong = await sts.token(B, "sf1500", cert[0], cert[1].encode(), sf1520_cvr(B), sts_url)
        fingerprint = hashlib.sha256(cert[0].encode()).hexdigest()
        sts._cache[(B, "sf1520", fingerprint)] = wrong
        with pytest.raises(CprUnavailable) as refused:
            await _lookup(B, child)
        assert "Token er udstedt til " + sts.ENTITY_IDS["sf1500"] in str(refused.value)
        assert child not in str(refused.value)
        assert (await _error(owner, B) or "").startswith("CPR-tjenesten (SF1520) afviste")
        assert await _lookup(B, child) == over_tls
        health = await owner.fetchrow(
            "SELECT last_ok_at, last_error_at FROM shared.national_service "
            "WHERE code = $1 AND kind = 'sf1520'",
            B,
        )
        assert health["last_ok_at"] > health["last_error_at"]
    finally:
        await operator.delete(f"/api/operator/kommuner/{B}/tjenester/sf1520")


def test_version_4_without_a_client_certificate_and_version_5_without_a_token_are_refused() -> None:
    server = sf1520_server()
    request = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<ns:PersonLookupRequest xmlns:ns="http://serviceplatformen.dk/xml/wsdl/soap11/CPR/'
        'PersonBaseDataExtended/4/"><p:PNR xmlns:p="http://serviceplatformen.dk/xml/schemas/'
        'cpr/PNR/1/">0000000000</p:PNR></ns:PersonLookupRequest></s:Body></s:Envelope>'
    )
    ctx = ssl.create_default_context(cafile=os.environ["TREKANT_SF1520_CA"])
    with httpx.Client(verify=ctx) as http:  # no client certificate
        v4 = http.post(server.url, content=request)  # type: ignore[attr-defined]
        v5 = http.post(server.token_url, content=request)  # type: ignore[attr-defined]
    assert v4.status_code == 500 and b"SP-1000" in v4.content
    assert v5.status_code == 500 and b"wsse:InvalidSecurity" in v5.content
