"""Synthetic demo kommuner, children and cases for development (fictitious CPR numbers).

Everything is written through the application role inside each kommune's tenant
transaction, the same path a request takes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.dk import cpr as cpr_lib

from backend.db import DB
from tenancy.context import tenant_transaction

DEMO_KOMMUNER = [("0101", "København", 240), ("0461", "Odense", 160), ("0751", "Aarhus", 180)]

FIRST = [
    "Freja",
    "Alma",
    "Ida",
    "Clara",
    "Ella",
    "Agnes",
    "Karla",
    "Olivia",
    "Asta",
    "Emma",
    "Noah",
    "William",
    "Oscar",
    "Carl",
    "Alfred",
    "Emil",
    "Valdemar",
    "Aksel",
    "Malthe",
    "Lucas",
    "Sofie",
    "Maja",
    "Laura",
    "Anna",
    "Mathilde",
    "Victor",
    "Magnus",
    "Frederik",
    "Elias",
    "Liam",
    "Nora",
    "Luna",
    "Ellie",
    "Lily",
    "Aya",
    "Ali",
    "Omar",
    "Sara",
    "Zainab",
    "Mikkel",
]
LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Holm",
    "Ahmed",
    "Yilmaz",
    "Khan",
    "Østergaard",
    "Lund",
    "Bak",
    "Dahl",
    "Friis",
    "Skov",
]
STREETS = [
    "Vestergade",
    "Østergade",
    "Søndergade",
    "Nørregade",
    "Skolevej",
    "Kirkevej",
    "Engvej",
    "Bakkevej",
    "Parkvej",
    "Stationsvej",
    "Møllevej",
    "Birkevej",
]
STAGES = [
    "afklaring",
    "afklaring",
    "undersoegelse",
    "undersoegelse",
    "afgoerelse",
    "indsats",
    "indsats",
    "indsats",
    "afsluttet",
]


def synthetic_cpr(rng: random.Random, birth: date) -> str:
    """A CPR number whose 7th digit and year give ``birth``'s century (not a real person's)."""
    while True:
        seventh = rng.choice([4, 5, 6, 7, 8, 9])
        serial = f"{seventh}{rng.randint(0, 999):03d}"
        number = birth.strftime("%d%m%y") + serial
        if cpr_lib.get_birth_date(number) == birth:
            return number


async def seed_kommune(code: str, children: int, *, seed: int | None = None) -> int:
    """Add ``children`` synthetic children with cases to ``code`` if it has none; return count."""
    rng = random.Random(seed if seed is not None else int(code))  # noqa: S311 - demo data
    today = date.today()
    async with tenant_transaction(DB, code) as scope:
        conn = scope.connection
        if await conn.fetchval("SELECT count(*) FROM child") > 0:
            return 0
        child_rows = []
        seen: set[str] = set()
        for _ in range(children):
            birth = today - timedelta(days=rng.randint(30, 17 * 365 + 300))
            number = synthetic_cpr(rng, birth)
            while number in seen:
                number = synthetic_cpr(rng, birth)
            seen.add(number)
            child_rows.append(
                (
                    number,
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    birth,
                    f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                )
            )
        _write_demo_parents(rng, child_rows)
        ids = []
        for row in child_rows:
            ids.append(
                (
                    await conn.fetchval(
                        "INSERT INTO child (cpr, first_name, last_name, birth_date, address) "
                        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        *row,
                    ),
                    row[3],
                )
            )
        case_rows = []
        for child_id, birth in ids:
            stage = rng.choice(STAGES)
            opened = max(birth, today - timedelta(days=rng.randint(1, 900)))
            closed = opened + timedelta(days=rng.randint(30, 400)) if stage == "afsluttet" else None
            if closed and closed > today:
                closed = today
            case_rows.append((child_id, opened, closed, stage))
        await conn.executemany(
            "INSERT INTO hovedsag (child_id, opened_at, closed_at, stage) VALUES ($1, $2, $3, $4)",
            case_rows,
        )
    return children


DEMO_TEAMS = ["Modtagelsen", "Familieteam Nord", "Familieteam Syd"]


async def provision_demo_users(code: str, users: list[tuple[str, str, tuple[str, ...]]]) -> int:
    """Provision ``(username, name, roles)`` users (those with roles) and the demo teams in
    kommune ``code`` if missing; return how many users were added."""
    added = 0
    async with tenant_transaction(DB, code) as scope:
        conn = scope.connection
        for team in DEMO_TEAMS:
            await conn.execute(
                "INSERT INTO team (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", team
            )
        teams = [r["id"] for r in await conn.fetch("SELECT id FROM team ORDER BY name")]
        for i, (username, name, roles) in enumerate(users):
            if not roles:
                continue  # known to the provider, not (yet) to Trekant
            user_id = await conn.fetchval(
                "INSERT INTO app_user (username, display_name, email, provisioned_by) "
                "VALUES ($1, $2, $1, 'demo') ON CONFLICT (username) DO NOTHING RETURNING id",
                username,
                name,
            )
            if user_id is None:
                continue
            added += 1
            for role in roles:
                await conn.execute(
                    "INSERT INTO user_role (user_id, role, granted_by) VALUES ($1, $2, 'demo')",
                    user_id,
                    role,
                )
            if "administrator" not in roles:
                await conn.execute(
                    "INSERT INTO team_member (team_id, user_id) VALUES ($1, $2)",
                    teams[i % len(teams)],
                    user_id,
                )
    return added


async def seed_casework(code: str, *, seed: int | None = None) -> int:
    """Give the demo caseworkers and managers a realistic worklist in ``code``: open cases
    assigned round-robin, notifications received over the last weeks (through the real
    service, so activities and journal are what a caseworker would get), some activities
    done. Idempotent: does nothing if the kommune already has notifications."""
    from datetime import UTC, datetime

    from backend.casework import service

    rng = random.Random(seed if seed is not None else int(code) + 7)  # noqa: S311 - demo data
    async with tenant_transaction(DB, code) as scope:
        conn = scope.connection
        if await conn.fetchval("SELECT count(*) FROM underretning") > 0:
            return 0
        workers = await conn.fetch(
            "SELECT u.id, u.username FROM app_user u JOIN user_role r ON r.user_id = u.id "
            "WHERE r.role IN ('sagsbehandler', 'leder') AND u.active ORDER BY u.username"
        )
        if not workers:
            return 0
        teams = [r["id"] for r in await conn.fetch("SELECT id FROM team ORDER BY name")]
        cases = await conn.fetch(
            "SELECT id FROM hovedsag WHERE closed_at IS NULL ORDER BY opened_at DESC"
        )
        for i, case in enumerate(cases):
            worker = workers[i % len(workers)]
            await conn.execute(
                "UPDATE hovedsag SET caseworker_id = $2, team_id = $3 WHERE id = $1",
                case["id"],
                worker["id"],
                teams[i % len(teams)] if teams else None,
            )
        sources = [
            "skole",
            "skole",
            "dagtilbud",
            "politi",
            "sundhed",
            "familie",
            "nabo",
            "anonym",
            "andet",
        ]
        made = 0
        now = datetime.now(UTC)
        for i, case in enumerate(cases[: max(12, len(cases) // 3)]):
            worker = workers[i % len(workers)]
            source = rng.choice(sources)
            kind = (
                "anonym"
                if source == "anonym"
                else "fagperson"
                if source in ("skole", "dagtilbud", "politi", "sundhed")
                else "privat"
            )
            recent = rng.random() < 0.7
            received = now - timedelta(hours=rng.randint(2, 24 * (8 if recent else 40)))
            _, activity_ids = await service.do_register_underretning(
                worker["username"],
                case["id"],
                received_at=received,
                notifier_kind=kind,
                source=source,
                concerns=rng.choice(CONCERNS),
                suspected_abuse=rng.random() < 0.1,
                notifier_name=None,
                notifier_contact=None,
            )
            if received < now - timedelta(days=3) and rng.random() < 0.75:
                for activity_id in activity_ids[: rng.randint(1, len(activity_ids))]:
                    await service.do_complete_activity(worker["username"], activity_id, 1)
            made += 1
    return made


CONCERNS = [
    "Barnet kommer ofte for sent og virker træt og sulten.",
    "Bekymring for forældrenes alkoholforbrug; barnet har fortalt om uro i hjemmet.",
    "Barnet har et højt fravær og isolerer sig fra kammeraterne.",
    "Politiet har været tilkaldt til husspektakler på adressen.",
    "Barnet har mærker på armene og vil ikke fortælle, hvordan det er sket.",
    "Forælder har selv henvendt sig og beder om hjælp til at få hverdagen til at hænge sammen.",
    "Sundhedsplejersken er bekymret for spædbarnets trivsel og vægtøgning.",
]


def _write_demo_parents(
    rng: random.Random, child_rows: list[tuple[str, str, str, date, str]]
) -> None:
    """The synthetic CPR register's answer for these children: two parents each, custody
    with both, or with the mother only (development CPR source, see backend/network)."""
    from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file

    entries = {}
    for cpr, _first, last, birth, address in child_rows:
        mother_birth = birth - timedelta(days=rng.randint(20 * 365, 38 * 365))
        father_birth = birth - timedelta(days=rng.randint(21 * 365, 45 * 365))
        mother = CprPerson(
            synthetic_cpr(rng, mother_birth), f"{rng.choice(MOTHERS)} {last}", address
        )
        father = CprPerson(
            synthetic_cpr(rng, father_birth),
            f"{rng.choice(FATHERS)} {last}",
            address if rng.random() < 0.6 else f"{rng.choice(STREETS)} {rng.randint(1, 99)}",
        )
        custody = [mother.cpr, father.cpr] if rng.random() < 0.7 else [mother.cpr]
        entries[cpr] = CprRelations(
            child=CprPerson(cpr, f"{_first} {last}", address),
            parents=[mother, father],
            custody=custody,
        )
    add_to_demo_file(demo_file(), entries)


MOTHERS = ["Mette", "Louise", "Camilla", "Maria", "Sarah", "Fatima", "Anne", "Line", "Julie"]
FATHERS = ["Martin", "Thomas", "Jesper", "Rasmus", "Ahmed", "Peter", "Kasper", "Mads", "Jonas"]
