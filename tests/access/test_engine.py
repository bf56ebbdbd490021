"""The in-memory engine: exact great-circle nearest neighbours, and the point index cache and its invalidation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from kerjasama.access import index as index_module
from kerjasama.access.distance import EARTH_RADIUS_KM, chord_to_km, haversine_km, km_between, unit_vectors
from kerjasama.access.geo import region_index
from kerjasama.access.index import point_index
from kerjasama.access.models import ServicePoint
from kerjasama.access.services import PointChecker, save_point
from tests.access.helpers import make_point

latitudes = st.floats(min_value=-89.0, max_value=89.0)
longitudes = st.floats(min_value=-180.0, max_value=180.0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(latitudes, longitudes), min_size=2, max_size=40), latitudes, longitudes)
def test_kdtree_on_unit_vectors_finds_the_great_circle_nearest(points, lat, lon):
    array = np.array(points)
    chord, row = cKDTree(unit_vectors(array[:, 0], array[:, 1])).query(unit_vectors([lat], [lon])[0])
    distances = haversine_km(lat, lon, array[:, 0], array[:, 1])
    assert distances[row] == pytest.approx(distances.min(), abs=1e-6)
    assert float(chord_to_km(chord)) == pytest.approx(distances.min(), abs=1e-6)


def test_known_distances():
    assert km_between(0, 0, 0, 180) == pytest.approx(np.pi * EARTH_RADIUS_KM)
    assert km_between(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)


def test_region_index_slices_and_labels(db):
    regions = region_index()
    samboja = regions.village_slice("64.02.13")
    codes = regions.codes[samboja]
    assert len(codes) and all(str(code).startswith("64.02.13.") for code in codes)
    assert regions.village_slice(str(codes[0])) == slice(samboja.start, samboja.start + 1)
    assert regions.village_slice("64").stop - regions.village_slice("64").start == 1038
    assert regions.label("64.02.13") == "Kecamatan Samboja"
    assert regions.label("64.02") == "Kabupaten Kutai Kartanegara"


class TestPointIndexCache:
    def test_reused_while_nothing_changes(self, db):
        make_point("adminduk", "64.02.06")
        first = point_index()
        assert point_index() is first

    def test_rebuilt_after_create_update_delete(self, db):
        point = make_point("adminduk", "64.02.06")
        first = point_index()
        assert [p.id for p in first.points] == [point.pk]
        other = make_point("adminduk", "64.71.06")
        second = point_index()
        assert second is not first and {p.id for p in second.points} == {point.pk, other.pk}
        point.lat += 0.01
        point.save()
        third = point_index()
        assert third is not second and third.points[third.group("adminduk", "64.02")[0]].lat == point.lat
        other.delete()
        assert [p.id for p in point_index().points] == [point.pk]

    def test_rebuilt_after_a_bulk_delete(self, db):
        make_point("adminduk", "64.02.06")
        make_point("adminduk", "64.71.06")
        point_index()
        ServicePoint.objects.filter(region_id="64.71").delete()  # a signal per row bumps the counter
        assert {p.region for p in point_index().points} == {"64.02"}

    def test_service_save_through_the_checker(self, db):
        lat, lon = 0.157838, 117.491215
        data, problems = PointChecker().check(
            {"nama": "Puskesmas Bontang", "layanan": "puskesmas", "kode_wilayah": "64.74.01", "lat": lat, "lon": lon}
        )
        assert problems == []
        before = index_module.points_version()
        point = save_point(data)
        assert index_module.points_version() != before
        assert point_index().points[0].id == point.pk
