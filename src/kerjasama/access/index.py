"""Service points in memory: coordinates as arrays, grouped by service and operator, with k-d trees.

One index per process, rebuilt when the points change. Whether they changed costs one small query
per use: a change counter (``IndexVersion``) bumped by every write, and the latest ``updated_at``.
Agreements are never cached here; eligibility reads them every time.
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import F
from scipy.spatial import cKDTree

from kerjasama.access.distance import unit_vectors
from kerjasama.access.models import IndexVersion, ServicePoint


@dataclass(frozen=True)
class PointInfo:
    """What an answer shows about a service point (everything here is public)."""

    id: int
    name: str
    service: str
    region: str
    kecamatan: str
    desa: str | None
    operator: str
    lat: float
    lon: float
    address: str
    contact: str
    opening_hours: str
    is_approximate: bool
    source: str
    source_note: str


class PointIndex:
    """All service points, sorted by (service, operator), with per-service k-d trees over unit vectors."""

    def __init__(self, version: tuple) -> None:
        self.version = version
        rows = (
            ServicePoint.objects.order_by()
            .values_list(
                "pk",
                "name",
                "service_type__code",
                "region_id",
                "kecamatan_id",
                "desa_id",
                "operator_id",
                "lat",
                "lon",
                "address",
                "contact",
                "opening_hours",
                "is_approximate",
                "source",
                "source_note",
            )
            .iterator(chunk_size=5000)
        )
        points = sorted((PointInfo(*row) for row in rows), key=lambda p: (p.service, p.operator, p.id))
        self.points = points
        self.ids = np.array([p.id for p in points], dtype=np.int64)
        self.lat = np.array([p.lat for p in points], dtype=float)
        self.lon = np.array([p.lon for p in points], dtype=float)
        self.xyz = unit_vectors(self.lat, self.lon) if points else np.empty((0, 3))
        self.operators = np.array([p.operator for p in points], dtype="U13")
        self.services: dict[str, slice] = {}
        self.groups: dict[tuple[str, str], np.ndarray] = {}
        start = 0
        for index in range(1, len(points) + 1):
            if index == len(points) or (points[index].service, points[index].operator) != (
                points[start].service,
                points[start].operator,
            ):
                self.groups[(points[start].service, points[start].operator)] = np.arange(start, index)
                start = index
        for service in {p.service for p in points}:
            rows_of = [rows for (code, _operator), rows in self.groups.items() if code == service]
            first = min(int(rows[0]) for rows in rows_of)
            last = max(int(rows[-1]) for rows in rows_of)
            self.services[service] = slice(first, last + 1)
        self._trees: dict[str, cKDTree] = {}
        self._lock = threading.Lock()

    def rows(self, service: str) -> slice:
        """Rows of every point of ``service`` (an empty slice when there are none)."""
        return self.services.get(service, slice(0, 0))

    def group(self, service: str, operator: str) -> np.ndarray:
        """Rows of the points of ``service`` run by ``operator``."""
        return self.groups.get((service, operator), _EMPTY)

    def tree(self, service: str) -> cKDTree | None:
        """A k-d tree over the unit vectors of ``service``'s points (row numbers relative to :meth:`rows`)."""
        rows = self.rows(service)
        if rows.stop <= rows.start:
            return None
        with self._lock:
            tree = self._trees.get(service)
            if tree is None:
                tree = self._trees[service] = cKDTree(self.xyz[rows])
            return tree


_EMPTY = np.empty(0, dtype=np.int64)
_cache: dict[str, PointIndex] = {}
_cache_lock = threading.Lock()


POINTS = "points"


def points_version() -> tuple:
    """The change counter of the points and their latest ``updated_at``: two index lookups.

    Plain SQL on purpose: it runs before every answer, and building it through the ORM costs more than
    running it. ``updated_at`` also catches bulk updates that forgot :func:`touch_points`.
    """
    points = connection.ops.quote_name(ServicePoint._meta.db_table)
    versions = connection.ops.quote_name(IndexVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT counter FROM {versions} WHERE name = %s), (SELECT MAX(updated_at) FROM {points})",  # noqa: S608
            [POINTS],
        )
        counter, last = cursor.fetchone()
    return (counter, str(last))


def touch_points() -> None:
    """Mark the points as changed, in the current transaction (every process then rebuilds its index)."""
    if not IndexVersion.objects.filter(name=POINTS).update(counter=F("counter") + 1):
        IndexVersion.objects.get_or_create(name=POINTS, defaults={"counter": 1})


def point_index() -> PointIndex:
    """The process's :class:`PointIndex`, rebuilt when the service points have changed."""
    version = points_version()
    with _cache_lock:
        index = _cache.get("index")
        if index is None or index.version != version:
            index = _cache["index"] = PointIndex(version)
        return index


def clear_point_index() -> None:
    """Forget the cached points (the version check makes this unnecessary outside tests)."""
    with _cache_lock:
        _cache.clear()
