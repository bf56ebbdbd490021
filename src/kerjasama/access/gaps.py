"""Where a new agreement would help most: desa whose nearest service point they may not use.

For every desa/kelurahan and one service type: when the nearest point of the service (whoever runs
it) is run by another government and no agreement in force on the day opens it to the desa, that is
a *gap*. Gaps are grouped into candidate agreements (home kabupaten/kota, provider, service) and
ranked by the travel they would save.

Residents: population is known per kabupaten/kota only (Dukcapil). Each desa/kelurahan is given an
equal share of its kabupaten/kota's population ("penduduk perkiraan"); a kabupaten/kota without a
population figure uses the average share per desa of those with one. Candidates are ranked by the
estimated resident-kilometres saved (saved km of each desa times its estimated residents, summed:
the kilometres one trip of every resident would save). Without any population figures they are
ranked by the kilometres saved summed over desa. Desa that may use no point of the service at all
rank first (their residents, then desa, count).

Distances here are always great-circle: a road matrix for 84,000 desa is a batch job, not a request.
"""

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from kerjasama.access.distance import chord_to_km
from kerjasama.access.eligibility import openings
from kerjasama.access.geo import RegionIndex, region_index
from kerjasama.access.index import PointIndex, point_index
from kerjasama.access.nearest import service_name

DEFAULT_WITHIN = "64"  # Kalimantan Timur
# Beyond this many desa × points a group is searched with a k-d tree instead of a distance matrix.
MATRIX_LIMIT = 2_000_000


@dataclass
class GapDesa:
    """One desa/kelurahan whose nearest point of the service it may not use."""

    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str
    lat: float  # the desa's centre, where distances are measured from
    lon: float
    nearest_point_id: int
    nearest_point_name: str
    nearest_km: float
    eligible_point_id: int | None  # the nearest point the desa may use, if any
    eligible_point_name: str
    eligible_km: float | None
    residents_estimate: float | None

    @property
    def saved_km(self) -> float | None:
        """How much nearer the service would be if the provider opened its point."""
        if self.eligible_km is None:
            return None
        return max(0.0, self.eligible_km - self.nearest_km)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "kecamatan": {"code": self.kecamatan_code, "name": self.kecamatan_name},
            "lat": self.lat,
            "lon": self.lon,
            "nearest_point": {"id": self.nearest_point_id, "name": self.nearest_point_name},
            "nearest_km": round(self.nearest_km, 2),
            "eligible_point": None
            if self.eligible_point_id is None
            else {"id": self.eligible_point_id, "name": self.eligible_point_name},
            "eligible_km": None if self.eligible_km is None else round(self.eligible_km, 2),
            "saved_km": None if self.saved_km is None else round(self.saved_km, 2),
            "residents_estimate": None if self.residents_estimate is None else round(self.residents_estimate),
        }


@dataclass
class Candidate:
    """A candidate agreement: ``provider`` opening ``service`` to residents of ``home``."""

    rank: int
    home: str
    home_name: str
    provider: str
    provider_name: str
    service: str
    desa: list[GapDesa]

    @property
    def desa_count(self) -> int:
        return len(self.desa)

    @property
    def unserved_desa(self) -> int:
        """Desa that may use no point of the service at all today."""
        return sum(1 for row in self.desa if row.eligible_km is None)

    @property
    def residents_estimate(self) -> float | None:
        values = [row.residents_estimate for row in self.desa if row.residents_estimate is not None]
        return sum(values) if values else None

    @property
    def unserved_residents(self) -> float:
        return sum(row.residents_estimate or 0.0 for row in self.desa if row.eligible_km is None)

    @property
    def saved_km_total(self) -> float:
        """Kilometres saved summed over the desa (one trip from each desa centre)."""
        return sum(row.saved_km or 0.0 for row in self.desa)

    @property
    def resident_km(self) -> float | None:
        """Estimated resident-kilometres saved: each desa's saving times its estimated residents."""
        if any(row.residents_estimate is None for row in self.desa):
            return None
        return sum((row.saved_km or 0.0) * (row.residents_estimate or 0.0) for row in self.desa)

    @property
    def saved_km_per_resident(self) -> float | None:
        residents = self.residents_estimate
        if not residents or self.resident_km is None:
            return None
        served = sum(row.residents_estimate or 0.0 for row in self.desa if row.eligible_km is not None)
        return self.resident_km / served if served else None

    def sort_key(self) -> tuple:
        return (
            -self.unserved_residents,
            -self.unserved_desa,
            -(self.resident_km if self.resident_km is not None else self.saved_km_total),
            -self.saved_km_total,
            self.home,
            self.provider,
        )

    def to_dict(self, with_desa: bool = True) -> dict:
        data = {
            "rank": self.rank,
            "home": {"code": self.home, "name": self.home_name},
            "provider": {"code": self.provider, "name": self.provider_name},
            "service": self.service,
            "desa_count": self.desa_count,
            "unserved_desa": self.unserved_desa,
            "residents_estimate": None if self.residents_estimate is None else round(self.residents_estimate),
            "saved_km_total": round(self.saved_km_total, 2),
            "resident_km": None if self.resident_km is None else round(self.resident_km),
            "saved_km_per_resident": None
            if self.saved_km_per_resident is None
            else round(self.saved_km_per_resident, 2),
        }
        if with_desa:
            data["desa"] = [row.to_dict() for row in self.desa]
        return data


@dataclass
class GapReport:
    """Gaps of one service on one day, within one region (Kaltim by default, all Indonesia with ``None``)."""

    service: str
    service_name: str
    day: dt.date
    within: str | None
    points: int  # points of the service
    desa_checked: int
    population_basis: str  # "penduduk" (estimated residents) or "desa"
    candidates: list[Candidate] = field(default_factory=list)
    method: str = "great_circle"

    @property
    def desa_with_gap(self) -> int:
        return sum(candidate.desa_count for candidate in self.candidates)

    def to_dict(self, with_desa: bool = True) -> dict:
        return {
            "service": {"code": self.service, "name": self.service_name},
            "date": self.day,
            "within": self.within,
            "distance_method": self.method,
            "points": self.points,
            "desa_checked": self.desa_checked,
            "desa_with_gap": self.desa_with_gap,
            "population_basis": self.population_basis,
            "candidates": [candidate.to_dict(with_desa) for candidate in self.candidates],
        }

    def to_geojson(self) -> dict:
        """The gap desa as Points at their centres, for a map: each carries its candidate's rank and parties.

        The service points themselves come from :func:`kerjasama.access.services.points_geojson`.
        """
        features = []
        for candidate in self.candidates:
            for desa in candidate.desa:
                properties = desa.to_dict()
                properties.pop("lat")
                properties.pop("lon")
                properties.update(
                    rank=candidate.rank,
                    home={"code": candidate.home, "name": candidate.home_name},
                    provider={"code": candidate.provider, "name": candidate.provider_name},
                )
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [desa.lon, desa.lat]},
                        "properties": properties,
                    }
                )
        return {"type": "FeatureCollection", "features": features}


def _residents_per_desa(regions: RegionIndex, codes: np.ndarray) -> tuple[dict[str, float], str]:
    """Estimated residents per desa for each kabupaten/kota in ``codes``: an equal share of its population."""
    kabkota = np.unique(codes)
    shares: dict[str, float] = {}
    known_people = known_desa = 0
    for code in kabkota:
        code = str(code)
        villages = regions.village_slice(code)
        count = villages.stop - villages.start
        population = regions.population.get(code)
        if population and count:
            shares[code] = population / count
            known_people += population
            known_desa += count
    if not known_desa:
        return {}, "desa"
    average = known_people / known_desa
    for code in kabkota:
        shares.setdefault(str(code), average)
    return shares, "penduduk"


def find_gaps(
    service: str,
    day: dt.date,
    within: str | None = DEFAULT_WITHIN,
    regions: RegionIndex | None = None,
    points: PointIndex | None = None,
) -> GapReport:
    """The gap analysis for ``service`` on ``day`` over the desa inside ``within`` (all with ``None``)."""
    name = service_name(service)
    regions = regions or region_index()
    points = points or point_index()
    selected = regions.village_slice(within) if within else slice(0, len(regions.codes))
    codes = regions.codes[selected]
    kabkota = regions.kabkota_codes[selected]
    province = regions.province_codes[selected]
    xyz = regions.xyz[selected]
    rows = points.rows(service)
    tree = points.tree(service)
    report = GapReport(
        service=service,
        service_name=name,
        day=day,
        within=within,
        points=rows.stop - rows.start,
        desa_checked=len(codes),
        population_basis="desa",
    )
    if tree is None or not len(codes):
        return report

    chord, relative = tree.query(xyz, k=1)
    nearest_row = rows.start + relative
    nearest_km = chord_to_km(chord)
    nearest_operator = points.operators[nearest_row]
    eligible = (nearest_operator == kabkota) | (nearest_operator == province)

    # Each agreement opens its providers' points to contiguous runs of desa (codes are sorted).
    opened: dict[str, set[tuple[int, int]]] = defaultdict(set)  # provider -> runs (start, stop) of local rows
    for opening in openings(service, day):
        runs = set()
        for receiver in opening.receivers:
            territory = _local(regions.village_slice(receiver), selected)
            if opening.areas:
                for area in opening.areas:
                    runs.add(_intersect(_local(regions.village_slice(area), selected), territory))
            else:
                runs.add(territory)
        for provider in opening.providers:
            opened[provider] |= {run for run in runs if run[1] > run[0]}
    for provider, runs in opened.items():
        for start, stop in runs:
            eligible[start:stop] |= nearest_operator[start:stop] == provider

    gaps = np.flatnonzero(~eligible)
    if not len(gaps):
        return report

    # The nearest point each gap desa may use: first among the points of its own kabupaten/kota and
    # province, then, provider by provider, among the points an agreement opens to it.
    best_chord = np.full(len(gaps), np.inf)
    best_row = np.full(len(gaps), -1, dtype=np.int64)
    homes, home_of = np.unique(kabkota[gaps], return_inverse=True)
    for number, home in enumerate(homes.tolist()):
        members = np.flatnonzero(home_of == number)
        allowed = np.concatenate([points.group(service, home), points.group(service, home[:2])])
        _improve(points, xyz[gaps[members]], allowed, members, best_chord, best_row)
    for provider, runs in opened.items():
        covered = np.zeros(len(codes), dtype=bool)
        for start, stop in runs:
            covered[start:stop] = True
        members = np.flatnonzero(covered[gaps])
        if len(members):
            _improve(points, xyz[gaps[members]], points.group(service, provider), members, best_chord, best_row)
    eligible_row = np.full(len(codes), -1, dtype=np.int64)
    eligible_km = np.full(len(codes), np.inf)
    eligible_row[gaps] = best_row
    eligible_km[gaps] = chord_to_km(np.where(np.isfinite(best_chord), best_chord, 2.0))

    shares, basis = _residents_per_desa(regions, kabkota[gaps])
    report.population_basis = basis
    by_candidate: dict[tuple[str, str], list[GapDesa]] = defaultdict(list)
    for row in gaps.tolist():
        code = str(codes[row])
        kecamatan = code[:8]
        nearest_point = points.points[int(nearest_row[row])]
        eligible_point = points.points[int(eligible_row[row])] if eligible_row[row] >= 0 else None
        by_candidate[(str(kabkota[row]), str(nearest_operator[row]))].append(
            GapDesa(
                code=code,
                name=regions.label(code),
                kecamatan_code=kecamatan,
                kecamatan_name=regions.names.get(kecamatan, kecamatan),
                lat=float(regions.lat[selected.start + row]),
                lon=float(regions.lon[selected.start + row]),
                nearest_point_id=nearest_point.id,
                nearest_point_name=nearest_point.name,
                nearest_km=float(nearest_km[row]),
                eligible_point_id=eligible_point.id if eligible_point else None,
                eligible_point_name=eligible_point.name if eligible_point else "",
                eligible_km=float(eligible_km[row]) if eligible_point else None,
                residents_estimate=shares.get(str(kabkota[row])) if basis == "penduduk" else None,
            )
        )
    candidates = [
        Candidate(
            rank=0,
            home=home,
            home_name=regions.names.get(home, home),
            provider=provider,
            provider_name=regions.names.get(provider, provider),
            service=service,
            desa=sorted(found, key=lambda r: (-(r.saved_km if r.saved_km is not None else np.inf), r.code)),
        )
        for (home, provider), found in by_candidate.items()
    ]
    candidates.sort(key=Candidate.sort_key)
    for rank, candidate in enumerate(candidates, start=1):
        candidate.rank = rank
    report.candidates = candidates
    return report


def _improve(
    points: PointIndex,
    origins: np.ndarray,
    allowed: np.ndarray,
    members: np.ndarray,
    best_chord: np.ndarray,
    best_row: np.ndarray,
) -> None:
    """Where a point among ``allowed`` is nearer to ``origins`` than the best so far, take it."""
    if not len(allowed) or not len(members):
        return
    if len(origins) * len(allowed) <= MATRIX_LIMIT:
        # |a - b|² = 2 - 2 a·b for unit vectors: one matrix product gives every chord.
        squared = np.clip(2.0 - 2.0 * origins @ points.xyz[allowed].T, 0.0, 4.0)
        nearest = np.argmin(squared, axis=1)
        chord = np.sqrt(squared[np.arange(len(origins)), nearest])
    else:
        chord, nearest = cKDTree(points.xyz[allowed]).query(origins, k=1)
    better = chord < best_chord[members]
    best_chord[members[better]] = chord[better]
    best_row[members[better]] = allowed[nearest[better]]


def _local(run: slice, selected: slice) -> tuple[int, int]:
    """A slice of the whole desa array as (start, stop) within the selected part."""
    start = max(run.start, selected.start) - selected.start
    stop = min(run.stop, selected.stop) - selected.start
    return (start, max(start, stop))


def _intersect(first: tuple[int, int], second: tuple[int, int]) -> tuple[int, int]:
    start = max(first[0], second[0])
    return (start, max(start, min(first[1], second[1])))


CSV_COLUMNS = (
    "peringkat",
    "kode_wilayah_asal",
    "wilayah_asal",
    "kode_penyedia",
    "penyedia",
    "layanan",
    "jumlah_desa",
    "penduduk_perkiraan",
    "penduduk_km_hemat",
    "kode_desa",
    "desa",
    "kecamatan",
    "titik_terdekat",
    "jarak_terdekat_km",
    "titik_yang_boleh",
    "jarak_yang_boleh_km",
    "hemat_km",
    "penduduk_desa_perkiraan",
)


def gaps_csv(data: dict) -> str:
    """The gap report (``GapReport.to_dict()``) as CSV text: one row per candidate and desa."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    service = data["service"]["code"]
    for candidate in data.get("candidates", []):
        for desa in candidate.get("desa", []):
            eligible = desa["eligible_point"]
            writer.writerow(
                (
                    candidate["rank"],
                    candidate["home"]["code"],
                    candidate["home"]["name"],
                    candidate["provider"]["code"],
                    candidate["provider"]["name"],
                    service,
                    candidate["desa_count"],
                    _blank(candidate["residents_estimate"]),
                    _blank(candidate["resident_km"]),
                    desa["code"],
                    desa["name"],
                    desa["kecamatan"]["name"],
                    desa["nearest_point"]["name"],
                    desa["nearest_km"],
                    eligible["name"] if eligible else "",
                    _blank(desa["eligible_km"]),
                    _blank(desa["saved_km"]),
                    _blank(desa["residents_estimate"]),
                )
            )
    return buffer.getvalue()


def _blank(value) -> object:
    return "" if value is None else value
