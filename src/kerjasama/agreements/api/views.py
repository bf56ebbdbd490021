"""Agreement API: list and filter, create and edit through the services, transitions, history, stats.

Permissions (``core/api/permissions.py``): rows the user may not see answer 404; rows the user may
see but not change (PUT), archive (DELETE), restore or move (transition) answer 403; writes without
a signed-in user answer 401.
"""

import django_filters
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kerjasama.agreements import lifecycle, services, stats
from kerjasama.agreements.api import serializers
from kerjasama.agreements.choices import Stage
from kerjasama.agreements.filtersets import AgreementFilterSet
from kerjasama.agreements.models import Agreement, AgreementTransition
from kerjasama.core.api.conditional import ConditionalGetMixin, query_key
from kerjasama.core.api.permissions import RestrictedPermission
from kerjasama.core.api.views import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from kerjasama.core.cache import cached
from kerjasama.core.changelog import history_for
from kerjasama.core.querysets import CHANGE, DELETE, TRANSITION


def _problems_to_errors(problems) -> dict[str, list[str]]:
    """Service problems as a DRF error body: messages keyed by field; warnings are left out."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if not problem.warning:
            errors.setdefault(problem.field, []).append(problem.message)
    return errors


ERROR_400 = OpenApiResponse(
    OpenApiTypes.OBJECT, description=gettext_lazy("Messages keyed by the field they are about.")
)
ON_PARAMETER = OpenApiParameter(
    "on", OpenApiTypes.DATE, description=gettext_lazy("Compute validity and days left for this day (default today).")
)


class AgreementViewSet(ConditionalGetMixin, RestrictedModelViewSet):
    """Agreements. Lists hide archived ones unless ``?archived=true``; DELETE archives (undo with /restore/).

    Answers carry ETag and Last-Modified: send them back (If-None-Match, If-Modified-Since) and an
    unchanged answer is a 304 without a body. To sync, page with ``?ordering=id&page_size=500`` and
    ask for ``?updated_since=`` your last run (docs/open-data.md).
    """

    # Parties, urusan, services and links are read for a whole page at once by the serializer
    # (serializers.load_for_reading), as plain values rather than model instances.
    queryset = Agreement.objects.select_related("perangkat_daerah")
    serializer_class = serializers.AgreementSerializer
    filterset_class = AgreementFilterSet
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    row_actions = {"update": CHANGE, "destroy": DELETE, "restore": DELETE, "transition": TRANSITION}
    last_modified_field = "updated_at"
    date_dependent = True  # validity and days left are for today unless ?on= names the day

    def _on(self):
        """The ``?on=`` day, validated: a bad date is a 400 on every action, not today in disguise."""
        value = self.request.query_params.get("on") if self.request is not None else None
        if not value:
            return None
        try:
            return drf_serializers.DateField().run_validation(value)
        except drf_serializers.ValidationError as exc:
            raise ValidationError({"on": exc.detail}) from exc

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["on"] = self._on()
        context["link_visibility"] = serializers.LinkVisibility(getattr(self.request, "user", None))
        return context

    def get_serializer_class(self):
        if self.action in ("create", "update"):
            return serializers.AgreementWriteSerializer
        return super().get_serializer_class()

    def filter_queryset(self, queryset):
        # Filters (which hide archived agreements) apply to lists, not to one agreement by id.
        if self.action == "list":
            return super().filter_queryset(queryset)
        return queryset

    def paginate_queryset(self, queryset):
        # A page's keys first, then its rows by key (core.api.pagination.CountedPaginator): on PostgreSQL
        # the signing-date index holds every column the filters test (migration agreements/0005).
        if self.action == "list":  # the history action pages change-log rows
            queryset.rows_by_key = lambda keys: self.queryset.all().in_bulk(keys)
        return super().paginate_queryset(queryset)

    def _read(self, pk: int, status_code: int = status.HTTP_200_OK, warnings=None) -> Response:
        """The agreement as read after a write; with ``warnings`` (create, update) they are included."""
        agreement = self.queryset.get(pk=pk)
        context = self.get_serializer_context()
        if warnings is None:
            return Response(serializers.AgreementSerializer(agreement, context=context).data, status=status_code)
        context["warnings"] = warnings
        return Response(serializers.AgreementSavedSerializer(agreement, context=context).data, status=status_code)

    @extend_schema(parameters=[ON_PARAMETER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[ON_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=serializers.AgreementWriteSerializer,
        responses={201: serializers.AgreementSavedSerializer, 400: ERROR_400},
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = services.create_agreement(body.to_data(), user=request.user)
        except services.AgreementValidationError as exc:
            raise ValidationError(_problems_to_errors(exc.problems)) from exc
        return self._read(result.agreement.pk, status.HTTP_201_CREATED, result.warnings)

    @extend_schema(
        request=serializers.AgreementWriteSerializer,
        responses={200: serializers.AgreementSavedSerializer, 400: ERROR_400},
        description=gettext_lazy("Replace the agreement's fields and parties; the stage is kept (see /transition/)."),
    )
    def update(self, request, *args, **kwargs):
        agreement = self.get_object()
        body = self.get_serializer(agreement, data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = services.update_agreement(agreement, body.to_data(), user=request.user)
        except services.AgreementValidationError as exc:
            raise ValidationError(_problems_to_errors(exc.problems)) from exc
        return self._read(result.agreement.pk, warnings=result.warnings)

    @extend_schema(
        parameters=[OpenApiParameter("note", str, description=gettext_lazy("Why it is archived (change log)."))],
        description=gettext_lazy("Archive the agreement (nothing is deleted); undo with /restore/."),
    )
    def destroy(self, request, *args, **kwargs):
        agreement = self.get_object()
        try:
            services.archive_agreement(agreement, user=request.user, message=request.query_params.get("note", ""))
        except services.PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=serializers.AgreementSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def restore(self, request, pk=None):
        """Undo an archive."""
        agreement = self.get_object()
        try:
            services.restore_agreement(agreement, user=request.user)
        except services.PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return self._read(agreement.pk)

    @extend_schema(
        request=serializers.StageMoveSerializer,
        responses={201: serializers.TransitionSerializer, 400: ERROR_400},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None):
        """Move the agreement to another lifecycle stage, with a note (required to reject or terminate).

        Which moves each role may make is ``lifecycle.TRANSITIONS``; a move the role may not make,
        or whose requirements are not met, answers 400 keyed ``to``.
        """
        agreement = self.get_object()
        body = serializers.StageMoveSerializer(data=request.data)
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
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def transitions(self, request, pk=None):
        """The agreement's lifecycle timeline, oldest first."""
        agreement = self.get_object()
        return Response(serializers.TransitionSerializer(agreement.transitions.all(), many=True).data)

    @extend_schema(responses=serializers.ChangeSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        permission_classes=[IsAuthenticated, RestrictedPermission],
    )
    def history(self, request, pk=None):
        """The change log of the agreement and its parties, newest first (signed-in users only)."""
        agreement = self.get_object()
        page = self.paginate_queryset(history_for(agreement))
        return self.get_paginated_response(serializers.ChangeSerializer(page, many=True).data)


class TransitionFilterSet(django_filters.FilterSet):
    """Stage changes by agreement id and target stage.

    The agreement is a plain number, not a choice among all agreements: an id the user may not
    see gives an empty list, exactly like an id that does not exist.
    """

    agreement = django_filters.NumberFilter(field_name="agreement_id", label=gettext_lazy("Agreement id"))
    to_stage = django_filters.ChoiceFilter(choices=Stage.choices, label=gettext_lazy("To stage"))

    class Meta:
        model = AgreementTransition
        fields = ()


class TransitionViewSet(RestrictedReadOnlyViewSet):
    """Every recorded stage change of the agreements the user may see; ``?agreement=ID`` for one."""

    queryset = AgreementTransition.objects.all().order_by("-at", "-id")
    serializer_class = serializers.TransitionSerializer
    filterset_class = TransitionFilterSet


class StatsFilterSet(AgreementFilterSet):
    """The structured agreement filters (no free text, party, validity or archive switches)."""

    q = None
    pihak = None
    validity = None
    on = None
    source = None
    is_public = None
    archived = None
    updated_since = None
    ordering = None


class StatsView(GenericAPIView):
    """Base for statistics over the agreement filters of :class:`StatsFilterSet`.

    Counts cover every non-archived agreement, public or not, for every reader (``stats`` module),
    so they are kept like the portal's aggregates (:func:`~kerjasama.core.cache.cached`) until the
    register changes, per filter and language: dashboards ask for the same counts again and again.
    """

    queryset = Agreement.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatsFilterSet
    pagination_class = None
    function = None

    def get(self, request):
        queryset = self.filter_queryset(self.get_queryset())  # bad filters answer 400 before the cache
        function = type(self).function
        key = query_key(request.query_params)
        return Response(cached(f"api-stats:{function.__name__}", lambda: function(queryset), key))


@extend_schema(responses=serializers.YearCountSerializer(many=True))
class AgreementsByYearView(StatsView):
    """Agreements by signing year: ``[{"year": 2025, "count": 208}, ...]``, oldest first."""

    function = staticmethod(stats.by_year)


@extend_schema(responses=serializers.KeyCountSerializer(many=True))
class AgreementsByUrusanView(StatsView):
    """Agreements per urusan (an agreement counts once per urusan it covers), largest first."""

    function = staticmethod(stats.by_urusan)


@extend_schema(responses=serializers.KeyCountSerializer(many=True))
class AgreementsByCategoryView(StatsView):
    """Agreements per category."""

    function = staticmethod(stats.by_category)


@extend_schema(responses=serializers.KeyCountSerializer(many=True))
class AgreementsByPartnerTypeView(StatsView):
    """Agreements with a partner of each type, and those between regions only."""

    function = staticmethod(stats.by_partner_type)
