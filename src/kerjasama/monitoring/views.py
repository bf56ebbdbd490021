"""Web pages for recording implementation: work plans, schedules, reports with evidence, indicators,
evaluations with follow-up actions, and the problem register.

Views are thin: rows come from ``restrict``ed querysets (a row the user may not see is a 404, one it
may see but not change a 403), the forms shape input, the services decide. The agreement page's
monitoring sections are built by :func:`agreement_monitoring` (``templatetags/monitoring_ui.py``).
"""

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.changelog import history_for
from kerjasama.core.querysets import ADD, CHANGE, DELETE, VIEW
from kerjasama.monitoring import forms, health, progress, services
from kerjasama.monitoring.api.views import evidence_response
from kerjasama.monitoring.choices import OPEN_PROBLEM_STATUSES, ActivityStatus
from kerjasama.monitoring.filtersets import OPEN_ACTION_STATUSES, ProblemFilterSet
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
    owners_visible,
)
from kerjasama.users.roles import actor_for

PAGE_SIZE = 50
HISTORY_LIMIT = 100


def _allowed(queryset, pk) -> bool:
    return queryset.filter(pk=pk).exists()


def is_overdue(action: FollowUpAction, today: dt.date) -> bool:
    """Past its due date and still open or in progress."""
    return action.due_on is not None and action.due_on < today and action.status in OPEN_ACTION_STATUSES


def _anchor(agreement_pk: int, section: str) -> str:
    return reverse("kerjasama-detail", args=[agreement_pk]) + f"#{section}"


# The agreement page's sections ----------------------------------------------------------------------------


def agreement_monitoring(agreement: Agreement, user) -> dict:
    """Everything the monitoring sections of an agreement's page show ``user``, in a fixed number of queries."""
    pk = agreement.pk
    # Overdue marks follow the flags' day: today, or the demo's reference date on a demo-only register.
    today = health.default_as_of().day
    plan = progress.work_plan(agreement)
    visible = Agreement.objects.restrict(user, VIEW)
    children = [
        {"agreement": child, "progress": plan.child_progress.get(child.pk)}
        for child in visible.filter(parent=agreement, archived_at__isnull=True)
    ]

    indicators = list(Indicator.objects.restrict(user, VIEW).filter(agreement=agreement).prefetch_related("values"))
    reached = {indicator.pk: progress.achievement(indicator, indicator.values.all()) for indicator in indicators}

    evidence = ReportEvidence.objects.restrict(user, VIEW)
    reports = list(
        ImplementationReport.objects.restrict(user, VIEW)
        .filter(agreement=agreement)
        .select_related("pihak")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
    )
    by_key = {(report.pihak_id, report.period_start): report for report in reports}
    schedule = ReportingSchedule.objects.filter(agreement=agreement).first()
    periods = list(ReportingPeriod.objects.restrict(user, VIEW).filter(agreement=agreement).select_related("pihak"))
    grouped: dict = defaultdict(list)
    for period in periods:
        report = by_key.pop((period.pihak_id, period.period_start), None)
        grouped[(period.period_start, period.period_end)].append(
            {
                "period": period,
                "report": report,
                "overdue": report is None and period.due_on < today,
                "due_soon": report is None and today <= period.due_on,
            }
        )
    expected = [{"start": start, "end": end, "rows": rows} for (start, end), rows in sorted(grouped.items())]
    unexpected = sorted(by_key.values(), key=lambda report: report.period_start, reverse=True)

    actions = FollowUpAction.objects.restrict(user, VIEW).select_related("owner_pihak", "owner_perangkat_daerah")
    evaluations = list(
        Evaluation.objects.restrict(user, VIEW)
        .filter(agreement=agreement)
        .select_related("pihak")
        .prefetch_related(Prefetch("actions", queryset=actions))
    )
    for evaluation in evaluations:
        for action in evaluation.actions.all():
            action.is_overdue = is_overdue(action, today)
    problems = list(
        Problem.objects.restrict(user, VIEW)
        .filter(agreements=agreement)
        .select_related("region")
        .order_by("-opened_on")
    )

    authenticated = user is not None and user.is_authenticated
    can = {}
    if authenticated:
        can = {
            "plan": _allowed(Activity.objects.agreements(user, ADD), pk),
            "schedule": _allowed(ReportingSchedule.objects.agreements(user, ADD), pk),
            "report": _allowed(ImplementationReport.objects.agreements(user, ADD), pk),
            "indicator": _allowed(Indicator.objects.agreements(user, ADD), pk),
            "evaluate": _allowed(Evaluation.objects.agreements(user, ADD), pk),
            "problem": Problem.can_add(actor_for(user)),
            "reports": set(
                ImplementationReport.objects.restrict(user, CHANGE)
                .filter(agreement=agreement)
                .values_list("pk", flat=True)
            ),
            "evaluations": set(
                Evaluation.objects.restrict(user, CHANGE).filter(agreement=agreement).values_list("pk", flat=True)
            ),
            "actions": set(
                FollowUpAction.objects.restrict(user, CHANGE)
                .filter(evaluation__agreement=agreement)
                .values_list("pk", flat=True)
            ),
        }
        can["open"] = not agreement.is_archived
    return {
        "agreement": agreement,
        "today": today,
        "plan": plan,
        "children": children,
        "indicators": [{"indicator": indicator, "achievement": reached[indicator.pk]} for indicator in indicators],
        "schedule": schedule,
        "expected": expected,
        "unexpected": unexpected,
        "evaluations": evaluations,
        "problems": problems,
        "show_owners": owners_visible(user),
        "can": can,
    }


# A generic form page ----------------------------------------------------------------------------------------


class RecordFormView(LoginRequiredMixin, View):
    """A page with one form that saves through a service; subclasses load the rows and call the service.

    ``load`` runs for signed-in users before GET and POST: it finds the rows among those the user may
    see (404 otherwise) and checks the right to write (403 otherwise).
    """

    template_name = "monitoring/form.html"
    form_class = None
    title = ""
    section = ""
    success_message = gettext_lazy("Saved.")
    agreement: Agreement

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs) -> None:
        """Find the agreement (and record) and check the user's right; raise Http404 or PermissionDenied."""
        self.agreement = get_object_or_404(Agreement.objects.restrict(request.user, VIEW), pk=kwargs["pk"])

    def form_kwargs(self) -> dict:
        return {}

    def initial(self) -> dict:
        return {}

    def save(self, form):
        """Call the service; returns its result. Each form view defines it."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define save().")

    def success_url(self, result) -> str:
        return _anchor(self.agreement.pk, self.section)

    def get(self, request, **kwargs):
        return self.render(self.form_class(initial=self.initial(), **self.form_kwargs()))

    def post(self, request, **kwargs):
        form = self.form_class(request.POST, request.FILES, initial=self.initial(), **self.form_kwargs())
        if form.is_valid():
            try:
                result = self.save(form)
            except services.MonitoringValidationError as exc:
                form.apply_problems(exc.problems)
            except services.PermissionDenied as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, self.success_message)
                for problem in getattr(result, "warnings", []):
                    messages.warning(request, problem.message)
                return redirect(self.success_url(result))
        return self.render(form, status=400)

    def context(self) -> dict:
        return {}

    def render(self, form, status: int = 200):
        context = {
            "form": form,
            "title": self.title,
            "agreement": getattr(self, "agreement", None),
            "cancel_url": self.cancel_url(),
            "multipart": any(field.widget.needs_multipart_form for field in form.fields.values()),
            **self.context(),
        }
        return render(self.request, self.template_name, context, status=status)

    def cancel_url(self) -> str:
        return _anchor(self.agreement.pk, self.section)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# Work plan ----------------------------------------------------------------------------------------------------


class ActivityCreateView(RecordFormView):
    """Add an activity (``?parent=ID`` to add it under another)."""

    form_class = forms.ActivityForm
    title = gettext_lazy("Add an activity")
    section = "rencana-kerja"
    success_message = gettext_lazy("The activity was added to the work plan.")

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        _require(
            _allowed(Activity.objects.agreements(request.user, ADD), self.agreement.pk),
            _("You may not change this agreement's work plan."),
        )

    def form_kwargs(self):
        return {"agreement": self.agreement}

    def initial(self):
        parent = self.request.GET.get("parent", "")
        return {"parent": parent, "status": ActivityStatus.DIRENCANAKAN} if parent.isdigit() else {}

    def save(self, form):
        return services.create_activity(form.to_data(), user=self.request.user)


class AgreementRecordMixin:
    """Loads one record of the agreement in the URL into ``self.<attribute>``, if the user may see it and
    ``action`` it; subclasses name the model, the URL keyword, the attribute and the refusal."""

    model = None
    url_kwarg = ""
    attribute = ""
    denied_message = ""
    action = CHANGE

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        record = get_object_or_404(
            self.model.objects.restrict(request.user, VIEW).filter(agreement=self.agreement), pk=kwargs[self.url_kwarg]
        )
        setattr(self, self.attribute, record)
        _require(_allowed(self.model.objects.restrict(request.user, self.action), record.pk), self.denied_message)


class ActivityMixin(AgreementRecordMixin):
    """Loads ``self.activity`` of the agreement in the URL, if the user may see it and ``action`` it."""

    model = Activity
    url_kwarg = "activity"
    attribute = "activity"
    denied_message = gettext_lazy("You may not change this activity.")


class ActivityUpdateView(ActivityMixin, RecordFormView):
    """Edit an activity of the work plan."""

    form_class = forms.ActivityForm
    title = gettext_lazy("Edit activity")
    section = "rencana-kerja"
    success_message = gettext_lazy("The changes were saved.")

    def form_kwargs(self):
        return {"agreement": self.agreement, "activity": self.activity}

    def initial(self):
        activity = self.activity
        names = (
            "title", "description", "planned_start", "planned_end", "actual_start", "actual_end", "status",
            "progress", "weight", "order",
        )  # fmt: skip
        initial = {name: getattr(activity, name) for name in names}
        initial.update(
            parent=activity.parent_id, pihak=activity.pihak_id, perangkat_daerah=activity.perangkat_daerah_id
        )
        return initial

    def save(self, form):
        return services.update_activity(
            self.activity, form.to_data(), user=self.request.user, message=form.cleaned_data.get("note", "")
        )


class ActivityProgressView(ActivityMixin, RecordFormView):
    """The quick progress update of one activity."""

    form_class = forms.ProgressForm
    title = gettext_lazy("Update progress")
    section = "rencana-kerja"
    success_message = gettext_lazy("The progress was updated.")

    def form_kwargs(self):
        return {"activity": self.activity}

    def initial(self):
        return {"progress": self.activity.progress, "status": self.activity.status}

    def context(self):
        return {"record": self.activity}

    def save(self, form):
        data = form.cleaned_data
        return services.update_progress(
            self.activity,
            progress=data.get("progress"),
            status=data["status"],
            on_date=data.get("on_date"),
            user=self.request.user,
            message=data.get("note", ""),
        )


class ActivityDeleteView(ActivityMixin, RecordFormView):
    """Remove an activity (and its sub-activities) after a confirmation."""

    form_class = forms.RecordForm
    template_name = "monitoring/confirm_delete.html"
    title = gettext_lazy("Remove activity")
    section = "rencana-kerja"
    success_message = gettext_lazy("The activity was removed from the work plan.")
    action = DELETE

    def context(self):
        return {"record": self.activity, "below": self.activity.children.count()}

    def save(self, form):
        services.delete_activity(self.activity, user=self.request.user)


# Reporting schedule -------------------------------------------------------------------------------------------


class ScheduleView(RecordFormView):
    """Set or change the agreement's reporting schedule (one per agreement)."""

    form_class = forms.ScheduleForm
    title = gettext_lazy("Reporting schedule")
    section = "laporan"
    success_message = gettext_lazy("The reporting schedule was saved and the expected reports were updated.")

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        self.schedule = ReportingSchedule.objects.filter(agreement=self.agreement).first()
        if self.schedule is None:
            allowed = _allowed(ReportingSchedule.objects.agreements(request.user, ADD), self.agreement.pk)
        else:
            allowed = _allowed(ReportingSchedule.objects.restrict(request.user, CHANGE), self.schedule.pk)
        _require(allowed, _("You may not change this agreement's reporting schedule."))

    def form_kwargs(self):
        return {"agreement": self.agreement, "schedule": self.schedule}

    def initial(self):
        if self.schedule is None:
            return {"first_period_start": self.agreement.start_on}
        return {
            "frequency": self.schedule.frequency,
            "first_period_start": self.schedule.first_period_start,
            "due_days": self.schedule.due_days,
            "parties": list(self.schedule.parties.all()),
        }

    def save(self, form):
        if self.schedule is None:
            return services.create_schedule(form.to_data(), user=self.request.user)
        return services.update_schedule(
            self.schedule, form.to_data(), user=self.request.user, message=form.cleaned_data.get("note", "")
        )


# Reports and evidence ------------------------------------------------------------------------------------------


class ReportCreateView(RecordFormView):
    """Submit an implementation report with evidence (``?pihak=ID&mulai=YYYY-MM-DD`` fills an expected one)."""

    form_class = forms.ReportForm
    title = gettext_lazy("Submit an implementation report")
    section = "laporan"
    success_message = gettext_lazy("The report was submitted.")

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        _require(
            _allowed(ImplementationReport.objects.agreements(request.user, ADD), self.agreement.pk),
            _("You may not report on this agreement."),
        )

    def form_kwargs(self):
        return {"agreement": self.agreement, "user": self.request.user}

    def initial(self):
        pihak, start = self.request.GET.get("pihak", ""), self.request.GET.get("mulai", "")
        try:
            day = dt.date.fromisoformat(start)
        except ValueError:  # none or malformed in the address: start with an empty form
            return {}
        expected = ReportingPeriod.objects.filter(agreement=self.agreement, period_start=day)
        period = expected.filter(pihak_id=int(pihak)).first() if pihak.isdigit() else None
        if period is None:
            return {}
        return {"pihak": period.pihak_id, "period_start": period.period_start, "period_end": period.period_end}

    def save(self, form):
        return services.create_report(form.to_data(), form.cleaned_data.get("files", []), user=self.request.user)

    def success_url(self, result):
        return reverse("monitoring-report", args=[self.agreement.pk, result.obj.pk])


class ReportMixin(AgreementRecordMixin):
    """Loads ``self.report`` of the agreement in the URL, if the user may see it and ``action`` it."""

    model = ImplementationReport
    url_kwarg = "report"
    attribute = "report"
    denied_message = gettext_lazy("You may not change this report.")

    def cancel_url(self):
        return reverse("monitoring-report", args=[self.agreement.pk, self.report.pk])

    def success_url(self, result):
        return self.cancel_url()


class ReportUpdateView(ReportMixin, RecordFormView):
    """Edit a report (its party's operator or the admin)."""

    form_class = forms.ReportForm
    title = gettext_lazy("Edit implementation report")
    success_message = gettext_lazy("The changes were saved.")

    def form_kwargs(self):
        return {"agreement": self.agreement, "user": self.request.user, "report": self.report}

    def initial(self):
        report = self.report
        names = ("period_start", "period_end", "submitted_on", "summary", "achievements", "obstacles")
        return {"pihak": report.pihak_id, **{name: getattr(report, name) for name in names}}

    def save(self, form):
        return services.update_report(
            self.report, form.to_data(), user=self.request.user, message=form.cleaned_data.get("note", "")
        )


class EvidenceAddView(ReportMixin, RecordFormView):
    """Attach more evidence files to a report."""

    form_class = forms.EvidenceForm
    title = gettext_lazy("Add evidence files")
    success_message = gettext_lazy("The files were attached.")

    def context(self):
        return {"record": self.report}

    def save(self, form):
        return services.add_evidence(self.report, form.cleaned_data["files"], user=self.request.user)


class ReportReviewView(ReportMixin, RecordFormView):
    """Accept a report or send it back for revision (province admin and TKKSD)."""

    form_class = forms.ReviewForm
    title = gettext_lazy("Review implementation report")
    success_message = gettext_lazy("The review was recorded.")
    action = REVIEW

    def context(self):
        return {"record": self.report}

    def save(self, form):
        data = form.cleaned_data
        return services.review_report(self.report, data["status"], user=self.request.user, message=data.get("note", ""))


class ReportDetailView(View):
    """One report: its text, review status and evidence files (listed only to those who may see them)."""

    def get(self, request, pk: int, report: int):
        agreement = get_object_or_404(Agreement.objects.restrict(request.user, VIEW), pk=pk)
        evidence = ReportEvidence.objects.restrict(request.user, VIEW)
        record = get_object_or_404(
            ImplementationReport.objects.restrict(request.user, VIEW)
            .filter(agreement=agreement)
            .select_related("pihak")
            .prefetch_related(Prefetch("evidence", queryset=evidence)),
            pk=report,
        )
        user = request.user
        context = {
            "agreement": agreement,
            "report": record,
            "can_change": _allowed(ImplementationReport.objects.restrict(user, CHANGE), record.pk),
            "can_review": _allowed(ImplementationReport.objects.restrict(user, REVIEW), record.pk),
            "can_delete_evidence": set(
                ReportEvidence.objects.restrict(user, DELETE).filter(report=record).values_list("pk", flat=True)
            ),
            # Evidence is not public: say that files exist rather than show an empty list as if none did.
            "hidden_evidence": ReportEvidence.objects.filter(report=record).count() - len(record.evidence.all()),
        }
        return render(request, "monitoring/report_detail.html", context)


class EvidenceDownloadView(View):
    """An evidence file, served only to those who may see it (never from a public media address)."""

    def get(self, request, pk: int, report: int, evidence: int):
        found = get_object_or_404(
            ReportEvidence.objects.restrict(request.user, VIEW).filter(report_id=report, report__agreement_id=pk),
            pk=evidence,
        )
        return evidence_response(found)


class EvidenceDeleteView(LoginRequiredMixin, View):
    """Remove an evidence file (POST)."""

    def post(self, request, pk: int, report: int, evidence: int):
        found = get_object_or_404(
            ReportEvidence.objects.restrict(request.user, VIEW).filter(report_id=report, report__agreement_id=pk),
            pk=evidence,
        )
        try:
            services.delete_evidence(found, user=request.user)
        except services.PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(request, _("The file was removed."))
        return redirect("monitoring-report", pk, report)


# Indicators -------------------------------------------------------------------------------------------------------


class IndicatorCreateView(RecordFormView):
    """Add an indicator."""

    form_class = forms.IndicatorForm
    title = gettext_lazy("Add an indicator")
    section = "indikator"
    success_message = gettext_lazy("The indicator was added.")

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        _require(
            _allowed(Indicator.objects.agreements(request.user, ADD), self.agreement.pk),
            _("You may not change this agreement's indicators."),
        )

    def form_kwargs(self):
        return {"agreement": self.agreement}

    def save(self, form):
        return services.create_indicator(form.to_data(), user=self.request.user)


class IndicatorMixin(AgreementRecordMixin):
    """Loads ``self.indicator`` of the agreement in the URL, if the user may see and change it."""

    model = Indicator
    url_kwarg = "indicator"
    attribute = "indicator"
    denied_message = gettext_lazy("You may not change this indicator.")


class IndicatorUpdateView(IndicatorMixin, RecordFormView):
    """Edit an indicator."""

    form_class = forms.IndicatorForm
    title = gettext_lazy("Edit indicator")
    section = "indikator"
    success_message = gettext_lazy("The changes were saved.")

    def form_kwargs(self):
        return {"agreement": self.agreement, "indicator": self.indicator}

    def initial(self):
        names = ("name", "unit", "aggregation", "baseline", "target", "description", "order")
        return {name: getattr(self.indicator, name) for name in names}

    def save(self, form):
        return services.update_indicator(
            self.indicator, form.to_data(), user=self.request.user, message=form.cleaned_data.get("note", "")
        )


class IndicatorValueCreateView(IndicatorMixin, RecordFormView):
    """Record an indicator's value for a period."""

    form_class = forms.IndicatorValueForm
    title = gettext_lazy("Record a value")
    section = "indikator"
    success_message = gettext_lazy("The value was recorded.")

    def form_kwargs(self):
        return {"indicator": self.indicator}

    def context(self):
        return {"record": self.indicator}

    def save(self, form):
        return services.create_indicator_value(form.to_data(), user=self.request.user)


class IndicatorValueUpdateView(IndicatorMixin, RecordFormView):
    """Correct an indicator value."""

    form_class = forms.IndicatorValueForm
    title = gettext_lazy("Correct a value")
    section = "indikator"
    success_message = gettext_lazy("The changes were saved.")

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        self.value = get_object_or_404(IndicatorValue.objects.filter(indicator=self.indicator), pk=kwargs["value"])

    def form_kwargs(self):
        return {"indicator": self.indicator, "value": self.value}

    def context(self):
        return {"record": self.indicator}

    def initial(self):
        names = ("period_start", "period_end", "value", "recorded_on", "note")
        return {name: getattr(self.value, name) for name in names}

    def save(self, form):
        return services.update_indicator_value(self.value, form.to_data(), user=self.request.user)


# Evaluations and follow-up actions -----------------------------------------------------------------------------


class EvaluationCreateView(RecordFormView):
    """Record a monev: the TKKSD on any agreement, a party's operator on its own."""

    form_class = forms.EvaluationForm
    title = gettext_lazy("Record an evaluation")
    section = "evaluasi"
    success_message = gettext_lazy("The evaluation was recorded.")

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        _require(
            _allowed(Evaluation.objects.agreements(request.user, ADD), self.agreement.pk),
            _("You may not evaluate this agreement."),
        )

    def form_kwargs(self):
        return {"agreement": self.agreement, "user": self.request.user}

    def save(self, form):
        return services.create_evaluation(form.to_data(), user=self.request.user)


class EvaluationMixin(AgreementRecordMixin):
    """Loads ``self.evaluation`` of the agreement in the URL, if the user may see and change it."""

    model = Evaluation
    url_kwarg = "evaluation"
    attribute = "evaluation"
    denied_message = gettext_lazy("You may not change this evaluation.")


class EvaluationUpdateView(EvaluationMixin, RecordFormView):
    """Edit an evaluation (each evaluator its own)."""

    form_class = forms.EvaluationForm
    title = gettext_lazy("Edit evaluation")
    section = "evaluasi"
    success_message = gettext_lazy("The changes were saved.")

    def form_kwargs(self):
        return {"agreement": self.agreement, "user": self.request.user, "evaluation": self.evaluation}

    def initial(self):
        names = ("evaluator_kind", "evaluated_on", "period_start", "period_end", "score", "findings", "recommendation")
        return {"pihak": self.evaluation.pihak_id, **{name: getattr(self.evaluation, name) for name in names}}

    def save(self, form):
        return services.update_evaluation(
            self.evaluation, form.to_data(), user=self.request.user, message=form.cleaned_data.get("note", "")
        )


class EvaluationActionCreateView(EvaluationMixin, RecordFormView):
    """Add a follow-up action to an evaluation."""

    form_class = forms.ActionForm
    title = gettext_lazy("Add a follow-up action")
    section = "evaluasi"
    success_message = gettext_lazy("The follow-up action was added.")

    def form_kwargs(self):
        return {"evaluation": self.evaluation}

    def context(self):
        return {"record": self.evaluation}

    def save(self, form):
        return services.create_action(form.to_data(), user=self.request.user)


class ActionUpdateView(RecordFormView):
    """Edit a follow-up action or report its progress (its owner may too)."""

    form_class = forms.ActionForm
    title = gettext_lazy("Edit follow-up action")
    success_message = gettext_lazy("The changes were saved.")

    def load(self, request, **kwargs):
        self.action = get_object_or_404(
            FollowUpAction.objects.restrict(request.user, VIEW).select_related("evaluation__agreement", "problem"),
            pk=kwargs["action"],
        )
        _require(
            _allowed(FollowUpAction.objects.restrict(request.user, CHANGE), self.action.pk),
            _("You may not change this action."),
        )
        self.agreement = self.action.evaluation.agreement if self.action.evaluation_id else None

    def form_kwargs(self):
        return {"evaluation": self.action.evaluation, "problem": self.action.problem, "action": self.action}

    def initial(self):
        action = self.action
        names = ("description", "owner_name", "due_on", "status", "done_on")
        return {
            "owner_pihak": action.owner_pihak_id,
            "owner_perangkat_daerah": action.owner_perangkat_daerah_id,
            **{name: getattr(action, name) for name in names},
        }

    def context(self):
        return {"record": self.action.evaluation or self.action.problem}

    def save(self, form):
        return services.update_action(
            self.action, form.to_data(), user=self.request.user, message=form.cleaned_data.get("note", "")
        )

    def cancel_url(self):
        if self.action.problem_id:
            return reverse("monitoring-problem", args=[self.action.problem_id])
        return _anchor(self.agreement.pk, "evaluasi")

    def success_url(self, result):
        return self.cancel_url()


# Problems ------------------------------------------------------------------------------------------------------------


class ProblemListView(View):
    """The problem register with filters (type, severity, status, escalation level, region, open only)."""

    def get(self, request):
        data = request.GET.copy()
        data.pop("page", None)
        queryset = Problem.objects.restrict(request.user, VIEW).select_related("region", "owner_pihak")
        filterset = ProblemFilterSet(data, queryset=queryset)
        forms.prepare_problem_filters(filterset, show_public=request.user.is_authenticated)
        page = Paginator(filterset.qs.prefetch_related("agreements"), PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "problems": page.object_list,
            "show_owners": owners_visible(request.user),
            "can_add": Problem.can_add(actor_for(request.user)),
            "open_statuses": OPEN_PROBLEM_STATUSES,
        }
        return render(request, "monitoring/problem_list.html", context)


class ProblemDetailView(View):
    """One problem: where, how bad, who handles it at which level, the agreements it blocks, the actions."""

    def get(self, request, problem: int):
        user = request.user
        record = get_object_or_404(
            Problem.objects.restrict(user, VIEW).select_related("region", "owner_pihak", "owner_perangkat_daerah"),
            pk=problem,
        )
        visible = Agreement.objects.restrict(user, VIEW)
        parties = Prefetch("parties", queryset=AgreementParty.objects.select_related("pihak"))
        context = {
            "problem": record,
            "agreements": list(visible.filter(problems=record).prefetch_related(parties)),
            "related_regions": list(record.related_regions.all()),
            "actions": list(
                FollowUpAction.objects.restrict(user, VIEW)
                .filter(problem=record)
                .select_related("owner_pihak", "owner_perangkat_daerah")
            ),
            "show_owners": owners_visible(user),
            "can_change": user.is_authenticated and _allowed(Problem.objects.restrict(user, CHANGE), record.pk),
            "changeable_actions": set(
                FollowUpAction.objects.restrict(user, CHANGE).filter(problem=record).values_list("pk", flat=True)
            )
            if user.is_authenticated
            else set(),
        }
        if user.is_authenticated:
            context["history"] = list(history_for(record)[:HISTORY_LIMIT])
        return render(request, "monitoring/problem_detail.html", context)


class ProblemFormView(RecordFormView):
    """Base of the problem pages: they hang off the register, not off one agreement."""

    form_class = forms.ProblemForm

    def form_kwargs(self):
        return {"user": self.request.user, "problem": getattr(self, "problem", None)}


class ProblemCreateView(ProblemFormView):
    """Register a problem (``?kerja_sama=ID`` links it to that agreement)."""

    title = gettext_lazy("Register a problem")
    success_message = gettext_lazy("The problem was registered.")

    def load(self, request, **kwargs):
        _require(Problem.can_add(actor_for(request.user)), _("Your role may not register problems."))
        self.agreement = None
        linked = request.GET.get("kerja_sama", "")
        if linked.isdigit():
            self.agreement = Agreement.objects.restrict(request.user, VIEW).filter(pk=int(linked)).first()

    def initial(self):
        initial = {"opened_on": timezone.localdate(), "is_public": True}
        if self.agreement is not None:
            initial["agreements"] = f"#{self.agreement.pk}"
        return initial

    def save(self, form):
        return services.create_problem(form.to_data(), user=self.request.user)

    def success_url(self, result):
        return reverse("monitoring-problem", args=[result.obj.pk])

    def cancel_url(self):
        if self.agreement is not None:
            return _anchor(self.agreement.pk, "permasalahan")
        return reverse("monitoring-problems")


class ProblemUpdateView(ProblemFormView):
    """Edit a problem: handling, escalation, status and the agreements it blocks."""

    title = gettext_lazy("Edit problem")
    success_message = gettext_lazy("The changes were saved.")

    def load(self, request, **kwargs):
        self.agreement = None
        self.problem = get_object_or_404(Problem.objects.restrict(request.user, VIEW), pk=kwargs["problem"])
        _require(
            _allowed(Problem.objects.restrict(request.user, CHANGE), self.problem.pk),
            _("You may not change this problem."),
        )

    def initial(self):
        return forms.problem_initial(self.problem, self.request.user)

    def context(self):
        return {"record": self.problem}

    def save(self, form):
        return services.update_problem(
            self.problem, form.to_data(), user=self.request.user, message=form.cleaned_data.get("note", "")
        )

    def success_url(self, result):
        return reverse("monitoring-problem", args=[self.problem.pk])

    def cancel_url(self):
        return self.success_url(None)


class ProblemActionCreateView(ProblemFormView):
    """Add a follow-up action to a problem."""

    form_class = forms.ActionForm
    title = gettext_lazy("Add a follow-up action")
    success_message = gettext_lazy("The follow-up action was added.")

    def load(self, request, **kwargs):
        self.agreement = None
        self.problem = get_object_or_404(Problem.objects.restrict(request.user, VIEW), pk=kwargs["problem"])
        _require(
            _allowed(Problem.objects.restrict(request.user, CHANGE), self.problem.pk),
            _("You may not change this problem."),
        )

    def form_kwargs(self):
        return {"problem": self.problem}

    def initial(self):
        return {"owner_pihak": self.problem.owner_pihak_id, "owner_name": self.problem.owner_name}

    def context(self):
        return {"record": self.problem}

    def save(self, form):
        return services.create_action(form.to_data(), user=self.request.user)

    def success_url(self, result):
        return reverse("monitoring-problem", args=[self.problem.pk])

    def cancel_url(self):
        return self.success_url(None)
