"""Cached aggregates and pages: reused while the register is unchanged, recomputed after any change."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kerjasama.core.cache import cached, data_version
from tests.builders import make_agreement, make_user

pytestmark = pytest.mark.django_db
LIST = "/kerja-sama/"


def test_cached_value_is_recomputed_after_a_change():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("test.value", compute, "k") == 1
    assert cached("test.value", compute, "k") == 1
    assert cached("test.value", compute, "other key") == 2
    before = data_version()
    make_agreement()
    assert data_version() != before
    assert cached("test.value", compute, "k") == 3


def test_anonymous_page_is_served_from_the_page_cache(client):
    make_agreement(title="PKS di tembolok")
    first = client.get(LIST)
    assert "PKS di tembolok" in first.content.decode()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(LIST)
    assert again.content == first.content
    assert len(captured.captured_queries) == 1  # the data version, nothing else
    assert again.headers["ETag"] == first.headers["ETag"]


def test_page_cache_follows_changes_filters_and_fragments(client):
    make_agreement(title="PKS pertama")
    client.get(LIST)
    make_agreement(title="PKS kedua")
    assert "PKS kedua" in client.get(LIST).content.decode()
    filtered = client.get(LIST, {"q": "pertama"}).content.decode()
    assert "PKS pertama" in filtered and "PKS kedua" not in filtered
    fragment = client.get(LIST, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "PKS kedua" in fragment
    assert "<html" in client.get(LIST).content.decode()


def test_signed_in_pages_are_not_taken_from_the_page_cache(client):
    make_agreement()
    client.get(LIST)
    user = make_user("pembaca", "peninjau")
    client.force_login(user)
    body = client.get(LIST).content.decode()
    assert "pembaca" in body  # the signed-in header, rendered for this user


def test_home_page_is_cached_without_a_csrf_token(client):
    day = dt.date.today().replace(day=1)
    make_agreement(signed_on=day, start_on=day, end_on=day.replace(year=day.year + 2))
    first = client.get("/")
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert "csrftoken" not in first.cookies
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    assert len(captured.captured_queries) == 1


def test_language_switch_link_sets_the_cookie_and_returns(client, settings):
    response = client.get(reverse("language-switch", args=["en"]), {"next": f"{LIST}?q=Samboja"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LIST}?q=Samboja"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get(LIST).headers["Content-Language"] == "en"


def test_language_switch_refuses_other_sites_and_unknown_languages(client):
    response = client.get(reverse("language-switch", args=["en"]), {"next": "https://contoh.invalid/"})
    assert response.headers["Location"] == "/"
    assert client.get(reverse("language-switch", args=["fr"])).status_code == 404
