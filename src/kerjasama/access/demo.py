"""Demo service points: an approximate, clearly labelled set built from real facts.

There is no open data set of Kaltim's offices with coordinates, so the demo places, from the bundled
reference data: in each kabupaten/kota a Disdukcapil office (adminduk) and a regional hospital
(rumah_sakit) at the centre of the kecamatan of its capital (``data/ibukota_kabupaten_kota.csv``), and
in each kecamatan a puskesmas at the kecamatan's centre. Where a centroid lies outside its own
polygon (Maratua's islands, see regions/data/kaltim/SOURCES.md) a point inside it is used instead.

Every point is ``is_approximate`` (lokasi perkiraan) and ``source = contoh_sintetis``, with a note
saying so; the result is the same on every run. Earlier demo points in Kaltim are replaced; imported
or entered points are never touched.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kerjasama.access.geo import clear_region_index, inside_point, region_index
from kerjasama.access.index import touch_points
from kerjasama.access.models import ServicePoint
from kerjasama.core import changelog
from kerjasama.core.choices import ChangeAction, Source
from kerjasama.regions.choices import RegionLevel
from kerjasama.regions.models import Region, ServiceType

DATA_DIR = Path(__file__).resolve().parent / "data"
CAPITALS_FILE = DATA_DIR / "ibukota_kabupaten_kota.csv"
PROVINCE = "64"
DEMO_NOTE = "SINTETIS: lokasi perkiraan di titik tengah kecamatan, bukan alamat kantor yang sebenarnya"


class DemoPointsError(Exception):
    """The demo points cannot be built (reference data missing); the message says why."""


@dataclass
class DemoPointsSummary:
    """What :func:`build_demo_points` wrote."""

    adminduk: int = 0
    rumah_sakit: int = 0
    puskesmas: int = 0
    replaced: int = 0
    moved_inside: int = 0  # kecamatan whose centroid lay outside their polygon

    @property
    def created(self) -> int:
        return self.adminduk + self.rumah_sakit + self.puskesmas

    def describe(self) -> str:
        return _(
            "Service points (approximate locations, synthetic): %(adminduk)s Disdukcapil offices, %(hospitals)s "
            "RSUD, %(puskesmas)s puskesmas; earlier demo points replaced: %(replaced)s"
        ) % {
            "adminduk": self.adminduk,
            "hospitals": self.rumah_sakit,
            "puskesmas": self.puskesmas,
            "replaced": self.replaced,
        }


def capitals() -> list[dict[str, str]]:
    """The capital kecamatan of each Kaltim kabupaten/kota (status noted in data/README.md)."""
    with CAPITALS_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def demo_points() -> QuerySet:
    """The demo points of Kaltim (not the synthetic national benchmark points)."""
    return ServicePoint.objects.filter(source=Source.SINTETIS, source_note=DEMO_NOTE)


def build_demo_points() -> DemoPointsSummary:
    """Build the demo service points in one transaction, replacing earlier ones; deterministic."""
    services = dict(
        ServiceType.objects.filter(code__in=("adminduk", "rumah_sakit", "puskesmas")).values_list("code", "pk")
    )
    kecamatan = {
        code: (name, lat, lon)
        for code, name, lat, lon in Region.objects.filter(
            level=RegionLevel.KECAMATAN, code__startswith=PROVINCE + "."
        ).values_list("code", "name", "lat", "lon")
    }
    kabkota = dict(
        Region.objects.filter(code__in=[row["kode_kabkota"] for row in capitals()]).values_list("code", "name")
    )
    if len(services) < 3 or not kecamatan or len(kabkota) < len(capitals()):
        raise DemoPointsError(_("The reference data is missing; run kerjasama setup first."))
    clear_region_index()  # the boundaries were possibly loaded after this process cached the regions
    regions = region_index()
    summary = DemoPointsSummary()
    now = timezone.now()

    def position(code: str) -> tuple[float, float]:
        _name, lat, lon = kecamatan[code]
        geometry = regions.boundary(code)
        if geometry is None:
            return lat, lon
        inside = inside_point(geometry, lat, lon)
        if inside != (lat, lon):
            summary.moved_inside += 1
        return inside

    def point(service: str, name: str, code: str, lat: float, lon: float, address: str) -> ServicePoint:
        return ServicePoint(
            name=name,
            service_type_id=services[service],
            region_id=code[:5],
            kecamatan_id=code,
            operator_id=code[:5],
            lat=round(lat, 6),
            lon=round(lon, 6),
            is_approximate=True,
            address=address,
            source=Source.SINTETIS,
            source_note=DEMO_NOTE,
            created_at=now,
            updated_at=now,
        )

    points = []
    for row in capitals():
        code, region_name = row["kode_kecamatan"], kabkota[row["kode_kabkota"]]
        lat, lon = position(code)
        where = _("Kecamatan %(name)s (approximate location)") % {"name": row["nama_kecamatan"]}
        points.append(
            point("adminduk", f"Dinas Kependudukan dan Pencatatan Sipil {region_name}", code, lat, lon, where)
        )
        points.append(point("rumah_sakit", f"Rumah Sakit Umum Daerah {region_name}", code, lat, lon, where))
        summary.adminduk += 1
        summary.rumah_sakit += 1
    summary.moved_inside = 0  # counted once per kecamatan below
    for code in sorted(kecamatan):
        lat, lon = position(code)
        name = kecamatan[code][0]
        where = _("Kecamatan %(name)s (approximate location)") % {"name": name}
        points.append(point("puskesmas", f"Puskesmas {name}", code, lat, lon, where))
        summary.puskesmas += 1
    with transaction.atomic():
        summary.replaced, _detail = demo_points().delete()
        ServicePoint.objects.bulk_create(points, batch_size=500)
        codes = {pk: code for code, pk in services.items()}
        message = _("Demo service points (contoh sintetis)")
        changelog.log_changes(
            changelog.ChangeEntry(p, ChangeAction.CREATE, after=p.snapshot(codes[p.service_type_id]), message=message)
            for p in points
            if p.pk is not None
        )
        touch_points()  # bulk writes send no signals
    return summary
