"""CPR lookups a feature makes on the user's behalf, beyond the lookups a user asks for
by route (``/api/cpr/*``, "Hent forældre fra CPR"): a letter asks the register whether each
recipient is exempt from Digital Post. Each question takes a token from the same buckets
as those routes (per user and per kommune, ``backend.limits``) and writes an audit event
``cpr.person`` on the case, with the purpose and without the CPR number."""

from __future__ import annotations

from typing import Any

from backend.audit.service import record
from backend.auth.session import Session
from backend.limits.limiter import RateLimiter
from backend.limits.middleware import cpr_lookup_buckets
from backend.network.cpr_source import CprRelations, CprSource
from backend.network.registration import source_of


class LimitedCprSource:
    """A :class:`CprSource` whose every question is rate-limited (a Danish 429,
    ``RateLimited``, before the register is asked) and audited."""

    def __init__(
        self,
        source: CprSource,
        limiter: RateLimiter,
        session: Session,
        actor: str,
        subject: str,
        purpose: str,
    ) -> None:
        self._source = source
        self._limiter = limiter
        self._buckets = cpr_lookup_buckets(session)
        self._actor = actor
        self._subject = subject
        self._purpose = purpose

    async def _ask(self) -> None:
        await self._limiter.take(self._buckets)
        await record(self._actor, "cpr.person", self._subject, purpose=self._purpose)

    async def relations(self, cpr: str) -> CprRelations | None:
        await self._ask()
        return await self._source.relations(cpr)

    async def digital_post_exempt(self, cpr: str) -> bool:
        await self._ask()
        return await self._source.digital_post_exempt(cpr)


def limited_source(request: Any, actor: str, subject: str, purpose: str) -> CprSource:
    """The app's CPR source for one request, limited and audited as the request's user;
    ``subject`` (the case) and ``purpose`` (Danish, e.g. "brev") go in the audit event."""
    state = request.app.state
    session: Session = request.scope["state"]["session"]
    return LimitedCprSource(source_of(state), state.limiter, session, actor, subject, purpose)
