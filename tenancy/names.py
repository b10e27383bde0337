"""Kommune codes and the PostgreSQL names derived from them.

A schema or role name is never built from client input: only from a kommune code that
has passed :func:`check_kommune_code`, so every name is ``k`` followed by four digits.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"[0-9]{4}")


class InvalidKommuneCode(ValueError):
    """The code is not four digits."""


def check_kommune_code(code: str) -> str:
    """Return the code if it is four digits (e.g. ``0101``); raise otherwise."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise InvalidKommuneCode(
            f"Invalid kommune code {code!r}: a kommune code is exactly four digits, e.g. 0101"
        )
    return code


def schema_name(code: str) -> str:
    return f"k{check_kommune_code(code)}"


def tenant_role(prefix: str, code: str) -> str:
    return f"{prefix}_k{check_kommune_code(code)}"


def app_role(prefix: str) -> str:
    return f"{prefix}_app"


def operator_role(prefix: str) -> str:
    return f"{prefix}_operator"


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (doubling embedded quotes)."""
    return '"' + name.replace('"', '""') + '"'
