"""The service-access pages: "Layanan terdekat" (public) and "Peta celah layanan" (signed-in officials).

The demo register and demo points give the answers the issue names: Samboja's residents get
Balikpapan's Disdukcapil office, Anggana's get Samarinda's, each under its agreement, and both fall
back to Kukar's own office in Tenggarong once those agreements end.
"""

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.utils import timezone

from kerjasama.access.gaps import CSV_COLUMNS, find_gaps
from kerjasama.access.nearest import km
from kerjasama.access.views import clear_boundary_cache
from kerjasama.agreements.models import Agreement
from kerjasama.core.choices import Source
from kerjasama.regions.models import Region
from tests.access.helpers import make_point, make_service_agreement
from tests.builders import make_user

KUKAR, BALIKPAPAN, SAMARINDA = "64.02", "64.71", "64.72"
SAMBOJA, ANGGANA, TENGGARONG = "64.02.13", "64.02.04", "64.02.06"
BALIKPAPAN_KOTA = "64.71.06"
SUNGAI_MERIAM = "64.02.04.2006"
SUNGAI_MERIAM_LABEL = "Desa Sungai Meriam — Kec. Anggana, Kab. Kutai Kartanegara"
ASKED = dt.date(2025, 12, 1)
PAGE = "/layanan-terdekat/"
GAPS_PAGE = "/peta-celah-layanan/"
SUGGEST = "/layanan-terdekat/wilayah.json"
BOUNDARIES = "/layanan-terdekat/batas.geojson"


def the_pks(kabkota: str) -> Agreement:
    """The demo PKS that opens ``kabkota``'s adminduk office to Kukar's residents of one area."""
    area = SAMBOJA if kabkota == BALIKPAPAN else ANGGANA
    return (
        Agreement.objects.filter(service_types__code="adminduk", document_type="PKS", source=Source.SINTETIS)
        .filter(parties__pihak__region_id=KUKAR)
        .filter(parties__pihak__region_id=kabkota)
        .get(service_areas=area)
    )


def text_of(response) -> str:
    """The page's visible text, roughly: tags and the map's JSON removed, entities decoded, spaces folded."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def ask(client, wilayah: str = "", **params):
    query = {"layanan": "adminduk", "tanggal": ASKED.isoformat(), **params}
    if wilayah:
        query["wilayah"] = wilayah
    return client.get(PAGE, query)


@pytest.mark.usefixtures("demo")
class TestNearestAnswers:
    """The answers through the page: Indonesian by default, with the agreement and both distances."""

    def test_samboja_gets_balikpapan_under_its_agreement(self, client, db):
        agreement = the_pks(BALIKPAPAN)
        response = ask(client, "Samboja")
        assert response.status_code == 200
        page = response.content.decode()
        assert '<html lang="id">' in page
        answer = response.context["answer"]
        assert answer.origin.code == SAMBOJA and answer.nearest.point.operator == BALIKPAPAN
        text = text_of(response)
        assert "Kota Balikpapan" in text
        assert answer.nearest.point.name in text
        assert agreement.title in text
        for number in agreement.numbers():
            assert number in text
        assert f"/kerja-sama/{agreement.pk}/" in page  # a public agreement links to its record
        assert "31 Oktober 2027" in text  # valid until, in Indonesian
        # The resident's own region's point and the distance the agreement saves.
        assert "Tenggarong" in text
        assert f"{km(answer.home.distance_km)}\u00a0km" in response.content.decode()
        assert answer.saved_km > 0
        assert f"{km(answer.saved_km)}\u00a0km" in page
        assert "Distance saved" in text or "Jarak yang dihemat" in text

    def test_anggana_desa_gets_samarinda(self, client, db):
        agreement = the_pks(SAMARINDA)
        response = ask(client, "Sungai Meriam")
        answer = response.context["answer"]
        assert answer.origin.code == SUNGAI_MERIAM
        assert answer.nearest.point.operator == SAMARINDA
        text = text_of(response)
        assert "Kota Samarinda" in text and agreement.title in text
        assert agreement.end_on.strftime("%Y") in text
        # The field now shows the place answered for, in the form a suggestion gives it.
        assert f'value="{SUNGAI_MERIAM_LABEL}"' in html.unescape(response.content.decode())

    def test_the_sentence_in_english(self, english, db):
        agreement = the_pks(BALIKPAPAN)
        text = text_of(ask(english, "Samboja"))
        assert "Residents of Kecamatan Samboja can get administrasi kependudukan at " in text
        assert "in force until 31 October 2027" in text
        assert "own region (Tenggarong)" in text
        assert agreement.display_number in text

    def test_both_fall_back_to_tenggarong_after_the_agreements_end(self, client, db):
        for kabkota, place in ((BALIKPAPAN, "Samboja"), (SAMARINDA, "Anggana")):
            agreement = the_pks(kabkota)
            response = ask(client, place, tanggal=(agreement.end_on + dt.timedelta(days=1)).isoformat())
            answer = response.context["answer"]
            assert answer.nearest.point.operator == KUKAR and answer.nearest.point.kecamatan == TENGGARONG
            text = text_of(response)
            assert "Tenggarong" in text
            assert agreement.title not in text
            assert response.context["by_agreement"] is False
            assert "Distance saved" not in text

    def test_the_date_defaults_to_today(self, client, db):
        response = client.get(PAGE, {"wilayah": "Samboja", "layanan": "adminduk"})
        assert response.context["answer"].day == timezone.localdate()

    def test_approximate_points_are_said_to_be_approximate(self, client, db):
        response = ask(client, "Samboja")
        assert response.context["answer"].nearest.point.is_approximate
        assert "lokasi perkiraan" in text_of(response).lower()
        assert 'id="approximate-notice"' in response.content.decode()

    def test_a_title_that_names_the_question(self, client, db):
        page = ask(client, "Samboja").content.decode()
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert "Samboja" in title and "Administrasi kependudukan" in title

    def test_the_map_gets_its_data_and_the_resident_area(self, client, db):
        response = ask(client, "Sungai Meriam")
        data = response.context["map_data"]
        roles = {role for feature in data["points"]["features"] for role in feature["properties"]["roles"]}
        assert {"asal", "terdekat", "wilayah_sendiri"} <= roles
        assert data["highlight"]["properties"]["code"] == SUNGAI_MERIAM
        assert data["highlight"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
        page = response.content.decode()
        assert 'id="access-map-data"' in page and "leaflet/leaflet.js" in page and "leaflet/leaflet.css" in page
        # Distances on the map read as in the text.
        nearest = next(f for f in data["points"]["features"] if "terdekat" in f["properties"]["roles"])
        assert (
            nearest["properties"]["distance_label"] == f"{km(response.context['answer'].nearest.distance_km)}\u00a0km"
        )


@pytest.mark.usefixtures("demo")
class TestTheFormWithoutScript:
    """The plain GET form: names, labels and codes resolve on the server; several matches give a list."""

    @pytest.mark.parametrize("typed", ["Sungai Meriam", "desa sungai meriam", SUNGAI_MERIAM_LABEL, SUNGAI_MERIAM])
    def test_a_typed_place_resolves(self, client, db, typed):
        response = ask(client, typed)
        assert response.context["answer"].origin.code == SUNGAI_MERIAM

    def test_a_kecamatan_name_means_the_kecamatan(self, client, db):
        # Anggana is a kecamatan and one of its desa; the kecamatan is meant unless "Desa" is written.
        assert ask(client, "Anggana").context["answer"].origin.code == ANGGANA
        assert ask(client, "Desa Anggana").context["answer"].origin.code == "64.02.04.2005"

    def test_several_matches_give_a_list_to_choose_from(self, client, db):
        response = ask(client, "Sidomulyo", layanan="puskesmas")
        assert response.status_code == 200 and response.context["answer"] is None
        codes = set(Region.objects.filter(name="Sidomulyo", code__startswith="64.").values_list("code", flat=True))
        assert len(codes) > 1
        assert {place.code for place in response.context["choices"]} == codes
        page = response.content.decode()
        assert 'id="place-choices"' in page and 'id="error-summary"' in page
        links = re.findall(r'href="/layanan-terdekat/\?kode=([0-9.]+)&amp;([^"]*)"', page)
        assert {code for code, _query in links} == codes
        # Following a link answers for that place, with the service and date asked.
        code, query = links[0]
        assert "layanan=puskesmas" in query and f"tanggal={ASKED.isoformat()}" in query
        answer = client.get(f"{PAGE}?kode={code}&{html.unescape(query)}").context["answer"]
        assert answer.origin.code == code and answer.service == "puskesmas" and answer.day == ASKED

    def test_a_partial_name_lists_similar_places(self, client, db):
        response = ask(client, "Sungai Mer")
        assert response.context["answer"] is None
        assert SUNGAI_MERIAM in {place.code for place in response.context["choices"]}

    def test_an_unknown_name_is_an_error(self, client, db):
        response = ask(client, "Tidak Ada Tempat Ini")
        assert response.context["answer"] is None and not response.context["choices"]
        assert response.context["form"].errors["wilayah"]

    def test_a_code_outside_kaltim_is_an_error(self, client, db):
        response = client.get(PAGE, {"kode": "11.01.01", "layanan": "adminduk"})
        assert response.context["answer"] is None and response.context["form"].errors["wilayah"]

    def test_the_empty_page_asks(self, client, db):
        response = client.get(PAGE)
        assert response.status_code == 200 and response.context["answer"] is None
        assert not response.context["form"].errors
        page = response.content.decode()
        assert '<label for="id_wilayah">' in page and '<label for="id_layanan">' in page
        assert '<label for="id_tanggal">' in page

    def test_the_demo_notice_offers_the_demo_day(self, client, db):
        # A register of demo agreements only: they run on their own dates, so the page says which day they describe.
        page = client.get(PAGE).content.decode()
        link = html.unescape(re.search(r'id="demo-date-notice".*?href="([^"]+)"', page, re.S).group(1))
        assert "tanggal=2025-11-18" in link
        form = client.get(link).context["form"]
        assert not form.is_bound and form.initial["tanggal"] == dt.date(2025, 11, 18)
        assert 'value="2025-11-18"' in client.get(link).content.decode()

    def test_the_page_is_in_the_navigation_for_everyone(self, client, db):
        page = client.get("/").content.decode()
        assert f'href="{PAGE}"' in page and f'href="{GAPS_PAGE}"' not in page
        client.force_login(make_user("nav-reader", "peninjau"))
        page = client.get("/").content.decode()
        assert f'href="{PAGE}"' in page and f'href="{GAPS_PAGE}"' in page


class TestRedaction:
    """A point opened by an agreement that is not public: named, but the agreement is not, for visitors."""

    @pytest.fixture
    def hidden(self, db):
        make_point("samsat", BALIKPAPAN_KOTA, name="Samsat uji Balikpapan", operator=BALIKPAPAN)
        make_point("samsat", TENGGARONG, name="Samsat uji Tenggarong", operator=KUKAR)
        return make_service_agreement((KUKAR, BALIKPAPAN), services=("samsat",), is_public=False)

    def test_anonymous_visitors_see_the_generic_label(self, english, hidden):
        response = ask(english, "Samboja", layanan="samsat")
        answer = response.context["answer"]
        assert answer.nearest.point.name == "Samsat uji Balikpapan" and answer.nearest.agreement.redacted
        text = text_of(response)
        assert "cooperation agreement (not published)" in text
        assert hidden.title not in response.content.decode()
        assert hidden.display_number not in response.content.decode()
        assert f"/kerja-sama/{hidden.pk}/" not in response.content.decode()
        assert hidden.end_on.strftime("%Y") in text  # the resident still learns until when

    def test_officials_who_may_see_it_get_its_title(self, client, hidden):
        client.force_login(make_user("redaction-admin", "admin"))
        response = ask(client, "Samboja", layanan="samsat")
        assert hidden.title in text_of(response)
        assert f"/kerja-sama/{hidden.pk}/" in response.content.decode()


class TestSuggestions:
    def test_names_with_kecamatan_and_kabkota(self, client, db):
        response = client.get(SUGGEST, {"q": "sungai mer"})
        assert response.status_code == 200
        results = response.json()["results"]
        meriam = next(row for row in results if row["code"] == SUNGAI_MERIAM)
        assert meriam["label"] == SUNGAI_MERIAM_LABEL and meriam["level"] == "desa"
        assert all("sungai" in row["name"].lower() for row in results)

    def test_any_word_of_the_place(self, client, db):
        results = client.get(SUGGEST, {"q": "meriam ang"}).json()["results"]
        assert [row["code"] for row in results] == [SUNGAI_MERIAM]

    def test_kecamatan_come_first_and_the_list_is_short(self, client, db):
        results = client.get(SUGGEST, {"q": "samboja"}).json()["results"]
        assert results[0]["code"] == SAMBOJA and results[0]["label"] == "Kecamatan Samboja — Kab. Kutai Kartanegara"
        assert len(results) <= 10

    def test_only_kaltim_and_not_for_one_letter(self, client, db):
        assert client.get(SUGGEST, {"q": "s"}).json()["results"] == []
        results = client.get(SUGGEST, {"q": "balik"}).json()["results"]
        assert results and all(row["code"].startswith("64.") for row in results)

    def test_a_suggestion_typed_into_the_form_resolves_to_it(self, client, db):
        make_point("puskesmas", ANGGANA)
        for row in client.get(SUGGEST, {"q": "sidomulyo"}).json()["results"]:
            answer = ask(client, row["label"], layanan="puskesmas").context["answer"]
            assert answer.origin.code == row["code"]


class TestBoundaries:
    @pytest.fixture(autouse=True)
    def fresh(self):
        clear_boundary_cache()
        yield
        clear_boundary_cache()

    @pytest.mark.parametrize(("level", "count", "prefix"), [("kabkota", 10, 5), ("kecamatan", 105, 8)])
    def test_valid_geojson(self, client, db, level, count, prefix):
        response = client.get(BOUNDARIES, {"level": level})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/geo+json"
        data = response.json()
        assert data["type"] == "FeatureCollection" and len(data["features"]) == count
        for feature in data["features"]:
            assert feature["type"] == "Feature"
            assert len(feature["properties"]["code"]) == prefix and feature["properties"]["code"].startswith("64.")
            geometry = feature["geometry"]
            assert geometry["type"] in ("Polygon", "MultiPolygon")
            polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            for polygon in polygons:
                for ring in polygon:
                    assert len(ring) >= 4 and ring[0] == ring[-1]  # closed rings
                    for lon, lat in ring:
                        assert 113 < lon < 120 and -3 < lat < 3  # [lon, lat] inside Kaltim's box

    def test_cache_headers_and_revalidation(self, client, db):
        response = client.get(BOUNDARIES, {"level": "kabkota"})
        assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
        tag = response["ETag"]
        assert tag.startswith('"') and tag.endswith('"')
        again = client.get(BOUNDARIES, {"level": "kabkota"}, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again["ETag"] == tag and not again.content
        other = client.get(BOUNDARIES, {"level": "kecamatan"}, headers={"If-None-Match": tag})
        assert other.status_code == 200 and other["ETag"] != tag

    def test_an_unknown_level_is_refused(self, client, db):
        response = client.get(BOUNDARIES, {"level": "desa"})
        assert response.status_code == 400 and "level" in response.json()


@pytest.mark.usefixtures("demo")
class TestGapsPage:
    def query(self, **params) -> dict:
        return {"layanan": "adminduk", "tanggal": ASKED.isoformat(), **params}

    def test_sign_in_required(self, client, db):
        response = client.get(GAPS_PAGE, self.query())
        assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")

    def test_the_ranked_candidates(self, client, db):
        client.force_login(make_user("gap-reader", "peninjau"))
        response = client.get(GAPS_PAGE, self.query())
        assert response.status_code == 200
        expected = find_gaps("adminduk", ASKED)
        assert expected.candidates
        shown = response.context["report"]
        assert [(c.rank, c.home, c.provider, c.desa_count) for c in shown.candidates] == [
            (c.rank, c.home, c.provider, c.desa_count) for c in expected.candidates
        ]
        page = response.content.decode()
        first = expected.candidates[0]
        block = page[page.index(f'id="candidate-{first.rank}"') :]
        block = block[: block.index("</tbody>", block.index("<details>"))]
        assert first.home_name in block and first.provider_name in block
        assert re.search(rf'class="num">\s*{first.desa_count}\b', block)
        # Each candidate opens to list its desa.
        assert "<details>" in block
        for desa in first.desa:
            assert html.escape(desa.name) in block
        # The map's data stays light: desa as points, no desa polygons.
        data = response.context["map_data"]
        assert len(data["desa"]) == expected.desa_with_gap
        assert all(set(row) >= {"lat", "lon", "rank"} for row in data["desa"])
        assert "geometry" not in page[page.index('id="gap-map-data"') :]

    def test_lokasi_perkiraan_is_said(self, client, db):
        client.force_login(make_user("gap-reader-2", "peninjau"))
        response = client.get(GAPS_PAGE, self.query())
        assert "lokasi perkiraan" in text_of(response).lower()

    def test_fewer_gaps_while_the_agreements_are_in_force(self, client, db):
        client.force_login(make_user("gap-reader-3", "peninjau"))
        during = client.get(GAPS_PAGE, self.query()).context["report"]
        after = the_pks(SAMARINDA).end_on + dt.timedelta(days=1)
        later = client.get(GAPS_PAGE, self.query(tanggal=after.isoformat())).context["report"]
        pairs = {(c.home, c.provider): c.desa_count for c in later.candidates}
        before = {(c.home, c.provider): c.desa_count for c in during.candidates}
        # Once Anggana's agreement ends, its desa join the Kukar → Samarinda candidate.
        assert pairs[(KUKAR, SAMARINDA)] > before.get((KUKAR, SAMARINDA), 0)

    def test_a_region_narrows_the_analysis(self, client, db):
        client.force_login(make_user("gap-reader-4", "peninjau"))
        report = client.get(GAPS_PAGE, self.query(wilayah=KUKAR)).context["report"]
        assert report.candidates and all(candidate.home == KUKAR for candidate in report.candidates)

    def test_csv_download(self, client, db):
        client.force_login(make_user("gap-reader-5", "peninjau"))
        response = client.get(GAPS_PAGE, self.query())
        url = html.unescape(re.search(r'href="([^"]*format=csv[^"]*)"', response.content.decode()).group(1))
        download = client.get(url)
        assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
        assert "attachment" in download["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(download.content.decode())))
        assert tuple(rows[0]) == CSV_COLUMNS
        assert len(rows) - 1 == response.context["report"].desa_with_gap
        client.logout()
        assert client.get(url).status_code in (401, 403)


def test_distances_are_rounded_not_cut():
    # The page, its map and the engine's sentence all say distances through nearest.km.
    assert km(46.78) == "47" and km(63.36) == "63" and km(9.96) == "10" and km(0.97) == "1.0"
