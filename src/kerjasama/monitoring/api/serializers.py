"""API representations of monitoring records. Writes go through ``monitoring.services``; serializers
only read and shape input (model-level uniqueness and range rules are the services' to report)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kerjasama.agreements.models import Agreement
from kerjasama.core.querysets import VIEW
from kerjasama.monitoring.choices import ActivityStatus, ReportStatus
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
    owners_visible,
)
from kerjasama.monitoring.progress import ROW_FIELDS, Achievement, ActivityRow, achievement, activity_progress
from kerjasama.regions.models import Region


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class MonitoringSerializer(serializers.ModelSerializer):
    """Base: the ``agreement`` a new record is for may be any agreement the user can see (others do not
    exist for it); rights to write there are the services' to check (403)."""

    restricted_fields: dict = {"agreement": Agreement}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.context.get("request") is None:
            return
        for name, model in self.restricted_fields.items():
            field = self.fields.get(name)
            if field is None or field.read_only:
                continue
            target = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            target.queryset = model.objects.restrict(_user(self), VIEW)


FLOAT_OR_NULL = serializers.FloatField(allow_null=True, read_only=True)
# Integer fields are declared with the same bounds on every database: Django derives a model field's
# range from the connection (64-bit on SQLite), and the committed schema must not depend on it. The
# services check the domain ranges (progress 0-100, score 1-5, days 0-365) with their own messages.
MAX_ORDER = 2_147_483_647


def _integer(model, name: str, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(label=capfirst(model._meta.get_field(name).verbose_name), **kwargs)


class ActivitySerializer(MonitoringSerializer):
    """An activity of a work plan. ``progress`` is entered on leaves; ``rolled_progress`` is derived
    (a parent's from its children, weighted when weights are given)."""

    restricted_fields = {"agreement": Agreement, "parent": Activity}
    pihak_name = serializers.CharField(source="pihak.name", read_only=True, allow_null=True, default=None)
    perangkat_daerah_name = serializers.CharField(
        source="perangkat_daerah.name", read_only=True, allow_null=True, default=None
    )
    progress = _integer(Activity, "progress", required=False, help_text=gettext_lazy("0–100; entered on leaves."))
    order = _integer(Activity, "order", required=False, min_value=0, max_value=MAX_ORDER)
    rolled_progress = serializers.SerializerMethodField()
    is_leaf = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = (
            "id", "agreement", "parent", "title", "description", "pihak", "pihak_name", "perangkat_daerah",
            "perangkat_daerah_name", "planned_start", "planned_end", "actual_start", "actual_end", "status",
            "progress", "rolled_progress", "is_leaf", "weight", "last_progress_on", "order", "source", "created_at",
            "updated_at",
        )  # fmt: skip
        read_only_fields = ("created_at", "updated_at")
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["agreement"].read_only = True
        return fields

    def _progress(self) -> "ProgressCache":
        return self.context.setdefault("progress", ProgressCache())

    @extend_schema_field(FLOAT_OR_NULL)
    def get_rolled_progress(self, activity) -> float | None:
        value = self._progress().get(activity)
        return None if value is None else round(value, 1)

    def get_is_leaf(self, activity) -> bool:
        return self._progress().is_leaf(activity)


class ProgressCache:
    """Derived progress of activities, computed per agreement: one query for a whole page of activities."""

    def __init__(self) -> None:
        self.progress: dict[int, float | None] = {}
        self.parents: set[int] = set()
        self._done: set[int] = set()

    def preload(self, agreement_ids) -> None:
        """Compute the progress of every activity of these agreements."""
        missing = {pk for pk in agreement_ids if pk not in self._done}
        if not missing:
            return
        found = Activity.objects.filter(agreement_id__in=missing).values_list(*ROW_FIELDS)
        rows = [ActivityRow(*values) for values in found]
        self.progress.update(activity_progress(rows))
        self.parents.update(row.parent_id for row in rows if row.parent_id is not None)
        self._done |= missing

    def get(self, activity: Activity) -> float | None:
        self.preload([activity.agreement_id])
        return self.progress.get(activity.pk)

    def is_leaf(self, activity: Activity) -> bool:
        self.preload([activity.agreement_id])
        return activity.pk not in self.parents


class ProgressUpdateSerializer(serializers.Serializer):
    """Body of ``POST /api/activities/{id}/progress/``: the quick progress update."""

    progress = serializers.IntegerField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=ActivityStatus.choices, required=False, allow_null=True, default=None)
    on_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=gettext_lazy("Day of the update (default today).")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class PeriodSerializer(serializers.ModelSerializer):
    """One expected report: which party owes it for which period, by when, and the report if submitted."""

    pihak_name = serializers.CharField(source="pihak.name", read_only=True)
    report = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ReportingPeriod
        fields = ("id", "agreement", "pihak", "pihak_name", "period_start", "period_end", "due_on", "report", "overdue")
        read_only_fields = fields

    def get_report(self, period) -> int | None:
        return getattr(period, "report_id", None)

    def get_overdue(self, period) -> bool:
        return getattr(period, "report_id", None) is None and period.due_on < timezone.localdate()


class ScheduleSerializer(MonitoringSerializer):
    """A reporting schedule; saving it regenerates the expected reports (``/api/reporting-periods/``)."""

    due_days = _integer(
        ReportingSchedule, "due_days", required=False, help_text=ReportingSchedule._meta.get_field("due_days").help_text
    )
    period_count = serializers.SerializerMethodField()

    class Meta:
        model = ReportingSchedule
        fields = ("id", "agreement", "frequency", "first_period_start", "due_days", "parties", "period_count")
        validators = []
        extra_kwargs = {"parties": {"help_text": gettext_lazy("Party ids; empty: every party reports.")}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["agreement"].read_only = True
        return fields

    def get_period_count(self, schedule) -> int:
        """How many reports the schedule expects in all (every party, every period)."""
        counted = getattr(schedule, "period_count", None)
        if counted is None:
            counted = ReportingPeriod.objects.filter(agreement_id=schedule.agreement_id).count()
        return counted


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file's details; the file itself at ``download`` (never a public media address)."""

    download = serializers.SerializerMethodField()

    class Meta:
        model = ReportEvidence
        fields = ("id", "report", "original_name", "content_type", "size", "uploaded_at", "download")
        read_only_fields = fields

    def get_download(self, evidence) -> str:
        return reverse("evidence-download", args=[evidence.pk])


class ReportSerializer(MonitoringSerializer):
    """An implementation report; ``evidence`` lists only the files the reader may see (none when anonymous).

    On create, evidence files may come along as ``files`` in a multipart body; the report and its files
    are saved together or not at all.
    """

    pihak_name = serializers.CharField(source="pihak.name", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    files = serializers.ListField(
        child=serializers.FileField(),
        write_only=True,
        required=False,
        default=list,
        help_text=gettext_lazy("Evidence files (PDF, JPEG or PNG), multipart only."),
    )

    class Meta:
        model = ImplementationReport
        fields = (
            "id", "agreement", "pihak", "pihak_name", "period_start", "period_end", "submitted_on", "summary",
            "achievements", "obstacles", "status", "source", "evidence", "files", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = ("status", "created_at", "updated_at")
        validators = []
        extra_kwargs = {"submitted_on": {"required": False, "help_text": gettext_lazy("Default today.")}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["agreement"].read_only = True
            del fields["files"]  # more files go to /evidence/
        return fields


class EvidenceUploadSerializer(serializers.Serializer):
    """Body of ``POST /api/reports/{id}/evidence/`` (multipart)."""

    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class ReviewSerializer(serializers.Serializer):
    """Body of ``POST /api/reports/{id}/review/``."""

    status = serializers.ChoiceField(choices=ReportStatus.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("Required to ask for a revision.")
    )


class IndicatorValueSerializer(MonitoringSerializer):
    """The actual value of an indicator for one period."""

    restricted_fields = {"indicator": Indicator}

    class Meta:
        model = IndicatorValue
        fields = ("id", "indicator", "period_start", "period_end", "value", "recorded_on", "note")
        validators = []
        extra_kwargs = {"recorded_on": {"required": False, "help_text": gettext_lazy("Default today.")}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["indicator"].read_only = True
        return fields


class IndicatorSerializer(MonitoringSerializer):
    """An indicator with its values and its achievement against the target (see ``progress.Achievement``)."""

    order = _integer(Indicator, "order", required=False, min_value=0, max_value=MAX_ORDER)
    values = IndicatorValueSerializer(many=True, read_only=True)
    result = serializers.SerializerMethodField()
    achievement = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = (
            "id", "agreement", "name", "unit", "aggregation", "baseline", "target", "description", "order", "source",
            "values", "result", "achievement", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = ("created_at", "updated_at")
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["agreement"].read_only = True
        return fields

    def _achievement(self, indicator) -> Achievement:
        cache = self.context.setdefault("achievements", {})
        if indicator.pk not in cache:
            cache[indicator.pk] = achievement(indicator, indicator.values.all())
        return cache[indicator.pk]

    @extend_schema_field(serializers.DecimalField(max_digits=22, decimal_places=2, allow_null=True, read_only=True))
    def get_result(self, indicator):
        result = self._achievement(indicator).result
        return None if result is None else f"{result:.2f}"

    @extend_schema_field(FLOAT_OR_NULL)
    def get_achievement(self, indicator) -> float | None:
        percent = self._achievement(indicator).percent
        return None if percent is None else round(percent, 1)


class ActionSerializer(MonitoringSerializer):
    """A follow-up action of an evaluation or a problem (exactly one of them).

    The owner (``owner_pihak``, ``owner_perangkat_daerah``, ``owner_name``) is shown to signed-in users
    only; anonymous readers get null and blank (``models.owners_visible``).
    """

    restricted_fields = {"evaluation": Evaluation, "problem": Problem}

    class Meta:
        model = FollowUpAction
        fields = (
            "id", "evaluation", "problem", "description", "owner_pihak", "owner_perangkat_daerah", "owner_name",
            "due_on", "status", "done_on", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = ("created_at", "updated_at")
        validators = []
        extra_kwargs = {"due_on": {"required": True, "allow_null": False}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["evaluation"].read_only = True
            fields["problem"].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not owners_visible(_user(self)):
            data.update(owner_pihak=None, owner_perangkat_daerah=None, owner_name="")
        return data


class EvaluationSerializer(MonitoringSerializer):
    """A monitoring and evaluation (monev) with its follow-up actions."""

    pihak_name = serializers.CharField(source="pihak.name", read_only=True, allow_null=True, default=None)
    score = _integer(Evaluation, "score", help_text=gettext_lazy("1 (very poor) to 5 (very good)."))
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = (
            "id", "agreement", "evaluator_kind", "pihak", "pihak_name", "evaluated_on", "period_start", "period_end",
            "score", "findings", "recommendation", "source", "actions", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = ("created_at", "updated_at")
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["agreement"].read_only = True
        return fields


class ProblemRecordSerializer(MonitoringSerializer):
    """A problem of the register. ``agreements`` lists only those the reader may see (an edit keeps the
    others); owners are shown to signed-in users only, as for follow-up actions."""

    restricted_fields = {"agreements": Agreement}
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), allow_null=True, required=False, help_text=gettext_lazy("Region code.")
    )
    related_regions = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), many=True, required=False, help_text=gettext_lazy("Region codes.")
    )
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = (
            "id", "title", "problem_type", "severity", "description", "region", "related_regions", "owner_pihak",
            "owner_perangkat_daerah", "owner_name", "status", "escalation_level", "agreements", "opened_on",
            "resolved_on", "is_public", "source", "source_note", "actions", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = ("created_at", "updated_at")
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not owners_visible(_user(self)):
            data.update(owner_pihak=None, owner_perangkat_daerah=None, owner_name="")
        return data
