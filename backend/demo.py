"""Synthetic demo kommuner, children and cases for development (fictitious CPR numbers).

Everything is written through the application role inside each kommune's tenant
transaction, the same path a request takes.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from stdnum.dk import cpr as cpr_lib

from backend import demo_repository as repo
from backend.core.danish import today_dk
from backend.db import DB
from tenancy.context import tenant_transaction

if TYPE_CHECKING:
    from backend.casework.access import AccessibleCase

DEMO_KOMMUNER = [("0101", "København", 240), ("0461", "Odense", 160), ("0751", "Aarhus", 180)]
# The demo kommune that logs in through Fælleskommunal Adgangsstyring (KOMBIT's Context
# Handler, the development one in infra/contexthandler) instead of its own OpenID Connect
# provider; its roles come from the assertion's privileges.
CONTEXT_HANDLER_KOMMUNE = "0751"

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
    today = today_dk()
    async with tenant_transaction(DB, code):
        if await repo.count_children() > 0:
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
        # The register also knows children Trekant does not have yet: registering one of
        # them (Registrér barn) fetches name, address and parents (cpr-demo.json).
        # Their own random stream, so the rest of the demo data stays as it was.
        other = random.Random(f"{code}:{seed}:unregistered")  # noqa: S311 - demo data
        unregistered = []
        for _ in range(max(2, children // 10)):
            birth = today - timedelta(days=other.randint(30, 17 * 365 + 300))
            number = synthetic_cpr(other, birth)
            if number not in seen:
                seen.add(number)
                unregistered.append(
                    (
                        number,
                        other.choice(FIRST),
                        other.choice(LAST),
                        birth,
                        f"{other.choice(STREETS)} {other.randint(1, 120)}",
                    )
                )
        _write_demo_parents(rng, child_rows, exempt_first=True)
        # The first of them has a father exempt from Digital Post too: registering that child
        # gives a newcomer a case of their own for issue 15's path (`trekant dev` names it).
        _write_demo_parents(other, unregistered, exempt_first=True, protected_second=True)
        ids = []
        for row in child_rows:
            ids.append((await repo.insert_child(*row), row[3]))
        case_rows = []
        for child_id, birth in ids:
            stage = rng.choice(STAGES)
            opened = max(birth, today - timedelta(days=rng.randint(1, 900)))
            closed = opened + timedelta(days=rng.randint(30, 400)) if stage == "afsluttet" else None
            if closed and closed > today:
                closed = today
            case_rows.append((child_id, opened, closed, stage))
        await repo.insert_cases(case_rows)
    return children


DEMO_TEAMS = ["Modtagelsen", "Familieteam Nord", "Familieteam Syd"]


async def provision_demo_users(code: str, users: list[tuple[str, str, tuple[str, ...]]]) -> int:
    """Provision ``(username, name, roles)`` users (those with roles) and the demo teams in
    kommune ``code`` if missing; return how many users were added."""
    added = 0
    async with tenant_transaction(DB, code):
        for team in DEMO_TEAMS:
            await repo.insert_team(team)
        teams = await repo.list_team_ids()
        for i, (username, name, roles) in enumerate(users):
            if not roles:
                continue  # known to the provider, not (yet) to Trekant
            user_id = await repo.insert_user(username, name)
            if user_id is None:
                continue
            added += 1
            for role in roles:
                await repo.insert_role(user_id, role)
            if "administrator" not in roles:
                await repo.insert_team_member(teams[i % len(teams)], user_id)
    return added


async def map_teams_to_units(code: str, units: dict[str, str]) -> None:
    """Map kommune ``code``'s demo teams to FK Organisation units (``{team name: unit
    UUID}``), as an administrator does under Administration › Teams: the Context Handler
    kommune's demo users carry organisation-unit restrictions naming these units
    (``infra/contexthandler``), which reach the cases of the mapped teams."""
    async with tenant_transaction(DB, code):
        for team, unit in units.items():
            await repo.map_team_to_unit(team, uuid.UUID(unit))


ASSESSMENTS = (
    "Underretningen beskriver bekymring for barnets trivsel i hverdagen. Barnet er ikke i "
    "akut fare; forholdene skal afdækkes nærmere sammen med forældrene.",
    "Barnet har det godt i skolen ifølge lærerne. Bekymringen giver ikke anledning til "
    "akutte foranstaltninger, men sagen følges op med en samtale med familien.",
)


def _demo_record(
    rng: random.Random, rule_id: str | None, day: date
) -> dict[str, str | bool] | None:
    """A plausible completion record for a demo activity of ``rule_id`` (None: the demo
    leaves it open)."""
    if rule_id == "vurdering-24-timer":
        return {
            "fare": False,
            "akut": False,
            "vurdering": rng.choice(ASSESSMENTS),
            "naeste_skridt": rng.choice(["afdaekning", "undersoegelse", "ingen"]),
        }
    if rule_id == "kvittering-fagperson":
        return {"sendt_dato": day.isoformat(), "sendt_med": rng.choice(["digital_post", "e_mail"])}
    if rule_id == "revurdering-137":
        return None  # someone not on the case chooses themselves (a user), left open
    if rule_id == "overgreb-stillingtagen":
        return {"undersoegelse": True, "begrundelse": "Mistanken kræver en undersøgelse."}
    if rule_id == "overgreb-samtale":
        return {
            "holdt": True,
            "dato": day.isoformat(),
            "uden_foraeldre": True,
            "barnets_ord": "Barnet fortalte om det, der skete derhjemme.",
        }
    if rule_id == "afklar-henvendelse":
        answer = "Familien har fået svar og tilbud om en samtale."
        return {"svar": answer, "svar_dato": day.isoformat()}
    return {}


async def seed_casework(code: str, *, seed: int | None = None) -> int:
    """Give the demo kommune cases at every stage of the process, built through the real
    services (so activities, deadlines and journal are exactly what a caseworker would
    get): notifications received over recent weeks, investigations under way (some past
    their 4 months), decisions being prepared (some with the child conversation held),
    measures and placements running for months with follow-ups done or overdue, and a few
    colleagues added as co-caseworkers. Open cases go round-robin to the demo caseworkers
    and managers, in their own team. Idempotent: does nothing if the kommune already has
    notifications. Journal entries carry today's time; the dates in them tell the story."""
    from datetime import UTC, datetime

    from backend.casework import access, process, service
    from backend.core.danish import DK

    rng = random.Random(seed if seed is not None else int(code) + 7)  # noqa: S311 - demo data
    made = 0
    async with tenant_transaction(DB, code):
        if await repo.count_underretninger() > 0:
            return 0
        workers = await repo.list_workers()
        if not workers:
            return 0
        cases = await repo.list_open_cases()
        now = datetime.now(UTC)
        today = now.astimezone(DK).date()
        decisions: list[tuple[uuid.UUID, uuid.UUID, repo.DemoWorker]] = []  # for complaints
        for i, case in enumerate(cases):
            worker = workers[i % len(workers)]
            actor = worker.username
            await repo.assign_case(case.id, worker.id, worker.team_id)
            seeded = await access.system_case(case.id, "demo seed: the kommune's demo cases")
            target = case.stage
            # Older notifications lie further along the process.
            days_ago = {
                "afklaring": rng.randint(0, 12),
                "undersoegelse": rng.randint(20, 150),
                "afgoerelse": rng.randint(90, 200),
                "indsats": rng.randint(120, 600),
            }[target]
            received = now - timedelta(days=days_ago, hours=rng.randint(1, 20))
            source = rng.choice(SOURCES)
            kind = (
                "anonym"
                if source == "anonym"
                else "fagperson"
                if source in ("skole", "dagtilbud", "politi", "sundhed")
                else "privat"
            )
            concerns = rng.choice(CONCERNS)
            _, activity_ids = await service.do_register_underretning(
                actor,
                seeded,
                received_at=received,
                notifier_kind=kind,
                source=source,
                concerns=concerns,
                suspected_abuse=rng.random() < 0.08,
                notifier_name=None,
                notifier_contact=None,
                causes=CONCERN_CAUSES[concerns],
            )
            made += 1
            # Most assessments and receipts are done once a few days have passed.
            if days_ago >= 3 or rng.random() < 0.3:
                for activity_id in activity_ids:
                    if target != "afklaring" or rng.random() < 0.75:
                        rule_id = await repo.activity_rule(activity_id)
                        day = max(received.astimezone(DK).date(), today - timedelta(days=300))
                        record = _demo_record(rng, rule_id, min(day + timedelta(days=1), today))
                        if record is None or (
                            rule_id == "overgreb-stillingtagen" and target == "afklaring"
                        ):
                            continue  # left open: the § 20 decision is still to be made
                        await service.do_complete_activity(actor, activity_id, 1, record)
            if target == "afklaring":
                continue
            aware = received.astimezone(DK).date()
            await service.do_start_investigation(actor, seeded, aware)
            if target == "undersoegelse":
                continue
            await process.do_complete_investigation(actor, seeded, today, rng.choice(CONCLUSIONS))
            placement = rng.random() < 0.35
            paragraph = rng.choice(["46", "46", "47"]) if placement else "32"
            await process.do_start_visitation(actor, seeded, paragraph)
            if target == "afgoerelse":
                if rng.random() < 0.5:
                    await process.do_record_step(
                        actor,
                        seeded,
                        kind="boernesamtale",
                        happened_on=today - timedelta(days=rng.randint(0, 10)),
                        note="Samtale med barnet alene; barnet fortalte om hverdagen.",
                        indsats_id=None,
                        next_due=None,
                        next_reason=None,
                    )
                continue
            starts = today - timedelta(days=rng.randint(10, max(11, days_ago - 60)))
            for step in ("boernesamtale", "partshoering") + (
                ("plan",) if paragraph == "47" else ()
            ):
                await process.do_record_step(
                    actor,
                    seeded,
                    kind=step,
                    happened_on=starts - timedelta(days=rng.randint(8, 20)),
                    note="",
                    indsats_id=None,
                    next_due=None,
                    next_reason=None,
                )
            measure = rng.choice(PLACEMENTS if placement else SUPPORT)
            if paragraph == "47":
                # Only børne- og ungeudvalget decides § 47 (_seed_committee shows it); the
                # older random placements were made with consent.
                paragraph = "46"
            decided = await process.do_decide(
                actor,
                seeded,
                paragraph=paragraph,
                outcome="bevilget",
                decided_on=starts - timedelta(days=rng.randint(1, 7)),
                summary=f"{process.MEASURES[measure][0]} bevilges efter § {paragraph}.",
                exceptions={},
                measure=measure,
                starts_on=starts,
            )
            decisions.append((case.id, decided.afgoerelse_id, worker))
            if placement:
                # Reported to Ankestyrelsen 3-28 days after the decision, once that day has come.
                sent_on = starts + timedelta(days=3 + case.id.int % 26)
                if sent_on < today:
                    await _send_anke_report(code, worker, seeded, decided.activities, sent_on)
            if decided.indsats_id and (today - starts).days > 80 and rng.random() < 0.6:
                await process.do_record_step(
                    actor,
                    seeded,
                    kind="opfoelgning",
                    happened_on=today - timedelta(days=rng.randint(0, 20)),
                    note="Indsatsen virker efter hensigten.",
                    indsats_id=decided.indsats_id,
                    next_due=today + timedelta(days=rng.randint(20, 180)),
                    next_reason=rng.choice(FOLLOW_UP_REASONS),
                )
            if rng.random() < 0.5:
                await service.complete_by_event(actor, case.id, "plan.godkendt")
        # A few cases are shared with a colleague.
        every = max(1, len(cases) // 8)
        for i in range(0, len(cases), every):
            case = cases[i]
            owner, other = workers[i % len(workers)], workers[(i + 1) % len(workers)]
            if other.id != owner.id:
                await repo.add_case_worker(case.id, other.id, owner.username)
        await _seed_own_activities(workers, cases, today)
        await _seed_complaints(decisions, today)
        await _seed_placement(workers, cases, today, code)
        await _seed_support_after_18(workers, today, rng)
        await _seed_change_of_place(code, workers, today, rng)
        await _seed_front(workers, cases, today, rng)
        await _seed_committee(workers, today, rng)
        # ICS documents on running investigations (backend/ics/demo.py).
        from backend.ics.demo import seed_ics

        await seed_ics()
        from backend.money.demo import seed_money  # suppliers, offers, bevillinger, payments

        await seed_money()
        if code == DEMO_KOMMUNER[0][0]:  # København: this quarter's DST delivery, sent
            from backend.statistics.demo import seed_dst

            await seed_dst(code)
        # Retention (issue 18 item 4): a few closed cases past their period, waiting for the
        # administrator's approval under Administration › Sletning.
        await repo.backdate_closed_cases(6, today)
        # The daily raw data (issue 18 item 5): the extract the nightly job would have made.
        from backend.extract.service import run_extract

        await run_extract(code, "trekant:nat")
    return made


async def _own_child(
    caseworker: repo.DemoWorker,
    rng: random.Random,
    today: date,
    first: str,
    last: str,
    years: int,
) -> uuid.UUID:
    """A child of its own with a case opened today on the demo caseworker's list, for a state
    of the process that must always be in the demo: how many of the random cases are still
    being clarified depends on the population (and on the order of the workers' ids)."""
    birth = today - timedelta(days=365 * years + rng.randint(0, 300))
    case_id = None
    while case_id is None:
        case_id = await repo.insert_child_with_case(
            synthetic_cpr(rng, birth), first, last, birth, "Vestergade 3", today
        )
    await repo.assign_case(case_id, caseworker.id, caseworker.team_id)
    return case_id


async def _seed_committee(workers: list[repo.DemoWorker], today: date, rng: random.Random) -> None:
    """Issue 17 item 2: two children of their own on the demo caseworker's list have an
    indstilling to børne- og ungeudvalget about placement without
    consent: one awaits the meeting in ten days, the parents offered counsel; the other
    was decided by the committee today, the placement in a foster family starting, and its
    letter with complaint guidance is to be sent (the mother, with e-mail, in the network)."""
    from backend.casework import access, committee, lifecycle, process
    from backend.core.permissions import permissions_for
    from backend.core.principal import Principal
    from backend.network import service as network
    from backend.network.schemas import MemberCreate

    caseworker = next((w for w in workers if w.username.startswith("sagsbehandler@")), None)
    if caseworker is None:
        return
    actor = caseworker.username
    reasons = (
        "Der er åbenbar risiko for, at barnets sundhed og udvikling lider alvorlig skade på "
        "grund af utilstrækkelig omsorg (§ 47, stk. 1, nr. 1). Forældrene samtykker ikke."
    )
    waiting = await access.system_case(
        await _own_child(caseworker, rng, today, "Freja", "Holm", 6),
        "demo seed: an indstilling to the committee",
    )
    ind = await committee.do_prepare(
        actor, waiting, measure="plejefamilie", reasons=reasons, meeting_on=today + timedelta(10)
    )
    await committee.do_offer(
        actor,
        waiting,
        ind,
        party="foraeldre",
        offered_on=today,
        accepted=True,
        lawyer="Advokat Karen Holm",
    )
    decided = await access.system_case(
        await _own_child(caseworker, rng, today, "Noah", "Bach", 11),
        "demo seed: decided by the committee",
    )
    ind = await committee.do_prepare(
        actor, decided, measure="plejefamilie", reasons=reasons, meeting_on=today
    )
    state = await lifecycle.transfer_state(decided)
    if state is not None:
        me = Principal(
            caseworker.id,
            caseworker.username,
            "Sagsbehandler",
            "",
            ("sagsbehandler",),
            permissions_for(["sagsbehandler"]),
        )
        await network.add_member(
            me,
            state.child_id,
            MemberCreate(relation="mor", name="Lise Bach", email="lise.bach@example.dk"),
        )
    birth = (await committee.overview(decided)).birth_date
    parties = ("foraeldre", "barn") if committee.child_needs_offer(birth, today) else ("foraeldre",)
    for party in parties:
        await committee.do_offer(
            actor, decided, ind, party=party, offered_on=today, accepted=True, lawyer=None
        )
    for step in ("boernesamtale", "partshoering", "plan"):
        await process.do_record_step(
            actor,
            decided,
            kind=step,
            happened_on=today,
            note="",
            indsats_id=None,
            next_due=None,
            next_reason=None,
        )
    await committee.do_committee_decision(
        actor,
        decided,
        ind,
        version=1,
        outcome="bevilget",
        decided_on=today,
        reasons="Udvalget følger indstillingen. Betingelserne i § 47, stk. 1, nr. 1, er "
        "opfyldt; formålet er et trygt hjem, forventet varighed 2 år.",
        starts_on=today,
        review_months=12,
    )


VIOLENCE_PLAN = [
    ("Samtale med barnet", 1, "arbejdsdage", "Samtalen holdes med barnet alene."),
    ("Kontakt skolen", 3, "arbejdsdage", "Klasselæreren: fravær, trivsel og det, skolen har set."),
    ("Kontakt sundhedsplejen eller egen læge", 5, "arbejdsdage", None),
    ("Børnefaglig vurdering", 10, "arbejdsdage", "Skal der iværksættes en § 20-undersøgelse?"),
]


async def _seed_own_activities(
    workers: list[repo.DemoWorker], cases: list[repo.DemoCase], today: date
) -> None:
    """Issue 17 item 7: the demo caseworker's team has the activity plan "Underretning om
    vold", kept by the demo manager (who joins that team for it), and one of the
    caseworker's cases has an own activity."""
    from backend.casework import access, own
    from backend.core.permissions import permissions_for
    from backend.core.principal import Principal
    from backend.plans import service as plans
    from backend.plans.schemas import PlanItemWrite

    caseworker = next((w for w in workers if w.username.startswith("sagsbehandler@")), None)
    manager = next((w for w in workers if w.username.startswith("leder@")), None)
    if caseworker is None or manager is None or caseworker.team_id is None:
        return
    await repo.join_team(caseworker.team_id, manager.id)
    lene = Principal(
        manager.id, manager.username, "Leder", "", ("leder",), permissions_for(["leder"])
    )
    await plans.do_create_plan(
        lene,
        caseworker.team_id,
        "Underretning om vold",
        "Når en underretning handler om vold mod barnet eller i hjemmet.",
        [PlanItemWrite(t, d, k, x) for t, d, k, x in VIOLENCE_PLAN],
    )
    mine = [c for i, c in enumerate(cases) if workers[i % len(workers)].id == caseworker.id]
    if mine:
        case = await access.system_case(mine[0].id, "demo seed: an own activity")
        await own.do_add_own_activity(
            caseworker.username,
            caseworker.id,
            case,
            title="Ring til skolen om fraværet",
            due_on=today + timedelta(days=3),
            description="Spørg klasselæreren, hvordan de sidste to uger er gået.",
            enkeltsag_id=None,
            owner_id=None,
        )


async def _seed_complaints(
    decisions: list[tuple[uuid.UUID, uuid.UUID, repo.DemoWorker]], today: date
) -> None:
    """Issue 17 item 3: on two of the demo caseworker's decided cases the young person has
    complained: one complaint is being reconsidered, the other was upheld and sent to
    Ankestyrelsen as a package (the decision letter's PDF enclosed)."""
    from backend.appeals import service as appeals
    from backend.appeals.schemas import GenvurderingCreate, KlageCreate, PackageCreate
    from backend.casework import access, lifecycle
    from backend.core.permissions import permissions_for
    from backend.core.principal import Principal
    from backend.documents import service as documents
    from backend.letters.render import pdf
    from tenancy.context import current_scope

    mine = [d for d in decisions if d[2].username.startswith("sagsbehandler@")]
    dated = []
    for case_id, afgoerelse_id, worker in mine:
        found = await lifecycle.decision_on_case(case_id, afgoerelse_id)
        if found is not None:
            dated.append((found.decided_on, case_id, afgoerelse_id, worker))
    dated.sort(key=lambda d: d[0])
    # the oldest decision's complaint has gone to Ankestyrelsen; the next is reconsidered
    for n, (decided_on, case_id, afgoerelse_id, worker) in enumerate(dated[:2]):
        sent = n == 0
        me = Principal(
            worker.id, worker.username, "Sagsbehandler", current_scope().code,
            ("sagsbehandler",), permissions_for(["sagsbehandler"]),
        )  # fmt: skip
        case = await access.system_case(case_id, "demo seed: a complaint")
        if sent:
            notified = decided_on
            received = min(notified + timedelta(days=10), today)
        else:
            notified = max(decided_on, today - timedelta(days=20))
            received = max(notified, today - timedelta(days=6))
        await lifecycle.record_decision_notified(
            case, afgoerelse_id, notified_on=notified, to_whom="forældrene",
            owner_id=worker.id, actor=worker.username,
        )  # fmt: skip
        document_id = await documents.store_bytes(
            case,
            title="Afgørelse (brev til forældrene)",
            kind="afgoerelse",
            dated=notified,
            filename="afgoerelse.pdf",
            content=await pdf(
                "<html lang='da'><body><h1>Afgørelse</h1><p>Kommunen har truffet afgørelse "
                "om indsats efter barnets lov. Klagevejledning: klag inden 4 uger.</p>"
                "</body></html>",
                archive=False,
            ),
            content_type="application/pdf",
            added_by=worker.id,
            added_by_name="Sagsbehandler",
        )
        klage = await appeals.do_register(
            me,
            case,
            KlageCreate(
                afgoerelse_id=str(afgoerelse_id),
                received_on=received,
                complainant="barn",
                about="Den unge er uenig i afgørelsen og ønsker en anden indsats.",
            ),
        )
        if not sent:
            continue
        reconsidered = min(received + timedelta(days=20), today)
        upheld = await appeals.do_reconsider(
            me,
            case,
            klage.id,
            GenvurderingCreate(
                version=klage.version,
                outcome="fastholdt",
                decided_on=reconsidered,
                reasons="Indsatsen svarer til barnets behov, som undersøgelsen beskriver.",
            ),
        )
        await appeals.do_send(
            me,
            case,
            klage.id,
            PackageCreate(
                version=upheld.version, sent_on=min(reconsidered + timedelta(days=2), today),
                document_ids=[document_id],
            ),
        )  # fmt: skip


async def _seed_front(
    workers: list[repo.DemoWorker], cases: list[repo.DemoCase], today: date, rng: random.Random
) -> None:
    """Issue 17 item 1, on the demo caseworker's cases: one in afdækning (open), one with a
    notification about suspected abuse awaiting the § 20 decision, and one investigation
    with a preliminary assessment (§ 20, stk. 3)."""
    from datetime import UTC, datetime

    from backend.casework import access, front, service

    caseworker = next((w for w in workers if w.username.startswith("sagsbehandler@")), None)
    if caseworker is None:
        return
    actor = caseworker.username
    mine = [c for i, c in enumerate(cases) if workers[i % len(workers)].id == caseworker.id]
    fresh = [
        await _own_child(caseworker, rng, today, "Asta", "Lykke", 9),
        await _own_child(caseworker, rng, today, "Malte", "Skov", 7),
    ]
    case = await access.system_case(fresh[0], "demo seed: an afdækning")
    await front.do_start_afdaekning(
        actor, case, "Skolefravær og trivsel: tal med skolen og forældrene."
    )
    case = await access.system_case(fresh[1], "demo seed: suspected abuse")
    await service.do_register_underretning(
        actor,
        case,
        received_at=datetime.now(UTC) - timedelta(hours=5),
        notifier_kind="fagperson",
        source="skole",
        concerns="Barnet har blå mærker på armene og siger, at far slår.",
        suspected_abuse=True,
        notifier_name="Skovskolen, klasselærer",
        notifier_contact=None,
        causes=["overgreb", "vold_i_hjemmet"],
    )
    investigating = [c for c in mine if c.stage == "undersoegelse"]
    if investigating:
        case = await access.system_case(investigating[0].id, "demo seed: preliminary assessment")
        await front.do_preliminary_assessment(
            actor,
            case,
            assessed_on=today,
            assessment="Barnets trivsel er bedret; psykologens udtalelse mangler endnu.",
            expected_on=today + timedelta(days=21),
        )


async def _seed_placement(
    workers: list[repo.DemoWorker], cases: list[repo.DemoCase], today: date, code: str
) -> None:
    """Issue 17 items 5-6: one of the demo caseworker's children (a notification not yet
    assessed) is placed in a foster family from 300 days ago: the first supervision visit
    was held 250 days ago, so the next is overdue; the mother is in the network with a
    decision on supervised contact. Issue 18 item 2: the caseworker reported the placement
    to Ankestyrelsen 12 days after the decision (journalised)."""
    from backend.casework import access, lifecycle, process, service
    from backend.core.permissions import permissions_for
    from backend.core.principal import Principal
    from backend.network import service as network
    from backend.network.schemas import MemberCreate
    from backend.placement import service as placement
    from backend.placement.schemas import ContactDecisionCreate

    caseworker = next((w for w in workers if w.username.startswith("sagsbehandler@")), None)
    if caseworker is None:
        return
    mine = [
        c
        for i, c in enumerate(cases)
        if workers[i % len(workers)].id == caseworker.id and c.stage == "afklaring"
    ]
    if len(mine) < 2:
        return
    case = await access.system_case(mine[1].id, "demo seed: a placed child")
    actor = caseworker.username
    starts = today - timedelta(days=300)
    decided = await process.do_decide(
        actor,
        case,
        paragraph="46",
        outcome="bevilget",
        decided_on=starts - timedelta(days=5),
        summary="Anbringelse i plejefamilie bevilges efter § 46 med forældrenes samtykke.",
        exceptions={
            "boernesamtale": "Samtalen blev holdt i forbindelse med afdækningen.",
            "partshoering": "Forældrene har givet samtykke til anbringelsen.",
        },
        measure="plejefamilie",
        starts_on=starts,
    )
    await _send_anke_report(code, caseworker, case, decided.activities, starts + timedelta(days=7))
    visit = None
    for activity_id in decided.activities:
        if await repo.activity_rule(activity_id) == "tilsynsbesoeg":
            visit = activity_id
    if visit is not None:
        await service.do_complete_activity(
            actor,
            visit,
            1,
            {
                "dato": (today - timedelta(days=250)).isoformat(),
                "sted": "Plejefamiliens hjem",
                "besoegt_af": "Sagsbehandleren",
                "alene": True,
                "barnets_ord": "Barnet fortalte om sin nye skole og savner at se sin mor oftere.",
                "iagttagelser": "Barnet er faldet godt til og har et trygt forhold til plejemor.",
                "opfoelgning": "Drøft hyppigheden af samværet med moren.",
            },
        )
    me = Principal(
        caseworker.id,
        caseworker.username,
        "Sagsbehandler",
        "",
        ("sagsbehandler",),
        permissions_for(["sagsbehandler"]),
    )
    state = await lifecycle.transfer_state(case)
    if state is None:
        return
    child_id = state.child_id
    mother = await network.add_member(
        me, child_id, MemberCreate(relation="mor", name="Mette Jensen", phone="20304050")
    )
    await placement.do_add_decision(
        actor,
        case,
        ContactDecisionCreate(
            network_member_id=mother.id,
            form="overvaaget_samvaer",
            frequency="Hver anden uge, to timer",
            restrictions="Samværet foregår på familiecentret.",
            decided_on=today - timedelta(days=40),
        ),
    )


async def _send_anke_report(
    code: str,
    worker: repo.DemoWorker,
    case: AccessibleCase,
    activity_ids: list[uuid.UUID],
    sent_on: date,
    rule: str = "indberet-anbringelse",
) -> None:
    """Issue 18 item 2: ``worker`` sends the report of the activity of ``rule`` among
    ``activity_ids`` (the placement's "Indberet anbringelsen til Ankestyrelsen", or a change
    of place), dated ``sent_on``, through the development receiver (left open when it is
    not running)."""
    from datetime import datetime, time

    from backend.ankestyrelsen import adapter
    from backend.ankestyrelsen import service as anke
    from backend.ankestyrelsen.schemas import AnkeReportCreate
    from backend.core.danish import DK
    from backend.core.errors import StateConflict, Unavailable
    from backend.core.permissions import permissions_for
    from backend.core.principal import Principal

    if adapter.receiver_url() is None:
        return
    for activity_id in activity_ids:
        if await repo.activity_rule(activity_id) != rule:
            continue
        me = Principal(
            worker.id,
            worker.username,
            await repo.display_name(worker.id),
            code,
            ("sagsbehandler",),
            permissions_for(["sagsbehandler"]),
        )
        report = (
            AnkeReportCreate(cause="barnets_behov")
            if rule == "indberet-aendring"
            else AnkeReportCreate(
                reasons=["omsorgssvigt", "foraeldre_psykisk"],
                child_experience="Barnet fortalte, at det er trygt at bo hos plejefamilien, "
                "men at det savner sin mor og sine søskende.",
                child_informed=True,
            )
        )
        try:
            await anke.do_send(
                me, case, activity_id, report, datetime.combine(sent_on, time(11, 0), DK)
            )
        except (StateConflict, Unavailable):
            return  # the receiver refused or did not answer: the duty stays open


async def _seed_change_of_place(
    code: str, workers: list[repo.DemoWorker], today: date, rng: random.Random
) -> None:
    """Issue 18 item 2, skema 2, on the demo caseworker's cases: Liva Holm (11) was placed in
    a foster family eight months ago (reported a week later) and moved to an opholdssted two
    months ago — a new placement while the first ran, the first ended the day before; the
    change was reported to Ankestyrelsen three weeks ago."""
    from backend.casework import access, process

    caseworker = next((w for w in workers if w.username.startswith("sagsbehandler@")), None)
    if caseworker is None:
        return
    actor = caseworker.username
    birth = today - timedelta(days=11 * 365 + rng.randint(0, 300))
    placed_on = today - timedelta(days=240)
    case_id = None
    while case_id is None:
        case_id = await repo.insert_child_with_case(
            synthetic_cpr(rng, birth), "Liva", "Holm", birth, "Åboulevarden 3", placed_on
        )
    await repo.assign_case(case_id, caseworker.id, caseworker.team_id)
    case = await access.system_case(case_id, "demo seed: a change of place")
    placed = await process.do_decide(
        actor,
        case,
        paragraph="46",
        outcome="bevilget",
        decided_on=placed_on - timedelta(days=5),
        summary="Anbringelse i plejefamilie bevilges efter § 46 med forældrenes samtykke.",
        exceptions={
            "boernesamtale": "Samtalen blev holdt i forbindelse med undersøgelsen.",
            "partshoering": "Forældrene har givet samtykke til anbringelsen.",
        },
        measure="plejefamilie",
        starts_on=placed_on,
    )
    await _send_anke_report(
        code, caseworker, case, placed.activities, placed_on + timedelta(days=7)
    )
    moved_on = today - timedelta(days=60)
    moved = await process.do_decide(
        actor,
        case,
        paragraph="46",
        outcome="bevilget",
        decided_on=moved_on - timedelta(days=4),
        summary="Liva flytter fra plejefamilien til et opholdssted, der kan give den støtte, "
        "hun nu har brug for. Forældrene har givet samtykke.",
        exceptions={
            "boernesamtale": "Samtalen blev holdt i plejefamilien før flytningen.",
            "partshoering": "Forældrene har givet samtykke til flytningen.",
        },
        measure="opholdssted",
        starts_on=moved_on,
    )
    if placed.indsats_id is not None:
        await process.do_end_measure(
            actor,
            placed.indsats_id,
            1,
            moved_on - timedelta(days=1),
            "Liva er flyttet til et opholdssted.",
        )
    await _send_anke_report(
        code,
        caseworker,
        case,
        moved.activities,
        today - timedelta(days=21),
        rule="indberet-aendring",
    )


async def _seed_support_after_18(
    workers: list[repo.DemoWorker], today: date, rng: random.Random
) -> None:
    """Issue 17 item 4, on the demo caseworker's worklist: Jonas, placed, is 17 years and 4
    months old, so the decision on support after 18 (§ 111) is due in two months, six months
    before his birthday; Amalie, 19, was placed until 18 and has support after 18 under
    § 114 (continued stay at the opholdssted until the day before she turns 23), linked
    from her transition; backend/money/demo.py gives it its bevilling."""
    from backend.casework import access, process
    from backend.core.workdays import add_months

    caseworker = next((w for w in workers if w.username.startswith("sagsbehandler@")), None)
    if caseworker is None:
        return
    actor = caseworker.username
    steps = {
        "boernesamtale": "Samtalen blev holdt på opholdsstedet.",
        "partshoering": "Den unge og forældrene har givet samtykke.",
    }
    for first, last, age_months in (
        ("Jonas", "Overgaard", 17 * 12 + 4),
        ("Amalie", "Vestergaard", 19 * 12 + 3),
    ):
        birth = add_months(today, -age_months) - timedelta(days=rng.randint(0, 10))
        placed_on = add_months(birth, 16 * 12 + 2)
        case_id = None
        while case_id is None:
            case_id = await repo.insert_child_with_case(
                synthetic_cpr(rng, birth), first, last, birth, "Søndergade 14", placed_on
            )
        await repo.assign_case(case_id, caseworker.id, caseworker.team_id)
        case = await access.system_case(case_id, "demo seed: support after 18")
        placed = await process.do_decide(
            actor,
            case,
            paragraph="46",
            outcome="bevilget",
            decided_on=placed_on - timedelta(days=3),
            summary="Anbringelse på opholdssted bevilges efter § 46 med samtykke.",
            exceptions=steps,
            measure="opholdssted",
            starts_on=placed_on,
        )
        await process.do_record_step(
            actor,
            case,
            kind="ungeplan",
            happened_on=placed_on + timedelta(days=60),
            note="Ungeplanen er lavet sammen med den unge.",
            indsats_id=None,
            next_due=None,
            next_reason=None,
        )
        if first == "Jonas":
            continue
        eighteen = add_months(birth, 18 * 12)
        assert placed.indsats_id is not None
        await process.do_end_measure(
            actor,
            placed.indsats_id,
            1,
            eighteen - timedelta(days=1),
            "Anbringelsen ophører ved det fyldte 18. år; ungestøtte efter § 114 fortsætter.",
        )
        decided_on = add_months(eighteen, -6) - timedelta(days=5)
        support = await process.do_decide(
            actor,
            case,
            paragraph="114",
            outcome="bevilget",
            decided_on=decided_on,
            summary="Amalie bliver boende på opholdsstedet efter det 18. år, så hun kan "
            "gøre sin uddannelse færdig.",
            exceptions=steps,
            measure="viderefoert_anbringelse",
            starts_on=eighteen,
            ends_on=add_months(birth, 23 * 12) - timedelta(days=1),
        )
        await process.do_record_step(
            actor,
            case,
            kind="overgang",
            happened_on=decided_on,
            note="Ungeplanen er revideret med Amalie.",
            indsats_id=None,
            next_due=None,
            next_reason=None,
            afgoerelse_id=support.afgoerelse_id,
        )
        await process.do_record_step(
            actor,
            case,
            kind="opfoelgning",
            happened_on=today - timedelta(days=20),
            note="Amalie trives og går på HF.",
            indsats_id=support.indsats_id,
            next_due=today + timedelta(days=90),
            next_reason="Halvårlig opfølgning på ungestøtten",
        )


SOURCES = ["skole", "skole", "dagtilbud", "politi", "sundhed", "familie", "nabo", "anonym", "andet"]
SUPPORT = ["familiebehandling", "kontaktperson", "praktisk_paedagogisk_stoette", "aflastning"]
PLACEMENTS = ["plejefamilie", "netvaerksplejefamilie", "opholdssted", "doegninstitution"]
CONCLUSIONS = [
    "Barnet har behov for støtte; forældrene samarbejder.",
    "Barnets udvikling er truet; der er behov for en mere omfattende indsats.",
    "Familien har brug for hjælp til struktur i hverdagen.",
]
FOLLOW_UP_REASONS = [
    "Stabil udvikling; næste opfølgning om et halvt år",
    "Ny skole fra næste måned; tættere opfølgning",
    "Forældrene ønsker et møde inden næste statusmøde",
]


CONCERNS = [
    "Barnet kommer ofte for sent og virker træt og sulten.",
    "Bekymring for forældrenes alkoholforbrug; barnet har fortalt om uro i hjemmet.",
    "Barnet har et højt fravær og isolerer sig fra kammeraterne.",
    "Politiet har været tilkaldt til husspektakler på adressen.",
    "Barnet har mærker på armene og vil ikke fortælle, hvordan det er sket.",
    "Forælder har selv henvendt sig og beder om hjælp til at få hverdagen til at hænge sammen.",
    "Sundhedsplejersken er bekymret for spædbarnets trivsel og vægtøgning.",
]
# What each demo notification is about, by Danmarks Statistik's causes (vocab.py).
CONCERN_CAUSES = dict(
    zip(
        CONCERNS,
        [
            ["omsorg"],
            ["vold_i_hjemmet", "misbrug_foraeldre"],
            ["skole"],
            ["vold_i_hjemmet"],
            ["overgreb"],
            ["andet"],
            ["sundhed_barn", "omsorg"],
        ],
        strict=True,
    )
)


def _write_demo_parents(
    rng: random.Random,
    child_rows: list[tuple[str, str, str, date, str]],
    exempt_first: bool = False,
    protected_second: bool = False,
) -> None:
    """The synthetic CPR register's answer for these children: two parents each, custody
    with both, or with the mother only (development CPR source, see backend/network). With
    ``exempt_first``, the first child's father is exempt from Digital Post (his letters go
    to print; ``trekant dev`` names him at start). With ``protected_second``, the second child
    and its mother have address protection (adressebeskyttelse: the register answers their
    address, Trekant never shows or keeps it; ``trekant dev`` gives the child's number)."""
    from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file

    entries = {}
    for n, (cpr, _first, last, birth, address) in enumerate(child_rows):
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
        father.digital_post_exempt = exempt_first and n == 0
        # The exempt father has custody too: the afgørelse goes to both parents.
        both = rng.random() < 0.7 or father.digital_post_exempt
        custody = [mother.cpr, father.cpr] if both else [mother.cpr]
        protected = protected_second and n == 1
        mother.address_protected = protected
        if protected and father.address == address:
            father.address = (
                f"{STREETS[(STREETS.index(address.rsplit(' ', 1)[0]) + 1) % len(STREETS)]} 7"
            )
        entries[cpr] = CprRelations(
            child=CprPerson(cpr, f"{_first} {last}", address, address_protected=protected),
            parents=[mother, father],
            custody=custody,
        )
    add_to_demo_file(demo_file(), entries)


MOTHERS = ["Mette", "Louise", "Camilla", "Maria", "Sarah", "Fatima", "Anne", "Line", "Julie"]
FATHERS = ["Martin", "Thomas", "Jesper", "Rasmus", "Ahmed", "Peter", "Kasper", "Mads", "Jonas"]
