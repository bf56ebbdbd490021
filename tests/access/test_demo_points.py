"""The demo service points: counts from real facts, approximate and synthetic, inside their kecamatan, stable."""

import shapely

from kerjasama.access.demo import DEMO_NOTE, build_demo_points, capitals, demo_points
from kerjasama.access.geo import region_index
from kerjasama.access.models import ServicePoint
from kerjasama.access.services import points_geojson
from kerjasama.core.choices import Source
from kerjasama.regions.choices import RegionLevel
from kerjasama.regions.models import Region
from tests.access.helpers import make_point


def test_counts_and_labels(db):
    summary = build_demo_points()
    kecamatan = Region.objects.filter(level=RegionLevel.KECAMATAN, code__startswith="64.").count()
    kabkota = Region.objects.filter(parent_id="64").count()
    assert (summary.adminduk, summary.rumah_sakit, summary.puskesmas) == (kabkota, kabkota, kecamatan)
    points = demo_points()
    assert points.count() == summary.created == 2 * kabkota + kecamatan
    assert not points.exclude(is_approximate=True).exists()
    assert not points.exclude(source=Source.SINTETIS).exists()
    assert set(points.values_list("source_note", flat=True)) == {DEMO_NOTE}
    # One Disdukcapil office per kabupaten/kota, in the kecamatan of its capital.
    offices = dict(points.filter(service_type__code="adminduk").values_list("region_id", "kecamatan_id"))
    assert offices == {row["kode_kabkota"]: row["kode_kecamatan"] for row in capitals()}
    assert offices["64.02"] == "64.02.06"  # Tenggarong
    # One puskesmas per kecamatan.
    assert points.filter(service_type__code="puskesmas").values("kecamatan").distinct().count() == kecamatan


def test_every_point_lies_inside_its_kecamatan(db):
    build_demo_points()
    regions = region_index()
    for point in demo_points():
        assert regions.boundary(point.kecamatan_id).covers(shapely.Point(point.lon, point.lat)), point.kecamatan_id
    # Maratua's centroid lies in the sea between its islands: its puskesmas was moved onto land.
    maratua = Region.objects.get(code="64.03.11")
    puskesmas = demo_points().get(kecamatan_id="64.03.11", service_type__code="puskesmas")
    assert (puskesmas.lat, puskesmas.lon) != (maratua.lat, maratua.lon)


def test_rebuilding_replaces_and_is_deterministic(db):
    build_demo_points()
    first = sorted(demo_points().values_list("name", "kecamatan_id", "lat", "lon"))
    real = make_point("adminduk", "64.02.13", name="Kantor nyata (uji)")
    summary = build_demo_points()
    assert summary.replaced == len(first)
    assert sorted(demo_points().values_list("name", "kecamatan_id", "lat", "lon")) == first
    assert ServicePoint.objects.filter(pk=real.pk).exists()
    assert ServicePoint.objects.count() == len(first) + 1


def test_points_geojson_marks_approximate_locations(db):
    build_demo_points()
    data = points_geojson(demo_points().with_related().filter(service_type__code="adminduk"))
    assert len(data["features"]) == 10
    feature = next(f for f in data["features"] if f["properties"]["region"]["code"] == "64.02")
    assert feature["properties"]["is_approximate"] is True
    assert feature["properties"]["kecamatan"]["name"] == "Tenggarong"
    point = ServicePoint.objects.get(pk=feature["properties"]["id"])
    assert feature["geometry"]["coordinates"] == [point.lon, point.lat]
