"""Portal pages: content, privacy of listed agreements, caching and conditional GET."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from kerjasama.agreements import services as agreement_services
from kerjasama.core.choices import Source
from tests.builders import agreement_data, make_agreement, make_user

pytestmark = pytest.mark.django_db


def today_agreement(**fields):
    day = dt.date.today().replace(day=1)
    return make_agreement(signed_on=day, start_on=day, end_on=day.replace(year=day.year + 3), **fields)


def chart_data(response) -> dict:
    body = response.content.decode()
    start = body.index('<script id="portal-chart-data" type="application/json">') + len(
        '<script id="portal-chart-data" type="application/json">'
    )
    return json.loads(body[start : body.index("</script>", start)])


def test_home_shows_headline_and_chart_data(english):
    today_agreement(title="PKS pertama")
    today_agreement(title="PKS kedua", parties=("Kukar", "Kota Samarinda"))
    response = english.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    year = dt.date.today().year
    assert "2 agreements signed up to" in body
    data = chart_data(response)
    assert data["by_year"]["labels"] == [str(year)]
    assert data["by_year"]["series"][0]["values"] == [2]
    assert data["by_year"]["highlight"] == [True]
    regions = dict(zip(data["by_region"]["labels"], data["by_region"]["series"][0]["values"], strict=True))
    assert regions["Kabupaten Kutai Kartanegara"] == 1
    assert 'canvas data-chart="by_urusan"' in body
    assert "vendor/chart.js-4.6.1/chart.umd.min.js" in body
    assert f'href="{reverse("kerjasama-list")}?year={year}">{year}</a>' in body  # the table behind the chart


def test_home_figures_follow_a_change_at_once(english):
    """Aggregates are cached, but a change through the services shows on the next request."""
    first = today_agreement(title="PKS yang akan diarsipkan")
    today_agreement(title="PKS lain")
    assert chart_data(english.get(reverse("home")))["by_year"]["series"][0]["values"] == [2]
    assert chart_data(english.get(reverse("home")))["by_year"]["series"][0]["values"] == [2]  # from the cache
    admin = make_user("portal-admin", "admin")
    agreement_services.archive_agreement(first, user=admin, message="Tes")
    assert chart_data(english.get(reverse("home")))["by_year"]["series"][0]["values"] == [1]


def test_home_answers_not_modified_until_the_register_changes(client):
    today_agreement()
    response = client.get(reverse("home"))
    etag = response.headers["ETag"]
    assert "max-age=60" in response.headers["Cache-Control"]
    assert "Last-Modified" in response.headers
    assert client.get(reverse("home"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    today_agreement(title="PKS baru")
    changed = client.get(reverse("home"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # Another language is another page.
    client.cookies["django_language"] = "en"
    assert client.get(reverse("home"), HTTP_IF_NONE_MATCH=changed.headers["ETag"]).status_code == 200


def test_signed_in_users_always_revalidate(client):
    today_agreement()
    client.force_login(make_user("viewer", "peninjau"))
    response = client.get(reverse("home"))
    assert "no-cache" in response.headers["Cache-Control"]


def test_network_page_ranks_the_kaltim_regions(english):
    today_agreement(parties=("Kukar", "Kota Samarinda", "Kota Balikpapan"))
    response = english.get(reverse("portal-network"))
    assert response.status_code == 200
    ranking = response.context["ranking"]
    assert [row["counterparts"] for row in ranking[:3]] == [2, 2, 2]
    assert ranking[-1]["counterparts"] == 0
    body = response.content.decode()
    assert "most connected" in body and "least connected" in body
    assert 'id="network-data"' in body and "leaflet/leaflet.js" in body


def test_region_page_lists_only_what_the_visitor_may_see(english):
    today_agreement(title="PKS Kukar terbuka", parties=("Kukar", "Kota Samarinda"))
    hidden = today_agreement(title="PKS Kukar tertutup", parties=("Kukar", "Unmul"))
    admin = make_user("portal-admin-2", "admin")
    data = agreement_data(parties=("Kukar", "Unmul"), title="PKS Kukar tertutup", is_public=False)
    agreement_services.update_agreement(hidden, data, user=admin)
    body = english.get(reverse("portal-region", args=["64.02"])).content.decode()
    assert "PKS Kukar terbuka" in body
    assert "PKS Kukar tertutup" not in body
    assert "Service-access gaps" in body
    english.force_login(admin)
    assert "PKS Kukar tertutup" in english.get(reverse("portal-region", args=["64.02"])).content.decode()


def test_region_page_is_only_for_kaltim_regions(client):
    assert client.get(reverse("portal-region", args=["35.78"])).status_code == 404
    assert client.get(reverse("portal-region", args=["64.02.01"])).status_code == 404
    assert client.get(reverse("portal-region", args=["64.02"])).status_code == 200


def test_region_list_links_every_kabupaten_kota(client):
    body = client.get(reverse("portal-regions")).content.decode()
    for code in ("64", "64.01", "64.02", "64.11", "64.71", "64.72", "64.74"):
        assert f'href="{reverse("portal-region", args=[code])}"' in body


def test_synthetic_data_are_labelled_on_the_home_page(client):
    today_agreement(source=Source.SINTETIS)
    assert "notice--synthetic" in client.get(reverse("home")).content.decode()
