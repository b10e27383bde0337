"""What casework needs from the packages above it, as interfaces they implement and
register at import time (``backend.jobs`` imports the registering modules, and both the API
and the worker import ``backend.jobs``). Casework imports none of those packages.

- :class:`Grant` (``backend.money.grants``): a decision that grants an approved
  visitation draft with its costs.
- :class:`PriorCases` (``backend.crosskommune.subscribers``): other kommuners' cases on a
  child, shown when a child is registered or born.
- :class:`AddParents` (``backend.network.registration``): the parents chosen at
  registration put in the new child's network, from the CPR register.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from backend.casework.schemas import PriorCaseRead


class GrantPlan(Protocol):
    """What a checked grant will do; casework reads only when it starts."""

    @property
    def starts_on(self) -> date: ...

    @property
    def periods(self) -> list[tuple[str, str | None, date, date | None]]:
        """Each line's id, measure kind, start and planned end (support after 18 is
        checked against the young person's age)."""
        ...


class Grant(Protocol):
    """Granting an approved visitation draft in a decision (backend/money)."""

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
    ) -> GrantPlan:
        """Check (and lock) the draft before anything is written; raise the domain error
        the decision must answer with."""
        ...

    async def apply_decision(
        self, actor: str, case: Any, afgoerelse_id: uuid.UUID, paragraph: str, plan: GrantPlan
    ) -> tuple[uuid.UUID | None, list[uuid.UUID]]:
        """Grant the checked plan: start its measures and write the bevillinger. Returns
        the first measure and the activities created."""
        ...


class PriorCases(Protocol):
    """Other kommuners' cases on the child (the lookup is audited with ``purpose``)."""

    async def __call__(
        self, child_id: uuid.UUID, actor: str, purpose: str
    ) -> list[PriorCaseRead]: ...


class AddParents(Protocol):
    """Put these parents (CPR numbers from the register's answer) in the child's network,
    in the registration's transaction. ``state`` is the app's state (its CPR source)."""

    async def __call__(
        self, me: Any, child_id: uuid.UUID, parent_cprs: list[str], state: Any
    ) -> None: ...


class _Registry:
    grant: Grant | None = None
    prior_cases: PriorCases | None = None
    add_parents: AddParents | None = None


def register_grant(grant: Grant) -> None:
    _Registry.grant = grant


def register_prior_cases(lookup: PriorCases) -> None:
    _Registry.prior_cases = lookup


def register_add_parents(add: AddParents) -> None:
    _Registry.add_parents = add


def add_parents() -> AddParents:
    if _Registry.add_parents is None:
        raise RuntimeError("no AddParents registered: import backend.jobs (backend.network)")
    return _Registry.add_parents


def grant() -> Grant:
    """The registered :class:`Grant`; a missing registration is a programming error."""
    if _Registry.grant is None:
        raise RuntimeError("no Grant registered: import backend.jobs (backend.money.grants)")
    return _Registry.grant


def prior_cases() -> PriorCases:
    if _Registry.prior_cases is None:
        raise RuntimeError(
            "no PriorCases registered: import backend.jobs (backend.crosskommune.subscribers)"
        )
    return _Registry.prior_cases
