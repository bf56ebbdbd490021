"""The demo's answers: Samboja's residents get Balikpapan's adminduk point, Anggana's get Samarinda's,
each naming the agreement; after those agreements end, both fall back to Kukar's own office in Tenggarong.
"""

import datetime as dt

import pytest

from kerjasama.access.choices import Basis
from kerjasama.access.nearest import find_nearest
from kerjasama.agreements.models import Agreement
from kerjasama.core.choices import Source
from kerjasama.regions.models import Region

KUKAR, BALIKPAPAN, SAMARINDA = "64.02", "64.71", "64.72"
SAMBOJA, SAMBOJA_BARAT, ANGGANA = "64.02.13", "64.02.20", "64.02.04"
ASKED = dt.date(2025, 12, 1)


def desa_codes(*kecamatan: str) -> list[str]:
    return list(Region.objects.filter(parent_id__in=kecamatan).order_by("code").values_list("code", flat=True))


def the_pks(kabkota: str) -> Agreement:
    """The demo PKS that opens ``kabkota``'s adminduk office to Kukar's residents."""
    area = SAMBOJA if kabkota == BALIKPAPAN else ANGGANA
    return (
        Agreement.objects.filter(service_types__code="adminduk", document_type="PKS", source=Source.SINTETIS)
        .filter(parties__pihak__region_id=KUKAR)
        .filter(parties__pihak__region_id=kabkota)
        .get(service_areas=area)
    )


@pytest.mark.usefixtures("demo")
class TestDemoAnswers:
    """Samboja's residents get Balikpapan's adminduk point, Anggana's get Samarinda's; afterwards Tenggarong."""

    def test_samboja_uses_balikpapan(self, db):
        agreement = the_pks(BALIKPAPAN)
        for code in desa_codes(SAMBOJA, SAMBOJA_BARAT):
            answer = find_nearest("adminduk", ASKED, desa=code)
            assert answer.nearest.point.operator == BALIKPAPAN, code
            assert answer.nearest.basis == Basis.AGREEMENT
            assert answer.nearest.agreement.id == agreement.pk
            assert answer.nearest.agreement.number == agreement.display_number
            assert answer.nearest.agreement.valid_until == agreement.end_on
            assert answer.home.point.operator == KUKAR
            assert answer.home.kecamatan_name == "Tenggarong"
            assert answer.saved_km > 0

    def test_anggana_uses_samarinda(self, db):
        agreement = the_pks(SAMARINDA)
        for code in desa_codes(ANGGANA):
            answer = find_nearest("adminduk", ASKED, desa=code)
            assert answer.nearest.point.operator == SAMARINDA, code
            assert answer.nearest.agreement.id == agreement.pk
            assert answer.nearest.agreement.valid_until == agreement.end_on

    def test_both_fall_back_to_tenggarong_after_the_agreements_end(self, db):
        samboja_end, anggana_end = the_pks(BALIKPAPAN).end_on, the_pks(SAMARINDA).end_on
        assert samboja_end < anggana_end
        after_samboja = samboja_end + dt.timedelta(days=1)
        answer = find_nearest("adminduk", after_samboja, kecamatan=SAMBOJA)
        assert answer.nearest.point.operator == KUKAR and answer.nearest.basis == Basis.OWN_REGION
        assert answer.nearest.point.kecamatan == "64.02.06"  # Tenggarong
        # Anggana's agreement still runs then; it ends later.
        assert find_nearest("adminduk", after_samboja, kecamatan=ANGGANA).nearest.point.operator == SAMARINDA
        answer = find_nearest("adminduk", anggana_end + dt.timedelta(days=1), kecamatan=ANGGANA)
        assert answer.nearest.point.operator == KUKAR and answer.nearest.basis == Basis.OWN_REGION

    def test_not_before_the_start(self, db):
        agreement = the_pks(BALIKPAPAN)
        answer = find_nearest("adminduk", agreement.start_on - dt.timedelta(days=1), kecamatan=SAMBOJA)
        assert answer.nearest.point.operator == KUKAR

    def test_the_sentence(self, db):
        answer = find_nearest("adminduk", ASKED, kecamatan=SAMBOJA)
        agreement = the_pks(BALIKPAPAN)
        text = answer.message
        assert text.startswith("Residents of Kecamatan Samboja can get administrasi kependudukan at ")
        assert answer.nearest.point.name in text
        assert agreement.title in text and agreement.display_number in text
        assert "in force until 31 October 2027" in text
        assert "own region (Tenggarong)" in text
        assert "Approximate location (lokasi perkiraan)" in text

    def test_geojson(self, db):
        answer = find_nearest("adminduk", ASKED, kecamatan=ANGGANA)
        data = answer.to_geojson()
        assert data["type"] == "FeatureCollection"
        roles = {tuple(feature["properties"]["roles"]) for feature in data["features"]}
        assert ("asal",) in roles
        nearest = next(f for f in data["features"] if "terdekat" in f["properties"]["roles"])
        assert nearest["properties"]["is_approximate"] is True
        assert nearest["geometry"]["coordinates"] == [answer.nearest.point.lon, answer.nearest.point.lat]
        assert "terdekat_semua" in nearest["properties"]["roles"]  # the nearest overall is the eligible one
