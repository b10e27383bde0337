"""Every benchmark runs whole on tiny data (its ``SMOKE`` knobs), so `just test` fails when one
cannot run at all (issue 19, item 0). Numbers are not checked: only that the benchmark ran to
its end and printed them.

The benchmarks run as plain `just bench` does: all of them in one process, on embedded
servers of their own (never the tests' servers: a benchmark empties its Redis and
re-creates its database). Their folders are under the tests' data folder, not pytest's
temporary one: another pytest run on the machine prunes old temporary folders, and a
server's data folder pulled away under it stops the server.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_every_benchmark_runs_whole_on_tiny_data() -> None:
    """Plain `just bench` on a fresh clone: every benchmark, one after the other in one
    process, each on its SMOKE knobs, from the embedded servers the benchmarks start (it
    once died at the second benchmark, on the first one's stopped PostgreSQL socket). One
    process rather than one per benchmark, and one start of the embedded servers for all
    (bench/common.py): the suite's time goes on the benchmarks, not on starting Python and
    the servers sixteen times."""
    smoke: dict[str, str] = {}
    for name in ALL:
        smoke.update(importlib.import_module(f"bench.{name}_bench").SMOKE)
    tmp_path = _own_folder("all")
    done = _run([], _clean_env(tmp_path, **smoke))
    # The whole output stays beside the servers' folders (its last line: each benchmark's
    # wall and CPU seconds), for when the run is slow or fails.
    (tmp_path / "output.log").write_text(done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "seconds per benchmark (wall/CPU)" in done.stdout
    results = json.loads((tmp_path / "out.json").read_text())["results"]
    ran = {r["bench"] for r in results}
    assert ran == set(ALL), f"no numbers from {sorted(set(ALL) - ran)}"
    for r in results:
        assert f"{r['name']}: {r['value']}" in done.stdout
