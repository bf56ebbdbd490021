"""API endpoints for reference data: read by everyone, written by the province admin.

GET answers carry an ETag (a hash of the body) and answer 304 to a matching ``If-None-Match``
(``core/api/conditional.py``); reference data records no modification time, so no Last-Modified.
"""

from kerjasama.core.api.conditional import ConditionalGetMixin
from kerjasama.core.api.views import ChangeLoggedViewSetMixin, RestrictedModelViewSet, RestrictedReadOnlyViewSet
from kerjasama.regions.api import serializers
from kerjasama.regions.filtersets import PartnerFilterSet, PihakFilterSet, RegionFilterSet
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak, Region, ServiceType, Urusan


class RegionViewSet(ConditionalGetMixin, RestrictedReadOnlyViewSet):
    """Regions by Kemendagri code; ``?within=64.02`` lists a region and everything inside it."""

    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilterSet
    lookup_value_regex = r"[0-9.]+"


class PartnerViewSet(ConditionalGetMixin, ChangeLoggedViewSetMixin, RestrictedModelViewSet):
    """Third-party partners (universities, ministries, enterprises, firms, NGOs, foreign bodies)."""

    queryset = Partner.objects.select_related("pihak")
    serializer_class = serializers.PartnerSerializer
    filterset_class = PartnerFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class PihakViewSet(ConditionalGetMixin, RestrictedReadOnlyViewSet):
    """Parties: every region government and partner, by id."""

    queryset = Pihak.objects.select_related("partner")
    serializer_class = serializers.PihakSerializer
    filterset_class = PihakFilterSet


class UrusanViewSet(ConditionalGetMixin, RestrictedReadOnlyViewSet):
    """The 32 urusan pemerintahan."""

    queryset = Urusan.objects.all()
    serializer_class = serializers.UrusanSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9.]+"
    pagination_class = None


class ServiceTypeViewSet(ConditionalGetMixin, RestrictedReadOnlyViewSet):
    """Service types agreements can open."""

    queryset = ServiceType.objects.select_related("urusan")
    serializer_class = serializers.ServiceTypeSerializer
    lookup_field = "code"
    pagination_class = None


class PerangkatDaerahViewSet(ConditionalGetMixin, RestrictedReadOnlyViewSet):
    """Regional government units (OPD)."""

    queryset = PerangkatDaerah.objects.all()
    serializer_class = serializers.PerangkatDaerahSerializer
