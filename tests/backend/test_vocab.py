"""The Literal vocabularies of the API schemas (backend/auth/vocab.py) name exactly the
values the code and the database allow."""

from __future__ import annotations

from typing import get_args

from backend.auth.vocab import KommuneStatus, LoginClaim, Role
from backend.core.permissions import ROLES
from tenancy.registry import LOGIN_CLAIMS
from tests.conftest import ROOT


def test_roles_are_the_grantable_roles() -> None:
    assert list(get_args(Role)) == list(ROLES)


def test_login_claims_are_the_registrys() -> None:
    assert get_args(LoginClaim) == LOGIN_CLAIMS


def test_kommune_status_is_the_registrys_check() -> None:
    sql = (ROOT / "tenancy/migrations/shared/0001_registry.sql").read_text()
    assert "CHECK (status IN ('active', 'suspended'))" in sql
    assert get_args(KommuneStatus) == ("active", "suspended")
