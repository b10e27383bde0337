"""The Literal vocabularies of the API schemas (backend/auth/vocab.py) name exactly the
values the code and the database allow."""

from __future__ import annotations

from typing import get_args

import pytest

from backend.auth.vocab import KommuneStatus, LoginClaim, Role
from backend.core.permissions import ROLES
from tenancy.registry import LOGIN_CLAIMS
from tests.conftest import ROOT

pytestmark = pytest.mark.servers_independent


def test_roles_are_the_grantable_roles() -> None:
    assert list(get_args(Role)) == list(ROLES)


def test_login_claims_are_the_registrys() -> None:
    assert get_args(LoginClaim) == LOGIN_CLAIMS


def test_kommune_status_is_the_registrys_check() -> None:
    sql = (ROOT / "tenancy/migrations/shared/0001_registry.sql").read_text()
    assert "CHECK (status IN ('active', 'suspended'))" in sql
    assert get_args(KommuneStatus) == ("active", "suspended")


def test_login_kinds_and_nsis_levels_are_the_registrys_and_the_sps() -> None:
    from backend.auth.saml import NSIS_LEVELS as SP_LEVELS
    from backend.auth.vocab import LoginKind, NsisLevel
    from tenancy.registry import LOGIN_KINDS, NSIS_LEVELS

    assert get_args(LoginKind) == LOGIN_KINDS
    assert get_args(NsisLevel) == NSIS_LEVELS == SP_LEVELS
    sql = (ROOT / "tenancy/migrations/shared/0009_context_handler.sql").read_text()
    assert "CHECK (login_kind IN ('oidc', 'context-handler'))" in sql
    assert "CHECK (ch_nsis_level IN ('Low', 'Substantial', 'High'))" in sql
