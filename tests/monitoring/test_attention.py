"""The "Perlu perhatian" page, the flags on the agreement page and the health API: scope, filters, permissions."""

import re
from pathlib import Path

import pytest
import yaml
from django.utils import timezone
from rest_framework.test import APIClient

from kerjasama.monitoring import health, scores
from kerjasama.regions.models import PerangkatDaerah, Region
from tests.builders import make_user, pihak
from tests.monitoring.health_data import AS_OF, activity, days, in_force

pytestmark = pytest.mark.django_db

PAGE = "/perlu-perhatian/"
ROW = re.compile(r'<tr data-rule="(\w+)" data-agreement="(\d+)">')
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@pytest.fixture
def world(db):
    """Three agreements with flags: Kukar's (public), Balikpapan's (not public) and Unmul's (public)."""
    unit = PerangkatDaerah.objects.create(name="Dinas Kesehatan uji", region=Region.objects.get(code="64"))
    kukar = in_force(
        parties=("Pemprov Kaltim", "Kukar"),
        end_on=AS_OF + days(20),
        urusan=("1.02",),
        perangkat_daerah_id=unit.pk,
        title="PKS Kukar kesehatan",
    )
    balikpapan = in_force(
        parties=("Pemprov Kaltim", "Kota Balikpapan"),
        dprd_approval_required=True,
        is_public=False,
        urusan=("2.12",),
        title="PKS Balikpapan adminduk",
    )
    unmul = in_force(parties=("Pemprov Kaltim", "Unmul"), urusan=("1.01",), title="PKS Unmul beasiswa")
    activity(unmul, last_progress_on=AS_OF - days(200))
    return {"kukar": kukar, "balikpapan": balikpapan, "unmul": unmul, "unit": unit}


def shown(client, **params) -> set[tuple[int, str]]:
    response = client.get(PAGE, {"as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200
    return {(int(pk), rule) for rule, pk in ROW.findall(response.content.decode())}


def expected(*agreements, rules=None) -> set[tuple[int, str]]:
    ids = {agreement.pk for agreement in agreements}
    return {(flag.agreement_id, flag.rule) for flag in health.evaluate(AS_OF, rules=rules) if flag.agreement_id in ids}


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_admin_sees_exactly_what_kerjasama_check_lists(client, admin_user, world):
    client.force_login(admin_user)
    rows = shown(client)
    assert rows == {(flag.agreement_id, flag.rule) for flag in health.evaluate(AS_OF)}
    assert {pk for pk, _rule in rows} == {world[name].pk for name in ("kukar", "balikpapan", "unmul")}


def test_operators_see_only_their_own_agreements(client, kukar_operator, balikpapan_operator, world):
    client.force_login(kukar_operator)
    assert shown(client) == expected(world["kukar"])  # not Unmul's public agreement
    client.force_login(balikpapan_operator)
    assert shown(client) == expected(world["balikpapan"])


@pytest.mark.parametrize("role", ["tkksd", "peninjau"])
def test_tkksd_and_viewers_see_every_agreement(client, world, role):
    client.force_login(make_user(f"reader-{role}", role))
    assert shown(client) == expected(world["kukar"], world["balikpapan"], world["unmul"])


def test_filters(client, admin_user, world):
    client.force_login(admin_user)
    everyone = (world["kukar"], world["balikpapan"], world["unmul"])
    assert shown(client, rule="expiring") == expected(*everyone, rules=["expiring"])
    assert shown(client, region="64.02") == expected(world["kukar"])
    assert shown(client, region="64") == expected(*everyone)  # the province and what lies inside it
    assert shown(client, urusan="2.12") == expected(world["balikpapan"])
    assert shown(client, perangkat_daerah=world["unit"].pk) == expected(world["kukar"])
    assert shown(client, pihak=pihak("Unmul")) == expected(world["unmul"])
    assert shown(client, pihak=pihak("Unmul"), rule="expiring") == set()


def test_the_day_is_a_filter_and_the_evidence_is_shown(english, admin_user, world):
    english.force_login(admin_user)
    later = AS_OF + days(15)
    response = english.get(PAGE, {"as_of": later.isoformat(), "rule": "expiring"})
    html = response.content.decode()
    assert ROW.findall(html) == [("expiring", str(world["kukar"].pk))]
    assert "Ends in 5 days" in html and "≤7" in html
    assert "Days left" in html and "Reminder (days before)" in html
    assert world["kukar"].title in html and f"/kerja-sama/{world['kukar'].pk}/" in html


def test_a_filter_that_cannot_be_read_is_reported_and_ignored(client, admin_user, world):
    client.force_login(admin_user)
    response = client.get(PAGE, {"as_of": AS_OF.isoformat(), "region": "99.99"})
    assert 'class="error-summary"' in response.content.decode()
    assert shown(client, region="99.99") == shown(client)


def test_navigation_links_the_page_for_signed_in_users_only(client, viewer):
    assert f'href="{PAGE}"' not in client.get("/").content.decode()
    client.force_login(viewer)
    assert f'href="{PAGE}"' in client.get("/").content.decode()


def test_the_agreement_page_shows_its_flags_today(client):
    today = timezone.localdate()
    ending = in_force(end_on=today + days(20), signed_on=today - days(400))
    response = client.get(f"/kerja-sama/{ending.pk}/")
    rules = set(re.findall(r'<li data-rule="(\w+)">', response.content.decode()))
    assert rules == {flag.rule for flag in health.flags_for(ending, today)}
    assert "expiring" in rules
    quiet = in_force(signed_on=today, end_on=today + days(1000))
    assert 'id="h-health"' not in client.get(f"/kerja-sama/{quiet.pk}/").content.decode()


# API ----------------------------------------------------------------------------------------------


def api_flags(client, **params) -> set[tuple[int, str]]:
    response = client.get("/api/health/flags/", {"as_of": AS_OF.isoformat(), "page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {(row["agreement"], row["rule"]) for row in response.json()["results"]}


def test_api_flags_follow_the_registers_visibility(world, kukar_operator):
    client = APIClient()
    everyone = (world["kukar"], world["balikpapan"], world["unmul"])
    assert api_flags(client) == expected(world["kukar"], world["unmul"])  # anonymous: public ones
    client.force_login(kukar_operator)
    assert api_flags(client) == expected(world["kukar"], world["unmul"])  # public and its own
    client.force_login(make_user("api-admin", "admin"))
    assert api_flags(client) == expected(*everyone)
    assert api_flags(client, rule="dprd_missing", region="64.71") == expected(
        world["balikpapan"], rules=["dprd_missing"]
    )


def test_api_flags_answer_with_the_schema_fields_and_refuse_bad_filters(world, admin_user):
    client = APIClient()
    client.force_login(admin_user)
    body = client.get("/api/health/flags/", {"as_of": AS_OF.isoformat(), "page_size": 2}).json()
    components = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["components"]["schemas"]
    assert set(body) == {"count", "next", "previous", "results"} and len(body["results"]) == 2
    assert body["count"] == len(health.evaluate(AS_OF))
    assert set(body["results"][0]) == set(components["HealthFlag"]["properties"])
    assert body["results"][0]["agreement_title"]
    for params in ({"region": "99.99"}, {"rule": "nope"}, {"as_of": "kemarin"}):
        response = client.get("/api/health/flags/", params)
        assert response.status_code == 400 and set(response.json()) == set(params)


def test_api_scores_of_visible_signed_agreements(world, admin_user):
    client = APIClient()
    response = client.get("/api/health/scores/", {"as_of": AS_OF.isoformat()})
    rows = {row["agreement"]: row for row in response.json()["results"]}
    assert set(rows) == {world["kukar"].pk, world["unmul"].pk}  # anonymous: public ones
    found = scores.scores(AS_OF)
    assert rows[world["unmul"].pk]["score"] == found[world["unmul"].pk].score
    assert rows[world["unmul"].pk]["parts"]["plan"] == 1.0
    client.force_login(admin_user)
    rows = client.get("/api/health/scores/", {"as_of": AS_OF.isoformat(), "page_size": 1}).json()
    assert rows["count"] == 3 and len(rows["results"]) == 1
    components = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["components"]["schemas"]
    assert set(rows["results"][0]) == set(components["HealthScore"]["properties"])


def test_api_rollups_count_every_agreement_like_the_statistics(world):
    client = APIClient()
    body = client.get("/api/health/rollups/", {"by": "region", "as_of": AS_OF.isoformat()}).json()
    rows = {row["key"]: row for row in body["rows"]}
    assert body["by"] == "region" and body["as_of"] == AS_OF.isoformat()
    assert rows["64"]["signed"] == 3  # the non-public one counts too: an aggregate shows no content
    assert rows["64.71"]["signed"] == 1
    numbers = ("signed", "in_force", "implemented", "mean_score")
    computed = {row["key"]: [row[name] for name in numbers] for row in scores.rollups("region", AS_OF)}
    assert {key: [row[name] for name in numbers] for key, row in rows.items()} == computed
    for by in ("perangkat_daerah", "urusan", "partner_type"):
        assert client.get("/api/health/rollups/", {"by": by}).status_code == 200
    assert client.get("/api/health/rollups/", {"by": "colour"}).status_code == 400
