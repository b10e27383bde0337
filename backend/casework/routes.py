"""The case core's API: register children and notifications, the caseworker's worklist,
activities and the journal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Response

from backend.audit.service import record
from backend.auth.permissions import Perm
from backend.auth.principal import current_principal, requires
from backend.casework import repository as repo
from backend.casework import service
from backend.casework.rules import DK
from backend.casework.schemas import (
    ActivityRead,
    Assignment,
    BirthRegistration,
    Cancellation,
    CaseLine,
    CaseRead,
    CaseworkerLoad,
    ChildCreate,
    ChildRegistered,
    EnkeltsagRead,
    InvestigationStart,
    InvestigationStarted,
    JournalEntryRead,
    JournalPage,
    NoteCreate,
    SearchHit,
    SearchPage,
    SearchQuery,
    TeamOverview,
    UnderretningCreate,
    UnderretningCreated,
    VersionOnly,
    Worklist,
)
from backend.children.repository import age_on
from backend.errors import Conflict, field_error


@contextmanager
def translated(
    not_found: str = "Sagen findes ikke", stale: str = "Sagen er ændret af en anden."
) -> Iterator[None]:
    """Turn the case rules' errors into HTTP answers: a named field (400), a stale
    version (409), something that does not exist here (404)."""
    try:
        yield
    except service.CaseError as exc:
        raise field_error(exc.field, exc.message) from exc
    except service.Stale as exc:
        raise Conflict(stale) from exc
    except LookupError as exc:
        raise NotFoundException(not_found) from exc


def _activity(row: dict[str, Any]) -> ActivityRead:
    return ActivityRead(
        id=row["id"],
        hovedsag_id=row["hovedsag_id"],
        child_name=row["child_name"],
        rule_id=row["rule_id"],
        title=row["title"],
        basis=row["basis"],
        due_at=row["due_at"],
        status=row["status"],
        overdue=bool(row["overdue"]),
        version=row["version"],
    )


class CaseworkController(Controller):
    path = "/api"
    tags = ("Sager",)

    @post("/children", guards=[requires(Perm.CASE_WRITE)], summary="Registrér et barn")
    async def register_child(
        self, request: Request[Any, Any, Any], data: JSONBody[ChildCreate]
    ) -> Response[ChildRegistered]:
        """201 with a new child and case; 200 with the existing case when the CPR number
        already has a child in the kommune (never a duplicate)."""
        me = current_principal(request)
        with translated():
            result = await service.do_register_child(
                me.actor,
                me.user_id,
                cpr=data.cpr,
                first_name=data.first_name,
                last_name=data.last_name,
                address=data.address,
                mother_cpr=data.mother_cpr,
                expected_date=data.expected_date,
            )
        body = ChildRegistered(result.child_id, result.hovedsag_id, result.existing)
        return Response(body, status_code=200 if result.existing else 201)

    @post(
        "/children/{child_id:uuid}/birth",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér fødslen: sagen flyttes fra morens til barnets eget CPR-nummer",
        status_code=200,
    )
    async def register_birth(
        self,
        request: Request[Any, Any, Any],
        child_id: FromPath[uuid.UUID],
        data: JSONBody[BirthRegistration],
    ) -> dict[str, str | None]:
        me = current_principal(request)
        with translated(not_found="Barnet findes ikke"):
            case_id = await service.do_register_birth(
                me.actor, child_id, data.cpr, data.first_name, data.last_name
            )
        return {"child_id": str(child_id), "hovedsag_id": str(case_id) if case_id else None}

    @post(
        "/cases/{case_id:uuid}/underretninger",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér en underretning; skaber de lovpligtige aktiviteter",
        status_code=201,
    )
    async def register_underretning(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[uuid.UUID],
        data: JSONBody[UnderretningCreate],
    ) -> UnderretningCreated:
        me = current_principal(request)
        with translated(not_found="Sagen findes ikke eller er lukket"):
            underretning_id, ids = await service.do_register_underretning(
                me.actor,
                case_id,
                received_at=data.received_at,
                notifier_kind=data.notifier_kind,
                source=data.source,
                concerns=data.concerns,
                suspected_abuse=data.suspected_abuse,
                notifier_name=data.notifier_name,
                notifier_contact=data.notifier_contact,
            )
        rows = await repo.activities_by_ids(ids)
        return UnderretningCreated(id=underretning_id, activities=[_activity(r) for r in rows])

    @post(
        "/cases/{case_id:uuid}/undersoegelse",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Start en børnefaglig undersøgelse (§ 20) med 4-måneders-frist",
        status_code=201,
    )
    async def start_investigation(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[uuid.UUID],
        data: JSONBody[InvestigationStart],
    ) -> InvestigationStarted:
        me = current_principal(request)
        with translated(not_found="Sagen findes ikke eller er lukket"):
            enkeltsag_id, ids = await service.do_start_investigation(
                me.actor, case_id, data.aware_since
            )
        rows = await repo.activities_by_ids(ids)
        return InvestigationStarted(
            enkeltsag_id=enkeltsag_id, activities=[_activity(r) for r in rows]
        )

    @get(
        "/team/overview",
        guards=[requires(Perm.TEAM_OVERVIEW)],
        summary="Lederens overblik: overskredne frister og sagstal i egne teams",
    )
    async def team_overview(self, request: Request[Any, Any, Any]) -> TeamOverview:
        me = current_principal(request)
        teams = await repo.team_ids_of(me.user_id)
        ids = [t[0] for t in teams]
        return TeamOverview(
            teams=[t[1] for t in teams],
            overdue=[_activity(r) for r in await repo.overdue_in_teams(ids)] if ids else [],
            caseload=[CaseworkerLoad(**r) for r in await repo.caseload(ids)] if ids else [],
        )

    @get(
        "/cases/{case_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="En sag: barn, fase, sagsbehandler, enkeltsager og aktiviteter",
    )
    async def get_case(
        self, request: Request[Any, Any, Any], case_id: FromPath[uuid.UUID]
    ) -> CaseRead:
        me = current_principal(request)
        case = await repo.get_case(case_id)
        if case is None:
            raise NotFoundException("Sagen findes ikke")
        await record(
            me.actor, "case.read", str(case_id), view="case.summary", child=str(case["child_id"])
        )
        return CaseRead(
            **{k: v for k, v in case.items() if k not in ("enkeltsager", "activities")},
            enkeltsager=[EnkeltsagRead(**e) for e in case["enkeltsager"]],
            activities=[_activity(a) for a in case["activities"]],
        )

    @post(
        "/search",
        guards=[requires(Perm.CASE_READ)],
        summary="Søg i kommunens sager",
        status_code=200,
    )
    async def search(
        self, request: Request[Any, Any, Any], data: JSONBody[SearchQuery]
    ) -> SearchPage:
        me = current_principal(request)
        if data.page < 1 or not (1 <= data.page_size <= 100):
            raise field_error("page", "page >= 1 og 1 <= page_size <= 100")
        if data.deadline not in (None, "", "overdue", "due_week", "none_open"):
            raise field_error("deadline", "Ukendt fristfilter")
        cpr = None
        text = (data.text or "").strip()
        if text.replace("-", "").replace(" ", "").isdigit():
            with translated():
                cpr, _ = service.check_cpr(text, field="text")
        today = datetime.now(DK).date()
        rows, total = await repo.search(data, cpr, today)
        # Audit what was looked for, never the CPR number itself.
        await record(me.actor, "case.search", None, by_cpr=cpr is not None, hits=total)
        return SearchPage(
            items=[
                SearchHit(
                    hovedsag_id=r["hovedsag_id"],
                    child_id=r["child_id"],
                    child_name=r["child_name"],
                    age=age_on(r["birth_date"], today),
                    stage=r["stage"],
                    opened_at=r["opened_at"],
                    closed_at=r["closed_at"],
                    caseworker=r["caseworker"],
                    team=r["team"],
                    open_activities=r["open_activities"],
                    overdue_activities=r["overdue_activities"],
                )
                for r in rows
            ],
            total=total,
            page=data.page,
            page_size=data.page_size,
        )

    @post(
        "/cases/{case_id:uuid}/assignment",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Fordel sagen til en sagsbehandler og/eller et team",
        status_code=200,
    )
    async def assign(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[uuid.UUID],
        data: JSONBody[Assignment],
    ) -> dict[str, str]:
        me = current_principal(request)
        with translated(
            not_found="Sagen findes ikke", stale="Sagen er ændret af en anden. Hent siden igen."
        ):
            await service.do_assign(
                me.actor, case_id, data.version, data.caseworker_id, data.team_id
            )
        return {"status": "ok"}

    @get(
        "/worklist", guards=[requires(Perm.CASE_READ)], summary="Min forside: aktiviteter og sager"
    )
    async def worklist(self, request: Request[Any, Any, Any]) -> Worklist:
        me = current_principal(request)
        now = datetime.now(UTC)
        today = now.astimezone(DK).date()
        week_end = today + timedelta(days=6 - today.weekday())
        groups: dict[str, list[ActivityRead]] = {
            "overdue": [],
            "this_week": [],
            "later": [],
            "without_deadline": [],
        }
        for row in await repo.open_activities_of(me.user_id):
            a = _activity(row)
            if a.due_at is None:
                groups["without_deadline"].append(a)
            elif a.due_at < now:
                groups["overdue"].append(a)
            elif a.due_at.astimezone(DK).date() <= week_end:
                groups["this_week"].append(a)
            else:
                groups["later"].append(a)
        cases = [
            CaseLine(
                id=r["id"],
                child_id=r["child_id"],
                child_name=r["child_name"],
                age=age_on(r["birth_date"], today),
                stage=r["stage"],
                opened_at=r["opened_at"],
                open_activities=r["open_activities"],
                overdue_activities=r["overdue"],
            )
            for r in await repo.cases_of(me.user_id)
        ]
        return Worklist(cases=cases, **groups)

    @post(
        "/activities/{activity_id:uuid}/complete",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Markér en aktivitet som udført",
        status_code=200,
    )
    async def complete(
        self,
        request: Request[Any, Any, Any],
        activity_id: FromPath[uuid.UUID],
        data: JSONBody[VersionOnly],
    ) -> ActivityRead:
        me = current_principal(request)
        try:
            await service.do_complete_activity(me.actor, activity_id, data.version)
        except LookupError as exc:
            raise NotFoundException("Aktiviteten findes ikke") from exc
        except service.Stale as exc:
            raise Conflict("Aktiviteten er ændret af en anden. Hent siden igen.") from exc
        except service.CaseError as exc:
            raise Conflict(exc.message) from exc
        return _activity((await repo.activities_by_ids([activity_id]))[0])

    @post(
        "/activities/{activity_id:uuid}/cancel",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Annullér en aktivitet med begrundelse",
        status_code=200,
    )
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        activity_id: FromPath[uuid.UUID],
        data: JSONBody[Cancellation],
    ) -> ActivityRead:
        me = current_principal(request)
        with translated(
            not_found="Aktiviteten findes ikke",
            stale="Aktiviteten er ændret af en anden. Hent siden igen.",
        ):
            await service.do_cancel_activity(me.actor, activity_id, data.version, data.reason)
        return _activity((await repo.activities_by_ids([activity_id]))[0])

    @get(
        "/cases/{case_id:uuid}/journal",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens journal (filtrér på type, enkeltsag og periode)",
    )
    async def journal(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[uuid.UUID],
        kind: FromQuery[str | None] = None,
        enkeltsag_id: FromQuery[uuid.UUID | None] = None,
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 50,
    ) -> JournalPage:
        me = current_principal(request)
        if page < 1 or not (1 <= page_size <= 200):
            raise ValidationException("page >= 1 og 1 <= page_size <= 200")
        if not await repo.case_exists(case_id):
            raise NotFoundException("Sagen findes ikke")
        start = datetime.combine(since, datetime.min.time(), DK) if since else None
        end = (
            datetime.combine(until + timedelta(days=1), datetime.min.time(), DK) if until else None
        )
        rows, total = await repo.journal_page(
            case_id, kind, enkeltsag_id, start, end, page, page_size
        )
        await record(me.actor, "case.journal.read", str(case_id), view="journal", page=page)
        return JournalPage(
            items=[JournalEntryRead(**r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post(
        "/cases/{case_id:uuid}/journal",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Skriv et notat (eller en rettelse til et tidligere)",
        status_code=201,
    )
    async def add_note(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[uuid.UUID],
        data: JSONBody[NoteCreate],
    ) -> dict[str, int]:
        me = current_principal(request)
        with translated(not_found="Sagen findes ikke"):
            entry_id = await service.do_add_note(
                me.actor, case_id, data.title, data.body, data.corrects_id
            )
        return {"id": entry_id}
