"""Filters for reference data lists (UI and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kerjasama.regions.choices import PartnerType, PihakKind, RegionLevel
from kerjasama.regions.models import Partner, Pihak, Region, within_code


class RegionFilterSet(django_filters.FilterSet):
    """Regions by level, parent, code prefix and name."""

    q = django_filters.CharFilter(label=_("Name or code"), method="filter_text")
    level = django_filters.MultipleChoiceFilter(choices=RegionLevel.choices)
    parent = django_filters.CharFilter(field_name="parent_id")
    within = django_filters.CharFilter(label=_("Inside region (code)"), method="filter_within")

    class Meta:
        model = Region
        fields = ()

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))

    def filter_within(self, queryset, name, value):
        return queryset.filter(within_code(value))


class PartnerFilterSet(django_filters.FilterSet):
    """Partners by type and name or alias."""

    q = django_filters.CharFilter(label=_("Name"), method="filter_text")
    partner_type = django_filters.MultipleChoiceFilter(choices=PartnerType.choices)

    class Meta:
        model = Partner
        fields = ()

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class PihakFilterSet(django_filters.FilterSet):
    """Parties by kind and name."""

    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(choices=PihakKind.choices)

    class Meta:
        model = Pihak
        fields = ()
