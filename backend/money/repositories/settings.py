"""Queries of the kommune's approval rules (``kommune_settings``, one row)."""

from __future__ import annotations

import msgspec

from backend.core.db import conn


class ApprovalRules(msgspec.Struct, frozen=True):
    bevilling_approval: str
    bevilling_approval_threshold_oere: int
    payment_approval: bool


async def get_approval_rules() -> ApprovalRules:
    row = await conn().fetchrow(
        "SELECT bevilling_approval, bevilling_approval_threshold_oere, payment_approval "
        "FROM kommune_settings"
    )
    return ApprovalRules(
        row["bevilling_approval"],
        row["bevilling_approval_threshold_oere"],
        row["payment_approval"],
    )


async def update_approval_rules(rules: ApprovalRules) -> None:
    await conn().execute(
        "UPDATE kommune_settings SET bevilling_approval = $1, "
        "bevilling_approval_threshold_oere = $2, payment_approval = $3",
        rules.bevilling_approval,
        rules.bevilling_approval_threshold_oere,
        rules.payment_approval,
    )
