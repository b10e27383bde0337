"""The case core's API: register children and notifications, the caseworker's worklist,
activities and the journal."""

from __future__ import annotations

import functools
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.exceptions import NotFoundException, ValidationException
from litestar.exceptions.responses import create_exception_response
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework import access as access_mod
from backend.casework import front, own, ports, process, service
from backend.casework import repository as repo
from backend.casework.access import access_activity, access_case, access_child, may_open
from backend.casework.lifecycle import closed_days_setting
from backend.casework.records import completion_forms
from backend.casework.rules import (
    DK,
    OTHER_ACTIVITIES,
    SHORT_TITLES,
    Completion,
    age_on,
    basis_confirmed,
    completion_of,
    rule,
    short_title,
)
from backend.casework.schemas import (
    ActivityCompletion,
    ActivityOwnerRead,
    ActivityPage,
    ActivityRead,
    AfdaekningStart,
    AfdaekningStarted,
    AssignableUser,
    Assignment,
    AwareSinceMove,
    BirthRegistered,
    BirthRegistration,
    Cancellation,
    CaseClose,
    CaseLine,
    CaseOption,
    CasePage,
    CaseRead,
    CaseSort,
    ChildCreate,
    ChildRegistered,
    CompletionFormRead,
    DeadlineSettings,
    DecisionCreate,
    DecisionMade,
    IndsatsRead,
    InvestigationCompletion,
    InvestigationStart,
    InvestigationStarted,
    JournalPage,
    MeasureEnd,
    MeasureStartMove,
    MissingStepRead,
    Moved,
    MovedDeadline,
    NoteCreate,
    NotificationPage,
    Option,
    OwnActivityCreate,
    PreliminaryAssessment,
    PreliminaryRecorded,
    ProcessOptions,
    ReceiptMove,
    SearchHit,
    SearchPage,
    SearchQuery,
    StepCreate,
    StepIn,
    StepKind,
    StepRead,
    StepRecorded,
    TeamOverview,
    TypeOption,
    UnderretningCreate,
    UnderretningCreated,
    VisitationStart,
    VisitationStarted,
    WindowCount,
    WorkerChange,
    Worklist,
    WorklistSummary,
    WorklistWindow,
)
from backend.core.cpr import check_cpr
from backend.core.errors import FieldError, NotFound
from backend.core.measures import YOUTH_MEASURES
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.errors import field_error

# A case number typed in the search ("2026-00123", or "2026-123"): year, then the number.
CASE_NUMBER = re.compile(r"(\d{4})-(\d{1,5})")


# The step kind whose event completes an activity (each event belongs to one step).
_STEP_OF_EVENT: dict[str, StepKind] = {
    event: kind  # type: ignore[misc]  # process.STEPS's keys are StepKind's vocabulary
    for kind, (event, _) in process.STEPS.items()
}


def _step_kind(rule_id: str | None) -> StepKind | None:
    """The step that completes an activity of ``rule_id``, if a step does."""
    if completion_of(rule_id) not in ("step", "plan"):
        return None
    assert rule_id is not None
    return _STEP_OF_EVENT.get(rule(rule_id).completed_by)


@functools.cache
def _rule_facts(rule_id: str | None) -> tuple[bool, Completion, StepKind | None]:
    """What the rule table says about an activity of ``rule_id`` (fixed at start-up):
    worked out once per rule, not once per activity of the front page."""
    return basis_confirmed(rule_id), completion_of(rule_id), _step_kind(rule_id)


def _activity(row: repo.ActivityRow) -> ActivityRead:
    confirmed, completion, step_kind = _rule_facts(row.rule_id)
    return ActivityRead(
        id=row.id,
        hovedsag_id=row.hovedsag_id,
        child_name=row.child_name,
        rule_id=row.rule_id,
        title=row.title,
        basis=row.basis,
        due_at=row.due_at,
        status=row.status,
        overdue=bool(row.overdue),
        version=row.version,
        enkeltsag_id=row.enkeltsag_id,
        concerns=row.concerns,
        concerns_id=row.concerns_id,
        due_reason=row.due_reason,
        cancel_reason=row.cancel_reason,
        completed_by=row.completed_by,
        due_asap=bool(row.due_asap),
        basis_confirmed=confirmed,
        completion=completion,
        record=row.record,
        case_number=row.case_number,
        step_kind=step_kind,
        description=row.description,
        plan_name=row.plan_name,
    )


def _case_line(r: repo.CaseLineRow, today: date) -> CaseLine:
    """One of the caseworker's cases as the front page lists it."""
    return CaseLine(
        id=r.id,
        child_id=r.child_id,
        child_name=r.child_name,
        age=age_on(r.birth_date, today),
        stage=r.stage,
        opened_at=r.opened_at,
        open_activities=r.open_activities,
        overdue_activities=r.overdue,
        case_number=r.case_number,
    )


class CaseworkController(Controller):
    path = "/api"
    tags = ("Sager",)

    @post("/children", guards=[requires(Perm.CASE_WRITE)], summary="Registrér et barn")
    async def register_child(
        self, request: Request[Any, Any, Any], me: Me, data: JSONBody[ChildCreate]
    ) -> Response[ChildRegistered]:
        """201 with a new child and case; 200 with the existing case when the CPR number
        already has a child in the kommune (never a duplicate). ``parent_cprs``: parents
        from the CPR register put in a new child's network in the same transaction."""
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
        if data.cpr and not result.existing:
            await ports.add_parents()(me, result.child_id, data.parent_cprs, request.app.state)
        prior = await ports.prior_cases()(result.child_id, me.actor, "registrering")
        body = ChildRegistered(result.child_id, result.hovedsag_id, result.existing, prior)
        return Response(body, status_code=200 if result.existing else 201)

    @post(
        "/children/{child_id:uuid}/birth",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér fødslen: sagen flyttes fra morens til barnets eget CPR-nummer",
        status_code=200,
    )
    async def register_birth(
        self,
        me: Me,
        child_id: FromPath[uuid.UUID],
        data: JSONBody[BirthRegistration],
    ) -> BirthRegistered:
        await access_child(me, child_id)
        case_id = await service.do_register_birth(
            me.actor, child_id, data.cpr, data.first_name, data.last_name
        )
        prior = await ports.prior_cases()(child_id, me.actor, "fødsel")
        return BirthRegistered(child_id, case_id, prior)

    @post(
        "/cases/{case_id:uuid}/underretninger",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér en underretning; skaber de lovpligtige aktiviteter",
        status_code=201,
    )
    async def register_underretning(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[UnderretningCreate],
    ) -> UnderretningCreated:
        case = await access_case(me, case_id)
        underretning_id, ids = await service.do_register_underretning(
            me.actor,
            case,
            received_at=data.received_at,
            notifier_kind=data.notifier_kind,
            source=data.source,
            concerns=data.concerns,
            suspected_abuse=data.suspected_abuse,
            notifier_name=data.notifier_name,
            notifier_contact=data.notifier_contact,
            kind=data.kind,
            causes=data.causes,
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
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[InvestigationStart],
    ) -> InvestigationStarted:
        case = await access_case(me, case_id)
        enkeltsag_id, ids = await service.do_start_investigation(me.actor, case, data.aware_since)
        rows = await repo.activities_by_ids(ids)
        return InvestigationStarted(
            enkeltsag_id=enkeltsag_id, activities=[_activity(r) for r in rows]
        )

    @get(
        "/team/overview",
        guards=[requires(Perm.TEAM_OVERVIEW)],
        summary="Lederens overblik: overskredne frister og sagstal i egne teams",
    )
    async def team_overview(
        self,
        me: Me,
        offset: FromQuery[int] = 0,
        limit: FromQuery[int] = 10,
        news_offset: FromQuery[int] = 0,
        news_limit: FromQuery[int] = 5,
    ) -> TeamOverview:
        """Paged: ``offset``/``limit`` over the overdue activities, ``news_offset``/
        ``news_limit`` over the notifications (1-50 lines; a page past the end is empty,
        with the totals)."""
        _paging(offset, limit)
        try:
            _paging(news_offset, news_limit)
        except FieldError as exc:
            raise FieldError(f"news_{exc.field}", str(exc)) from exc
        teams = await repo.team_ids_of(me.user_id)
        ids = [t[0] for t in teams]
        if not ids:
            return TeamOverview(teams=[], overdue=[], caseload=[])
        overdue, overdue_total = await repo.overdue_in_teams(ids, offset, limit)
        news, news_total, unassessed = await repo.notifications_page(
            None, news_offset, news_limit, team_ids=ids
        )
        return TeamOverview(
            teams=[t[1] for t in teams],
            overdue=[_activity(r) for r in overdue],
            caseload=await repo.caseload(ids),
            new_notifications=news,
            overdue_total=overdue_total,
            new_notifications_total=news_total,
            new_notifications_unassessed=unassessed,
        )

    @get(
        "/cases/{case_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="En sag: barn, fase, sagsbehandler, enkeltsager og aktiviteter",
    )
    async def get_case(self, me: Me, case_id: FromPath[uuid.UUID]) -> CaseRead:
        case = await repo.get_case(await access_case(me, case_id))
        if case is None:
            raise NotFound("Sagen findes ikke")
        missing = []
        pending = next(
            (e for e in case.enkeltsager if e.kind == "afgoerelse" and not e.closed_at),
            None,
        )
        if pending:
            missing = await process.missing_before_decision(pending.id)
        await record(
            me.actor, "case.read", str(case_id), view="case.summary", child=str(case.child_id)
        )
        return CaseRead(
            id=case.id,
            child_id=case.child_id,
            child_name=case.child_name,
            stage=case.stage,
            opened_at=case.opened_at,
            closed_at=case.closed_at,
            caseworker_id=case.caseworker_id,
            caseworker=case.caseworker,
            team_id=case.team_id,
            team=case.team,
            version=case.version,
            close_reason=case.close_reason,
            case_number=case.case_number,
            cpr=f"{case.cpr[:6]}-{case.cpr[6:]}" if case.cpr else None,
            birth_date=None if case.cpr is None else case.birth_date,
            age=None if case.cpr is None else age_on(case.birth_date, datetime.now(DK).date()),
            unborn=case.cpr is None,
            expected_date=case.expected_date,
            address=case.address,
            address_protected=case.address_protected,
            enkeltsager=case.enkeltsager,
            activities=[_activity(a) for a in case.activities],
            underretninger=case.underretninger,
            afgoerelser=case.afgoerelser,
            indsatser=[
                IndsatsRead(
                    id=i.id,
                    enkeltsag_id=i.enkeltsag_id,
                    kind=i.kind,
                    label=process.MEASURES[i.kind][0],
                    paragraph=i.paragraph,
                    placement=i.placement,
                    starts_on=i.starts_on,
                    ends_on=i.ends_on,
                    end_reason=i.end_reason,
                    version=i.version,
                    planned_end=i.planned_end,
                )
                for i in case.indsatser
            ],
            steps=[
                StepRead(
                    id=st.id,
                    kind=st.kind,
                    label=process.STEPS[st.kind][1],
                    happened_on=st.happened_on,
                    note=st.note,
                    indsats_id=st.indsats_id,
                    next_due=st.next_due,
                    next_reason=st.next_reason,
                    created_by=st.created_by,
                    created_by_name=st.created_by_name,
                    afgoerelse_id=st.afgoerelse_id,
                    no_support=st.no_support,
                    no_support_label=process.NO_SUPPORT.get(st.no_support or ""),
                )
                for st in case.steps
            ],
            workers=case.workers,
            missing_before_decision=[MissingStepRead(m.rule_id, m.title, m.basis) for m in missing],
        )

    @post(
        "/search",
        guards=[requires(Perm.CASE_READ)],
        summary="Søg i kommunens sager",
        status_code=200,
    )
    async def search(self, me: Me, data: JSONBody[SearchQuery]) -> SearchPage:
        if data.page < 1 or not (1 <= data.page_size <= 100):
            raise field_error("page", "page >= 1 og 1 <= page_size <= 100")
        if data.deadline not in (None, "", "overdue", "due_week", "none_open"):
            raise field_error("deadline", "Ukendt fristfilter")
        cpr = case_number = None
        text = (data.text or "").strip()
        if numbered := CASE_NUMBER.fullmatch(text):
            case_number = f"{numbered[1]}-{int(numbered[2]):05d}"
        elif text.replace("-", "").replace(" ", "").isdigit():
            cpr, _ = check_cpr(text, field="text")
        today = datetime.now(DK).date()
        if data.measure and data.measure not in process.MEASURES:
            raise field_error("measure", "Ukendt indsatstype")
        rows, total = await repo.search(data, cpr, today, case_number)
        openable = await may_open(me, [r.hovedsag_id for r in rows])
        # Audit what was looked for, never the CPR number itself.
        await record(
            me.actor,
            "case.search",
            None,
            by_cpr=cpr is not None,
            by_case_number=case_number is not None,
            hits=total,
        )
        # The CPR number goes to those who register and work cases, for cases they may
        # open; everyone else tells children apart by birth date and age.
        sees_cpr = Perm.CASE_WRITE in me.permissions
        return SearchPage(
            items=[
                SearchHit(
                    hovedsag_id=r.hovedsag_id,
                    child_id=r.child_id,
                    child_name=r.child_name,
                    age=age_on(r.birth_date, today),
                    stage=r.stage,
                    opened_at=r.opened_at,
                    closed_at=r.closed_at,
                    caseworker=r.caseworker,
                    team=r.team,
                    open_activities=r.open_activities,
                    overdue_activities=r.overdue_activities,
                    can_open=r.hovedsag_id in openable,
                    birth_date=r.birth_date,
                    unborn=r.cpr is None,
                    cpr=r.cpr if sees_cpr and r.hovedsag_id in openable else None,
                    case_number=r.case_number,
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
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[Assignment],
    ) -> dict[str, str]:
        case = await access_case(me, case_id)
        await service.do_assign(me.actor, case, data.version, data.caseworker_id, data.team_id)
        return {"status": "ok"}

    @get(
        "/cases/{case_id:uuid}/assignable",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Medarbejdere, sagen kan fordeles til eller få som medbehandler "
        "(sagens team først)",
    )
    async def assignable(self, me: Me, case_id: FromPath[uuid.UUID]) -> list[AssignableUser]:
        case = await access_case(me, case_id)
        return await repo.assignable_users(case)

    @get(
        "/worklist", guards=[requires(Perm.CASE_READ)], summary="Min forside: aktiviteter og sager"
    )
    async def worklist(self, me: Me) -> Worklist:
        now = datetime.now(UTC)
        today = now.astimezone(DK).date()
        week_end = today + timedelta(days=6 - today.weekday())
        groups: dict[str, list[ActivityRead]] = {
            "overdue": [],
            "this_week": [],
            "later": [],
            "without_deadline": [],
        }
        # Due this week: before Monday 00:00 Danish time (one comparison, not a time-zone
        # conversion per activity).
        next_week = datetime.combine(week_end + timedelta(days=1), datetime.min.time(), DK)
        for row in await repo.open_activities_of(me.user_id):
            a = _activity(row)
            if a.due_at is None:
                groups["without_deadline"].append(a)
            elif a.due_asap:
                groups["this_week"].append(a)  # "Snarest muligt": now, but never overdue
            elif a.due_at < now:
                groups["overdue"].append(a)
            elif a.due_at < next_week:
                groups["this_week"].append(a)
            else:
                groups["later"].append(a)
        cases = [_case_line(r, today) for r in await repo.cases_of(me.user_id)]
        news = await repo.new_notifications(user_id=me.user_id)
        return Worklist(cases=cases, new_notifications=news, **groups)

    @get(
        "/activities/completion-forms",
        guards=[requires(Perm.CASE_READ)],
        summary="Hvad udførelsen af en lovpligtig aktivitet skal registrere, pr. regel",
        cache=3600,
    )
    async def get_completion_forms(self) -> list[CompletionFormRead]:
        return completion_forms()

    @post(
        "/activities/{activity_id:uuid}/complete",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Markér en aktivitet som udført",
        status_code=200,
    )
    async def complete(
        self,
        me: Me,
        activity_id: FromPath[uuid.UUID],
        data: JSONBody[ActivityCompletion],
    ) -> ActivityRead:
        """An activity whose rule has a completion form needs ``record`` (400 naming each
        missing or wrong field in Danish); it is stored and journalised with the completion.
        One completed by another flow of the case is refused (409) with where to do it."""
        case = await access_activity(me, activity_id)
        await service.do_complete_activity(
            me.actor, activity_id, data.version, data.record, case=case
        )
        return _activity((await repo.activities_by_ids([activity_id]))[0])

    @post(
        "/activities/{activity_id:uuid}/cancel",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Annullér en aktivitet med begrundelse",
        status_code=200,
    )
    async def cancel(
        self,
        me: Me,
        activity_id: FromPath[uuid.UUID],
        data: JSONBody[Cancellation],
    ) -> ActivityRead:
        await access_activity(me, activity_id)
        await service.do_cancel_activity(me.actor, activity_id, data.version, data.reason)
        return _activity((await repo.activities_by_ids([activity_id]))[0])

    @post(
        "/cases/{case_id:uuid}/activities",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Tilføj en egen aktivitet til sagen (titel, frist, evt. beskrivelse og hvem)",
        status_code=201,
    )
    async def add_own_activity(
        self, me: Me, case_id: FromPath[uuid.UUID], data: JSONBody[OwnActivityCreate]
    ) -> ActivityRead:
        """400 naming every wrong field in Danish (empty title, a date in the past, an
        enkeltsag of another case, someone outside the caller's teams); nothing is written."""
        case = await access_case(me, case_id)
        activity_id = await own.do_add_own_activity(
            me.actor,
            me.user_id,
            case,
            title=data.title,
            due_on=data.due_on,
            description=data.description,
            enkeltsag_id=data.enkeltsag_id,
            owner_id=data.owner_id,
        )
        await record(me.actor, "activity.created", str(case_id), activities=1)
        return _activity((await repo.activities_by_ids([activity_id]))[0])

    @get(
        "/cases/{case_id:uuid}/activity-owners",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Hvem en aktivitet på sagen kan gives til: mig, så mine teams' medlemmer",
    )
    async def activity_owners(
        self, me: Me, case_id: FromPath[uuid.UUID]
    ) -> list[ActivityOwnerRead]:
        await access_case(me, case_id)
        return [ActivityOwnerRead(o.user_id, o.name) for o in await own.owners(me.user_id)]

    @get(
        "/cases/{case_id:uuid}/journal",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens journal (filtrér på type, enkeltsag og periode)",
    )
    async def journal(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        kind: FromQuery[str | None] = None,
        enkeltsag_id: FromQuery[uuid.UUID | None] = None,
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 50,
    ) -> JournalPage:
        if page < 1 or not (1 <= page_size <= 200):
            raise ValidationException("page >= 1 og 1 <= page_size <= 200")
        await access_case(me, case_id)
        start = datetime.combine(since, datetime.min.time(), DK) if since else None
        end = (
            datetime.combine(until + timedelta(days=1), datetime.min.time(), DK) if until else None
        )
        rows, total = await repo.journal_page(
            case_id, kind, enkeltsag_id, start, end, page, page_size
        )
        await record(me.actor, "case.journal.read", str(case_id), view="journal", page=page)
        return JournalPage(
            items=rows,
            total=total,
            page=page,
            page_size=page_size,
        )

    @post(
        "/cases/{case_id:uuid}/journal",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Skriv et notat (eller en rettelse til et tidligere)",
        status_code=201,
    )
    async def add_note(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[NoteCreate],
    ) -> dict[str, int]:
        case = await access_case(me, case_id)
        entry_id = await service.do_add_note(
            me.actor, case, data.title, data.body, data.corrects_id, data.written_at
        )
        return {"id": entry_id}


def _moved(rows: list[tuple[str, datetime | None, datetime | None]]) -> Moved:
    return Moved(moved=[MovedDeadline(title=t, old=o, new=n) for t, o, n in rows])


def missing_steps(request: Request[Any, Any, Any], exc: process.MissingSteps) -> Response[Any]:
    """400 naming each required step still open before a decision (``exceptions.<rule_id>``)
    and asking for the reason to decide without it."""
    return create_exception_response(
        request,
        ValidationException(
            "Afgørelsen mangler lovpligtige skridt. Gennemfør dem, eller begrund hvorfor "
            "afgørelsen træffes uden.",
            extra=[
                {
                    "key": f"exceptions.{m.rule_id}",
                    "message": f"Ikke gennemført: {m.title} ({m.basis}). Skriv begrundelsen for "
                    "at træffe afgørelsen uden.",
                    "rule_id": m.rule_id,
                }
                for m in exc.missing
            ],
        ),
    )


class ProcessController(Controller):
    """Visitation and decision, measures and follow-up, recorded steps, changed dates,
    caseworkers on the case, stepping in, and closing the case."""

    exception_handlers = {process.MissingSteps: missing_steps}  # noqa: RUF012

    path = "/api"
    tags = ("Sagsforløb",)

    @get(
        "/process/options",
        guards=[requires(Perm.CASE_READ)],
        summary="Valgmuligheder: paragraffer, indsatstyper og skridt",
    )
    async def options(self) -> ProcessOptions:
        return ProcessOptions(
            paragraphs=[Option(k, v) for k, v in process.PARAGRAPHS.items()],
            measures=[
                Option(k, label, placement, k in YOUTH_MEASURES)
                for k, (label, placement) in process.MEASURES.items()
            ],
            steps=[Option(k, title) for k, (_, title) in process.STEPS.items()],
            no_support=[Option(k, v) for k, v in process.NO_SUPPORT.items()],
        )

    @post(
        "/cases/{case_id:uuid}/visitation",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Forbered en afgørelse (visitation): børnesamtale og partshøring oprettes",
        status_code=201,
    )
    async def start_visitation(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[VisitationStart],
    ) -> VisitationStarted:
        case = await access_case(me, case_id)
        enkeltsag_id, ids = await process.do_start_visitation(me.actor, case, data.paragraph)
        rows = await repo.activities_by_ids(ids)
        return VisitationStarted(enkeltsag_id=enkeltsag_id, activities=[_activity(r) for r in rows])

    @post(
        "/cases/{case_id:uuid}/afgoerelser",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Træf en afgørelse (§ 32, § 46 eller § 47), evt. med indsats",
        status_code=201,
    )
    async def decide(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[DecisionCreate],
    ) -> DecisionMade:
        """400 naming ``exceptions.<rule_id>`` for each required step still open (the
        børnesamtale, the partshøring, the plan before § 47) unless a reason is given."""
        case = await access_case(me, case_id)
        made = await process.do_decide(
            me.actor,
            case,
            paragraph=data.paragraph,
            outcome=data.outcome,
            decided_on=data.decided_on,
            summary=data.summary,
            exceptions=data.exceptions,
            measure=data.measure,
            starts_on=data.starts_on,
            draft_id=data.draft_id,
            ends_on=data.ends_on,
        )
        rows = await repo.activities_by_ids(made.activities)
        return DecisionMade(
            afgoerelse_id=made.afgoerelse_id,
            indsats_id=made.indsats_id,
            activities=[_activity(r) for r in rows],
        )

    @post(
        "/cases/{case_id:uuid}/undersoegelse/afslut",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Afslut den børnefaglige undersøgelse",
        status_code=200,
    )
    async def complete_investigation(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[InvestigationCompletion],
    ) -> Moved:
        case = await access_case(me, case_id)
        moved = await process.do_complete_investigation(
            me.actor, case, data.completed_on, data.conclusion
        )
        return _moved(moved)

    @post(
        "/cases/{case_id:uuid}/undersoegelse/foreloebig",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér en foreløbig vurdering (§ 20, stk. 3) og den forventede afslutning",
        status_code=201,
    )
    async def preliminary_assessment(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[PreliminaryAssessment],
    ) -> PreliminaryRecorded:
        case = await access_case(me, case_id)
        ids = await front.do_preliminary_assessment(
            me.actor,
            case,
            assessed_on=data.assessed_on,
            assessment=data.assessment,
            expected_on=data.expected_on,
        )
        rows = await repo.activities_by_ids(ids)
        return PreliminaryRecorded(activities=[_activity(r) for r in rows])

    @post(
        "/cases/{case_id:uuid}/afdaekning",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Start en afdækning (§ 19) med kommunens frist",
        status_code=201,
    )
    async def start_afdaekning(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[AfdaekningStart],
    ) -> AfdaekningStarted:
        case = await access_case(me, case_id)
        enkeltsag_id, ids = await front.do_start_afdaekning(me.actor, case, data.purpose)
        rows = await repo.activities_by_ids(ids)
        return AfdaekningStarted(enkeltsag_id=enkeltsag_id, activities=[_activity(r) for r in rows])

    @post(
        "/cases/{case_id:uuid}/undersoegelse/opmaerksom",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Ret datoen for kommunens kendskab; 4-måneders-fristen flyttes",
        status_code=200,
    )
    async def move_aware_since(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[AwareSinceMove],
    ) -> Moved:
        case = await access_case(me, case_id)
        moved = await process.do_move_aware_since(me.actor, case, data.aware_since, data.reason)
        return _moved(moved)

    @post(
        "/cases/{case_id:uuid}/steps",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Registrér et gennemført skridt (børnesamtale, partshøring, opfølgning ...)",
        status_code=201,
    )
    async def record_step(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[StepCreate],
    ) -> StepRecorded:
        """Recording the step completes the activities it answers; a follow-up on a running
        measure sets the next one (``next_due`` with ``next_reason``)."""
        case = await access_case(me, case_id)
        step_id, done, ids = await process.do_record_step(
            me.actor,
            case,
            kind=data.kind,
            happened_on=data.happened_on,
            note=data.note,
            indsats_id=data.indsats_id,
            next_due=data.next_due,
            next_reason=data.next_reason,
            afgoerelse_id=data.afgoerelse_id,
            no_support=data.no_support,
        )
        rows = await repo.activities_by_ids(ids)
        return StepRecorded(id=step_id, completed=done, activities=[_activity(r) for r in rows])

    @post(
        "/indsatser/{indsats_id:uuid}/ophoer",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Afslut en indsats",
        status_code=200,
    )
    async def end_measure(
        self,
        me: Me,
        indsats_id: FromPath[uuid.UUID],
        data: JSONBody[MeasureEnd],
    ) -> dict[str, str]:
        await self._measure_case(me, indsats_id)
        await process.do_end_measure(me.actor, indsats_id, data.version, data.ends_on, data.reason)
        return {"status": "ok"}

    @post(
        "/indsatser/{indsats_id:uuid}/start",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Ret indsatsens startdato; opfølgningsfristen flyttes",
        status_code=200,
    )
    async def move_measure_start(
        self,
        me: Me,
        indsats_id: FromPath[uuid.UUID],
        data: JSONBody[MeasureStartMove],
    ) -> Moved:
        await self._measure_case(me, indsats_id)
        moved = await process.do_move_measure_start(
            me.actor, indsats_id, data.version, data.starts_on, data.reason
        )
        return _moved(moved)

    @post(
        "/underretninger/{underretning_id:uuid}/modtaget",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Ret modtagelsestidspunktet; fristerne flyttes",
        status_code=200,
    )
    async def move_receipt(
        self,
        me: Me,
        underretning_id: FromPath[uuid.UUID],
        data: JSONBody[ReceiptMove],
    ) -> Moved:
        case_id = await repo.case_of("underretning", underretning_id)
        if case_id is None:
            raise NotFoundException("Underretningen findes ikke")
        await access_case(me, case_id)
        _, moved = await process.do_move_receipt(
            me.actor, underretning_id, data.version, data.received_at, data.reason
        )
        return _moved(moved)

    @post(
        "/cases/{case_id:uuid}/workers",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Sæt en medbehandler på sagen",
        status_code=200,
    )
    async def add_worker(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[WorkerChange],
    ) -> dict[str, str]:
        case = await access_case(me, case_id)
        await access_mod.do_add_worker(me.actor, case, data.version, data.user_id)
        return {"status": "ok"}

    @post(
        "/cases/{case_id:uuid}/workers/remove",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Tag en medbehandler af sagen",
        status_code=200,
    )
    async def remove_worker(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[WorkerChange],
    ) -> dict[str, str]:
        case = await access_case(me, case_id)
        await access_mod.do_remove_worker(me.actor, case, data.version, data.user_id)
        return {"status": "ok"}

    @post(
        "/cases/{case_id:uuid}/step-in",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Træd til i en kollegas sag (med begrundelse; revisionslogges)",
        status_code=200,
    )
    async def step_in(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[StepIn],
    ) -> dict[str, str]:
        await access_mod.do_step_in(me, case_id, data.reason)
        await record(me.actor, "case.step_in", str(case_id), reason=data.reason.strip())
        return {"status": "ok", "hovedsag_id": str(case_id)}

    @post(
        "/cases/{case_id:uuid}/close",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Luk sagen (forløbet er slut)",
        status_code=200,
    )
    async def close_case(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[CaseClose],
    ) -> dict[str, str]:
        case = await access_case(me, case_id)
        await process.do_close_case(me.actor, case, data.version, data.reason)
        return {"status": "ok"}

    @get(
        "/deadline-settings",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Kommunens lukkedage for frister i hverdage",
    )
    async def get_deadline_settings(self) -> DeadlineSettings:
        return DeadlineSettings(closed_days=await closed_days_setting())

    @put(
        "/deadline-settings",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Sæt om 24/12, 31/12 og grundlovsdag er lukkedage (administrator)",
    )
    async def put_deadline_settings(
        self, me: Me, data: JSONBody[DeadlineSettings]
    ) -> DeadlineSettings:
        old = await closed_days_setting()
        closed = await service.do_set_closed_days(me.actor, data.closed_days)
        if closed != old:
            await record(me.actor, "settings.changed", None, closed_days=closed)
        return DeadlineSettings(closed_days=closed)

    @staticmethod
    async def _measure_case(me: Any, indsats_id: uuid.UUID) -> None:
        case_id = await repo.case_of("indsats", indsats_id)
        if case_id is None:
            raise NotFound("Indsatsen findes ikke")
        try:
            await access_case(me, case_id)
        except NotFound as exc:
            raise NotFound("Indsatsen findes ikke") from exc


_WINDOWS: tuple[WorklistWindow, ...] = ("overdue", "this_week", "later", "without_deadline")
_SORTS: tuple[CaseSort, ...] = ("navn", "aabnet", "overskredne")


def _week(now: datetime) -> datetime:
    """The start of next week (Monday 00:00, Danish time): "Denne uge" ends before it."""
    today = now.astimezone(DK).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=DK)


def _paging(offset: int, limit: int) -> None:
    if offset < 0:
        raise FieldError("offset", "Sidens start kan ikke være negativ.")
    if offset > 100_000:
        raise FieldError("offset", "Sidens start er for stor (højst 100.000).")
    if not 1 <= limit <= 50:
        raise FieldError("limit", "Der kan vises mellem 1 og 50 linjer ad gangen.")


def _type_filter(value: str | None) -> tuple[str | None, bool]:
    """The rule id the type filter names, and whether it is "activities without a rule"."""
    if value is None or value == "":
        return None, False
    if value == OTHER_ACTIVITIES:
        return None, True
    if value not in SHORT_TITLES:
        raise FieldError("type", "Ukendt aktivitetstype. Vælg en type fra listen.")
    return value, False


def _case_filter(value: str | None) -> uuid.UUID | None:
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise FieldError("sag", "Ukendt sag. Vælg et barn fra listen.") from None


class WorklistController(Controller):
    """The caseworker's front page in pages: what is due (grouped by deadline, filtered by
    type and case), new notifications and the caseworker's cases, each with its total."""

    path = "/api/worklist"
    tags = ("Sager",)
    guards = [requires(Perm.CASE_READ)]  # noqa: RUF012 (Litestar reads a list)

    @get("/summary", summary="Forsidens grupper og filtre: antal pr. frist, type og sag")
    async def summary(
        self,
        me: Me,
        type_: Annotated[str | None, QueryParameter(name="type")] = None,
        sag: FromQuery[str | None] = None,
    ) -> WorklistSummary:
        rule_id, other = _type_filter(type_)
        case_id = _case_filter(sag)
        now = datetime.now(UTC)
        keys = await repo.open_activity_keys(me.user_id, now, _week(now))
        windows: dict[str, int] = dict.fromkeys(_WINDOWS, 0)
        types: dict[str | None, int] = {}
        cases: dict[uuid.UUID, tuple[str, int]] = {}
        for k in keys:
            types[k.rule_id] = types.get(k.rule_id, 0) + 1
            name, n = cases.get(k.hovedsag_id, (k.child_name, 0))
            cases[k.hovedsag_id] = (name, n + 1)
            if case_id is not None and k.hovedsag_id != case_id:
                continue
            if other and k.rule_id is not None:
                continue
            if rule_id is not None and k.rule_id != rule_id:
                continue
            windows[k.window] += 1
        return WorklistSummary(
            windows=[WindowCount(key=w, total=windows[w]) for w in _WINDOWS],
            types=sorted(
                (
                    TypeOption(
                        value=r if r is not None else OTHER_ACTIVITIES,
                        label=short_title(r),
                        count=n,
                    )
                    for r, n in types.items()
                ),
                key=lambda t: (t.value == OTHER_ACTIVITIES, t.label),
            ),
            cases=sorted(
                (CaseOption(id=i, child_name=nm, count=n) for i, (nm, n) in cases.items()),
                key=lambda c: (c.child_name, c.id),
            ),
        )

    @get("/activities", summary="En side af mine åbne aktiviteter i én fristgruppe")
    async def activities(
        self,
        me: Me,
        vindue: FromQuery[str],
        type_: Annotated[str | None, QueryParameter(name="type")] = None,
        sag: FromQuery[str | None] = None,
        offset: FromQuery[int] = 0,
        limit: FromQuery[int] = 10,
    ) -> ActivityPage:
        if vindue not in _WINDOWS:
            raise FieldError(
                "vindue", "Ukendt frist. Vælg overskredne, denne uge, senere eller uden frist."
            )
        rule_id, other = _type_filter(type_)
        case_id = _case_filter(sag)
        _paging(offset, limit)
        now = datetime.now(UTC)
        rows, total = await repo.open_activities_page(
            me.user_id,
            now,
            _week(now),
            window=vindue,
            rule_id=rule_id,
            other=other,
            case_id=case_id,
            offset=offset,
            limit=limit,
        )
        return ActivityPage(items=[_activity(r) for r in rows], total=total)

    @get("/notifications", summary="En side af nye underretninger på mine sager (14 dage)")
    async def notifications(
        self, me: Me, offset: FromQuery[int] = 0, limit: FromQuery[int] = 10
    ) -> NotificationPage:
        _paging(offset, limit)
        items, total, unassessed = await repo.notifications_page(me.user_id, offset, limit)
        return NotificationPage(items=items, total=total, unassessed=unassessed)

    @get("/cases", summary="En side af mine åbne sager (sortér og søg på navn)")
    async def cases(
        self,
        me: Me,
        sort: FromQuery[str] = "overskredne",
        navn: FromQuery[str | None] = None,
        offset: FromQuery[int] = 0,
        limit: FromQuery[int] = 10,
    ) -> CasePage:
        if sort not in _SORTS:
            raise FieldError("sort", "Ukendt sortering. Vælg navn, åbnet eller overskredne.")
        _paging(offset, limit)
        name = (navn or "").strip()[:100] or None
        today = datetime.now(UTC).astimezone(DK).date()
        rows, total = await repo.cases_page(me.user_id, name, sort, offset, limit)
        return CasePage(
            items=[_case_line(r, today) for r in rows],
            total=total,
        )
