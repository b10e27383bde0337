"""An ``AccessibleCase`` only comes from ``backend.casework.access``: strict mypy refuses a
bare ``uuid.UUID`` where a service function acts on a case, the constructor refuses anyone
without the access module's private token, and ``system_case`` (the kommune acting itself)
is out of reach of every route module."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest
from mypy import api as mypy_api

from backend.casework.access import AccessibleCase, system_case
from backend.core.errors import NotFound
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import A, _caseworker, _register, new_cpr

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = """
import uuid
from datetime import date
from backend.casework import access, process, service

async def by_id(case_id: uuid.UUID) -> None:
    await service.do_add_note("x", case_id, "Overskrift", "Tekst")
    await process.do_close_case("x", case_id, 1, "Begrundelse")
    await process.do_start_visitation("x", case_id, "32")

async def checked(case: access.AccessibleCase) -> None:
    await service.do_add_note("x", case, "Overskrift", "Tekst")
    await process.do_close_case("x", case, 1, "Begrundelse")
    await process.do_start_visitation("x", case, "32")

async def as_the_kommune(case_id: uuid.UUID) -> None:
    case = await access.system_case(case_id, "a job")
    await service.do_start_investigation("system", case, date(2026, 1, 5))
"""


@pytest.mark.servers_independent
def test_mypy_refuses_a_bare_uuid_where_an_accessible_case_is_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The project's own mypy settings (strict, pyproject.toml) and cache: `just test` runs
    `just lint` first, so only the snippet is checked (under 1 s). Options of its own made
    mypy re-check every module the snippet imports and overwrite the lint's cache (35 s)."""
    monkeypatch.chdir(ROOT)
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    out, err, status = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            str(snippet),
        ]
    )
    errors = [line.split(": error: ", 1)[1] for line in out.splitlines() if ": error: " in line]
    assert status == 1, out + err
    assert errors == [
        'Argument 2 to "do_add_note" has incompatible type "UUID"; '
        'expected "AccessibleCase"  [arg-type]',
        'Argument 2 to "do_close_case" has incompatible type "UUID"; '
        'expected "AccessibleCase"  [arg-type]',
        'Argument 2 to "do_start_visitation" has incompatible type "UUID"; '
        'expected "AccessibleCase"  [arg-type]',
    ]


def test_only_the_access_module_can_make_one() -> None:
    with pytest.raises(TypeError):
        AccessibleCase(uuid.uuid4(), object())


def test_no_module_but_access_constructs_it() -> None:
    # Only a file that names AccessibleCase can call it (parsing all of backend took 3 s).
    sources = {path: path.read_text(encoding="utf-8") for path in (ROOT / "backend").rglob("*.py")}
    makers = sorted(
        path.relative_to(ROOT).as_posix()
        for path, text in sources.items()
        if "AccessibleCase" in text
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "AccessibleCase"
    )
    assert makers == ["backend/casework/access.py"] * 3


def _imports_system_case(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "system_case" for a in node.names):
            return True
        if isinstance(node, ast.Attribute) and node.attr == "system_case":
            return True
    return False


def test_no_route_module_can_act_as_the_kommune() -> None:
    route_modules = [
        path
        for path in (ROOT / "backend").rglob("*.py")
        if path.name == "routes.py" or "routes" in path.relative_to(ROOT).parts[:-1]
    ]
    assert len(route_modules) > 10
    users = sorted(
        path.relative_to(ROOT).as_posix()
        for path in route_modules
        if _imports_system_case(ast.parse(path.read_text(encoding="utf-8")))
    )
    assert users == []


def test_the_scan_sees_system_case_when_it_is_there() -> None:
    assert _imports_system_case(ast.parse("from backend.casework.access import system_case"))
    assert _imports_system_case(
        ast.parse("from backend.casework import access\naccess.system_case")
    )
    assert not _imports_system_case(ast.parse("from backend.casework.access import access_case"))


async def test_system_case_finds_the_case_and_is_404_for_no_such_case(http, seeded):  # type: ignore[no-untyped-def]
    await _caseworker(http)
    r = await _register(http, new_cpr(9401))
    assert r.status_code == 201, r.text
    case_id = uuid.UUID(r.json()["hovedsag_id"])
    async with tenant_transaction(DB, A):
        case = await system_case(case_id, "test: the kommune itself")
        assert isinstance(case, AccessibleCase)
        assert case == case_id
        with pytest.raises(NotFound) as missing:
            await system_case(uuid.uuid4(), "test: the kommune itself")
        with pytest.raises(ValueError):
            await system_case(case_id, " ")
    assert missing.value.message == "Sagen findes ikke"
