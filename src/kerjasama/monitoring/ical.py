"""iCalendar (RFC 5545) feeds of agreements' last days in force and implementation report deadlines.

Two feeds, both plain ``text/calendar`` that calendar applications subscribe to:

- ``/kalender/<token>.ics``: a user's own feed, with what the "Perlu perhatian" page shows that user
  (operators: their party's agreements; admin, TKKSD and viewers: every agreement they may see).
  The token is signed with ``SECRET_KEY`` (``django.core.signing``) and carries a fingerprint of
  the user's password hash, so changing the password revokes the old address; a deactivated user's
  feed answers 404. No table is needed.
- ``/kalender/wilayah/<code>.ics``: anyone, public non-archived agreements with a party that is the
  region ``code`` or lies inside it (``64`` gives the whole province).

Events are all-day: the agreement's last day in force (end or termination date), and each report
deadline still without a report (one event per agreement and due day, naming the parties). The
window runs from CALENDAR_PAST_DAYS before today to CALENDAR_FUTURE_DAYS after it.

Written by hand, not with the ``icalendar`` package: the feed uses a small part of RFC 5545
(VCALENDAR, all-day VEVENTs, TEXT escaping, 75-octet line folding, CRLF), which fits in this module
and is checked by tests; a dependency would add more than it saves.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kerjasama.agreements.lifecycle import FINAL
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.monitoring.health import health_setting
from kerjasama.monitoring.models import ImplementationReport, ReportingPeriod

__all__ = ("Event", "calendar_events", "feed_token", "render_calendar", "user_for_token")

SIGNING_SALT = "kerjasama.monitoring.calendar"  # namespaces the signature, not a secret
PRODID = "-//Biro Pemerintahan dan Otonomi Daerah Kaltim//kerjasama//ID"


# Tokens --------------------------------------------------------------------------------------------


def _fingerprint(user) -> str:
    """Changes when the password changes: a new password revokes the old feed address."""
    return salted_hmac(SIGNING_SALT, f"{user.pk}:{user.password}").hexdigest()[:16]


def feed_token(user) -> str:
    """The secret part of ``user``'s feed address (stable until the password or SECRET_KEY changes)."""
    return signing.Signer(salt=SIGNING_SALT).sign(f"{user.pk}.{_fingerprint(user)}")


def user_for_token(token: str):
    """The active user ``token`` was made for, or None (bad signature, old password, inactive user)."""
    try:
        value = signing.Signer(salt=SIGNING_SALT).unsign(token)
    except signing.BadSignature:
        return None
    pk, _sep, fingerprint = value.partition(".")
    if not pk.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None or not constant_time_compare(fingerprint, _fingerprint(user)):
        return None
    return user


# Events --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """An all-day calendar event."""

    uid: str
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""
    categories: str = ""


def window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of a feed's events."""
    today = today or timezone.localdate()
    past = int(health_setting("CALENDAR_PAST_DAYS") or 30)
    future = int(health_setting("CALENDAR_FUTURE_DAYS") or 400)
    return today - dt.timedelta(days=past), today + dt.timedelta(days=future)


def _link(base_url: str, pk: int) -> str:
    return f"{base_url.rstrip('/')}{reverse('kerjasama-detail', args=[pk])}" if base_url else ""


def _label(number: str, title: str) -> str:
    return f"{number} — {title}" if number else title


def calendar_events(agreements: QuerySet, today: dt.date | None = None, base_url: str = "") -> list[Event]:
    """Last days in force and open report deadlines of ``agreements`` within the window, by day.

    A fixed number of queries whatever the number of agreements. Archived and rejected agreements are
    left out; the end of a completed, extended or terminated agreement is no event any more. Events
    link to the agreement's page when ``base_url`` (``https://host``) is given.
    """
    first, last = window(today)
    base = agreements.filter(archived_at__isnull=True).exclude(stage="ditolak").order_by()
    ending = (
        base.exclude(stage__in=FINAL)
        .filter(signed_on__isnull=False)
        .filter(Q(end_on__gte=first, end_on__lte=last) | Q(terminated_on__gte=first, terminated_on__lte=last))
        .values_list("pk", "title", "end_on", "terminated_on")
    )
    answered = ImplementationReport.objects.filter(
        agreement=OuterRef("agreement"), pihak=OuterRef("pihak"), period_start=OuterRef("period_start")
    )
    periods = (
        ReportingPeriod.objects.filter(agreement__in=base.values("pk"), due_on__gte=first, due_on__lte=last)
        .filter(~Exists(answered))
        .order_by()
        .values_list("agreement_id", "due_on", "pihak__name", "period_start", "period_end")
    )
    ends = [
        (pk, title, min(day for day in (end_on, terminated_on) if day)) for pk, title, end_on, terminated_on in ending
    ]
    deadlines: dict[tuple[int, dt.date], list[tuple[str, dt.date, dt.date]]] = defaultdict(list)
    for pk, due_on, party, start, end in periods:
        deadlines[(pk, due_on)].append((party, start, end))
    numbers = _numbers({pk for pk, *_rest in ends} | {pk for pk, _day in deadlines})
    titles = dict(
        Agreement.objects.filter(pk__in=[pk for pk, _day in deadlines]).values_list("pk", "title") if deadlines else []
    )
    titles.update({pk: title for pk, title, _end in ends})

    events = []
    for pk, title, end in ends:
        if not first <= end <= last:
            continue
        events.append(
            Event(
                uid=f"berakhir-{pk}-{end:%Y%m%d}@kerjasama",
                day=end,
                summary=_("Last day in force: %(agreement)s") % {"agreement": _label(numbers.get(pk, ""), title)},
                description=_("The agreement “%(title)s” is in force until this day.") % {"title": title},
                url=_link(base_url, pk),
                categories=_("Expiry"),
            )
        )
    for (pk, due_on), items in deadlines.items():
        title = titles.get(pk, "")
        lines = [
            _("%(party)s: period %(start)s to %(end)s") % {"party": party, "start": start, "end": end}
            for party, start, end in sorted(items)
        ]
        events.append(
            Event(
                uid=f"laporan-{pk}-{due_on:%Y%m%d}@kerjasama",
                day=due_on,
                summary=_("Implementation report due: %(agreement)s")
                % {"agreement": _label(numbers.get(pk, ""), title)},
                description="\n".join([_("Reports not yet submitted:"), *lines]),
                url=_link(base_url, pk),
                categories=_("Report"),
            )
        )
    return sorted(events, key=lambda event: (event.day, event.uid))


def _numbers(ids: Iterable[int]) -> dict[int, str]:
    """The agreements' numbers joined as on their pages, one query (per 500)."""
    ids = sorted(ids)
    numbers: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        rows = (
            AgreementParty.objects.filter(agreement_id__in=ids[start : start + 500])
            .exclude(number="")
            .order_by("agreement_id", "order", "pk")
            .values_list("agreement_id", "number")
        )
        for pk, number in rows:
            numbers[pk].append(number)
    return {pk: " / ".join(found) for pk, found in numbers.items()}


# RFC 5545 ------------------------------------------------------------------------------------------


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into parts of at most 75 octets (RFC 5545 3.1), never splitting a character."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            current, size, limit = char, octets, 74  # continuation lines start with one space
        else:
            current += char
            size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def render_calendar(name: str, events: Iterable[Event], stamp: dt.datetime | None = None) -> str:
    """A VCALENDAR with ``events``, CRLF line ends and folded lines.

    ``stamp`` (DTSTAMP) defaults to the start of today in UTC, so the body, and its ETag, stay the
    same all day while nothing changes.
    """
    if stamp is None:
        stamp = dt.datetime.combine(timezone.localdate(), dt.time.min, tzinfo=dt.UTC)
    stamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.categories:
            lines.append(f"CATEGORIES:{escape_text(event.categories)}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def etag(body: str) -> str:
    """A strong validator of a feed body (feeds are polled often and change rarely)."""
    return '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'
