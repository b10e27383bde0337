"""The domain errors that carry more than a message answer exactly as the HTTP exceptions
they replaced: ``StateConflict(extra=...)`` as ``Conflict(message, extra=...)`` and
``FieldErrors`` as ``ValidationException(message, extra=fields)``."""

from __future__ import annotations

from litestar.exceptions import ValidationException

from backend.core.errors import CaseClosed, FieldErrors, StateConflict
from backend.errors import Conflict, as_http


def _answer(exc: Exception) -> tuple[type, int, str, object]:
    assert isinstance(exc, Conflict | ValidationException)
    return type(exc), exc.status_code, exc.detail, exc.extra


def test_a_state_conflict_with_extra_answers_409_with_that_extra() -> None:
    extra = {"reason": "locked", "status": "godkendt", "status_label": "Godkendt"}
    assert _answer(as_http(StateConflict("Versionen er låst", extra=extra))) == _answer(
        Conflict("Versionen er låst", extra=extra)
    )
    assert _answer(as_http(StateConflict("Versionen er låst", extra=extra)))[3] == extra


def test_a_state_conflict_without_extra_answers_as_before() -> None:
    assert _answer(as_http(StateConflict("Aktiviteten er ikke åben"))) == _answer(
        Conflict("Aktiviteten er ikke åben")
    )
    assert _answer(as_http(CaseClosed("Sagen er lukket"))) == (
        Conflict,
        409,
        "Sagen er lukket",
        None,
    )


def test_field_errors_answer_400_listing_every_field() -> None:
    fields = [
        {"key": "phone", "message": "Telefonnummeret skal have 8 cifre"},
        {"key": "email", "message": "E-mailadressen er ikke gyldig"},
    ]
    assert _answer(as_http(FieldErrors("Der er fejl i formularen", fields))) == (
        ValidationException,
        400,
        "Der er fejl i formularen",
        fields,
    )
