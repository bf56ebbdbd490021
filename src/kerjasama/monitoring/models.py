"""Implementation monitoring: what was planned, done, reported, measured, evaluated and what blocks it.

Every record hangs off an agreement (problems may concern several) and is visible and editable
as its agreement is: ``restrict`` delegates to ``Agreement.objects.restrict``. Who may see what
(decisions, tested in tests/monitoring/test_permissions.py):

- work plans, reporting schedules and periods, report summaries, indicators with their values and
  evaluations are as public as their agreement: anonymous visitors read them for public agreements
  (showing that an agreement is carried out, not only signed, is the point of monitoring);
- evidence files are never public: signed-in staff readers (admin, TKKSD, viewer) see them for every
  agreement, an operator only for agreements its own party is a party to (:class:`EvidenceQuerySet`);
- the owners of follow-up actions and of problems (party, perangkat daerah, name) are shown to
  signed-in users only (:func:`owners_visible`); the actions themselves are as public as their
  evaluation or problem.

Writing (``change``; ``add`` is judged on the agreement by ``agreements(user, action)``): admin
everywhere; operators on agreements their party is a party to, and reports only for their own party;
the TKKSD evaluates every agreement and handles every problem; viewers write nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from kerjasama.agreements.models import Agreement
from kerjasama.core.changelog import snapshot_fields
from kerjasama.core.choices import Source
from kerjasama.core.querysets import CHANGE, TRANSITION, VIEW, RestrictedQuerySet
from kerjasama.monitoring.choices import (
    ActionStatus,
    ActivityStatus,
    EscalationLevel,
    EvaluatorKind,
    IndicatorAggregation,
    ProblemStatus,
    ProblemType,
    Recommendation,
    ReportFrequency,
    ReportStatus,
    Severity,
)
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor, actor_for

__all__ = (
    "Activity",
    "AlertDelivery",
    "Evaluation",
    "FollowUpAction",
    "ImplementationReport",
    "Indicator",
    "IndicatorValue",
    "Problem",
    "ReportEvidence",
    "ReportingPeriod",
    "ReportingSchedule",
)


# ``restrict`` action of reviewing an implementation report (accepting it or asking for a revision).
REVIEW = "review"


def owners_visible(user) -> bool:
    """Whether ``user`` may see who owns a follow-up action or a problem: signed-in users only."""
    return not actor_for(user).is_anonymous


def _operators_and_admin(actor: Actor) -> bool:
    return actor.is_admin or actor.is_operator


def _with_tkksd(actor: Actor) -> bool:
    return actor.is_admin or actor.is_operator or actor.role == Role.TKKSD


class AgreementScopedQuerySet(RestrictedQuerySet):
    """Rows visible and editable exactly as the agreement they belong to (``agreement_path``)."""

    agreement_path = "agreement"

    def agreements(self, user, action: str = VIEW):
        """The agreements under which ``user`` may ``action`` rows of this model (``add``: create one)."""
        return self.agreements_actor(actor_for(user), action)

    def agreements_actor(self, actor: Actor, action: str = VIEW):
        """Same as :meth:`agreements`, for an already resolved :class:`Actor`."""
        return Agreement.objects.restrict_actor(actor, VIEW if action == VIEW else CHANGE)

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "AgreementScopedQuerySet":
        if actor.is_admin:
            return self
        agreements = self.agreements_actor(actor, action).values("pk")
        return self.filter(**{f"{self.agreement_path}__in": agreements})


class IndicatorValueQuerySet(AgreementScopedQuerySet):
    agreement_path = "indicator__agreement"


class ReportingPeriodQuerySet(AgreementScopedQuerySet):
    """Expected reports, with the report that answers each (same agreement, party and period start)."""

    @staticmethod
    def _answers():
        return ImplementationReport.objects.filter(
            agreement=OuterRef("agreement"), pihak=OuterRef("pihak"), period_start=OuterRef("period_start")
        )

    def with_report(self) -> "ReportingPeriodQuerySet":
        """Annotate ``report_id``: the report submitted for the period, or None."""
        return self.annotate(report_id=Subquery(self._answers().values("pk")[:1]))

    def submitted(self) -> "ReportingPeriodQuerySet":
        return self.filter(Exists(self._answers()))

    def missing(self) -> "ReportingPeriodQuerySet":
        return self.exclude(Exists(self._answers()))

    def overdue(self, day) -> "ReportingPeriodQuerySet":
        """Periods still without a report after their due date."""
        return self.missing().filter(due_on__lt=day)


class ReportQuerySet(AgreementScopedQuerySet):
    """Reports as their agreement; operators change only their own party's reports.

    ``review`` (accept, or ask for a revision): the province admin and the TKKSD, on every report.
    """

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "ReportQuerySet":
        if actor.is_admin:
            return self
        if action == REVIEW:
            return self if actor.role == Role.TKKSD else self.none()
        rows = super().restrict_actor(actor, action)
        if action != VIEW and actor.is_operator:
            rows = rows.filter(pihak_id=actor.pihak_id)
        return rows


class EvidenceQuerySet(AgreementScopedQuerySet):
    """Evidence files: never public (they may name residents or show people).

    Staff readers (admin, TKKSD, viewer) see all; an operator sees those of the agreements its party
    is a party to, even on a public agreement of others; anonymous visitors none. Changing (adding,
    deleting) follows the report: its party's operator and the admin.
    """

    agreement_path = "report__agreement"

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "EvidenceQuerySet":
        if actor.is_admin:
            return self
        if action == VIEW:
            if actor.is_anonymous:
                return self.none()
            if actor.is_operator:
                return super().restrict_actor(actor, CHANGE)
            return super().restrict_actor(actor, VIEW)
        return self.filter(report__in=ImplementationReport.objects.restrict_actor(actor, action).values("pk"))


class EvaluationQuerySet(AgreementScopedQuerySet):
    """The TKKSD evaluates every agreement; parties evaluate their own. Each evaluator changes only
    its own evaluations: the TKKSD those by the TKKSD, an operator those by its party."""

    def agreements_actor(self, actor: Actor, action: str = VIEW):
        if action != VIEW and actor.role == Role.TKKSD:
            return Agreement.objects.restrict_actor(actor, TRANSITION)
        return super().agreements_actor(actor, action)

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "EvaluationQuerySet":
        if actor.is_admin:
            return self
        rows = super().restrict_actor(actor, action)
        if action == VIEW:
            return rows
        if actor.role == Role.TKKSD:
            return rows.filter(evaluator_kind=EvaluatorKind.TKKSD)
        return rows.filter(evaluator_kind=EvaluatorKind.PIHAK, pihak_id=actor.pihak_id)


class TimestampedModel(models.Model):
    """Creation and update times, and who created the row."""

    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        abstract = True


class Activity(TimestampedModel):
    """An activity of an agreement's work plan (rencana kerja); activities nest, progress rolls up.

    ``last_progress_on`` is the day of the latest progress or status report on the activity: the
    evidence the health rules read to tell implemented agreements from ceremonial ones.
    """

    agreement = models.ForeignKey(
        to="agreements.Agreement", on_delete=models.CASCADE, related_name="activities", verbose_name=_("agreement")
    )
    parent = models.ForeignKey(
        to="self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    title = models.CharField(verbose_name=_("activity"), max_length=300)
    description = models.TextField(verbose_name=_("description"), blank=True)
    pihak = models.ForeignKey(
        to="regions.Pihak",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("responsible party"),
    )
    perangkat_daerah = models.ForeignKey(
        to="regions.PerangkatDaerah",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("responsible perangkat daerah"),
    )
    planned_start = models.DateField(verbose_name=_("planned start"), null=True, blank=True)
    planned_end = models.DateField(verbose_name=_("planned end"), null=True, blank=True)
    actual_start = models.DateField(verbose_name=_("actual start"), null=True, blank=True)
    actual_end = models.DateField(verbose_name=_("actual end"), null=True, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.DIRENCANAKAN
    )
    progress = models.PositiveSmallIntegerField(verbose_name=_("progress (%)"), default=0)
    weight = models.DecimalField(
        verbose_name=_("weight"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Relative weight in the parent's progress; blank counts as equal shares."),
    )
    last_progress_on = models.DateField(verbose_name=_("last progress update"), null=True, blank=True)
    order = models.PositiveIntegerField(verbose_name=_("order"), default=0)
    source = models.CharField(verbose_name=_("source"), max_length=20, choices=Source.choices, default=Source.INPUT)

    objects = AgreementScopedQuerySet.as_manager()

    class Meta:
        ordering = ("agreement", "order", "id")
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="monitoring_activity_progress_0_100"),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gt=0), name="monitoring_activity_weight_positive"
            ),
        ]
        indexes = [models.Index(fields=["agreement", "last_progress_on"], name="monitoring_activity_life_idx")]

    def __str__(self) -> str:
        return self.title

    can_add = staticmethod(_operators_and_admin)

    def snapshot(self) -> dict:
        """Plain field values for the change log."""
        return snapshot_fields(self, SNAPSHOT_FIELDS["activity"])


class ReportingSchedule(models.Model):
    """When an agreement's parties must report on its implementation (e.g. each semester)."""

    agreement = models.OneToOneField(
        to="agreements.Agreement",
        on_delete=models.CASCADE,
        related_name="reporting_schedule",
        verbose_name=_("agreement"),
    )
    frequency = models.CharField(
        verbose_name=_("frequency"), max_length=20, choices=ReportFrequency.choices, default=ReportFrequency.SEMESTERAN
    )
    first_period_start = models.DateField(verbose_name=_("first period starts"))
    due_days = models.PositiveSmallIntegerField(
        verbose_name=_("days to report"), default=30, help_text=_("Days after a period ends by which it is due.")
    )
    parties = models.ManyToManyField(
        to="regions.Pihak",
        blank=True,
        related_name="+",
        verbose_name=_("reporting parties"),
        help_text=_("Blank: every party reports."),
    )

    objects = AgreementScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.get_frequency_display()}"

    can_add = staticmethod(_operators_and_admin)

    def snapshot(self) -> dict:
        """Plain field values and the reporting parties' ids, for the change log."""
        data = snapshot_fields(self, ("agreement", "frequency", "first_period_start", "due_days"))
        data["parties"] = sorted(party.pk for party in self.parties.all())
        return data


class ReportingPeriod(models.Model):
    """One report a party owes for one period, derived from the schedule and kept as rows.

    Keeping the expected reports as rows lets "overdue" be one set-based query on both databases
    (date arithmetic on a schedule differs between SQLite and PostgreSQL). Rebuilt whenever the
    schedule or the agreement's dates or parties change.
    """

    agreement = models.ForeignKey(to="agreements.Agreement", on_delete=models.CASCADE, related_name="reporting_periods")
    pihak = models.ForeignKey(to="regions.Pihak", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    due_on = models.DateField(verbose_name=_("due"), db_index=True)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ("agreement", "period_start", "pihak")
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "pihak", "period_start"], name="monitoring_period_unique_party_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.pihak_id} {self.period_start}"


def evidence_path(instance: "ReportEvidence", filename: str) -> str:
    """Evidence files go under ``evidence/<agreement>/<report>/`` with the sanitised name."""
    return f"evidence/{instance.report.agreement_id}/{instance.report_id}/{filename}"


class ImplementationReport(TimestampedModel):
    """A party's implementation report (laporan pelaksanaan) for one period."""

    agreement = models.ForeignKey(
        to="agreements.Agreement", on_delete=models.CASCADE, related_name="reports", verbose_name=_("agreement")
    )
    pihak = models.ForeignKey(
        to="regions.Pihak", on_delete=models.PROTECT, related_name="reports", verbose_name=_("reporting party")
    )
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    submitted_on = models.DateField(verbose_name=_("submitted on"))
    summary = models.TextField(verbose_name=_("summary"))
    achievements = models.TextField(verbose_name=_("achievements"), blank=True)
    obstacles = models.TextField(verbose_name=_("obstacles"), blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DIAJUKAN
    )
    source = models.CharField(verbose_name=_("source"), max_length=20, choices=Source.choices, default=Source.INPUT)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ("agreement", "-period_start")
        verbose_name = _("implementation report")
        verbose_name_plural = _("implementation reports")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "pihak", "period_start"], name="monitoring_report_unique_party_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="monitoring_report_period_order"
            ),
        ]
        indexes = [models.Index(fields=["agreement", "submitted_on"], name="monitoring_report_life_idx")]

    def __str__(self) -> str:
        return f"{self.pihak} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    can_add = staticmethod(_operators_and_admin)

    def snapshot(self) -> dict:
        """Plain field values for the change log."""
        return snapshot_fields(self, SNAPSHOT_FIELDS["report"])


class ReportEvidence(models.Model):
    """A file attached to a report as evidence (PDF or image), its type and size checked on upload."""

    report = models.ForeignKey(
        to="monitoring.ImplementationReport",
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("report"),
    )
    file = models.FileField(verbose_name=_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(verbose_name=_("original name"), max_length=255)
    content_type = models.CharField(verbose_name=_("type"), max_length=100)
    size = models.PositiveIntegerField(verbose_name=_("size (bytes)"))
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ("report", "id")
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

    def snapshot(self) -> dict:
        """Plain field values for the change log (the stored path, not the file)."""
        data = snapshot_fields(self, ("report", "original_name", "content_type", "size"))
        data["file"] = self.file.name
        return data


class Indicator(TimestampedModel):
    """A measurable output of an agreement with baseline and target (e.g. Gratispol students funded)."""

    agreement = models.ForeignKey(
        to="agreements.Agreement", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("agreement")
    )
    name = models.CharField(verbose_name=_("indicator"), max_length=300)
    unit = models.CharField(verbose_name=_("unit"), max_length=60)
    aggregation = models.CharField(
        verbose_name=_("values per period"),
        max_length=10,
        choices=IndicatorAggregation.choices,
        default=IndicatorAggregation.SUM,
        help_text=_("Whether the periods' values add up to the result, or the latest value is the result so far."),
    )
    baseline = models.DecimalField(verbose_name=_("baseline"), max_digits=20, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(verbose_name=_("target"), max_digits=20, decimal_places=2, null=True, blank=True)
    description = models.TextField(verbose_name=_("description"), blank=True)
    order = models.PositiveIntegerField(verbose_name=_("order"), default=0)
    source = models.CharField(verbose_name=_("source"), max_length=20, choices=Source.choices, default=Source.INPUT)

    objects = AgreementScopedQuerySet.as_manager()

    class Meta:
        ordering = ("agreement", "order", "id")
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    can_add = staticmethod(_operators_and_admin)

    def snapshot(self) -> dict:
        """Plain field values for the change log."""
        return snapshot_fields(self, SNAPSHOT_FIELDS["indicator"])


class IndicatorValue(models.Model):
    """The actual value of an indicator for one period."""

    indicator = models.ForeignKey(
        to="monitoring.Indicator", on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    value = models.DecimalField(verbose_name=_("actual value"), max_digits=20, decimal_places=2)
    recorded_on = models.DateField(verbose_name=_("recorded on"))
    note = models.CharField(verbose_name=_("note"), max_length=500, blank=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ("indicator", "period_start")
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_start"], name="monitoring_value_unique_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="monitoring_value_period_order"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "recorded_on"], name="monitoring_value_life_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start}: {self.value}"

    can_add = staticmethod(_operators_and_admin)

    def snapshot(self) -> dict:
        """Plain field values for the change log."""
        return snapshot_fields(self, ("indicator", "period_start", "period_end", "value", "recorded_on", "note"))


class Evaluation(TimestampedModel):
    """A monitoring and evaluation (monev) by the TKKSD or one party: score, findings, recommendation."""

    agreement = models.ForeignKey(
        to="agreements.Agreement", on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("agreement")
    )
    evaluator_kind = models.CharField(verbose_name=_("evaluator"), max_length=10, choices=EvaluatorKind.choices)
    pihak = models.ForeignKey(
        to="regions.Pihak",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("evaluating party"),
    )
    evaluated_on = models.DateField(verbose_name=_("evaluated on"))
    period_start = models.DateField(verbose_name=_("period start"), null=True, blank=True)
    period_end = models.DateField(verbose_name=_("period end"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(verbose_name=_("score (1–5)"))
    findings = models.TextField(verbose_name=_("findings"))
    recommendation = models.CharField(verbose_name=_("recommendation"), max_length=20, choices=Recommendation.choices)
    source = models.CharField(verbose_name=_("source"), max_length=20, choices=Source.choices, default=Source.INPUT)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ("agreement", "-evaluated_on")
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="monitoring_evaluation_score_1_5"),
            models.CheckConstraint(
                condition=Q(evaluator_kind=EvaluatorKind.TKKSD, pihak__isnull=True)
                | Q(evaluator_kind=EvaluatorKind.PIHAK, pihak__isnull=False),
                name="monitoring_evaluation_evaluator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_evaluator_kind_display()} {self.evaluated_on}: {self.score}"

    can_add = staticmethod(_with_tkksd)

    def snapshot(self) -> dict:
        """Plain field values for the change log."""
        return snapshot_fields(self, SNAPSHOT_FIELDS["evaluation"])


class ProblemQuerySet(RestrictedQuerySet):
    """Staff see every problem; operators public ones and those of their agreements or region;
    anonymous visitors public ones. The province admin and the TKKSD handle all; operators those
    of agreements they may change."""

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "ProblemQuerySet":
        if actor.is_admin:
            return self
        if action == VIEW:
            if actor.is_staff_reader:
                return self
            if actor.is_operator:
                return self.filter(Q(is_public=True) | self._of_operator(actor))
            return self.filter(is_public=True)
        if actor.role == Role.TKKSD:
            return self
        if actor.is_operator:
            return self.filter(self._of_operator(actor))
        return self.none()

    def _of_operator(self, actor: Actor) -> Q:
        mine = Agreement.objects.restrict_actor(actor, CHANGE).values("pk")
        linked = Problem.agreements.through.objects.filter(problem_id=OuterRef("pk"), agreement_id__in=mine)
        return Q(owner_pihak_id=actor.pihak_id) | Q(Exists(linked))

    def open(self) -> "ProblemQuerySet":
        from kerjasama.monitoring.choices import OPEN_PROBLEM_STATUSES

        return self.filter(status__in=OPEN_PROBLEM_STATUSES)


class Problem(TimestampedModel):
    """A problem that blocks cooperation (permasalahan): land, boundaries, budget, coordination...

    Located at a region of any level (a kabupaten, a kecamatan, a desa) and linked to the agreements
    it blocks; escalated from the office to the TKKSD, the governor or the Ministry.
    """

    title = models.CharField(verbose_name=_("problem"), max_length=300)
    problem_type = models.CharField(verbose_name=_("type"), max_length=20, choices=ProblemType.choices)
    severity = models.CharField(verbose_name=_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(verbose_name=_("description"), blank=True)
    region = models.ForeignKey(
        to="regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("location"),
    )
    related_regions = models.ManyToManyField(
        to="regions.Region",
        blank=True,
        related_name="+",
        verbose_name=_("other regions concerned"),
        help_text=_("E.g. both kabupaten of a boundary segment."),
    )
    owner_pihak = models.ForeignKey(
        to="regions.Pihak",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems_owned",
        verbose_name=_("owner (party)"),
    )
    owner_perangkat_daerah = models.ForeignKey(
        to="regions.PerangkatDaerah",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems_owned",
        verbose_name=_("owner (perangkat daerah)"),
    )
    owner_name = models.CharField(verbose_name=_("owner"), max_length=200, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.TERBUKA
    )
    escalation_level = models.CharField(
        verbose_name=_("escalation level"),
        max_length=20,
        choices=EscalationLevel.choices,
        default=EscalationLevel.PERANGKAT_DAERAH,
    )
    agreements = models.ManyToManyField(
        to="agreements.Agreement", blank=True, related_name="problems", verbose_name=_("agreements affected")
    )
    opened_on = models.DateField(verbose_name=_("opened on"))
    resolved_on = models.DateField(verbose_name=_("resolved on"), null=True, blank=True)
    is_public = models.BooleanField(verbose_name=_("public"), default=True)
    source = models.CharField(verbose_name=_("source"), max_length=20, choices=Source.choices, default=Source.INPUT)
    source_note = models.CharField(verbose_name=_("source note"), max_length=500, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ("-opened_on", "-id")
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [models.Index(fields=["status", "severity"], name="monitoring_problem_open_idx")]

    def __str__(self) -> str:
        return self.title

    can_add = staticmethod(_with_tkksd)

    def snapshot(self) -> dict:
        """Plain field values with the linked agreements and regions, for the change log."""
        data = snapshot_fields(self, SNAPSHOT_FIELDS["problem"])
        data["agreements"] = sorted(agreement.pk for agreement in self.agreements.all())
        data["related_regions"] = sorted(region.pk for region in self.related_regions.all())
        return data


class FollowUpActionQuerySet(RestrictedQuerySet):
    """Follow-up actions, visible and editable as the evaluation or problem they belong to.

    An operator may also update the actions its own party owns (it carries them out), wherever it
    can see them. Their owners are shown to signed-in users only (:func:`owners_visible`).
    """

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "FollowUpActionQuerySet":
        if actor.is_admin:
            return self
        rows = self._of(actor, action)
        if action != VIEW and actor.is_operator:
            rows |= self._of(actor, VIEW) & Q(owner_pihak_id=actor.pihak_id)
        return self.filter(rows)

    @staticmethod
    def _of(actor: Actor, action: str) -> Q:
        evaluations = Evaluation.objects.restrict_actor(actor, action).values("pk")
        problems = Problem.objects.restrict_actor(actor, action).values("pk")
        return Q(evaluation__in=evaluations) | Q(problem__in=problems)


class FollowUpAction(TimestampedModel):
    """A follow-up action from an evaluation or for a problem, with owner, due date and status."""

    evaluation = models.ForeignKey(
        to="monitoring.Evaluation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("evaluation"),
    )
    problem = models.ForeignKey(
        to="monitoring.Problem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("problem"),
    )
    description = models.TextField(verbose_name=_("action"))
    owner_pihak = models.ForeignKey(
        to="regions.Pihak",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (party)"),
    )
    owner_perangkat_daerah = models.ForeignKey(
        to="regions.PerangkatDaerah",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (perangkat daerah)"),
    )
    owner_name = models.CharField(verbose_name=_("owner"), max_length=200, blank=True)
    due_on = models.DateField(verbose_name=_("due"), null=True, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.TERBUKA
    )
    done_on = models.DateField(verbose_name=_("done on"), null=True, blank=True)

    objects = FollowUpActionQuerySet.as_manager()

    class Meta:
        ordering = ("due_on", "id")
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(evaluation__isnull=False, problem__isnull=True)
                | Q(evaluation__isnull=True, problem__isnull=False),
                name="monitoring_action_for_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]

    can_add = staticmethod(_with_tkksd)

    def snapshot(self) -> dict:
        """Plain field values for the change log."""
        return snapshot_fields(self, SNAPSHOT_FIELDS["action"])


# Fields each model's ``snapshot()`` records (foreign keys as their ids).
SNAPSHOT_FIELDS = {
    "activity": (
        "agreement", "parent", "title", "description", "pihak", "perangkat_daerah", "planned_start", "planned_end",
        "actual_start", "actual_end", "status", "progress", "weight", "last_progress_on", "order", "source",
    ),
    "report": (
        "agreement", "pihak", "period_start", "period_end", "submitted_on", "summary", "achievements", "obstacles",
        "status", "source",
    ),
    "indicator": ("agreement", "name", "unit", "aggregation", "baseline", "target", "description", "order", "source"),
    "evaluation": (
        "agreement", "evaluator_kind", "pihak", "evaluated_on", "period_start", "period_end", "score", "findings",
        "recommendation", "source",
    ),
    "problem": (
        "title", "problem_type", "severity", "description", "region", "owner_pihak", "owner_perangkat_daerah",
        "owner_name", "status", "escalation_level", "opened_on", "resolved_on", "is_public", "source", "source_note",
    ),
    "action": (
        "evaluation", "problem", "description", "owner_pihak", "owner_perangkat_daerah", "owner_name", "due_on",
        "status", "done_on",
    ),
}  # fmt: skip


class AlertDelivery(models.Model):
    """A flag sent to one recipient; the unique key makes ``kerjasama check`` send it only once."""

    key = models.CharField(verbose_name=_("flag key"), max_length=200)
    recipient = models.CharField(verbose_name=_("recipient"), max_length=254)
    user = models.ForeignKey(
        to=settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(verbose_name=_("rule"), max_length=40)
    agreement = models.ForeignKey(
        to="agreements.Agreement", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(verbose_name=_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ("-sent_at",)
        verbose_name = _("alert sent")
        verbose_name_plural = _("alerts sent")
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="monitoring_alert_once")]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"
