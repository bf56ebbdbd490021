"""Timed service access at national scale: one nearest-eligible query, the national gap analysis, and
a bare k-d tree over the same points as the floor to compare with (docs/access.md, "Benchmark").

Needs every desa/kelurahan of Indonesia (``kerjasama setup --national-all-levels``: some 84,000 from the
bundled national list) and 20,000 synthetic service points spread over them; both are added to the
benchmark database on the first run and reused afterwards. The 100,000 seeded agreements decide who
may use which point, as in production.
"""

import random

from django.core.management import call_command

from bench.measure import Result, repeat
from bench.seed_monitoring import AS_OF
from kerjasama.access import bench as access
from kerjasama.access.geo import clear_region_index, region_index
from kerjasama.access.index import point_index
from kerjasama.access.models import ServicePoint
from kerjasama.regions.choices import RegionLevel
from kerjasama.regions.models import Region

NEAREST_TARGET_MS = 5
GAPS_TARGET_MS = 10_000
POINTS = 20_000
SERVICE = "adminduk"
SAMPLE_DESA = 200  # different residents for the nearest queries, all over Indonesia


def _count(rows) -> int:
    """How many rows a slice or an index array selects."""
    if isinstance(rows, slice):
        return rows.stop - rows.start
    return len(rows)


def prepare(log) -> dict:
    """Load the national desa and the synthetic points when missing; what the stage runs on."""
    desa = Region.objects.filter(level__in=(RegionLevel.DESA, RegionLevel.KELURAHAN)).count()
    if desa < 50_000:
        log("loading every kecamatan and desa/kelurahan of Indonesia (kerjasama setup --national-all-levels)")
        call_command("setup", "--national-all-levels", "--no-static", verbosity=0)
        clear_region_index()
    points = ServicePoint.objects.filter(source_note=access.BENCH_NOTE).count()
    if points != POINTS:
        if points:
            access.remove_synthetic_points()
        log(f"adding {POINTS:,} synthetic service points all over Indonesia")
        access.build_synthetic_points(POINTS)
    access.warm_up()
    regions = region_index()
    return {
        "desa": len(regions.codes),
        "points": ServicePoint.objects.count(),
        "service_points": _count(point_index().rows(SERVICE)),
    }


def measure(times: int, log) -> tuple[list[Result], dict]:
    """The access measures; their results and what they ran on."""
    info = prepare(log)
    regions = region_index()
    rng = random.Random(11)  # noqa: S311 (which desa to ask for; not security)
    rows = [rng.randrange(len(regions.codes)) for _ in range(SAMPLE_DESA)]
    codes = [str(regions.codes[row]) for row in rows]
    results = []

    log(f"timing the nearest eligible {SERVICE} point for {SAMPLE_DESA} desa")
    queue = iter(codes * (times // SAMPLE_DESA + 2))
    samples = repeat(lambda: access.nearest_once(next(queue), SERVICE, AS_OF), max(times, SAMPLE_DESA), 5)
    results.append(
        Result(
            "access: nearest eligible point (one desa)",
            samples,
            target_ms=NEAREST_TARGET_MS,
            note=f"{SERVICE}, {info['service_points']:,} points of it among {info['points']:,}; "
            f"agreements read from the database",
        )
    )
    floor = access.kdtree_floor(SERVICE)
    spots = iter([(float(regions.lat[row]), float(regions.lon[row])) for row in rows] * (times // SAMPLE_DESA + 2))
    results.append(
        Result(
            "access: bare k-d tree nearest point (floor)",
            repeat(lambda: floor(*next(spots)), max(times, SAMPLE_DESA), 5),
            note="scipy cKDTree over the same points, no eligibility",
        )
    )
    log(f"timing the national gap analysis for {SERVICE}")
    report = access.national_gaps(SERVICE, AS_OF)
    results.append(
        Result(
            "access: national gap analysis (one service)",
            repeat(lambda: access.national_gaps(SERVICE, AS_OF), 3, 1),
            target_ms=GAPS_TARGET_MS,
            note=f"{report.desa_checked:,} desa/kelurahan, {report.desa_with_gap:,} with a gap, "
            f"{len(report.candidates):,} candidate agreements",
        )
    )
    results.append(
        Result(
            "access: bare k-d tree for every desa (floor)",
            repeat(lambda: access.kdtree_floor_all(SERVICE), 3, 1),
            note="nearest point of the service for every desa at once, no eligibility",
        )
    )
    return results, info
