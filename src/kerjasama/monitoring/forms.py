"""Forms of the monitoring pages. They only read and shape input into the services' data objects;
every rule lives in ``monitoring.services``, whose problems come back onto the fields they concern."""

from django import forms
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerjasama.agreements.forms import (
    AmountField,
    IndonesianDateField,
    UIForm,
    agreement_reference,
    resolve_reference,
)
from kerjasama.agreements.models import Agreement
from kerjasama.core.choices import Source
from kerjasama.core.querysets import VIEW
from kerjasama.core.text import split_list
from kerjasama.monitoring import evidence, services
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
from kerjasama.monitoring.models import (
    Activity,
    Evaluation,
    FollowUpAction,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Problem,
    ReportingSchedule,
)
from kerjasama.regions.models import PerangkatDaerah, Pihak, Region
from kerjasama.regions.resolver import AreaResolver, PihakResolver, ResolveError, normalise_code
from kerjasama.users.choices import Role
from kerjasama.users.roles import actor_for

KALTIM = "64"


def _label(model, name: str):
    """The model field's verbose name, capitalised (lazy: it follows the reader's language)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason for this change"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Shown in the change history."),
    )


class PihakChoiceField(forms.ModelChoiceField):
    """A select of parties by name."""

    def label_from_instance(self, obj):
        return obj.name


class RecordForm(UIForm):
    """Base of the record forms: maps the services' problems onto fields (``field_map`` renames)."""

    field_map: dict[str, str] = {}

    def apply_problems(self, problems: list[services.Problem]) -> None:
        """Put each error on the field it concerns, or above the form."""
        for problem in problems:
            if problem.warning:
                continue
            name = self.field_map.get(problem.field, problem.field)
            self.add_error(name if name in self.fields else None, problem.message)

    def value(self, name: str, default=None):
        return self.cleaned_data.get(name, default) if name in self.fields else default


def _party_queryset(agreement: Agreement):
    return Pihak.objects.filter(agreement_parties__agreement=agreement).order_by("agreement_parties__order")


def _owner_queryset(agreement: Agreement | None):
    """Parties that may own an action: those of Kalimantan Timur, the partners, and the agreement's parties."""
    condition = Q(region_id=KALTIM) | Q(region__parent_id=KALTIM) | Q(partner__isnull=False)
    if agreement is not None:
        condition |= Q(agreement_parties__agreement=agreement)
    return Pihak.objects.filter(condition).distinct().order_by("name")


# Work plan ----------------------------------------------------------------------------------------------


class ActivityForm(RecordForm):
    """An activity of the work plan; on an activity with sub-activities the progress is computed, not entered."""

    title = forms.CharField(label=_label(Activity, "title"), max_length=300, widget=forms.TextInput(attrs={"size": 60}))
    parent = forms.ModelChoiceField(
        label=_label(Activity, "parent"), required=False, queryset=Activity.objects.none(), empty_label="—"
    )
    description = forms.CharField(
        label=_label(Activity, "description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    pihak = PihakChoiceField(
        label=_label(Activity, "pihak"), required=False, queryset=Pihak.objects.none(), empty_label="—"
    )
    perangkat_daerah = forms.ModelChoiceField(
        label=_label(Activity, "perangkat_daerah"),
        required=False,
        queryset=PerangkatDaerah.objects.all(),
        empty_label="—",
    )
    planned_start = IndonesianDateField(label=_label(Activity, "planned_start"), required=False)
    planned_end = IndonesianDateField(label=_label(Activity, "planned_end"), required=False)
    actual_start = IndonesianDateField(label=_label(Activity, "actual_start"), required=False)
    actual_end = IndonesianDateField(label=_label(Activity, "actual_end"), required=False)
    status = forms.ChoiceField(label=_label(Activity, "status"), choices=ActivityStatus.choices)
    progress = forms.IntegerField(
        label=_label(Activity, "progress"),
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    weight = forms.DecimalField(
        label=_label(Activity, "weight"),
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text=Activity._meta.get_field("weight").help_text,
    )
    order = forms.IntegerField(label=_label(Activity, "order"), required=False, initial=0)
    note = _note_field()

    def __init__(self, *args, agreement: Agreement, activity: Activity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement, self.activity = agreement, activity
        parents = Activity.objects.filter(agreement=agreement)
        if activity is not None:
            parents = parents.exclude(pk__in=services.subtree_ids(activity))
        self.fields["parent"].queryset = parents
        self.fields["pihak"].queryset = _party_queryset(agreement)
        self.has_children = activity is not None and activity.children.exists()
        if self.has_children:
            self.fields["progress"].disabled = True
            self.fields["progress"].help_text = _("Computed from the sub-activities.")
        if activity is None:
            del self.fields["note"]

    def to_data(self) -> services.ActivityData:
        data = self.cleaned_data
        base = (
            services.ActivityData.from_instance(self.activity)
            if self.activity
            else services.ActivityData(agreement_id=self.agreement.pk, title="")
        )
        base.title = data["title"]
        base.parent_id = data["parent"].pk if data.get("parent") else None
        base.description = data.get("description", "")
        base.pihak_id = data["pihak"].pk if data.get("pihak") else None
        base.perangkat_daerah_id = data["perangkat_daerah"].pk if data.get("perangkat_daerah") else None
        for name in ("planned_start", "planned_end", "actual_start", "actual_end", "status", "weight"):
            setattr(base, name, data.get(name))
        if not self.has_children:
            base.progress = data["progress"]
        base.order = data.get("order") or 0
        return base


class ProgressForm(RecordForm):
    """The quick progress update of one activity."""

    progress = forms.IntegerField(
        label=_label(Activity, "progress"), widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1})
    )
    status = forms.ChoiceField(label=_label(Activity, "status"), choices=ActivityStatus.choices)
    on_date = IndonesianDateField(label=gettext_lazy("As of"), required=False, help_text=gettext_lazy("Empty: today."))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)
    field_map = {"last_progress_on": "on_date"}

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        if activity.children.exists():
            del self.fields["progress"]


# Reporting schedule -------------------------------------------------------------------------------------


class ScheduleForm(RecordForm):
    """An agreement's reporting schedule."""

    frequency = forms.ChoiceField(label=_label(ReportingSchedule, "frequency"), choices=ReportFrequency.choices)
    first_period_start = IndonesianDateField(label=_label(ReportingSchedule, "first_period_start"))
    due_days = forms.IntegerField(
        label=_label(ReportingSchedule, "due_days"),
        initial=30,
        help_text=ReportingSchedule._meta.get_field("due_days").help_text,
    )
    parties = forms.ModelMultipleChoiceField(
        label=_label(ReportingSchedule, "parties"),
        required=False,
        queryset=Pihak.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=ReportingSchedule._meta.get_field("parties").help_text,
    )
    note = _note_field()

    def __init__(self, *args, agreement: Agreement, schedule: ReportingSchedule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement, self.schedule = agreement, schedule
        self.fields["parties"].queryset = _party_queryset(agreement)
        if schedule is None:
            del self.fields["note"]

    def to_data(self) -> services.ScheduleData:
        data = self.cleaned_data
        return services.ScheduleData(
            agreement_id=self.agreement.pk,
            first_period_start=data["first_period_start"],
            frequency=data["frequency"],
            due_days=data["due_days"],
            party_ids=[party.pk for party in data.get("parties", [])],
        )


# Reports and evidence -------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the services (type by content, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(evidence.allowed_extensions()), "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ReportForm(RecordForm):
    """An implementation report; evidence files come along when it is first submitted."""

    pihak = PihakChoiceField(
        label=_label(ImplementationReport, "pihak"), queryset=Pihak.objects.none(), empty_label=None
    )
    period_start = IndonesianDateField(label=_label(ImplementationReport, "period_start"))
    period_end = IndonesianDateField(label=_label(ImplementationReport, "period_end"))
    submitted_on = IndonesianDateField(label=_label(ImplementationReport, "submitted_on"), required=False)
    summary = forms.CharField(label=_label(ImplementationReport, "summary"), widget=forms.Textarea(attrs={"rows": 4}))
    achievements = forms.CharField(
        label=_label(ImplementationReport, "achievements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    obstacles = forms.CharField(
        label=_label(ImplementationReport, "obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=gettext_lazy("Evidence files"), required=False)
    note = _note_field()

    def __init__(self, *args, agreement: Agreement, user, report: ImplementationReport | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement, self.report = agreement, report
        parties = _party_queryset(agreement)
        actor = actor_for(user)
        if actor.is_operator:
            parties = parties.filter(pk=actor.pihak_id)  # operators report for their own party only
        self.fields["pihak"].queryset = parties
        self.fields["files"].help_text = evidence_help()
        if report is None:
            del self.fields["note"]
            self.fields["submitted_on"].initial = timezone.localdate()
        else:
            del self.fields["files"]

    def to_data(self) -> services.ReportData:
        data = self.cleaned_data
        return services.ReportData(
            agreement_id=self.agreement.pk,
            pihak_id=data["pihak"].pk,
            period_start=data["period_start"],
            period_end=data["period_end"],
            submitted_on=data.get("submitted_on"),
            summary=data["summary"],
            achievements=data.get("achievements", ""),
            obstacles=data.get("obstacles", ""),
            source=self.report.source if self.report else Source.INPUT,
        )


def evidence_help() -> str:
    """The help text of evidence inputs: accepted types and the size limit."""
    return _("PDF, JPEG or PNG; at most %(size)s each. The content is checked, not only the name.") % {
        "size": filesizeformat(evidence.max_bytes())
    }


class EvidenceForm(RecordForm):
    """More evidence files for a report."""

    files = MultipleFileField(label=gettext_lazy("Evidence files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = evidence_help()


class ReviewForm(RecordForm):
    """Accept a report or send it back for revision."""

    status = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[(value, label) for value, label in ReportStatus.choices if value != ReportStatus.DIAJUKAN],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Required when asking for a revision."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_map = {"message": "note"}


# Indicators ---------------------------------------------------------------------------------------------


class IndicatorForm(RecordForm):
    """An indicator of what the agreement delivers."""

    name = forms.CharField(label=_label(Indicator, "name"), max_length=300, widget=forms.TextInput(attrs={"size": 60}))
    unit = forms.CharField(label=_label(Indicator, "unit"), max_length=60)
    aggregation = forms.ChoiceField(
        label=_label(Indicator, "aggregation"),
        choices=IndicatorAggregation.choices,
        widget=forms.RadioSelect,
        help_text=Indicator._meta.get_field("aggregation").help_text,
    )
    baseline = AmountField(label=_label(Indicator, "baseline"), required=False)
    target = AmountField(label=_label(Indicator, "target"), required=False)
    description = forms.CharField(
        label=_label(Indicator, "description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    order = forms.IntegerField(label=_label(Indicator, "order"), required=False, initial=0)
    note = _note_field()

    def __init__(self, *args, agreement: Agreement, indicator: Indicator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement, self.indicator = agreement, indicator
        if indicator is None:
            del self.fields["note"]

    def to_data(self) -> services.IndicatorData:
        data = self.cleaned_data
        return services.IndicatorData(
            agreement_id=self.agreement.pk,
            name=data["name"],
            unit=data["unit"],
            aggregation=data["aggregation"],
            baseline=data.get("baseline"),
            target=data.get("target"),
            description=data.get("description", ""),
            order=data.get("order") or 0,
            source=self.indicator.source if self.indicator else Source.INPUT,
        )


class IndicatorValueForm(RecordForm):
    """An indicator's actual value for a period."""

    period_start = IndonesianDateField(label=_label(IndicatorValue, "period_start"))
    period_end = IndonesianDateField(label=_label(IndicatorValue, "period_end"))
    value = AmountField(label=_label(IndicatorValue, "value"))
    recorded_on = IndonesianDateField(label=_label(IndicatorValue, "recorded_on"), required=False)
    note = forms.CharField(label=_label(IndicatorValue, "note"), required=False, max_length=500)

    def __init__(self, *args, indicator: Indicator, value: IndicatorValue | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator, self.record = indicator, value
        if value is None:
            self.fields["recorded_on"].initial = timezone.localdate()

    def to_data(self) -> services.IndicatorValueData:
        data = self.cleaned_data
        return services.IndicatorValueData(
            indicator_id=self.indicator.pk,
            period_start=data["period_start"],
            period_end=data["period_end"],
            value=data["value"],
            recorded_on=data.get("recorded_on"),
            note=data.get("note", ""),
        )


# Evaluations and follow-up actions ---------------------------------------------------------------------


class EvaluationForm(RecordForm):
    """A monitoring and evaluation (monev): the evaluator choices follow the user's role."""

    evaluator_kind = forms.ChoiceField(label=_label(Evaluation, "evaluator_kind"), choices=EvaluatorKind.choices)
    pihak = PihakChoiceField(
        label=_label(Evaluation, "pihak"), required=False, queryset=Pihak.objects.none(), empty_label="—"
    )
    evaluated_on = IndonesianDateField(label=_label(Evaluation, "evaluated_on"))
    period_start = IndonesianDateField(label=_label(Evaluation, "period_start"), required=False)
    period_end = IndonesianDateField(label=_label(Evaluation, "period_end"), required=False)
    score = forms.TypedChoiceField(
        label=_label(Evaluation, "score"),
        coerce=int,
        choices=[(number, str(number)) for number in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=gettext_lazy("1: very poor … 5: very good."),
    )
    findings = forms.CharField(label=_label(Evaluation, "findings"), widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.ChoiceField(
        label=_label(Evaluation, "recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    note = _note_field()

    def __init__(self, *args, agreement: Agreement, user, evaluation: Evaluation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement, self.evaluation = agreement, evaluation
        actor = actor_for(user)
        parties = _party_queryset(agreement)
        if actor.role == Role.TKKSD:
            self.fields["evaluator_kind"].choices = [(EvaluatorKind.TKKSD.value, EvaluatorKind.TKKSD.label)]
            del self.fields["pihak"]
        elif actor.is_operator:
            self.fields["evaluator_kind"].choices = [(EvaluatorKind.PIHAK.value, EvaluatorKind.PIHAK.label)]
            parties = parties.filter(pk=actor.pihak_id)
            self.fields["pihak"].empty_label = None
        if "pihak" in self.fields:
            self.fields["pihak"].queryset = parties
        if evaluation is None:
            del self.fields["note"]
            self.fields["evaluated_on"].initial = timezone.localdate()

    def to_data(self) -> services.EvaluationData:
        data = self.cleaned_data
        pihak = data.get("pihak")
        return services.EvaluationData(
            agreement_id=self.agreement.pk,
            evaluator_kind=data["evaluator_kind"],
            pihak_id=pihak.pk if pihak else None,
            evaluated_on=data["evaluated_on"],
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            score=data["score"],
            findings=data["findings"],
            recommendation=data["recommendation"],
            source=self.evaluation.source if self.evaluation else Source.INPUT,
        )


class ActionForm(RecordForm):
    """A follow-up action with its owner, due date and status."""

    description = forms.CharField(label=_label(FollowUpAction, "description"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_pihak = PihakChoiceField(
        label=_label(FollowUpAction, "owner_pihak"), required=False, queryset=Pihak.objects.none(), empty_label="—"
    )
    owner_perangkat_daerah = forms.ModelChoiceField(
        label=_label(FollowUpAction, "owner_perangkat_daerah"),
        required=False,
        queryset=PerangkatDaerah.objects.all(),
        empty_label="—",
    )
    owner_name = forms.CharField(label=_label(FollowUpAction, "owner_name"), required=False, max_length=200)
    due_on = IndonesianDateField(label=_label(FollowUpAction, "due_on"))
    status = forms.ChoiceField(label=_label(FollowUpAction, "status"), choices=ActionStatus.choices)
    done_on = IndonesianDateField(
        label=_label(FollowUpAction, "done_on"), required=False, help_text=gettext_lazy("Empty when done: today.")
    )
    note = _note_field()
    field_map = {"evaluation": "description", "problem": "description"}

    def __init__(
        self,
        *args,
        evaluation: Evaluation | None = None,
        problem: Problem | None = None,
        action: FollowUpAction | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.evaluation, self.problem, self.action = evaluation, problem, action
        self.fields["owner_pihak"].queryset = _owner_queryset(evaluation.agreement if evaluation else None)
        if action is None:
            del self.fields["note"]

    def to_data(self) -> services.ActionData:
        data = self.cleaned_data
        return services.ActionData(
            evaluation_id=self.evaluation.pk if self.evaluation else None,
            problem_id=self.problem.pk if self.problem else None,
            description=data["description"],
            owner_pihak_id=data["owner_pihak"].pk if data.get("owner_pihak") else None,
            owner_perangkat_daerah_id=(
                data["owner_perangkat_daerah"].pk if data.get("owner_perangkat_daerah") else None
            ),
            owner_name=data.get("owner_name", ""),
            due_on=data["due_on"],
            status=data["status"],
            done_on=data.get("done_on"),
        )


# Problems --------------------------------------------------------------------------------------------------


def resolve_region(text: str, area_resolver: AreaResolver | None = None) -> str:
    """A region code from a code, a kabupaten/kota name (Kukar) or a kecamatan or desa name (Kaltim first)."""
    code = normalise_code(text)
    if code is not None:
        if not Region.objects.filter(code=code).exists():
            raise ResolveError(_("No region has the code %(code)s.") % {"code": code})
        return code
    try:
        region = Pihak.objects.filter(pk=PihakResolver().resolve(text)).values_list("region_id", flat=True).first()
    except ResolveError:
        region = None
    if region:
        return region
    return (area_resolver or AreaResolver()).resolve(text, prefer=(KALTIM,))


class ProblemForm(RecordForm):
    """A problem of the register. Regions by code or name; agreements by number or #ID, separated by ;."""

    title = forms.CharField(label=_label(Problem, "title"), max_length=300, widget=forms.TextInput(attrs={"size": 60}))
    problem_type = forms.ChoiceField(label=_label(Problem, "problem_type"), choices=ProblemType.choices)
    severity = forms.ChoiceField(label=_label(Problem, "severity"), choices=Severity.choices)
    description = forms.CharField(
        label=_label(Problem, "description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    region = forms.CharField(
        label=_label(Problem, "region"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("A kabupaten/kota, kecamatan or desa: its name (Kukar, Kec. Samboja) or code."),
    )
    related_regions = forms.CharField(
        label=_label(Problem, "related_regions"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Names or codes separated by ;, e.g. both kabupaten of a boundary segment."),
    )
    agreements = forms.CharField(
        label=_label(Problem, "agreements"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Agreement numbers or #IDs separated by ;."),
    )
    owner_pihak = PihakChoiceField(
        label=_label(Problem, "owner_pihak"), required=False, queryset=Pihak.objects.none(), empty_label="—"
    )
    owner_perangkat_daerah = forms.ModelChoiceField(
        label=_label(Problem, "owner_perangkat_daerah"),
        required=False,
        queryset=PerangkatDaerah.objects.all(),
        empty_label="—",
    )
    owner_name = forms.CharField(label=_label(Problem, "owner_name"), required=False, max_length=200)
    status = forms.ChoiceField(label=_label(Problem, "status"), choices=ProblemStatus.choices)
    escalation_level = forms.ChoiceField(label=_label(Problem, "escalation_level"), choices=EscalationLevel.choices)
    opened_on = IndonesianDateField(label=_label(Problem, "opened_on"))
    resolved_on = IndonesianDateField(
        label=_label(Problem, "resolved_on"), required=False, help_text=gettext_lazy("Empty when resolved: today.")
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Public: anyone may see this problem"), required=False, initial=True
    )
    source_note = forms.CharField(label=_label(Problem, "source_note"), required=False, max_length=500)
    note = _note_field()

    def __init__(self, *args, user, problem: Problem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.problem = user, problem
        self.fields["owner_pihak"].queryset = _owner_queryset(None)
        if problem is None:
            del self.fields["note"]
            self.fields["opened_on"].initial = timezone.localdate()

    def clean_region(self) -> str | None:
        text = self.cleaned_data.get("region", "").strip()
        if not text:
            return None
        try:
            return resolve_region(text, self._areas())
        except ResolveError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_related_regions(self) -> list[str]:
        codes, errors = [], []
        for text in split_list(self.cleaned_data.get("related_regions", "")):
            try:
                code = resolve_region(text, self._areas())
            except ResolveError as exc:
                errors.append(str(exc))
                continue
            if code not in codes:
                codes.append(code)
        if errors:
            raise forms.ValidationError(errors)
        return codes

    def clean_agreements(self) -> list[int]:
        visible = Agreement.objects.restrict(self.user, VIEW)
        ids, errors = [], []
        for text in split_list(self.cleaned_data.get("agreements", "")):
            found = resolve_reference(text, visible)
            if found is None:
                errors.append(_("No agreement you can see has the number or ID “%(value)s”.") % {"value": text})
            elif found.pk not in ids:
                ids.append(found.pk)
        if errors:
            raise forms.ValidationError(errors)
        return ids

    def _areas(self) -> AreaResolver:
        if not hasattr(self, "_area_resolver"):
            self._area_resolver = AreaResolver(within=(KALTIM,))
        return self._area_resolver

    def to_data(self) -> services.ProblemData:
        data = self.cleaned_data
        return services.ProblemData(
            title=data["title"],
            problem_type=data["problem_type"],
            severity=data["severity"],
            opened_on=data["opened_on"],
            description=data.get("description", ""),
            region_id=data.get("region"),
            related_region_codes=data.get("related_regions", []),
            owner_pihak_id=data["owner_pihak"].pk if data.get("owner_pihak") else None,
            owner_perangkat_daerah_id=(
                data["owner_perangkat_daerah"].pk if data.get("owner_perangkat_daerah") else None
            ),
            owner_name=data.get("owner_name", ""),
            status=data["status"],
            escalation_level=data["escalation_level"],
            resolved_on=data.get("resolved_on"),
            is_public=data.get("is_public", False),
            source=self.problem.source if self.problem else Source.INPUT,
            source_note=data.get("source_note", ""),
            agreement_ids=data.get("agreements", []),
        )


def problem_initial(problem: Problem, user) -> dict:
    """A stored problem as the edit form's initial values (agreements the user can see, by reference)."""
    visible = Agreement.objects.restrict(user, VIEW).filter(problems=problem).prefetch_related("parties")
    return {
        "title": problem.title,
        "problem_type": problem.problem_type,
        "severity": problem.severity,
        "description": problem.description,
        "region": problem.region_id or "",
        "related_regions": "; ".join(region.pk for region in problem.related_regions.all()),
        "agreements": "; ".join(agreement_reference(agreement) for agreement in visible),
        "owner_pihak": problem.owner_pihak_id,
        "owner_perangkat_daerah": problem.owner_perangkat_daerah_id,
        "owner_name": problem.owner_name,
        "status": problem.status,
        "escalation_level": problem.escalation_level,
        "opened_on": problem.opened_on,
        "resolved_on": problem.resolved_on,
        "is_public": problem.is_public,
        "source_note": problem.source_note,
    }


def prepare_problem_filters(filterset, show_public: bool) -> None:
    """Give the shared ProblemFilterSet's form widgets suited to the register page."""
    filterset.form.label_suffix = ""
    fields = filterset.form.fields
    fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Title or description…")})
    for name in ("problem_type", "severity", "status", "escalation_level"):
        fields[name].widget = forms.CheckboxSelectMultiple(choices=fields[name].choices)
    regions = Region.objects.filter(Q(code=KALTIM) | Q(parent_id=KALTIM)).values_list("code", "name")
    current = filterset.data.get("region", "")
    choices = [("", _("All regions")), *regions]
    if current and current not in {code for code, _name in choices}:
        choices.append((current, current))
    fields["region"].widget = forms.Select(choices=choices)
    fields["open"].widget = forms.Select(choices=[("", _("All")), ("true", _("Open only"))])
    fields["is_public"].widget = forms.Select(
        choices=[("", _("All")), ("true", _("Public only")), ("false", _("Not public only"))]
    )
    for name in ("agreement", "owner_pihak"):
        del fields[name]
    if not show_public:
        del fields["is_public"]
