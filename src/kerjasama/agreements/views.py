"""Web UI views of the agreement register; thin: querysets restricted, rules in services."""

from django.views.generic import TemplateView

from kerjasama.agreements import stats


class HomeView(TemplateView):
    """Start page with the yearly counts."""

    template_name = "agreements/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["by_year"] = stats.by_year()
        return context
