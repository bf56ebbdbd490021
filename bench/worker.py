"""The benchmark of one database, run by ``bench/run.py`` in a child process.

Settings read ``DATABASE_URL`` once at start-up, so each database gets its own process. The child
migrates, loads the reference data, seeds (or reuses) the agreements and their monitoring data,
runs the measurements and writes them as JSON for the parent to report. The HTTP load stage
(``bench/load.py``) runs first, on the freshly compacted database; ``--only-load`` runs nothing else.
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
    parser.add_argument("--only-load", action="store_true", help="run the HTTP load stage only")
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load stage")
    parser.add_argument("--load-connections", type=int, default=8, help="open connections during the load")
    parser.add_argument("--load-seconds", type=float, default=15, help="timed seconds of load per page")
    parser.add_argument("--load-warmup", type=float, default=3, help="untimed seconds of load per page before")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kerjasama.config.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
    from django.core.management import call_command

    from bench import load, measure, measure_access, measure_monitoring, seed, seed_monitoring, workbook

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

    load_data = None
    if not args.no_load:
        load_data = http_load(args, load, log)
        if args.only_load:
            data = {
                "label": args.label,
                "vendor": measure.vendor(),
                "database": measure.database_version(),
                "agreements": seed.agreement_count(),
                "django": django.get_version(),
                "load": load_data,
            }
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(data, indent=2))
            log(f"done in {time.perf_counter() - started:.0f} s")
            return 0 if "pages" in load_data else 1

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
    # Counts and statistics are kept until the register changes; this is what computing them costs.
    afresh = [(name, "/api/agreements/", query, 50) for name, query, target in LISTS if target]
    afresh.append((STATS[0][0], STATS[0][1], "", 0))
    for name, path, query, page in afresh:
        log(f"timing {name}, computed afresh")
        results.append(
            measure.measure_get(
                api, f"{name}, computed afresh", path, query, args.repeat, warmup, None, full_page=page, afresh=True
            )
        )

    health_results, health_info = measure_monitoring.measure(args.health_repeat, log=log)
    results += health_results

    access_results, access_info = measure_access.measure(args.repeat, log=log)
    results += access_results

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
        "access": access_info,
        "total_seconds": time.perf_counter() - started,
        "repeat": args.repeat,
        "warmup": warmup,
        "import_repeat": args.import_repeat,
        "django": django.get_version(),
        "results": [result.as_dict() for result in results],
        "load": load_data,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=2))
    log(f"done in {data['total_seconds']:.0f} s")
    return 0


def http_load(args: argparse.Namespace, load, log) -> dict:
    """The HTTP load stage; its figures, or ``{"skipped": reason}`` when it could not run."""
    from django.db import connections

    from kerjasama.core.staticfiles import collect_if_changed

    connections.close_all()  # the server's workers have the database to themselves
    log("collecting static files for gunicorn (when they changed)")
    collect_if_changed()  # debug is off: pages need WhiteNoise's manifest
    log(
        f"HTTP load: {len(load.PAGES)} pages, {args.load_connections} connections, "
        f"{args.load_seconds:g} s each after {args.load_warmup:g} s of warm-up"
    )
    settings = load.Settings(
        connections=args.load_connections, seconds=args.load_seconds, warmup_seconds=args.load_warmup
    )
    try:
        return load.measure(settings, args.output.parent / f"gunicorn-{args.label}.log", log=log)
    except load.LoadError as exc:
        log(f"the HTTP load stage failed: {exc}")
        return {"skipped": str(exc).splitlines()[0]}


if __name__ == "__main__":
    sys.exit(main())
