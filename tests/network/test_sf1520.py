"""The SF1520 client (``backend.network.sf1520``) against the development SF1520 service
(``infra/sf1520``): the full lookup over TLS with Trekant's client certificate, a client
certificate the service refuses (another CA, expired), a certificate that expired on our
side, a slow service (time-out), a SOAP fault, an unknown service agreement."""

from __future__ import annotations

import os
import ssl
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from lxml import etree

from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file
from backend.network.sf1520 import (
    INVCTX_NS,
    PNR_NS,
    SERVICE_NS,
    CprServiceError,
    InvocationContext,
    Sf1520Client,
    config_from_env,
    envelope,
)
from infra.sf1520 import certs
from tests.casework.test_casework_api import new_cpr
from tests.conftest import sf1520_server

SECRET_STREET = "Skjultvej 13, 8000 Aarhus C"


@pytest.fixture(scope="module")
def family() -> tuple[str, str, str]:
    """A protected child and mother, a father exempt from Digital Post with custody by
    "anden indehaver" rules of the register (both parents hold custody here)."""
    child, mother, father = new_cpr(1520), new_cpr(1521, years=33), new_cpr(1522, years=41)
    add_to_demo_file(
        demo_file(),
        {
            child: CprRelations(
                child=CprPerson(child, "Ella Marie Berg", SECRET_STREET, address_protected=True),
                parents=[
                    CprPerson(mother, "Sanne Berg", SECRET_STREET, address_protected=True),
                    CprPerson(father, "Ole Berg", "Havnegade 2, 1058 København K", True),
                ],
                custody=[mother, father],
            )
        },
    )
    return child, mother, father


def client(**changes: object) -> Sf1520Client:
    config = config_from_env()
    assert config is not None
    return Sf1520Client(replace(config, **changes))  # type: ignore[arg-type]


async def test_the_full_lookup_over_mutual_tls(family: tuple[str, str, str]) -> None:
    child, mother, father = family
    found = await client().relations(child)
    assert found is not None
    assert found.child == CprPerson(child, "Ella Marie Berg", "", False, address_protected=True)
    # Mother and father from ``relationer``, each asked for in a call of its own.
    assert found.parents == [
        CprPerson(mother, "Sanne Berg", "", False, True),
        CprPerson(father, "Ole Berg", "Havnegade 2, 1058 København K", True, False),
    ]
    assert found.custody == [mother, father]
    assert found.child.split_name() == ("Ella Marie", "Berg")
    assert await client().digital_post_exempt(father) is True
    assert await client().relations(new_cpr(1529)) is None  # unknown to the register


def test_the_request_is_the_services_envelope() -> None:
    ctx = InvocationContext("agreement-uuid", "system-uuid", "kommune-uuid")
    root = etree.fromstring(envelope("0101151234", ctx))
    req = root.find(f".//{{{SERVICE_NS}}}PersonLookupRequest")
    assert req is not None
    inv = req.find(f"{{{INVCTX_NS}}}InvocationContext")
    assert [(el.tag.split("}")[1], el.text) for el in inv] == [  # type: ignore[union-attr]
        ("ServiceAgreementUUID", "agreement-uuid"),
        ("UserSystemUUID", "system-uuid"),
        ("UserUUID", "kommune-uuid"),
        ("ServiceUUID", "e6be2436-bf35-4df2-83fe-925142825dc2"),
    ]
    assert req.findtext(f"{{{PNR_NS}}}PNR") == "0101151234"


def _other_certs(tmp_path: Path) -> Path:
    folder = tmp_path / "andre"
    certs.make_ca(folder, "fremmed-ca", "Fremmed CA")
    certs.issue(folder, "fremmed", "Ikke Trekant", ca="fremmed-ca")
    # An expired certificate from the right CA: copy the CA in to sign with it.
    ca = Path(os.environ["TREKANT_SF1520_CA"]).parent
    for name in ("ca.pem", "ca-key.pem"):
        (folder / name).write_bytes((ca / name).read_bytes())
    certs.issue(folder, "udloebet", "Trekant (udløbet)", expired=True)
    return folder


async def test_a_client_certificate_from_another_ca_is_refused(tmp_path: Path, family) -> None:  # type: ignore[no-untyped-def]
    folder = _other_certs(tmp_path)
    foreign = client(cert_file=folder / "fremmed.pem", key_file=folder / "fremmed-key.pem")
    assert foreign.check() is None  # valid in itself: the service is the one to refuse it
    with pytest.raises(CprServiceError) as refused:
        await foreign.relations(family[0])
    assert refused.value.outcome == "tls"
    assert "afviste TLS-forbindelsen" in refused.value.operator
    assert family[0] not in refused.value.operator
    assert foreign.status()["last_error"] == refused.value.operator


async def test_an_expired_client_certificate_is_caught_before_the_call_and_refused_by_the_service(
    tmp_path: Path, family
) -> None:  # type: ignore[no-untyped-def]
    folder = _other_certs(tmp_path)
    expired = client(cert_file=folder / "udloebet.pem", key_file=folder / "udloebet-key.pem")
    assert expired.problem is not None and "klientcertifikat udløb" in expired.problem
    calls_before = _calls()
    with pytest.raises(CprServiceError) as refused:
        await expired.relations(family[0])
    assert refused.value.outcome == "certificate"
    assert _calls() == calls_before  # nothing was sent
    # Sent anyway (a client that does not check), the service's TLS refuses it.
    ctx = ssl.create_default_context(cafile=os.environ["TREKANT_SF1520_CA"])
    ctx.load_cert_chain(folder / "udloebet.pem", folder / "udloebet-key.pem")
    with pytest.raises(httpx.HTTPError):
        httpx.get(os.environ["TREKANT_SF1520_URL"].split("/service")[0] + "/health", verify=ctx)


def _calls() -> int:
    return int(sf1520_server().calls())  # type: ignore[attr-defined]


async def test_a_slow_service_times_out(family) -> None:  # type: ignore[no-untyped-def]
    sf1520_server().set_mode("langsom", 2)  # type: ignore[attr-defined]
    try:
        with pytest.raises(CprServiceError) as slow:
            await client(timeout=0.3).relations(family[0])
    finally:
        sf1520_server().set_mode("normal")  # type: ignore[attr-defined]
    assert slow.value.outcome == "timeout"


async def test_a_soap_fault_is_a_clear_error(family) -> None:  # type: ignore[no-untyped-def]
    sf1520_server().set_mode("fejl")  # type: ignore[attr-defined]
    try:
        with pytest.raises(CprServiceError) as fault:
            await client().person(family[1])
    finally:
        sf1520_server().set_mode("normal")  # type: ignore[attr-defined]
    assert fault.value.outcome == "fault"
    assert fault.value.operator == (
        "CPR-tjenesten (SF1520) afviste opslaget: SP-5000 Intern fejl i CPR-replikaen"
    )


async def test_an_unknown_service_agreement_is_refused_by_the_service(family) -> None:  # type: ignore[no-untyped-def]
    wrong = InvocationContext("00000000-0000-4000-8000-000000000000", "x", "y")
    with pytest.raises(CprServiceError) as refused:
        await client(contexts={"*": wrong}).person(family[1])
    assert "SP-1001 Ingen gyldig serviceaftale" in refused.value.operator
    with pytest.raises(CprServiceError) as missing:
        await client(contexts={}).person(family[1])
    assert missing.value.outcome == "not_configured"
