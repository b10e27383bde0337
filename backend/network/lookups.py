"""CPR lookups a feature makes on the user's behalf, beyond the lookups a user asks for
by route (``/api/cpr/*``, "Hent forældre fra CPR"): a letter asks the register whether each
recipient is exempt from Digital Post. Each question takes a token from the same buckets
as those routes (per user and per kommune, ``backend.limits``) and writes an audit event
``cpr.person`` on the case, with the purpose and without the CPR number."""

from __future__ import annotations

from typing import Any

from backend.audit.service import record, record_apart
from backend.auth.session import Session
from backend.limits.limiter import RateLimiter
from backend.limits.middleware import cpr_lookup_buckets
from backend.network.cpr_source import CprPerson, CprRelations, CprSource, CprUnavailable
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

    async def _refused(self, exc: CprUnavailable) -> None:
        """The register did not answer: the request will be refused (and roll back), so
        the lookup's refusal is audited in a transaction of its own."""
        from backend.network.service import cpr_error

        await record_apart(
            self._actor,
            "cpr.person",
            self._subject,
            purpose=self._purpose,
            found="svarer_ikke",
            cpr_error=cpr_error(exc),
        )

    async def relations(self, cpr: str) -> CprRelations | None:
        await self._ask()
        try:
            return await self._source.relations(cpr)
        except CprUnavailable as exc:
            await self._refused(exc)
            raise

    async def person(self, cpr: str) -> CprPerson | None:
        await self._ask()
        try:
            return await self._source.person(cpr)
        except CprUnavailable as exc:
            await self._refused(exc)
            raise

    async def digital_post_exempt(self, cpr: str) -> bool:
        found = await self.person(cpr)
        return bool(found and found.digital_post_exempt)


def limited_source(request: Any, actor: str, subject: str, purpose: str) -> CprSource:
    """The app's CPR source for one request, limited and audited as the request's user;
    ``subject`` (the case) and ``purpose`` (Danish, e.g. "brev") go in the audit event."""
    state = request.app.state
    session: Session = request.scope["state"]["session"]
    return LimitedCprSource(source_of(state), state.limiter, session, actor, subject, purpose)
