"""An ``AccessibleCase`` only comes from ``backend.casework.access``: strict mypy refuses a
bare ``uuid.UUID`` where a service function acts on a case for a user, and the constructor
refuses anyone without the access module's private token."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest
from mypy import api as mypy_api

from backend.casework.access import AccessibleCase

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = """
import uuid
from backend.casework import access, process, service

async def by_id(case_id: uuid.UUID) -> None:
    await service.do_add_note("x", case_id, "Overskrift", "Tekst")
    await process.do_close_case("x", case_id, 1, "Begrundelse")

async def checked(case: access.AccessibleCase) -> None:
    await service.do_add_note("x", case, "Overskrift", "Tekst")
    await process.do_close_case("x", case, 1, "Begrundelse")
"""


def test_mypy_refuses_a_bare_uuid_where_an_accessible_case_is_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    (tmp_path / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    out, err, status = mypy_api.run(
        [
            "--config-file",
            str(tmp_path / "mypy.ini"),
            "--strict",
            "--ignore-missing-imports",
            "--python-version",
            "3.11",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--follow-imports",
            "silent",
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
    ]


def test_only_the_access_module_can_make_one() -> None:
    with pytest.raises(TypeError):
        AccessibleCase(uuid.uuid4(), object())


def test_no_module_but_access_constructs_it() -> None:
    makers = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "backend").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "AccessibleCase"
    )
    assert makers == ["backend/casework/access.py", "backend/casework/access.py"]
