"""CPR numbers: normalised, with their birth date (python-stdnum)."""

from __future__ import annotations

import re
from datetime import date

from stdnum.dk import cpr as cpr_lib
from stdnum.exceptions import ValidationError

from backend.core.danish import today_dk
from backend.core.errors import FieldError


def check_cpr(value: str, *, field: str = "cpr", allow_future: bool = False) -> tuple[str, date]:
    """Normalise ``DDMMYY-SSSS`` to ten digits and return it with the birth date.

    The date and century come from the number (python-stdnum); the modulus-11 check was
    dropped in 2007 and is not required.
    """
    digits = (value or "").replace("-", "").replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        raise FieldError(field, "CPR-nummeret skal have 10 cifre (DDMMÅÅ-XXXX)")
    try:
        birth = cpr_lib.get_birth_date(digits)
    except ValidationError as exc:
        raise FieldError(field, "CPR-nummeret indeholder ikke en gyldig fødselsdato") from exc
    if not allow_future and birth > today_dk():
        raise FieldError(field, "CPR-nummerets fødselsdato ligger i fremtiden")
    return digits, birth


# Anything that looks like a CPR number in free text: ten digits, with or without the dash
# after the sixth, not part of a longer number. Used to keep CPR numbers out of log lines.
CPR_IN_TEXT = re.compile(r"(?<![\d])\d{6}-?\d{4}(?![\d])")


def redact_cpr(text: str) -> str:
    """``text`` with every CPR-like number replaced by ``[cpr]``."""
    return CPR_IN_TEXT.sub("[cpr]", text)
