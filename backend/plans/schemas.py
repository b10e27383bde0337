"""The teams' activity plans at the API boundary (issue 17 item 7)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

# How an item's days are counted from the start: calendar days, or working days (Monday
# to Friday but public holidays, ``backend.core.workdays``, the kommune's closed days).
DayKind = Literal["kalenderdage", "arbejdsdage"]


class PlanItemWrite(msgspec.Struct):
    title: str
    days: int
    day_kind: str = "kalenderdage"
    description: str | None = None


class PlanCreate(msgspec.Struct):
    """A new plan of one of the manager's teams: a name, when to use it, and its items."""

    team_id: uuid.UUID
    name: str
    items: list[PlanItemWrite]
    note: str | None = None


class PlanUpdate(msgspec.Struct):
    """The plan as it should be now (``version`` as read); activities already made from it
    do not change."""

    version: int
    name: str
    items: list[PlanItemWrite]
    note: str | None = None


class PlanRetire(msgspec.Struct):
    version: int


class PlanItemRead(msgspec.Struct):
    title: str
    days: int
    day_kind: DayKind
    description: str | None = None


class PlanRead(msgspec.Struct):
    id: uuid.UUID
    team_id: uuid.UUID
    team: str
    name: str
    version: int
    items: list[PlanItemRead]
    changed_at: datetime
    note: str | None = None
    # Whether the caller manages the plan's team (a manager of the team).
    can_manage: bool = False


class TeamOption(msgspec.Struct):
    id: uuid.UUID
    name: str


class PlanList(msgspec.Struct):
    """The plans of the caller's teams, and the teams the caller may add plans to."""

    plans: list[PlanRead]
    manageable_teams: list[TeamOption]


class PlanPreviewItem(msgspec.Struct):
    title: str
    due_on: date
    days: int
    day_kind: DayKind
    description: str | None = None


class PlanPreview(msgspec.Struct):
    """What applying the plan from ``start_on`` would create; ``applied_on``: the days it
    was applied to this case before (applying again is allowed, after a warning)."""

    plan_id: uuid.UUID
    name: str
    version: int
    start_on: date
    items: list[PlanPreviewItem]
    applied_on: list[date]


class PlanApply(msgspec.Struct):
    """Apply the plan as previewed (``version``) from ``start_on`` (default today);
    ``again`` confirms applying a plan the case already had."""

    version: int
    start_on: date | None = None
    again: bool = False


class PlanApplied(msgspec.Struct):
    activity_ids: list[uuid.UUID]
    count: int
