"""Helpers for benchmarking the access engine at national scale (used by bench/, documented in docs/access.md).

    kerjasama setup --national-all-levels        # every kecamatan and desa of Indonesia (centroids)
    from kerjasama.access import bench
    bench.build_synthetic_points(20_000)        # synthetic points at random desa, all over Indonesia
    bench.nearest_once("64.02.13.1008", "adminduk", day)   # one nearest-eligible query (time this)
    bench.national_gaps("adminduk", day)        # the national gap analysis for one service (time this)
    floor = bench.kdtree_floor("adminduk")      # a bare k-d tree over the same points: the floor
    floor(-0.96, 117.1)                         # one bare nearest-neighbour query (time this)
    bench.remove_synthetic_points()

The synthetic points are marked ``contoh_sintetis``, ``is_approximate`` and a note saying they are
benchmark data; they bypass the import's Kaltim-only rule on purpose.
"""

import datetime as dt
import random
from collections.abc import Callable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from scipy.spatial import cKDTree

from kerjasama.access.distance import chord_to_km, unit_vectors
from kerjasama.access.gaps import GapReport, find_gaps
from kerjasama.access.geo import clear_region_index, region_index
from kerjasama.access.index import point_index, touch_points
from kerjasama.access.models import ServicePoint, default_operator
from kerjasama.access.nearest import NearestAnswer, find_nearest
from kerjasama.core.choices import Source
from kerjasama.regions.models import ServiceType

BENCH_NOTE = "SINTETIS: titik acak untuk uji kinerja, bukan kantor nyata"
# Roughly how common each service's points are (many puskesmas, few Disdukcapil offices).
SERVICE_WEIGHTS = {"puskesmas": 10, "sma_smk": 6, "rumah_sakit": 3, "perguruan_tinggi": 2, "adminduk": 1, "samsat": 1}


def build_synthetic_points(count: int = 20_000, seed: int = 2025, batch: int = 2000) -> int:
    """Add ``count`` synthetic points at randomly chosen desa of the whole region list; returns the count."""
    clear_region_index()
    regions = region_index()
    services = dict(ServiceType.objects.values_list("code", "pk"))
    codes = [code for code in SERVICE_WEIGHTS if code in services]
    weights = [SERVICE_WEIGHTS[code] for code in codes]
    rng = random.Random(seed)  # noqa: S311 (synthetic benchmark data, not security)
    now = timezone.now()
    points = []
    for number in range(count):
        row = rng.randrange(len(regions.codes))
        code = str(regions.codes[row])
        service = rng.choices(codes, weights)[0]
        points.append(
            ServicePoint(
                name=f"Titik sintetis {number + 1:05d}",
                service_type_id=services[service],
                region_id=code[:5],
                kecamatan_id=code[:8],
                desa_id=code,
                operator_id=default_operator(service, code[:5]),
                lat=float(regions.lat[row]) + rng.uniform(-0.01, 0.01),
                lon=float(regions.lon[row]) + rng.uniform(-0.01, 0.01),
                is_approximate=True,
                source=Source.SINTETIS,
                source_note=BENCH_NOTE,
                created_at=now,
                updated_at=now,
            )
        )
    with transaction.atomic():
        for start in range(0, len(points), batch):
            ServicePoint.objects.bulk_create(points[start : start + batch])
        touch_points()
    return len(points)


def remove_synthetic_points() -> int:
    """Delete the benchmark points; returns how many.

    One DELETE statement: deleting through the ORM would send a signal, and bump the index version,
    once per point.
    """
    table = connection.ops.quote_name(ServicePoint._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE source = %s AND source_note = %s", [Source.SINTETIS, BENCH_NOTE])  # noqa: S608
        deleted = cursor.rowcount
        touch_points()
    return deleted


def warm_up() -> None:
    """Load the region and point indexes (what the first request of a process pays)."""
    region_index()
    index = point_index()
    for service in index.services:
        index.tree(service)


def nearest_once(desa: str, service: str, day: dt.date) -> NearestAnswer:
    """One nearest-eligible query as the API runs it (agreements read from the database)."""
    return find_nearest(service, day, desa=desa)


def national_gaps(service: str, day: dt.date) -> GapReport:
    """The gap analysis for one service over every desa/kelurahan loaded."""
    return find_gaps(service, day, within=None)


def kdtree_floor(service: str) -> Callable[[float, float], tuple[float, int]]:
    """A bare k-d tree over the points of ``service``: one call is one nearest-neighbour query (km, row)."""
    index = point_index()
    rows = index.rows(service)
    tree = cKDTree(index.xyz[rows])

    def query(lat: float, lon: float) -> tuple[float, int]:
        chord, row = tree.query(unit_vectors([lat], [lon])[0])
        return float(chord_to_km(chord)), int(row)

    return query


def kdtree_floor_all(service: str) -> np.ndarray:
    """The bare k-d tree answer for every desa at once (the floor of the gap analysis): km per desa."""
    index, regions = point_index(), region_index()
    chord, _rows = cKDTree(index.xyz[index.rows(service)]).query(regions.xyz, k=1)
    return chord_to_km(chord)
