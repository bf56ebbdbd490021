"""Agreement API: list and filter, create and edit through the services, transitions, history, stats."""

from django.db.models import Prefetch
from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kerjasama.agreements import lifecycle, services, stats
from kerjasama.agreements.api import serializers
from kerjasama.agreements.filtersets import AgreementFilterSet
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.core.api.views import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from kerjasama.core.changelog import history_for
from kerjasama.core.querysets import CHANGE, DELETE, VIEW


def _problems_to_errors(problems) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if not problem.warning:
            errors.setdefault(problem.field, []).append(problem.message)
    return errors


class AgreementViewSet(RestrictedModelViewSet):
    """Agreements. Lists hide archived ones unless ``?archived=true``; DELETE archives (undo with /restore/)."""

    queryset = Agreement.objects.select_related("perangkat_daerah", "parent", "amends").prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("pihak__partner")),
        "urusan",
        "service_types",
        "service_areas",
    )
    serializer_class = serializers.AgreementSerializer
    filterset_class = AgreementFilterSet
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["on"] = parse_date(self.request.query_params.get("on") or "")
        return context

    def get_serializer_class(self):
        if self.action in ("create", "update"):
            return serializers.AgreementWriteSerializer
        return super().get_serializer_class()

    def _respond(self, result, status_code):
        agreement = self.queryset.get(pk=result.agreement.pk)
        data = serializers.AgreementSerializer(agreement, context=self.get_serializer_context()).data
        data["warnings"] = [{"field": p.field, "message": p.message} for p in result.warnings]
        return Response(data, status=status_code)

    @extend_schema(request=serializers.AgreementWriteSerializer, responses=serializers.AgreementSerializer)
    def create(self, request, *args, **kwargs):
        body = serializers.AgreementWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = services.create_agreement(body.to_data(), user=request.user)
        except services.AgreementValidationError as exc:
            raise ValidationError(_problems_to_errors(exc.problems)) from exc
        return self._respond(result, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.AgreementWriteSerializer, responses=serializers.AgreementSerializer)
    def update(self, request, *args, **kwargs):
        agreement = self.get_object()
        body = serializers.AgreementWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = services.update_agreement(agreement, body.to_data(), user=request.user)
        except services.AgreementValidationError as exc:
            raise ValidationError(_problems_to_errors(exc.problems)) from exc
        return self._respond(result, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        agreement = self.get_object()
        try:
            services.archive_agreement(agreement, user=request.user, message=request.query_params.get("note", ""))
        except services.PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=serializers.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Undo an archive."""
        agreement = self.get_object()
        try:
            services.restore_agreement(agreement, user=request.user)
        except services.PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        agreement = self.queryset.get(pk=agreement.pk)
        return Response(serializers.AgreementSerializer(agreement, context=self.get_serializer_context()).data)

    @extend_schema(request=serializers.TransitionRequestSerializer, responses=serializers.TransitionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the agreement to another lifecycle stage, with a note (required to reject or terminate)."""
        agreement = self.get_object()
        body = serializers.TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            record = lifecycle.transition(
                agreement,
                body.validated_data["to"],
                user=request.user,
                note=body.validated_data["note"],
                on_date=body.validated_data["date"],
            )
        except lifecycle.TransitionError as exc:
            raise ValidationError({"to": exc.messages}) from exc
        return Response(serializers.TransitionSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.TransitionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transitions(self, request, pk=None):
        """The agreement's lifecycle timeline, oldest first."""
        agreement = self.get_object()
        return Response(serializers.TransitionSerializer(agreement.transitions.all(), many=True).data)

    @extend_schema(responses=serializers.ChangeSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def history(self, request, pk=None):
        """The change log of the agreement and its parties (signed-in users only)."""
        agreement = self.get_object()
        page = self.paginate_queryset(history_for(agreement))
        return self.get_paginated_response(serializers.ChangeSerializer(page, many=True).data)

    def filter_queryset(self, queryset):
        # Filters (which hide archived agreements) apply to lists, not to one agreement by id.
        if self.action == "list":
            return super().filter_queryset(queryset)
        return queryset

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("restore",):
            return Agreement.objects.restrict(self.request.user, DELETE)
        if self.action == "transition":
            return Agreement.objects.restrict(self.request.user, CHANGE)
        if self.action in ("transitions", "history"):
            return Agreement.objects.restrict(self.request.user, VIEW)
        return queryset


class TransitionViewSet(RestrictedReadOnlyViewSet):
    """Every recorded stage change of the agreements the user may see; ``?agreement=ID`` for one."""

    queryset = AgreementTransition.objects.all().order_by("-at", "-id")
    serializer_class = serializers.TransitionSerializer
    filterset_fields = ("agreement", "to_stage")


STATS_PARAMETERS = [
    OpenApiParameter("region", str, description="Region code; includes the regions inside it"),
    OpenApiParameter("category", str),
    OpenApiParameter("urusan", str, description="Urusan code"),
    OpenApiParameter("partner_type", str),
    OpenApiParameter("year", int),
]
STATS_FILTERS = ("region", "category", "urusan", "partner_type", "year", "document_type", "stage")


class StatsView(APIView):
    """Base for statistics: the agreement filters for structured fields apply (not free text)."""

    function = None

    def filtered(self, request):
        params = {key: request.query_params.getlist(key) for key in STATS_FILTERS if key in request.query_params}
        flat = {key: values if len(values) > 1 else values[0] for key, values in params.items()}
        filterset = AgreementFilterSet(flat, queryset=Agreement.objects.all())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    def get(self, request):
        return Response(type(self).function(self.filtered(request)))


@extend_schema(parameters=STATS_PARAMETERS, responses=serializers.YearCountSerializer(many=True))
class AgreementsByYearView(StatsView):
    """Agreements by signing year: ``[{"year": 2025, "count": 208}, ...]``."""

    function = staticmethod(stats.by_year)


@extend_schema(parameters=STATS_PARAMETERS, responses=serializers.KeyCountSerializer(many=True))
class AgreementsByUrusanView(StatsView):
    """Agreements per urusan (an agreement counts once per urusan it covers)."""

    function = staticmethod(stats.by_urusan)


@extend_schema(parameters=STATS_PARAMETERS, responses=serializers.KeyCountSerializer(many=True))
class AgreementsByCategoryView(StatsView):
    """Agreements per category."""

    function = staticmethod(stats.by_category)


@extend_schema(parameters=STATS_PARAMETERS, responses=serializers.KeyCountSerializer(many=True))
class AgreementsByPartnerTypeView(StatsView):
    """Agreements with a partner of each type, and those between regions only."""

    function = staticmethod(stats.by_partner_type)
