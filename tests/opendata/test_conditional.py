"""Cheap syncing: ETag, Last-Modified and 304 on the API and the files; Cache-Control; updated_since; paging."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date
from rest_framework.test import APIClient

from kerjasama.agreements import lifecycle
from kerjasama.agreements.choices import Stage
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import AgreementData, PartyData, archive_agreement, update_agreement
from kerjasama.core.changelog import log_change
from kerjasama.core.choices import ChangeAction
from kerjasama.core.models import ObjectChange
from kerjasama.regions.models import Partner
from tests.builders import make_agreement, pihak
from tests.opendata.reading import get

pytestmark = pytest.mark.django_db

LIST = "/api/agreements/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def edit(agreement: Agreement, user, **changes) -> None:
    """Change an agreement through the service, as the UI and the API do."""
    data = AgreementData.from_agreement(Agreement.objects.get(pk=agreement.pk))
    for name, value in changes.items():
        setattr(data, name, value)
    update_agreement(agreement, data, user=user)


def etag(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response["ETag"]


# API lists


def test_list_answers_304_to_its_own_etag_without_a_body(api, register):
    first = api.get(LIST)
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    again = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == first["Cache-Control"]
    assert api.get(LIST, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200


def test_list_etag_changes_with_the_agreement(api, register, admin_user):
    before = etag(api, LIST)
    edit(register.public, admin_user, title="PKS adminduk Balikpapan (perubahan)")
    after = etag(api, LIST)
    assert after != before
    assert api.get(LIST, HTTP_IF_NONE_MATCH=before).status_code == 200


def test_list_etag_changes_when_only_parties_change(api, register, admin_user):
    before = etag(api, LIST)
    data = AgreementData.from_agreement(register.public)
    data.parties[1] = PartyData(pihak_id=data.parties[1].pihak_id, number="BARU/1/2025", role=data.parties[1].role)
    update_agreement(register.public, data, user=admin_user)
    assert etag(api, LIST) != before


def test_list_etag_changes_when_a_row_elsewhere_shows_in_the_list(api, admin_user):
    kb = make_agreement(user=admin_user, title="KB lama", document_type="KB")
    make_agreement(user=admin_user, title="PKS", parent_id=kb.pk)
    url_params = {"document_type": "PKS"}
    before = etag(api, LIST, **url_params)
    edit(kb, admin_user, title="KB baru")  # the PKS row shows its parent's title
    assert etag(api, LIST, **url_params) != before
    partner = Partner.objects.get(pihak__pk=pihak("Unmul"))
    make_agreement(user=admin_user, parties=("Pemprov Kaltim", "Unmul"), title="Dengan Unmul")
    before = etag(api, LIST)
    before_snapshot = partner.snapshot()
    partner.name = "Universitas Mulawarman (baru)"
    partner.save()  # as the admin and the partner API do: saved and logged
    log_change(partner, ChangeAction.UPDATE, before=before_snapshot, after=partner.snapshot())
    assert etag(api, LIST) != before


def test_list_etag_changes_when_a_row_leaves_the_public_list(api, register, admin_user):
    before = etag(api, LIST)
    archive_agreement(register.synthetic, user=admin_user)
    assert etag(api, LIST) != before


def test_list_etag_depends_on_page_filters_day_and_reader(api, register, admin_user):
    plain = etag(api, LIST)
    assert etag(api, LIST, page_size=1) != plain
    assert etag(api, LIST, on="2025-06-01") != plain
    assert etag(api, LIST, stage="pelaksanaan") != plain
    signed_in = APIClient()
    signed_in.force_login(admin_user)
    assert etag(signed_in, LIST) != plain


def test_list_last_modified_and_if_modified_since(api, register):
    first = api.get(LIST, {"on": "2025-06-01"})
    last_modified = first["Last-Modified"]
    newest_row = Agreement.objects.filter(pk__in=[register.public.pk, register.synthetic.pk]).latest("updated_at")
    newest_change = ObjectChange.objects.latest("pk")
    expected = max(newest_row.updated_at, newest_change.time)
    assert last_modified == http_date(expected.timestamp())
    assert api.get(LIST, {"on": "2025-06-01"}, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert (
        api.get(LIST, {"on": "2025-06-01"}, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200
    )


def test_list_without_a_pinned_day_changes_at_midnight(api, register):
    response = api.get(LIST)
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    assert parse_http_date(response["Last-Modified"]) >= int(midnight.timestamp())


def test_count_is_right_when_reused_by_the_paginator(api, register):
    data = api.get(LIST, {"page_size": 1}).json()
    assert data["count"] == 2 and len(data["results"]) == 1
    assert data["next"].endswith("page=2&page_size=1")


def test_count_is_kept_until_the_register_changes(api, register, admin_user):
    assert api.get(LIST).json()["count"] == 2
    with CaptureQueriesContext(connection) as queries:
        again = api.get(LIST, {"page": 2, "page_size": 1, "ordering": "title"}).json()
    assert again["count"] == 2
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
    extra = make_agreement(user=admin_user)
    assert api.get(LIST).json()["count"] == 3
    archive_agreement(extra, user=admin_user)
    assert api.get(LIST, {"page_size": 1}).json()["count"] == 2
    assert api.get(LIST, {"stage": "persiapan"}).json()["count"] == 0  # other filters, other counts


# API details and reference data


def test_detail_etag_is_the_bodys_and_follows_changes(api, register, admin_user):
    url = f"{LIST}{register.public.pk}/"
    first = api.get(url)
    assert first.status_code == 200 and first["ETag"].startswith('"') and first["Last-Modified"]
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    lifecycle.transition(register.public, Stage.EVALUASI, user=admin_user)
    changed = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert api.get(f"{LIST}{register.hidden.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/regions/", "/api/regions/64.71/", "/api/urusan/", "/api/partners/", "/api/pihak/"]
)
def test_reference_data_answers_304(api, url):
    first = api.get(url)
    assert first.status_code == 200 and first["ETag"]
    assert "Last-Modified" not in first  # no modification time is recorded for reference data
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_partner_etag_changes_with_the_partner(api, admin_user):
    signed_in = APIClient()
    signed_in.force_login(admin_user)
    partner = Partner.objects.order_by("pk").first()
    url = f"/api/partners/{partner.pk}/"
    before = etag(api, url)
    body = {"name": partner.name, "short_name": "BARU", "partner_type": partner.partner_type}
    assert signed_in.put(url, body, format="json").status_code == 200
    assert etag(api, url) != before


# Cache-Control


def test_cache_control_public_for_anonymous_private_for_signed_in(api, register, admin_user):
    anonymous = api.get(LIST)
    assert "public" in anonymous["Cache-Control"] and "max-age=60" in anonymous["Cache-Control"]
    assert {"Accept", "Authorization", "Cookie"} <= {item.strip() for item in anonymous["Vary"].split(",")}
    signed_in = APIClient()
    signed_in.force_login(admin_user)
    for url in (LIST, f"{LIST}{register.hidden.pk}/", "/api/urusan/"):
        response = signed_in.get(url)
        assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"]


def test_writes_and_errors_get_no_cache_validators(register, admin_user):
    signed_in = APIClient()
    signed_in.force_login(admin_user)
    response = signed_in.post(f"{LIST}{register.public.pk}/transition/", {"to": "evaluasi"}, format="json")
    assert response.status_code == 201 and "ETag" not in response
    assert "ETag" not in APIClient().get(f"{LIST}999999/")


# updated_since and stable paging


def test_updated_since_lists_what_changed(api, register, admin_user):
    cut = timezone.now()
    Agreement.objects.filter(pk__in=[register.public.pk, register.synthetic.pk]).update(
        updated_at=cut - dt.timedelta(days=1)
    )
    edit(register.synthetic, admin_user, title="Contoh sintetis diubah")
    ids = {row["id"] for row in api.get(LIST, {"updated_since": cut.isoformat()}).json()["results"]}
    assert ids == {register.synthetic.pk}
    everything = api.get(LIST, {"updated_since": (cut - dt.timedelta(days=2)).isoformat()}).json()
    assert everything["count"] == 2
    assert api.get(LIST, {"updated_since": "kemarin"}).status_code == 400


def test_ordering_ties_are_broken_by_id_so_pages_are_stable(api, admin_user):
    made = [make_agreement(user=admin_user, title="Sama") for _ in range(5)]
    seen = []
    url = f"{LIST}?ordering=title&page_size=2"
    while url:
        data = api.get(url).json()
        seen += [row["id"] for row in data["results"]]
        url = data["next"]
        if url:
            assert "ordering=title" in url and "page_size=2" in url
    assert seen == sorted(agreement.pk for agreement in made)
    newest_first = [row["id"] for row in api.get(LIST, {"ordering": "-signed_on", "page_size": 10}).json()["results"]]
    assert newest_first == sorted(newest_first, reverse=True)


# Files


def test_file_etag_304_and_change(client, register, admin_user):
    url = reverse("opendata-file", args=["pihak", "csv"])
    first, _body = get(client, url)
    assert first["ETag"].startswith('W/"') and first["Last-Modified"]
    assert "public" in first["Cache-Control"] and first["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    data = AgreementData.from_agreement(register.public)
    data.parties[0] = PartyData(pihak_id=data.parties[0].pihak_id, role=data.parties[0].role, number="UBAH/9/2025")
    update_agreement(register.public, data, user=admin_user)
    changed, body = get(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert b"UBAH/9/2025" in body


def test_files_are_public_even_for_signed_in_users(client, register, admin_user):
    client.force_login(admin_user)
    response, body = get(client, reverse("opendata-file", args=["kerja-sama", "csv"]))
    assert "public" in response["Cache-Control"]
    assert b"Rahasia" not in body  # the admin sees it on the site, the open data never has it


def test_stable_urls():
    assert reverse("opendata-index") == "/data/"
    assert reverse("opendata-file", args=["kerja-sama", "csv"]) == "/data/kerja-sama.csv"
    assert reverse("opendata-file", args=["pihak", "xlsx"]) == "/data/pihak.xlsx"
    assert reverse("opendata-file", args=["kegiatan", "json"]) == "/data/kegiatan.json"
    assert reverse("opendata-file", args=["indikator", "csv"]) == "/data/indikator.csv"
    assert reverse("opendata-ocds") == "/data/ocds.json"
    assert reverse("opendata-ocds-release", args=[7]) == "/data/ocds/7.json"
    assert reverse("opendata-datapackage") == "/data/datapackage.json"
    assert reverse("opendata-dictionary") == "/data/kamus-data.csv"
    assert reverse("opendata-ocds-schema") == "/data/ocds/profile-schema.json"
    assert reverse("opendata-ocds-extension") == "/data/ocds/extension.json"
