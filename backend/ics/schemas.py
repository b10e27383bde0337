"""Shapes of the ICS documents and of the API around them.

A document's ``content`` is one of three tagged structs (the ``kind`` field names which),
validated by msgspec on every save. Drafts may be incomplete: structure and known keys are
checked when saving, completeness only when submitting.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

# Generous limits: a long investigation is some 100 kB of text; these only stop abuse.
ShortText = Annotated[str, msgspec.Meta(max_length=2_000)]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]
LongText = Annotated[str, msgspec.Meta(max_length=100_000)]
Key = Annotated[str, msgspec.Meta(max_length=64)]

# A document's kind, a version's status and a deadline's status (CHECK constraints).
Kind = Literal["undersoegelse", "plan", "opfoelgning"]
Status = Literal["kladde", "indsendt", "godkendt"]
ActivityStatus = Literal["open", "done", "cancelled"]


# --- The method (ICS as data) -------------------------------------------------------------


class Labelled(msgspec.Struct):
    key: str
    label: str
    hint: str = ""


class Field(msgspec.Struct):
    key: str
    label: str
    hint: str = ""
    required: bool = False


class Dimension(msgspec.Struct):
    key: str
    label: str
    hint: str
    required: bool = True


class Side(msgspec.Struct):
    key: str
    label: str
    dimensions: list[Dimension]


class Method(msgspec.Struct):
    """One version of the ICS method: the triangle's sides and dimensions, what is
    recorded per dimension, the sources a statement can have, and the labels of the other
    parts of each kind of document. A revision of the method is a new file, not code."""

    id: str
    name: str
    basis: str
    entry_kinds: list[Labelled]
    sources: list[Labelled]
    sides: list[Side]
    sections: dict[str, list[Field]]
    goal_fields: list[Field]
    follow_up_statuses: list[Labelled]


class KindInfo(msgspec.Struct):
    key: Kind
    label: str
    basis: str


class MethodRead(msgspec.Struct):
    method: Method
    kinds: list[KindInfo]
    statuses: list[Labelled]
    approval_requires_other: bool  # the kommune's setting: no approving one's own version


# --- Content of the three kinds -------------------------------------------------------------


class Statement(msgspec.Struct, forbid_unknown_fields=True):
    """One statement in a dimension, with who said it (``source`` from the method's list;
    ``source_note`` says who exactly, e.g. "klasselærer Hanne")."""

    text: Text = ""
    source: Key = ""
    source_note: ShortText = ""


class DimensionEntries(msgspec.Struct, forbid_unknown_fields=True):
    observations: Annotated[list[Statement], msgspec.Meta(max_length=200)] = []
    resources: Annotated[list[Statement], msgspec.Meta(max_length=200)] = []
    concerns: Annotated[list[Statement], msgspec.Meta(max_length=200)] = []


class Need(msgspec.Struct, forbid_unknown_fields=True):
    """An unmet need (udækket behov); ``id`` is stable across versions (the server assigns
    one when empty) so a plan goal can point at it."""

    id: Key = ""
    text: Text = ""
    dimension: Key | None = None  # the dimension it comes from, if any


class InvestigationContent(
    msgspec.Struct, tag_field="kind", tag="undersoegelse", forbid_unknown_fields=True
):
    dimensions: dict[Key, DimensionEntries] = {}
    child_view: LongText = ""
    parents_view: LongText = ""
    analysis: LongText = ""
    conclusion: LongText = ""
    unmet_needs: Annotated[list[Need], msgspec.Meta(max_length=100)] = []


class Measure(msgspec.Struct, forbid_unknown_fields=True):
    """What is done to reach a goal: a granted measure of the case, or a description."""

    text: ShortText = ""
    indsats_id: uuid.UUID | None = None


class Goal(msgspec.Struct, forbid_unknown_fields=True):
    id: Key = ""
    need_id: Key | None = None  # the investigation's unmet need it answers
    need: Text = ""  # that need's text when the goal was proposed (context, not edited)
    goal: Text = ""
    measurable: Text = ""  # how we know the goal is met
    measures: Annotated[list[Measure], msgspec.Meta(max_length=50)] = []
    responsible: ShortText = ""
    due: date | None = None


class PlanContent(msgspec.Struct, tag_field="kind", tag="plan", forbid_unknown_fields=True):
    goals: Annotated[list[Goal], msgspec.Meta(max_length=100)] = []
    child_view: LongText = ""
    parents_view: LongText = ""


class GoalFollowUp(msgspec.Struct, forbid_unknown_fields=True):
    goal_id: Key
    status: Key = ""  # "" (not yet assessed) | opfyldt | delvist | ikke
    evidence: Text = ""


class FollowUpContent(
    msgspec.Struct, tag_field="kind", tag="opfoelgning", forbid_unknown_fields=True
):
    indsats_id: uuid.UUID | None = None
    happened_on: date | None = None
    goals: Annotated[list[GoalFollowUp], msgspec.Meta(max_length=100)] = []
    summary: LongText = ""
    child_view: LongText = ""
    parents_view: LongText = ""
    next_due: date | None = None
    next_reason: Text = ""
    new_plan_version: bool = False  # approving the follow-up starts a new plan version


IcsContent = InvestigationContent | PlanContent | FollowUpContent


# --- Requests --------------------------------------------------------------------------------


class InvestigationCreate(msgspec.Struct):
    """Start the written investigation. Without an investigation running on the case,
    ``aware_since`` starts one (the case core's decision, with the 4-month deadline)."""

    aware_since: date | None = None


class DraftSave(msgspec.Struct):
    rev: int
    content: IcsContent


class RevOnly(msgspec.Struct):
    rev: int


class Approval(msgspec.Struct):
    rev: int
    note: ShortText = ""


class Return(msgspec.Struct):
    rev: int
    reason: ShortText


class IcsSettings(msgspec.Struct):
    approval_requires_other: bool


# --- Responses -------------------------------------------------------------------------------


class VersionRead(msgspec.Struct):
    id: uuid.UUID
    series_id: uuid.UUID
    kind: Kind
    version_no: int
    status: Status
    status_label: str
    rev: int
    created_by: str
    created_at: datetime
    changed_by: str
    changed_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    changed_by_name: str  # what a person reads (the *_by fields are usernames)
    submitted_by_name: str | None
    approved_by_name: str | None


class SeriesRead(msgspec.Struct):
    series_id: uuid.UUID
    kind: Kind
    kind_label: str
    enkeltsag_id: uuid.UUID | None
    derived_from_id: uuid.UUID | None
    latest: VersionRead
    versions: list[VersionRead]


class OpenInvestigation(msgspec.Struct):
    enkeltsag_id: uuid.UUID
    aware_since: date | None
    due_at: datetime | None
    has_document: bool


class CaseDocuments(msgspec.Struct):
    hovedsag_id: uuid.UUID
    series: list[SeriesRead]
    open_investigation: OpenInvestigation | None  # None: start one with ``aware_since``


class DeadlineRead(msgspec.Struct):
    """A statutory activity the document answers (the 4-month deadline of the
    investigation, the plan's deadline, the measure's next follow-up)."""

    activity_id: uuid.UUID
    rule_id: str | None
    title: str
    basis: str | None
    due_at: datetime | None
    status: ActivityStatus
    overdue: bool
    days_left: int | None  # calendar days until the deadline (negative: overdue)
    completed_at: datetime | None


class ChildInfo(msgspec.Struct):
    id: uuid.UUID
    name: str
    birth_date: date


class GoalRef(msgspec.Struct):
    id: str
    goal: str
    measurable: str
    responsible: str


class NeedRef(msgspec.Struct):
    id: str
    text: str


class Permissions(msgspec.Struct):
    edit: bool
    submit: bool
    approve: bool
    return_to_draft: bool
    new_version: bool
    create_plan: bool
    create_follow_up: bool


class MeasureRef(msgspec.Struct):
    id: uuid.UUID
    kind: str
    label: str
    starts_on: date
    ends_on: date | None


class DocumentRead(msgspec.Struct):
    id: uuid.UUID
    series_id: uuid.UUID
    hovedsag_id: uuid.UUID
    enkeltsag_id: uuid.UUID | None
    kind: Kind
    kind_label: str
    version_no: int
    status: Status
    status_label: str
    locked: bool  # not a draft: only a new version (or a return to draft) changes it
    method: str
    rev: int
    content: IcsContent
    created_by: str
    created_at: datetime
    changed_by: str
    changed_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    changed_by_name: str  # what a person reads (the *_by fields are usernames)
    submitted_by_name: str | None
    approved_by_name: str | None
    returned_by: str | None
    returned_by_name: str | None
    returned_at: datetime | None
    return_reason: str | None
    based_on_id: uuid.UUID | None  # the previous version this one was copied from
    derived_from_id: uuid.UUID | None  # plan: its investigation; follow-up: its plan
    child: ChildInfo
    deadlines: list[DeadlineRead]
    versions: list[VersionRead]
    may: Permissions
    approval_requires_other: bool
    plan_goals: list[GoalRef] | None = None  # follow-up: the goals of the plan followed up
    source_needs: list[NeedRef] | None = None  # plan: unmet needs of its investigation
    measures: list[MeasureRef] | None = None  # plan/follow-up: the case's measures


class DraftSaved(msgspec.Struct):
    rev: int
    changed_by: str
    changed_at: datetime
    # Only when the server completed the content (gave new needs/goals an id): the
    # content as stored. Otherwise None: what the client sent is what is stored.
    content: IcsContent | None = None


class Created(msgspec.Struct):
    """A new document (or version) and what happened alongside."""

    document: VersionRead
    started_investigation: uuid.UUID | None = None  # the enkeltsag, if this call started it


class Transition(msgspec.Struct):
    """The document after submit, approve or return, and what the case core did."""

    document: VersionRead
    completed: list[str] = []  # titles of the statutory activities completed
    created_activities: list[str] = []  # e.g. the next follow-up
    new_plan_version: VersionRead | None = None


class DiffField(msgspec.Struct):
    key: str
    group: str
    label: str
    old: list[str]
    new: list[str]
    changed: bool


class DiffRead(msgspec.Struct):
    series_id: uuid.UUID
    kind: Kind
    a: VersionRead
    b: VersionRead
    fields: list[DiffField]
    changed: int
    kind_label: str = ""
    hovedsag_id: uuid.UUID | None = None
    child: ChildInfo | None = None
    versions: list[VersionRead] = []  # every version of the series, to pick two others


class ApprovalItem(msgspec.Struct):
    """A submitted version awaiting a manager's approval (the manager's "Til godkendelse")."""

    document_id: uuid.UUID
    series_id: uuid.UUID
    kind: Kind
    kind_label: str
    version_no: int
    hovedsag_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    caseworker: str | None  # the case's responsible caseworker (display name)
    team: str | None  # the case's team
    submitted_by: str  # username
    submitted_by_name: str  # display name (the username when unknown)
    submitted_at: datetime
    due_at: datetime | None  # the earliest open deadline the version answers
    overdue: bool
    in_my_teams: bool  # the case is in (or held by someone in) one of the manager's teams
    own: bool  # submitted by the manager: with four eyes, another manager must approve


class Approvals(msgspec.Struct):
    teams: list[str]  # the manager's teams
    items: list[ApprovalItem]  # own teams first, then by deadline and submission
    approval_requires_other: bool
    limit: int  # at most this many items are listed
