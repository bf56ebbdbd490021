"""The "Perlu perhatian" (needs attention) page and the iCalendar feeds; thin: rules in health.py, ical.py."""

from collections import Counter

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.querysets import VIEW
from kerjasama.monitoring import health, ical
from kerjasama.monitoring.health_filters import HealthFilterForm, attention_agreements
from kerjasama.regions.models import Region

PAGE_SIZE = 50


def _base_url(request) -> str:
    """``https://host`` for links in feeds: the configured site address, else the request's."""
    return settings.KERJASAMA.get("SITE_URL") or request.build_absolute_uri("/").rstrip("/")


class AttentionView(LoginRequiredMixin, View):
    """Agreements that need attention on a day and why: operators their own, everyone else all they see.

    Lists exactly what ``kerjasama check`` lists for the same day and scope: both call ``health.evaluate``.
    """

    def get(self, request):
        form = HealthFilterForm(request.GET or None).for_page()
        if form.is_bound:
            form.is_valid()
        as_of = form.as_of_day()
        flags = health.evaluate(as_of, form.apply(attention_agreements(request.user)), rules=form.rules())
        counts = Counter(flag.rule for flag in flags)
        page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
        ids = {flag.agreement_id for flag in page.object_list}
        parties = Prefetch("parties", queryset=AgreementParty.objects.select_related("pihak"))
        agreements = Agreement.objects.filter(pk__in=ids).prefetch_related(parties).in_bulk()
        token = ical.feed_token(request.user)
        today = timezone.localdate()
        today_query = request.GET.copy()
        today_query.pop("page", None)
        today_query["as_of"] = today.isoformat()
        context = {
            "form": form,
            "as_of": as_of,
            "is_today": as_of == today,
            # A demo-only register is judged on the day its data describes, and says so (health.default_as_of).
            "demo_notice": health.demo_notice(as_of) if form.demo_default() else "",
            "today_query": today_query.urlencode(),
            "page": page,
            "rows": [(flag, agreements.get(flag.agreement_id)) for flag in page.object_list],
            "total": len(flags),
            "summary": [
                {"rule": rule, "count": counts[code], "code": code}
                for code, rule in health.RULES.items()
                if counts[code]
            ],
            "calendar_url": request.build_absolute_uri(reverse("monitoring-calendar-user", args=[token])),
        }
        return render(request, "monitoring/attention.html", context)


def _calendar_response(request, name: str, agreements) -> HttpResponse:
    events = ical.calendar_events(agreements, base_url=_base_url(request))
    body = ical.render_calendar(name, events)
    tag = ical.etag(body)
    if request.headers.get("If-None-Match") == tag:
        return HttpResponseNotModified(headers={"ETag": tag})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = tag
    response["Content-Disposition"] = 'inline; filename="kerjasama.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


class UserCalendarView(View):
    """A user's feed at a secret address: the agreements of the user's "Perlu perhatian" page."""

    def get(self, request, token: str):
        user = ical.user_for_token(token)
        if user is None:
            raise Http404(_("Unknown calendar address."))
        name = _("Cooperation agreements — %(user)s") % {"user": user.get_full_name() or user.get_username()}
        return _calendar_response(request, name, attention_agreements(user))


class RegionCalendarView(View):
    """Public feed of a region: public agreements with a party that is the region or lies inside it."""

    def get(self, request, code: str):
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404(_("Unknown region code."))
        agreements = Agreement.objects.restrict(AnonymousUser(), VIEW).involving_region(region.code)
        name = _("Cooperation agreements — %(region)s") % {"region": region.name}
        return _calendar_response(request, name, agreements)
