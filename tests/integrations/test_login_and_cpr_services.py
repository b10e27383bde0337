"""Issue 20 item 5, the rest: the CPR client (SF1520) takes its endpoint, agreement, CVR,
certificate and sealed key from the kommune's ``sf1520`` row (health recorded, an expired
certificate refused before any call); "Test forbindelsen" makes one harmless real call per
service; ``trekant tenant set-service`` sets a service up as the console does; the operator
reads a kommune's login settings without its secret."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from backend.cli import CliError, build_parser
from backend.db import DB
from backend.network.cpr_source import CprUnavailable, default_source
from infra.serviceplatform import FKORG_PATH, SAGSINDEKS_PATH
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B, sf1520_server
from tests.integrations.conftest import configure

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


async def _health(owner: asyncpg.Connection, code: str, kind: str) -> Any:
    return await owner.fetchrow(
        "SELECT last_call_at, last_ok_at, last_error, last_error_at FROM shared.national_service "
        "WHERE code = $1 AND kind = $2",
        code,
        kind,
    )


async def _tested(owner: asyncpg.Connection, code: str) -> dict[str, Any]:
    raw = await owner.fetchval(
        "SELECT detail::text FROM shared.operator_audit WHERE action = 'service.tested' "
        "AND kommune_code = $1 ORDER BY id DESC LIMIT 1",
        code,
    )
    found: dict[str, Any] = json.loads(raw)
    return found


async def _test(operator: httpx.AsyncClient, code: str, kind: str) -> dict[str, Any]:
    r = await operator.post(f"/api/operator/kommuner/{code}/tjenester/{kind}/test")
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def test_cpr_goes_through_the_kommunes_sf1520_row_with_health_and_a_connection_test(
    operator: httpx.AsyncClient, owner: asyncpg.Connection, seeded: Any
) -> None:
    # København's row (set up like the operator would, in tests/conftest.py).
    async with tenant_transaction(DB, A):
        assert await default_source().person("0000000000") is None
    health = await _health(owner, A, "sf1520")
    assert health["last_ok_at"] is not None and health["last_ok_at"] >= health["last_call_at"]

    calls = sf1520_server().calls()  # type: ignore[attr-defined]
    tested = await _test(operator, A, "sf1520")
    assert tested["ok"] is True, tested
    assert "ingen person med testnummeret" in tested["message"]
    assert tested["service"]["health"] == "ok"
    assert sf1520_server().calls() == calls + 1  # type: ignore[attr-defined]  # one call, real
    assert await _tested(owner, A) == {
        "service": "CPR-opslag (SF1520)",
        "result": tested["message"],
    }

    listed = (await operator.get(f"/api/operator/kommuner/{A}/tjenester")).json()
    row = next(s for s in listed if s["kind"] == "sf1520")
    body = {
        "endpoint": row["endpoint"],
        "service_agreement_uuid": str(uuid.uuid4()),  # an agreement the service does not know
        "user_system_uuid": row["user_system_uuid"],
        "cvr": row["cvr"],
        "enabled": True,
    }
    r = await operator.put(f"/api/operator/kommuner/{A}/tjenester/sf1520", json=body)
    assert r.status_code == 200, r.text  # the certificate held is kept
    try:
        tested = await _test(operator, A, "sf1520")
        assert tested["ok"] is False
        assert "SP-1001" in tested["message"] and "serviceaftale" in tested["message"]
        assert tested["service"]["health"] == "fejl"
        # The operator's change holds at once for the kommune's lookups: manual entry.
        async with tenant_transaction(DB, A):
            with pytest.raises(CprUnavailable):
                await default_source().person("0000000000")
    finally:
        r = await operator.put(
            f"/api/operator/kommuner/{A}/tjenester/sf1520",
            json={**body, "service_agreement_uuid": row["service_agreement_uuid"]},
        )
        assert r.status_code == 200, r.text

    # An expired certificate: refused before any call, said on the console.
    expiry = await owner.fetchval(
        "SELECT cert_not_after FROM shared.national_service WHERE code = $1 AND kind = 'sf1520'",
        A,
    )
    await owner.execute(
        "UPDATE shared.national_service SET cert_not_after = now() - interval '1 day' "
        "WHERE code = $1 AND kind = 'sf1520'",
        A,
    )
    try:
        calls = sf1520_server().calls()  # type: ignore[attr-defined]
        tested = await _test(operator, A, "sf1520")
        assert tested["ok"] is False and "klientcertifikat udløb" in tested["message"]
        assert tested["service"]["cert_state"] == "udloebet"
        async with tenant_transaction(DB, A):
            with pytest.raises(CprUnavailable):
                await default_source().person("0000000000")
        assert sf1520_server().calls() == calls  # type: ignore[attr-defined]  # nothing sent
    finally:
        await owner.execute(
            "UPDATE shared.national_service SET cert_not_after = $2 "
            "WHERE code = $1 AND kind = 'sf1520'",
            A,
            expiry,
        )
    assert (await _test(operator, A, "sf1520"))["ok"] is True


async def test_connection_tests_of_the_other_services_and_their_refusals(
    operator: httpx.AsyncClient, owner: asyncpg.Connection, platform: Any, seeded: Any
) -> None:
    r = await operator.post(f"/api/operator/kommuner/{B}/tjenester/sf1470/test")
    assert (
        r.json()["ok"] is False and r.json()["message"] == "Tjenesten er ikke sat op for kommunen"
    )
    assert (
        await operator.post(f"/api/operator/kommuner/{B}/tjenester/sf9999/test")
    ).status_code == 404
    assert (
        await operator.post("/api/operator/kommuner/9876/tjenester/sf1470/test")
    ).status_code == 404
    await configure(operator, B, "sf1470", platform.url + SAGSINDEKS_PATH, "22220202")
    await configure(operator, B, "sf1500", platform.url + FKORG_PATH, "33330303")
    try:
        received = httpx.get(platform.url + "/api/indeks").json()
        tested = await _test(operator, B, "sf1470")
        assert tested["ok"] is True and "svarede på testkaldet" in tested["message"]
        assert tested["service"]["health"] == "ok"
        assert httpx.get(platform.url + "/api/indeks").json() == received  # nothing written
        # FK Organisation does not know this CVR number: the service's answer, in Danish.
        tested = await _test(operator, B, "sf1500")
        assert tested["ok"] is False and "Ukendt myndighed" in tested["message"]
        assert tested["service"]["health"] == "fejl"
    finally:
        for kind in ("sf1470", "sf1500"):
            await operator.delete(f"/api/operator/kommuner/{B}/tjenester/{kind}")


async def test_set_service_on_the_command_line(
    operator: httpx.AsyncClient, owner: asyncpg.Connection, seeded: Any, tmp_path: Any
) -> None:
    from infra.sf1520 import DEV_AGREEMENT, DEV_USER_SYSTEM

    folder = sf1520_server().folder  # type: ignore[attr-defined]
    args = [
        "tenant",
        "set-service",
        B,
        "sf1520",
        "--endpoint",
        sf1520_server().url,  # type: ignore[attr-defined]
        "--agreement",
        "ikke et uuid",
        "--user-system",
        DEV_USER_SYSTEM,
        "--cvr",
        "1234",
        "--cert",
        str(folder / "client.pem"),
        "--key",
        str(folder / "client-key.pem"),
        "--by",
        "drift@trekant.dk",
    ]
    parsed = build_parser().parse_args(args)
    with pytest.raises(CliError) as refused:
        await parsed.func(parsed)
    assert "service_agreement_uuid: Serviceaftalens UUID skal være et UUID" in str(refused.value)
    assert "cvr: Kommunens CVR-nummer skal være otte cifre" in str(refused.value)
    assert not await owner.fetchval(
        "SELECT 1 FROM shared.national_service WHERE code = $1 AND kind = 'sf1520'", B
    )
    args[args.index("ikke et uuid")] = DEV_AGREEMENT
    args[args.index("1234")] = "22220202"
    parsed = build_parser().parse_args(args)
    try:
        assert await parsed.func(parsed) == 0
        row = await owner.fetchrow(
            "SELECT s.updated_by, s.cvr, k.sealed IS NOT NULL AS sealed FROM "
            "shared.national_service s JOIN shared.national_service_key k USING (code, kind) "
            "WHERE s.code = $1 AND s.kind = 'sf1520'",
            B,
        )
        assert dict(row) == {"updated_by": "drift@trekant.dk", "cvr": "22220202", "sealed": True}
        # The key is sealed: its PEM is nowhere in the row.
        pem_line = (folder / "client-key.pem").read_text().splitlines()[1].encode()
        sealed = await owner.fetchval(
            "SELECT sealed FROM shared.national_service_key WHERE code = $1 AND kind = 'sf1520'", B
        )
        assert pem_line not in sealed
        tested = await _test(operator, B, "sf1520")
        assert tested["ok"] is True, tested
    finally:
        await operator.delete(f"/api/operator/kommuner/{B}/tjenester/sf1520")


async def test_the_operator_reads_the_login_setting_without_the_secret(
    operator: httpx.AsyncClient, seeded: Any
) -> None:
    r = await operator.get(f"/api/operator/kommuner/{A}/log-ind")
    assert r.status_code == 200
    data = r.json()
    assert data["login_kind"] == "oidc"
    assert data["idp_issuer"].endswith(f"/{A}") and data["idp_client_id"] == f"trekant-{A}"
    assert data["idp_client_secret_set"] is True
    assert not any("secret" in k and k != "idp_client_secret_set" for k in data)
