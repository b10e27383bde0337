"""Address protection (adressebeskyttelse) everywhere an address would show or be sent:
the registration lookup, the child and the case, the network, a contact correction, the
letter's recipients, its PDF and its deliveries (Digital Post only, never print), the
offline copy, and the database itself. The register (the development SF1520 service)
answers the protected address; Trekant never shows or keeps it."""

from __future__ import annotations

import io
import re
import uuid

import asyncpg
import pytest
from pypdf import PdfReader

from backend.core.errors import FieldError
from backend.db import DB
from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file
from backend.post.service import Recipient, send_letter
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import _caseworker, new_cpr
from tests.conftest import KOMMUNE_A
from tests.post.conftest import a_case, letter_pdf

SECRET = "Skjultvej 13"
SECRET_LINE = f"{SECRET}, 8000 Aarhus C"
FATHERS = "Havnegade 2, 1058 København K"


def _family(seed: int) -> tuple[str, str, str]:
    child, mother, father = new_cpr(seed), new_cpr(seed + 1, years=33), new_cpr(seed + 2, years=41)
    add_to_demo_file(
        demo_file(),
        {
            child: CprRelations(
                child=CprPerson(child, "Ella Marie Vang", SECRET_LINE, address_protected=True),
                parents=[
                    CprPerson(mother, "Sanne Vang", SECRET_LINE, address_protected=True),
                    CprPerson(father, "Ole Vang", FATHERS),
                ],
                custody=[mother, father],
            )
        },
    )
    return child, mother, father


async def test_a_protected_child_and_mother_show_no_address_anywhere(http, seeded):
    await _caseworker(http)
    child, mother, father = _family(1540)
    seen: list[str] = []

    async def get(path: str) -> dict:  # type: ignore[type-arg]
        r = await http.get(path)
        assert r.status_code == 200, r.text
        seen.append(r.text)
        return r.json()  # type: ignore[no-any-return]

    # The registration lookup: no address, "address_protected" for the child and mother.
    r = await http.post("/api/cpr/person", json={"cpr": child})
    seen.append(r.text)
    person = r.json()["person"]
    assert (person["address"], person["address_protected"]) == ("", True)
    assert [(p["address"], p["address_protected"]) for p in person["parents"]] == [
        ("", True),
        (FATHERS, False),
    ]
    # Registered with an address typed by hand: the register's protection wins.
    body = {
        "cpr": child,
        "first_name": "Ella Marie",
        "last_name": "Vang",
        "address": SECRET_LINE,
        "parent_cprs": [mother, father],
    }
    r = await http.post("/api/children", json=body)
    assert r.status_code == 201, r.text
    child_id, case_id = r.json()["child_id"], r.json()["hovedsag_id"]

    kid = await get(f"/api/children/{child_id}")
    assert (kid["address"], kid["address_protected"]) == ("", True)
    case = await get(f"/api/cases/{case_id}")
    assert (case["address"], case["address_protected"]) == ("", True)
    journal = await get(f"/api/cases/{case_id}/journal")
    assert "Adressebeskyttelse registreret fra CPR: barnets adresse vises ikke" in [
        e["title"] for e in journal["items"]
    ]
    network = await get(f"/api/children/{child_id}/network")
    by_name = {m["name"]: m for m in network}
    assert (by_name["Sanne Vang"]["note"], by_name["Sanne Vang"]["address_protected"]) == (
        None,
        True,
    )
    assert (by_name["Ole Vang"]["note"], by_name["Ole Vang"]["address_protected"]) == (
        FATHERS,
        False,
    )

    # A note (the register's address for a parent from CPR) is refused for the mother.
    member = by_name["Sanne Vang"]
    r = await http.post(
        f"/api/network/{member['id']}/contact",
        json={"version": member["version"], "note": SECRET_LINE},
    )
    assert r.status_code == 400
    assert r.json()["extra"] == [
        {
            "key": "note",
            "message": "Personen har adressebeskyttelse: skriv ikke adresse eller bemærkning her",
        }
    ]

    # The letter: the mother by Digital Post with no address; the PDF holds none.
    new = await get(f"/api/cases/{case_id}/letters/new")
    mum = next(c for c in new["candidates"] if c["name"] == "Sanne Vang")
    assert (mum["address"], mum["address_protected"], mum["channel"]) == ("", True, "digital_post")
    template = next(t for t in new["templates"] if t["purpose"] == "partshoering")
    keys = [c["key"] for c in new["candidates"] if c["name"] in ("Sanne Vang", "Ole Vang")]
    r = await http.post(
        f"/api/cases/{case_id}/letters",
        json={"template_id": template["id"], "recipients": keys, "answer_by": "2099-01-01"},
    )
    assert r.status_code == 201, r.text
    letter = r.json()
    seen.append(r.text)
    body = re.sub(r"\[[^\]]*\]", "Familiebehandling efter § 32.", letter["body"])
    r = await http.patch(
        f"/api/cases/{case_id}/letters/{letter['id']}",
        json={"version": letter["version"], "body": body},
    )
    assert r.status_code == 200, r.text
    r = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send", json={"version": r.json()["version"]}
    )
    assert r.status_code == 200, r.text
    pdf = await http.get(f"/api/documents/{r.json()['document_id']}/content")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Sanne Vang" in text and SECRET not in text
    async with tenant_transaction(DB, KOMMUNE_A[0]) as scope:
        deliveries = await scope.connection.fetch(
            "SELECT recipient_name, channel, recipient_address, address_protected "
            "FROM delivery WHERE letter_id = $1 ORDER BY recipient_name",
            uuid.UUID(letter["id"]),
        )
    assert [tuple(d) for d in deliveries] == [
        ("Ole Vang", "digital_post", FATHERS, False),
        ("Sanne Vang", "digital_post", "", True),
    ]

    # The offline copy carries the flag, not the address.
    from backend.offline import repository as offline

    async with tenant_transaction(DB, KOMMUNE_A[0]):
        (row,) = await offline.list_cases([uuid.UUID(case_id)])
        members = await offline.list_networks([uuid.UUID(child_id)])
    assert (row.address, row.address_protected) == ("", True)
    assert {m.name: (m.note, m.address_protected) for _, m in members}["Sanne Vang"] == (
        None,
        True,
    )
    assert not [t for t in seen if SECRET in t]

    # The database refuses a protected child or parent with an address.
    for sql in (
        "UPDATE child SET address = 'Skjultvej 13' WHERE id = $1",
        "UPDATE network_member SET note = 'Skjultvej 13' WHERE child_id = $1 AND address_protected",
    ):
        with pytest.raises(asyncpg.CheckViolationError):
            async with tenant_transaction(DB, KOMMUNE_A[0]) as scope:
                await scope.connection.execute(sql, uuid.UUID(child_id))


async def test_a_letter_never_goes_to_print_for_a_protected_person(seeded):
    """Asked at sending: a protected person's letter goes by Digital Post with no address
    (an address from an older draft is dropped); protected and exempt from Digital Post,
    it is refused and nothing is stored."""
    protected, both = new_cpr(1551, years=30), new_cpr(1552, years=30)
    add_to_demo_file(
        demo_file(),
        {
            new_cpr(1550): CprRelations(
                child=CprPerson(new_cpr(1550), "Noah Vang", SECRET_LINE, address_protected=True),
                parents=[
                    CprPerson(protected, "Lise Vang", SECRET_LINE, address_protected=True),
                    CprPerson(both, "Kim Vang", SECRET_LINE, True, address_protected=True),
                ],
            )
        },
    )
    case_id = await a_case()
    letter_id = uuid.uuid4()
    async with tenant_transaction(DB, KOMMUNE_A[0]) as scope:
        (delivery_id,) = await send_letter(
            case_id=case_id,
            letter_id=letter_id,
            document_id=uuid.uuid4(),
            title="Orientering",
            pdf=letter_pdf(),
            recipients=[Recipient("Lise Vang", "Mor", cpr=protected, address=SECRET_LINE)],
        )
        got = await scope.connection.fetchrow(
            "SELECT channel, recipient_address, address_protected, print_batch_id "
            "FROM delivery WHERE id = $1",
            delivery_id,
        )
        await scope.transaction.rollback()  # type: ignore[no-untyped-call]
    assert tuple(got) == ("digital_post", "", True, None)
    with pytest.raises(FieldError) as refused:
        async with tenant_transaction(DB, KOMMUNE_A[0]):
            await send_letter(
                case_id=case_id,
                letter_id=uuid.uuid4(),
                document_id=uuid.uuid4(),
                title="Orientering",
                pdf=letter_pdf(),
                recipients=[Recipient("Kim Vang", "Far", cpr=both, address=SECRET_LINE)],
            )
    assert str(refused.value) == (
        "Kim Vang har adressebeskyttelse og er fritaget for Digital Post, så brevet kan ikke "
        "sendes fra Trekant"
    )
