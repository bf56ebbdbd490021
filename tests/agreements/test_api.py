"""The agreement API: writes through the services, filters, pagination, stats, change log, auth."""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kerjasama.agreements.choices import DocumentType, Stage
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import archive_agreement
from kerjasama.core.models import ObjectChange
from tests.builders import make_agreement, pihak

pytestmark = pytest.mark.django_db

URL = "/api/agreements/"


@pytest.fixture
def api(admin_user) -> APIClient:
    client = APIClient()
    client.force_login(admin_user)
    return client


def body(**fields) -> dict:
    """A valid POST body: Kukar and Pemprov Kaltim, urusan 2.12, signed and in force."""
    values = {
        "title": "PKS pelayanan adminduk lintas daerah",
        "document_type": "PKS",
        "parties": [
            {"pihak": pihak("Pemprov Kaltim"), "role": "pemrakarsa", "number": "100/API/2025"},
            {"pihak": pihak("Kukar"), "number": "KK/7/2025"},
        ],
        "urusan": ["2.12"],
        "signed_on": "2025-03-01",
        "end_on": "2027-02-28",
        "stage": "pelaksanaan",
    }
    values.update(fields)
    return values


def listed_ids(client: APIClient, **params) -> set[int]:
    response = client.get(URL, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# Writes


def test_create_with_party_ids_and_urusan_codes(api):
    response = api.post(URL, body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    agreement = Agreement.objects.get(pk=data["id"])
    assert [party.pihak_id for party in agreement.parties.all()] == [pihak("Pemprov Kaltim"), pihak("Kukar")]
    assert [u.code for u in agreement.urusan.all()] == ["2.12"]
    assert data["numbers"] == ["100/API/2025", "KK/7/2025"]
    assert data["urusan"] == ["2.12"]
    assert data["category"] == "KSDD"  # derived: regions only
    assert data["start_on"] == "2025-03-01"  # defaults to the signing date
    assert data["parties"][1]["name"] == "Kabupaten Kutai Kartanegara" and data["parties"][1]["region"] == "64.02"
    assert data["warnings"] == []


def test_a_duration_over_five_years_warns_but_saves(api):
    response = api.post(URL, body(end_on="2031-03-02"), format="json")
    assert response.status_code == 201, response.content
    assert [warning["field"] for warning in response.json()["warnings"]] == ["end_on"]
    assert Agreement.objects.get(pk=response.json()["id"]).end_on == dt.date(2031, 3, 2)


def test_end_before_start_is_a_400_naming_end_on(api):
    response = api.post(URL, body(start_on="2025-03-01", end_on="2025-02-01"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["end_on"]
    assert "2025-02-01" in response.json()["end_on"][0]
    assert not Agreement.objects.exists()


def test_a_number_already_used_is_a_400_naming_numbers(api):
    assert api.post(URL, body(), format="json").status_code == 201
    again = body(title="Another agreement")
    again["parties"][1]["number"] = "kk/7/2025"  # numbers compare case-insensitively
    again["parties"][0]["number"] = "101/API/2025"
    response = api.post(URL, again, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["numbers"]
    assert "KK/7/2025" in response.json()["numbers"][0]
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"urusan": ["9.99"]}, "urusan"),
        ({"urusan": []}, "urusan"),
        ({"parties": [{"pihak": 10**9}, {"pihak": 1}]}, "parties"),
        ({"perangkat_daerah": 10**9}, "perangkat_daerah"),
        ({"service_types": ["no-such-service"]}, "service_types"),
        ({"document_type": "SK"}, "document_type"),
        ({"parent": 10**9}, "parent"),
        ({"signed_on": "31-02-2025"}, "signed_on"),
    ],
)
def test_bad_input_is_a_400_keyed_by_field(api, change, field):
    response = api.post(URL, body(**change), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Agreement.objects.exists()


def test_put_replaces_fields_and_parties_but_keeps_the_stage(api):
    agreement = Agreement.objects.get(pk=api.post(URL, body(), format="json").json()["id"])
    new = body(title="Judul baru", stage="persiapan")
    new["parties"][1] = {"pihak": pihak("Kota Samarinda"), "number": "SMD/1/2025"}
    response = api.put(f"{URL}{agreement.pk}/", new, format="json")
    assert response.status_code == 200, response.content
    agreement.refresh_from_db()
    assert agreement.title == "Judul baru"
    assert agreement.stage == Stage.PELAKSANAAN
    assert [p.pihak_id for p in agreement.parties.all()] == [pihak("Pemprov Kaltim"), pihak("Kota Samarinda")]
    assert response.json()["numbers"] == ["100/API/2025", "SMD/1/2025"]


def test_put_with_an_error_is_a_400_and_changes_nothing(api):
    agreement = make_agreement()
    response = api.put(f"{URL}{agreement.pk}/", body(start_on="2025-03-01", end_on="2024-01-01"), format="json")
    assert response.status_code == 400 and "end_on" in response.json()
    agreement.refresh_from_db()
    assert agreement.title == "PKS pelayanan administrasi kependudukan"


def test_patch_is_not_offered(api):
    agreement = make_agreement()
    assert api.patch(f"{URL}{agreement.pk}/", {"title": "x"}, format="json").status_code == 405


def test_delete_archives_and_restore_undoes_it(api):
    agreement = make_agreement()
    assert api.delete(f"{URL}{agreement.pk}/?note=salah+input").status_code == 204
    agreement.refresh_from_db()
    assert agreement.is_archived
    assert agreement.pk not in listed_ids(api)
    assert agreement.pk in listed_ids(api, archived="true")
    assert api.get(f"{URL}{agreement.pk}/").json()["archived"] is True

    response = api.post(f"{URL}{agreement.pk}/restore/")
    assert response.status_code == 200 and response.json()["archived"] is False
    assert "warnings" not in response.json()  # as documented: the agreement as read
    agreement.refresh_from_db()
    assert not agreement.is_archived
    assert agreement.pk in listed_ids(api)
    changes = ObjectChange.objects.filter(changed_object_type__model="agreement", changed_object_id=str(agreement.pk))
    assert list(changes.values_list("action", "message")) == [
        ("restore", ""),
        ("archive", "salah input"),
        ("create", ""),
    ]


def test_transition_moves_the_stage_and_refuses_with_reasons(api):
    agreement = make_agreement()
    url = f"{URL}{agreement.pk}/transition/"
    response = api.post(url, {"to": "evaluasi", "note": "monev semester I"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["from_stage"] == "pelaksanaan" and response.json()["to_stage"] == "evaluasi"
    agreement.refresh_from_db()
    assert agreement.stage == Stage.EVALUASI

    refused = api.post(url, {"to": "persiapan"}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["to"]
    no_reason = api.post(url, {"to": "diakhiri"}, format="json")
    assert no_reason.status_code == 400 and list(no_reason.json()) == ["to"]
    assert api.post(url, {"to": "no-such-stage"}, format="json").status_code == 400
    agreement.refresh_from_db()
    assert agreement.stage == Stage.EVALUASI

    timeline = api.get(f"{URL}{agreement.pk}/transitions/").json()
    assert [(row["from_stage"], row["to_stage"]) for row in timeline] == [
        ("", "pelaksanaan"),
        ("pelaksanaan", "evaluasi"),
    ]


# Filters


@pytest.fixture
def spread(admin_user):
    """Agreements that differ in one thing each, to see every filter narrow the list."""
    return {
        "kukar": make_agreement(parties=("Kukar", "Kota Samarinda"), urusan=("2.12",)),
        "bpp": make_agreement(
            parties=("Pemprov Kaltim", "Kota Balikpapan"),
            urusan=("1.02",),
            signed_on=dt.date(2024, 6, 1),
            end_on=dt.date(2025, 12, 31),
        ),
        "unmul": make_agreement(
            parties=("Kota Bontang", "Unmul"),
            urusan=("1.01",),
            title="Riset pesisir",
            document_type=DocumentType.KB,
            end_on=dt.date(2029, 12, 31),
        ),
        "jatim": make_agreement(parties=("35", "31"), signed_on=dt.date(2023, 1, 10), end_on=dt.date(2027, 12, 31)),
        "draft": make_agreement(
            parties=("Pemprov Kaltim", "Kota Samarinda"),
            signed_on=None,
            end_on=None,
            stage=Stage.PERSIAPAN,
            title="Rencana kerja sama",
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"kukar", "bpp", "unmul", "jatim", "draft"}),
        ({"region": "64"}, {"kukar", "bpp", "unmul", "draft"}),  # 64 includes the kab/kota inside it
        ({"region": "35"}, {"jatim"}),
        ({"region": "64.02"}, {"kukar"}),
        ({"region": "64.71"}, {"bpp"}),
        ({"pihak": "Kota Samarinda"}, {"kukar", "draft"}),
        ({"partner_type": "perguruan_tinggi"}, {"unmul"}),
        ({"urusan": "1.02"}, {"bpp"}),
        ({"category": "KSDPK"}, {"unmul"}),
        ({"category": ["KSDD", "KSDPK"]}, {"kukar", "bpp", "unmul", "jatim", "draft"}),
        ({"document_type": "KB"}, {"unmul"}),
        ({"stage": "persiapan"}, {"draft"}),
        ({"validity": "akan_berakhir", "on": "2025-11-18"}, {"bpp"}),
        ({"validity": "berlaku", "on": "2025-11-18"}, {"kukar", "unmul", "jatim"}),
        ({"validity": "kedaluwarsa", "on": "2026-01-01"}, {"bpp"}),
        ({"validity": "belum_berlaku", "on": "2025-11-18"}, {"draft"}),
        ({"year": "2023"}, {"jatim"}),
        ({"year": "2024"}, {"bpp"}),
        ({"year": "2025"}, {"kukar", "unmul"}),
        ({"q": "pesisir"}, {"unmul"}),
        ({"q": "Balikpapan"}, {"bpp"}),  # a party's name
        ({"q": "mulawarman riset"}, {"unmul"}),  # every word must match somewhere
    ],
    ids=lambda value: str(value),
)
def test_filters_narrow_the_list(api, spread, params, expected):
    names = {agreement.pk: name for name, agreement in spread.items()}
    if "pihak" in params:
        params = {**params, "pihak": pihak(params["pihak"])}
    assert {names[pk] for pk in listed_ids(api, **params)} == expected


def test_q_finds_an_agreement_by_one_of_its_numbers(api, spread):
    number = spread["bpp"].numbers()[1]
    assert listed_ids(api, q=number.lower()) == {spread["bpp"].pk}


def test_bad_filter_values_are_400_keyed_by_parameter(api):
    for params, key in (({"year": "dua ribu"}, "year"), ({"urusan": "9.99"}, "urusan"), ({"on": "2025-02-30"}, "on")):
        response = api.get(URL, params)
        assert response.status_code == 400 and key in response.json(), params


def test_validity_and_days_left_follow_on(api, spread):
    url = f"{URL}{spread['bpp'].pk}/"
    assert api.get(url, {"on": "2025-11-18"}).json()["validity"] == "akan_berakhir"
    assert api.get(url, {"on": "2025-11-18"}).json()["days_left"] == 43
    assert api.get(url, {"on": "2026-01-01"}).json()["validity"] == "kedaluwarsa"
    response = api.get(url, {"on": "2025-02-30"})
    assert response.status_code == 400 and "on" in response.json()


def test_pagination_carries_count(api):
    for _ in range(3):
        make_agreement()
    page = api.get(URL, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    last = api.get(URL, {"page_size": 2, "page": 2}).json()
    assert last["count"] == 3 and len(last["results"]) == 1 and last["next"] is None


# Statistics


def test_stats_by_year_count_signing_years_and_ignore_archived(api, admin_user):
    make_agreement(signed_on=dt.date(2024, 5, 1))
    make_agreement()
    make_agreement(parties=("Kukar", "Unmul"))
    archive_agreement(make_agreement(), user=admin_user)
    make_agreement(signed_on=None, end_on=None, stage=Stage.PERSIAPAN)  # unsigned: no year
    response = api.get("/api/stats/agreements-by-year/")
    assert response.status_code == 200
    assert response.json() == [{"year": 2024, "count": 1}, {"year": 2025, "count": 2}]
    assert api.get("/api/stats/agreements-by-year/", {"category": "KSDPK"}).json() == [{"year": 2025, "count": 1}]
    assert api.get("/api/stats/agreements-by-year/", {"region": "64.02"}).json() == [{"year": 2025, "count": 1}]


def test_stats_follow_every_change_of_the_register(api, admin_user):
    """Statistics are kept until the register changes: each write shows in the next answer."""
    first = make_agreement()
    assert api.get("/api/stats/agreements-by-year/").json() == [{"year": 2025, "count": 1}]
    make_agreement(signed_on=dt.date(2024, 5, 1))
    assert api.get("/api/stats/agreements-by-year/").json() == [{"year": 2024, "count": 1}, {"year": 2025, "count": 1}]
    archive_agreement(first, user=admin_user)
    assert api.get("/api/stats/agreements-by-year/").json() == [{"year": 2024, "count": 1}]
    assert api.get("/api/stats/agreements-by-year/", {"year": "2025"}).json() == []


def test_other_stats(api):
    make_agreement(urusan=("2.12", "1.02"))
    make_agreement(parties=("Kukar", "Unmul"), urusan=("1.02",))
    by_urusan = {row["key"]: row["count"] for row in api.get("/api/stats/agreements-by-urusan/").json()}
    assert by_urusan["1.02"] == 2 and by_urusan["2.12"] == 1 and by_urusan["1.01"] == 0
    by_category = {row["key"]: row["count"] for row in api.get("/api/stats/agreements-by-category/").json()}
    assert by_category == {"KSDD": 1, "KSDPK": 1, "KSDLN": 0}
    by_type = {row["key"]: row["count"] for row in api.get("/api/stats/agreements-by-partner-type/").json()}
    assert by_type["antar_daerah"] == 1 and by_type["perguruan_tinggi"] == 1 and by_type["swasta"] == 0
    response = api.get("/api/stats/agreements-by-category/", {"year": "soon"})
    assert response.status_code == 400 and "year" in response.json()


# Change log and request ids


def _request_id(response) -> uuid.UUID:
    return uuid.UUID(response["X-Request-ID"])


def test_every_write_logs_user_and_the_request_id_of_its_response(api, admin_user):
    created = api.post(URL, body(), format="json")
    pk = created.json()["id"]
    updated = api.put(f"{URL}{pk}/", body(title="Judul baru"), format="json")
    moved = api.post(f"{URL}{pk}/transition/", {"to": "evaluasi"}, format="json")
    archived = api.delete(f"{URL}{pk}/")
    restored = api.post(f"{URL}{pk}/restore/")
    for response, action in (
        (created, "create"),
        (updated, "update"),
        (moved, "transition"),
        (archived, "archive"),
        (restored, "restore"),
    ):
        assert response.status_code in (200, 201, 204), response.content
        change = ObjectChange.objects.get(
            changed_object_type__model="agreement", changed_object_id=str(pk), action=action
        )
        assert change.request_id == _request_id(response), action
        assert change.user == admin_user and change.user_name == admin_user.username
        assert change.origin == "web"
    # The parties written with the agreement carry the same request id.
    party_rows = ObjectChange.objects.filter(
        request_id=_request_id(created), changed_object_type__model="agreementparty"
    )
    assert party_rows.count() == 2


def test_history_needs_a_signed_in_user(api, admin_user):
    agreement = make_agreement()  # Pemprov Kaltim + Kota Balikpapan
    anonymous = APIClient()
    assert anonymous.get(f"{URL}{agreement.pk}/").status_code == 200
    assert anonymous.get(f"{URL}{agreement.pk}/history/").status_code == 401

    put = api.put(f"{URL}{agreement.pk}/", body(title="Judul baru"), format="json")  # Pemprov Kaltim + Kukar
    history = api.get(f"{URL}{agreement.pk}/history/").json()
    assert history["count"] == len(history["results"]) == 7  # 3 rows for the registration, 4 for the edit
    times = [row["time"] for row in history["results"]]
    assert times == sorted(times, reverse=True)  # newest first
    by_put = {
        (row["object_type"], row["action"]) for row in history["results"] if row["request_id"] == put["X-Request-ID"]
    }
    # The agreement changed, Pemprov's number changed, Balikpapan left and Kukar joined.
    assert by_put == {("agreement", "update"), ("agreementparty", "update"), ("agreementparty", "delete"),
                      ("agreementparty", "create")}  # fmt: skip
    update = next(row for row in history["results"] if row["action"] == "update" and row["object_type"] == "agreement")
    assert update["prechange_data"]["title"] == "PKS pelayanan administrasi kependudukan"
    assert update["postchange_data"]["title"] == "Judul baru"
    assert update["user_name"] == admin_user.username


# Authentication


def test_token_authentication(kukar_operator):
    token = Token.objects.create(user=kukar_operator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(URL, body(), format="json")
    assert response.status_code == 201, response.content
    change = ObjectChange.objects.get(request_id=_request_id(response), changed_object_type__model="agreement")
    assert change.user == kukar_operator

    client.credentials(HTTP_AUTHORIZATION="Token not-a-valid-token")
    assert client.get(URL).status_code == 401
    anonymous = APIClient().post(URL, body(title="x"), format="json")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"


def test_session_authentication(kukar_operator):
    client = APIClient()
    assert client.login(username=kukar_operator.username, password="test-pass-123")
    assert client.post(URL, body(), format="json").status_code == 201


def test_session_writes_need_the_csrf_token(kukar_operator):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(kukar_operator)
    response = client.post(URL, body(), format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


# Links to agreements the reader may not see


def test_a_link_to_a_hidden_agreement_shows_its_id_but_not_its_title(api, admin_user):
    kb = make_agreement(document_type=DocumentType.KB, title="KB rahasia", is_public=False)
    pks = make_agreement(parent_id=kb.pk, title="PKS publik")
    anonymous = APIClient().get(f"{URL}{pks.pk}/").json()
    assert anonymous["parent"] == {"id": kb.pk, "title": None, "document_type": None}
    assert api.get(f"{URL}{pks.pk}/").json()["parent"] == {"id": kb.pk, "title": "KB rahasia", "document_type": "KB"}
    listed = APIClient().get(URL).json()["results"]
    assert [row["parent"] for row in listed] == [{"id": kb.pk, "title": None, "document_type": None}]


def test_an_operator_cannot_link_to_an_agreement_it_cannot_see(kukar_operator):
    hidden_kb = make_agreement(document_type=DocumentType.KB, is_public=False)
    client = APIClient()
    client.force_login(kukar_operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, body(parent=hidden_kb.pk), format="json")
    assert response.status_code == 400 and list(response.json()) == ["parent"]
    missing = client.post(URL, body(parent=hidden_kb.pk + 1000), format="json")
    assert missing.json() == {"parent": [f"Agreement {hidden_kb.pk + 1000} does not exist."]}


# Docs


@pytest.fixture
def plain_static(settings):
    # The manifest storage needs ``collectstatic``; pages that link static files render without it here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_schema_and_docs_are_served_without_a_cdn(plain_static):
    client = APIClient()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/agreements/{id}/transition/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


def test_browsable_api_renders_an_agreement_for_an_editor(api, plain_static):
    agreement = make_agreement()
    response = api.get(f"{URL}{agreement.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "PKS pelayanan administrasi kependudukan" in response.content.decode()
