"""Checks that keep the backend's shape (issue 14): the shared core is a leaf, backend
packages do not import each other in a cycle, nobody imports another package's private
names, SQL lives in repository modules, and only casework writes casework's tables.

Each check reads the source with ``ast``; nothing is imported or run. The ``KNOWN_*`` sets
are what is still to be moved; they may only shrink: a new entry fails the test, and so
does an entry that no longer occurs (take it out)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.servers_independent

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"

# Modules that may hold SQL: repositories, migrations and the database plumbing.
SQL_HOMES = ("repository.py", "repositories/", "migrations/", "backend/db.py", "backend/core/")
SQL_CALLS = {"fetch", "fetchrow", "fetchval", "execute", "executemany", "copy_records_to_table"}

# Still to move (issue 14). May only shrink.
KNOWN_CYCLES: set[frozenset[str]] = set()
KNOWN_PRIVATE_IMPORTS: set[tuple[str, str]] = set()
KNOWN_SQL_OUTSIDE: set[str] = set()
# (module, table): writes of casework's tables outside backend/casework/. May only shrink.
KNOWN_CASEWORK_WRITES: set[tuple[str, str]] = {
    ("backend/demo_repository.py", "child"),
    ("backend/demo_repository.py", "hovedsag"),
    ("backend/demo_repository.py", "hovedsag_worker"),
}

# Casework's tables (tenant migrations 0002, 0004, 0007): other packages go through
# ``backend.casework.lifecycle`` (issue 14 item 2).
CASEWORK_TABLES = frozenset(
    {
        "child",
        "hovedsag",
        "enkeltsag",
        "underretning",
        "activity",
        "journal_entry",
        "afgoerelse",
        "indsats",
        "case_step",
        "hovedsag_worker",
        "case_access",
    }
)
# Writes outside casework by design, not still to move: the core's ``stamp`` is how every
# package journals (docs/architecture.md, "Code layout").
CASEWORK_WRITES_BY_DESIGN = {("backend/core/journal.py", "journal_entry")}
# (module, table): reads of casework's tables outside backend/casework/, by design: other
# packages join a case or a child for its name, team or state in their own queries (money,
# network, children, ICS, limits, the offline package), MI reports over the case tables, the
# demo data looks up what it made, and crosskommune's CPR index reads a child's cases on the
# job's own connection (docs/architecture.md, "Code layout"). Any other read goes through
# ``backend.casework.lifecycle``. A new reader, or a listed one reading a new table, fails;
# so does an entry that no longer occurs (take it out).
CASEWORK_READERS: set[tuple[str, str]] = {
    # A report to Ankestyrelsen is prefilled from the case, the child, the placement and its
    # decision; the administrator's overview lists the report activities (one join each).
    ("backend/ankestyrelsen/repository.py", "activity"),
    ("backend/ankestyrelsen/repository.py", "afgoerelse"),
    ("backend/ankestyrelsen/repository.py", "child"),
    ("backend/ankestyrelsen/repository.py", "hovedsag"),
    ("backend/ankestyrelsen/repository.py", "indsats"),
    # The audit list names the child a row concerns (one join, not a call per row).
    # The arkiveringsversion (issue 18 item 3) writes the closed cases of a period with
    # their child, journal, decisions and measures into Rigsarkivet's format.
    ("backend/archive/repository.py", "afgoerelse"),
    ("backend/archive/repository.py", "child"),
    ("backend/archive/repository.py", "hovedsag"),
    ("backend/archive/repository.py", "indsats"),
    ("backend/archive/repository.py", "journal_entry"),
    ("backend/audit/repository.py", "child"),
    ("backend/audit/repository.py", "hovedsag"),
    ("backend/children/repository.py", "hovedsag"),
    ("backend/crosskommune/repository.py", "child"),
    ("backend/crosskommune/repository.py", "hovedsag"),
    # Documents check an enkeltsag belongs to the case, name the child and case number of a
    # search hit, and filter by the cases a user may open (casework's ON_CASE).
    ("backend/documents/repository.py", "child"),
    ("backend/documents/repository.py", "enkeltsag"),
    ("backend/documents/repository.py", "hovedsag"),
    ("backend/documents/repository.py", "hovedsag_worker"),
    # The Sags- og dokumentindeks (issue 20) sends a case's metadata: its number, stage,
    # dates, owner team and the child's CPR number as party (one read per push).
    ("backend/integrations/repository.py", "child"),
    ("backend/integrations/repository.py", "hovedsag"),
    ("backend/demo_repository.py", "child"),
    ("backend/demo_repository.py", "activity"),
    ("backend/demo_repository.py", "hovedsag"),
    ("backend/demo_repository.py", "underretning"),
    ("backend/ics/repository.py", "activity"),
    ("backend/ics/repository.py", "child"),
    ("backend/ics/repository.py", "enkeltsag"),
    ("backend/ics/repository.py", "hovedsag"),
    ("backend/ics/repository.py", "indsats"),
    ("backend/limits/repository.py", "journal_entry"),
    ("backend/mi/repository.py", "activity"),
    ("backend/mi/repository.py", "afgoerelse"),
    ("backend/mi/repository.py", "case_step"),
    ("backend/mi/repository.py", "child"),
    ("backend/mi/repository.py", "enkeltsag"),
    ("backend/mi/repository.py", "hovedsag"),
    ("backend/mi/repository.py", "indsats"),
    ("backend/mi/repository.py", "underretning"),
    ("backend/money/repositories/costs.py", "indsats"),
    ("backend/money/repositories/demo.py", "indsats"),
    ("backend/money/repositories/payments.py", "indsats"),
    ("backend/money/repositories/pricing.py", "child"),
    ("backend/money/repositories/pricing.py", "hovedsag"),
    ("backend/money/repositories/pricing.py", "indsats"),
    ("backend/money/repositories/spending.py", "child"),
    ("backend/money/repositories/spending.py", "hovedsag"),
    ("backend/money/repositories/spending.py", "indsats"),
    ("backend/money/repositories/visitation.py", "hovedsag"),
    ("backend/money/repositories/visitation.py", "indsats"),
    ("backend/money/repository.py", "child"),
    ("backend/money/repository.py", "hovedsag"),
    ("backend/money/repository.py", "indsats"),
    ("backend/network/repository.py", "child"),
    ("backend/network/repository.py", "hovedsag"),
    ("backend/offline/repository.py", "activity"),
    ("backend/offline/repository.py", "child"),
    ("backend/offline/repository.py", "hovedsag"),
    ("backend/offline/repository.py", "hovedsag_worker"),
    ("backend/offline/repository.py", "journal_entry"),
    # The daily raw data extracts the case core for the kommune's data warehouse (issue 18).
    ("backend/extract/repository.py", "activity"),
    ("backend/extract/repository.py", "afgoerelse"),
    ("backend/extract/repository.py", "child"),
    ("backend/extract/repository.py", "hovedsag"),
    ("backend/extract/repository.py", "indsats"),
    # Retention lists the closed cases past their period (number, initials, placement).
    ("backend/retention/repository.py", "child"),
    ("backend/retention/repository.py", "hovedsag"),
    ("backend/retention/repository.py", "indsats"),
    # A team's open cases, shown to the administrator and checked before it is closed.
    ("backend/users/repository.py", "hovedsag"),
    # Danmarks Statistik: the measures and notifications a delivery is made from.
    ("backend/statistics/repository.py", "child"),
    ("backend/statistics/repository.py", "enkeltsag"),
    ("backend/statistics/repository.py", "hovedsag"),
    ("backend/statistics/repository.py", "indsats"),
    ("backend/statistics/repository.py", "underretning"),
}
READ = re.compile(r"\b(?:FROM|JOIN)\s+(?:ONLY\s+)?([\w.\"]+)")
WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|DELETE\s+FROM)\s+(?:ONLY\s+)?([\w.\"]+)"
    r"|\bUPDATE\s+(?:ONLY\s+)?([\w.\"]+)(?:\s+(?:AS\s+)?\w+)?\s+SET\b",
    re.IGNORECASE,
)


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(BACKEND.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        found[rel] = ast.parse(path.read_text(encoding="utf-8"), rel)
    return found


def _package(rel: str) -> str:
    """backend/casework/service.py -> casework; backend/app.py -> app."""
    parts = rel.split("/")
    return parts[1] if len(parts) > 2 else parts[1].removesuffix(".py")


def _imports(tree: ast.Module) -> list[tuple[str, list[str]]]:
    """(module, names) for every ``import`` and ``from … import`` of ``backend``."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "backend" or node.module.startswith("backend."):
                out.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("backend."):
                    out.append((alias.name, []))
    return out


def _target_packages(module: str, names: list[str]) -> set[str]:
    parts = module.split(".")
    if len(parts) >= 2:
        return {parts[1]}
    return set(names)  # from backend import db, queue


def _graph(modules: dict[str, ast.Module]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for rel, tree in modules.items():
        src = _package(rel)
        for module, names in _imports(tree):
            for dst in _target_packages(module, names):
                if dst != src:
                    graph[src].add(dst)
    return graph


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected groups of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: set[frozenset[str]] = set()
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.add(frozenset(group))

    for v in list(graph):
        if v not in index:
            visit(v)
    return groups


def test_core_is_a_leaf() -> None:
    modules = _modules()
    offenders = sorted(
        f"{rel} imports {module}"
        for rel, tree in modules.items()
        if rel.startswith("backend/core/")
        for module, names in _imports(tree)
        if _target_packages(module, names) - {"core"}
    )
    assert offenders == []


def test_no_import_cycles_between_packages() -> None:
    cycles = _cycles(_graph(_modules()))
    new = cycles - KNOWN_CYCLES
    gone = KNOWN_CYCLES - cycles
    assert not new, f"new import cycles between backend packages: {sorted(map(sorted, new))}"
    assert not gone, f"cycles no longer there, take them out of KNOWN_CYCLES: {gone}"


def test_no_private_names_from_other_packages() -> None:
    found = set()
    for rel, tree in _modules().items():
        src = _package(rel)
        for module, names in _imports(tree):
            if _target_packages(module, names) == {src}:
                continue
            for name in names:
                if name.startswith("_"):
                    found.add((rel, f"{module}.{name}"))
    new = found - KNOWN_PRIVATE_IMPORTS
    gone = KNOWN_PRIVATE_IMPORTS - found
    assert not new, f"private names imported across packages: {sorted(new)}"
    assert not gone, f"no longer imported, take out of KNOWN_PRIVATE_IMPORTS: {sorted(gone)}"


def _sql_calls(tree: ast.Module) -> int:
    n = 0
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp | ast.Name)
        ):
            n += 1
    return n


def test_sql_lives_in_repositories() -> None:
    outside = {
        rel
        for rel, tree in _modules().items()
        if not any(home in rel for home in SQL_HOMES) and _sql_calls(tree)
    }
    new = outside - KNOWN_SQL_OUTSIDE
    gone = KNOWN_SQL_OUTSIDE - outside
    assert not new, f"SQL outside repository modules: {sorted(new)}"
    assert not gone, f"no SQL there any more, take out of KNOWN_SQL_OUTSIDE: {sorted(gone)}"


def _sql_strings(tree: ast.Module) -> list[str]:
    """Every string constant, and every f-string with its holes as ``{}``."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            out.append(
                "".join(
                    v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
                    for v in node.values
                )
            )
    return out


def _written_tables(text: str) -> set[str]:
    """Tables an SQL text inserts into, updates or deletes from (schema dropped)."""
    found = set()
    for m in WRITE.finditer(text):
        name = (m.group(1) or m.group(2)).replace('"', "")
        found.add(name.rsplit(".", 1)[-1].lower())
    return found


def test_written_tables_are_found() -> None:
    assert _written_tables("INSERT INTO hovedsag (id) VALUES ($1)") == {"hovedsag"}
    assert _written_tables("UPDATE activity a SET owner_id = $2") == {"activity"}
    assert _written_tables("DELETE FROM t1.case_access WHERE id = $1") == {"case_access"}
    assert _written_tables("SELECT 1 FROM hovedsag WHERE id = $1 FOR UPDATE OF h") == set()
    assert _written_tables("INSERT INTO {} SELECT 1") == set()  # a table named at run time


def test_only_casework_writes_casework_tables() -> None:
    """SQL string constants of the modules that hold SQL (repositories, the core, the demo
    data) outside ``backend/casework/``. A table named at run time (an f-string hole) is
    not seen; the package import, which once did so, writes through casework."""
    found = {
        (rel, table)
        for rel, tree in _modules().items()
        if not rel.startswith("backend/casework/") and any(home in rel for home in SQL_HOMES)
        for text in _sql_strings(tree)
        for table in _written_tables(text) & CASEWORK_TABLES
    } - CASEWORK_WRITES_BY_DESIGN
    new = found - KNOWN_CASEWORK_WRITES
    gone = KNOWN_CASEWORK_WRITES - found
    assert not new, f"casework's tables written outside casework: {sorted(new)}"
    assert not gone, f"no longer written there, take out of KNOWN_CASEWORK_WRITES: {sorted(gone)}"


def _read_tables(text: str) -> set[str]:
    """Tables an SQL text selects from or joins (schema dropped; upper-case keywords, as
    all SQL here is written, so prose in docstrings does not count)."""
    return {m.group(1).replace('"', "").rsplit(".", 1)[-1].lower() for m in READ.finditer(text)}


def test_read_tables_are_found() -> None:
    assert _read_tables("SELECT h.id FROM hovedsag h JOIN child c ON c.id = h.child_id") == {
        "hovedsag",
        "child",
    }
    assert _read_tables("SELECT 1 FROM t1.activity LEFT JOIN team t ON true") == {
        "activity",
        "team",
    }
    assert _read_tables("Reads the cases from hovedsag for the index.") == set()


def test_only_listed_readers_read_casework_tables() -> None:
    """SQL string constants of the modules that hold SQL outside ``backend/casework/``. A
    table named at run time (an f-string hole) is not seen."""
    found = {
        (rel, table)
        for rel, tree in _modules().items()
        if not rel.startswith("backend/casework/") and any(home in rel for home in SQL_HOMES)
        for text in _sql_strings(tree)
        for table in _read_tables(text) & CASEWORK_TABLES
    }
    new = found - CASEWORK_READERS
    gone = CASEWORK_READERS - found
    assert not new, (
        f"casework's tables read outside casework (use casework.lifecycle): {sorted(new)}"
    )
    assert not gone, f"no longer read there, take out of CASEWORK_READERS: {sorted(gone)}"
