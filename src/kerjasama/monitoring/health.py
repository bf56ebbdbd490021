"""Health rules of implementation monitoring: which agreements need attention on a given day, and why.

Every rule looks at the agreements as they stand on a day ``as_of`` (default today) and returns
:class:`Flag` objects: the agreement, the rule, a severity, an explanation in the reader's language
(gettext, English msgids, Indonesian catalogue) and the evidence behind it (dates, counts, ids) as
plain JSON-ready data. ``key`` names the flag stably, so an alert about it is sent once
(``alerts.py``, ``monitoring.models.AlertDelivery``).

Rules are SET-BASED: each runs a fixed number of queries (one) whatever the number of agreements,
so :func:`evaluate` costs the same eight queries for 5 or 100,000 agreements. Thresholds live in
``settings.KERJASAMA["HEALTH"]``. Validity follows ``agreements.models`` (``in_force_on``,
``validity_on``): the same rule as the register's badges.

Archived agreements are never flagged. "Live" below means a stage that still runs: not completed,
extended, terminated or rejected (``lifecycle.FINAL``).

The rules, each firing on ``as_of`` when:

- ``dormant`` (seremonial): live and in force, no activity date (``last_progress_on``,
  ``actual_start``, ``actual_end``), report (``submitted_on``) or indicator value (``recorded_on``)
  in ``(as_of − DORMANT_DAYS, as_of]``, and signed and started at least DORMANT_DAYS ago; that is
  ``as_of − latest(evidence, signing date, start date) ≥ DORMANT_DAYS``;
- ``no_workplan``: live and in force, signed at least NO_WORKPLAN_DAYS ago, and no activity at all;
- ``kb_without_pks``: a live KB in force, signed at least KB_WITHOUT_PKS_MONTHS calendar months ago,
  with no child agreement (other than an addendum; not archived or rejected) signed by ``as_of``;
- ``expiring``: live, in force and its last day in force within ``max(EXPIRY_DAYS)`` days; one flag
  naming the tightest threshold reached (90, 60, 30, 7; 0 is the last day itself);
- ``expired_active``: expired (from the day after its last day in force) while the stage still says
  implementation or evaluation;
- ``report_overdue``: not rejected, with reporting periods due before ``as_of`` (``due_on < as_of``)
  that have no report of the same party and period start submitted on or before ``as_of``;
- ``dprd_missing``: DPRD approval needed, no reference recorded, stage signing, implementation or
  evaluation;
- ``open_problem``: linked to a problem of severity tinggi or kritis open on ``as_of`` (opened on or
  before it, and still open or resolved after it).

Evidence dates after ``as_of`` are ignored, so a past day is judged on what was known then. Work
plans (activities) are judged by their existence, not their creation time: imported and demo rows
carry no meaningful creation date.

The implementation score and the roll-ups are in ``scores.py``.
"""

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kerjasama.agreements.choices import DocumentType, Stage, Validity
from kerjasama.agreements.demo import reference_date
from kerjasama.agreements.lifecycle import FINAL
from kerjasama.agreements.models import Agreement
from kerjasama.core.choices import Source
from kerjasama.core.memory import collector_paused
from kerjasama.monitoring.choices import HIGH_SEVERITIES, OPEN_PROBLEM_STATUSES, Severity
from kerjasama.monitoring.models import Activity, ImplementationReport, IndicatorValue, Problem, ReportingPeriod

__all__ = (
    "RULES",
    "DefaultDay",
    "Flag",
    "Rule",
    "default_as_of",
    "demo_notice",
    "evaluate",
    "flags_for",
    "health_setting",
    "severity_rank",
)

SEVERITY_RANK = {Severity.RENDAH: 1, Severity.SEDANG: 2, Severity.TINGGI: 3, Severity.KRITIS: 4}
ACTIVE_STAGES = (Stage.PELAKSANAAN, Stage.EVALUASI)
# Stages past drafting in which a missing DPRD approval matters (lifecycle also asks for it to sign).
DPRD_STAGES = (Stage.PENANDATANGANAN, Stage.PELAKSANAAN, Stage.EVALUASI)
# Evidence lists in a flag are cut at this length; the count says how many there are.
EVIDENCE_LIST_LIMIT = 20

HEALTH_DEFAULTS = {
    "DORMANT_DAYS": 180,
    "NO_WORKPLAN_DAYS": 90,
    "KB_WITHOUT_PKS_MONTHS": 12,
    "EXPIRY_DAYS": (90, 60, 30, 7, 0),
}


def health_setting(name: str) -> Any:
    """A threshold from ``settings.KERJASAMA["HEALTH"]``, with the documented default."""
    return settings.KERJASAMA.get("HEALTH", {}).get(name, HEALTH_DEFAULTS.get(name))


def severity_rank(severity: str) -> int:
    """Order of severities: rendah 1 … kritis 4."""
    return SEVERITY_RANK.get(severity, 0)


@dataclass(frozen=True)
class Flag:
    """One reason an agreement needs attention on a day.

    ``message`` is translated when the flag is made (the active language); ``evidence`` holds the
    same facts as data (ISO dates, counts, ids) for the API, the page and later translation.
    ``key`` is stable for the same situation, e.g. ``expiring:30:12:2026-01-31``: a new threshold,
    a new end date or a new problem makes a new key, hence a new alert.
    """

    agreement_id: int
    rule: str
    severity: str
    message: str
    evidence: dict = field(default_factory=dict)
    key: str = ""

    @property
    def rule_label(self) -> str:
        rule = RULES.get(self.rule)
        return str(rule.label) if rule else self.rule

    @property
    def severity_label(self) -> str:
        try:
            return str(Severity(self.severity).label)
        except ValueError:
            return self.severity

    def as_dict(self) -> dict:
        """Plain data for JSON: the flag with its rule and severity labels."""
        return {
            "agreement": self.agreement_id,
            "rule": self.rule,
            "rule_label": self.rule_label,
            "severity": self.severity,
            "severity_label": self.severity_label,
            "message": self.message,
            "evidence": self.evidence,
            "key": self.key,
        }


RuleFunction = Callable[[dt.date, QuerySet], Iterable[Flag]]


@dataclass(frozen=True)
class Rule:
    """A health rule: a code, a default severity, a label and the set-based function that applies it."""

    code: str
    severity: str
    label: Any  # lazy translation
    description: Any  # lazy translation: when the rule fires
    check: RuleFunction


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, label, description) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``function(as_of, agreements) -> flags`` as the rule ``code`` (in definition order)."""

    def register(function: RuleFunction) -> RuleFunction:
        RULES[code] = Rule(code, severity, label, description, function)
        return function

    return register


# Helpers -------------------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day_formatter() -> Callable[[dt.date], str]:
    """Dates for messages in the active language (``18 November 2025``), memoised for one rule run.

    Formatting a date costs more than the rest of a flag; over 100,000 agreements the same days
    recur, and the language does not change within a run.
    """
    cache: dict[dt.date, str] = {}

    def show(day: dt.date) -> str:
        text = cache.get(day)
        if text is None:
            text = cache[day] = formats.date_format(day, "j F Y")
        return text

    return show


def _stage_labels() -> dict[str, str]:
    """Stage labels in the active language, once per rule run."""
    return {value: str(label) for value, label in Stage.choices}


def _live(agreements: QuerySet) -> QuerySet:
    """Agreements whose stage still runs (not completed, extended, terminated or rejected)."""
    return agreements.exclude(stage__in=FINAL)


def _effective_end(end_on: dt.date | None, terminated_on: dt.date | None) -> dt.date | None:
    """The last day in force, as ``Agreement.effective_end``."""
    ends = [day for day in (end_on, terminated_on) if day is not None]
    return min(ends) if ends else None


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` minus ``months`` calendar months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days


def _latest(queryset: QuerySet, field_name: str, as_of: dt.date, path: str = "agreement") -> Subquery:
    """The latest ``field_name`` on or before ``as_of`` among the agreement's rows (index-friendly)."""
    rows = queryset.filter(**{path: OuterRef("pk"), f"{field_name}__lte": as_of})
    return Subquery(rows.order_by(f"-{field_name}").values(field_name)[:1])


# Rules ---------------------------------------------------------------------------------------------


@rule(
    "dormant",
    Severity.TINGGI,
    gettext_lazy("Dormant (signature only)"),
    gettext_lazy("In force, but no activity, report or indicator update for a long time."),
)
def dormant(as_of: dt.date, agreements: QuerySet) -> Iterable[Flag]:
    """In force, yet nothing recorded for DORMANT_DAYS days (counted from the latest evidence or start)."""
    limit = health_setting("DORMANT_DAYS")
    cutoff = as_of - dt.timedelta(days=limit)
    window = {"gt": cutoff, "lte": as_of}

    def within(name: str) -> Q:
        return Q(**{f"{name}__{op}": day for op, day in window.items()})

    recent_activity = Activity.objects.filter(agreement=OuterRef("pk")).filter(
        within("last_progress_on") | within("actual_start") | within("actual_end")
    )
    recent_report = ImplementationReport.objects.filter(agreement=OuterRef("pk")).filter(within("submitted_on"))
    recent_value = IndicatorValue.objects.filter(indicator__agreement=OuterRef("pk")).filter(within("recorded_on"))
    rows = (
        _live(agreements.in_force_on(as_of))
        .filter(signed_on__lte=cutoff, start_on__lte=cutoff)
        .filter(~Exists(recent_activity), ~Exists(recent_report), ~Exists(recent_value))
        .annotate(
            last_progress=_latest(Activity.objects.all(), "last_progress_on", as_of),
            last_start=_latest(Activity.objects.all(), "actual_start", as_of),
            last_end=_latest(Activity.objects.all(), "actual_end", as_of),
            last_report=_latest(ImplementationReport.objects.all(), "submitted_on", as_of),
            last_value=_latest(IndicatorValue.objects.all(), "recorded_on", as_of, path="indicator__agreement"),
        )
        .values_list(
            "pk", "signed_on", "start_on", "last_progress", "last_start", "last_end", "last_report", "last_value"
        )
    )
    show = _day_formatter()
    since_evidence = _("No activity, report or indicator update since %(since)s: %(days)s days (limit %(limit)s).")
    since_start = _(
        "Nothing recorded since it took effect on %(since)s: no activity, report or indicator update "
        "in %(days)s days (limit %(limit)s)."
    )
    for pk, signed_on, start_on, progress_on, start, end, report, value in rows:
        activity = max((day for day in (progress_on, start, end) if day), default=None)
        evidence_days = [day for day in (activity, report, value) if day]
        since = max([*evidence_days, signed_on, start_on])
        days = (as_of - since).days
        template = since_evidence if evidence_days else since_start
        message = template % {"since": show(since), "days": days, "limit": limit}
        yield Flag(
            agreement_id=pk,
            rule="dormant",
            severity=Severity.TINGGI,
            message=message,
            evidence={
                "since": _iso(since),
                "days": days,
                "limit_days": limit,
                "last_activity_on": _iso(activity),
                "last_report_on": _iso(report),
                "last_indicator_on": _iso(value),
            },
            key=f"dormant:{pk}:{since.isoformat()}",
        )


@rule(
    "no_workplan",
    Severity.SEDANG,
    gettext_lazy("No work plan"),
    gettext_lazy("Signed a while ago, in force, and no activity of a work plan is recorded."),
)
def no_workplan(as_of: dt.date, agreements: QuerySet) -> Iterable[Flag]:
    """Signed NO_WORKPLAN_DAYS or more ago, in force, not ended or rejected, and without any Activity."""
    limit = health_setting("NO_WORKPLAN_DAYS")
    cutoff = as_of - dt.timedelta(days=limit)
    rows = (
        _live(agreements.in_force_on(as_of))
        .filter(signed_on__lte=cutoff)
        .filter(~Exists(Activity.objects.filter(agreement=OuterRef("pk"))))
        .values_list("pk", "signed_on")
    )
    show = _day_formatter()
    template = _("Signed on %(signed)s, %(days)s days ago, and still no work plan (limit %(limit)s days).")
    for pk, signed_on in rows:
        days = (as_of - signed_on).days
        yield Flag(
            agreement_id=pk,
            rule="no_workplan",
            severity=Severity.SEDANG,
            message=template % {"signed": show(signed_on), "days": days, "limit": limit},
            evidence={"signed_on": _iso(signed_on), "days": days, "limit_days": limit, "activities": 0},
            key=f"no_workplan:{pk}",
        )


@rule(
    "kb_without_pks",
    Severity.SEDANG,
    gettext_lazy("KB without PKS"),
    gettext_lazy("A joint agreement (KB) signed long ago that no signed PKS implements yet."),
)
def kb_without_pks(as_of: dt.date, agreements: QuerySet) -> Iterable[Flag]:
    """A KB signed KB_WITHOUT_PKS_MONTHS months or more ago with no child agreement signed by ``as_of``."""
    months = health_setting("KB_WITHOUT_PKS_MONTHS")
    cutoff = months_before(as_of, months)
    # Parents of children, as uncorrelated IN lists: a correlated EXISTS on ``parent`` lets SQLite pick
    # the (archived_at, signed_on) index and scan every agreement for every KB.
    children = (
        Agreement.objects.filter(parent__isnull=False, archived_at__isnull=True)
        .exclude(Q(stage=Stage.DITOLAK) | Q(document_type=DocumentType.ADENDUM))
        .order_by()
    )
    signed_parents = children.filter(signed_on__lte=as_of).values("parent_id")
    draft_parents = children.filter(Q(signed_on__isnull=True) | Q(signed_on__gt=as_of)).values("parent_id")
    rows = (
        _live(agreements.in_force_on(as_of))
        .filter(document_type=DocumentType.KB, signed_on__lte=cutoff)
        .exclude(pk__in=signed_parents)
        .annotate(
            draft=Case(When(pk__in=draft_parents, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .values_list("pk", "signed_on", "draft")
    )
    show = _day_formatter()
    template = _(
        "Joint agreement (KB) signed on %(signed)s, %(months)s months or more ago, and no PKS implementing it "
        "is signed."
    )
    preparing = _("A PKS is being prepared.")
    for pk, signed_on, draft in rows:
        message = template % {"signed": show(signed_on), "months": months}
        if draft:
            message = f"{message} {preparing}"
        yield Flag(
            agreement_id=pk,
            rule="kb_without_pks",
            severity=Severity.SEDANG,
            message=message,
            evidence={"signed_on": _iso(signed_on), "limit_months": months, "pks_in_preparation": bool(draft)},
            key=f"kb_without_pks:{pk}",
        )


def _expiry_severity(threshold: int) -> str:
    if threshold == 0:
        return Severity.KRITIS
    if threshold <= 7:
        return Severity.TINGGI
    if threshold <= 30:
        return Severity.SEDANG
    return Severity.RENDAH


@rule(
    "expiring",
    Severity.SEDANG,
    gettext_lazy("Expiring"),
    gettext_lazy("The last day in force is near (90, 60, 30 or 7 days, or today)."),
)
def expiring(as_of: dt.date, agreements: QuerySet) -> Iterable[Flag]:
    """One flag per agreement ending within ``max(EXPIRY_DAYS)`` days, naming the tightest threshold reached."""
    thresholds = sorted({int(days) for days in health_setting("EXPIRY_DAYS")})
    if not thresholds:
        return
    rows = (
        _live(agreements)
        .validity_on(Validity.AKAN_BERAKHIR, as_of, within=thresholds[-1])
        .values_list("pk", "end_on", "terminated_on")
    )
    show = _day_formatter()
    today = _("Ends today (%(end)s): its last day in force.")

    @functools.cache
    def ends_in(left: int) -> str:
        return ngettext(
            "Ends in %(days)s day, on %(end)s (≤%(threshold)s).",
            "Ends in %(days)s days, on %(end)s (≤%(threshold)s).",
            left,
        )

    for pk, end_on, terminated_on in rows:
        end = _effective_end(end_on, terminated_on)
        left = (end - as_of).days
        threshold = next(days for days in thresholds if left <= days)
        if left == 0:
            message = today % {"end": show(end)}
        else:
            message = ends_in(left) % {"days": left, "end": show(end), "threshold": threshold}
        yield Flag(
            agreement_id=pk,
            rule="expiring",
            severity=_expiry_severity(threshold),
            message=message,
            evidence={"end_on": _iso(end), "days_left": left, "threshold": threshold, "terminated": end != end_on},
            key=f"expiring:{threshold}:{pk}:{end.isoformat()}",
        )


@rule(
    "expired_active",
    Severity.TINGGI,
    gettext_lazy("Expired, still in implementation"),
    gettext_lazy("The end date has passed but the stage still says implementation or evaluation."),
)
def expired_active(as_of: dt.date, agreements: QuerySet) -> Iterable[Flag]:
    """Expired on ``as_of`` while the stage is still pelaksanaan or evaluasi."""
    rows = (
        agreements.filter(stage__in=ACTIVE_STAGES)
        .validity_on(Validity.KEDALUWARSA, as_of)
        .values_list("pk", "end_on", "terminated_on", "stage")
    )
    show, stages = _day_formatter(), _stage_labels()

    @functools.cache
    def ended(days: int) -> str:
        return ngettext(
            "Ended on %(end)s, %(days)s day ago, but the stage is still “%(stage)s”: mark it completed, "
            "extended or terminated.",
            "Ended on %(end)s, %(days)s days ago, but the stage is still “%(stage)s”: mark it completed, "
            "extended or terminated.",
            days,
        )

    for pk, end_on, terminated_on, stage in rows:
        end = _effective_end(end_on, terminated_on)
        days = (as_of - end).days
        yield Flag(
            agreement_id=pk,
            rule="expired_active",
            severity=Severity.TINGGI,
            message=ended(days) % {"end": show(end), "days": days, "stage": stages.get(stage, stage)},
            evidence={"end_on": _iso(end), "days": days, "stage": stage},
            key=f"expired_active:{pk}:{end.isoformat()}",
        )


@rule(
    "report_overdue",
    Severity.SEDANG,
    gettext_lazy("Report overdue"),
    gettext_lazy("An implementation report due by the reporting schedule has not been submitted."),
)
def report_overdue(as_of: dt.date, agreements: QuerySet) -> Iterable[Flag]:
    """Reporting periods due before ``as_of`` without a report of that party and period, grouped per agreement."""
    answered = ImplementationReport.objects.filter(
        agreement=OuterRef("agreement"),
        pihak=OuterRef("pihak"),
        period_start=OuterRef("period_start"),
        submitted_on__lte=as_of,
    )
    rows = (
        ReportingPeriod.objects.filter(
            agreement__in=agreements.exclude(stage=Stage.DITOLAK).values("pk"), due_on__lt=as_of
        )
        .filter(~Exists(answered))
        .order_by()
        .values_list("agreement_id", "pihak_id", "pihak__name", "period_start", "period_end", "due_on")
    )
    missing: dict[int, list[tuple]] = defaultdict(list)
    for pk, *period in rows:
        missing[pk].append(tuple(period))
    show = _day_formatter()

    @functools.cache
    def overdue(count: int) -> str:
        return ngettext(
            "%(count)s report overdue: the oldest, from %(party)s for %(start)s–%(end)s, was due on %(due)s.",
            "%(count)s reports overdue: the oldest, from %(party)s for %(start)s–%(end)s, was due on %(due)s.",
            count,
        )

    for pk, periods in missing.items():
        periods.sort(key=lambda period: (period[4], period[2], period[1]))
        first = periods[0]
        latest_due = max(period[4] for period in periods)
        count = len(periods)
        yield Flag(
            agreement_id=pk,
            rule="report_overdue",
            severity=Severity.SEDANG,
            message=overdue(count)
            % {
                "count": count,
                "party": first[1],
                "start": show(first[2]),
                "end": show(first[3]),
                "due": show(first[4]),
            },
            evidence={
                "count": count,
                "missing": [
                    {
                        "pihak_id": pihak_id,
                        "pihak": name,
                        "period_start": _iso(start),
                        "period_end": _iso(end),
                        "due_on": _iso(due),
                        "days_overdue": (as_of - due).days,
                    }
                    for pihak_id, name, start, end, due in periods[:EVIDENCE_LIST_LIMIT]
                ],
            },
            key=f"report_overdue:{pk}:{latest_due.isoformat()}",
        )


@rule(
    "dprd_missing",
    Severity.TINGGI,
    gettext_lazy("DPRD approval missing"),
    gettext_lazy("DPRD approval is needed but no approval reference is recorded, past the drafting stages."),
)
def dprd_missing(as_of: dt.date, agreements: QuerySet) -> Iterable[Flag]:
    """DPRD approval needed, no reference, and the agreement is at signing or later (not finished)."""
    rows = agreements.filter(
        dprd_approval_required=True, dprd_approval_reference="", stage__in=DPRD_STAGES
    ).values_list("pk", "stage")
    stages = _stage_labels()
    template = _("DPRD approval is needed but no approval reference is recorded (stage “%(stage)s”).")
    for pk, stage in rows:
        yield Flag(
            agreement_id=pk,
            rule="dprd_missing",
            severity=Severity.TINGGI,
            message=template % {"stage": stages.get(stage, stage)},
            evidence={"stage": stage, "dprd_approval_required": True, "dprd_approval_reference": ""},
            key=f"dprd_missing:{pk}",
        )


@rule(
    "open_problem",
    Severity.TINGGI,
    gettext_lazy("Serious open problem"),
    gettext_lazy("A problem of high or critical severity that blocks the agreement is still open."),
)
def open_problem(as_of: dt.date, agreements: QuerySet) -> Iterable[Flag]:
    """Linked problems of severity tinggi/kritis open on ``as_of``; titles only of public problems."""
    links = (
        Problem.agreements.through.objects.filter(
            agreement_id__in=agreements.values("pk"),
            problem__severity__in=HIGH_SEVERITIES,
            problem__opened_on__lte=as_of,
        )
        .filter(Q(problem__status__in=OPEN_PROBLEM_STATUSES) | Q(problem__resolved_on__gt=as_of))
        .order_by()
        .values_list(
            "agreement_id",
            "problem_id",
            "problem__title",
            "problem__severity",
            "problem__opened_on",
            "problem__is_public",
        )
    )
    problems: dict[int, list[tuple]] = defaultdict(list)
    for pk, *problem in links:
        problems[pk].append(tuple(problem))
    show = _day_formatter()

    @functools.cache
    def open_since(count: int) -> str:
        return ngettext(
            "%(count)s open problem of high severity, open since %(opened)s.",
            "%(count)s open problems of high severity, the oldest open since %(opened)s.",
            count,
        )

    for pk, found in problems.items():
        found.sort(key=lambda problem: (problem[3], problem[0]))
        count = len(found)
        oldest = found[0][3]
        critical = any(problem[2] == Severity.KRITIS for problem in found)
        yield Flag(
            agreement_id=pk,
            rule="open_problem",
            severity=Severity.KRITIS if critical else Severity.TINGGI,
            message=open_since(count) % {"count": count, "opened": show(oldest)},
            evidence={
                "count": count,
                "problems": [
                    {
                        "id": problem_id,
                        # A problem that is not public may hang on a public agreement: its title stays out.
                        "title": title if is_public else None,
                        "severity": severity,
                        "opened_on": _iso(opened_on),
                    }
                    for problem_id, title, severity, opened_on, is_public in found[:EVIDENCE_LIST_LIMIT]
                ],
            },
            key=f"open_problem:{pk}:{max(problem[0] for problem in found)}",
        )


# Evaluation ----------------------------------------------------------------------------------------


def sort_key(flag: Flag) -> tuple:
    """Most severe first, then in rule order, then by agreement."""
    order = list(RULES).index(flag.rule) if flag.rule in RULES else len(RULES)
    return (-severity_rank(flag.severity), order, flag.agreement_id)


@collector_paused()  # one bounded pass over every agreement: see core.memory
def evaluate(
    as_of: dt.date | None = None, agreements: QuerySet | None = None, rules: Iterable[str] | None = None
) -> list[Flag]:
    """Every flag on ``as_of`` (default today) for ``agreements`` (default all), most severe first.

    ``agreements`` is any Agreement queryset (e.g. ``Agreement.objects.restrict(user)`` with filters);
    archived ones are left out. ``rules`` limits the rule codes; an unknown code raises ``KeyError``.
    One query per rule, whatever the number of agreements: the page, the API and ``kerjasama check``
    all call this function.
    """
    as_of = as_of or timezone.localdate()
    base = (agreements if agreements is not None else Agreement.objects.all()).filter(archived_at__isnull=True)
    base = base.order_by()
    selected = [RULES[code] for code in rules] if rules else list(RULES.values())
    flags = [flag for selected_rule in selected for flag in selected_rule.check(as_of, base)]
    return sorted(flags, key=sort_key)


def flags_for(agreement: Agreement, as_of: dt.date | None = None) -> list[Flag]:
    """The flags of one agreement on ``as_of`` (default today)."""
    return evaluate(as_of, Agreement.objects.filter(pk=agreement.pk))


# The default day ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefaultDay:
    """The day the health views judge when none is asked for, and whether it is the demo's day."""

    day: dt.date
    demo: bool  # the register holds only synthetic demo data: ``day`` is the day that data describes


def default_as_of() -> DefaultDay:
    """Today, or the demo's reference date when every non-archived agreement is synthetic demo data.

    The demo describes the register as of ``settings.KERJASAMA["DEMO_REFERENCE_DATE"]`` (18 Nov 2025):
    judged on a later day, nearly every demo agreement would look dormant. One real agreement in the
    register, and the default is today again. The "Perlu perhatian" page, an agreement's flags and the
    health API use this when no ``as_of`` is given; ``kerjasama check`` keeps today (it serves real
    operations) and only prints :func:`demo_notice`.
    """
    today = timezone.localdate()
    current = Agreement.objects.filter(archived_at__isnull=True)
    # Real rows usually exist, so the first query answers at once; a demo-only register is small.
    if current.exclude(source=Source.SINTETIS).exists() or not current.exists():
        return DefaultDay(today, demo=False)
    return DefaultDay(reference_date(), demo=True)


def demo_notice(day: dt.date) -> str:
    """The notice shown while the default day is the demo's reference date ``day``."""
    return _("Synthetic demo data describe the register as of %(day)s; the reference date is that day.") % {
        "day": formats.date_format(day, "j F Y")
    }
