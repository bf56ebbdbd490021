"""The benchmark of one database, run by ``bench/run.py`` in a child process.

Settings read ``DATABASE_URL`` once at start-up, so each database gets its own process. The child
migrates, loads the reference data, seeds (or reuses) the agreements and their monitoring data,
runs the measurements and writes them as JSON for the parent to report.
"""

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

LISTS = [
    ("list: region=64.02 (Kukar), year=2024", "region=64.02&year=2024&page_size=50", 50),
    ("list: urusan=1.02, validity=berlaku", "urusan=1.02&validity=berlaku&on=2025-11-18&page_size=50", 50),
    ("list: region=35 (Jawa Timur and inside), year=2024", "region=35&year=2024&page_size=50", None),
]
STATS = [
    ("stats: agreements by year", "/api/stats/agreements-by-year/", 50),
    ("stats: by urusan", "/api/stats/agreements-by-urusan/", None),
    ("stats: by partner type", "/api/stats/agreements-by-partner-type/", None),
]
IMPORT_TARGET_ROWS_PER_S = 2000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", required=True, help="name of the database in the report")
    parser.add_argument("--output", type=Path, required=True, help="JSON file for the results")
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each request")
    parser.add_argument("--import-repeat", type=int, default=5, help="timed runs of each import")
    parser.add_argument("--reseed", action="store_true", help="seed again even when the data set exists")
    parser.add_argument("--reseed-monitoring", action="store_true", help="seed the monitoring data again")
    parser.add_argument("--health-repeat", type=int, default=5, help="timed runs of each health measure")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kerjasama.config.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
    from django.core.management import call_command

    from bench import measure, measure_monitoring, seed, seed_monitoring, workbook

    def log(message: str) -> None:
        print(f"[{args.label}] {message}", flush=True)

    started = time.perf_counter()
    # The same preparation as `kerjasama setup` (schema and reference data) for this database.
    call_command("setup", "--no-static", verbosity=0, stdout=io.StringIO())
    count = seed.agreement_count()
    seeded_seconds = None
    if count != args.agreements or args.reseed:
        if count:
            log(f"removing {count:,} agreements before seeding")
            seed.clear_agreements()
        log(f"seeding {args.agreements:,} agreements ...")
        seeded_seconds = seed.seed(args.agreements, log=log)
        log(f"seeded in {seeded_seconds:.0f} s")
    else:
        log(f"reusing the {count:,} seeded agreements (--reseed to rebuild)")
    monitoring_rows = seed_monitoring.monitoring_count()
    monitoring_seconds = None
    if not monitoring_rows or seeded_seconds is not None or args.reseed_monitoring:
        if monitoring_rows:
            log(f"removing {monitoring_rows:,} activity and report rows before seeding")
            seed_monitoring.clear_monitoring()
        log("seeding implementation monitoring (about a million activity and report rows) ...")
        monitoring_seconds = seed_monitoring.seed_monitoring(log=log)
        log(f"seeded monitoring in {monitoring_seconds:.0f} s")
    else:
        log(f"reusing {monitoring_rows:,} activity and report rows (--reseed-monitoring to rebuild)")
    log("compacting the tables and refreshing planner statistics")
    began = time.perf_counter()
    measure.compact()
    compact_seconds = time.perf_counter() - began

    api = measure.Api()
    results = []
    warmup = max(3, args.repeat // 10)
    for name, query, target in LISTS:
        log(f"timing {name}")
        results.append(
            measure.measure_get(api, name, "/api/agreements/", query, args.repeat, warmup, target, full_page=50)
        )
    for name, path, target in STATS:
        log(f"timing {name}")
        results.append(measure.measure_get(api, name, path, "", args.repeat, warmup, target))

    health_results, health_info = measure_monitoring.measure(args.health_repeat, log=log)
    results += health_results

    log(f"building the {args.import_rows:,}-row workbook")
    content, parties = workbook.build_workbook(args.import_rows)
    log(f"timing imports of the {len(content) / 1e6:.1f} MB workbook")
    for dry_run in (True, False):
        results.append(
            measure.measure_import(
                content, args.import_rows, args.import_repeat, IMPORT_TARGET_ROWS_PER_S, dry_run=dry_run, log=log
            )
        )

    data = {
        "label": args.label,
        "vendor": measure.vendor(),
        "database": measure.database_version(),
        "agreements": count if seeded_seconds is None else args.agreements,
        "parties": seed.dataset_counts()["parties"],
        "dataset": seed.dataset_counts(),
        "import_file": {"rows": args.import_rows, "bytes": len(content), "parties": parties},
        "seed_seconds": seeded_seconds,
        "monitoring_seed_seconds": monitoring_seconds,
        "compact_seconds": compact_seconds,
        "monitoring": seed_monitoring.dataset_counts(),
        "health": health_info,
        "health_repeat": args.health_repeat,
        "total_seconds": time.perf_counter() - started,
        "repeat": args.repeat,
        "warmup": warmup,
        "import_repeat": args.import_repeat,
        "django": django.get_version(),
        "results": [result.as_dict() for result in results],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=2))
    log(f"done in {data['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
