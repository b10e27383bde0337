"""Money's side of casework's :class:`~backend.casework.ports.Grant` port: a decision
that grants an approved visitation draft (``backend.money.visitation``). Registered at
import; ``backend.jobs`` imports this module, so the API and the worker both have it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from backend.casework import ports
from backend.casework.service import CASE_NOT_FOUND_OR_CLOSED, CaseNotFound
from backend.core.errors import Stale
from backend.money import visitation


@contextmanager
def _as_the_decision() -> Iterator[None]:
    """Errors answered as the decision's own: something missing is the case (404 "Sagen
    findes ikke eller er lukket"), a stale record is "Sagen" (409)."""
    try:
        yield
    except Stale as exc:
        exc.what = "Sagen"
        raise
    except CaseNotFound:
        raise
    except LookupError as exc:
        raise CaseNotFound(CASE_NOT_FOUND_OR_CLOSED) from exc


class VisitationGrant:
    """Grants a visitation draft's lines, each with its bevilling."""

    async def check_decision(
        self,
        hovedsag_id: uuid.UUID,
        draft_id: uuid.UUID,
        *,
        paragraph: str,
        outcome: str,
        decided_on: date,
        measure: str | None,
        starts_on: date | None,
    ) -> visitation.DecisionPlan:
        with _as_the_decision():
            return await visitation.check_decision(
                hovedsag_id,
                draft_id,
                paragraph=paragraph,
                outcome=outcome,
                decided_on=decided_on,
                measure=measure,
                starts_on=starts_on,
            )

    async def apply_decision(
        self,
        actor: str,
        case: Any,
        afgoerelse_id: uuid.UUID,
        paragraph: str,
        plan: ports.GrantPlan,
    ) -> tuple[uuid.UUID | None, list[uuid.UUID]]:
        assert isinstance(plan, visitation.DecisionPlan)
        with _as_the_decision():
            return await visitation.apply_decision(actor, case, afgoerelse_id, paragraph, plan)


ports.register_grant(VisitationGrant())
