"""Checking and saving service points: the rules the import, the API and the demo share.

A point must name a known service type and the kecamatan or desa/kelurahan of Kalimantan Timur it
stands in; its coordinates must be possible, inside Kaltim and inside (or within
``TOLERANCE_KM`` of) that kecamatan or desa. The tolerance is there because the bundled boundaries
are simplified (about 55–110 m per vertex) and neighbouring polygons were simplified separately, so
an office on a river bank or a border road can fall just outside its own polygon.
"""

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kerjasama.access.geo import RegionIndex, distance_to_geometry_km, region_index
from kerjasama.access.models import ServicePoint, default_operator
from kerjasama.core import changelog
from kerjasama.core.choices import ChangeAction, Source
from kerjasama.core.text import ParseError, fold, parse_bool
from kerjasama.regions.choices import GOVERNMENT_LEVELS, VILLAGE_LEVELS, RegionLevel
from kerjasama.regions.models import Region, ServiceType
from kerjasama.regions.resolver import PihakResolver, ResolveError, normalise_code

PROVINCE = "64"  # points are registered for Kalimantan Timur only
TOLERANCE_KM = 2.0

# The template's columns (CSV header, GeoJSON property names); the first five are required.
COLUMNS = ("nama", "layanan", "kode_wilayah", "lat", "lon", "alamat", "kontak", "jam_layanan", "sumber")
OPTIONAL_COLUMNS = ("catatan_sumber", "lokasi_perkiraan", "penyelenggara")
REQUIRED = COLUMNS[:5]
FIELD_COLUMNS = {  # API field -> template column, so both report problems under their own names
    "name": "nama",
    "service_type": "layanan",
    "area": "kode_wilayah",
    "lat": "lat",
    "lon": "lon",
    "address": "alamat",
    "contact": "kontak",
    "opening_hours": "jam_layanan",
    "source": "sumber",
    "source_note": "catatan_sumber",
    "is_approximate": "lokasi_perkiraan",
    "operator": "penyelenggara",
}
MAX_LENGTHS = {"nama": 200, "alamat": 300, "kontak": 200, "jam_layanan": 200, "catatan_sumber": 300}


@dataclass(frozen=True)
class Problem:
    """A problem with one value of a point: the template column and the reason."""

    column: str
    message: str


@dataclass
class PointData:
    """A checked service point, ready to be written."""

    name: str
    service_type_id: int
    service_code: str
    region: str
    kecamatan: str
    desa: str | None
    operator: str
    lat: float
    lon: float
    address: str = ""
    contact: str = ""
    opening_hours: str = ""
    is_approximate: bool = False
    source: str = Source.IMPOR
    source_note: str = ""

    def key(self) -> tuple[int, str, str]:
        """What identifies a point: service, kabupaten/kota and name (any case or spacing)."""
        return (self.service_type_id, self.region, fold(self.name))

    def apply(self, point: ServicePoint) -> ServicePoint:
        point.name = self.name
        point.service_type_id = self.service_type_id
        point.region_id = self.region
        point.kecamatan_id = self.kecamatan
        point.desa_id = self.desa
        point.operator_id = self.operator
        point.lat = self.lat
        point.lon = self.lon
        point.address = self.address
        point.contact = self.contact
        point.opening_hours = self.opening_hours
        point.is_approximate = self.is_approximate
        point.source = self.source
        point.source_note = self.source_note
        return point


def _number(value) -> float:
    """A coordinate cell: a number, or text with a decimal point (or a decimal comma)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace("−", "-")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


class PointChecker:
    """Checks service points against the reference data; build once per import or request."""

    def __init__(self, regions: RegionIndex | None = None) -> None:
        self.regions = regions or region_index()
        self.services: dict[str, tuple[int, str]] = {}
        for pk, code, name in ServiceType.objects.values_list("pk", "code", "name"):
            self.services[fold(code)] = (pk, code)
            self.services[fold(name)] = (pk, code)
        self.sources = {fold(value): value for value in Source.values}
        for value, label in Source.choices:
            self.sources[fold(str(label))] = value
        self._parties: PihakResolver | None = None
        self.names: dict[str, str] = {}  # names of regions newer than the cached index

    @property
    def parties(self) -> PihakResolver:
        if self._parties is None:
            self._parties = PihakResolver()
        return self._parties

    def check(
        self, values: dict[str, object], default_source: str = Source.IMPOR
    ) -> tuple[PointData | None, list[Problem]]:
        """Check one point given by template column (``nama``, ``layanan``, ``kode_wilayah``...)."""
        problems: list[Problem] = []

        def fail(column: str, message: str) -> None:
            problems.append(Problem(column, message))

        def text(column: str) -> str:
            value = values.get(column)
            if value is None:
                return ""
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value).strip()

        for column, limit in MAX_LENGTHS.items():
            if len(text(column)) > limit:
                fail(column, _("At most %(limit)s characters.") % {"limit": limit})
        name = text("nama")
        if not name:
            fail("nama", _("The name is required."))

        service = None
        raw_service = text("layanan")
        if not raw_service:
            fail("layanan", _("The service is required."))
        else:
            service = self.services.get(fold(raw_service))
            if service is None:
                codes = sorted({code for _pk, code in self.services.values()})
                fail(
                    "layanan",
                    _("Unknown service “%(value)s”: use %(codes)s.")
                    % {"value": raw_service, "codes": ", ".join(codes)},
                )

        area = self._area(text("kode_wilayah"), fail)
        coordinates = self._coordinates(values.get("lat"), values.get("lon"), fail)
        if area is not None and coordinates is not None:
            self._location(area, *coordinates, fail)

        operator = None
        if area is not None and service is not None:
            operator = self._operator(text("penyelenggara"), service[1], area[:5], fail)

        try:
            is_approximate = bool(parse_bool(values.get("lokasi_perkiraan"), default=False))
        except ParseError as exc:
            fail("lokasi_perkiraan", str(exc))
            is_approximate = False
        source, source_note = default_source, text("catatan_sumber")
        raw_source = text("sumber")
        if raw_source:
            known = self.sources.get(fold(raw_source))
            if known is not None:
                source = known
            else:
                # A citation ("Dinkes Kab. Paser, 2025") rather than a kind of source: keep it as the note.
                source_note = "; ".join(part for part in (raw_source, source_note) if part)[:300]

        if problems or service is None or area is None or coordinates is None or operator is None:
            return None, problems
        level = self._level(area)
        return (
            PointData(
                name=name,
                service_type_id=service[0],
                service_code=service[1],
                region=area[:5],
                kecamatan=area[:8],
                desa=area if level in VILLAGE_LEVELS else None,
                operator=operator,
                lat=coordinates[0],
                lon=coordinates[1],
                address=text("alamat"),
                contact=text("kontak"),
                opening_hours=text("jam_layanan"),
                is_approximate=is_approximate,
                source=source,
                source_note=source_note,
            ),
            problems,
        )

    def _area(self, raw: str, fail) -> str | None:
        if not raw:
            fail("kode_wilayah", _("The code of the kecamatan or desa/kelurahan is required."))
            return None
        code = normalise_code(raw)
        if code is None:
            fail(
                "kode_wilayah",
                _("“%(value)s” is not a region code such as 64.02.13 or 64.02.13.1001.") % {"value": raw},
            )
            return None
        level = self._level(code)
        if level is None:
            fail("kode_wilayah", _("No region has the code %(code)s.") % {"code": code})
            return None
        if level not in (RegionLevel.KECAMATAN, *VILLAGE_LEVELS):
            fail(
                "kode_wilayah",
                _(
                    "%(code)s (%(name)s) is not a kecamatan or desa/kelurahan: give the kecamatan or desa the "
                    "point stands in."
                )
                % {"code": code, "name": self.regions.names.get(code) or self.names.get(code, code)},
            )
            return None
        if not code.startswith(PROVINCE + "."):
            fail(
                "kode_wilayah",
                _("%(code)s (%(name)s) is outside Kalimantan Timur; only Kaltim's service points are registered.")
                % {"code": code, "name": self.regions.names.get(code) or self.names.get(code, code)},
            )
            return None
        return code

    def _level(self, code: str) -> str | None:
        """The level of region ``code``; asks the database when the cached regions predate it."""
        level = self.regions.levels.get(code)
        if level is None:
            row = Region.objects.filter(code=code).values_list("level", "name").first()
            if row is not None:
                level, self.names[code] = row
        return level

    def _coordinates(self, lat_value, lon_value, fail) -> tuple[float, float] | None:
        result = []
        for column, value, limit in (("lat", lat_value, 90.0), ("lon", lon_value, 180.0)):
            if value is None or str(value).strip() == "":
                fail(column, _("The coordinate is required."))
                continue
            try:
                number = _number(value)
            except ValueError:
                fail(column, _("“%(value)s” is not a number.") % {"value": value})
                continue
            if not math.isfinite(number) or abs(number) > limit:
                fail(
                    column,
                    _("%(value)s is impossible: %(column)s lies between -%(limit)s and %(limit)s.")
                    % {"value": value, "column": column, "limit": int(limit)},
                )
                continue
            result.append(number)
        if len(result) != 2:
            if len(result) == 1 and lat_value is not None and lon_value is not None:
                try:
                    if abs(_number(lat_value)) > 90 and abs(_number(lon_value)) <= 90:
                        fail("lat", _("lat and lon look swapped: Kaltim lies near lat -2 to 2.5, lon 113.8 to 119."))
                except ValueError:
                    pass
            return None
        if result == [0.0, 0.0]:
            fail("lat", _("0, 0 is not a location in Kaltim (an empty cell saved as zero?)."))
            return None
        return result[0], result[1]

    def _location(self, area: str, lat: float, lon: float, fail) -> None:
        province = self.regions.boundary(PROVINCE)
        if province is None:
            fail("lat", _("Kaltim's boundary is not loaded; run kerjasama setup."))
            return
        outside = distance_to_geometry_km(province, lat, lon)
        if outside > TOLERANCE_KM:
            fail(
                "lat",
                _("The point %(lat)s, %(lon)s lies outside Kalimantan Timur (%(km).1f km from its boundary).")
                % {"lat": lat, "lon": lon, "km": outside},
            )
            return
        geometry = self.regions.boundary(area)
        if geometry is None:
            return
        away = distance_to_geometry_km(geometry, lat, lon)
        if away > TOLERANCE_KM:
            fail(
                "kode_wilayah",
                _(
                    "The point lies %(km).1f km outside %(name)s (%(code)s), more than the %(tolerance)s km allowed: "
                    "check lat/lon or the code."
                )
                % {"km": away, "name": self.regions.label(area), "code": area, "tolerance": int(TOLERANCE_KM)},
            )

    def _operator(self, raw: str, service: str, region: str, fail) -> str | None:
        if not raw:
            return default_operator(service, region)
        try:
            pihak = self.parties.resolve(raw)
        except ResolveError as exc:
            fail("penyelenggara", str(exc))
            return None
        from kerjasama.regions.models import Pihak

        code = Pihak.objects.filter(pk=pihak).values_list("region_id", flat=True).first()
        if not code or self.regions.levels.get(code) not in GOVERNMENT_LEVELS:
            fail("penyelenggara", _("The operator must be a province or a kabupaten/kota."))
            return None
        return code


@transaction.atomic
def save_point(data: PointData, point: ServicePoint | None = None, message: str = "") -> ServicePoint:
    """Create or update one point with its change-log entry."""
    before = point.snapshot() if point is not None and point.pk else None
    point = data.apply(point or ServicePoint())
    point.save()
    point.refresh_from_db()
    changelog.log_change(
        point,
        ChangeAction.UPDATE if before else ChangeAction.CREATE,
        before=before,
        after=point.snapshot(),
        message=message,
    )
    return point


@transaction.atomic
def delete_point(point: ServicePoint, message: str = "") -> None:
    """Delete a point, keeping its last values in the change log."""
    changelog.log_change(point, ChangeAction.DELETE, before=point.snapshot(), message=message)
    point.delete()


def points_geojson(points) -> dict:
    """Service points as a GeoJSON FeatureCollection (for Leaflet); ``is_approximate`` marks "lokasi perkiraan".

    ``points`` is a queryset or list of :class:`ServicePoint`; pass ``ServicePoint.objects.with_related()``
    (restricted to the user) to avoid a query per point.
    """
    features = []
    for point in points:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                "properties": {
                    "id": point.pk,
                    "name": point.name,
                    "service": point.service_type.code,
                    "service_name": point.service_type.name,
                    "region": {"code": point.region_id, "name": point.region.name},
                    "kecamatan": {"code": point.kecamatan_id, "name": point.kecamatan.name},
                    "desa": point.desa_id,
                    "operator": {"code": point.operator_id, "name": point.operator.name},
                    "address": point.address,
                    "contact": point.contact,
                    "opening_hours": point.opening_hours,
                    "is_approximate": point.is_approximate,
                    "source": point.source,
                    "source_note": point.source_note,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
