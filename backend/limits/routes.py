"""The kommune administrator's security alerts (unusual prior-case lookups)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromPath

from backend.auth.principal import requires
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.limits import alerts
from backend.limits.schemas import SecurityAlertRead


class AlertController(Controller):
    path = "/api/admin/alerts"
    tags = ("Administration",)
    guards = [requires(Perm.USERS_MANAGE)]  # noqa: RUF012 - Litestar reads a list

    @get("", summary="Sikkerhedsadvarsler (fx usædvanligt mange CPR-opslag)")
    async def list_alerts(self) -> list[SecurityAlertRead]:
        return await alerts.list_alerts()

    @post("/{alert_id:uuid}/seen", summary="Markér advarslen som set", status_code=200)
    async def mark_seen(self, me: Me, alert_id: FromPath[uuid.UUID]) -> SecurityAlertRead:
        return await alerts.do_mark_seen(alert_id, me.actor)
