"""Issue 20 item 5: the operator configures a kommune's national services (validated,
the private key sealed and never readable by the operator, every change and refusal in the
operator's audit), and the SOAP client calls the development Serviceplatform through that
configuration: slow, erroring, expired certificate, health on the console."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from backend.integrations import client as soap
from backend.integrations import fkorg
from backend.integrations.client import ServiceError
from infra.serviceplatform import FKORG_PATH
from tenancy.names import operator_role
from tenancy.registry import role_dsn
from tests.conftest import KOMMUNE_B
from tests.integrations.conftest import certificate, configure, settings_body

B = KOMMUNE_B[0]
CVR = "22220202"


async def _audit(owner: asyncpg.Connection, action: str) -> list[dict[str, Any]]:
    rows = await owner.fetch(
        "SELECT detail::text AS d FROM shared.operator_audit WHERE action = $1 "
        "AND kommune_code = $2 ORDER BY id",
        action,
        B,
    )
    import json

    return [json.loads(r["d"]) for r in rows]


async def test_operator_settings_are_checked_field_by_field_and_refusals_audited(
    operator: httpx.AsyncClient, owner: asyncpg.Connection, platform: Any, seeded: Any
) -> None:
    before = len(await _audit(owner, "service.refused"))
    expired = certificate(days=-3)
    other_key = certificate()[1]
    body = {
        **settings_body("https://10.1.2.3/service", "1234"),
        "service_agreement_uuid": "ikke-et-uuid",
        "cert_pem": expired[0],
        "private_key_pem": expired[1],
    }
    r = await operator.put(f"/api/operator/kommuner/{B}/tjenester/sf1500", json=body)
    assert r.status_code == 400, r.text
    fields = {e["key"]: e["message"] for e in r.json()["extra"]}
    assert set(fields) == {"endpoint", "service_agreement_uuid", "cvr", "cert_pem"}
    assert "privat" in fields["endpoint"] and "udløb" in fields["cert_pem"]
    # A key that does not belong to the certificate.
    good = certificate()
    body = settings_body(platform.url + FKORG_PATH, CVR, (good[0], other_key))
    r = await operator.put(f"/api/operator/kommuner/{B}/tjenester/sf1500", json=body)
    assert r.status_code == 400
    assert [e["key"] for e in r.json()["extra"]] == ["private_key_pem"]
    refused = await _audit(owner, "service.refused")
    assert len(refused) == before + 2
    assert refused[-1] == {"service": "FK Organisation (SF1500)", "fields": ["Privat nøgle"]}
    # Nothing was stored.
    assert not await owner.fetchval(
        "SELECT 1 FROM shared.national_service WHERE code = $1 AND kind = 'sf1500'", B
    )


async def test_operator_sees_certificate_and_health_never_the_key(
    operator: httpx.AsyncClient,
    owner: asyncpg.Connection,
    settings: Any,
    platform: Any,
    seeded: Any,
) -> None:
    cert = certificate(days=20, cn="Testby systemcertifikat")
    body = settings_body(platform.url + FKORG_PATH, CVR, cert)
    r = await operator.put(f"/api/operator/kommuner/{B}/tjenester/sf1500", json=body)
    assert r.status_code == 200, r.text
    assert cert[1].splitlines()[1] not in r.text
    listed = {
        s["kind"]: s for s in (await operator.get(f"/api/operator/kommuner/{B}/tjenester")).json()
    }
    assert set(listed) == {"sf1500", "sf1470", "sf1520", "contexthandler"}
    sf = listed["sf1500"]
    assert sf["configured"] and sf["key_set"] and sf["cert_subject"] == "CN=Testby systemcertifikat"
    assert sf["cert_state"] == "udloeber_snart" and sf["health"] == "ukendt"
    assert listed["sf1520"]["configured"] is False
    assert (await _audit(owner, "service.configured"))[-1]["certificate"] == "nyt"
    # The operator's database role cannot read the sealed key, nor does it open elsewhere.
    conn = await asyncpg.connect(
        role_dsn(
            settings.database_url,
            operator_role(settings.role_prefix),
            settings.operator_db_password,
        )
    )
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch("SELECT sealed FROM shared.national_service_key")
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM shared.national_service_key WHERE code = $1", B
            )
            == 1
        )
    finally:
        await conn.close()
    sealed = await owner.fetchval(
        "SELECT sealed FROM shared.national_service_key WHERE code = $1 AND kind = 'sf1500'", B
    )
    from backend.integrations.settings import unseal_key
    from backend.sealing import Unsealable

    assert unseal_key(B, "sf1500", cert[0], sealed).startswith(b"-----BEGIN PRIVATE KEY")
    with pytest.raises(Unsealable):
        unseal_key(B, "sf1470", cert[0], sealed)  # bound to the service
    # Saving again without a certificate keeps the one held.
    body = {**body, "cert_pem": "", "private_key_pem": ""}
    r = await operator.put(f"/api/operator/kommuner/{B}/tjenester/sf1500", json=body)
    assert r.status_code == 200 and r.json()["key_set"] is True


async def test_a_kommune_user_cannot_reach_the_operators_services(as_user: Any) -> None:
    admin = await as_user(B, "admin")
    r = await admin.get(f"/api/operator/kommuner/{B}/tjenester")
    assert r.status_code == 403


async def test_client_calls_the_development_fk_organisation_and_records_health(
    operator: httpx.AsyncClient,
    owner: asyncpg.Connection,
    platform: Any,
    seeded: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await configure(operator, B, "sf1500", platform.url + FKORG_PATH, CVR)
    org_units = [
        {"uuid": str(uuid.uuid4()), "name": "Testby Kommune", "parent": None},
    ]
    httpx.post(
        platform.url + "/dev/organisation", json={"cvr": CVR, "units": org_units, "users": []}
    ).raise_for_status()
    org = await fkorg.fetch_organisation(B)
    assert [u.name for u in org.units] == ["Testby Kommune"]
    health = lambda: owner.fetchrow(  # noqa: E731 - short read
        "SELECT last_ok_at, last_error FROM shared.national_service "
        "WHERE code = $1 AND kind = 'sf1500'",
        B,
    )
    assert (await health())["last_ok_at"] is not None
    # An error from the service: a Danish message, and the console shows it.
    httpx.post(platform.url + "/dev/fault", json={"mode": "error", "count": 1}).raise_for_status()
    with pytest.raises(ServiceError) as err:
        await fkorg.fetch_organisation(B)
    assert err.value.reason == "fejl" and "svarede med en fejl" in err.value.message
    listed = {
        s["kind"]: s for s in (await operator.get(f"/api/operator/kommuner/{B}/tjenester")).json()
    }
    assert listed["sf1500"]["health"] == "fejl"
    assert "fejl" in listed["sf1500"]["last_error"]
    # Slow: the call is cut off at the time limit.
    monkeypatch.setattr(soap, "TIMEOUT_SECONDS", 0.3)
    httpx.post(
        platform.url + "/dev/fault", json={"mode": "slow", "count": 1, "seconds": 1.5}
    ).raise_for_status()
    with pytest.raises(ServiceError) as err:
        await fkorg.fetch_organisation(B)
    assert err.value.reason == "svarer_ikke"
    # An expired certificate: refused before any call.
    await owner.execute(
        "UPDATE shared.national_service SET cert_not_after = now() - interval '1 day' "
        "WHERE code = $1 AND kind = 'sf1500'",
        B,
    )
    with pytest.raises(ServiceError) as err:
        await fkorg.fetch_organisation(B)
    assert err.value.reason == "certifikat" and "udløb" in err.value.message
    listed = {
        s["kind"]: s for s in (await operator.get(f"/api/operator/kommuner/{B}/tjenester")).json()
    }
    assert listed["sf1500"]["cert_state"] == "udloebet"
    # Removed: audited, and the client says it is not set up.
    r = await operator.delete(f"/api/operator/kommuner/{B}/tjenester/sf1500")
    assert r.status_code == 204
    with pytest.raises(ServiceError) as err:
        await fkorg.fetch_organisation(B)
    assert err.value.reason == "ikke_sat_op"
