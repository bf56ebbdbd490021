"""The access API: points (public read, admin write), nearest (public, redacted), gaps (signed in, JSON and CSV)."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from kerjasama.access.geo import region_index
from kerjasama.access.models import ServicePoint
from kerjasama.core.choices import ChangeAction
from kerjasama.core.models import ObjectChange
from tests.access.helpers import make_point, make_service_agreement

SAMBOJA = "64.02.13"


@pytest.fixture
def api():
    return APIClient()


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def inside(code: str) -> tuple[float, float]:
    point = region_index().boundary(code).representative_point()
    return round(point.y, 6), round(point.x, 6)


def body(**values) -> dict:
    lat, lon = inside(SAMBOJA)
    data = {"name": "Puskesmas API", "service_type": "puskesmas", "area": SAMBOJA, "lat": lat, "lon": lon}
    data.update(values)
    return data


@pytest.fixture
def offices(db):
    return {"64.02": make_point("adminduk", "64.02.06"), "64.71": make_point("adminduk", "64.71.06")}


class TestPoints:
    def test_everyone_reads_and_filters(self, api, offices):
        make_point("puskesmas", SAMBOJA, is_approximate=True)
        response = api.get("/api/access/points/")
        assert response.status_code == 200 and response.data["count"] == 3
        response = api.get("/api/access/points/", {"layanan": "adminduk", "wilayah": "64.71"})
        assert [row["id"] for row in response.data["results"]] == [offices["64.71"].pk]
        row = response.data["results"][0]
        assert row["region_name"] == "Kota Balikpapan" and row["operator"] == "64.71"
        assert row["area"] == "64.71.06" and row["service_type"] == "adminduk"
        response = api.get("/api/access/points/", {"lokasi_perkiraan": "true"})
        assert response.data["count"] == 1
        assert api.get(f"/api/access/points/{offices['64.02'].pk}/").status_code == 200

    def test_anonymous_write_is_401(self, api, db):
        assert api.post("/api/access/points/", body(), format="json").status_code == 401

    def test_operator_write_is_403(self, kukar_operator, offices):
        client = signed_in(kukar_operator)
        assert client.post("/api/access/points/", body(), format="json").status_code == 403
        point = offices["64.02"]
        assert client.put(f"/api/access/points/{point.pk}/", body(), format="json").status_code == 403
        assert client.delete(f"/api/access/points/{point.pk}/").status_code == 403

    def test_admin_creates_updates_deletes(self, admin_user, db):
        client = signed_in(admin_user)
        response = client.post("/api/access/points/", body(address="Jl. Uji"), format="json")
        assert response.status_code == 201, response.data
        point = ServicePoint.objects.get(pk=response.data["id"])
        assert point.kecamatan_id == SAMBOJA and point.operator_id == "64.02" and point.address == "Jl. Uji"
        response = client.put(f"/api/access/points/{point.pk}/", body(name="Puskesmas API 2"), format="json")
        assert response.status_code == 200 and response.data["name"] == "Puskesmas API 2"
        assert client.delete(f"/api/access/points/{point.pk}/").status_code == 204
        assert not ServicePoint.objects.exists()
        actions = list(
            ObjectChange.objects.filter(changed_object_id=str(point.pk), changed_object_type__model="servicepoint")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == [ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.DELETE]

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"lat": -7.25, "lon": 112.75}, "lat"),
            ({"service_type": "kantor_pos"}, "service_type"),
            ({"area": "64.02"}, "area"),
            ({"lat": 95}, "lat"),
        ],
    )
    def test_admin_gets_the_import_checks(self, admin_user, db, values, field):
        response = signed_in(admin_user).post("/api/access/points/", body(**values), format="json")
        assert response.status_code == 400 and field in response.data, response.data

    def test_duplicate_name(self, admin_user, db):
        client = signed_in(admin_user)
        assert client.post("/api/access/points/", body(), format="json").status_code == 201
        response = client.post("/api/access/points/", body(name="puskesmas  api"), format="json")
        assert response.status_code == 400 and "name" in response.data


class TestNearest:
    def test_public_answer(self, api, offices):
        desa = "64.02.13.1008"
        response = api.get("/api/access/nearest/", {"desa": desa, "layanan": "adminduk", "tanggal": "2025-12-01"})
        assert response.status_code == 200
        data = response.data
        assert data["found"] and data["origin"]["code"] == desa and data["date"] == "2025-12-01"
        assert data["nearest"]["id"] == offices["64.02"].pk and data["nearest"]["basis"] == "wilayah_sendiri"
        assert data["nearest_overall"]["id"] == offices["64.71"].pk and not data["nearest_overall"]["eligible"]
        assert data["message"]

    def test_kecamatan_and_coordinates(self, api, offices):
        lat, lon = inside("64.02.13.1008")
        by_point = api.get("/api/access/nearest/", {"lat": lat, "lon": lon, "layanan": "adminduk"})
        assert by_point.status_code == 200 and by_point.data["origin"]["code"] == "64.02.13.1008"
        assert by_point.data["origin"]["match"] == "poligon"
        by_kecamatan = api.get("/api/access/nearest/", {"kecamatan": SAMBOJA, "layanan": "adminduk"})
        assert by_kecamatan.status_code == 200 and by_kecamatan.data["origin"]["kind"] == "kecamatan"

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"layanan": "adminduk"}, "desa"),
            ({"desa": "64.02.13.1008"}, "layanan"),
            ({"desa": "64.02.13.1008", "layanan": "kantor_pos"}, "layanan"),
            ({"desa": "64.02", "layanan": "adminduk"}, "desa"),
            ({"desa": "64.02.13.1008", "layanan": "adminduk", "tanggal": "kemarin"}, "tanggal"),
            ({"lat": 100, "lon": 117, "layanan": "adminduk"}, "lat"),
        ],
    )
    def test_bad_requests(self, api, offices, params, field):
        response = api.get("/api/access/nearest/", params)
        assert response.status_code == 400 and field in response.data, response.data

    def test_non_public_agreement_is_redacted_for_anonymous(self, api, admin_user, offices):
        hidden = make_service_agreement(("64.02", "64.71"), areas=(SAMBOJA,), is_public=False)
        params = {"kecamatan": SAMBOJA, "layanan": "adminduk", "tanggal": "2025-12-01"}
        response = api.get("/api/access/nearest/", params)
        assert response.status_code == 200
        reference = response.data["nearest"]["agreement"]
        assert response.data["nearest"]["id"] == offices["64.71"].pk
        assert reference["redacted"] and reference["id"] is None and reference["title"] == ""
        assert reference["number"] == "" and reference["valid_until"] == hidden.end_on.isoformat()
        assert hidden.title not in response.content.decode() and hidden.display_number not in response.content.decode()
        reference = signed_in(admin_user).get("/api/access/nearest/", params).data["nearest"]["agreement"]
        assert not reference["redacted"] and reference["id"] == hidden.pk and reference["title"] == hidden.title


class TestGaps:
    def test_anonymous_is_401(self, api, db):
        assert api.get("/api/access/gaps/", {"layanan": "adminduk"}).status_code == 401

    def test_signed_in_json(self, viewer, offices):
        response = signed_in(viewer).get("/api/access/gaps/", {"layanan": "adminduk", "tanggal": "2025-12-01"})
        assert response.status_code == 200
        data = response.data
        assert data["within"] == "64" and data["points"] == 2 and data["desa_checked"] > 1000
        assert data["candidates"] and data["candidates"][0]["rank"] == 1 and data["candidates"][0]["desa"]
        assert data["desa_with_gap"] == sum(c["desa_count"] for c in data["candidates"])
        without = signed_in(viewer).get("/api/access/gaps/", {"layanan": "adminduk", "desa": "false"})
        assert "desa" not in without.data["candidates"][0]

    def test_csv(self, viewer, offices):
        response = signed_in(viewer).get("/api/access/gaps/", {"layanan": "adminduk", "format": "csv", "desa": "false"})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][0] == "peringkat" and len(rows) > 1  # desa rows even when the JSON would leave them out

    @pytest.mark.parametrize(
        ("params", "field"), [({}, "layanan"), ({"layanan": "adminduk", "wilayah": "99"}, "wilayah")]
    )
    def test_bad_requests(self, viewer, db, params, field):
        response = signed_in(viewer).get("/api/access/gaps/", params)
        assert response.status_code == 400 and field in response.data
