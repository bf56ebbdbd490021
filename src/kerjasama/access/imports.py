"""Importing service points from CSV (or XLSX) and GeoJSON, all or nothing.

Columns (CSV header or GeoJSON feature properties): ``nama``, ``layanan``, ``kode_wilayah`` (the
kecamatan or desa/kelurahan the point stands in), ``lat``, ``lon`` (CSV only: GeoJSON takes them from
the Point geometry), ``alamat``, ``kontak``, ``jam_layanan``, ``sumber``; optional ``catatan_sumber``,
``lokasi_perkiraan`` (ya/tidak) and ``penyelenggara`` (the province or kabupaten/kota running the
point, when not the one it stands in). A point with the same service, kabupaten/kota and name as a
registered one updates it, so a corrected file can be imported again.

Any bad row (unknown service or code, impossible coordinates, a point outside Kaltim or away from its
kecamatan/desa) rejects the whole file; the report lists every problem with its row and column. In a
GeoJSON file the "row" is the feature's number, counting from 1.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerjasama.access.index import touch_points
from kerjasama.access.models import ServicePoint
from kerjasama.access.services import COLUMNS, OPTIONAL_COLUMNS, REQUIRED, PointChecker, PointData
from kerjasama.agreements.imports import ImportFileError, ImportReport, RowError, read_rows
from kerjasama.agreements.template import normalise_header
from kerjasama.core import changelog
from kerjasama.core.choices import ChangeAction
from kerjasama.core.text import fold
from kerjasama.regions.models import ServiceType

Progress = Callable[[Iterable], Iterable]
GEOJSON_SUFFIXES = (".geojson", ".json")
TEMPLATE_EXAMPLE = {
    "nama": "Puskesmas Samboja",
    "layanan": "puskesmas",
    "kode_wilayah": "64.02.13",
    "lat": "-0.958606",
    "lon": "117.116629",
    "alamat": "Jl. contoh No. 1 (ganti dengan alamat sebenarnya)",
    "kontak": "",
    "jam_layanan": "Senin–Jumat 08.00–16.00",
    "sumber": "impor",
    "catatan_sumber": "",
    "lokasi_perkiraan": "ya",
    "penyelenggara": "",
}


def _identity(items: Iterable) -> Iterable:
    return items


@dataclass
class PointImportReport(ImportReport):
    """What an import of service points found and did; ``created`` and ``updated`` are 0 on any error."""

    updated: int = 0


def read_points(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    """The columns and the rows of a CSV/XLSX or GeoJSON file, each row as {column: value}."""
    if Path(filename).suffix.lower() in GEOJSON_SUFFIXES:
        return _read_geojson(content)
    headers, rows = read_rows(content, filename)
    names = [normalise_header(header) for header in headers]
    result = []
    for number, cells in rows:
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        result.append((number, {name: cells[i] if i < len(cells) else None for i, name in enumerate(names) if name}))
    return [name for name in names if name], result


def _read_geojson(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportFileError(_("The file is not valid GeoJSON (%(error)s).") % {"error": exc}) from exc
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ImportFileError(_("The GeoJSON file must be a FeatureCollection of Point features."))
    columns: dict[str, None] = {}
    rows = []
    for number, feature in enumerate(data["features"], start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        values = {normalise_header(key): value for key, value in (properties or {}).items()}
        columns.update(dict.fromkeys(values))
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        values["lat"] = values["lon"] = None
        values["_geometry"] = geometry
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coordinates = geometry.get("coordinates") or []
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                values["lon"], values["lat"] = coordinates[0], coordinates[1]  # GeoJSON is [lon, lat]
        rows.append((number, values))
    return ["lat", "lon", *[column for column in columns if column not in ("lat", "lon")]], rows


def import_points(
    content: bytes,
    filename: str,
    user=None,
    dry_run: bool = False,
    progress: Progress = _identity,
) -> PointImportReport:
    """Import a file of service points; nothing is written unless every row is valid.

    Permission is the caller's business: the CLI runs as the administrator; a web upload must check
    ``ServicePoint.objects.restrict(user, "add")`` first (only the province admin may write).
    """
    report = PointImportReport(dry_run=dry_run)
    try:
        columns, rows = read_points(content, filename)
    except ImportFileError as exc:
        report.errors.append(RowError(1, "-", str(exc)))
        return report
    geojson = Path(filename).suffix.lower() in GEOJSON_SUFFIXES
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    report.unknown_columns = [column for column in columns if column not in known]
    if not geojson:
        for column in REQUIRED:
            if column not in columns:
                report.errors.append(RowError(1, column, _("The required column is missing.")))
        if report.errors:
            return report
    for column in report.unknown_columns:
        report.warnings.append(RowError(1, column, _("Unknown column, ignored.")))

    checker = PointChecker()
    parsed: list[tuple[int, PointData]] = []
    seen: dict[tuple, int] = {}
    for number, values in progress(rows):
        report.rows += 1
        if geojson:
            geometry = values.get("_geometry")
            if not isinstance(geometry, dict) or geometry.get("type") != "Point" or values.get("lat") is None:
                kind = geometry.get("type") if isinstance(geometry, dict) else None
                report.errors.append(
                    RowError(
                        number,
                        "geometry",
                        _("The feature's geometry must be a Point with [lon, lat], not %(kind)s.")
                        % {"kind": kind or _("nothing")},
                    )
                )
                continue
        data, problems = checker.check(values)
        report.errors += [RowError(number, problem.column, problem.message) for problem in problems]
        if data is None:
            continue
        key = data.key()
        if key in seen:
            report.errors.append(
                RowError(
                    number,
                    "nama",
                    _("“%(name)s” (%(service)s) is also in row %(other)s.")
                    % {"name": data.name, "service": data.service_code, "other": seen[key]},
                )
            )
            continue
        seen[key] = number
        parsed.append((number, data))
    if report.errors:
        report.errors.sort(key=lambda error: (error.row, error.column))
        return report

    existing = _existing({data.region for _number, data in parsed})
    report.created = sum(1 for _number, data in parsed if data.key() not in existing)
    report.updated = len(parsed) - report.created
    report.preview = [
        {
            "row": number,
            "nama": data.name,
            "layanan": data.service_code,
            "kode_wilayah": data.desa or data.kecamatan,
            "lat": data.lat,
            "lon": data.lon,
            "lokasi_perkiraan": data.is_approximate,
            "baru": data.key() not in existing,
        }
        for number, data in parsed[:20]
    ]
    if dry_run:
        report.created = report.updated = 0
        return report
    try:
        _write(parsed, existing, filename)
    except IntegrityError as exc:
        report.errors.append(
            RowError(1, "-", _("The database refused the import (%(error)s); nothing was saved.") % {"error": exc})
        )
        report.created = report.updated = 0
    return report


def _existing(regions: set[str]) -> dict[tuple, ServicePoint]:
    """Registered points of the kabupaten/kota in the file, by (service, kabupaten/kota, folded name)."""
    points = ServicePoint.objects.filter(region_id__in=regions).select_related("service_type")
    return {(point.service_type_id, point.region_id, fold(point.name)): point for point in points}


def _write(parsed: list[tuple[int, PointData]], existing: dict[tuple, ServicePoint], filename: str) -> None:
    message = _("Imported from %(file)s") % {"file": Path(filename).name}
    now = timezone.now()
    created, updated, entries = [], [], []
    with transaction.atomic():
        for _number, data in parsed:
            point = existing.get(data.key())
            if point is None:
                created.append(data.apply(ServicePoint(created_at=now, updated_at=now)))
            else:
                before = point.snapshot()
                data.apply(point)
                point.updated_at = now  # bulk_update does not touch auto_now fields; the index version reads it
                updated.append((point, before))
        ServicePoint.objects.bulk_create(created, batch_size=500)
        if updated:
            fields = [
                "name", "service_type", "region", "kecamatan", "desa", "operator", "lat", "lon", "address",
                "contact", "opening_hours", "is_approximate", "source", "source_note", "updated_at",
            ]  # fmt: skip
            ServicePoint.objects.bulk_update([point for point, _before in updated], fields, batch_size=500)
        if any(point.pk is None for point in created):  # backends that do not return keys from bulk inserts
            keys = {(p.service_type_id, p.region_id, p.name): p.pk for p in ServicePoint.objects.filter(updated_at=now)}
            for point in created:
                point.pk = keys[(point.service_type_id, point.region_id, point.name)]
        services = dict(ServiceType.objects.values_list("pk", "code"))
        for point in created:
            entries.append(
                changelog.ChangeEntry(
                    point, ChangeAction.CREATE, after=point.snapshot(services[point.service_type_id]), message=message
                )
            )
        for point, before in updated:
            entries.append(
                changelog.ChangeEntry(
                    point,
                    ChangeAction.UPDATE,
                    before=before,
                    after=point.snapshot(services[point.service_type_id]),
                    message=message,
                )
            )
        changelog.log_changes(entries)
        touch_points()  # bulk writes send no signals


def template_csv() -> str:
    """An import template: the header and one example row (to be replaced)."""
    import csv
    import io

    buffer = io.StringIO()
    columns = [*COLUMNS, *OPTIONAL_COLUMNS]
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerow(TEMPLATE_EXAMPLE)
    return buffer.getvalue()
