"""Service-access API: service points (read by all, written by the province admin), the nearest point
a resident may use (public), and the gap analysis (signed-in users, as JSON or CSV).
"""

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from kerjasama.access import services
from kerjasama.access.api import serializers
from kerjasama.access.filtersets import ServicePointFilterSet
from kerjasama.access.gaps import find_gaps, gaps_csv
from kerjasama.access.geo import region_index
from kerjasama.access.models import ServicePoint
from kerjasama.access.nearest import OriginError, UnknownService, nearest_service, resolve_origin
from kerjasama.core.api.views import RestrictedModelViewSet

ERROR_400 = OpenApiResponse(
    OpenApiTypes.OBJECT, description=gettext_lazy("Messages keyed by the parameter or field they are about.")
)


class ServicePointViewSet(RestrictedModelViewSet):
    """Service points. Everyone reads; only the province admin creates, replaces (PUT) or deletes them.

    Filters: ``?layanan=adminduk``, ``?wilayah=64.02`` (any level), ``?penyelenggara=64``,
    ``?lokasi_perkiraan=true``, ``?source=contoh_sintetis``, ``?q=`` (name or address).
    """

    queryset = ServicePoint.objects.with_related()
    serializer_class = serializers.ServicePointSerializer
    filterset_class = ServicePointFilterSet
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("create", "update"):
            return serializers.ServicePointWriteSerializer
        return super().get_serializer_class()

    def _saved(self, point: ServicePoint, status_code: int) -> Response:
        point = self.queryset.get(pk=point.pk)
        return Response(serializers.ServicePointSerializer(point).data, status=status_code)

    @extend_schema(
        request=serializers.ServicePointWriteSerializer,
        responses={201: serializers.ServicePointSerializer, 400: ERROR_400},
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            point = services.save_point(body.validated_data["data"])
        except IntegrityError as exc:
            raise ValidationError({"name": [str(exc)]}) from exc
        return self._saved(point, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ServicePointWriteSerializer,
        responses={200: serializers.ServicePointSerializer, 400: ERROR_400},
    )
    def update(self, request, *args, **kwargs):
        point = self.get_object()
        body = self.get_serializer(point, data=request.data)
        body.is_valid(raise_exception=True)
        try:
            point = services.save_point(body.validated_data["data"], point)
        except IntegrityError as exc:
            raise ValidationError({"name": [str(exc)]}) from exc
        return self._saved(point, status.HTTP_200_OK)

    def perform_destroy(self, instance):
        services.delete_point(instance)


def _valid(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class NearestView(APIView):
    """The nearest service point a resident may use on a day, and why.

    Give the resident's ``desa`` code, ``kecamatan`` code, or ``lat`` and ``lon``; ``layanan`` is the
    service type code; ``tanggal`` the day (default today). Public: an agreement the user may not see
    still counts, but is named only as "cooperation agreement (not published)".
    """

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[serializers.NearestQuerySerializer],
        responses={200: serializers.NearestAnswerSerializer, 400: ERROR_400},
    )
    def get(self, request):
        query = _valid(serializers.NearestQuerySerializer, request)
        try:
            origin = resolve_origin(
                desa=query.get("desa"), kecamatan=query.get("kecamatan"), lat=query.get("lat"), lon=query.get("lon")
            )
        except OriginError as exc:
            raise ValidationError({"desa": [str(exc)]}) from exc
        try:
            answer = nearest_service(
                origin, query["layanan"].strip(), query.get("tanggal") or timezone.localdate(), user=request.user
            )
        except UnknownService as exc:
            raise ValidationError({"layanan": [str(exc)]}) from exc
        return Response(serializers.NearestAnswerSerializer(answer.to_dict()).data)


class GapsCsvRenderer(BaseRenderer):
    """The gap report as CSV (``?format=csv``): one row per candidate agreement and desa."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, dict) or "candidates" not in data:  # an error body
            lines = [
                f"{key},{'; '.join(map(str, value if isinstance(value, list) else [value]))}"
                for key, value in (data or {}).items()
            ]
            return ("\n".join(lines) + "\n").encode(self.charset)
        response = renderer_context.get("response") if renderer_context else None
        if response is not None:
            name = f"celah-layanan-{data['service']['code']}-{data['date']}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return gaps_csv(data).encode(self.charset)


class GapsView(APIView):
    """Gaps in service access: desa whose nearest point they may not use, as ranked candidate agreements.

    For signed-in users (officials): it shows where agreements are missing, which is planning work.
    ``?format=csv`` gives a spreadsheet with one row per candidate and desa.
    """

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, GapsCsvRenderer]

    @extend_schema(
        parameters=[
            serializers.GapsQuerySerializer,
            OpenApiParameter("format", str, enum=["json", "csv"], description=gettext_lazy("Response format.")),
        ],
        responses={
            (200, "application/json"): serializers.GapReportSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            400: ERROR_400,
        },
    )
    def get(self, request, format=None):  # noqa: A002 (DRF passes the format suffix by this name)
        query = _valid(serializers.GapsQuerySerializer, request)
        within = query.get("wilayah", "64").strip()
        within = None if within in ("", "semua", "all") else within
        if within is not None and within not in region_index().names:
            raise ValidationError({"wilayah": [gettext("Unknown region code %(code)s.") % {"code": within}]})
        csv_wanted = request.accepted_renderer.format == "csv"
        try:
            report = find_gaps(query["layanan"].strip(), query.get("tanggal") or timezone.localdate(), within)
        except UnknownService as exc:
            raise ValidationError({"layanan": [str(exc)]}) from exc
        data = report.to_dict(with_desa=query.get("desa", True) or csv_wanted)
        return Response(data if csv_wanted else serializers.GapReportSerializer(data).data)
