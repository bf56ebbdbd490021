"""Monitoring API: work plans, reporting schedules and expected reports, reports with evidence,
indicators with values, evaluations, follow-up actions and problems.

Every write goes through ``monitoring.services``; their errors answer 400 keyed by field, their
refusals 403. As everywhere (``core/api/permissions.py``): rows the user may not see answer 404,
rows the user may see but not change 403, writes without a signed-in user 401. PUT and PATCH both
change only the fields sent. Reports, evaluations and problems are not deleted (their status says
what became of them): DELETE answers 405 there.
"""

from contextlib import contextmanager
from dataclasses import fields, replace

from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import FileResponse, Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kerjasama.agreements.api.views import ERROR_400, _problems_to_errors
from kerjasama.agreements.models import Agreement
from kerjasama.core.api.views import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from kerjasama.core.querysets import CHANGE, VIEW
from kerjasama.monitoring import filtersets, services
from kerjasama.monitoring.api import serializers
from kerjasama.monitoring.models import (
    REVIEW,
    Activity,
    Evaluation,
    FollowUpAction,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Problem,
    ReportEvidence,
    ReportingPeriod,
    ReportingSchedule,
)


@contextmanager
def service_errors():
    """Service validation errors as 400 keyed by field; refusals as 403."""
    try:
        yield
    except services.MonitoringValidationError as exc:
        raise ValidationError(_problems_to_errors(exc.problems)) from exc
    except services.PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


def to_data(data_class, values: dict, links: dict[str, str], instance=None):
    """Validated serializer values as the service's data object; with ``instance``, over its stored values.

    Data fields are the model's attribute names (``pihak_id``), serializer fields the relation names
    (``pihak``); ``links`` names the serializer field of each link list (``agreement_ids``: ``agreements``).
    """
    given = {}
    for item in fields(data_class):
        key = links.get(item.name) or item.name.removesuffix("_id")
        if key not in values:
            continue
        value = values[key]
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, list | tuple):
            value = [entry.pk if isinstance(entry, models.Model) else entry for entry in value]
        given[item.name] = value
    if instance is not None:
        return replace(data_class.from_instance(instance), **given)
    return data_class(**given)


def write_schema(serializer):
    """The schema of create and update: the record in and out, or messages keyed by field."""
    return {
        "create": extend_schema(responses={201: serializer, 400: ERROR_400}),
        "update": extend_schema(responses={200: serializer, 400: ERROR_400}),
        "partial_update": extend_schema(responses={200: serializer, 400: ERROR_400}),
    }


class ServiceViewSet(RestrictedModelViewSet):
    """A read-write endpoint whose writes call the ``create``/``update``/``delete`` services."""

    data_class = None
    links: dict[str, str] = {}
    create_service = None
    update_service = None
    delete_service = None
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = to_data(self.data_class, serializer.validated_data, self.links)
        with service_errors():
            result = type(self).create_service(data, user=self.request.user)
        serializer.instance = self.get_queryset().get(pk=result.obj.pk)

    def perform_update(self, serializer):
        data = to_data(self.data_class, serializer.validated_data, self.links, serializer.instance)
        with service_errors():
            result = type(self).update_service(serializer.instance, data, user=self.request.user)
        serializer.instance = self.get_queryset().get(pk=result.obj.pk)

    def perform_destroy(self, instance):
        with service_errors():
            type(self).delete_service(instance, user=self.request.user)


# Work plan ------------------------------------------------------------------------------------------


@extend_schema_view(**write_schema(serializers.ActivitySerializer))
class ActivityViewSet(ServiceViewSet):
    """Activities of work plans; ``rolled_progress`` is derived. DELETE removes the sub-activities too."""

    queryset = Activity.objects.select_related("pihak", "perangkat_daerah")
    serializer_class = serializers.ActivitySerializer
    filterset_class = filtersets.ActivityFilterSet
    data_class = services.ActivityData
    create_service = staticmethod(services.create_activity)
    update_service = staticmethod(services.update_activity)
    delete_service = staticmethod(services.delete_activity)
    row_actions = {"progress": CHANGE}

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if kwargs.get("many") and args:
            # The whole page's progress from one query instead of one per agreement.
            cache = serializer.context.setdefault("progress", serializers.ProgressCache())
            cache.preload({row.agreement_id for row in args[0]})
        return serializer

    @extend_schema(
        request=serializers.ProgressUpdateSerializer, responses={200: serializers.ActivitySerializer, 400: ERROR_400}
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def progress(self, request, pk=None):
        """Quick progress update: progress and/or status, as of ``on_date`` (default today)."""
        activity = self.get_object()
        body = serializers.ProgressUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        with service_errors():
            services.update_progress(
                activity,
                progress=values["progress"],
                status=values["status"],
                on_date=values["on_date"],
                user=request.user,
                message=values["note"],
            )
        updated = self.get_queryset().get(pk=activity.pk)
        return Response(self.get_serializer(updated).data)


# Reporting schedules and expected reports ------------------------------------------------------------


@extend_schema_view(**write_schema(serializers.ScheduleSerializer))
class ScheduleViewSet(ServiceViewSet):
    """Reporting schedules, one per agreement; saving one regenerates its expected reports."""

    queryset = ReportingSchedule.objects.prefetch_related("parties").annotate(
        period_count=Subquery(
            ReportingPeriod.objects.filter(agreement=OuterRef("agreement"))
            .values("agreement")
            .annotate(count=Count("pk"))
            .values("count")
        )
    )
    serializer_class = serializers.ScheduleSerializer
    filterset_class = filtersets.ScheduleFilterSet
    data_class = services.ScheduleData
    links = {"party_ids": "parties"}
    create_service = staticmethod(services.create_schedule)
    update_service = staticmethod(services.update_schedule)
    delete_service = staticmethod(services.delete_schedule)

    @extend_schema(responses=serializers.PeriodSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def periods(self, request, pk=None):
        """The reports this schedule expects, oldest first, each with the report submitted (or null)."""
        schedule = self.get_object()
        rows = ReportingPeriod.objects.filter(agreement=schedule.agreement_id).with_report().select_related("pihak")
        return Response(serializers.PeriodSerializer(rows, many=True).data)


class PeriodViewSet(RestrictedReadOnlyViewSet):
    """Expected reports (derived from the schedules): filter ``?overdue=true`` for reports not in on time."""

    queryset = ReportingPeriod.objects.with_report().select_related("pihak")
    serializer_class = serializers.PeriodSerializer
    filterset_class = filtersets.PeriodFilterSet


# Implementation reports and evidence ------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": serializers.ReportSerializer, "application/json": serializers.ReportSerializer},
        responses={201: serializers.ReportSerializer, 400: ERROR_400},
    ),
    update=extend_schema(responses={200: serializers.ReportSerializer, 400: ERROR_400}),
    partial_update=extend_schema(responses={200: serializers.ReportSerializer, 400: ERROR_400}),
)
class ReportViewSet(ServiceViewSet):
    """Implementation reports. Create with ``files`` (multipart) to attach evidence in the same step;
    ``/evidence/`` adds files later, ``/review/`` accepts a report or asks for a revision."""

    queryset = ImplementationReport.objects.select_related("pihak")
    serializer_class = serializers.ReportSerializer
    filterset_class = filtersets.ReportFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    data_class = services.ReportData
    update_service = staticmethod(services.update_report)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    row_actions = {"evidence": CHANGE, "review": REVIEW}

    def get_queryset(self):
        evidence = ReportEvidence.objects.restrict(self.request.user, VIEW)
        return super().get_queryset().prefetch_related(Prefetch("evidence", queryset=evidence))

    def perform_create(self, serializer):
        values = dict(serializer.validated_data)
        files = values.pop("files", [])
        data = to_data(self.data_class, values, self.links)
        with service_errors():
            result = services.create_report(data, files, user=self.request.user)
        serializer.instance = self.get_queryset().get(pk=result.obj.pk)

    @extend_schema(
        request={"multipart/form-data": serializers.EvidenceUploadSerializer},
        responses={201: serializers.EvidenceSerializer(many=True), 400: ERROR_400},
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Attach evidence files (PDF, JPEG or PNG, type checked by content): all of them, or none."""
        report = self.get_object()
        body = serializers.EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            stored = services.add_evidence(report, body.validated_data["files"], user=request.user)
        return Response(serializers.EvidenceSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ReviewSerializer, responses={200: serializers.ReportSerializer, 400: ERROR_400})
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        """Accept a report or send it back for revision (province admin and TKKSD)."""
        report = self.get_object()
        body = serializers.ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.review_report(
                report, body.validated_data["status"], user=request.user, message=body.validated_data["note"]
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)


class EvidenceViewSet(RestrictedReadOnlyViewSet):
    """Evidence files of reports: never public (see ``EvidenceQuerySet``); DELETE removes one."""

    queryset = ReportEvidence.objects.all()
    serializer_class = serializers.EvidenceSerializer
    filterset_class = filtersets.EvidenceFilterSet
    http_method_names = ["get", "delete", "head", "options"]

    def destroy(self, request, *args, **kwargs):
        evidence = self.get_object()
        with service_errors():
            services.delete_evidence(evidence, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request, pk=None):
        """The file itself, as an attachment."""
        return evidence_response(self.get_object())


def evidence_response(evidence: ReportEvidence) -> FileResponse:
    """Send an evidence file as a download with the type its content was checked to have."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:  # removed from the disk behind the application's back
        raise Http404(gettext("The file is missing.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Indicators --------------------------------------------------------------------------------------------


@extend_schema_view(**write_schema(serializers.IndicatorSerializer))
class IndicatorViewSet(ServiceViewSet):
    """Indicators with their values, result so far and achievement against the target (percent)."""

    queryset = Indicator.objects.prefetch_related("values")
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filtersets.IndicatorFilterSet
    data_class = services.IndicatorData
    create_service = staticmethod(services.create_indicator)
    update_service = staticmethod(services.update_indicator)
    delete_service = staticmethod(services.delete_indicator)


@extend_schema_view(**write_schema(serializers.IndicatorValueSerializer))
class IndicatorValueViewSet(ServiceViewSet):
    """The actual values of indicators, one per indicator and period."""

    queryset = IndicatorValue.objects.all()
    serializer_class = serializers.IndicatorValueSerializer
    filterset_class = filtersets.IndicatorValueFilterSet
    data_class = services.IndicatorValueData
    create_service = staticmethod(services.create_indicator_value)
    update_service = staticmethod(services.update_indicator_value)
    delete_service = staticmethod(services.delete_indicator_value)


# Evaluations, actions, problems ---------------------------------------------------------------------------


@extend_schema_view(**write_schema(serializers.EvaluationSerializer))
class EvaluationViewSet(ServiceViewSet):
    """Monitoring and evaluations (monev) by the TKKSD or a party, with their follow-up actions."""

    queryset = Evaluation.objects.select_related("pihak")
    serializer_class = serializers.EvaluationSerializer
    filterset_class = filtersets.EvaluationFilterSet
    data_class = services.EvaluationData
    create_service = staticmethod(services.create_evaluation)
    update_service = staticmethod(services.update_evaluation)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        actions = FollowUpAction.objects.restrict(self.request.user, VIEW)
        return super().get_queryset().prefetch_related(Prefetch("actions", queryset=actions))


@extend_schema_view(**write_schema(serializers.ActionSerializer))
class ActionViewSet(ServiceViewSet):
    """Follow-up actions of evaluations and problems; ``?overdue=true`` for those past their due date."""

    queryset = FollowUpAction.objects.all()
    serializer_class = serializers.ActionSerializer
    filterset_class = filtersets.ActionFilterSet
    data_class = services.ActionData
    create_service = staticmethod(services.create_action)
    update_service = staticmethod(services.update_action)
    delete_service = staticmethod(services.delete_action)


@extend_schema_view(**write_schema(serializers.ProblemRecordSerializer))
class ProblemViewSet(ServiceViewSet):
    """The problem register (land, boundaries, budget, coordination…), with escalation and actions."""

    queryset = Problem.objects.select_related("region").prefetch_related("related_regions")
    serializer_class = serializers.ProblemRecordSerializer
    filterset_class = filtersets.ProblemFilterSet
    data_class = services.ProblemData
    links = {"agreement_ids": "agreements", "related_region_codes": "related_regions"}
    create_service = staticmethod(services.create_problem)
    update_service = staticmethod(services.update_problem)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("agreements", queryset=Agreement.objects.restrict(user, VIEW).only("pk")),
                Prefetch("actions", queryset=FollowUpAction.objects.restrict(user, VIEW)),
            )
        )
