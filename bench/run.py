"""``make bench``: time the agreement list, statistics, import and health evaluation on SQLite and PostgreSQL.

Each database is benchmarked by ``bench/worker.py`` in a child process (settings read
``DATABASE_URL`` once): a SQLite file under ``bench/output/`` and the PostgreSQL database
``kerjasama_bench`` at 127.0.0.1:5432, which is skipped with a message when the server does not
answer. The first run seeds 100,000 synthetic agreements into each database and about a million
rows of implementation monitoring for them (two to three minutes per database); later runs reuse
them unless ``--reseed`` (everything) or ``--reseed-monitoring`` is given. The figures are printed
and written to ``docs/benchmarks.md`` together with a description of the machine.

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
    output = OUTPUT / f"{label}.json"
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


def print_table(data: dict) -> None:
    print(f"\n{data['label']} ({data['database']}): {data['agreements']:,} agreements")
    headers = ["measure", "median", "p95", "min", "target", ""]
    rows = [row[:6] for row in result_rows(data)]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    for row in [headers, *rows]:
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def write_doc(results: list[dict], skipped: list[str], started: dt.datetime, seconds: float, load: str) -> None:
    """Fill bench/benchmarks.md.template with the figures and write docs/benchmarks.md."""
    info = machine()
    for data in results:
        if data["vendor"] == "postgresql":
            info["PostgreSQL"] = data["database"].removeprefix("PostgreSQL ")
    info["Django"] = results[0]["django"]
    info["Load average (1/5/15 min), start and end"] = f"{load}; {load_average()}"
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
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args(argv)

    OUTPUT.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    load = load_average()
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
    if args.only or args.agreements != 100_000 or args.import_rows != 10_000:
        print("Not writing docs/benchmarks.md: that page holds full runs (both databases, standard sizes).")
        return 0
    write_doc(results, skipped, started, seconds, load)
    return 0 if len(results) == len(databases) else 1


if __name__ == "__main__":
    sys.exit(main())
