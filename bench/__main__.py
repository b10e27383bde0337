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
    python -m bench extract    only the daily raw data (BENCH_EXTRACT_CHILDREN=30000) and a
                               retention deletion (BENCH_RETENTION_CASES=200)
Results also go to bench/out/latest.json; copy the numbers into docs/benchmarks.md.
"""

from __future__ import annotations

import datetime
import json
import logging
import sys

from bench.common import ROOT, machine


def main(argv: list[str]) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    wanted = set(argv) or {
        "platform",
        "casework",
        "ics",
        "offline",
        "money",
        "crosskommune",
        "cpr",
        "post",
        "documents",
        "letters",
        "export",
        "dst",
        "archive",
        "extract",
    }
    print(f"Trekant benchmarks, {datetime.date.today()}, {machine()}", flush=True)
    results: list[dict[str, object]] = []
    if "platform" in wanted:
        from bench import platform_bench

        results.extend(platform_bench.main())
    if "casework" in wanted:
        from bench import casework_bench

        results.extend(casework_bench.main())
    if "ics" in wanted:
        from bench import ics_bench

        results.extend(ics_bench.main())
    if "money" in wanted:
        from bench import money_bench

        results.extend(money_bench.main())
    if "offline" in wanted:
        from bench import offline_bench

        results.extend(offline_bench.main())
    if "crosskommune" in wanted:
        from bench import crosskommune_bench

        results.extend(crosskommune_bench.main())
    if "cpr" in wanted:
        from bench import cpr_bench

        results.extend(cpr_bench.main())
    if "post" in wanted:
        from bench import post_bench

        results.extend(post_bench.main())
    if "documents" in wanted:
        from bench import documents_bench

        results.extend(documents_bench.main())
    if "letters" in wanted:
        from bench import letters_bench

        results.extend(letters_bench.main())
    if "export" in wanted:
        from bench import export_bench

        results.extend(export_bench.main())
    if "dst" in wanted:
        from bench import dst_bench

        results.extend(dst_bench.main())
    if "archive" in wanted:
        from bench import archive_bench

        results.extend(archive_bench.main())
    if "extract" in wanted:
        from bench import extract_bench

        results.extend(extract_bench.main())
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(
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
