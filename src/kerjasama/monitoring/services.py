"""Recording implementation: work plans, schedules, reports with evidence, indicators, evaluations, problems.

The rules every entry path shares, as in ``agreements.services``: the web forms and the API build a
``...Data`` object and call a ``create_…``/``update_…`` function with the acting user. Each validates
into a list of :class:`Problem` (errors stop saving, warnings do not), checks the user's right through
the model's ``restrict``/``agreements`` querysets, then writes in one transaction together with the
change log, whose rows point at the agreement (``related``) so its "Riwayat" lists monitoring changes.
Problems and their actions are logged with ``related`` the problem (a problem may concern several
agreements).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import AgreementValidationError, PermissionDenied, Problem
from kerjasama.core import changelog
from kerjasama.core.choices import ChangeAction, Source
from kerjasama.core.context import current
from kerjasama.core.querysets import ADD, CHANGE, DELETE, VIEW
from kerjasama.monitoring import evidence as evidence_files
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
    REVIEW,
    Activity,
    Evaluation,
    FollowUpAction,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    ReportEvidence,
    ReportingPeriod,
    ReportingSchedule,
)
from kerjasama.monitoring.models import (
    Problem as ProblemRecord,
)
from kerjasama.monitoring.schedules import refresh_periods
from kerjasama.regions.models import PerangkatDaerah, Pihak, Region
from kerjasama.users.choices import Role
from kerjasama.users.roles import actor_for

__all__ = (
    "ActionData",
    "ActivityData",
    "EvaluationData",
    "IndicatorData",
    "IndicatorValueData",
    "MonitoringValidationError",
    "PermissionDenied",
    "Problem",
    "ProblemData",
    "ReportData",
    "SaveResult",
    "ScheduleData",
    "add_evidence",
    "create_action",
    "create_activity",
    "create_evaluation",
    "create_indicator",
    "create_indicator_value",
    "create_problem",
    "create_report",
    "create_schedule",
    "delete_action",
    "delete_activity",
    "delete_evidence",
    "delete_indicator",
    "delete_indicator_value",
    "delete_schedule",
    "review_report",
    "subtree_ids",
    "update_action",
    "update_activity",
    "update_evaluation",
    "update_indicator",
    "update_indicator_value",
    "update_problem",
    "update_progress",
    "update_report",
    "update_schedule",
)


class MonitoringValidationError(AgreementValidationError):
    """Monitoring input that cannot be saved; ``problems`` lists every error (and the warnings)."""


@dataclass
class SaveResult:
    """A saved record and the warnings that did not stop it."""

    obj: models.Model
    warnings: list[Problem]


class RecordData:
    """Input for one record; field names are the model's attribute names (``pihak_id``), so the
    data copies onto a row and back without a mapping. Fields ending in ``_ids``/``_codes`` are links."""

    @classmethod
    def from_instance(cls, obj: models.Model, **overrides: Any):
        """The stored record as input data, e.g. to prefill an edit form or apply a partial update."""
        values = {item.name: getattr(obj, item.name) for item in fields(cls) if not _is_link(item.name)}
        values.update(overrides)
        return cls(**values)  # type: ignore[call-arg]

    def apply(self, obj: models.Model) -> None:
        """Copy the plain fields onto ``obj`` (not saved), trimming text."""
        for item in fields(self):  # type: ignore[arg-type]
            if _is_link(item.name):
                continue
            value = getattr(self, item.name)
            setattr(obj, item.name, value.strip() if isinstance(value, str) else value)


def _is_link(name: str) -> bool:
    return name.endswith(("_ids", "_codes"))


class Found(list):
    """The problems found so far."""

    def error(self, name: str, message: str) -> None:
        self.append(Problem(name, message))

    def warn(self, name: str, message: str) -> None:
        self.append(Problem(name, message, warning=True))

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self if problem.warning]

    def errors_for(self, name: str) -> bool:
        return any(problem.field == name and not problem.warning for problem in self)

    def raise_errors(self) -> None:
        if any(not problem.warning for problem in self):
            raise MonitoringValidationError(list(self))


def _label(model: type[models.Model], name: str) -> str:
    return str(capfirst(model._meta.get_field(name.removesuffix("_id")).verbose_name))


def _acting(user):
    return user if user is not None else current().user


def _today() -> dt.date:
    return timezone.localdate()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_may_add(model, agreement_id: int, user, message: str) -> None:
    """Refuse with ``message`` unless ``user`` may add ``model`` records to the agreement ``agreement_id``."""
    _require(model.objects.agreements(user, ADD).filter(pk=agreement_id).exists(), message)


def _creator(user):
    """The user to record as creator: none for the system (imports, the demo, commands without a user)."""
    return user if getattr(user, "pk", None) else None


def _visible_agreement(pk: int | None, user) -> Agreement:
    """The agreement ``pk`` if ``user`` may see it; otherwise the same error as when it does not exist."""
    agreement = Agreement.objects.restrict(user, VIEW).filter(pk=pk).first() if pk is not None else None
    if agreement is None:
        raise MonitoringValidationError([Problem("agreement", _("The agreement does not exist."))])
    return agreement


def _log(obj, action: str, before: dict | None, after: dict | None, related, message: str = "") -> None:
    """Write one change-log row, skipping updates that changed nothing."""
    if action == ChangeAction.UPDATE and before == after:
        return
    changelog.log_change(obj, action, before=before, after=after, related=related, message=message)


# Shared checks -------------------------------------------------------------------------------------


def _check_choice(found: Found, name: str, value: str, choices, label: str) -> None:
    if value not in choices.values:
        found.error(
            name,
            _("Unknown %(label)s “%(value)s”: use %(choices)s.")
            % {"label": label.lower(), "value": value, "choices": ", ".join(choices.values)},
        )


def _check_text(found: Found, name: str, value: str, label: str, max_length: int | None, required: bool) -> None:
    if required and not (value or "").strip():
        found.error(name, _("%(label)s is required.") % {"label": label})
    elif max_length is not None and len(value or "") > max_length:
        found.error(name, _("%(label)s is longer than %(max)s characters.") % {"label": label, "max": max_length})


def _check_within(found: Found, agreement: Agreement, name: str, day: dt.date | None, label: str) -> None:
    """``day`` must lie inside the agreement's validity: not before its start, not after its effective end."""
    if day is None:
        return
    if agreement.start_on is not None and day < agreement.start_on:
        found.error(
            name,
            _("%(label)s (%(day)s) is before the agreement starts (%(start)s).")
            % {"label": label, "day": day.isoformat(), "start": agreement.start_on.isoformat()},
        )
    end = agreement.effective_end
    if end is not None and day > end:
        found.error(
            name,
            _("%(label)s (%(day)s) is after the agreement ends (%(end)s).")
            % {"label": label, "day": day.isoformat(), "end": end.isoformat()},
        )


def _check_order(found: Found, name: str, start: dt.date | None, end: dt.date | None, label: str) -> None:
    if start is not None and end is not None and end < start:
        found.error(
            name,
            _("%(label)s (%(end)s) is before the start (%(start)s).")
            % {"label": label, "end": end.isoformat(), "start": start.isoformat()},
        )


def _check_not_future(found: Found, name: str, day: dt.date | None, label: str) -> None:
    if day is not None and day > _today():
        found.error(name, _("%(label)s (%(day)s) is in the future.") % {"label": label, "day": day.isoformat()})


def _check_open(found: Found, agreement: Agreement) -> None:
    if agreement.is_archived:
        found.error("agreement", _("The agreement is archived; restore it first."))


def _party_ids(agreement: Agreement) -> set[int]:
    return set(agreement.parties.values_list("pihak_id", flat=True))


def _check_party(found: Found, agreement: Agreement, name: str, pihak_id: int | None, label: str) -> None:
    if pihak_id is not None and pihak_id not in _party_ids(agreement):
        found.error(name, _("%(label)s must be a party to the agreement.") % {"label": label})


def _check_exists(found: Found, name: str, model: type[models.Model], pk, label: str) -> None:
    if pk is not None and not model.objects.filter(pk=pk).exists():
        found.error(name, _("Unknown %(label)s %(id)s.") % {"label": label.lower(), "id": pk})


# Work plan -----------------------------------------------------------------------------------------


@dataclass
class ActivityData(RecordData):
    """An activity of a work plan as entered."""

    agreement_id: int
    title: str
    parent_id: int | None = None
    description: str = ""
    pihak_id: int | None = None
    perangkat_daerah_id: int | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    status: str = ActivityStatus.DIRENCANAKAN
    progress: int = 0
    weight: Decimal | None = None
    last_progress_on: dt.date | None = None
    order: int = 0
    source: str = Source.INPUT


def validate_activity(data: ActivityData, agreement: Agreement, activity: Activity | None = None) -> list[Problem]:
    """Every problem with ``data`` as an activity of ``agreement`` (``activity``: the one being edited)."""
    found = Found()
    label = lambda name: _label(Activity, name)  # noqa: E731
    _check_open(found, agreement)
    _check_text(found, "title", data.title, label("title"), 300, required=True)
    _check_choice(found, "status", data.status, ActivityStatus, label("status"))
    _check_choice(found, "source", data.source, Source, label("source"))
    if data.progress is None or not 0 <= data.progress <= 100:
        found.error("progress", _("Progress must be a whole number from 0 to 100."))
    if data.weight is not None and data.weight <= 0:
        found.error("weight", _("A weight must be more than 0; leave it blank for an equal share."))
    if data.order is not None and data.order < 0:
        found.error("order", _("The order cannot be negative."))
    if data.parent_id is not None:
        parent = Activity.objects.filter(pk=data.parent_id).values_list("agreement_id", flat=True).first()
        if parent != agreement.pk:
            found.error("parent", _("The parent activity must belong to the same agreement."))
        elif activity is not None and data.parent_id in subtree_ids(activity):
            found.error("parent", _("An activity cannot be part of itself or of one of its sub-activities."))
    _check_party(found, agreement, "pihak", data.pihak_id, label("pihak"))
    _check_exists(found, "perangkat_daerah", PerangkatDaerah, data.perangkat_daerah_id, label("perangkat_daerah"))
    for name in ("planned_start", "planned_end", "actual_start", "actual_end"):
        _check_within(found, agreement, name, getattr(data, name), label(name))
    _check_order(found, "planned_end", data.planned_start, data.planned_end, label("planned_end"))
    _check_order(found, "actual_end", data.actual_start, data.actual_end, label("actual_end"))
    _check_not_future(found, "actual_start", data.actual_start, label("actual_start"))
    _check_not_future(found, "actual_end", data.actual_end, label("actual_end"))
    _check_not_future(found, "last_progress_on", data.last_progress_on, label("last_progress_on"))
    if agreement.start_on and data.last_progress_on and data.last_progress_on < agreement.start_on:
        found.error("last_progress_on", _("A progress update cannot be older than the agreement."))
    has_children = activity is not None and activity.children.exists()
    if has_children and data.progress != activity.progress:
        found.error(
            "progress", _("This activity has sub-activities: its progress is computed from theirs. Update those.")
        )
    if not has_children and data.status == ActivityStatus.SELESAI and data.progress is not None and data.progress < 100:
        found.warn("progress", _("The activity is marked done but its progress is %(progress)s%%.") % {
            "progress": data.progress
        })  # fmt: skip
    return list(found)


def subtree_ids(activity: Activity) -> set[int]:
    """The ids of ``activity`` and everything below it (one query per level)."""
    ids, frontier = {activity.pk}, [activity.pk]
    while frontier:
        found = Activity.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        frontier = [pk for pk in found if pk not in ids]
        ids.update(frontier)
    return ids


def _progress_moved(data: ActivityData, activity: Activity | None) -> bool:
    if activity is None:
        return data.progress != 0 or data.status != ActivityStatus.DIRENCANAKAN
    return data.progress != activity.progress or data.status != activity.status


def create_activity(data: ActivityData, user=None) -> SaveResult:
    """Add an activity to an agreement's work plan."""
    user = _acting(user)
    agreement = _visible_agreement(data.agreement_id, user)
    _require_may_add(Activity, agreement.pk, user, _("You may not change this agreement's work plan."))
    found = Found(validate_activity(data, agreement))
    found.raise_errors()
    if data.last_progress_on is None and _progress_moved(data, None):
        data.last_progress_on = _today()  # recording progress is itself the evidence of life
    with transaction.atomic():
        activity = Activity(created_by=_creator(user))
        data.apply(activity)
        activity.save()
        _log(activity, ChangeAction.CREATE, None, activity.snapshot(), agreement)
    return SaveResult(activity, found.warnings)


def _changeable(model: type[models.Model], obj: models.Model, user, message: str, action: str = CHANGE) -> None:
    _require(model.objects.restrict(user, action).filter(pk=obj.pk).exists(), message)


def update_activity(activity: Activity, data: ActivityData, user=None, message: str = "") -> SaveResult:
    """Edit an activity; its progress and status updates also set ``last_progress_on`` (default today)."""
    user = _acting(user)
    _changeable(Activity, activity, user, _("You may not change this activity."))
    data.agreement_id = activity.agreement_id  # an activity never moves to another agreement
    agreement = activity.agreement
    found = Found(validate_activity(data, agreement, activity))
    found.raise_errors()
    if _progress_moved(data, activity) and data.last_progress_on == activity.last_progress_on:
        data.last_progress_on = _today()
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        before = locked.snapshot()
        data.apply(locked)
        locked.save()
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), agreement, message)
    return SaveResult(locked, found.warnings)


def update_progress(
    activity: Activity,
    progress: int | None = None,
    status: str | None = None,
    on_date: dt.date | None = None,
    user=None,
    message: str = "",
) -> SaveResult:
    """The quick progress update: new progress and/or status, recorded as of ``on_date`` (default today)."""
    data = ActivityData.from_instance(activity)
    if progress is not None:
        data.progress = progress
    if status is not None:
        data.status = status
    data.last_progress_on = on_date or _today()
    return update_activity(activity, data, user=user, message=message)


def delete_activity(activity: Activity, user=None, message: str = "") -> None:
    """Remove an activity and its sub-activities from the work plan, each logged."""
    user = _acting(user)
    _changeable(Activity, activity, user, _("You may not change this activity."), DELETE)
    with transaction.atomic():
        doomed = Activity.objects.filter(pk__in=subtree_ids(activity)).order_by("-parent_id", "-pk")
        for row in doomed:
            _log(row, ChangeAction.DELETE, row.snapshot(), None, activity.agreement, message)
        activity.delete()


# Reporting schedule --------------------------------------------------------------------------------


@dataclass
class ScheduleData(RecordData):
    """An agreement's reporting schedule as entered; ``party_ids`` empty means every party reports."""

    agreement_id: int
    first_period_start: dt.date | None
    frequency: str = ReportFrequency.SEMESTERAN
    due_days: int = 30
    party_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_instance(cls, obj: ReportingSchedule, **overrides: Any) -> "ScheduleData":
        data = super().from_instance(obj, **overrides)
        if "party_ids" not in overrides:
            data.party_ids = [party.pk for party in obj.parties.all()]
        return data


def validate_schedule(data: ScheduleData, agreement: Agreement) -> list[Problem]:
    """Every problem with ``data`` as the reporting schedule of ``agreement``."""
    found = Found()
    label = lambda name: _label(ReportingSchedule, name)  # noqa: E731
    _check_open(found, agreement)
    _check_choice(found, "frequency", data.frequency, ReportFrequency, label("frequency"))
    if data.first_period_start is None:
        found.error("first_period_start", _("%(label)s is required.") % {"label": label("first_period_start")})
    _check_within(found, agreement, "first_period_start", data.first_period_start, label("first_period_start"))
    if data.due_days is None or not 0 <= data.due_days <= 365:
        found.error("due_days", _("Days to report must be from 0 to 365."))
    parties = _party_ids(agreement)
    if any(pk not in parties for pk in data.party_ids):
        found.error("parties", _("Every reporting party must be a party to the agreement."))
    return list(found)


def create_schedule(data: ScheduleData, user=None) -> SaveResult:
    """Give an agreement its reporting schedule and generate the expected reports."""
    user = _acting(user)
    agreement = _visible_agreement(data.agreement_id, user)
    _require_may_add(
        ReportingSchedule, agreement.pk, user, _("You may not change this agreement's reporting schedule.")
    )
    found = Found(validate_schedule(data, agreement))
    if ReportingSchedule.objects.filter(agreement=agreement).exists():
        found.error("agreement", _("The agreement already has a reporting schedule; edit it instead."))
    found.raise_errors()
    with transaction.atomic():
        schedule = ReportingSchedule()
        data.apply(schedule)
        try:
            with transaction.atomic():
                schedule.save()
        except IntegrityError as exc:  # another request gave it a schedule meanwhile
            raise MonitoringValidationError(
                [Problem("agreement", _("The agreement already has a reporting schedule; edit it instead."))]
            ) from exc
        schedule.parties.set(data.party_ids)
        refreshed = refresh_periods(agreement)
        _log(schedule, ChangeAction.CREATE, None, schedule.snapshot(), agreement, _periods_note(refreshed))
    return SaveResult(schedule, found.warnings)


def _periods_note(refreshed) -> str:
    return _("Expected reports: %(created)s added, %(updated)s changed, %(deleted)s removed.") % vars(refreshed)


def update_schedule(schedule: ReportingSchedule, data: ScheduleData, user=None, message: str = "") -> SaveResult:
    """Change a reporting schedule; the expected reports are rebuilt (submitted reports are kept)."""
    user = _acting(user)
    _changeable(ReportingSchedule, schedule, user, _("You may not change this agreement's reporting schedule."))
    data.agreement_id = schedule.agreement_id
    agreement = schedule.agreement
    found = Found(validate_schedule(data, agreement))
    found.raise_errors()
    with transaction.atomic():
        locked = ReportingSchedule.objects.select_for_update().get(pk=schedule.pk)
        before = locked.snapshot()
        data.apply(locked)
        locked.save()
        locked.parties.set(data.party_ids)
        refreshed = refresh_periods(agreement)
        note = " ".join(part for part in (message, _periods_note(refreshed)) if part)
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), agreement, note)
    return SaveResult(locked, found.warnings)


def delete_schedule(schedule: ReportingSchedule, user=None, message: str = "") -> None:
    """Remove the schedule and the expected reports derived from it (submitted reports stay)."""
    user = _acting(user)
    _changeable(ReportingSchedule, schedule, user, _("You may not change this agreement's reporting schedule."), DELETE)
    with transaction.atomic():
        agreement = schedule.agreement
        _log(schedule, ChangeAction.DELETE, schedule.snapshot(), None, agreement, message)
        schedule.delete()
        refresh_periods(agreement)


# Implementation reports and their evidence ---------------------------------------------------------


@dataclass
class ReportData(RecordData):
    """An implementation report as entered (its review status is set by :func:`review_report`)."""

    agreement_id: int
    pihak_id: int | None
    period_start: dt.date | None
    period_end: dt.date | None
    summary: str
    submitted_on: dt.date | None = None
    achievements: str = ""
    obstacles: str = ""
    source: str = Source.INPUT


def validate_report(
    data: ReportData, agreement: Agreement, user, report: ImplementationReport | None = None
) -> list[Problem]:
    """Every problem with ``data`` as a report on ``agreement`` by ``user`` (``report``: the one edited)."""
    found = Found()
    label = lambda name: _label(ImplementationReport, name)  # noqa: E731
    _check_open(found, agreement)
    _check_text(found, "summary", data.summary, label("summary"), None, required=True)
    _check_choice(found, "source", data.source, Source, label("source"))
    actor = actor_for(user)
    if data.pihak_id is None:
        found.error("pihak", _("%(label)s is required.") % {"label": label("pihak")})
    elif actor.is_operator and data.pihak_id != actor.pihak_id:
        found.error("pihak", _("You may only report for your own region or institution."))
    else:
        _check_party(found, agreement, "pihak", data.pihak_id, label("pihak"))
    for name in ("period_start", "period_end"):
        if getattr(data, name) is None:
            found.error(name, _("%(label)s is required.") % {"label": label(name)})
        _check_within(found, agreement, name, getattr(data, name), label(name))
    _check_order(found, "period_end", data.period_start, data.period_end, label("period_end"))
    _check_not_future(found, "submitted_on", data.submitted_on, label("submitted_on"))
    if data.submitted_on and data.period_start and data.submitted_on < data.period_start:
        found.error("submitted_on", _("A report cannot be submitted before its period starts."))
    if data.pihak_id is not None and data.period_start is not None:
        taken = ImplementationReport.objects.filter(
            agreement=agreement, pihak_id=data.pihak_id, period_start=data.period_start
        )
        if report is not None:
            taken = taken.exclude(pk=report.pk)
        if taken.exists():
            found.error(
                "period_start",
                _("This party has already reported for the period starting %(day)s.")
                % {"day": data.period_start.isoformat()},
            )
        expected = ReportingPeriod.objects.filter(agreement=agreement)
        if (
            expected.exists()
            and not expected.filter(pihak_id=data.pihak_id, period_start=data.period_start).exists()
            and not found.errors_for("period_start")
        ):
            found.warn("period_start", _("This is not one of the reports the schedule expects from this party."))
    return list(found)


def _check_files(found: Found, files: Sequence[UploadedFile]) -> list[evidence_files.Checked]:
    checked = []
    for upload in files:
        result = evidence_files.check(upload)
        for message in result.errors:
            found.error("files", message)
        checked.append(result)
    return checked


def _store_evidence(report: ImplementationReport, checked: list, written: list[str]) -> list[ReportEvidence]:
    """Save each checked upload under the report, remembering the stored names in ``written``."""
    stored = []
    for item in checked:
        row = ReportEvidence(report=report, original_name=item.name, content_type=item.content_type, size=item.size)
        row.file.save(item.name, item.upload, save=False)
        written.append(row.file.name)
        row.save()
        _log(row, ChangeAction.CREATE, None, row.snapshot(), report.agreement)
        stored.append(row)
    return stored


def _remove_files(names: list[str]) -> None:
    storage = ReportEvidence._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def create_report(data: ReportData, files: Sequence[UploadedFile] = (), user=None) -> SaveResult:
    """Submit a report with its evidence files: all saved, or (on any problem) nothing, not even a file."""
    user = _acting(user)
    agreement = _visible_agreement(data.agreement_id, user)
    _require_may_add(ImplementationReport, agreement.pk, user, _("You may not report on this agreement."))
    data.submitted_on = data.submitted_on or _today()
    found = Found(validate_report(data, agreement, user))
    checked = _check_files(found, files)
    found.raise_errors()
    written: list[str] = []
    try:
        with transaction.atomic():
            report = ImplementationReport(created_by=_creator(user))
            data.apply(report)
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError as exc:  # the same report arrived meanwhile
                raise MonitoringValidationError(
                    [Problem("period_start", _("This party has already reported for this period."))]
                ) from exc
            _log(report, ChangeAction.CREATE, None, report.snapshot(), agreement)
            _store_evidence(report, checked, written)
    except BaseException:
        _remove_files(written)
        raise
    return SaveResult(report, found.warnings)


def update_report(report: ImplementationReport, data: ReportData, user=None, message: str = "") -> SaveResult:
    """Edit a report; a report sent back for revision counts as submitted again."""
    user = _acting(user)
    _changeable(ImplementationReport, report, user, _("You may not change this report."))
    data.agreement_id = report.agreement_id
    data.submitted_on = data.submitted_on or report.submitted_on
    agreement = report.agreement
    found = Found(validate_report(data, agreement, user, report))
    found.raise_errors()
    with transaction.atomic():
        locked = ImplementationReport.objects.select_for_update().get(pk=report.pk)
        before = locked.snapshot()
        data.apply(locked)
        if locked.status == ReportStatus.PERLU_PERBAIKAN:
            locked.status = ReportStatus.DIAJUKAN
        locked.save()
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), agreement, message)
    return SaveResult(locked, found.warnings)


def add_evidence(report: ImplementationReport, files: Sequence[UploadedFile], user=None) -> list[ReportEvidence]:
    """Attach more evidence files to a report: all of them, or none."""
    user = _acting(user)
    _changeable(ImplementationReport, report, user, _("You may not change this report."))
    found = Found()
    if not files:
        found.error("files", _("Choose at least one file."))
    checked = _check_files(found, files)
    found.raise_errors()
    written: list[str] = []
    try:
        with transaction.atomic():
            return _store_evidence(report, checked, written)
    except BaseException:
        _remove_files(written)
        raise


def delete_evidence(evidence: ReportEvidence, user=None, message: str = "") -> None:
    """Remove an evidence file; the file leaves the disk once the removal is committed."""
    user = _acting(user)
    _changeable(ReportEvidence, evidence, user, _("You may not change this report."), DELETE)
    name = evidence.file.name
    with transaction.atomic():
        _log(evidence, ChangeAction.DELETE, evidence.snapshot(), None, evidence.report.agreement, message)
        evidence.delete()
        transaction.on_commit(lambda: _remove_files([name]))


def review_report(report: ImplementationReport, status: str, user=None, message: str = "") -> SaveResult:
    """Accept a report or send it back for revision (the province admin and the TKKSD)."""
    user = _acting(user)
    _changeable(ImplementationReport, report, user, _("You may not review reports."), REVIEW)
    found = Found()
    _check_choice(found, "status", status, ReportStatus, _label(ImplementationReport, "status"))
    if status == ReportStatus.PERLU_PERBAIKAN and not message.strip():
        found.error("message", _("Say what needs to be revised."))
    found.raise_errors()
    with transaction.atomic():
        locked = ImplementationReport.objects.select_for_update().get(pk=report.pk)
        before = locked.snapshot()
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), locked.agreement, message)
    return SaveResult(locked, [])


# Indicators ----------------------------------------------------------------------------------------


@dataclass
class IndicatorData(RecordData):
    """An indicator as entered."""

    agreement_id: int
    name: str
    unit: str
    aggregation: str = IndicatorAggregation.SUM
    baseline: Decimal | None = None
    target: Decimal | None = None
    description: str = ""
    order: int = 0
    source: str = Source.INPUT


def validate_indicator(data: IndicatorData, agreement: Agreement) -> list[Problem]:
    """Every problem with ``data`` as an indicator of ``agreement``."""
    found = Found()
    label = lambda name: _label(Indicator, name)  # noqa: E731
    _check_open(found, agreement)
    _check_text(found, "name", data.name, label("name"), 300, required=True)
    _check_text(found, "unit", data.unit, label("unit"), 60, required=True)
    _check_choice(found, "aggregation", data.aggregation, IndicatorAggregation, label("aggregation"))
    _check_choice(found, "source", data.source, Source, label("source"))
    if data.order is not None and data.order < 0:
        found.error("order", _("The order cannot be negative."))
    if data.target is None:
        found.warn("target", _("Without a target the achievement cannot be computed."))
    return list(found)


def create_indicator(data: IndicatorData, user=None) -> SaveResult:
    """Add an indicator (e.g. residents served, students funded) to an agreement."""
    user = _acting(user)
    agreement = _visible_agreement(data.agreement_id, user)
    _require_may_add(Indicator, agreement.pk, user, _("You may not change this agreement's indicators."))
    found = Found(validate_indicator(data, agreement))
    found.raise_errors()
    with transaction.atomic():
        indicator = Indicator(created_by=_creator(user))
        data.apply(indicator)
        indicator.save()
        _log(indicator, ChangeAction.CREATE, None, indicator.snapshot(), agreement)
    return SaveResult(indicator, found.warnings)


def update_indicator(indicator: Indicator, data: IndicatorData, user=None, message: str = "") -> SaveResult:
    """Edit an indicator."""
    user = _acting(user)
    _changeable(Indicator, indicator, user, _("You may not change this indicator."))
    data.agreement_id = indicator.agreement_id
    agreement = indicator.agreement
    found = Found(validate_indicator(data, agreement))
    found.raise_errors()
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        before = locked.snapshot()
        data.apply(locked)
        locked.save()
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), agreement, message)
    return SaveResult(locked, found.warnings)


def delete_indicator(indicator: Indicator, user=None, message: str = "") -> None:
    """Remove an indicator with its values, each logged."""
    user = _acting(user)
    _changeable(Indicator, indicator, user, _("You may not change this indicator."), DELETE)
    with transaction.atomic():
        agreement = indicator.agreement
        for value in indicator.values.all():
            _log(value, ChangeAction.DELETE, value.snapshot(), None, agreement, message)
        _log(indicator, ChangeAction.DELETE, indicator.snapshot(), None, agreement, message)
        indicator.delete()


@dataclass
class IndicatorValueData(RecordData):
    """The actual value of an indicator for one period, as entered."""

    indicator_id: int
    period_start: dt.date | None
    period_end: dt.date | None
    value: Decimal | None
    recorded_on: dt.date | None = None
    note: str = ""


def validate_indicator_value(
    data: IndicatorValueData, indicator: Indicator, value: IndicatorValue | None = None
) -> list[Problem]:
    """Every problem with ``data`` as a value of ``indicator`` (``value``: the one being edited)."""
    found = Found()
    label = lambda name: _label(IndicatorValue, name)  # noqa: E731
    agreement = indicator.agreement
    _check_open(found, agreement)
    if data.value is None:
        found.error("value", _("%(label)s is required.") % {"label": label("value")})
    for name in ("period_start", "period_end"):
        if getattr(data, name) is None:
            found.error(name, _("%(label)s is required.") % {"label": label(name)})
        _check_within(found, agreement, name, getattr(data, name), label(name))
    _check_order(found, "period_end", data.period_start, data.period_end, label("period_end"))
    _check_not_future(found, "recorded_on", data.recorded_on, label("recorded_on"))
    _check_text(found, "note", data.note, label("note"), 500, required=False)
    if data.period_start is not None:
        taken = IndicatorValue.objects.filter(indicator=indicator, period_start=data.period_start)
        if value is not None:
            taken = taken.exclude(pk=value.pk)
        if taken.exists():
            found.error(
                "period_start",
                _("This indicator already has a value for the period starting %(day)s.")
                % {"day": data.period_start.isoformat()},
            )
    return list(found)


def _indicator_of(pk: int | None, user) -> Indicator:
    indicator = Indicator.objects.restrict(user, VIEW).select_related("agreement").filter(pk=pk).first()
    if indicator is None:
        raise MonitoringValidationError([Problem("indicator", _("The indicator does not exist."))])
    return indicator


def create_indicator_value(data: IndicatorValueData, user=None) -> SaveResult:
    """Record an indicator's value for a period."""
    user = _acting(user)
    indicator = _indicator_of(data.indicator_id, user)
    _require_may_add(IndicatorValue, indicator.agreement_id, user, _("You may not change this agreement's indicators."))
    data.recorded_on = data.recorded_on or _today()
    found = Found(validate_indicator_value(data, indicator))
    found.raise_errors()
    with transaction.atomic():
        value = IndicatorValue()
        data.apply(value)
        try:
            with transaction.atomic():
                value.save()
        except IntegrityError as exc:
            raise MonitoringValidationError(
                [Problem("period_start", _("This indicator already has a value for this period."))]
            ) from exc
        _log(value, ChangeAction.CREATE, None, value.snapshot(), indicator.agreement)
    return SaveResult(value, found.warnings)


def update_indicator_value(value: IndicatorValue, data: IndicatorValueData, user=None, message: str = "") -> SaveResult:
    """Correct an indicator value."""
    user = _acting(user)
    _changeable(IndicatorValue, value, user, _("You may not change this indicator."))
    data.indicator_id = value.indicator_id
    data.recorded_on = data.recorded_on or value.recorded_on
    indicator = value.indicator
    found = Found(validate_indicator_value(data, indicator, value))
    found.raise_errors()
    with transaction.atomic():
        locked = IndicatorValue.objects.select_for_update().get(pk=value.pk)
        before = locked.snapshot()
        data.apply(locked)
        locked.save()
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), indicator.agreement, message)
    return SaveResult(locked, found.warnings)


def delete_indicator_value(value: IndicatorValue, user=None, message: str = "") -> None:
    """Remove an indicator value."""
    user = _acting(user)
    _changeable(IndicatorValue, value, user, _("You may not change this indicator."), DELETE)
    with transaction.atomic():
        _log(value, ChangeAction.DELETE, value.snapshot(), None, value.indicator.agreement, message)
        value.delete()


# Evaluations (monev) --------------------------------------------------------------------------------


@dataclass
class EvaluationData(RecordData):
    """A monitoring and evaluation as entered; ``pihak_id`` names the evaluating party (none for the TKKSD)."""

    agreement_id: int
    evaluator_kind: str
    evaluated_on: dt.date | None
    score: int | None
    findings: str
    recommendation: str
    pihak_id: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    source: str = Source.INPUT


def validate_evaluation(data: EvaluationData, agreement: Agreement, user) -> list[Problem]:
    """Every problem with ``data`` as an evaluation of ``agreement`` by ``user``."""
    found = Found()
    label = lambda name: _label(Evaluation, name)  # noqa: E731
    _check_open(found, agreement)
    _check_choice(found, "evaluator_kind", data.evaluator_kind, EvaluatorKind, label("evaluator_kind"))
    _check_choice(found, "recommendation", data.recommendation, Recommendation, label("recommendation"))
    _check_choice(found, "source", data.source, Source, label("source"))
    _check_text(found, "findings", data.findings, label("findings"), None, required=True)
    if data.score is None or not 1 <= data.score <= 5:
        found.error("score", _("The score must be a whole number from 1 to 5."))
    if data.evaluated_on is None:
        found.error("evaluated_on", _("%(label)s is required.") % {"label": label("evaluated_on")})
    _check_not_future(found, "evaluated_on", data.evaluated_on, label("evaluated_on"))
    if agreement.start_on and data.evaluated_on and data.evaluated_on < agreement.start_on:
        found.error("evaluated_on", _("An evaluation cannot be older than the agreement."))
    for name in ("period_start", "period_end"):
        _check_within(found, agreement, name, getattr(data, name), label(name))
    _check_order(found, "period_end", data.period_start, data.period_end, label("period_end"))
    actor = actor_for(user)
    if data.evaluator_kind == EvaluatorKind.TKKSD:
        if data.pihak_id is not None:
            found.error("pihak", _("An evaluation by the TKKSD names no party."))
        if actor.is_operator:
            found.error("evaluator_kind", _("Operators evaluate for their own party, not for the TKKSD."))
    elif data.evaluator_kind == EvaluatorKind.PIHAK:
        if data.pihak_id is None:
            found.error("pihak", _("Name the evaluating party."))
        elif actor.is_operator and data.pihak_id != actor.pihak_id:
            found.error("pihak", _("You may only evaluate for your own region or institution."))
        else:
            _check_party(found, agreement, "pihak", data.pihak_id, label("pihak"))
        if actor.role == Role.TKKSD:
            found.error("evaluator_kind", _("The TKKSD evaluates as the TKKSD."))
    return list(found)


def create_evaluation(data: EvaluationData, user=None) -> SaveResult:
    """Record a monev: the TKKSD on any agreement, a party on its own."""
    user = _acting(user)
    agreement = _visible_agreement(data.agreement_id, user)
    _require_may_add(Evaluation, agreement.pk, user, _("You may not evaluate this agreement."))
    found = Found(validate_evaluation(data, agreement, user))
    found.raise_errors()
    with transaction.atomic():
        evaluation = Evaluation(created_by=_creator(user))
        data.apply(evaluation)
        evaluation.save()
        _log(evaluation, ChangeAction.CREATE, None, evaluation.snapshot(), agreement)
    return SaveResult(evaluation, found.warnings)


def update_evaluation(evaluation: Evaluation, data: EvaluationData, user=None, message: str = "") -> SaveResult:
    """Edit an evaluation (each evaluator its own)."""
    user = _acting(user)
    _changeable(Evaluation, evaluation, user, _("You may not change this evaluation."))
    data.agreement_id = evaluation.agreement_id
    agreement = evaluation.agreement
    found = Found(validate_evaluation(data, agreement, user))
    found.raise_errors()
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        before = locked.snapshot()
        data.apply(locked)
        locked.save()
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), agreement, message)
    return SaveResult(locked, found.warnings)


# Follow-up actions ---------------------------------------------------------------------------------


@dataclass
class ActionData(RecordData):
    """A follow-up action of an evaluation or a problem (exactly one), as entered."""

    description: str
    due_on: dt.date | None
    evaluation_id: int | None = None
    problem_id: int | None = None
    owner_pihak_id: int | None = None
    owner_perangkat_daerah_id: int | None = None
    owner_name: str = ""
    status: str = ActionStatus.TERBUKA
    done_on: dt.date | None = None


def validate_action(data: ActionData) -> list[Problem]:
    """Every problem with ``data`` as a follow-up action."""
    found = Found()
    label = lambda name: _label(FollowUpAction, name)  # noqa: E731
    if (data.evaluation_id is None) == (data.problem_id is None):
        found.error("evaluation", _("An action follows up exactly one evaluation or one problem."))
    _check_text(found, "description", data.description, label("description"), None, required=True)
    _check_text(found, "owner_name", data.owner_name, label("owner_name"), 200, required=False)
    if data.owner_pihak_id is None and data.owner_perangkat_daerah_id is None and not data.owner_name.strip():
        found.error("owner_name", _("Say who carries the action out (a party, a perangkat daerah or a name)."))
    _check_exists(found, "owner_pihak", Pihak, data.owner_pihak_id, label("owner_pihak"))
    owner_pd = data.owner_perangkat_daerah_id
    _check_exists(found, "owner_perangkat_daerah", PerangkatDaerah, owner_pd, label("owner_perangkat_daerah"))
    if data.due_on is None:
        found.error("due_on", _("Give the date the action is due."))
    _check_choice(found, "status", data.status, ActionStatus, label("status"))
    _check_not_future(found, "done_on", data.done_on, label("done_on"))
    if data.done_on is not None and data.status != ActionStatus.SELESAI:
        found.error("done_on", _("Only a finished action has a date done."))
    return list(found)


def _action_parent(data: ActionData, user, action: str):
    """The evaluation or problem the action belongs to, if ``user`` may ``action`` it."""
    if data.evaluation_id is not None:
        parent = Evaluation.objects.restrict(user, VIEW).select_related("agreement").filter(pk=data.evaluation_id)
        found = parent.first()
        if found is None:
            raise MonitoringValidationError([Problem("evaluation", _("The evaluation does not exist."))])
        _require(
            Evaluation.objects.restrict(user, action).filter(pk=found.pk).exists(),
            _("You may not change this evaluation."),
        )
        return found
    found = ProblemRecord.objects.restrict(user, VIEW).filter(pk=data.problem_id).first()
    if found is None:
        raise MonitoringValidationError([Problem("problem", _("The problem does not exist."))])
    _require(
        ProblemRecord.objects.restrict(user, action).filter(pk=found.pk).exists(), _("You may not change this problem.")
    )
    return found


def _action_related(action: FollowUpAction):
    return action.evaluation.agreement if action.evaluation_id else action.problem


def create_action(data: ActionData, user=None) -> SaveResult:
    """Add a follow-up action to an evaluation or a problem."""
    user = _acting(user)
    found = Found(validate_action(data))
    found.raise_errors()
    _action_parent(data, user, CHANGE)
    if data.status == ActionStatus.SELESAI and data.done_on is None:
        data.done_on = _today()
    with transaction.atomic():
        action = FollowUpAction(created_by=_creator(user))
        data.apply(action)
        action.save()
        _log(action, ChangeAction.CREATE, None, action.snapshot(), _action_related(action))
    return SaveResult(action, found.warnings)


def update_action(action: FollowUpAction, data: ActionData, user=None, message: str = "") -> SaveResult:
    """Edit a follow-up action or report its progress (its owner may too)."""
    user = _acting(user)
    _changeable(FollowUpAction, action, user, _("You may not change this action."))
    data.evaluation_id, data.problem_id = action.evaluation_id, action.problem_id
    if data.status == ActionStatus.SELESAI and data.done_on is None:
        data.done_on = _today()
    found = Found(validate_action(data))
    found.raise_errors()
    with transaction.atomic():
        locked = FollowUpAction.objects.select_for_update().get(pk=action.pk)
        before = locked.snapshot()
        data.apply(locked)
        locked.save()
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), _action_related(locked), message)
    return SaveResult(locked, found.warnings)


def delete_action(action: FollowUpAction, user=None, message: str = "") -> None:
    """Remove a follow-up action entered by mistake."""
    user = _acting(user)
    _changeable(FollowUpAction, action, user, _("You may not change this action."), DELETE)
    with transaction.atomic():
        _log(action, ChangeAction.DELETE, action.snapshot(), None, _action_related(action), message)
        action.delete()


# Problems ------------------------------------------------------------------------------------------


@dataclass
class ProblemData(RecordData):
    """A problem as entered; ``agreement_ids`` are the agreements it blocks (those the user can see)."""

    title: str
    problem_type: str
    severity: str
    opened_on: dt.date | None
    description: str = ""
    region_id: str | None = None
    related_region_codes: list[str] = field(default_factory=list)
    owner_pihak_id: int | None = None
    owner_perangkat_daerah_id: int | None = None
    owner_name: str = ""
    status: str = ProblemStatus.TERBUKA
    escalation_level: str = EscalationLevel.PERANGKAT_DAERAH
    resolved_on: dt.date | None = None
    is_public: bool = True
    source: str = Source.INPUT
    source_note: str = ""
    agreement_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_instance(cls, obj: ProblemRecord, **overrides: Any) -> "ProblemData":
        data = super().from_instance(obj, **overrides)
        if "agreement_ids" not in overrides:
            data.agreement_ids = [agreement.pk for agreement in obj.agreements.all()]
        if "related_region_codes" not in overrides:
            data.related_region_codes = [region.pk for region in obj.related_regions.all()]
        return data


def validate_problem(data: ProblemData, user, problem: ProblemRecord | None = None) -> list[Problem]:
    """Every problem with ``data`` as a problem record entered by ``user``."""
    found = Found()
    label = lambda name: _label(ProblemRecord, name)  # noqa: E731
    _check_text(found, "title", data.title, label("title"), 300, required=True)
    _check_text(found, "owner_name", data.owner_name, label("owner_name"), 200, required=False)
    _check_text(found, "source_note", data.source_note, label("source_note"), 500, required=False)
    _check_choice(found, "problem_type", data.problem_type, ProblemType, label("problem_type"))
    _check_choice(found, "severity", data.severity, Severity, label("severity"))
    _check_choice(found, "status", data.status, ProblemStatus, label("status"))
    _check_choice(found, "escalation_level", data.escalation_level, EscalationLevel, label("escalation_level"))
    _check_choice(found, "source", data.source, Source, label("source"))
    _check_exists(found, "region", Region, data.region_id, label("region"))
    known = set(Region.objects.filter(code__in=data.related_region_codes).values_list("code", flat=True))
    for code in data.related_region_codes:
        if code not in known:
            found.error("related_regions", _("Unknown region code %(code)s.") % {"code": code})
    _check_exists(found, "owner_pihak", Pihak, data.owner_pihak_id, label("owner_pihak"))
    owner_pd = data.owner_perangkat_daerah_id
    _check_exists(found, "owner_perangkat_daerah", PerangkatDaerah, owner_pd, label("owner_perangkat_daerah"))
    if data.opened_on is None:
        found.error("opened_on", _("%(label)s is required.") % {"label": label("opened_on")})
    _check_not_future(found, "opened_on", data.opened_on, label("opened_on"))
    _check_not_future(found, "resolved_on", data.resolved_on, label("resolved_on"))
    _check_order(found, "resolved_on", data.opened_on, data.resolved_on, label("resolved_on"))
    if data.resolved_on is not None and data.status != ProblemStatus.SELESAI:
        found.error("resolved_on", _("Only a resolved problem has a resolution date."))
    visible = Agreement.objects.restrict(user, VIEW)
    seen = set(visible.filter(pk__in=data.agreement_ids).values_list("pk", flat=True))
    # Links already there stay even where the user cannot see them (see _write_problem_links).
    kept = set(problem.agreements.values_list("pk", flat=True)) if problem is not None else set()
    for pk in data.agreement_ids:
        if pk not in seen and pk not in kept:
            found.error("agreements", _("Agreement %(id)s does not exist.") % {"id": pk})
    actor = actor_for(user)
    if actor.is_operator and data.owner_pihak_id != actor.pihak_id:
        mine = Agreement.objects.restrict(user, CHANGE).filter(pk__in=data.agreement_ids)
        if not mine.exists() and not (problem is not None and ProblemRecord.objects.restrict(user, CHANGE).filter(
            pk=problem.pk, owner_pihak_id=actor.pihak_id
        ).exists()):  # fmt: skip
            found.error(
                "agreements",
                _("Link one of your own agreements, or name your region or institution as the owner."),
            )
    if data.is_public and seen and visible.filter(pk__in=seen, is_public=False).exists():
        found.warn("is_public", _("The problem is public but concerns an agreement that is not."))
    return list(found)


def _write_problem_links(problem: ProblemRecord, data: ProblemData, user) -> None:
    # Links the user cannot see are kept: an operator edits only the part of the record it knows.
    hidden = set(
        problem.agreements.exclude(pk__in=Agreement.objects.restrict(user, VIEW).values("pk")).values_list(
            "pk", flat=True
        )
    )
    problem.agreements.set(sorted(hidden | set(data.agreement_ids)))
    problem.related_regions.set(data.related_region_codes)


def create_problem(data: ProblemData, user=None) -> SaveResult:
    """Register a problem that blocks cooperation."""
    user = _acting(user)
    _require(ProblemRecord.can_add(actor_for(user)), _("Your role may not register problems."))
    if data.status == ProblemStatus.SELESAI and data.resolved_on is None:
        data.resolved_on = _today()
    found = Found(validate_problem(data, user))
    found.raise_errors()
    with transaction.atomic():
        problem = ProblemRecord(created_by=_creator(user))
        data.apply(problem)
        problem.save()
        _write_problem_links(problem, data, user)
        _log(problem, ChangeAction.CREATE, None, problem.snapshot(), None)
    return SaveResult(problem, found.warnings)


def update_problem(problem: ProblemRecord, data: ProblemData, user=None, message: str = "") -> SaveResult:
    """Edit a problem: its handling, escalation, status and the agreements it blocks."""
    user = _acting(user)
    _changeable(ProblemRecord, problem, user, _("You may not change this problem."))
    if data.status == ProblemStatus.SELESAI and data.resolved_on is None:
        data.resolved_on = problem.resolved_on or _today()
    found = Found(validate_problem(data, user, problem))
    found.raise_errors()
    with transaction.atomic():
        locked = ProblemRecord.objects.select_for_update().get(pk=problem.pk)
        before = locked.snapshot()
        data.apply(locked)
        locked.save()
        _write_problem_links(locked, data, user)
        _log(locked, ChangeAction.UPDATE, before, locked.snapshot(), None, message)
    return SaveResult(locked, found.warnings)
