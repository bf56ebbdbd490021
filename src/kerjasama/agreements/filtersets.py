"""One FilterSet for the agreement list page and the API list: the same filters everywhere."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from kerjasama.agreements.choices import Category, DocumentType, Stage, Validity
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.choices import Source
from kerjasama.regions.choices import PartnerType
from kerjasama.regions.models import Urusan
from kerjasama.search.backends import search_agreements

# A ``partner_type`` value for agreements without any third party: between regional governments only
# (the "antar daerah" row of ``stats.by_partner_type``).
REGIONS_ONLY = "antar_daerah"
PARTNER_TYPE_CHOICES = [*PartnerType.choices, (REGIONS_ONLY, _("Between regions only"))]


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering that ends with the id, so rows that tie (same signing date, same title) keep one order
    and pages neither repeat nor skip them."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return qs  # the model's ordering already ends with the id
        ordering = list(qs.query.order_by)
        if not any(key.lstrip("-") in ("id", "pk") for key in ordering):
            ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
        return qs.order_by(*ordering)


class AgreementFilterSet(django_filters.FilterSet):
    """Filters: text, party, region (with everything inside it), partner type (or ``antar_daerah``: no
    third party), urusan, category, document type, stage, validity on a date, signing year, source, public,
    archived, and ``updated_since`` (changed at or after a moment: harvesters sync with it)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    pihak = django_filters.NumberFilter(label=_("Party"), method="filter_pihak")
    region = django_filters.CharFilter(label=_("Region (code, includes what lies inside)"), method="filter_region")
    partner_type = django_filters.ChoiceFilter(
        label=_("Partner type"), choices=PARTNER_TYPE_CHOICES, method="filter_partner_type"
    )
    urusan = django_filters.ModelChoiceFilter(
        label=_("Urusan"), queryset=Urusan.objects.all(), to_field_name="code", method="filter_urusan"
    )
    category = django_filters.MultipleChoiceFilter(label=_("Category"), choices=Category.choices)
    document_type = django_filters.MultipleChoiceFilter(label=_("Document type"), choices=DocumentType.choices)
    stage = django_filters.MultipleChoiceFilter(label=_("Stage"), choices=Stage.choices)
    validity = django_filters.ChoiceFilter(label=_("Validity"), choices=Validity.choices, method="filter_validity")
    on = django_filters.DateFilter(label=_("Validity on date"), method="filter_noop")
    year = django_filters.NumberFilter(label=_("Year signed"), method="filter_year")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    is_public = django_filters.BooleanFilter(label=_("Public"))
    archived = django_filters.BooleanFilter(label=_("Archived"), method="filter_archived")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed at or after (ISO 8601 date and time, e.g. 2025-11-18T08:00:00+08:00)"),
    )
    ordering = StableOrderingFilter(
        label=_("Order by"),
        fields=(("signed_on", "signed_on"), ("end_on", "end_on"), ("title", "title"), ("id", "id")),
    )

    class Meta:
        model = Agreement
        fields = ()

    def filter_queryset(self, queryset):
        # Archived agreements stay out of lists unless asked for.
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_archived(self, queryset, name, value):
        if value:
            return queryset.filter(archived_at__isnull=False)
        return queryset

    def filter_text(self, queryset, name, value):
        # Full-text search (kerjasama.search), best matches first; an ``ordering`` given as well
        # is applied after this filter and wins.
        return search_agreements(queryset, value)

    def filter_pihak(self, queryset, name, value):
        return queryset.with_party(value)

    def filter_region(self, queryset, name, value):
        return queryset.involving_region(value.strip())

    def filter_partner_type(self, queryset, name, value):
        if value == REGIONS_ONLY:
            partners = AgreementParty.objects.filter(agreement=OuterRef("pk"), pihak__partner__isnull=False)
            return queryset.exclude(Exists(partners))
        return queryset.with_partner_type(value)

    def filter_urusan(self, queryset, name, value):
        # One urusan covers a few percent of the agreements: starting from its links lets SQLite look
        # up just those agreements, where a correlated EXISTS would test every agreement in turn.
        links = Agreement.urusan.through.objects.filter(urusan_id=value.pk)
        return queryset.filter(pk__in=links.values("agreement_id"))

    def filter_validity(self, queryset, name, value):
        day = self.form.cleaned_data.get("on") or timezone.localdate()
        return queryset.validity_on(value, day)

    def filter_year(self, queryset, name, value):
        return queryset.signed_in_year(int(value))
