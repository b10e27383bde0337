"""Domain errors: what a rule says went wrong, in Danish, without knowing about HTTP.

Services raise these; ``backend.errors.DOMAIN_HANDLERS`` turns each into its HTTP answer
once for the whole application, so a route needs no try/except:

==================  =====  ==========================================================
``FieldError``      400    names the form field (``extra=[{"key", "message"}]``)
``FieldErrors``     400    several fields at once (``extra`` is ``fields``)
``NotFound``        404    the same answer for "does not exist" and "not yours"
``NotAllowed``      403    this user may not do this to this record
``StateConflict``   409    the record's state does not allow it (``CaseClosed`` too);
                           ``extra`` (if given) is the answer's ``extra`` as it is
``Stale``           409    the record changed since it was read: who, when, what now
``Unavailable``     503    a register we ask (CPR) did not answer; names the form field
==================  =====  ==========================================================

A ``KeyError`` or ``IndexError`` is a bug and stays a 500: nothing here catches
``LookupError``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class DomainError(Exception):
    """A rule refused; ``message`` is Danish, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FieldError(DomainError, ValueError):
    """Bad input for a rule; ``field`` names the form field (400)."""

    status_code = 400  # the answer's status; Litestar's log reads it too

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class FieldErrors(DomainError):
    """Bad input in several fields at once (400): ``message`` for the form, ``fields`` one
    ``{"key", "message", ...}`` per field (the answer's ``extra``, as given)."""

    status_code = 400  # the answer's status; Litestar's log reads it too

    def __init__(self, message: str, fields: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.fields = fields


class NotFound(DomainError):
    """Not here, or not this user's to see (404, the same answer for both)."""

    status_code = 404  # the answer's status; Litestar's log reads it too

    def __init__(self, message: str = "Findes ikke") -> None:
        super().__init__(message)


class NotAllowed(DomainError):
    """This user may not do this to this record (403)."""

    status_code = 403  # the answer's status; Litestar's log reads it too


class Unavailable(DomainError):
    """A source outside Trekant (the CPR register) did not answer in time (503); ``field``
    names the form field the person can fill in by hand instead."""

    status_code = 503  # the answer's status; Litestar's log reads it too

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class StateConflict(DomainError):
    """The record's state does not allow the change (409). ``extra``, when a client needs
    more than the message (what the record holds now, why), is the answer's ``extra``."""

    status_code = 409  # the answer's status; Litestar's log reads it too

    extra: dict[str, Any] | None = None

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.extra = extra


class CaseClosed(StateConflict):
    """The case is closed (or was transferred to another kommune): nothing more can be
    registered on it (409)."""


class Stale(Exception):
    """The record changed since the client read it (optimistic locking, 409). Carries who
    changed it, when, and the record's current values, so the answer can say what changed;
    ``what`` names the record in the answer ("Sagen er ændret af …")."""

    status_code = 409  # the answer's status; Litestar's log reads it too

    def __init__(
        self,
        changed_by: str | None = None,
        changed_at: datetime | None = None,
        current: dict[str, Any] | None = None,
        *,
        what: str = "Posten",
    ) -> None:
        super().__init__("stale")
        self.changed_by = changed_by
        self.changed_by_name: str | None = None  # set by ``named``
        self.changed_at = changed_at
        self.current = current or {}
        self.what = what
