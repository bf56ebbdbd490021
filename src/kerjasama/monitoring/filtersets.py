"""Filters of the monitoring records, shared by the API lists and the problem register page.

``region`` takes a region code and includes everything inside it (``64`` finds Kukar's records): for
records of an agreement it matches agreements with a party in that region, for problems their
location and the other regions concerned. ``overdue`` compares with today.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kerjasama.agreements.models import Agreement
from kerjasama.monitoring.choices import (
    OPEN_PROBLEM_STATUSES,
    ActionStatus,
    ActivityStatus,
    EscalationLevel,
    EvaluatorKind,
    IndicatorAggregation,
    ProblemStatus,
    ProblemType,
    Recommendation,
    ReportStatus,
    Severity,
)
from kerjasama.monitoring.models import (
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
from kerjasama.regions.models import within_code

OPEN_ACTION_STATUSES = (ActionStatus.TERBUKA, ActionStatus.BERJALAN)
CLOSED_ACTIVITY_STATUSES = (ActivityStatus.SELESAI, ActivityStatus.DIBATALKAN)


def _region_agreements(code: str):
    return Agreement.objects.involving_region(code.strip()).values("pk")


class AgreementRecordFilterSet(django_filters.FilterSet):
    """Filters every record of an agreement has: the agreement's id, and a region among its parties.

    Ids are plain numbers, not choices among all rows: an id the user may not see gives an empty list,
    exactly like an id that does not exist.
    """

    agreement_path = "agreement"

    agreement = django_filters.NumberFilter(label=_("Agreement id"), method="filter_agreement")
    region = django_filters.CharFilter(
        label=_("Region of a party (code, includes what lies inside)"), method="filter_region"
    )

    class Meta:
        fields = ()

    def filter_agreement(self, queryset, name, value):
        return queryset.filter(**{f"{self.agreement_path}_id": value})

    def filter_region(self, queryset, name, value):
        return queryset.filter(**{f"{self.agreement_path}__in": _region_agreements(value)})


class ActivityFilterSet(AgreementRecordFilterSet):
    """Activities by agreement, region, responsible party or perangkat daerah, status, place in the tree,
    and overdue (planned end passed, neither done nor cancelled)."""

    pihak = django_filters.NumberFilter(field_name="pihak_id", label=_("Responsible party id"))
    perangkat_daerah = django_filters.NumberFilter(field_name="perangkat_daerah_id", label=_("Perangkat daerah id"))
    status = django_filters.MultipleChoiceFilter(choices=ActivityStatus.choices, label=_("Status"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent activity id"))
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("Top-level only"))
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Activity
        fields = ()

    def filter_overdue(self, queryset, name, value):
        late = Q(planned_end__lt=timezone.localdate()) & ~Q(status__in=CLOSED_ACTIVITY_STATUSES)
        return queryset.filter(late) if value else queryset.exclude(late)


class ScheduleFilterSet(AgreementRecordFilterSet):
    """Reporting schedules by agreement and region."""

    class Meta:
        model = ReportingSchedule
        fields = ()


class PeriodFilterSet(AgreementRecordFilterSet):
    """Expected reports by agreement, region, party, due date, whether submitted, and overdue
    (no report after the due date)."""

    pihak = django_filters.NumberFilter(field_name="pihak_id", label=_("Party id"))
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("Due on or after"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("Due on or before"))
    submitted = django_filters.BooleanFilter(label=_("Report submitted"), method="filter_submitted")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = ReportingPeriod
        fields = ()

    def filter_submitted(self, queryset, name, value):
        return queryset.submitted() if value else queryset.missing()

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value:
            return queryset.overdue(today)
        return queryset.exclude(pk__in=ReportingPeriod.objects.overdue(today).values("pk"))


class ReportFilterSet(AgreementRecordFilterSet):
    """Implementation reports by agreement, region, reporting party, review status and period."""

    pihak = django_filters.NumberFilter(field_name="pihak_id", label=_("Reporting party id"))
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    period_from = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label=_("Period ends on or after")
    )
    period_to = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", label=_("Period starts on or before")
    )
    submitted_after = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="gte", label=_("Submitted on or after")
    )

    class Meta:
        model = ImplementationReport
        fields = ()


class EvidenceFilterSet(AgreementRecordFilterSet):
    """Evidence files by report or agreement."""

    agreement_path = "report__agreement"
    report = django_filters.NumberFilter(field_name="report_id", label=_("Report id"))

    class Meta:
        model = ReportEvidence
        fields = ()


class IndicatorFilterSet(AgreementRecordFilterSet):
    """Indicators by agreement, region and how their values add up."""

    aggregation = django_filters.ChoiceFilter(choices=IndicatorAggregation.choices, label=_("Values per period"))

    class Meta:
        model = Indicator
        fields = ()


class IndicatorValueFilterSet(AgreementRecordFilterSet):
    """Indicator values by indicator, agreement, region and period."""

    agreement_path = "indicator__agreement"
    indicator = django_filters.NumberFilter(field_name="indicator_id", label=_("Indicator id"))
    period_from = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label=_("Period ends on or after")
    )
    period_to = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", label=_("Period starts on or before")
    )

    class Meta:
        model = IndicatorValue
        fields = ()


class EvaluationFilterSet(AgreementRecordFilterSet):
    """Evaluations by agreement, region, evaluator, party, recommendation, score and date."""

    evaluator_kind = django_filters.ChoiceFilter(choices=EvaluatorKind.choices, label=_("Evaluator"))
    pihak = django_filters.NumberFilter(field_name="pihak_id", label=_("Evaluating party id"))
    recommendation = django_filters.MultipleChoiceFilter(choices=Recommendation.choices, label=_("Recommendation"))
    score_min = django_filters.NumberFilter(field_name="score", lookup_expr="gte", label=_("Score at least"))
    score_max = django_filters.NumberFilter(field_name="score", lookup_expr="lte", label=_("Score at most"))
    evaluated_after = django_filters.DateFilter(
        field_name="evaluated_on", lookup_expr="gte", label=_("Evaluated on or after")
    )
    evaluated_before = django_filters.DateFilter(
        field_name="evaluated_on", lookup_expr="lte", label=_("Evaluated on or before")
    )

    class Meta:
        model = Evaluation
        fields = ()


class ActionFilterSet(django_filters.FilterSet):
    """Follow-up actions by evaluation, problem, agreement, owner, status, due date and overdue
    (due date passed, still open or in progress)."""

    evaluation = django_filters.NumberFilter(field_name="evaluation_id", label=_("Evaluation id"))
    problem = django_filters.NumberFilter(field_name="problem_id", label=_("Problem id"))
    agreement = django_filters.NumberFilter(label=_("Agreement id"), method="filter_agreement")
    owner_pihak = django_filters.NumberFilter(field_name="owner_pihak_id", label=_("Owner party id"))
    status = django_filters.MultipleChoiceFilter(choices=ActionStatus.choices, label=_("Status"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("Due on or before"))
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = FollowUpAction
        fields = ()

    def filter_agreement(self, queryset, name, value):
        linked = Problem.agreements.through.objects.filter(problem_id=OuterRef("problem_id"), agreement_id=value)
        return queryset.filter(Q(evaluation__agreement_id=value) | Q(Exists(linked)))

    def filter_overdue(self, queryset, name, value):
        late = Q(due_on__lt=timezone.localdate(), status__in=OPEN_ACTION_STATUSES)
        return queryset.filter(late) if value else queryset.exclude(late)


class ProblemFilterSet(django_filters.FilterSet):
    """The problem register: text, type, severity, status, escalation level, region (location or another
    region concerned, with what lies inside), agreement, owner, open only, public."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    problem_type = django_filters.MultipleChoiceFilter(choices=ProblemType.choices, label=_("Type"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("Severity"))
    status = django_filters.MultipleChoiceFilter(choices=ProblemStatus.choices, label=_("Status"))
    escalation_level = django_filters.MultipleChoiceFilter(choices=EscalationLevel.choices, label=_("Escalation level"))
    region = django_filters.CharFilter(label=_("Region (code, includes what lies inside)"), method="filter_region")
    agreement = django_filters.NumberFilter(label=_("Agreement id"), method="filter_agreement")
    owner_pihak = django_filters.NumberFilter(field_name="owner_pihak_id", label=_("Owner party id"))
    open = django_filters.BooleanFilter(label=_("Open only"), method="filter_open")
    is_public = django_filters.BooleanFilter(label=_("Public"))

    class Meta:
        model = Problem
        fields = ()

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_region(self, queryset, name, value):
        code = value.strip()
        others = Problem.related_regions.through.objects.filter(problem_id=OuterRef("pk")).filter(
            within_code(code, "region__code")
        )
        return queryset.filter(within_code(code, "region__code") | Q(Exists(others)))

    def filter_agreement(self, queryset, name, value):
        linked = Problem.agreements.through.objects.filter(problem_id=OuterRef("pk"), agreement_id=value)
        return queryset.filter(Exists(linked))

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_PROBLEM_STATUSES) if value else queryset
