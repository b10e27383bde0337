"""HTTP errors shared by every capability.

A 400 names the field it is about (``extra=[{"key", "message"}]``) so the PWA can show
the Danish message next to that field; a 409 says the record changed or already exists.
"""

from __future__ import annotations

from litestar.exceptions import ClientException, ValidationException


class Conflict(ClientException):
    status_code = 409


def field_error(key: str, message: str) -> ValidationException:
    return ValidationException(message, extra=[{"key": key, "message": message}])
