"""The nearest service point a resident may use, and why they may use it.

:func:`find_nearest` is what the API, the CLI and the "Layanan terdekat" page call. It answers with a
:class:`NearestAnswer`: the nearest eligible point and the agreement that opens it, the nearest point
the resident may use without any agreement (their own kabupaten/kota or province), the nearest point
of any operator, the distance saved, and a sentence in plain language. ``to_dict`` gives JSON for
the API and ``to_geojson`` a FeatureCollection for a map.

Only public information leaves this module for a visitor: a point opened by an agreement the user
may not see is still named (the resident's entitlement exists either way), but the agreement is
described as "cooperation agreement (not published)", without its title or number.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
from django.utils import formats
from django.utils.translation import gettext as _

from kerjasama.access.choices import Basis, OriginMatch
from kerjasama.access.distance import DistanceProvider, chord_to_km, get_provider, unit_vectors
from kerjasama.access.eligibility import Opening, Resident, eligible_operators, openings
from kerjasama.access.geo import RegionIndex, region_index
from kerjasama.access.index import PointIndex, PointInfo, point_index
from kerjasama.agreements.models import Agreement
from kerjasama.core.querysets import VIEW
from kerjasama.regions.models import ServiceType


class OriginError(ValueError):
    """The place asked about cannot be used (unknown code, wrong level, impossible coordinates)."""


class UnknownService(ValueError):
    """No service type has the code asked for."""


@dataclass(frozen=True)
class Origin:
    """Where the resident lives and where distances are measured from."""

    kind: str  # "desa", "kecamatan" or "titik" (a coordinate)
    code: str  # the desa/kelurahan code, or the kecamatan code when only the kecamatan was given
    name: str  # with its level: "Desa Karya Jaya", "Kecamatan Samboja"
    kecamatan_code: str
    kecamatan_name: str
    region_code: str  # kabupaten/kota
    region_name: str
    lat: float
    lon: float
    match: str  # OriginMatch value
    match_distance_km: float = 0.0  # for a coordinate outside every polygon: km to the chosen desa's centre

    @property
    def resident(self) -> Resident:
        return Resident(self.code)

    @property
    def place(self) -> str:
        """How the sentence names the place: "Desa Karya Jaya, Kecamatan Samboja"."""
        if self.code == self.kecamatan_code:
            return self.kecamatan_name
        return f"{self.name}, {self.kecamatan_name}"


@dataclass(frozen=True)
class AgreementRef:
    """The agreement that opens a point, as the user may see it."""

    id: int | None
    number: str
    title: str
    valid_until: dt.date | None
    redacted: bool = False

    @property
    def label(self) -> str:
        if self.redacted:
            return _("cooperation agreement (not published)")
        if self.number:
            return f"{self.number} “{self.title}”"
        return f"“{self.title}”"


@dataclass(frozen=True)
class Reach:
    """A service point with its distance from the origin and the reason the resident may use it."""

    point: PointInfo
    distance_km: float
    eligible: bool
    basis: str | None  # Basis value; None when the resident may not use the point
    agreement: AgreementRef | None
    service_name: str
    region_name: str
    kecamatan_name: str
    operator_name: str

    def to_dict(self) -> dict:
        point = self.point
        return {
            "id": point.id,
            "name": point.name,
            "service": point.service,
            "service_name": self.service_name,
            "lat": point.lat,
            "lon": point.lon,
            "address": point.address,
            "contact": point.contact,
            "opening_hours": point.opening_hours,
            "region": {"code": point.region, "name": self.region_name},
            "kecamatan": {"code": point.kecamatan, "name": self.kecamatan_name},
            "operator": {"code": point.operator, "name": self.operator_name},
            "is_approximate": point.is_approximate,
            "source": point.source,
            "source_note": point.source_note,
            "distance_km": round(self.distance_km, 2),
            "eligible": self.eligible,
            "basis": self.basis,
            "agreement": None
            if self.agreement is None
            else {
                "id": self.agreement.id,
                "number": self.agreement.number,
                "title": self.agreement.title,
                "label": self.agreement.label,
                "valid_until": self.agreement.valid_until,
                "redacted": self.agreement.redacted,
            },
        }


@dataclass
class NearestAnswer:
    """The answer to "where is the nearest point for service S that I may use, on this day?"."""

    origin: Origin
    service: str
    service_name: str
    day: dt.date
    method: str  # the distance provider's name ("great_circle", "osrm")
    nearest: Reach | None  # the nearest point the resident may use
    home: Reach | None  # the nearest point the resident may use without any agreement
    overall: Reach | None  # the nearest point of the service, whoever runs it
    message: str = ""
    notes: list[str] = field(default_factory=list)  # caveats for the page, e.g. how the desa was found

    @property
    def found(self) -> bool:
        return self.nearest is not None

    @property
    def saved_km(self) -> float | None:
        """How much nearer the agreement brings the service (0 when the nearest is the resident's own)."""
        if self.nearest is None or self.home is None:
            return None
        return max(0.0, self.home.distance_km - self.nearest.distance_km)

    def to_dict(self) -> dict:
        origin = self.origin
        return {
            "origin": {
                "kind": origin.kind,
                "code": origin.code,
                "name": origin.name,
                "kecamatan": {"code": origin.kecamatan_code, "name": origin.kecamatan_name},
                "region": {"code": origin.region_code, "name": origin.region_name},
                "lat": origin.lat,
                "lon": origin.lon,
                "match": origin.match,
                "match_distance_km": round(origin.match_distance_km, 2),
            },
            "service": {"code": self.service, "name": self.service_name},
            "date": self.day,
            "distance_method": self.method,
            "found": self.found,
            "nearest": self.nearest.to_dict() if self.nearest else None,
            "home": self.home.to_dict() if self.home else None,
            "nearest_overall": self.overall.to_dict() if self.overall else None,
            "saved_km": None if self.saved_km is None else round(self.saved_km, 2),
            "message": self.message,
            "notes": list(self.notes),
        }

    def to_geojson(self) -> dict:
        """A FeatureCollection for a map: the origin and each point of the answer, tagged by ``role``.

        Roles: ``asal`` (origin), ``terdekat`` (nearest eligible), ``wilayah_sendiri`` (nearest without
        an agreement), ``terdekat_semua`` (nearest of any operator). A point playing several roles
        appears once with all of them. Point properties carry ``is_approximate`` for the "lokasi
        perkiraan" marker.
        """
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [self.origin.lon, self.origin.lat]},
                "properties": {"roles": ["asal"], "name": self.origin.place, "code": self.origin.code},
            }
        ]
        by_point: dict[int, dict] = {}
        for role, reach in (
            ("terdekat", self.nearest),
            ("wilayah_sendiri", self.home),
            ("terdekat_semua", self.overall),
        ):
            if reach is None:
                continue
            feature = by_point.get(reach.point.id)
            if feature is None:
                properties = reach.to_dict()
                properties["roles"] = []
                feature = by_point[reach.point.id] = {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [reach.point.lon, reach.point.lat]},
                    "properties": properties,
                }
                features.append(feature)
            feature["properties"]["roles"].append(role)
        return {"type": "FeatureCollection", "features": features}


# Origin ------------------------------------------------------------------------------------------


def resolve_origin(
    *,
    desa: str | None = None,
    kecamatan: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    regions: RegionIndex | None = None,
) -> Origin:
    """The origin for a desa/kelurahan code, a kecamatan code or a coordinate (exactly one of them)."""
    regions = regions or region_index()
    given = [
        name for name, value in (("desa", desa), ("kecamatan", kecamatan), ("lat", lat)) if value not in (None, "")
    ]
    if (lat in (None, "")) != (lon in (None, "")):
        raise OriginError(_("Give both lat and lon."))
    if len(given) != 1:
        raise OriginError(_("Give exactly one of desa, kecamatan, or lat and lon."))
    if desa:
        code = desa.strip()
        row = regions.position(code)
        if row is None:
            _check_known(code, regions, _("desa/kelurahan"))
            raise OriginError(_("%(code)s has no known location.") % {"code": code})
        return _village_origin(code, regions, "desa", float(regions.lat[row]), float(regions.lon[row]), "kode")
    if kecamatan:
        code = kecamatan.strip()
        if regions.levels.get(code) != "kecamatan":
            _check_known(code, regions, _("kecamatan"))
        lat_k, lon_k = regions.kecamatan_centre.get(code, (None, None))
        if lat_k is None or lon_k is None:
            raise OriginError(_("%(code)s has no known location.") % {"code": code})
        return Origin(
            kind="kecamatan",
            code=code,
            name=regions.label(code),
            kecamatan_code=code,
            kecamatan_name=regions.label(code),
            region_code=code[:5],
            region_name=regions.names.get(code[:5], code[:5]),
            lat=lat_k,
            lon=lon_k,
            match=OriginMatch.CODE,
        )
    lat_f, lon_f = _coordinate(lat, "lat", 90.0), _coordinate(lon, "lon", 180.0)
    located = regions.locate(lat_f, lon_f)
    if located is None:
        raise OriginError(
            _("The point %(lat)s, %(lon)s is not in or near any desa/kelurahan known here.")
            % {
                "lat": lat_f,
                "lon": lon_f,
            }
        )
    return _village_origin(located.code, regions, "titik", lat_f, lon_f, located.match, located.distance_km)


def _check_known(code: str, regions: RegionIndex, level_name: str) -> None:
    if code in regions.levels:
        raise OriginError(
            _("%(code)s (%(name)s) is not a %(level)s code.")
            % {"code": code, "name": regions.names[code], "level": level_name}
        )
    raise OriginError(_("Unknown region code %(code)s.") % {"code": code})


def _coordinate(value, name: str, limit: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise OriginError(_("%(name)s must be a number.") % {"name": name}) from exc
    if not math.isfinite(number) or abs(number) > limit:
        raise OriginError(_("%(name)s must lie between -%(limit)s and %(limit)s.") % {"name": name, "limit": limit})
    return number


def _village_origin(
    code: str, regions: RegionIndex, kind: str, lat: float, lon: float, match: str, distance: float = 0.0
) -> Origin:
    kecamatan = code[:8]
    return Origin(
        kind=kind,
        code=code,
        name=regions.label(code),
        kecamatan_code=kecamatan,
        kecamatan_name=regions.label(kecamatan),
        region_code=code[:5],
        region_name=regions.names.get(code[:5], code[:5]),
        lat=lat,
        lon=lon,
        match=match,
        match_distance_km=distance,
    )


# Search ------------------------------------------------------------------------------------------

_service_names: dict[str, str] = {}


def service_name(code: str) -> str:
    """The name of service type ``code``; raises :class:`UnknownService`."""
    name = _service_names.get(code)
    if name is None:
        _service_names.clear()
        _service_names.update(ServiceType.objects.values_list("code", "name"))
        name = _service_names.get(code)
        if name is None:
            raise UnknownService(
                _("Unknown service “%(code)s”: use %(codes)s.")
                % {"code": code, "codes": ", ".join(sorted(_service_names))}
            )
    return name


def _closest(
    index: PointIndex, rows: np.ndarray, origin: Origin, provider: DistanceProvider
) -> tuple[int, float] | None:
    """The row among ``rows`` nearest to the origin and its distance (provider's measure)."""
    if not len(rows):
        return None
    chord = np.linalg.norm(index.xyz[rows] - unit_vectors([origin.lat], [origin.lon])[0], axis=1)
    if provider.exact_by_tree:
        best = int(np.argmin(chord))
        return int(rows[best]), float(chord_to_km(chord[best]))
    keep = np.argsort(chord, kind="stable")[: max(1, provider.candidates)]
    chosen = rows[keep]
    distances = provider.distances((origin.lat, origin.lon), np.column_stack((index.lat[chosen], index.lon[chosen])))
    best = int(np.argmin(distances))
    if not math.isfinite(distances[best]):
        return None
    return int(chosen[best]), float(distances[best])


def _pick(found: list[Opening], visible: set[int]) -> Opening:
    """The agreement to name: one the user may see, then the one in force longest, then the oldest."""
    far = dt.date.max
    return min(
        found, key=lambda o: (o.agreement_id not in visible, -(o.valid_until or far).toordinal(), o.agreement_id)
    )


def _visible(found: list[Opening], user) -> set[int]:
    """Ids among ``found`` the user may see: public ones (archived ones never open anything), and the rest
    only when ``Agreement.objects.restrict`` says so."""
    visible = {o.agreement_id for o in found if o.is_public}
    hidden = [o.agreement_id for o in found if not o.is_public]
    if hidden:
        visible |= set(Agreement.objects.restrict(user, VIEW).filter(pk__in=hidden).values_list("pk", flat=True))
    return visible


def nearest_service(
    origin: Origin,
    service: str,
    day: dt.date,
    user=None,
    provider: DistanceProvider | None = None,
) -> NearestAnswer:
    """The nearest point of ``service`` that the resident at ``origin`` may use on ``day``."""
    name = service_name(service)
    provider = provider or get_provider()
    points = point_index()
    regions = region_index()
    resident = origin.resident
    operators = eligible_operators(resident, openings(service, day, involving=resident.home))

    # One distance computation over every eligible point; the resident's own governments come first so
    # that a tie goes to the point needing no agreement.
    ordered = [code for code in resident.home if code in operators] + [
        code for code in operators if code not in resident.home
    ]
    home_rows = np.concatenate([points.group(service, code) for code in resident.home])
    eligible_rows = np.concatenate([points.group(service, code) for code in ordered])

    def reach(operator: str | None, row: int, distance: float, visible: set[int] | None = None) -> Reach:
        point = points.points[row]
        basis, agreement = None, None
        if operator is not None:
            if operator == resident.kabkota:
                basis = Basis.OWN_REGION
            elif operator == resident.province:
                basis = Basis.PROVINCE
            else:
                basis = Basis.AGREEMENT
                opening = _pick(operators[operator], visible or set())
                shown = opening.agreement_id in (visible or set())
                agreement = AgreementRef(
                    id=opening.agreement_id if shown else None,
                    number=opening.number if shown else "",
                    title=opening.title if shown else "",
                    valid_until=opening.valid_until,
                    redacted=not shown,
                )
        return Reach(
            point=point,
            distance_km=distance,
            eligible=operator is not None,
            basis=basis,
            agreement=agreement,
            service_name=name,
            region_name=regions.names.get(point.region, point.region),
            kecamatan_name=regions.names.get(point.kecamatan, point.kecamatan),
            operator_name=regions.names.get(point.operator, point.operator),
        )

    nearest = home = None
    found = _closest(points, eligible_rows, origin, provider)
    if found is not None:
        row, distance = found
        operator = str(points.operators[row])
        visible = _visible(operators[operator], user) if operator not in resident.home else set()
        nearest = reach(operator, row, distance, visible)
    found = _closest(points, home_rows, origin, provider)
    if found is not None:
        row, distance = found
        home = nearest if nearest is not None and nearest.point.id == points.points[row].id else None
        home = home or reach(str(points.operators[row]), row, distance)

    overall = None
    tree = points.tree(service)
    if tree is not None:
        rows = points.rows(service)
        count = 1 if provider.exact_by_tree else min(provider.candidates, rows.stop - rows.start)
        _chords, found_rows = tree.query(unit_vectors([origin.lat], [origin.lon])[0], k=count)
        closest = _closest(points, rows.start + np.atleast_1d(found_rows), origin, provider)
        if closest is not None:
            row, distance = closest
            operator = str(points.operators[row])
            if nearest is not None and nearest.point.id == points.points[row].id:
                overall = nearest
            elif operator in operators:
                visible = _visible(operators[operator], user) if operator not in resident.home else set()
                overall = reach(operator, row, distance, visible)
            else:
                overall = reach(None, row, distance)

    answer = NearestAnswer(
        origin=origin,
        service=service,
        service_name=name,
        day=day,
        method=provider.name,
        nearest=nearest,
        home=home,
        overall=overall,
    )
    answer.message = describe(answer)
    if origin.match == OriginMatch.NEAREST_CENTRE:
        answer.notes.append(
            _(
                "The coordinate lies outside every desa/kelurahan boundary known here; %(desa)s, whose centre is "
                "%(distance)s km away, was taken as the place of residence."
            )
            % {"desa": origin.place, "distance": km(origin.match_distance_km)}
        )
    return answer


def find_nearest(
    service: str,
    day: dt.date | None = None,
    user=None,
    *,
    desa: str | None = None,
    kecamatan: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> NearestAnswer:
    """Resolve the origin and answer (see :func:`nearest_service`); ``day`` defaults to today."""
    from django.utils import timezone

    origin = resolve_origin(desa=desa, kecamatan=kecamatan, lat=lat, lon=lon)
    return nearest_service(origin, service, day or timezone.localdate(), user=user)


# The sentence ------------------------------------------------------------------------------------


def km(value: float) -> str:
    """Kilometres as people say them: one decimal below 10 km, whole kilometres above (rounded)."""
    # number_format cuts a float's decimals off rather than rounding them (46.78 would read "46"), so round
    # first; 9.95 and above round to a whole 10.
    decimals = 1 if value < 9.95 else 0
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def _service_words(name: str) -> str:
    # "Administrasi kependudukan" reads "administrasi kependudukan" inside a sentence; "SMA/SMK" stays.
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def describe(answer: NearestAnswer) -> str:
    """The answer as one or two plain sentences (gettext, English msgids)."""
    place = answer.origin.place
    service = _service_words(answer.service_name)
    nearest, home = answer.nearest, answer.home
    if nearest is None:
        text = _("No %(service)s point that residents of %(place)s may use was found.") % {
            "service": service,
            "place": place,
        }
        overall = answer.overall
        if overall is not None:
            text += " " + _(
                "The nearest one, %(point)s (%(distance)s km), is run by %(operator)s, and no agreement in force "
                "opens it to them."
            ) % {"point": overall.point.name, "distance": km(overall.distance_km), "operator": overall.operator_name}
        return text
    values = {
        "place": place,
        "service": service,
        "point": nearest.point.name,
        "distance": km(nearest.distance_km),
    }
    if nearest.basis == Basis.AGREEMENT:
        agreement = nearest.agreement
        values["agreement"] = agreement.label if agreement else ""
        if agreement is not None and agreement.valid_until is not None:
            values["until"] = formats.date_format(agreement.valid_until, "j F Y")
            text = (
                _(
                    "Residents of %(place)s can get %(service)s at %(point)s (%(distance)s km), under %(agreement)s, "
                    "in force until %(until)s"
                )
                % values
            )
        else:
            text = (
                _(
                    "Residents of %(place)s can get %(service)s at %(point)s (%(distance)s km), under %(agreement)s, "
                    "in force with no end date"
                )
                % values
            )
        if home is not None:
            text += "; " + _("the nearest point of their own region (%(home)s) is %(distance)s km away.") % {
                "home": home.kecamatan_name,
                "distance": km(home.distance_km),
            }
        else:
            text += "; " + _("their own region has no such point.")
    elif nearest.basis == Basis.PROVINCE:
        text = (
            _("Residents of %(place)s can get %(service)s at %(point)s (%(distance)s km), run by the province.")
            % values
        )
    else:
        text = (
            _(
                "Residents of %(place)s can get %(service)s at %(point)s (%(distance)s km), run by their own "
                "kabupaten/kota."
            )
            % values
        )
    approximate = [reach.point.name for reach in (nearest, home) if reach is not None and reach.point.is_approximate]
    if approximate:
        text += " " + _("Approximate location (lokasi perkiraan): %(points)s.") % {
            "points": ", ".join(dict.fromkeys(approximate))
        }
    return text
