"""``make bench``: time the agreement list, statistics, import, health evaluation and HTTP load on both databases.

Each database is benchmarked by ``bench/worker.py`` in a child process (settings read
``DATABASE_URL`` once): a SQLite file under ``bench/output/`` and the PostgreSQL database
``kerjasama_bench`` at 127.0.0.1:5432, which is skipped with a message when the server does not
answer. The first run seeds 100,000 synthetic agreements into each database and about a million
rows of implementation monitoring for them (two to three minutes per database); later runs reuse
them unless ``--reseed`` (everything) or ``--reseed-monitoring`` is given. The HTTP load stage
(``bench/load.py``) serves the public pages with gunicorn and loads them with wrk; ``--only-load``
runs only that stage (the figures are printed and kept in ``bench/output/<database>-load.json``),
``--no-load`` skips it. The figures of a full run are printed and written to ``docs/benchmarks.md``
together with a description of the machine.

Run from the project root after ``kerjasama setup``: ``.venv/bin/python bench/run.py [options]``.
"""

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import string
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench" / "output"
DOC = ROOT / "docs" / "benchmarks.md"
TEMPLATE = ROOT / "bench" / "benchmarks.md.template"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kerjasama_bench"


def postgres_problem(url: str) -> str | None:
    """Create the benchmark database when it is missing; the reason it cannot be used, or None."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, connect_timeout=3, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        return f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is not usable ({str(exc).strip()})"
    return None


def run_worker(label: str, database_url: str, args: argparse.Namespace) -> dict | None:
    """Benchmark one database in a child process; its results, or None when it failed."""
    output = OUTPUT / (f"{label}-load.json" if args.only_load else f"{label}.json")
    output.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "bench.worker",
        "--label",
        label,
        "--output",
        str(output),
        "--agreements",
        str(args.agreements),
        "--import-rows",
        str(args.import_rows),
        "--repeat",
        str(args.repeat),
        "--import-repeat",
        str(args.import_repeat),
    ]
    command += ["--health-repeat", str(args.health_repeat)]
    if args.reseed:
        command.append("--reseed")
    if args.reseed_monitoring:
        command.append("--reseed-monitoring")
    command += ["--load-connections", str(args.load_connections), "--load-seconds", str(args.load_seconds)]
    command += ["--load-warmup", str(args.load_warmup)]
    if args.only_load:
        command.append("--only-load")
    if args.no_load:
        command.append("--no-load")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KERJASAMA_VAR_DIR": str(OUTPUT / "var"),
        "DJANGO_SETTINGS_MODULE": "kerjasama.config.settings",
        "DEBUG": "",
    }
    began = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if finished.returncode != 0 or not output.exists():
        print(f"[{label}] the benchmark failed (exit code {finished.returncode})", file=sys.stderr)
        return None
    data = json.loads(output.read_text())
    data["wall_seconds"] = time.perf_counter() - began
    return data


def machine() -> dict[str, str]:
    """CPU, cores, memory, operating system and versions of the machine running the benchmark."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    system = f"{platform.system()} {platform.release()}"
    os_release = Path("/etc/os-release")
    if os_release.exists():
        for line in os_release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} (kernel {platform.release()})"
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "Memory": memory,
        "Operating system": system,
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
    }


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def reference_loop() -> str:
    """The best of five runs of a fixed pure-Python loop, in ms: how fast this host ran Python on the day.

    Machines of the same kind land on hosts of different speed (seen here: a factor of two), so two
    runs of the benchmark are comparable only next to this figure.
    """
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        sum(number * number for number in range(1_000_000))
        timings.append(time.perf_counter() - began)
    return f"{min(timings) * 1000:.0f} ms"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def duration(seconds: float) -> str:
    """Milliseconds below one second (requests), seconds above (the health evaluation)."""
    return ms(seconds) if seconds < 1 else f"{seconds:.2f} s"


def result_rows(data: dict) -> list[list[str]]:
    """Table rows (measure, median, p95, min, target, verdict) of one database's results."""
    rows = []
    for result in data["results"]:
        if result.get("rows"):
            rate = result["rows"] / result["median"]
            median = f"{result['median']:.2f} s ({rate:,.0f} rows/s)"
            p95 = f"{result['p95']:.2f} s"
            minimum = f"{result['min']:.2f} s ({result['rows'] / result['min']:,.0f} rows/s)"
            target = f"> {result['target_rows_per_s']:,.0f} rows/s" if result.get("target_rows_per_s") else "-"
        else:
            median, p95, minimum = duration(result["median"]), duration(result["p95"]), duration(result["min"])
            target = "-"
            if result.get("target_ms"):
                limit = result["target_ms"]
                target = f"< {limit / 1000:g} s" if limit >= 1000 else f"< {limit:.0f} ms"
        verdict = {True: "met", False: "**missed**", None: ""}[result.get("passed")]
        rows.append([result["name"], median, p95, minimum, target, verdict, result.get("note", "")])
    return rows


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


LOAD_HEADERS = [
    "page", "requests/s", "median", "p95", "p99", "requests", "errors", "server CPU", "first request", "target", "",
]  # fmt: skip


def load_rows(load: dict) -> list[list[str]]:
    """Table rows of the HTTP load stage: one per page."""
    rows = []
    for page in load["pages"]:
        target = "-"
        if page["target"]:
            target = f"p95 < {load['target_p95_ms']:g} ms, > {load['target_requests_per_s']:g}/s"
        verdict = {True: "met", False: "**missed**", None: ""}[page["passed"]]
        rows.append(
            [
                f"{page['name']} (`{page['path']}`)",
                f"{page['requests_per_s']:,.1f}",
                f"{page['median_ms']:,.0f} ms",
                f"{page['p95_ms']:,.0f} ms",
                f"{page['p99_ms']:,.0f} ms",
                f"{page['requests']:,}",
                f"{page['error_count']:,}",
                f"{page['server_cpu_ms']:,.0f} ms",
                f"{page['first_ms']:,.0f} ms" if page.get("first_ms") else "-",
                target,
                verdict,
            ]
        )
    return rows


def load_text(data: dict) -> str:
    """The HTTP load stage of one database as Markdown: how it ran and a table per page."""
    load = data.get("load")
    if not load:
        return "HTTP load: not measured (`--no-load`)."
    if "pages" not in load:
        return f"HTTP load: **not measured**: {load['skipped']}"
    pages = load["pages"]
    generator = percent_range([page["generator_cpu_percent"] for page in pages])
    busy = percent_range([page["machine_busy_percent"] for page in pages])
    return (
        f"HTTP load: {load['server']} on 127.0.0.1, {load['generator']} with {load['connections']} connections, "
        f"{load['seconds']:g} s per page after {load['warmup_seconds']:g} s of warm-up; wrk used {generator} of "
        f"one core, the machine's two cores were {busy} busy (everything running on it).\n\n"
        + markdown_table(LOAD_HEADERS, load_rows(load))
    )


def percent_range(values: list[float]) -> str:
    low, high = f"{min(values):.0f}", f"{max(values):.0f}"
    return f"{low} %" if low == high else f"{low}-{high} %"


def print_columns(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    for row in [headers, *rows]:
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def print_table(data: dict) -> None:
    print(f"\n{data['label']} ({data['database']}): {data['agreements']:,} agreements")
    if data.get("results"):
        print_columns(["measure", "median", "p95", "min", "target", ""], [row[:6] for row in result_rows(data)])
    load = data.get("load")
    if load and "pages" in load:
        print(f"\n  HTTP load, {load['connections']} connections, {load['seconds']:g} s per page:")
        print_columns(LOAD_HEADERS, [[cell.replace("**", "") for cell in row] for row in load_rows(load)])
    elif load:
        print(f"\n  HTTP load not measured: {load['skipped']}")


def write_doc(
    results: list[dict], skipped: list[str], started: dt.datetime, seconds: float, load: str, speed: str
) -> None:
    """Fill bench/benchmarks.md.template with the figures and write docs/benchmarks.md."""
    info = machine()
    for data in results:
        if data["vendor"] == "postgresql":
            info["PostgreSQL"] = data["database"].removeprefix("PostgreSQL ")
    info["Django"] = results[0]["django"]
    info["Load average (1/5/15 min), start and end"] = f"{load}; {load_average()}"
    info["Python reference loop (lower is faster), start and end"] = f"{speed}; {reference_loop()}"
    sections = []
    headers = ["measure", "median", "p95", "min", "target", "", "note"]
    for data in results:
        seeded = f", seeded in {data['seed_seconds']:.0f} s" if data.get("seed_seconds") else " (reused)"
        monitoring = data.get("monitoring_seed_seconds")
        monitoring = f"seeded in {monitoring:.0f} s" if monitoring else "reused"
        sections.append(
            f"### {data['database']}\n\n"
            f"{data['agreements']:,} agreements with {data['parties']:,} party rows{seeded}, their monitoring "
            f"data {monitoring}; compacting the database took {data['compact_seconds']:.0f} s; "
            f"{data['repeat']} timed runs per request after {data['warmup']} warm-up runs, "
            f"{data['health_repeat']} timed runs per health measure and {data['import_repeat']} per import, "
            f"each after one warm-up run; this database took {data['wall_seconds'] / 60:.1f} minutes.\n\n"
            + markdown_table(headers, result_rows(data))
            + "\n\n"
            + load_text(data)
        )
    for reason in skipped:
        sections.append(f"### Skipped\n\n{reason}")
    text = string.Template(TEMPLATE.read_text()).substitute(
        date=started.strftime("%Y-%m-%d %H:%M UTC"),
        machine=markdown_table(["", ""], [[key, value] for key, value in info.items()]),
        dataset=dataset_text(results[0]),
        monitoring=monitoring_text(results[0]),
        health=health_table(results),
        results="\n\n".join(sections),
        runtime=f"{seconds / 60:.1f} minutes",
        speed=speed,
    )
    DOC.write_text(text)
    print(f"\nWrote {DOC.relative_to(ROOT)}")


def dataset_text(data: dict) -> str:
    counts = data["dataset"]
    return (
        f"- {counts['agreements']:,} agreements ({counts['public']:,} public, {counts['archived']:,} archived, "
        f"{counts['signed']:,} signed between {counts['first_signed']} and {counts['last_signed']}), "
        f"{counts['parties']:,} party rows, {counts['urusan_links']:,} urusan links, "
        f"{counts['service_links']:,} service-type links;\n"
        f"- every one of the {counts['governments']:,} provinces and kabupaten/kota of Indonesia is a party of "
        f"at least one agreement ({counts['governments_used']:,} used), plus {counts['partners']:,} partners "
        f"({counts['partners_used']:,} used);\n"
        f"- the import file: {data['import_file']['rows']:,} rows, {data['import_file']['bytes'] / 1e6:.1f} MB "
        f"({data['import_file']['parties']:,} parties, dates in Indonesian text and as date cells)."
    )


def monitoring_text(data: dict) -> str:
    counts, as_of = data["monitoring"], data["health"]["as_of"]
    return (
        f"- {counts['activities']:,} activities in the work plans of {counts['work_plans']:,} agreements "
        f"({counts['nested_activities']:,} nested under another activity) and {counts['reports']:,} "
        f"implementation reports: {counts['activities'] + counts['reports']:,} activity and report rows;\n"
        f"- {counts['schedules']:,} reporting schedules with {counts['periods']:,} expected reports "
        f"(reporting periods), {counts['periods_due']:,} of them due before {as_of};\n"
        f"- {counts['indicators']:,} indicators with {counts['indicator_values']:,} values, "
        f"{counts['evaluations']:,} evaluations, {counts['problems']:,} problems ({counts['open_high_problems']:,} "
        f"open of high or critical severity, linked to {counts['agreements_with_open_high_problem']:,} agreements)."
    )


def health_table(results: list[dict]) -> str:
    """Flags per rule and severity, and the score summary, per database: the data's shape on the day."""
    headers = ["", *(data["database"] for data in results)]
    first = results[0]["health"]
    rows = [
        [f"`{code}` ({label})", *(f"{data['health']['by_rule'][code]:,}" for data in results)]
        for code, label in first["rule_labels"].items()
    ]
    rows.append(["**all flags**", *(f"**{data['health']['flags']:,}**" for data in results)])
    rows.append(["agreements with a flag", *(f"{data['health']['flagged_agreements']:,}" for data in results)])
    for severity in first["by_severity"]:
        rows.append(
            [f"flags of severity {severity}", *(f"{data['health']['by_severity'][severity]:,}" for data in results)]
        )
    rows.append(
        ["agreements scored (signed, not archived or rejected)", *(f"{data['health']['scored']:,}" for data in results)]
    )
    rows.append(["of which in force", *(f"{data['health']['in_force']:,}" for data in results)])
    rows.append(["of which implemented", *(f"{data['health']['implemented']:,}" for data in results)])
    rows.append(["mean score", *(f"{data['health']['mean_score']}" for data in results)])
    return markdown_table(headers, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="benchmark one database only")
    parser.add_argument("--reseed", action="store_true", help="seed the agreements and their monitoring again")
    parser.add_argument("--reseed-monitoring", action="store_true", help="seed the monitoring data again")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL))
    parser.add_argument("--agreements", type=int, default=100_000, help="size of the seeded data set")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each request")
    parser.add_argument("--import-repeat", type=int, default=5, help="timed runs of each import")
    parser.add_argument("--health-repeat", type=int, default=5, help="timed runs of each health measure")
    parser.add_argument("--only-load", action="store_true", help="run only the HTTP load stage (no doc)")
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load stage (no doc)")
    parser.add_argument("--load-connections", type=int, default=8, help="open connections of the HTTP load")
    parser.add_argument("--load-seconds", type=float, default=15, help="timed seconds of HTTP load per page")
    parser.add_argument("--load-warmup", type=float, default=3, help="untimed seconds of HTTP load per page")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.only_load and args.no_load:
        parser.error("--only-load and --no-load exclude each other")

    OUTPUT.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    load = load_average()
    speed = reference_loop()
    print(f"Python reference loop: {speed} (load average {load})")
    began = time.perf_counter()
    databases = []
    skipped = []
    if args.only in (None, "sqlite"):
        databases.append(("sqlite", f"sqlite:///{OUTPUT / 'bench.sqlite3'}"))
    if args.only in (None, "postgresql"):
        problem = postgres_problem(args.postgres_url)
        if problem:
            message = f"{problem}: the PostgreSQL benchmark is skipped."
            print(message, file=sys.stderr)
            skipped.append(message)
        else:
            databases.append(("postgresql", args.postgres_url))
    results = [data for label, url in databases if (data := run_worker(label, url, args)) is not None]
    for data in results:
        print_table(data)
    seconds = time.perf_counter() - began
    print(f"\nTotal time: {seconds / 60:.1f} minutes")
    if not results:
        return 1
    if args.no_doc:
        return 0
    if args.only_load:
        return 0 if len(results) == len(databases) and all("pages" in data["load"] for data in results) else 1
    standard_load = (args.load_connections, args.load_seconds, args.load_warmup) == (8, 15, 3)
    if args.only or args.no_load or not standard_load or args.agreements != 100_000 or args.import_rows != 10_000:
        print("Not writing docs/benchmarks.md: that page holds full runs (both databases, standard sizes).")
        return 0
    write_doc(results, skipped, started, seconds, load, speed)
    return 0 if len(results) == len(databases) else 1


if __name__ == "__main__":
    sys.exit(main())
