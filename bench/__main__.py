"""``just bench``: run the benchmarks and print their numbers.

    python -m bench            all benchmarks
    python -m bench platform   only the platform benchmarks
    python -m bench casework   only the case-core benchmarks (BENCH_CHILDREN=30000)
    python -m bench ics        only the ICS benchmarks (open and autosave a long investigation)
    python -m bench money      only the money and MI benchmarks (dashboard, Excel, price update)
    python -m bench offline    only the offline benchmarks (home-visit download, unlock, sync)
    python -m bench crosskommune  only the cross-kommune benchmarks (2 M index, transfer)
    python -m bench cpr        only the CPR lookup at registration (BENCH_CPR_PEOPLE=30000)
    python -m bench post       only a letter through the outbox to the dev Digital Post server
    python -m bench documents  only the documents benchmarks (upload, list, search over
                               BENCH_DOCUMENTS=500000, streaming memory)
    python -m bench letters    only the letter preview (PDF of a draft; BENCH_LETTER_ROUNDS=100)
    python -m bench export     only one kommune's export and import (BENCH_EXPORT_CHILDREN=2000,
                               BENCH_EXPORT_DOCUMENT_MB=200)
    python -m bench dst        only the year's delivery to Danmarks Statistik
                               (BENCH_DST_CHILDREN=30000)
    python -m bench archive    only the arkiveringsversion (BENCH_ARCHIVE_CASES=10000 closed
                               cases, BENCH_ARCHIVE_DOCUMENTS_PER_CASE=1): time, peak memory
    python -m bench mix        only the request mix under wrk against one API process
                               (BENCH_MIX_CHILDREN=240, BENCH_MIX_SECONDS=15,
                               BENCH_MIX_CONNECTIONS=8,32): share of /health, p95
    python -m bench extract    only the daily raw data (BENCH_EXTRACT_CHILDREN=30000) and a
                               retention deletion (BENCH_RETENTION_CASES=200)
    python -m bench load       only the load test: 98 kommuner, users of every role, the API
                               as its own process under locust (BENCH_LOAD_SECONDS=30 a
                               phase, BENCH_LOAD_USERS=300, BENCH_LOAD_CONNECTIONS=8,32;
                               BENCH_LOAD_REUSE=1: the last run's data again)
Results also go to bench/out/latest.json (or the file BENCH_OUT names); copy the numbers into
docs/benchmarks.md. Each benchmark's SMOKE names the BENCH_* knobs that make it tiny.
"""

from __future__ import annotations

import datetime
import importlib
import json
import logging
import os
import resource
import sys
import time
from pathlib import Path

from bench.common import ROOT, machine, stop_shared_services

# Every benchmark, in the order ``python -m bench`` runs them: ``bench/<name>_bench.py`` with
# ``main() -> list[dict]`` and ``SMOKE`` (the BENCH_* knobs that make it tiny, for
# tests/bench/test_bench_smoke.py, which runs each on tiny data in `just test`).
ALL = [
    "platform",
    "casework",
    "ics",
    "money",
    "offline",
    "crosskommune",
    "cpr",
    "post",
    "documents",
    "letters",
    "export",
    "dst",
    "archive",
    "extract",
    "load",
    "mix",
]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    unknown = [name for name in argv if name not in ALL]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; known: {' '.join(ALL)}", file=sys.stderr)
        return 2
    wanted = set(argv) or set(ALL)
    print(f"Trekant benchmarks, {datetime.date.today()}, {machine()}", flush=True)
    results: list[dict[str, object]] = []
    # Wall and CPU seconds per benchmark (CPU: this process and the processes it started and
    # waited for, such as the API; not the embedded PostgreSQL's): on a shared machine the
    # wall time is mostly waiting, the CPU time says what the benchmark itself costs.
    took: dict[str, tuple[float, float]] = {}
    try:
        for name in ALL:
            if name in wanted:
                start = time.perf_counter(), _cpu()
                module = importlib.import_module(f"bench.{name}_bench")
                results.extend({**r, "bench": name} for r in module.main())
                took[name] = time.perf_counter() - start[0], _cpu() - start[1]
    finally:
        # The benchmarks share one start of the embedded servers (bench/common.py).
        stop_shared_services()
    print(
        "seconds per benchmark (wall/CPU): "
        + ", ".join(f"{k} {w:.1f}/{c:.1f}" for k, (w, c) in took.items())
        + f"; all {sum(w for w, _ in took.values()):.1f}/{sum(c for _, c in took.values()):.1f}",
        flush=True,
    )
    # BENCH_OUT: where the numbers go as JSON (the smoke test keeps its own).
    out = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "out" / "latest.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"date": str(datetime.date.today()), "machine": machine(), "results": results},
            indent=2,
            ensure_ascii=False,
        )
    )
    missed = [r for r in results if not r["ok"]]
    print(f"{len(results) - len(missed)} within target, {len(missed)} missed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
