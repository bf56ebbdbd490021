"""iCalendar feeds: RFC 5545 form, the events they carry, and who may read which agreements."""

import datetime as dt

import pytest
from django.utils import timezone

from kerjasama.agreements.choices import Stage
from kerjasama.agreements.models import Agreement
from kerjasama.monitoring import ical
from tests.builders import make_user
from tests.monitoring.health_data import days, in_force, period, report

pytestmark = pytest.mark.django_db


def unfold(body: str) -> list[str]:
    """Content lines of a feed, unfolded (RFC 5545 3.1)."""
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends in CRLF
    return body.replace("\r\n ", "").split("\r\n")[:-1]


def events(body: str) -> list[dict[str, str]]:
    """The VEVENTs of a feed as property dicts (parameters kept in the name, e.g. ``DTSTART;VALUE=DATE``)."""
    found, current = [], None
    for line in unfold(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _colon, value = line.partition(":")
            current[name] = value
    return found


def unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


# RFC 5545 -----------------------------------------------------------------------------------------


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "Perjanjian kerja sama pelayanan kesehatan — Kabupaten Kutai Kartanegara é " * 4
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_text_is_escaped():
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert unescape(ical.escape_text("PKS 1/2025, Dinas; Kesehatan\nbaris")) == "PKS 1/2025, Dinas; Kesehatan\nbaris"


def test_a_calendar_has_the_required_properties():
    event = ical.Event(
        uid="x-1@kerjasama", day=dt.date(2026, 1, 31), summary="Berakhir, PKS; uji", url="https://h/k/1/"
    )
    body = ical.render_calendar("Kerja sama", [event], stamp=dt.datetime(2025, 11, 18, 8, tzinfo=dt.UTC))
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert {"VERSION:2.0", "CALSCALE:GREGORIAN"} <= set(lines)
    assert any(line.startswith("PRODID:") for line in lines)
    (found,) = events(body)
    assert found["UID"] == "x-1@kerjasama"
    assert found["DTSTAMP"] == "20251118T080000Z"
    assert (found["DTSTART;VALUE=DATE"], found["DTEND;VALUE=DATE"]) == ("20260131", "20260201")
    assert unescape(found["SUMMARY"]) == "Berakhir, PKS; uji"
    assert found["URL"] == "https://h/k/1/"


# Events -------------------------------------------------------------------------------------------


def test_events_are_last_days_in_force_and_missing_reports_within_the_window():
    today = timezone.localdate()
    ending = in_force(end_on=today + days(45), title="PKS akhir uji")
    period(ending, "Kota Balikpapan", today - days(200), today - days(20), today + days(10))
    period(ending, "Pemprov Kaltim", today - days(200), today - days(20), today + days(10))
    answered = period(ending, "Kota Balikpapan", today - days(400), today - days(201), today - days(5))
    report(ending, "Kota Balikpapan", answered.period_start, answered.period_end, today - days(6))
    in_force(end_on=today + days(900), title="PKS jauh uji")  # beyond the window
    in_force(end_on=today + days(20), stage=Stage.SELESAI, title="PKS selesai uji")  # completed: no event
    found = ical.calendar_events(Agreement.objects.all(), base_url="https://kerjasama.test")
    by_uid = {event.uid: event for event in found}
    end_uid = f"berakhir-{ending.pk}-{today + days(45):%Y%m%d}@kerjasama"
    report_uid = f"laporan-{ending.pk}-{today + days(10):%Y%m%d}@kerjasama"
    assert set(by_uid) == {end_uid, report_uid}
    assert by_uid[end_uid].url == f"https://kerjasama.test/kerja-sama/{ending.pk}/"
    assert "PKS akhir uji" in by_uid[end_uid].summary
    assert "Kota Balikpapan" in by_uid[report_uid].description and "Kalimantan Timur" in by_uid[report_uid].description
    assert [event.day for event in found] == sorted(event.day for event in found)


# Feeds and access ---------------------------------------------------------------------------------


@pytest.fixture
def feeds_world(db):
    today = timezone.localdate()
    return {
        "kukar": in_force(parties=("Pemprov Kaltim", "Kukar"), end_on=today + days(30), title="PKS Kukar feed"),
        "hidden": in_force(
            parties=("Pemprov Kaltim", "Kukar"), end_on=today + days(31), is_public=False, title="PKS Kukar rahasia"
        ),
        "balikpapan": in_force(
            parties=("Pemprov Kaltim", "Kota Balikpapan"), end_on=today + days(32), title="PKS Balikpapan feed"
        ),
    }


def feed_titles(response) -> set[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode("utf-8")
    return {unescape(event["SUMMARY"]) for event in events(body)}


def user_feed(client, user):
    return client.get(f"/kalender/{ical.feed_token(user)}.ics")


def has(titles: set[str], agreement) -> bool:
    return any(agreement.title in title for title in titles)


def test_an_operators_feed_has_its_own_agreements_only(client, kukar_operator, feeds_world):
    titles = feed_titles(user_feed(client, kukar_operator))
    assert has(titles, feeds_world["kukar"]) and has(titles, feeds_world["hidden"])
    assert not has(titles, feeds_world["balikpapan"])  # public, but not its party's


def test_an_admins_feed_has_every_agreement(client, admin_user, feeds_world):
    titles = feed_titles(user_feed(client, admin_user))
    assert all(has(titles, agreement) for agreement in feeds_world.values())


def test_a_token_stops_working_when_the_password_changes_or_the_user_is_deactivated(client, feeds_world):
    user = make_user("feed-reader", "peninjau")
    token = ical.feed_token(user)
    assert client.get(f"/kalender/{token}.ics").status_code == 200
    assert client.get(f"/kalender/{token[:-2]}xx.ics").status_code == 404  # forged signature
    other = make_user("feed-other", "peninjau")
    assert ical.user_for_token(ical.feed_token(other)) == other
    user.set_password("another-pass-456")
    user.save()
    assert client.get(f"/kalender/{token}.ics").status_code == 404
    token = ical.feed_token(user)
    user.is_active = False
    user.save()
    assert client.get(f"/kalender/{token}.ics").status_code == 404


def test_the_region_feed_is_public_and_shows_public_agreements_only(client, feeds_world):
    titles = feed_titles(client.get("/kalender/wilayah/64.02.ics"))
    assert has(titles, feeds_world["kukar"])
    assert not has(titles, feeds_world["hidden"]) and not has(titles, feeds_world["balikpapan"])
    province = feed_titles(client.get("/kalender/wilayah/64.ics"))
    assert has(province, feeds_world["kukar"]) and has(province, feeds_world["balikpapan"])
    assert not has(province, feeds_world["hidden"])
    Agreement.objects.filter(pk=feeds_world["kukar"].pk).update(archived_at=timezone.now())
    assert not has(feed_titles(client.get("/kalender/wilayah/64.02.ics")), feeds_world["kukar"])
    assert client.get("/kalender/wilayah/99.99.ics").status_code == 404


def test_an_unchanged_feed_answers_not_modified(client, feeds_world):
    response = client.get("/kalender/wilayah/64.ics")
    again = client.get("/kalender/wilayah/64.ics", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    in_force(end_on=timezone.localdate() + days(3), title="PKS baru uji")
    assert client.get("/kalender/wilayah/64.ics", headers={"If-None-Match": response["ETag"]}).status_code == 200


def test_the_attention_page_offers_the_users_feed(client, viewer):
    client.force_login(viewer)
    html = client.get("/perlu-perhatian/").content.decode()
    assert f"/kalender/{ical.feed_token(viewer)}.ics" in html
