"""Facet counts of the agreement list: correct for every filter, linked, restricted, cached and invalidated."""

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kerjasama.agreements import facets, services
from kerjasama.agreements.choices import Category, DocumentType, Stage, Validity
from kerjasama.agreements.filtersets import PARTNER_TYPE_CHOICES, REGIONS_ONLY, AgreementFilterSet
from kerjasama.agreements.models import Agreement
from kerjasama.core.querysets import VIEW
from kerjasama.regions.models import Region, Urusan
from tests.builders import agreement_data, make_agreement

pytestmark = pytest.mark.django_db

LIST = "/kerja-sama/"
DAY = dt.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts without cached counts (the cache outlives the rolled-back test data)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def register(admin_user):
    """A small register that puts agreements under many facet values, some under several at once."""
    return {
        "kukar": make_agreement(
            title="PKS air bersih Kukar Samarinda",
            parties=("Kukar", "Kota Samarinda"),
            urusan=("1.03",),
            signed_on=dt.date(2024, 5, 2),
            end_on=dt.date(2026, 1, 30),  # expiring on DAY
        ),
        "balikpapan": make_agreement(
            title="PKS adminduk Balikpapan",
            parties=("Pemprov Kaltim", "Kota Balikpapan"),
            urusan=("2.12", "1.02"),
        ),
        "unmul": make_agreement(
            title="KB riset kesehatan Unmul",
            parties=("Pemprov Kaltim", "Unmul", "ITK"),  # two universities: one partner type, counted once
            urusan=("1.02",),
            document_type=DocumentType.KB,
            signed_on=dt.date(2023, 8, 1),
            end_on=dt.date(2025, 8, 1),  # expired on DAY
        ),
        "jatim": make_agreement(
            title="PKS perdagangan Jawa Timur",
            parties=("Pemprov Kaltim", "35", "35.78"),  # a province and a city inside it: province counted once
            urusan=("3.30",),
        ),
        "draft": make_agreement(
            title="KB rancangan BPN",
            parties=("Kota Bontang", "Kanwil BPN Kaltim"),
            document_type=DocumentType.KB,
            stage=Stage.PERSIAPAN,
            signed_on=None,
            end_on=None,
        ),
        "hidden": make_agreement(
            title="PKS tertutup Berau",
            parties=("Pemprov Kaltim", "Kabupaten Berau"),
            is_public=False,
        ),
    }


def filterset_for(query: str, user=None) -> AgreementFilterSet:
    """The list's FilterSet for ``query``, restricted as the list page restricts it."""
    user = user or AnonymousUser()
    return AgreementFilterSet(QueryDict(query), queryset=Agreement.objects.restrict(user, VIEW))


def expected_count(filterset: AgreementFilterSet, name: str, value: str) -> int:
    """One facet value, counted directly: the current results that the filter ``name=value`` also keeps."""
    query = QueryDict(urlencode({name: value, "on": DAY.isoformat()}))
    narrowing = AgreementFilterSet(query, queryset=Agreement.objects.all())
    assert narrowing.is_valid(), narrowing.errors
    return filterset.qs.filter(pk__in=narrowing.qs.values("pk")).count()


def facet_values() -> dict[str, list[str]]:
    """Every value each facet can take (zero counts included, to check that nothing is missed)."""
    return {
        "region": list(Region.objects.filter(level="provinsi").values_list("code", flat=True))
        + list(Region.objects.filter(parent_id="64").values_list("code", flat=True)),
        "partner_type": [value for value, _label in PARTNER_TYPE_CHOICES],
        "urusan": list(Urusan.objects.values_list("code", flat=True)),
        "category": list(Category.values),
        "document_type": list(DocumentType.values),
        "stage": list(Stage.values),
        "validity": list(Validity.values),
        "year": [str(year) for year in range(2020, 2027)],
    }


# Counting ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "region=64",
        "region=64.72",
        "region=35",
        "category=KSDD",
        "document_type=KB&document_type=PKS",
        "partner_type=perguruan_tinggi",
        f"partner_type={REGIONS_ONLY}",
        "urusan=1.02",
        "validity=berlaku",
        "year=2024",
        "stage=pelaksanaan&region=64",
        "q=kesehatan",
        "q=PKS&region=64.72",
    ],
)
def test_counts_equal_direct_queries(register, viewer, query):
    for user in (None, viewer):
        filterset = filterset_for(query, user)
        data = facets.count_facets(filterset.qs, DAY)
        assert data["total"] == filterset.qs.count()
        for name, values in facet_values().items():
            for value in values:
                count = data["counts"][name].get(value, 0)
                assert count == expected_count(filterset, name, value), (user, query, name, value)


def test_counts_follow_the_register(register):
    data = facets.count_facets(filterset_for("").qs, DAY)
    counts = data["counts"]
    assert data["total"] == 5  # the non-public agreement is not counted for anonymous visitors
    # Kaltim as a whole: every public agreement has a Kaltim party.
    assert counts["region"]["64"] == 5
    assert counts["region"]["64.72"] == 1  # Samarinda
    assert counts["region"]["35"] == 1  # Jawa Timur and Surabaya in one agreement
    assert "64.03" not in counts["region"]  # Berau is party only to the hidden agreement
    assert counts["partner_type"] == {"perguruan_tinggi": 1, "kementerian_lembaga": 1, REGIONS_ONLY: 3}
    assert counts["urusan"]["1.02"] == 2
    assert counts["document_type"] == {"PKS": 3, "KB": 2}
    assert counts["validity"] == {"akan_berakhir": 1, "kedaluwarsa": 1, "berlaku": 2, "belum_berlaku": 1}
    assert counts["year"] == {"2023": 1, "2024": 1, "2025": 2}


def test_counting_is_set_based(register, django_assert_max_num_queries):
    filterset = filterset_for("region=64")
    filterset.qs  # noqa: B018  (validates the filters outside the count)
    with django_assert_max_num_queries(8):
        facets.count_facets(filterset.qs, DAY)


def test_regions_only_filter_lists_agreements_without_partners(register):
    titles = set(filterset_for(f"partner_type={REGIONS_ONLY}").qs.values_list("title", flat=True))
    assert titles == {"PKS air bersih Kukar Samarinda", "PKS adminduk Balikpapan", "PKS perdagangan Jawa Timur"}


# Permissions ---------------------------------------------------------------------------------------


def page_facets(client, query: dict | None = None) -> dict[str, dict[str, facets.FacetItem]]:
    response = client.get(LIST, query or {})
    assert response.status_code == 200
    return {facet.name: {item.value: item for item in facet.items + facet.more} for facet in response.context["facets"]}


def test_anonymous_counts_only_public_agreements(client, register):
    shown = page_facets(client)
    assert "64.03" not in shown["region"]  # Berau: only in the non-public agreement
    assert shown["region"]["64"].count == 5
    assert shown["document_type"]["PKS"].count == 3


def test_operator_counts_public_and_own_agreements(client, register, kukar_operator, viewer):
    own = make_agreement(title="PKS internal Kukar", parties=("Kukar", "Kota Bontang"), is_public=False)
    client.force_login(kukar_operator)
    shown = page_facets(client)
    assert shown["region"]["64"].count == 6  # the five public ones and its own non-public one
    assert "64.03" not in shown["region"]  # another operator's non-public agreement stays uncounted
    assert shown["region"]["64.02"].count == 2

    client.force_login(viewer)  # a signed-in reader sees every agreement
    shown = page_facets(client)
    assert shown["region"]["64"].count == 7
    assert shown["region"]["64.03"].count == 1
    assert own.pk


def test_users_do_not_share_cached_counts(client, register, viewer):
    first = client.get(LIST)
    assert {item.value: item for facet in first.context["facets"] for item in facet.items}["64"].count == 5
    client.force_login(viewer)
    assert page_facets(client)["region"]["64"].count == 6
    client.logout()
    # Anonymous again: the page cache answers with the anonymous page, counts included.
    assert client.get(LIST).content == first.content


# Links ---------------------------------------------------------------------------------------------


def query_of(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert parts.path == LIST
    return parse_qs(parts.query)


def test_links_add_a_filter_and_keep_the_others(client, register):
    shown = page_facets(client, {"q": "PKS", "ordering": "title", "page": "2"})
    item = shown["category"]["KSDD"]
    assert not item.active
    # Added, with the search and the ordering kept; the page starts again at the first.
    assert query_of(item.url) == {"q": ["PKS"], "ordering": ["title"], "category": ["KSDD"]}
    following = client.get(item.url)
    assert {a.title for a in following.context["agreements"]} == {
        "PKS air bersih Kukar Samarinda",
        "PKS adminduk Balikpapan",
        "PKS perdagangan Jawa Timur",
    }


def test_multiple_value_links_toggle(client, register):
    on = {"validity": ["berlaku"], "on": [DAY.isoformat()]}
    shown = page_facets(client, {"document_type": ["PKS", "KB"], **on})
    pks, kb = shown["document_type"]["PKS"], shown["document_type"]["KB"]
    assert pks.active and kb.active
    assert query_of(pks.url) == {"document_type": ["KB"], **on}
    assert query_of(kb.url) == {"document_type": ["PKS"], **on}
    # Adding a value to a multiple-value filter keeps the chosen ones.
    stage = shown["stage"]["pelaksanaan"]
    assert not stage.active and stage.count == 2
    assert query_of(stage.url) == {"document_type": ["PKS", "KB"], **on, "stage": ["pelaksanaan"]}


def test_single_value_links_replace_or_remove(client, register):
    # The region code field is read as the region filter, and its facet value shows as active.
    shown = page_facets(client, {"region_code": "64.72", "year": "2024"})
    samarinda = shown["region"]["64.72"]
    assert samarinda.active and samarinda.count == 1
    assert query_of(samarinda.url) == {"year": ["2024"]}
    province = shown["region"]["64"]
    assert not province.active
    assert query_of(province.url) == {"region": ["64"], "year": ["2024"]}
    year = shown["year"]["2024"]
    assert year.active
    assert query_of(year.url) == {"region": ["64.72"]}


def test_zero_counts_are_hidden_except_active_values(client, register):
    shown = page_facets(client, {"year": "2019"})
    assert list(shown["year"]) == ["2019"]
    assert shown["year"]["2019"].active and shown["year"]["2019"].count == 0
    assert "region" not in shown  # nothing to count: the facet is left out

    shown = page_facets(client)
    assert "ditolak" not in shown["stage"]
    assert Stage.PERSIAPAN.value in shown["stage"]


def test_region_outside_the_lists_shows_as_active(client, register):
    shown = page_facets(client, {"region": "35.78"})
    surabaya = shown["region"]["35.78"]
    assert surabaya.active and surabaya.count == 1
    assert surabaya.label == Region.objects.get(code="35.78").name


def test_facet_markup_is_accessible(english, register):
    body = english.get(LIST, {"category": "KSDD"}).content.decode()
    assert 'aria-labelledby="facets-title"' in body
    assert '<h3 id="facet-category"' in body
    assert 'aria-current="true"' in body
    assert "active filter; select to remove it" in body
    assert "3 agreements" in body  # the count as words for screen readers
    assert "Counts are within the current results" in body


def test_htmx_update_swaps_the_facets_too(client, register):
    body = client.get(LIST, {"category": "KSDPK"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="innerHTML:#facet-body"' in body
    assert "<html" not in body
    full = client.get(LIST).content.decode()
    assert 'id="facet-body"' in full
    assert 'hx-swap-oob="innerHTML:#facet-body"' not in full


# Cache ---------------------------------------------------------------------------------------------


def test_counts_are_cached_until_the_register_changes(client, register, admin_user):
    day = timezone.localdate()
    anonymous = AnonymousUser()
    first = facets.facet_counts(filterset_for(""), anonymous, day)
    assert first["counts"]["document_type"] == {"PKS": 3, "KB": 2}

    # Cached: asking again runs no counting query.
    with CaptureQueriesContext(connection) as captured:
        again = facets.facet_counts(filterset_for(""), anonymous, day)
    assert again == first
    assert not any("agreements_agreementparty" in query["sql"] for query in captured.captured_queries)

    # A change through the services is seen at once.
    agreement = register["unmul"]
    data = agreement_data(
        parties=("Pemprov Kaltim", "Unmul", "ITK"), urusan=("1.02",), title=agreement.title, document_type="PKS"
    )
    services.update_agreement(agreement, data, user=admin_user)
    changed = facets.facet_counts(filterset_for(""), anonymous, day)
    assert changed["counts"]["document_type"] == {"PKS": 4, "KB": 1}

    services.archive_agreement(register["kukar"], user=admin_user)
    assert facets.facet_counts(filterset_for(""), anonymous, day)["total"] == 4


def test_cache_key_is_normalized(register):
    first = filterset_for("year=2024&document_type=PKS&document_type=KB&ordering=title&q=")
    second = filterset_for("document_type=KB&document_type=PKS&year=2024.0")
    for filterset in (first, second):
        filterset.qs  # noqa: B018  (validates the filters)
    assert facets.cache_key(first) == facets.cache_key(second)
    assert facets.cache_key(first) != facets.cache_key(filterset_for("year=2023"))


def test_list_page_reuses_the_cached_count(client, register, viewer):
    client.force_login(viewer)  # signed in: rendered every time (no page cache), counts from the facet cache
    client.get(LIST)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 6  # the viewer also sees the non-public one
    counts = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT COUNT")]
    assert counts == []
