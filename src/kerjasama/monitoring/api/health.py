"""Health API: flags, implementation scores and roll-ups (``monitoring/health.py``, ``scores.py``).

- ``GET /api/health/flags/``: the flags on ``as_of`` of the agreements the user may see (the register's
  rule: anonymous visitors public ones), filtered by ``rule``, ``region`` (with what lies inside it),
  ``urusan`` (code), ``perangkat_daerah`` and ``pihak`` (ids); paginated, most severe first.
- ``GET /api/health/scores/``: the score of every visible agreement signed by ``as_of``, by id; paginated.
- ``GET /api/health/rollups/?by=region|perangkat_daerah|urusan|partner_type``: signed, in force,
  implemented and mean score per group. Like the register's statistics (``agreements/stats.py``) it
  counts every non-archived agreement, public or not: an aggregate shows no agreement's content.

A filter value that cannot be read answers 400 keyed by the parameter.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from kerjasama.agreements.api.views import ERROR_400
from kerjasama.agreements.models import Agreement
from kerjasama.core.querysets import VIEW
from kerjasama.monitoring import alerts, health, scores
from kerjasama.monitoring.choices import Severity
from kerjasama.monitoring.health_filters import HealthFilterForm


class HealthFlagSerializer(serializers.Serializer):
    """A reason an agreement needs attention, with its explanation and evidence."""

    agreement = serializers.IntegerField(help_text=_("Agreement id."))
    agreement_number = serializers.CharField(help_text=_("The agreement's numbers, joined by “ / ”."))
    agreement_title = serializers.CharField()
    rule = serializers.ChoiceField(choices=[(code, rule.label) for code, rule in health.RULES.items()])
    rule_label = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    severity_label = serializers.CharField()
    message = serializers.CharField(help_text=_("The explanation, in the request's language."))
    evidence = serializers.DictField(help_text=_("The facts behind the flag: ISO dates, counts, ids."))
    key = serializers.CharField(help_text=_("Stable name of the situation; alerts are sent once per key."))


class HealthScorePartsSerializer(serializers.Serializer):
    """The parts of a score, each 0–1; null when the part does not apply."""

    plan = serializers.FloatField(allow_null=True)
    recent = serializers.FloatField(allow_null=True)
    progress = serializers.FloatField(allow_null=True)
    reporting = serializers.FloatField(allow_null=True)
    indicators = serializers.FloatField(allow_null=True)
    evaluation = serializers.FloatField(allow_null=True)


class HealthScoreSerializer(serializers.Serializer):
    """An agreement's implementation score (0–100) and what it is made of."""

    agreement = serializers.IntegerField()
    agreement_title = serializers.CharField()
    score = serializers.IntegerField(min_value=0, max_value=100)
    implemented = serializers.BooleanField()
    in_force = serializers.BooleanField()
    reference_day = serializers.DateField(help_text=_("as_of, or the last day in force when earlier."))
    last_evidence_on = serializers.DateField(allow_null=True)
    open_problems = serializers.IntegerField()
    penalty = serializers.IntegerField()
    parts = HealthScorePartsSerializer()


class HealthRollupRowSerializer(serializers.Serializer):
    """Signed versus implemented agreements of one group."""

    key = serializers.CharField(allow_null=True, help_text=_("Region code, perangkat daerah id, urusan code or type."))
    label = serializers.CharField()
    signed = serializers.IntegerField()
    in_force = serializers.IntegerField()
    implemented = serializers.IntegerField()
    mean_score = serializers.FloatField(allow_null=True)


class HealthRollupSerializer(serializers.Serializer):
    """Roll-up rows of one dimension on one day."""

    by = serializers.CharField(help_text=_("region, perangkat_daerah, urusan or partner_type."))
    as_of = serializers.DateField()
    rows = HealthRollupRowSerializer(many=True)


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description=_(
        "The day to evaluate (default today; on a register holding only synthetic demo data, the day that "
        "data describes)."
    ),
)
FILTERS = [
    OpenApiParameter("region", str, description=_("Region code; includes what lies inside it.")),
    OpenApiParameter("urusan", str, description=_("Urusan code.")),
    OpenApiParameter("perangkat_daerah", int, description=_("Owning perangkat daerah id.")),
    OpenApiParameter("pihak", int, description=_("Party id.")),
]


def read_filters(request) -> HealthFilterForm:
    """The query parameters through the page's filter form; errors answer 400 keyed by parameter."""
    form = HealthFilterForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({name: [str(error) for error in errors] for name, errors in form.errors.items()})
    return form


class HealthView(ListAPIView):
    """Base of the health endpoints: no model filter backend, the default pagination."""

    filter_backends = []

    def get_queryset(self):
        return Agreement.objects.restrict(self.request.user, VIEW)


@extend_schema(
    parameters=[
        AS_OF,
        OpenApiParameter("rule", str, enum=list(health.RULES), description=_("Only this rule.")),
        *FILTERS,
    ],
    responses={200: HealthFlagSerializer(many=True), 400: ERROR_400},
)
class FlagListView(HealthView):
    """Reasons the agreements the user may see need attention on ``as_of``, most severe first."""

    serializer_class = HealthFlagSerializer

    def list(self, request, *args, **kwargs):
        form = read_filters(request)
        flags = health.evaluate(form.as_of_day(), form.apply(self.get_queryset()), rules=form.rules())
        page = self.paginate_queryset(flags)
        infos = alerts.agreement_infos(flag.agreement_id for flag in page)
        rows = []
        for flag in page:
            info = infos.get(flag.agreement_id)
            row = flag.as_dict()
            row.update(agreement_number=info.number if info else "", agreement_title=info.title if info else "")
            rows.append(row)
        return self.get_paginated_response(HealthFlagSerializer(rows, many=True).data)


@extend_schema(parameters=[AS_OF, *FILTERS], responses={200: HealthScoreSerializer(many=True), 400: ERROR_400})
class ScoreListView(HealthView):
    """Implementation scores of the visible agreements signed by ``as_of`` (not archived or rejected), by id."""

    serializer_class = HealthScoreSerializer

    def list(self, request, *args, **kwargs):
        form = read_filters(request)
        as_of = form.as_of_day()
        agreements = scores.scored_agreements(as_of, form.apply(self.get_queryset())).order_by("pk")
        page = self.paginate_queryset(agreements.only("pk", "title"))
        found = scores.scores(as_of, Agreement.objects.filter(pk__in=[agreement.pk for agreement in page]))
        rows = [
            {**found[agreement.pk].as_dict(), "agreement_title": agreement.title}
            for agreement in page
            if agreement.pk in found
        ]
        return self.get_paginated_response(HealthScoreSerializer(rows, many=True).data)


@extend_schema(
    parameters=[
        OpenApiParameter("by", str, enum=list(scores.ROLLUP_DIMENSIONS), description=_("Group by (default region).")),
        AS_OF,
    ],
    responses={200: HealthRollupSerializer, 400: ERROR_400},
)
class RollupView(GenericAPIView):
    """Signed, in force, implemented and mean score per region, perangkat daerah, urusan or partner type.

    Counts every non-archived agreement, as the register's statistics do.
    """

    serializer_class = HealthRollupSerializer
    pagination_class = None
    filter_backends = []

    def get(self, request, *args, **kwargs):
        by = request.query_params.get("by") or "region"
        if by not in scores.ROLLUP_DIMENSIONS:
            raise ValidationError(
                {"by": [_("Use one of: %(names)s.") % {"names": ", ".join(scores.ROLLUP_DIMENSIONS)}]}
            )
        as_of = read_filters(request).as_of_day()
        rows = scores.rollups(by, as_of)
        return Response(HealthRollupSerializer({"by": by, "as_of": as_of, "rows": rows}).data)
