"""Public portal pages: thin views over :mod:`kerjasama.portal.services` (cached aggregates)."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.cache import ConditionalPageMixin
from kerjasama.core.choices import Source
from kerjasama.portal import services
from kerjasama.regions.models import Region

RECENT = 10  # agreements listed on a region page (the list page holds the rest)


def chart_data(dashboard: dict, headline: dict) -> dict:
    """What portal-charts.js draws: labels and series per chart, with the series names translated."""
    signed, in_force, implemented = _("Signed"), _("In force"), _("Implemented")
    years = dashboard["by_year"]
    regions = dashboard["by_region"]
    return {
        "by_year": {
            "type": "bar",
            "labels": [str(row["year"]) for row in years],
            "series": [{"name": _("Agreements signed"), "values": [row["count"] for row in years]}],
            # The current year is incomplete: drawn in the accent colour, named so in the caption.
            "highlight": [row["year"] == headline["year"] for row in years],
        },
        "implementation": {
            "type": "bar",
            "labels": [str(row["year"]) for row in dashboard["implementation"]],
            "series": [
                {"name": name, "values": [row.get(key, 0) for row in dashboard["implementation"]]}
                for key, name in (("signed", signed), ("in_force", in_force), ("implemented", implemented))
            ],
        },
        "by_region": {
            "type": "bar",
            "horizontal": True,
            "labels": [row["label"] for row in regions],
            "series": [
                {"name": name, "values": [row[key] for row in regions]}
                for key, name in (("signed", signed), ("in_force", in_force), ("implemented", implemented))
            ],
        },
        "by_partner_type": {
            "type": "bar",
            "horizontal": True,
            "labels": [row["label"] for row in dashboard["by_partner_type"]],
            "series": [{"name": _("Agreements"), "values": [row["count"] for row in dashboard["by_partner_type"]]}],
        },
        "by_urusan": {
            "type": "bar",
            "horizontal": True,
            "labels": [row["label"] for row in dashboard["by_urusan"]],
            "series": [{"name": _("Agreements"), "values": [row["count"] for row in dashboard["by_urusan"]]}],
        },
    }


class PortalPage(ConditionalPageMixin, TemplateView):
    """A portal page on the reference day (today, or the demo's day on a demo-only register)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day, demo = services.reference_day()
        context.update(
            day=day,
            demo_day=demo,
            has_synthetic=Agreement.objects.filter(source=Source.SINTETIS).exists(),
        )
        return context


class HomeView(PortalPage):
    """Dashboard: the headline of this year against the five before, and the charts behind it."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = context["day"]
        dashboard = services.cached_dashboard(day)
        headline = services.cached_headline(day)
        context.update(
            headline=headline,
            dashboard=dashboard,
            totals=dashboard["totals"],
            chart_data=chart_data(dashboard, headline),
        )
        return context


class NetworkView(PortalPage):
    """The cooperation network on the Kaltim map, with the most and least connected regions."""

    template_name = "portal/network.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = services.cached_network(context["day"])
        context.update(
            network=data,
            ranking=data["ranking"],
            unplaced=[node for node in data["nodes"] if node["lat"] is None],
            outside=[node for node in data["nodes"] if node["kind"] == "region" and not node["in_kaltim"]],
            network_map={
                "nodes": data["nodes"],
                "links": data["links"],
                "words": {"agreements": _("agreements"), "counterparts": _("parties linked")},
            },
        )
        return context


class RegionListView(PortalPage):
    """The province and its kabupaten/kota with their agreement counts."""

    template_name = "portal/regions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["regions"] = services.cached_region_index(context["day"])
        return context


class RegionDetailView(PortalPage):
    """One Kaltim kabupaten/kota (or the province): agreements, partners, health and service gaps."""

    template_name = "portal/region.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.kwargs["code"]
        names = dict(services.kaltim_regions())
        if code not in names:
            raise Http404("Not a Kaltim region")
        region = Region.objects.get(code=code)
        day = context["day"]
        recent = (
            Agreement.objects.restrict(self.request.user, "view")
            .involving_region(code)
            .filter(archived_at__isnull=True)
            .with_validity(day)
            .prefetch_related(Prefetch("parties", queryset=AgreementParty.objects.select_related("pihak")))
            .order_by("-signed_on", "-pk")[:RECENT]
        )
        context.update(
            region=region,
            region_name=names[code],
            summary=services.cached_region_summary(code, day),
            recent=list(recent),
        )
        return context
