"""Every benchmark runs whole on tiny data (its ``SMOKE`` knobs), so `just test` fails when one
cannot run at all (issue 19, item 0). Numbers are not checked: only that the benchmark ran to
its end and printed them.

The benchmarks share one embedded PostgreSQL and Redis of their own (never the tests'
servers: a benchmark empties its Redis and re-creates its database), passed as
``DATABASE_URL``/``REDIS_URL``, as someone running `just bench` against their own servers
would. One more run starts the embedded servers itself and runs two benchmarks in one
process, as plain `just bench` does. Their folders are under the tests' data folder, not
pytest's temporary one: another pytest run on the machine prunes old temporary folders,
and a server's data folder pulled away under it stops the server.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.__main__ import ALL

ROOT = Path(__file__).resolve().parents[2]


def _own_folder(name: str) -> Path:
    """A fresh folder ``name`` under the tests' data folder (var/test...)."""
    base = Path(os.environ.get("TREKANT_TEST_DATA_DIR", ROOT / "var" / "test")).resolve()
    folder = base / "bench" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The test process's environment without what points at the tests' own services."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TREKANT_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        TREKANT_BENCH_DATA_DIR=str(tmp / "data"),
        BENCH_OUT=str(tmp / "out.json"),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def bench_servers() -> Iterator[tuple[str, str]]:
    from infra.services import start_postgres, start_redis

    folder = _own_folder("servers")
    db_url, pg = start_postgres(folder, "postgres")
    redis_url, redis = start_redis(folder)
    try:
        yield db_url, redis_url
    finally:
        redis._cleanup()
        pg.cleanup()


def test_every_benchmark_declares_its_smoke_knobs() -> None:
    for name in ALL:
        module = importlib.import_module(f"bench.{name}_bench")
        smoke = getattr(module, "SMOKE", None)
        assert isinstance(smoke, dict), f"bench/{name}_bench.py has no SMOKE dict"
        assert all(k.startswith("BENCH_") and isinstance(v, str) for k, v in smoke.items()), name
        assert callable(module.main), name


def test_every_benchmark_module_is_registered() -> None:
    found = sorted(p.name.removesuffix("_bench.py") for p in (ROOT / "bench").glob("*_bench.py"))
    assert found == sorted(ALL)


def test_an_unknown_benchmark_is_refused(tmp_path: Path) -> None:
    done = _run(["no-such-bench"], _clean_env(tmp_path))
    assert done.returncode == 2
    assert "unknown benchmark no-such-bench" in done.stderr


@pytest.mark.parametrize("name", ALL)
def test_benchmark_runs_on_tiny_data(name: str, bench_servers: tuple[str, str]) -> None:
    tmp_path = _own_folder(name)
    smoke = importlib.import_module(f"bench.{name}_bench").SMOKE
    db_url, redis_url = bench_servers
    env = _clean_env(tmp_path, DATABASE_URL=db_url, REDIS_URL=redis_url, **smoke)
    done = _run([name], env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((tmp_path / "out.json").read_text())["results"]
    assert results, done.stdout
    for r in results:
        assert f"{r['name']}: {r['value']}" in done.stdout


def test_two_benchmarks_in_one_process_on_embedded_servers() -> None:
    """The second benchmark starts from the embedded servers the first one stopped (plain
    `just bench` once died here, on the first's stopped PostgreSQL socket)."""
    from bench import cpr_bench, ics_bench

    tmp_path = _own_folder("embedded")
    env = _clean_env(tmp_path, **cpr_bench.SMOKE, **ics_bench.SMOKE)
    done = _run(["cpr", "ics"], env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    names = [r["name"] for r in json.loads((tmp_path / "out.json").read_text())["results"]]
    assert any(n.startswith("CPR lookup") for n in names), names
    assert any(n.startswith("open an investigation") for n in names), names
