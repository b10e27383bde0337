"""FK Organisation (SF1500): the kommune's organisation (units in a tree, users with their
unit and job) read with ``FremsoegObjekthierarki``, and the import that makes Trekant's
users and teams follow it.

The administrator maps teams to organisation units ("Team ← organisationsenhed"). The
import (nightly, or "Hent nu") then, in one tenant transaction per run:
- creates a Trekant user for each active FK user in a mapped unit that Trekant does not
  know (matched by the Bruger UUID, else by the username), with the kommune's default role
  (roles stay Trekant's: the administrator changes them by hand);
- updates name, e-mail and job title of known ones, and puts each in the team its unit
  maps to (only memberships of mapped teams change);
- deactivates, never deletes, users from FK Organisation that are gone or inactive there
  (their cases keep them), except the kommune's last active administrator; their live
  sessions end as the run commits (the next request is answered 401).
Running it twice changes nothing the second time. A failed call stops the run before it
writes anything and is recorded on the run (``fkorg_import``) and audited.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from lxml import etree

from backend.audit.service import record
from backend.auth.session import end_sessions_after_commit
from backend.integrations import repository as repo
from backend.integrations.client import ServiceError, authority, call
from backend.integrations.settings import ServiceKind
from backend.outbox.service import enqueue, outbox_job
from tenancy.context import TenantScope, current_scope

log = logging.getLogger("trekant.integrations")

JOB = "fkorg.import"
ACTOR = "FK Organisation"
# SF1500 OrganisationSystem version 6 (namespace and input as OS2 clients send them, see
# docs/integrations.md); the SOAPAction follows KOMBIT's pattern for the Organisation
# service's WSDL (http://kombit.dk/sts/organisation/<service>/<operation>), not seen itself.
NS = "http://stoettesystemerne.dk/organisation/organisationsystem/6/"
ACTION = "http://kombit.dk/sts/organisation/organisationsystem/fremsoegobjekthierarki"
PAGE = 500  # MaksimalAntalKvantitet per call; FoersteResultatReference pages on


@dataclass(frozen=True)
class Unit:
    id: uuid.UUID
    name: str
    parent: uuid.UUID | None


@dataclass(frozen=True)
class OrgUser:
    id: uuid.UUID
    username: str
    name: str
    email: str | None
    job: str | None
    unit: uuid.UUID | None
    active: bool


@dataclass(frozen=True)
class Organisation:
    units: list[Unit]
    users: list[OrgUser]


def _local(el: Any) -> str:
    return str(etree.QName(el).localname)


def _first(el: Any, name: str) -> Any:
    for child in el.iter():
        if isinstance(child.tag, str) and _local(child) == name:
            return child
    return None


def _text(el: Any, name: str) -> str | None:
    found = _first(el, name)
    return found.text.strip() if found is not None and found.text else None


def _ref(el: Any, relation: str) -> uuid.UUID | None:
    rel = _first(el, relation)
    value = _text(rel, "UUIDIdentifikator") if rel is not None else None
    return uuid.UUID(value) if value else None


def parse(answer: etree._Element) -> Organisation:
    """The units and users of a ``FremsoegObjekthierarkiOutput``; ``ServiceError`` when the
    answer's StandardRetur is not 20 or an object has no UUID."""
    code = _text(answer, "StatusKode")
    if code not in (None, "20"):
        raise ServiceError("fejl", f"FK Organisation svarede med status {code}")
    units: list[Unit] = []
    users: list[OrgUser] = []
    try:
        group = _first(answer, "OrganisationEnheder")
        for obj in group if group is not None else []:
            oid = _text(_first(obj, "ObjektType"), "UUIDIdentifikator")
            units.append(
                Unit(uuid.UUID(oid or ""), _text(obj, "EnhedNavn") or "", _ref(obj, "Overordnet"))
            )
        group = _first(answer, "Brugere")
        for obj in group if group is not None else []:
            oid = _text(_first(obj, "ObjektType"), "UUIDIdentifikator")
            username = (_text(obj, "BrugerVendtNoegle") or "").lower()
            users.append(
                OrgUser(
                    id=uuid.UUID(oid or ""),
                    username=username,
                    name=_text(obj, "BrugerNavn") or username,
                    email=_text(obj, "Email"),
                    job=_text(obj, "Stillingsbetegnelse"),
                    unit=_ref(obj, "Tilknyttedeenheder"),
                    active=_text(obj, "GyldighedStatusKode") == "Aktiv",
                )
            )
    except ValueError as exc:
        raise ServiceError("ugyldigt_svar", "FK Organisations svar kan ikke læses") from exc
    return Organisation(units, users)


async def fetch_organisation(code: str) -> Organisation:
    """The kommune's organisation from FK Organisation (``ServiceError`` on failure)."""
    use = await repo.get_service_use(code, ServiceKind.SF1500)
    if use is None:
        raise ServiceError("ikke_sat_op", "FK Organisation er ikke sat op for kommunen")
    units: list[Unit] = []
    users: list[OrgUser] = []
    for page in range(200):  # at most 100,000 objects of each kind
        req = etree.Element(f"{{{NS}}}FremsoegObjekthierarkiInput", nsmap={"o": NS})
        if use.auth == "tls":
            authority(req, use.cvr)  # with a token the kommune is in the token
        etree.SubElement(req, f"{{{NS}}}FoersteResultatReference").text = str(page * PAGE)
        etree.SubElement(req, f"{{{NS}}}MaksimalAntalKvantitet").text = str(PAGE)
        got = parse(await call(code, ServiceKind.SF1500, ACTION, req))
        units += got.units
        users += got.users
        if len(got.units) < PAGE and len(got.users) < PAGE:
            break
    return Organisation(units, users)


async def request_import(by: str) -> uuid.UUID:
    """Queue an import run (in the caller's tenant transaction); an import already running
    (started in the last 15 minutes) is returned instead of a second one."""
    running = await repo.running_import()
    if running is not None:
        return running
    import_id = uuid.uuid4()
    await repo.insert_import(import_id, by)
    await enqueue(JOB, {"import_id": str(import_id), "by": by})
    return import_id


@dataclass
class Counts:
    units: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0


async def apply(org: Organisation, counts: Counts) -> None:
    """Make users and team memberships follow ``org`` (see the module's docstring)."""
    units = {u.id: u for u in org.units}
    mapped = await repo.list_mapped_teams()
    team_of_unit = {t.unit_uuid: t.id for t in mapped}
    mapped_ids = [t.id for t in mapped]
    counts.units = sum(1 for t in mapped if t.unit_uuid in units)
    for t in mapped:
        if t.unit_uuid in units:
            await repo.set_team_unit_name(t.id, units[t.unit_uuid].name)
    known = await repo.list_known_users()
    by_uuid = {u.fkorg_uuid: u for u in known if u.fkorg_uuid}
    by_name = {u.username: u for u in known}
    role = await repo.default_role()
    present: set[uuid.UUID] = set()
    for person in org.users:
        if not person.active or "@" not in person.username:
            continue
        present.add(person.id)
        mine = by_uuid.get(person.id) or by_name.get(person.username)
        team = team_of_unit.get(person.unit) if person.unit else None
        if mine is None:
            if team is None:
                continue  # only the units the administrator maps come into Trekant
            user_id = await repo.insert_fkorg_user(
                person.username, person.name, person.email, person.job, person.id, role
            )
            await record(
                ACTOR,
                "user.provisioned",
                str(user_id),
                user=person.username,
                roles=[role],
                source=ACTOR,
            )
            counts.created += 1
        else:
            user_id = mine.id
            reactivate = not mine.active and mine.deactivated_by == ACTOR
            if (mine.display_name, mine.email, mine.job_title, mine.fkorg_uuid) != (
                person.name,
                person.email,
                person.job,
                person.id,
            ) or reactivate:
                await repo.update_fkorg_user(
                    user_id, person.name, person.email, person.job, person.id, reactivate
                )
                if reactivate:
                    await record(ACTOR, "user.reactivated", str(user_id), user=person.username)
                counts.updated += 1
        if await repo.set_mapped_memberships(user_id, [team] if team else [], mapped_ids):
            await record(ACTOR, "user.teams_changed", str(user_id), user=person.username)
    admins_left = sum(1 for u in known if u.active and u.administrator)
    for mine in known:
        if mine.fkorg_uuid is None or mine.fkorg_uuid in present or not mine.active:
            continue
        if mine.administrator:
            if admins_left <= 1:
                continue  # never the last active administrator
            admins_left -= 1
        await repo.deactivate_fkorg_user(mine.id)
        end_sessions_after_commit(current_scope().code, str(mine.id))
        await repo.set_mapped_memberships(mine.id, [], mapped_ids)
        await record(ACTOR, "user.deactivated", str(mine.id), user=mine.username, source=ACTOR)
        counts.deactivated += 1


@outbox_job(JOB)
async def run_import(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    import_id = uuid.UUID(payload["import_id"])
    row = await repo.get_import(import_id)
    if row is None or row.status != "koerer":
        return
    counts = Counts()
    try:
        org = await fetch_organisation(scope.code)
    except ServiceError as exc:
        await repo.finish_import(import_id, "fejlet", 0, 0, 0, 0, exc.message)
        await record(ACTOR, "fkorg.import_failed", None, error=exc.message)
        return
    await apply(org, counts)
    await repo.finish_import(
        import_id,
        "faerdig",
        counts.units,
        counts.created,
        counts.updated,
        counts.deactivated,
        None,
    )
    await record(
        payload.get("by", ACTOR),
        "fkorg.imported",
        None,
        units=counts.units,
        created=counts.created,
        updated=counts.updated,
        deactivated=counts.deactivated,
    )
