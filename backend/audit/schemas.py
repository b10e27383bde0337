"""What the audit logs answer: the stored event plus its Danish reading (labels.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from backend.audit.labels import ACTION_LABELS, action_label, describe_detail
from backend.audit.repository import AuditEvent

# Events only the operator's log holds (not offered as a filter in a kommune's log).
OPERATOR_ONLY = frozenset(
    {
        "kommune.onboarded",
        "kommune.onboard_failed",
        "kommune.suspended",
        "kommune.resumed",
        "kommuner.migrated",
    }
)


class AuditDetailLine(msgspec.Struct):
    label: str
    value: str


class AuditRead(msgspec.Struct):
    id: int
    at: datetime
    actor: str  # the username, as recorded
    actor_name: str | None  # the user's name, where the user is known here
    action: str  # stable code, for filtering
    action_label: str  # what a person reads
    subject: str | None
    detail: dict[str, Any]
    details: list[AuditDetailLine]  # the detail in Danish, in recorded order
    # Whom the event concerns, by name: the child (subject a child or case id) or the user.
    subject_name: str | None = None


class AuditPage(msgspec.Struct):
    items: list[AuditRead]
    total: int
    page: int
    page_size: int


class AuditActionRead(msgspec.Struct):
    action: str
    label: str


def audit_read(row: AuditEvent, kommune_names: Mapping[str, str] | None = None) -> AuditRead:
    """``kommune_names`` (code -> name, from the registry) names kommuner in the details."""
    detail = row.detail or {}
    return AuditRead(
        id=row.id,
        at=row.at,
        actor=row.actor,
        actor_name=row.actor_name,
        subject_name=row.subject_name,
        action=row.action,
        action_label=action_label(row.action),
        subject=row.subject,
        detail=detail,
        details=[
            AuditDetailLine(label, value)
            for label, value in describe_detail(
                detail,
                kommune_names,
                {str(detail["user"]): row.detail_user_name}
                if row.detail_user_name and "user" in detail
                else None,
            )
        ],
    )


def kommune_actions() -> list[AuditActionRead]:
    """The actions a kommune's log can hold, alphabetically by label (the filter's choices)."""
    return sorted(
        (AuditActionRead(a, label) for a, label in ACTION_LABELS.items() if a not in OPERATOR_ONLY),
        key=lambda a: a.label,
    )
