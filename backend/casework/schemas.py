from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

# The closed vocabularies the responses carry (the database CHECKs the same sets).
Stage = Literal["afklaring", "undersoegelse", "afgoerelse", "indsats", "afsluttet"]
EnkeltsagKind = Literal["afklaring", "afdaekning", "undersoegelse", "afgoerelse", "indsats"]
ActivityStatus = Literal["open", "done", "cancelled"]
IntakeKind = Literal["underretning", "henvendelse", "ansoegning"]
NotifierKind = Literal["fagperson", "privat", "anonym"]
Source = Literal[
    "politi", "skole", "dagtilbud", "sundhed", "familie", "nabo", "barnet", "anonym", "andet"
]
Paragraph = Literal["32", "46", "47", "114"]
Outcome = Literal["bevilget", "afslag"]
StepKind = Literal[
    "boernesamtale", "partshoering", "plan", "ungeplan", "opfoelgning", "overgang", "revurdering"
]
JournalKind = Literal["haendelse", "notat", "rettelse"]
NoSupport = Literal["afslaar", "ikke_omfattet"]
# How an activity is completed (backend/casework/rules.py): one click, a record written in
# the rule's form, or another flow of the case (the investigation, a step, the plan).
Completion = Literal[
    "click", "record", "investigation", "step", "plan", "klage", "udvalg", "brev", "indberetning"
]
RecordFieldKind = Literal["bool", "text", "date", "choice", "user"]
PriorCaseStatus = Literal["aaben", "lukket"]


class KommuneRef(msgspec.Struct):
    code: str
    name: str


class PriorCaseRead(msgspec.Struct):
    """Another kommune's case on the same CPR number: where and when, never content."""

    kommune: KommuneRef
    subject: str  # "barn": the child's own number; "ufoedt": an unborn child by the mother's
    opened_on: date
    closed_on: date | None
    status: PriorCaseStatus
    transferred_to: KommuneRef | None = None  # closed because it was transferred there


class ChildCreate(msgspec.Struct):
    first_name: str = ""
    last_name: str = ""
    address: str = ""
    cpr: str | None = None
    mother_cpr: str | None = None  # unborn child: the mother's CPR and the expected date
    expected_date: date | None = None
    # Parents from the CPR register's answer (POST /api/cpr/person) to put in the network.
    parent_cprs: list[str] = msgspec.field(default_factory=list)


class ChildRegistered(msgspec.Struct):
    child_id: uuid.UUID
    hovedsag_id: uuid.UUID
    existing: bool
    # Other kommuner's cases on the same CPR number (an unborn child: the mother's), from
    # the cross-kommune index: where and when, never content. The lookup is audited.
    prior_cases: list[PriorCaseRead] = msgspec.field(default_factory=list)


class BirthRegistered(msgspec.Struct):
    child_id: uuid.UUID
    hovedsag_id: uuid.UUID | None
    prior_cases: list[PriorCaseRead] = msgspec.field(default_factory=list)


class UnderretningCreate(msgspec.Struct):
    received_at: datetime
    notifier_kind: str
    source: str
    concerns: str
    suspected_abuse: bool = False
    notifier_name: str | None = None
    notifier_contact: str | None = None
    kind: str = "underretning"  # | "henvendelse" | "ansoegning" (from family or child)
    # What an underretning is about: Danmarks Statistik's causes (backend/core/vocab.py
    # NOTIFICATION_CAUSES), one or more; none for a henvendelse or an ansøgning.
    causes: list[str] = msgspec.field(default_factory=list)


class ActivityRead(msgspec.Struct):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    rule_id: str | None
    title: str
    basis: str | None
    due_at: datetime | None
    status: ActivityStatus
    overdue: bool
    version: int
    enkeltsag_id: uuid.UUID | None = None
    concerns: str | None = None  # underretning | enkeltsag | indsats | child
    concerns_id: uuid.UUID | None = None
    due_reason: str | None = None  # why the caseworker chose this date (follow-up plan)
    cancel_reason: str | None = None
    completed_by: str | None = None
    # Due "as soon as possible" ("Snarest muligt"): due_reason says why; never overdue.
    due_asap: bool = False
    # False when the citation in ``basis`` is not confirmed against the consolidated act.
    basis_confirmed: bool = True
    completion: Completion = "click"
    # What completing it recorded (the form's field keys; yes/no as true/false, dates ISO).
    record: dict[str, str | bool] | None = None
    case_number: str = ""  # the case's number, e.g. "2026-00123"
    # For an activity a recorded step completes (completion "step" or "plan"): that step's
    # kind, so "Udfør" opens "Registrér skridt" with it chosen.
    step_kind: StepKind | None = None
    # An own activity's description, and the team's activity plan it was made from.
    description: str | None = None
    plan_name: str | None = None


class OwnActivityCreate(msgspec.Struct):
    """A caseworker's own activity: what, by when (not in the past), optionally a
    description, the enkeltsag (default none) and who does it (default the caller)."""

    title: str
    due_on: date | None = None
    description: str | None = None
    enkeltsag_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None


class ActivityOwnerRead(msgspec.Struct):
    """Someone an activity can be given to: the caller first, then their teams' members."""

    user_id: uuid.UUID
    name: str


class ActivityCompletion(msgspec.Struct):
    version: int
    # The rule's completion form filled in (GET /api/activities/completion-forms); none for
    # an activity completed with one click.
    record: dict[str, str | bool | None] | None = None


class RecordChoiceRead(msgspec.Struct):
    value: str
    label: str


class RecordConditionRead(msgspec.Struct):
    """The field applies (and is required) only when field ``key`` has ``value``."""

    key: str
    value: str | bool


class RecordFieldRead(msgspec.Struct):
    key: str
    label: str
    kind: RecordFieldKind
    required: bool
    missing: str  # the Danish message when a required field is left empty
    help: str | None = None
    choices: list[RecordChoiceRead] = msgspec.field(default_factory=list)
    when: RecordConditionRead | None = None


class CompletionFormRead(msgspec.Struct):
    """What completing an activity of ``rule_id`` records."""

    rule_id: str
    title: str  # the journal entry's title
    action: str  # the button's text, e.g. "Registrér vurdering"
    fields: list[RecordFieldRead]


class UnderretningCreated(msgspec.Struct):
    id: uuid.UUID
    activities: list[ActivityRead]


class VersionOnly(msgspec.Struct):
    version: int


class CaseLine(msgspec.Struct):
    id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    age: int
    stage: Stage
    opened_at: date
    open_activities: int
    overdue_activities: int
    case_number: str = ""  # e.g. "2026-00123"


class NotificationLine(msgspec.Struct):
    """A notification (or henvendelse/ansøgning) received lately on one's cases."""

    id: uuid.UUID
    kind: IntakeKind
    received_at: datetime
    source: Source
    notifier_kind: NotifierKind
    suspected_abuse: bool
    hovedsag_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    assessed: bool  # the 24-hour assessment (or the application's answer) is done


class Worklist(msgspec.Struct):
    overdue: list[ActivityRead]
    this_week: list[ActivityRead]
    later: list[ActivityRead]
    without_deadline: list[ActivityRead]
    cases: list[CaseLine]
    new_notifications: list[NotificationLine] = msgspec.field(default_factory=list)


# The front page in pages (GET /api/worklist/...): the worklist's deadline groups, the
# filters' choices with counts, and a page of each list with its total.
WorklistWindow = Literal["overdue", "this_week", "later", "without_deadline"]
CaseSort = Literal["navn", "aabnet", "overskredne"]


class WindowCount(msgspec.Struct):
    key: WorklistWindow
    total: int  # open activities in the group (after the type and case filters)


class TypeOption(msgspec.Struct):
    value: str  # the rule's id, or "anden" for activities without a rule
    label: str  # the rule's short Danish name
    count: int


class CaseOption(msgspec.Struct):
    id: uuid.UUID  # the main case
    child_name: str
    count: int  # the user's open activities on it


class WorklistSummary(msgspec.Struct):
    """The group counts under the filters, and the filters' choices (over all the user's
    open activities)."""

    windows: list[WindowCount]
    types: list[TypeOption]
    cases: list[CaseOption]


class ActivityPage(msgspec.Struct):
    items: list[ActivityRead]
    total: int


class NotificationPage(msgspec.Struct):
    items: list[NotificationLine]
    total: int
    unassessed: int


class CasePage(msgspec.Struct):
    items: list[CaseLine]
    total: int


class JournalRef(msgspec.Struct):
    """Another entry as a person finds it: its title and time (the id is for links)."""

    id: int
    at: datetime
    title: str
    author_name: str


class JournalEntryRead(msgspec.Struct):
    id: int
    at: datetime
    author: str  # the username, as recorded
    author_name: str  # what a person reads: the author's name
    kind: JournalKind
    event: str | None
    title: str
    body: str
    enkeltsag_id: uuid.UUID | None
    corrects_id: int | None
    corrected_by: list[int]
    corrects: JournalRef | None  # the entry this one corrects
    corrections: list[JournalRef]  # entries that correct this one
    received_from: str | None = None  # came with a case transferred from this kommune
    written_at: datetime | None = None  # written earlier than recorded (offline)


class JournalPage(msgspec.Struct):
    items: list[JournalEntryRead]
    total: int
    page: int
    page_size: int


class NoteCreate(msgspec.Struct):
    title: str
    body: str = ""
    corrects_id: int | None = None
    # When the note was written, if earlier than now: a note written offline on a home
    # visit and sent when the device is back online.
    written_at: datetime | None = None


class InvestigationStart(msgspec.Struct):
    aware_since: date


class InvestigationStarted(msgspec.Struct):
    enkeltsag_id: uuid.UUID
    activities: list[ActivityRead]


class CaseworkerLoad(msgspec.Struct):
    user_id: uuid.UUID
    display_name: str
    open_cases: int
    open_activities: int
    overdue_activities: int


class TeamOverview(msgspec.Struct):
    """The manager's teams: a page of the overdue activities (``overdue_total`` in all), a
    page of the last 14 days' notifications (``new_notifications_total`` in all, of which
    ``new_notifications_unassessed`` are not assessed) and every member's caseload."""

    teams: list[str]
    overdue: list[ActivityRead]
    caseload: list[CaseworkerLoad]
    new_notifications: list[NotificationLine] = msgspec.field(default_factory=list)
    overdue_total: int = 0
    new_notifications_total: int = 0
    new_notifications_unassessed: int = 0


Age = Annotated[int, msgspec.Meta(ge=0, le=130)]


class SearchQuery(msgspec.Struct):
    """Search in the kommune's cases. CPR travels in this body, never in a URL."""

    text: str | None = None  # name, or a CPR number (with or without the dash)
    age_from: Age | None = None
    age_to: Age | None = None
    stage: str | None = None
    caseworker_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    deadline: str | None = None  # "overdue" | "due_week" | "none_open"
    measure: str | None = None  # a running measure of this type
    include_closed: bool = False
    page: int = 1
    page_size: int = 25


class SearchHit(msgspec.Struct):
    hovedsag_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    age: int
    stage: Stage
    opened_at: date
    closed_at: date | None
    caseworker: str | None
    team: str | None
    open_activities: int
    overdue_activities: int
    can_open: bool  # False: the user is not on the case and must step in with a reason
    # Telling two children of one name apart: the birth date (an unborn child's: the
    # expected date), and the CPR number for a user who may write cases and open this one.
    birth_date: date | None = None
    unborn: bool = False
    cpr: str | None = None
    case_number: str = ""  # e.g. "2026-00123"


class SearchPage(msgspec.Struct):
    items: list[SearchHit]
    total: int
    page: int
    page_size: int


class AssignableUser(msgspec.Struct):
    """An active caseworker or manager of the kommune; ``team`` is the team the case moves
    to if they take it over (the case's own team when they are in it)."""

    user_id: uuid.UUID
    display_name: str
    team_id: uuid.UUID | None
    team: str | None
    in_case_team: bool


class Assignment(msgspec.Struct):
    version: int
    caseworker_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None


class EnkeltsagRead(msgspec.Struct):
    id: uuid.UUID
    kind: EnkeltsagKind
    opened_at: datetime
    closed_at: datetime | None
    paragraph: Paragraph | None
    aware_since: date | None
    summary: str | None


class CaseRead(msgspec.Struct):
    id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    stage: Stage
    opened_at: date
    closed_at: date | None
    caseworker_id: uuid.UUID | None
    caseworker: str | None
    team_id: uuid.UUID | None
    team: str | None
    version: int
    enkeltsager: list[EnkeltsagRead]
    activities: list[ActivityRead]
    close_reason: str | None = None
    # The header: who the child is and what the case is called on the phone. The CPR number
    # (DDMMYY-XXXX) is shown only to those who may open the case; never in a URL or a log.
    case_number: str = ""
    cpr: str | None = None  # None for an unborn child (registered by the mother's CPR)
    birth_date: date | None = None
    age: int | None = None  # whole years today; None for an unborn child
    unborn: bool = False
    expected_date: date | None = None  # an unborn child's due date
    address: str = ""  # empty when address_protected
    address_protected: bool = False  # adressebeskyttelse: show "Adressebeskyttet"
    underretninger: list[UnderretningRead] = msgspec.field(default_factory=list)
    afgoerelser: list[AfgoerelseRead] = msgspec.field(default_factory=list)
    indsatser: list[IndsatsRead] = msgspec.field(default_factory=list)
    steps: list[StepRead] = msgspec.field(default_factory=list)
    workers: list[WorkerRead] = msgspec.field(default_factory=list)
    # Required steps still open before the pending decision (warn; a reason is needed).
    missing_before_decision: list[MissingStepRead] = msgspec.field(default_factory=list)


class BirthRegistration(msgspec.Struct):
    cpr: str
    first_name: str
    last_name: str


class Cancellation(msgspec.Struct):
    version: int
    reason: str


class UnderretningRead(msgspec.Struct):
    id: uuid.UUID
    kind: IntakeKind
    enkeltsag_id: uuid.UUID
    received_at: datetime
    notifier_kind: NotifierKind
    source: Source
    notifier_name: str | None
    concerns: str
    suspected_abuse: bool
    version: int
    causes: list[str] = msgspec.field(default_factory=list)


class AfgoerelseRead(msgspec.Struct):
    id: uuid.UUID
    enkeltsag_id: uuid.UUID
    paragraph: Paragraph
    outcome: Outcome
    decided_on: date
    summary: str
    exceptions: list[dict[str, str]]
    created_by: str
    created_by_name: str  # what a person reads (created_by is a username)


class IndsatsRead(msgspec.Struct):
    id: uuid.UUID
    enkeltsag_id: uuid.UUID
    kind: str
    label: str
    paragraph: Paragraph
    placement: bool
    starts_on: date
    ends_on: date | None
    end_reason: str | None
    version: int
    planned_end: date | None = None  # the last day granted (support after 18)


class StepRead(msgspec.Struct):
    id: uuid.UUID
    kind: StepKind
    label: str
    happened_on: date
    note: str
    indsats_id: uuid.UUID | None
    next_due: date | None
    next_reason: str | None
    created_by: str
    created_by_name: str  # what a person reads (created_by is a username)
    # The transition (§ 111): the § 114 decision it links, or why there is none.
    afgoerelse_id: uuid.UUID | None = None
    no_support: NoSupport | None = None
    no_support_label: str | None = None


class WorkerRead(msgspec.Struct):
    user_id: uuid.UUID
    display_name: str
    added_by: str  # the username, as recorded
    added_at: datetime
    added_by_name: str = ""  # what a person reads: the name of who added them


class MissingStepRead(msgspec.Struct):
    rule_id: str
    title: str
    basis: str | None


class VisitationStart(msgspec.Struct):
    paragraph: str


class VisitationStarted(msgspec.Struct):
    enkeltsag_id: uuid.UUID
    activities: list[ActivityRead]


class DecisionCreate(msgspec.Struct):
    paragraph: str
    outcome: str
    decided_on: date
    summary: str
    # Reasons for deciding without a required step, keyed by its rule id
    # (``boernesamtale``, ``partshoering``, ``barnets-plan-47``).
    exceptions: dict[str, str] = msgspec.field(default_factory=dict)
    measure: str | None = None
    starts_on: date | None = None
    # An approved visitation draft (backend/money): the decision grants its measures, each
    # with supplier, offer, period and price (then ``measure``/``starts_on`` stay empty).
    draft_id: uuid.UUID | None = None
    # Support after 18 (§ 114): the last day the measure is granted for (required; no later
    # than the day before the 23rd birthday).
    ends_on: date | None = None


class DecisionMade(msgspec.Struct):
    afgoerelse_id: uuid.UUID
    indsats_id: uuid.UUID | None
    activities: list[ActivityRead]


class InvestigationCompletion(msgspec.Struct):
    completed_on: date
    conclusion: str


class MovedDeadline(msgspec.Struct):
    title: str
    old: datetime | None
    new: datetime | None


class Moved(msgspec.Struct):
    moved: list[MovedDeadline]


class StepCreate(msgspec.Struct):
    kind: str
    happened_on: date
    note: str = ""
    indsats_id: uuid.UUID | None = None
    next_due: date | None = None
    next_reason: str | None = None
    # The transition (§ 111, kind "overgang"): the § 114 decision, or why there is none
    # ("afslaar": the young person declines, "ikke_omfattet": not entitled; with a note).
    afgoerelse_id: uuid.UUID | None = None
    no_support: str | None = None


class StepRecorded(msgspec.Struct):
    id: uuid.UUID
    completed: list[str]
    activities: list[ActivityRead]


class MeasureEnd(msgspec.Struct):
    version: int
    ends_on: date
    reason: str


class MeasureStartMove(msgspec.Struct):
    version: int
    starts_on: date
    reason: str


class ReceiptMove(msgspec.Struct):
    version: int
    received_at: datetime
    reason: str


class AwareSinceMove(msgspec.Struct):
    aware_since: date
    reason: str


class WorkerChange(msgspec.Struct):
    version: int
    user_id: uuid.UUID


class StepIn(msgspec.Struct):
    reason: str


class CaseClose(msgspec.Struct):
    version: int
    reason: str


class Option(msgspec.Struct):
    value: str
    label: str
    placement: bool = False
    youth: bool = False  # support after 18: granted under § 114


class ProcessOptions(msgspec.Struct):
    """The choices the process forms offer, from the same tables the rules use."""

    paragraphs: list[Option]
    measures: list[Option]
    steps: list[Option]
    # Why a transition (§ 111) records no decision on support after 18.
    no_support: list[Option] = msgspec.field(default_factory=list)


class DeadlineSettings(msgspec.Struct):
    """The kommune's calendar for working-day deadlines: whether 24 December, 31 December
    and Grundlovsdag (5 June) are closed days (not working days)."""

    closed_days: bool


# --- the front of the process (issue 17 item 1) ------------------------------------------


class AfdaekningStart(msgspec.Struct):
    """Start an afdækning (Barnets Lov § 19); ``purpose``: what is to be clarified."""

    purpose: str = ""


class AfdaekningStarted(msgspec.Struct):
    enkeltsag_id: uuid.UUID
    activities: list[ActivityRead]


class PreliminaryAssessment(msgspec.Struct):
    """The preliminary assessment of an investigation that cannot be finished within 4
    months (§ 20, stk. 3), and when it is expected to be finished."""

    assessed_on: date
    assessment: str
    expected_on: date


class PreliminaryRecorded(msgspec.Struct):
    activities: list[ActivityRead]
