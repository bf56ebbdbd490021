"""Filters for service point lists (API now, the "Layanan terdekat" page later)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kerjasama.access.models import ServicePoint
from kerjasama.core.choices import Source


class ServicePointFilterSet(django_filters.FilterSet):
    """Points by service, region (any level, by code), approximate location, source and name."""

    layanan = django_filters.CharFilter(label=_("Service (code)"), field_name="service_type__code")
    wilayah = django_filters.CharFilter(label=_("Inside region (code)"), method="filter_within")
    penyelenggara = django_filters.CharFilter(label=_("Operator (region code)"), field_name="operator_id")
    lokasi_perkiraan = django_filters.BooleanFilter(label=_("Approximate location"), field_name="is_approximate")
    source = django_filters.MultipleChoiceFilter(label=_("Source"), choices=Source.choices)
    q = django_filters.CharFilter(label=_("Name or address"), method="filter_text")

    class Meta:
        model = ServicePoint
        fields = ()

    def filter_within(self, queryset, name, value):
        return queryset.within(value.strip())

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))
