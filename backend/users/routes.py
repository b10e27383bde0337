"""The kommune administrator's screens: users, roles, teams, login settings, audit log.

Every route needs ``users.manage`` (or ``audit.read`` for the audit log). Changes are
audited; a deactivated user's sessions end at once; the last active administrator can
neither be deactivated nor lose the role.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

import msgspec
from litestar import Controller, Request, get, patch, post, put
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, JSONBody

from backend.audit import repository as audit_repo
from backend.audit.schemas import AuditActionRead, AuditPage, audit_read, kommune_actions
from backend.audit.service import record
from backend.auth.principal import requires
from backend.auth.session import SessionStore, end_sessions_after_commit
from backend.auth.vocab import Role
from backend.core.danish import plural
from backend.core.errors import FieldError, NotFound, StateConflict
from backend.core.permissions import ROLES, Perm, UnknownRole, check_roles
from backend.core.principal import Me
from backend.core.scope import decode_restrictions
from backend.users import repository as repo
from backend.users.repository import TeamRow, UserRow
from backend.users.schemas import (
    RoleRead,
    SettingsRead,
    TeamClose,
    TeamCreate,
    TeamDetail,
    TeamMemberRead,
    TeamRead,
    TeamUpdate,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from tenancy.context import current_scope


def _user(row: UserRow) -> UserRead:
    return UserRead(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        email=row.email,
        active=row.active,
        roles=list(row.roles),
        team_ids=list(row.team_ids),
        created_at=row.created_at,
        last_login_at=row.last_login_at,
        bound=row.subject is not None,
        version=row.version,
        from_fkorg=row.from_fkorg,
        job_title=row.job_title,
        bound_at=row.bound_at,
        bound_claim=row.bound_claim,
        restrictions=decode_restrictions(row.restrictions),
    )


def _forget_principal_after_commit(
    request: Request[Any, Any, Any], me: Me, user_id: uuid.UUID
) -> None:
    """The user's sessions read name and roles from the database again on their next
    request, once this change has committed (``SessionStore.forget_principals``)."""
    store: SessionStore = request.app.state.sessions

    async def forget() -> None:
        await store.forget_principals("kommune", me.kommune_code, str(user_id))

    current_scope().after_commit.append(forget)


def _check_username(value: str) -> str:
    username = value.strip().lower()
    if not (3 <= len(username) <= 254) or " " in username or "@" not in username:
        raise ValidationException(
            "Brugernavnet skal være den e-mail/UPN, som kommunens log-in viser "
            "(fx navn@kommune.dk)",
            extra=[{"key": "username", "message": "Ugyldigt brugernavn"}],
        )
    return username


FK_ROLES = "Roller tildeles i Fælleskommunalt Administrationsmodul"


async def _check_roles_assignable(kommune_code: str, roles: list[str], before: list[str]) -> None:
    """With Fælleskommunal Adgangsstyring, roles come from the assertion at each login: the
    administrator sees them but cannot change them here (``FieldError`` on ``roles``)."""
    from backend.auth.saml_login import uses_context_handler

    if set(roles) != set(before) and await uses_context_handler(kommune_code):
        raise FieldError("roles", FK_ROLES)


def _roles(roles: list[str]) -> list[str]:
    try:
        return check_roles(roles)
    except UnknownRole as exc:
        raise FieldError("roles", str(exc)) from exc


async def _teams_exist(team_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The teams, each existing and open (a closed team takes no new members)."""
    ids = sorted(set(team_ids))
    if not ids:
        return ids
    found = await repo.existing_teams(ids)
    if len(found) != len(ids):
        raise FieldError("team_ids", "Ukendt team")
    closed = sorted(name for name in found.values() if name is not None)
    if closed:
        raise FieldError("team_ids", f"{closed[0]} er lukket og kan ikke få nye medlemmer")
    return ids


def _team(row: TeamRow) -> TeamRead:
    return TeamRead(
        id=row.id,
        name=row.name,
        members=row.members,
        open_cases=row.open_cases,
        closed_at=row.closed_at,
        version=row.version,
    )


async def _team_detail(team_id: uuid.UUID) -> TeamDetail:
    """The team with its members; :class:`NotFound` if there is none."""
    row = await repo.get_team(team_id)
    if row is None:
        raise NotFound("Teamet findes ikke")
    members = await repo.list_team_members(team_id)
    return TeamDetail(
        id=row.id,
        name=row.name,
        version=row.version,
        closed_at=row.closed_at,
        open_cases=row.open_cases,
        members=[
            TeamMemberRead(
                id=m.id,
                display_name=m.display_name,
                username=m.username,
                active=m.active,
                roles=list(m.roles),
            )
            for m in members
        ],
    )


async def _locked_team(team_id: uuid.UUID, version: int) -> TeamRow:
    """The team, its row locked FOR UPDATE, as the administrator saw it (``version``)."""
    row = await repo.get_team(team_id, for_update=True)
    if row is None:
        raise NotFound("Teamet findes ikke")
    if row.version != version:
        raise StateConflict("Teamet er ændret af en anden i mellemtiden. Hent siden igen.")
    return row


async def _locked_user(user_id: uuid.UUID) -> UserRow:
    """The account, its row locked FOR UPDATE; :class:`NotFound` if there is none."""
    row = await repo.get_user(user_id, for_update=True)
    if row is None:
        raise NotFound("Brugeren findes ikke")
    return row


async def _reread(user_id: uuid.UUID) -> UserRead:
    """The account as it is now, in this transaction (it exists: the caller holds it)."""
    row = await repo.get_user(user_id)
    assert row is not None
    return _user(row)


class UsersController(Controller):
    path = "/api/admin"
    tags = ("Administration",)
    guards = [requires(Perm.USERS_MANAGE)]  # noqa: RUF012 - Litestar reads a list

    @get("/roles", summary="Roller, der kan tildeles")
    async def roles(self) -> list[RoleRead]:
        return [RoleRead(role=cast(Role, k), label=v) for k, v in ROLES.items()]

    @get("/users", summary="Kommunens brugere")
    async def list_users(self) -> list[UserRead]:
        return [_user(r) for r in await repo.list_users()]

    @get(
        "/users/search",
        summary="Søg brugere (navn, brugernavn, e-mail; rolle; team), side for side",
    )
    async def search_users(
        self,
        q: FromQuery[str] = "",
        role: FromQuery[str | None] = None,
        team_id: FromQuery[uuid.UUID | None] = None,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 25,
    ) -> UserPage:
        """Every word of ``q`` must occur in the name, username or e-mail; by name."""
        if len(q) > 200:
            raise FieldError("q", "Søgningen er for lang (højst 200 tegn)")
        if role is not None and role not in ROLES:
            raise FieldError("role", "Ukendt rolle")
        if page < 1:
            raise FieldError("page", "Siden skal være 1 eller derover")
        if not 1 <= page_size <= 100:
            raise FieldError("page_size", "Der kan vises mellem 1 og 100 brugere pr. side")
        rows, total = await repo.search_users(q.split(), role, team_id, page, page_size)
        return UserPage(items=[_user(r) for r in rows], total=total, page=page, page_size=page_size)

    @post("/users", summary="Opret (forhåndsregistrér) en bruger", status_code=201)
    async def create_user(self, me: Me, data: JSONBody[UserCreate]) -> UserRead:
        username = _check_username(data.username)
        name = data.display_name.strip()
        if not name:
            raise FieldError("display_name", "Navn mangler")
        roles = _roles(data.roles)
        await _check_roles_assignable(me.kommune_code, roles, [])
        teams = await _teams_exist(data.team_ids)
        user_id = await repo.insert_user(username, name, data.email, me.actor)
        if user_id is None:
            raise StateConflict(f"Der findes allerede en bruger med brugernavnet {username}")
        await repo.set_roles(user_id, roles, me.actor)
        await repo.set_teams(user_id, teams)
        await record(me.actor, "user.provisioned", str(user_id), username=username, roles=roles)
        return await _reread(user_id)

    @patch("/users/{user_id:uuid}", summary="Ret navn, roller og teams")
    async def update_user(
        self,
        request: Request[Any, Any, Any],
        me: Me,
        user_id: FromPath[uuid.UUID],
        data: JSONBody[UserUpdate],
    ) -> UserRead:
        row = await _locked_user(user_id)
        roles_changed = False
        if row.version != data.version:
            raise StateConflict("Brugeren er ændret af en anden i mellemtiden. Hent siden igen.")
        if not isinstance(data.display_name, msgspec.UnsetType):
            if row.from_fkorg and data.display_name.strip() != row.display_name:
                raise FieldError("display_name", "Navnet kommer fra FK Organisation og rettes dér")
            if not data.display_name.strip():
                raise FieldError("display_name", "Navn mangler")
            await repo.set_display_name(user_id, data.display_name.strip())
        if not isinstance(data.roles, msgspec.UnsetType):
            roles = _roles(data.roles)
            await _check_roles_assignable(me.kommune_code, roles, list(row.roles))
            before = set(row.roles)
            if "administrator" in before and "administrator" not in roles and row.active:
                await self._keep_an_administrator(user_id)
            await repo.set_roles(user_id, roles, me.actor)
            added, removed = sorted(set(roles) - before), sorted(before - set(roles))
            roles_changed = bool(added or removed)
            if added or removed:
                await record(
                    me.actor,
                    "user.roles_changed",
                    str(user_id),
                    username=row.username,
                    added=added,
                    removed=removed,
                )
        if not isinstance(data.team_ids, msgspec.UnsetType):
            await repo.set_teams(user_id, await _teams_exist(data.team_ids))
            await record(me.actor, "user.teams_changed", str(user_id), username=row.username)
        await repo.bump_version(user_id)
        if roles_changed:
            # Sessions carry the roles they were started with: they all end now, and the
            # person logs in again with the new roles (no request can cache the old ones).
            end_sessions_after_commit(me.kommune_code, str(user_id))
        else:
            _forget_principal_after_commit(request, me, user_id)
        return await _reread(user_id)

    @post("/users/{user_id:uuid}/deactivate", summary="Deaktivér (fratrådt)", status_code=200)
    async def deactivate(
        self, request: Request[Any, Any, Any], me: Me, user_id: FromPath[uuid.UUID]
    ) -> UserRead:
        row = await _locked_user(user_id)
        if row.active:
            if "administrator" in row.roles:
                await self._keep_an_administrator(user_id)
            await repo.set_active(user_id, False, me.actor)
            await record(me.actor, "user.deactivated", str(user_id), username=row.username)
            store: SessionStore = request.app.state.sessions
            await store.revoke_user("kommune", me.kommune_code, str(user_id))
        return await _reread(user_id)

    @post(
        "/users/{user_id:uuid}/reset-binding",
        summary="Nulstil brugerens log-in-binding (næste log-in binder igen)",
        status_code=200,
    )
    async def reset_binding(
        self, request: Request[Any, Any, Any], me: Me, user_id: FromPath[uuid.UUID]
    ) -> UserRead:
        """For an account bound to the wrong identity at the provider: forget it, end the
        user's sessions; the next login by the kommune's login claim binds again."""
        row = await _locked_user(user_id)
        if row.subject is not None:
            await repo.reset_binding(user_id)
            await record(
                me.actor,
                "user.binding_reset",
                str(user_id),
                username=row.username,
                claim=row.bound_claim,
            )
            store: SessionStore = request.app.state.sessions
            await store.revoke_user("kommune", me.kommune_code, str(user_id))
        return await _reread(user_id)

    @post("/users/{user_id:uuid}/reactivate", summary="Genaktivér", status_code=200)
    async def reactivate(self, me: Me, user_id: FromPath[uuid.UUID]) -> UserRead:
        row = await _locked_user(user_id)
        if not row.active:
            await repo.set_active(user_id, True, me.actor)
            await record(me.actor, "user.reactivated", str(user_id), username=row.username)
        return await _reread(user_id)

    async def _keep_an_administrator(self, user_id: uuid.UUID) -> None:
        """Precondition: the caller holds the user's row FOR UPDATE."""
        if await repo.other_active_admins(user_id) == 0:
            raise StateConflict(
                "Kommunen skal have mindst én aktiv administrator. "
                "Giv en anden bruger rollen først."
            )

    @get("/teams", summary="Teams (åbne først) med antal medlemmer og åbne sager")
    async def teams(self) -> list[TeamRead]:
        return [_team(r) for r in await repo.list_teams()]

    @get("/teams/{team_id:uuid}", summary="Et team: medlemmer og antal åbne sager")
    async def team(self, team_id: FromPath[uuid.UUID]) -> TeamDetail:
        return await _team_detail(team_id)

    @patch("/teams/{team_id:uuid}", summary="Omdøb et team")
    async def rename_team(
        self, me: Me, team_id: FromPath[uuid.UUID], data: JSONBody[TeamUpdate]
    ) -> TeamDetail:
        row = await _locked_team(team_id, data.version)
        name = data.name.strip()
        if not name:
            raise FieldError("name", "Navn mangler")
        if len(name) > 100:
            raise FieldError("name", "Navnet er for langt (højst 100 tegn)")
        if name != row.name:
            if not await repo.rename_team(team_id, name):
                raise FieldError("name", f"Der findes allerede et team med navnet {name}")
            await record(me.actor, "team.renamed", str(team_id), name=name, previous_name=row.name)
        return await _team_detail(team_id)

    @post("/teams/{team_id:uuid}/close", summary="Luk et team (uden åbne sager)", status_code=200)
    async def close_team(
        self, me: Me, team_id: FromPath[uuid.UUID], data: JSONBody[TeamClose]
    ) -> TeamDetail:
        """A team with open cases is not closed: which caseworker and team takes each child
        is a decision per case (the leader's, on the case page), not one an administrator
        makes in bulk. Closing releases the members (recorded in the audit log)."""
        row = await _locked_team(team_id, data.version)
        if row.closed_at is not None:
            return await _team_detail(team_id)
        if row.open_cases:
            raise StateConflict(
                f"{row.name} har stadig {plural(row.open_cases, 'åben sag', 'åbne sager')}. "
                "Flyt sagerne til et andet team, før teamet lukkes."
            )
        if await repo.get_transfer_team() == team_id:
            raise StateConflict(
                f"{row.name} modtager sager overført fra andre kommuner. "
                "Vælg et andet team til overførsler, før teamet lukkes."
            )
        released = await repo.close_team(team_id, me.actor)
        await record(me.actor, "team.closed", str(team_id), name=row.name, released=released)
        return await _team_detail(team_id)

    @post("/teams", summary="Opret team", status_code=201)
    async def create_team(self, me: Me, data: JSONBody[TeamCreate]) -> TeamRead:
        name = data.name.strip()
        if not name:
            raise FieldError("name", "Navn mangler")
        team_id = await repo.insert_team(name)
        if team_id is None:
            raise StateConflict(f"Der findes allerede et team med navnet {name}")
        await record(me.actor, "team.created", str(team_id), name=name)
        return TeamRead(id=team_id, name=name, members=0, open_cases=0, closed_at=None, version=1)

    @get("/settings", summary="Kommunens log-in-indstillinger")
    async def get_settings(self) -> SettingsRead:
        row = await repo.get_settings()
        return SettingsRead(
            jit_provisioning=row.jit_provisioning,
            jit_default_role=row.jit_default_role,
            application_days=row.application_days,
        )

    @put("/settings", summary="Ret log-in-indstillinger")
    async def put_settings(self, me: Me, data: JSONBody[SettingsRead]) -> SettingsRead:
        role = _roles([data.jit_default_role])[0]
        if role == "administrator":
            message = "Nye brugere kan ikke automatisk blive administratorer"
            raise FieldError("jit_default_role", message)
        if not 1 <= data.application_days <= 365:
            raise FieldError("application_days", "Fristen skal være mellem 1 og 365 dage")
        await repo.update_settings(data.jit_provisioning, role, data.application_days)
        await record(
            me.actor,
            "settings.changed",
            None,
            jit_provisioning=data.jit_provisioning,
            jit_default_role=role,
            application_days=data.application_days,
        )
        return SettingsRead(
            jit_provisioning=data.jit_provisioning,
            jit_default_role=role,
            application_days=data.application_days,
        )


class AuditController(Controller):
    path = "/api/admin/audit"
    tags = ("Administration",)
    guards = [requires(Perm.AUDIT_READ)]  # noqa: RUF012 - Litestar reads a list

    @get("/actions", summary="Revisionslogens handlinger med danske navne (filterets valg)")
    async def audit_actions(self) -> list[AuditActionRead]:
        return kommune_actions()

    @get("", summary="Kommunens revisionslog (filtrér på handling, bruger og periode)")
    async def audit(
        self,
        action: FromQuery[str | None] = None,
        actor: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 50,
    ) -> AuditPage:
        if page < 1 or not (1 <= page_size <= 200):
            raise ValidationException("page >= 1 og 1 <= page_size <= 200")
        rows, total = await audit_repo.list_audit_page(
            action, actor, subject, since, until, page, page_size
        )
        names = await audit_repo.get_kommune_names()
        return AuditPage(
            items=[audit_read(r, names) for r in rows],
            total=total,
            page=page,
            page_size=page_size,
        )
