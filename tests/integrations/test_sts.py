"""Issue 20 items 2-4: the token variant of the national services. A kommune's service set
to ``auth = 'token'`` is called with a token from the development STS (WS-Trust Issue
signed with the system certificate) presented in WS-Security with the message signed; the
token is reused within its lifetime and fetched again when it is about to expire; the STS
refuses an unsigned request and a certificate not registered for the kommune; the service
refuses a tampered message and a token issued for another service. Our signatures verify
with xmlsec1 (an independent implementation)."""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from lxml import etree

from backend.integrations import client as soap
from backend.integrations import fkorg, sagsindeks, sts
from backend.integrations import repository as repo
from backend.integrations.client import ServiceError
from infra.serviceplatform import FKORG_PATH, SAGSINDEKS_PATH, STS_PATH
from tests.conftest import KOMMUNE_B
from tests.integrations.conftest import certificate, settings_body

B = KOMMUNE_B[0]
CVR = "55550202"


def _issued(platform: Any) -> int:
    count: int = httpx.get(platform.url + "/dev/sts").json()["issued"]
    return count


async def _token_service(
    operator: httpx.AsyncClient, platform: Any, kind: str, path: str, *, register: bool = True
) -> tuple[str, str]:
    cert = certificate(cn="Testby systemcertifikat (token)")
    if register:
        httpx.post(
            platform.url + "/dev/sts/certifikat", json={"cvr": CVR, "cert_pem": cert[0]}
        ).raise_for_status()
    body = {**settings_body(platform.url + path, CVR, cert), "auth": "token"}
    r = await operator.put(f"/api/operator/kommuner/{B}/tjenester/{kind}", json=body)
    assert r.status_code == 200, r.text
    return cert


@pytest.fixture
def sts_env(platform: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("TREKANT_STS_ENDPOINT", platform.url + STS_PATH)
    sts.clear_cache()
    httpx.post(
        platform.url + "/dev/organisation",
        json={
            "cvr": CVR,
            "units": [{"uuid": str(uuid.uuid4()), "name": "Tokenby Kommune", "parent": None}],
            "users": [],
        },
    ).raise_for_status()
    yield platform
    sts.clear_cache()
    httpx.post(platform.url + "/dev/sts", json={"lifetime": 3600}).raise_for_status()


async def test_a_token_call_works_and_the_token_is_reused_until_it_is_about_to_expire(
    operator: httpx.AsyncClient, owner: asyncpg.Connection, sts_env: Any, seeded: Any
) -> None:
    platform = sts_env
    await _token_service(operator, platform, "sf1500", FKORG_PATH)
    listed = {
        s["kind"]: s for s in (await operator.get(f"/api/operator/kommuner/{B}/tjenester")).json()
    }
    assert listed["sf1500"]["auth"] == "token"
    before = _issued(platform)
    org = await fkorg.fetch_organisation(B)
    assert [u.name for u in org.units] == ["Tokenby Kommune"]  # the token's CVR chose it
    await fkorg.fetch_organisation(B)
    assert _issued(platform) == before + 1  # one token for both calls
    # Tokens that expire within the margin are fetched again for every call.
    sts.clear_cache()
    httpx.post(platform.url + "/dev/sts", json={"lifetime": 30}).raise_for_status()
    await fkorg.fetch_organisation(B)
    await fkorg.fetch_organisation(B)
    assert _issued(platform) == before + 3
    health = await owner.fetchrow(
        "SELECT last_ok_at, last_error_at FROM shared.national_service "
        "WHERE code = $1 AND kind = 'sf1500'",
        B,
    )
    assert health["last_ok_at"] is not None
    assert health["last_error_at"] is None or health["last_error_at"] < health["last_ok_at"]

    # SF1470 with a token: the index stores the case under the token's kommune.
    await _token_service(operator, platform, "sf1470", SAGSINDEKS_PATH)
    case_id, call_id = uuid.uuid4(), uuid.uuid4()
    case = repo.CaseMetadata(
        id=case_id,
        case_number="TOKEN-1",
        stage="afklaring",
        opened_at=datetime.now(UTC),
        closed_at=None,
        child_cpr="0101019995",
        team_name=None,
        caseworker_name=None,
        transferred_to=None,
    )
    sender = sagsindeks.Sender(cvr=CVR, it_system=uuid.uuid4())
    request = sagsindeks.build_request("Opret", None, case_id, case, [], sender)
    await soap.call(B, "sf1470", sagsindeks.ACTION + "importer", request, call_id=call_id)
    stored = [
        r for r in httpx.get(platform.url + "/api/indeks").json() if r["call_id"] == str(call_id)
    ]
    assert [(r["operation"], r["cvr"], r["sag_uuid"]) for r in stored] == [
        ("Opret", CVR, str(case_id))
    ]
    await operator.delete(f"/api/operator/kommuner/{B}/tjenester/sf1470")


async def test_the_sts_refuses_an_unregistered_certificate_and_an_unsigned_request(
    operator: httpx.AsyncClient, sts_env: Any, seeded: Any
) -> None:
    platform = sts_env
    cert = await _token_service(operator, platform, "sf1500", FKORG_PATH, register=False)
    before = _issued(platform)
    with pytest.raises(ServiceError) as err:
        await fkorg.fetch_organisation(B)
    assert err.value.reason == "sts"
    assert err.value.message.startswith("STS afviste certifikatet")
    listed = {
        s["kind"]: s for s in (await operator.get(f"/api/operator/kommuner/{B}/tjenester")).json()
    }
    assert listed["sf1500"]["health"] == "fejl"
    assert listed["sf1500"]["last_error"].startswith("STS afviste certifikatet")
    # Unsigned, even with a registered certificate: refused, no token issued.
    httpx.post(
        platform.url + "/dev/sts/certifikat", json={"cvr": CVR, "cert_pem": cert[0]}
    ).raise_for_status()
    unsigned = sts.issue_request(
        cert[0], cert[1].encode(), CVR, sts.ENTITY_IDS["sf1500"], "x", signed=False
    )
    r = httpx.post(platform.url + STS_PATH, content=unsigned)
    assert r.status_code == 400
    with pytest.raises(sts.StsError) as refused:
        sts.read_answer(r.content)
    assert refused.value.message == "STS afviste certifikatet: Anmodningen er ikke signeret"
    # Signed with another key than the certificate it presents.
    other = certificate()
    forged = sts.issue_request(cert[0], other[1].encode(), CVR, sts.ENTITY_IDS["sf1500"], "x")
    r = httpx.post(platform.url + STS_PATH, content=forged)
    assert r.status_code == 400 and "FailedAuthentication" in r.text
    assert _issued(platform) == before
    await operator.delete(f"/api/operator/kommuner/{B}/tjenester/sf1500")


async def test_the_service_refuses_a_tampered_call_and_another_services_token(
    sts_env: Any,
) -> None:
    platform = sts_env
    cert_pem, key_pem = certificate()
    httpx.post(
        platform.url + "/dev/sts/certifikat", json={"cvr": CVR, "cert_pem": cert_pem}
    ).raise_for_status()
    sts_url = platform.url + STS_PATH
    index_token = await sts.token("9999", "sf1470", cert_pem, key_pem.encode(), CVR, sts_url)

    def call(token: sts.Token, tamper: bool = False) -> httpx.Response:
        req = etree.Element(f"{{{fkorg.NS}}}FremsoegObjekthierarkiInput")
        etree.SubElement(req, f"{{{fkorg.NS}}}MaksimalAntalKvantitet").text = "7"
        payload = sts.secure_envelope(
            req,
            action=fkorg.ACTION,
            to=platform.url + FKORG_PATH,
            call_id=uuid.uuid4(),
            token=token,
            cert_pem=cert_pem,
            key_pem=key_pem.encode(),
        )
        if tamper:
            payload = payload.replace(b">7</", b">8</")
        return httpx.post(platform.url + FKORG_PATH, content=payload)

    r = call(index_token)
    assert r.status_code == 500 and "Token er udstedt til" in r.text
    org_token = await sts.token("9999", "sf1500", cert_pem, key_pem.encode(), CVR, sts_url)
    assert call(org_token).status_code == 200
    r = call(org_token, tamper=True)
    assert r.status_code == 500 and "er ændret efter signeringen" in r.text


def test_the_sts_request_verifies_with_xmlsec1(tmp_path: Path) -> None:
    cert_pem, key_pem = certificate()
    (tmp_path / "cert.pem").write_text(cert_pem)
    request = sts.issue_request(
        cert_pem, key_pem.encode(), CVR, sts.ENTITY_IDS["sf1470"], "https://sts.example/issue"
    )
    (tmp_path / "rst.xml").write_bytes(request)
    args = ["xmlsec1", "--verify", "--pubkey-cert-pem", str(tmp_path / "cert.pem")]
    for ns, tag in (
        (sts.WSA, "Action"),
        (sts.WSA, "MessageID"),
        (sts.WSA, "To"),
        (sts.WSA, "ReplyTo"),
        (sts.WSU, "Timestamp"),
        (sts.WSSE, "BinarySecurityToken"),
        (sts.SOAP12, "Body"),
    ):
        args += ["--id-attr:Id", f"{ns}:{tag}"]
    done = subprocess.run(
        [*args, str(tmp_path / "rst.xml")], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert "SignedInfo References (ok/all): 7/7" in done.stderr + done.stdout
