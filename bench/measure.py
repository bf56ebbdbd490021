"""The timed operations: API requests through the full WSGI stack, and the spreadsheet import."""

import json
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from wsgiref.util import setup_testing_defaults

from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.db.models import Max

from kerjasama.agreements.imports import import_agreements
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.core.context import change_context
from kerjasama.core.models import ObjectChange
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor


@dataclass
class Result:
    """Timings of one operation in seconds, with what the operation returned."""

    name: str
    samples: list[float]
    target_ms: float | None = None  # for requests: the median must stay below this
    rows: int | None = None  # for imports: rows per run, to report rows/s
    target_rows_per_s: float | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def minimum(self) -> float:
        return min(self.samples)

    @property
    def passed(self) -> bool | None:
        if self.target_ms is not None:
            return self.median * 1000 < self.target_ms
        if self.target_rows_per_s is not None and self.rows:
            return self.rows / self.median > self.target_rows_per_s
        return None

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(median=self.median, p95=self.p95, min=self.minimum, passed=self.passed)
        return data


def repeat(function: Callable[[], object], times: int, warmup: int) -> list[float]:
    """Run ``function`` ``warmup`` times untimed, then ``times`` times timed."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(times):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return samples


class Api:
    """Calls the WSGI application in-process, as gunicorn would: every middleware, DRF, JSON rendering.

    Requests are anonymous, the way the public list and the statistics are used.
    """

    def __init__(self) -> None:
        self.application = get_wsgi_application()

    def get(self, path: str, query: str = "") -> bytes:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "HTTP_ACCEPT": "application/json",
            "HTTP_HOST": "127.0.0.1",
        }
        setup_testing_defaults(environ)
        status = []
        body = self.application(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            content = b"".join(body)
        finally:
            body.close()
        if not status[0].startswith("200"):
            raise RuntimeError(f"GET {path}?{query} answered {status[0]}: {content[:300]!r}")
        return content

    def json(self, path: str, query: str = ""):
        return json.loads(self.get(path, query))


def measure_get(
    api: Api,
    name: str,
    path: str,
    query: str,
    times: int,
    warmup: int,
    target_ms: float | None,
    full_page: int = 0,
    afresh: bool = False,
) -> Result:
    """Time one GET; with ``full_page`` check first that the page is full (a fair list benchmark);
    with ``afresh`` empty the cache before every call, so cached aggregates are computed each time."""
    data = api.json(path, query)
    note = ""
    if full_page:
        if len(data["results"]) != full_page:
            raise RuntimeError(f"{path}?{query} returned {len(data['results'])} rows, not a full page")
        note = f"{data['count']:,} matching agreements, page of {full_page}"
    elif isinstance(data, list):
        note = f"{len(data)} rows"
    if afresh:
        note = f"{note}; cache emptied before every request" if note else "cache emptied before every request"

    def call():
        if afresh:
            cache.clear()
        return api.get(path, query)

    samples = repeat(call, times, warmup)
    return Result(name, samples, target_ms=target_ms, note=note)


ADMIN = Actor(role=Role.ADMIN)


def _remove_imported(first_new_id: int, request_id) -> None:
    """Delete what one import wrote (agreements above ``first_new_id`` and its change-log rows)."""
    new = {"agreement_id__gte": first_new_id}
    ObjectChange.objects.filter(request_id=request_id).delete()
    for model in (Agreement.urusan.through, Agreement.service_types.through, Agreement.service_areas.through):
        model.objects.filter(**new).delete()
    AgreementParty.objects.filter(**new).delete()
    AgreementTransition.objects.filter(**new).delete()
    Agreement.objects.filter(pk__gte=first_new_id).update(parent=None, amends=None)
    Agreement.objects.filter(pk__gte=first_new_id).delete()


def measure_import(content: bytes, rows: int, times: int, target: float, dry_run: bool, log=print) -> Result:
    """Import the workbook ``times`` times; real imports commit, then their rows are deleted again."""
    samples = []
    for run in range(times + 1):  # the first run warms caches and is not counted
        first_new_id = (Agreement.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        with change_context(origin="bench") as context:
            began = time.perf_counter()
            report = import_agreements(content, "bench-import.xlsx", ADMIN, dry_run=dry_run)
            elapsed = time.perf_counter() - began
        if not report.ok:
            raise RuntimeError(f"import failed: {[str(error) for error in report.errors[:5]]}")
        expected = 0 if dry_run else rows
        if report.rows != rows or report.created != expected:
            raise RuntimeError(f"import read {report.rows} rows and created {report.created}")
        if not dry_run:
            _remove_imported(first_new_id, context.request_id)
            compact(full=False)
        if run:
            samples.append(elapsed)
            kind = "dry run" if dry_run else "import"
            log(f"    {kind} {run}/{times}: {elapsed:.2f} s ({rows / elapsed:,.0f} rows/s)")
    name = f"import {rows // 1000}k-row XLSX" + (", dry run" if dry_run else "")
    return Result(name, samples, rows=rows, target_rows_per_s=None if dry_run else target)


def vendor() -> str:
    return connection.vendor


# The tables an import writes; benchmark runs insert and delete 10,000 agreements in them again and again.
IMPORTED_MODELS = (
    Agreement,
    AgreementParty,
    Agreement.urusan.through,
    Agreement.service_types.through,
    Agreement.service_areas.through,
    AgreementTransition,
    ObjectChange,
)


def compact(full: bool = True) -> None:
    """Undo what the benchmark's own deletes leave behind, so every run meets the same database.

    Importing and deleting 10,000 agreements over and over leaves PostgreSQL with dead rows and
    half-empty index pages (its planner then prefers reading whole tables) and SQLite with free
    pages; a database that only grows has neither. PostgreSQL rebuilds the indexes of the tables
    an import writes and vacuums; SQLite rebuilds its file (only when ``full``). Both then refresh
    the planner statistics.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in IMPORTED_MODELS:
                cursor.execute(f"REINDEX TABLE {connection.ops.quote_name(model._meta.db_table)}")
            cursor.execute("VACUUM ANALYZE")
            return
        if full:
            cursor.execute("VACUUM")
        cursor.execute("ANALYZE")


def database_version() -> str:
    """The server version of the database in use."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]
