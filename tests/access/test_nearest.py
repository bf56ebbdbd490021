"""The nearest eligible point: origins, distances, nothing eligible, redaction, the sentence, distance providers."""

import datetime as dt

import numpy as np
import pytest
import shapely
from django.contrib.auth.models import AnonymousUser

from kerjasama.access.choices import OriginMatch
from kerjasama.access.distance import GreatCircle, OsrmTable, haversine_km
from kerjasama.access.geo import region_index
from kerjasama.access.nearest import OriginError, UnknownService, find_nearest, nearest_service, resolve_origin
from kerjasama.regions.models import Region
from tests.access.helpers import make_point, make_service_agreement
from tests.builders import make_user

KUKAR, BALIKPAPAN, SAMARINDA = "64.02", "64.71", "64.72"
SAMBOJA, SAMBOJA_BARAT, ANGGANA = "64.02.13", "64.02.20", "64.02.04"
ASKED = dt.date(2025, 12, 1)


def desa_codes(*kecamatan: str) -> list[str]:
    return list(Region.objects.filter(parent_id__in=kecamatan).order_by("code").values_list("code", flat=True))


@pytest.fixture
def offices(db):
    return {
        KUKAR: make_point("adminduk", "64.02.06"),
        BALIKPAPAN: make_point("adminduk", "64.71.06"),
    }


def test_distances_are_great_circle_from_the_desa_centre(offices):
    code = desa_codes(SAMBOJA)[0]
    desa = Region.objects.get(code=code)
    answer = find_nearest("adminduk", ASKED, desa=code)
    point = offices[KUKAR]
    assert answer.nearest.distance_km == pytest.approx(float(haversine_km(desa.lat, desa.lon, point.lat, point.lon)))
    assert answer.method == "great_circle"


def test_coordinate_inside_a_desa(offices):
    code = desa_codes(SAMBOJA)[3]
    inside = region_index().boundary(code).representative_point()
    origin = resolve_origin(lat=inside.y, lon=inside.x)
    assert origin.code == code and origin.match == OriginMatch.POLYGON and origin.kind == "titik"
    answer = nearest_service(origin, "adminduk", ASKED)
    # Distances run from the coordinate itself, not from the desa's centre.
    point = offices[KUKAR]
    assert answer.nearest.distance_km == pytest.approx(float(haversine_km(inside.y, inside.x, point.lat, point.lon)))


def test_coordinate_at_sea_takes_the_nearest_desa_centre(db):
    regions = region_index()
    lat, lon = -1.05, 117.40  # Makassar Strait, off Samboja's coast
    assert not any(geometry.covers(shapely.Point(lon, lat)) for geometry in regions.boundaries().values())
    origin = resolve_origin(lat=lat, lon=lon)
    distances = haversine_km(lat, lon, regions.lat, regions.lon)
    assert origin.code == str(regions.codes[int(np.argmin(distances))])
    assert origin.match == OriginMatch.NEAREST_CENTRE
    assert origin.match_distance_km == pytest.approx(float(distances.min()), rel=1e-6)
    answer = nearest_service(origin, "adminduk", ASKED)
    assert answer.notes and "outside every desa/kelurahan boundary" in answer.notes[0]
    assert nearest_service(resolve_origin(kecamatan=SAMBOJA), "adminduk", ASKED).notes == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"lat": 10.0, "lon": 100.0}, "not in or near any desa"),
        ({"lat": 95.0, "lon": 117.0}, "lat must lie between"),
        ({"lat": -1.0}, "Give both lat and lon"),
        ({}, "Give exactly one"),
        ({"desa": "64.02.13", "kecamatan": "64.02.13"}, "Give exactly one"),
        ({"desa": "64.02"}, "is not a desa/kelurahan code"),
        ({"desa": "64.02.13.9999"}, "Unknown region code"),
        ({"kecamatan": "64.02.13.1008"}, "is not a kecamatan code"),
    ],
)
def test_bad_origins(db, arguments, message):
    with pytest.raises(OriginError, match=message):
        resolve_origin(**arguments)


def test_unknown_service(offices):
    with pytest.raises(UnknownService, match="adminduk"):
        find_nearest("kantor_pos", ASKED, kecamatan=SAMBOJA)


def test_nothing_eligible(db):
    only = make_point("adminduk", "64.71.06")
    answer = find_nearest("adminduk", ASKED, kecamatan=SAMBOJA)
    assert not answer.found and answer.nearest is None and answer.home is None and answer.saved_km is None
    assert answer.overall.point.id == only.pk and answer.overall.eligible is False
    assert answer.message.startswith("No administrasi kependudukan point that residents of Kecamatan Samboja may use")
    assert only.name in answer.message and "no agreement in force opens it" in answer.message


def test_open_ended_agreement_sentence(offices):
    make_service_agreement((KUKAR, BALIKPAPAN), areas=(SAMBOJA,), end=None)
    answer = find_nearest("adminduk", dt.date(2031, 1, 1), kecamatan=SAMBOJA)
    assert answer.nearest.agreement.valid_until is None
    assert "in force with no end date" in answer.message


class TestRedaction:
    """A non-public agreement still opens the point, but anonymous users do not learn its title or number."""

    @pytest.fixture
    def hidden(self, offices):
        return make_service_agreement((KUKAR, BALIKPAPAN), areas=(SAMBOJA,), is_public=False)

    @pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["no-user", "anonymous"])
    def test_anonymous_sees_a_generic_label(self, hidden, user):
        answer = find_nearest("adminduk", ASKED, user=user, kecamatan=SAMBOJA)
        assert answer.nearest.point.operator == BALIKPAPAN
        reference = answer.nearest.agreement
        assert reference.redacted and reference.id is None and reference.title == "" and reference.number == ""
        assert reference.label == "cooperation agreement (not published)"
        assert reference.valid_until == hidden.end_on
        assert hidden.title not in answer.message and hidden.display_number not in answer.message
        assert "cooperation agreement (not published)" in answer.message
        assert hidden.title not in str(answer.to_dict())

    def test_staff_and_parties_see_it(self, hidden):
        for user in (
            make_user("boss", "admin"),
            make_user("reader", "peninjau"),
            make_user("op", "operator_wilayah", KUKAR),
        ):
            answer = find_nearest("adminduk", ASKED, user=user, kecamatan=SAMBOJA)
            assert not answer.nearest.agreement.redacted
            assert answer.nearest.agreement.title == hidden.title

    def test_an_unrelated_operator_does_not(self, hidden):
        user = make_user("op-berau", "operator_wilayah", "64.03")
        assert find_nearest("adminduk", ASKED, user=user, kecamatan=SAMBOJA).nearest.agreement.redacted

    def test_a_visible_agreement_is_preferred_when_two_open_the_point(self, hidden):
        public = make_service_agreement((KUKAR, BALIKPAPAN), areas=(SAMBOJA,), end=dt.date(2026, 12, 31))
        answer = find_nearest("adminduk", ASKED, kecamatan=SAMBOJA)
        assert answer.nearest.agreement.id == public.pk and not answer.nearest.agreement.redacted


class TestDistanceProviders:
    def test_a_road_provider_reranks_the_candidates(self, db):
        near = make_point("adminduk", "64.02.06", name="Dekat lurus")
        far = make_point("adminduk", "64.02.16", name="Dekat lewat jalan")

        class Roads:
            name = "uji"
            exact_by_tree = False
            candidates = 5

            def distances(self, origin, destinations):
                # The straight-line nearest is cut off by a river: make it far by road.
                km = GreatCircle().distances(origin, destinations)
                return np.where(np.isclose(destinations[:, 0], near.lat), km * 10, km)

        origin = resolve_origin(kecamatan=SAMBOJA)
        assert nearest_service(origin, "adminduk", ASKED).nearest.point.id == near.pk
        answer = nearest_service(origin, "adminduk", ASKED, provider=Roads())
        assert answer.nearest.point.id == far.pk and answer.method == "uji"

    def test_osrm_table_request_and_answer(self, monkeypatch):
        seen = {}

        class Response:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def read(self):
                return b'{"code": "Ok", "distances": [[0, 12500.0, null]]}'

        def fake_urlopen(url, timeout):
            seen["url"], seen["timeout"] = url, timeout
            return Response()

        monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
        provider = OsrmTable("http://osrm.test:5000/", timeout=2)
        distances = provider.distances((-0.95, 117.1), np.array([[-1.27, 116.83], [-0.42, 116.93]]))
        assert seen["url"].startswith(
            "http://osrm.test:5000/table/v1/driving/117.100000,-0.950000;116.830000,-1.270000"
        )
        assert "sources=0" in seen["url"] and "annotations=distance" in seen["url"]
        assert distances[0] == pytest.approx(12.5) and np.isinf(distances[1])
