"""Regions in memory for the access engine: desa/kelurahan centres, names, populations and boundaries.

Loaded once per process (about 91,000 rows with the national region list, well under a second) and
reloaded when the number of regions changes, which is checked at most every ``RECHECK_SECONDS``:
regions only change when ``kerjasama setup`` loads them. Boundaries exist for Kaltim only; elsewhere
the engine works from centroids.
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.ops
from django.db.models import Count
from django.utils.translation import gettext as _
from scipy.spatial import cKDTree
from shapely.geometry import shape

from kerjasama.access.distance import chord_to_km, km_between, unit_vectors
from kerjasama.regions.choices import GOVERNMENT_LEVELS, VILLAGE_LEVELS, RegionLevel
from kerjasama.regions.models import Region, RegionBoundary

RECHECK_SECONDS = 300
# How far (km) a lat/lon may lie from every known desa/kelurahan centre before it counts as "nowhere".
MAX_CENTRE_DISTANCE_KM = 50.0


@dataclass(frozen=True)
class Located:
    """The desa/kelurahan a coordinate falls in, and how it was found."""

    code: str
    match: str  # OriginMatch value
    distance_km: float  # 0 inside the polygon, else the distance to the desa's centre


class RegionIndex:
    """Every kecamatan and desa/kelurahan as arrays sorted by code, with names and populations.

    Sorted codes make "every desa inside region X" a contiguous slice (:meth:`village_slice`), which the
    gap analysis uses instead of string prefix tests over all desa.
    """

    def __init__(self) -> None:
        self.version = _region_version()
        self.names: dict[str, str] = {}
        self.levels: dict[str, str] = {}
        self.population: dict[str, int] = {}
        kecamatan: dict[str, tuple[float | None, float | None]] = {}
        villages: list[tuple[str, float | None, float | None]] = []
        rows = Region.objects.values_list("code", "level", "name", "lat", "lon", "population").order_by("code")
        for code, level, name, lat, lon, population in rows.iterator(chunk_size=20000):
            self.names[code] = name
            self.levels[code] = level
            if level in GOVERNMENT_LEVELS:
                if population:
                    self.population[code] = population
            elif level == RegionLevel.KECAMATAN:
                kecamatan[code] = (lat, lon)
            elif level in VILLAGE_LEVELS:
                villages.append((code, lat, lon))
        self.kecamatan_centre = kecamatan
        codes, lats, lons = [], [], []
        for code, lat, lon in villages:
            if lat is None or lon is None:
                # 359 desa of the national list have no centroid: their kecamatan's stands in.
                lat, lon = kecamatan.get(code.rsplit(".", 1)[0], (None, None))
                if lat is None or lon is None:
                    continue
            codes.append(code)
            lats.append(lat)
            lons.append(lon)
        self.codes = np.array(codes, dtype="U13")
        self.lat = np.array(lats, dtype=float)
        self.lon = np.array(lons, dtype=float)
        self.xyz = unit_vectors(self.lat, self.lon) if codes else np.empty((0, 3))
        self.kecamatan_codes = np.array([code[:8] for code in codes], dtype="U8")
        self.kabkota_codes = np.array([code[:5] for code in codes], dtype="U5")
        self.province_codes = np.array([code[:2] for code in codes], dtype="U2")
        self._position = {code: index for index, code in enumerate(codes)}
        self._tree: cKDTree | None = None
        self._boundaries: dict[str, object] | None = None
        self._polygon_tree: tuple[shapely.STRtree, list[str]] | None = None
        self._lock = threading.Lock()

    # Lookups ---------------------------------------------------------------------------------------

    def position(self, code: str) -> int | None:
        """The row of desa/kelurahan ``code``, or ``None``."""
        return self._position.get(code)

    def village_slice(self, code: str) -> slice:
        """Rows of every desa/kelurahan inside region ``code`` (or the desa itself)."""
        low = int(np.searchsorted(self.codes, code, side="left"))
        if low < len(self.codes) and self.codes[low] == code:
            return slice(low, low + 1)
        start = int(np.searchsorted(self.codes, code + ".", side="left"))
        stop = int(np.searchsorted(self.codes, code + "/", side="left"))  # "/" sorts right after "."
        return slice(start, stop)

    def label(self, code: str) -> str:
        """Name with its level where the name alone is ambiguous (Desa Anggana, Kecamatan Anggana)."""
        name = self.names.get(code, code)
        level = self.levels.get(code)
        if level in (RegionLevel.KECAMATAN, RegionLevel.DESA, RegionLevel.KELURAHAN):
            return f"{_level_word(level)} {name}"
        return name

    # Coordinates to desa ---------------------------------------------------------------------------

    @property
    def tree(self) -> cKDTree:
        with self._lock:
            if self._tree is None:
                self._tree = cKDTree(self.xyz)
            return self._tree

    def boundaries(self) -> dict[str, object]:
        """Shapely geometries of every region with a boundary (Kaltim), by code; loaded on first use."""
        with self._lock:
            if self._boundaries is None:
                geometries = {}
                for code, geometry in RegionBoundary.objects.values_list("region_id", "geometry").iterator():
                    geometries[code] = shapely.make_valid(shape(geometry))
                self._boundaries = geometries
            return self._boundaries

    def boundary(self, code: str):
        """The boundary of region ``code`` or ``None``."""
        return self.boundaries().get(code)

    def _villages_with_polygons(self) -> tuple[shapely.STRtree, list[str]]:
        boundaries = self.boundaries()
        with self._lock:
            if self._polygon_tree is None:
                codes = [code for code in boundaries if code in self._position]
                geometries = [boundaries[code] for code in codes]
                self._polygon_tree = (shapely.STRtree(geometries), codes)
            return self._polygon_tree

    def locate(self, lat: float, lon: float) -> Located | None:
        """The desa/kelurahan at a coordinate: the polygon containing it, else the nearest desa centre.

        ``None`` when no desa centre lies within ``MAX_CENTRE_DISTANCE_KM``: the point is nowhere we know.
        """
        tree, codes = self._villages_with_polygons()
        point = shapely.Point(lon, lat)
        hits = tree.query(point, predicate="intersects")
        if len(hits):
            # Simplified neighbouring polygons can overlap along a border: take the desa whose centre is nearest.
            candidates = [codes[int(hit)] for hit in hits]
            best = min(candidates, key=lambda code: self._centre_km(code, lat, lon))
            return Located(best, "poligon", 0.0)
        if not len(self.codes):
            return None
        chord, row = self.tree.query(unit_vectors([lat], [lon])[0])
        distance = float(chord_to_km(chord))
        if distance > MAX_CENTRE_DISTANCE_KM:
            return None
        return Located(str(self.codes[int(row)]), "pusat_terdekat", distance)

    def _centre_km(self, code: str, lat: float, lon: float) -> float:
        row = self._position[code]
        return km_between(lat, lon, self.lat[row], self.lon[row])


def _level_word(level: str) -> str:
    return {
        RegionLevel.KECAMATAN: _("Kecamatan"),
        RegionLevel.DESA: _("Desa"),
        RegionLevel.KELURAHAN: _("Kelurahan"),
    }[level]


def _region_version() -> tuple:
    regions = Region.objects.count()
    boundaries = RegionBoundary.objects.aggregate(count=Count("pk"))["count"]
    return (regions, boundaries)


_cache: dict[str, object] = {}
_cache_lock = threading.Lock()


def region_index() -> RegionIndex:
    """The process's :class:`RegionIndex`, rebuilt when the regions changed (checked every few minutes)."""
    with _cache_lock:
        index: RegionIndex | None = _cache.get("index")  # type: ignore[assignment]
        checked = _cache.get("checked", 0.0)
        now = time.monotonic()
        if index is not None and now - checked < RECHECK_SECONDS:
            return index
        if index is None or _region_version() != index.version:
            index = RegionIndex()
            _cache["index"] = index
        _cache["checked"] = now
        return index


def clear_region_index() -> None:
    """Forget the cached regions (after loading regions in the same process, and in tests)."""
    with _cache_lock:
        _cache.clear()


def distance_to_geometry_km(geometry, lat: float, lon: float) -> float:
    """Kilometres from a point to a polygon; 0 when the point lies inside it."""
    point = shapely.Point(lon, lat)
    if geometry.covers(point):
        return 0.0
    nearest = shapely.ops.nearest_points(geometry, point)[0]
    return km_between(lat, lon, nearest.y, nearest.x)


def inside_point(geometry, lat: float | None, lon: float | None) -> tuple[float, float]:
    """The centroid (lat, lon) when it lies inside ``geometry``, else a point surely inside it.

    Concave or many-part areas (Mahakam Ulu, the islands of Maratua) have their centroid outside.
    """
    if lat is not None and lon is not None and geometry.covers(shapely.Point(lon, lat)):
        return lat, lon
    point = geometry.representative_point()
    return point.y, point.x
