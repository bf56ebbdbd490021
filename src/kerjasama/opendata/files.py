"""The version of the published data, and the files made from it, kept until the data changes.

The version (the files' ETag) must change whenever a file would come out different, and must cost
little: every download and every conditional request computes it. It is a hash of:

- the change-log high-water mark: every write through the services, the imports, the admin and
  the demo data logs a change, including archiving and making an agreement non-public;
- the highest id of each table the files read, which also catches rows added without a log entry
  (a primary-key lookup each: no counting of large tables on every request);
- today's date (validity is "as of today", report milestones turn overdue at midnight);
- what shapes the output besides the data: the writers' format version, the columns of every
  dataset, the licence, the OCID prefix and the site's address (the files hold absolute links).

All of it costs about a millisecond, whatever the size of the register. Writes that bypass the
change log and add no row (a raw SQL ``UPDATE`` or ``DELETE``) show at the next day or the next
logged change.

Files are kept under ``VAR_DIR/opendata/`` named by dataset, version and format. The first request
for a version makes the file (CSV and JSON are streamed to the client while they are written; XLSX
is written first); later requests get the stored file. Older versions are deleted when a newer one
is complete.
"""

import contextlib
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.core.api.conditional import change_log_mark, latest, start_of_today
from kerjasama.monitoring.models import Activity, ImplementationReport, Indicator, IndicatorValue, ReportingPeriod
from kerjasama.opendata.datasets import DATASETS, dictionary_signature
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak, ServiceType, Urusan

# Bump when a writer changes its output for the same data.
FORMAT_VERSION = "1"
TABLES = (
    Agreement,
    AgreementParty,
    AgreementTransition,
    Activity,
    Indicator,
    IndicatorValue,
    ReportingPeriod,
    ImplementationReport,
    Pihak,
    Partner,
    Urusan,
    ServiceType,
    PerangkatDaerah,
)


@dataclass(frozen=True)
class Version:
    """One state of the published data."""

    key: str
    today: dt.date
    last_modified: dt.datetime
    data_changed: dt.datetime | None  # the newest change-log entry

    def etag(self, name: str, fmt: str) -> str:
        # Weak: two makings of the same version differ in their "generated at" time, not in their data.
        return f'W/"{hashlib.sha256(f"{self.key}:{name}:{fmt}".encode()).hexdigest()[:40]}"'


def current_version(base_url: str) -> Version:
    """The version of the published data now (see the module docstring)."""
    mark_id, mark_time = change_log_mark()
    today = timezone.localdate()
    tables = [(model._meta.label_lower, model.objects.order_by().aggregate(top=Max("pk"))["top"]) for model in TABLES]
    parts = [
        FORMAT_VERSION,
        dictionary_signature(),
        settings.KERJASAMA["OPEN_DATA_LICENCE"]["url"],
        settings.KERJASAMA["OCID_PREFIX"],
        settings.LANGUAGE_CODE,
        base_url,
        today.isoformat(),
        mark_id,
        tables,
    ]
    key = hashlib.sha256(repr(parts).encode()).hexdigest()
    return Version(key=key, today=today, last_modified=latest(mark_time, start_of_today()), data_changed=mark_time)


def dataset_stats(version: Version) -> dict[str, tuple[int, dt.datetime | None]]:
    """Rows and latest change of each dataset, computed once per version (they cost a few scans)."""
    cache_key = f"opendata:stats:{version.key}"
    found = cache.get(cache_key)
    if found is None:
        found = {slug: dataset.stats() for slug, dataset in DATASETS.items()}
        cache.set(cache_key, found, 24 * 60 * 60)
    return found


def folder() -> Path:
    path = Path(settings.VAR_DIR) / "opendata"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(name: str, fmt: str, version: Version) -> Path:
    """Where the file of ``name`` in ``fmt`` for ``version`` is kept."""
    return folder() / f"{name}.{version.key[:24]}.{fmt}"


def stored_size(name: str, fmt: str, version: Version) -> int | None:
    """The size of the stored file, or None when it has not been made yet."""
    path = stored_path(name, fmt, version)
    return path.stat().st_size if path.exists() else None


def _finish(temporary: Path, path: Path) -> None:
    os.replace(temporary, path)  # atomic: readers see the old file or the whole new one
    for other in path.parent.glob(f"{path.name.split('.')[0]}.*.{path.suffix.lstrip('.')}"):
        if other != path:
            with contextlib.suppress(FileNotFoundError):
                other.unlink()


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def teed(chunks: Iterator[bytes], path: Path) -> Iterator[bytes]:
    """Pass ``chunks`` on while writing them to ``path``; a stream cut short leaves no file behind."""
    temporary = _temporary(path)
    complete = False
    try:
        with temporary.open("wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
                yield chunk
        complete = True
        _finish(temporary, path)
    finally:
        if not complete:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


def build(path: Path, write: Callable[[Path], None]) -> Path:
    """Make the file at ``path`` with ``write(temporary_path)``; nothing is left behind on failure."""
    temporary = _temporary(path)
    try:
        write(temporary)
        _finish(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return path
