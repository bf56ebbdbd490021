"""The content of the KSD report for a period: one function (:func:`build_report`) and plain dataclasses.

The PDF report, its XLSX annex and the FKP briefing pack all print the same :class:`ReportData`.
Every figure comes from the functions the rest of the system uses, so the report says what the
register, the API and the "Perlu perhatian" page say for the same days:

- agreements counted: ``agreements.stats.counted`` (not archived, public or not: an aggregate shows no
  agreement's content) with the register's date rules (``in_force_on``, ``validity_on``) and
  ``stats.by_urusan``, ``by_category`` and ``by_partner_type`` over the agreements of the period;
- implementation: ``monitoring.scores.scores`` and ``scores.rollups`` on the period's last day;
- flags: ``monitoring.health.evaluate`` on the period's last day (and on the day before the period, for
  what changed);
- problems open on a day: the condition of the health rule ``open_problem`` and of the score's penalty
  (opened by the day, and still open or resolved after it).

Definitions, for a period ``[start, end]`` (both days included), printed in the report's notes:

- *registered*: every non-archived agreement in the register, whatever its stage (the statistics' count);
- *signed in the period*: signing date within the period; *new* are those that are neither an addendum
  nor an extension of an earlier agreement (``amends``), *changes* the others;
- *ended in the period*: signed, and the last day in force (end date, or termination date when earlier)
  within the period; how it ended: terminated when the termination date is that day, else completed or
  extended when the stage says so, else expired;
- *in force* on a day: signed, started and not ended (the register's validity); *expiring*: in force
  and ending within ``EXPIRING_WITHIN_DAYS`` (90) days after the period's end;
- *signed by the end* and *implemented*: as the implementation score counts them (``scores.py``);
- *agreements in the period* (the annex): signed by the end and not ended before the start.

A region scope (a kabupaten/kota code) keeps the agreements with that region as a party
(``involving_region``) and the problems located in it, naming it, or linked to those agreements.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kerjasama.agreements import stats
from kerjasama.agreements.choices import DocumentType, Stage, Validity
from kerjasama.agreements.models import Agreement, AgreementParty, expiring_window
from kerjasama.core.choices import Source
from kerjasama.monitoring import health, scores
from kerjasama.monitoring.choices import (
    HIGH_SEVERITIES,
    OPEN_PROBLEM_STATUSES,
    ActionStatus,
    EscalationLevel,
    ProblemType,
    Severity,
)
from kerjasama.monitoring.models import FollowUpAction, Problem
from kerjasama.regions.models import Region, within_code

__all__ = (
    "KALTIM",
    "ActionRow",
    "AgreementRow",
    "FlagRow",
    "GroupRow",
    "ProblemRow",
    "ReportData",
    "ReportScopeError",
    "RuleSummary",
    "Snapshot",
    "Summary",
    "build_report",
    "format_day",
    "format_number",
    "in_report_language",
    "problems_open_on",
    "scope_regions",
)

KALTIM = "64"
OPEN_ACTION_STATUSES = (ActionStatus.TERBUKA, ActionStatus.BERJALAN)
# How an agreement ended in the period (keys of ``Summary.ended_by``), in the order the report lists them.
ENDED_HOW = ("expired", "terminated", "completed", "extended")


class ReportScopeError(ValueError):
    """The region scope or the period cannot be reported on; the message says why."""


@contextmanager
def in_report_language():
    """Build and print the report in the site's language (Indonesian): it is an official document.

    Labels and flag explanations are translated when the data is built, so the data and its
    renderings must share the language whatever the reader's own choice in the UI.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield


def format_day(day: dt.date | None) -> str:
    """``18 November 2025`` in the active language; blank for no date."""
    return formats.date_format(day, "j F Y") if day else ""


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """``1.350`` or ``62,4`` in the active language's number format; a dash for no value."""
    if value is None:
        return "–"
    # number_format cuts the decimals it drops; round first so 2/3 reads 66,7 and not 66,6.
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


# Rows -------------------------------------------------------------------------------------------------


@dataclass
class AgreementRow:
    """One agreement as the report lists it, with its state at the end of the period."""

    id: int
    number: str
    title: str
    document_type: str
    document_code: str  # KB, PKS, NK, MoU, LoI, Adendum
    category: str
    parties: list[str]
    urusan: list[str]
    perangkat_daerah: str
    signed_on: dt.date | None
    start_on: dt.date | None
    end_on: dt.date | None
    terminated_on: dt.date | None
    last_day: dt.date | None  # the last day in force: end date, or termination date when earlier
    stage: str
    validity: str  # on the period's last day
    is_public: bool
    source: str
    synthetic: bool
    change_kind: str = ""  # addendum or extension of an earlier agreement; blank for new cooperation
    score: int | None = None
    implemented: bool | None = None
    is_new: bool = False
    signed_in_period: bool = False
    ended_how: str = ""  # a key of ENDED_HOW when it ended in the period
    ended_label: str = ""

    @property
    def parties_text(self) -> str:
        return "; ".join(self.parties)

    @property
    def urusan_text(self) -> str:
        return "; ".join(self.urusan)


@dataclass
class FlagRow:
    """A health flag on the period's last day, with the agreement it concerns."""

    rule: str
    rule_label: str
    severity: str
    severity_label: str
    message: str
    key: str
    agreement: AgreementRow


@dataclass
class RuleSummary:
    """How many flags one health rule raised, by severity."""

    code: str
    label: str
    description: str
    default_severity: str
    count: int
    by_severity: list[tuple[str, int]]
    flags: list[FlagRow]


@dataclass
class ActionRow:
    """A follow-up action of a problem or an evaluation, with its current status."""

    id: int
    description: str
    owner: str  # the owning institution (party or perangkat daerah); people's names stay out of reports
    due_on: dt.date | None
    status: str
    status_label: str
    done_on: dt.date | None
    overdue: bool  # still open after its due date, on the period's last day
    concerns: str  # the problem's title or the evaluated agreement's title
    kind: str  # "problem" or "evaluation"
    public: bool  # whether what it belongs to is public (the FKP pack lists public ones only)


@dataclass
class ProblemRow:
    """A problem open on the period's last day."""

    id: int
    title: str
    problem_type: str
    type_label: str
    severity: str
    severity_label: str
    escalation: str
    escalation_label: str
    status: str
    status_label: str
    location: str
    region_codes: list[str]  # its location and the other regions concerned
    related_regions: list[str]
    opened_on: dt.date
    resolved_on: dt.date | None
    agreements: list[str]  # numbers (or titles) of the linked agreements in scope
    is_public: bool
    source: str
    synthetic: bool
    boundary_segment: bool  # one of the real unsettled boundary segments (reference data)
    actions: list[ActionRow] = field(default_factory=list)

    @property
    def open_actions(self) -> int:
        return sum(1 for action in self.actions if action.status in OPEN_ACTION_STATUSES)


@dataclass
class GroupRow:
    """Figures of one region or urusan: the period's counts beside the implementation roll-up."""

    key: str
    label: str
    signed_in_period: int = 0
    new: int = 0
    ended: int = 0
    in_force: int = 0  # at the period's end
    expiring: int = 0
    signed: int = 0  # roll-up: signed by the end (scored agreements)
    implemented: int = 0
    mean_score: float | None = None
    flagged: int = 0  # agreements with at least one flag
    open_problems: int = 0

    @property
    def implemented_share(self) -> float | None:
        return self.implemented / self.signed if self.signed else None

    @property
    def empty(self) -> bool:
        return not (self.signed_in_period or self.ended or self.in_force or self.signed or self.open_problems)


@dataclass
class Snapshot:
    """The register on one day: in force, signed and implemented, flags, open problems."""

    day: dt.date
    in_force: int
    signed: int
    implemented: int
    mean_score: float | None
    flagged_agreements: int
    flags: int
    open_problems: int
    open_high_problems: int

    @property
    def implemented_share(self) -> float | None:
        return self.implemented / self.signed if self.signed else None


@dataclass
class Summary:
    """The counts of the period (the report's first section)."""

    registered: int
    signed_by_end: int
    signed_in_period: int
    new: int
    changes: int
    ended: int
    ended_by: dict[str, int]
    in_force_at_start: int
    in_force_at_end: int
    expiring: int
    expiring_days: int
    implemented: int
    mean_score: float | None
    flagged_agreements: int
    flags: int
    open_problems: int
    open_high_problems: int
    boundary_segments: int
    problems_opened: int  # opened within the period
    problems_resolved: int  # resolved within the period
    actions_done: int  # follow-up actions done within the period
    actions_open: int  # follow-up actions still open (current status)
    actions_overdue: int

    @property
    def implemented_share(self) -> float | None:
        return self.implemented / self.signed_by_end if self.signed_by_end else None


@dataclass
class ReportData:
    """Everything the KSD report, its annex and the FKP pack print for one period and scope."""

    start: dt.date
    end: dt.date
    region: str | None  # a kabupaten/kota code, or None for the whole province
    region_name: str
    generated_at: dt.datetime
    summary: Summary
    opening: Snapshot  # the day before the period
    closing: Snapshot  # the period's last day
    by_category: list[dict]
    by_partner_type: list[dict]
    implementation_by_region: list[dict]
    implementation_by_urusan: list[dict]
    agreements: list[AgreementRow]
    new: list[AgreementRow]
    changes: list[AgreementRow]
    ended: list[AgreementRow]
    flags: list[FlagRow]
    rules: list[RuleSummary]
    dormant: list[FlagRow]
    problems: list[ProblemRow]
    problem_counts: dict[str, list[tuple[str, int]]]
    actions: list[ActionRow]
    regions: list[GroupRow]
    urusan: list[GroupRow]
    synthetic_records: int
    settings: dict = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """Whether any record the report counts or lists is synthetic demo data."""
        return self.synthetic_records > 0

    @property
    def period_label(self) -> str:
        return _("%(start)s to %(end)s") % {"start": format_day(self.start), "end": format_day(self.end)}

    @property
    def file_stem(self) -> str:
        """``laporan-ksd-2025-01-01_2025-11-18`` (with the region code when scoped)."""
        region = f"-{self.region}" if self.region else ""
        return f"laporan-ksd{region}-{self.start.isoformat()}_{self.end.isoformat()}"


# Scope ------------------------------------------------------------------------------------------------


def scope_regions() -> list[tuple[str, str]]:
    """The scopes a report may have: the province (code 64) and its kabupaten/kota, as (code, name)."""
    rows = Region.objects.filter(Q(code=KALTIM) | Q(parent_id=KALTIM)).order_by("code").values_list("code", "name")
    return list(rows)


def _check_scope(region: str | None) -> tuple[str | None, str]:
    """The region code (None for the whole province) and the scope's name; unknown codes raise."""
    names = dict(scope_regions())
    if not region or region == KALTIM:
        name = names.get(KALTIM, "Kalimantan Timur")
        return None, _("Province of %(name)s") % {"name": name}
    if region not in names:
        raise ReportScopeError(
            _("Unknown region %(code)s: use 64 or the code of a kabupaten/kota of Kalimantan Timur.") % {"code": region}
        )
    return region, names[region]


def scope_agreements(region: str | None) -> QuerySet:
    """The agreements a report counts: not archived; with a region scope, those the region is a party to."""
    base = stats.counted(Agreement.objects.all())
    return base.involving_region(region) if region else base


def problems_open_on(day: dt.date, problems: QuerySet | None = None) -> QuerySet:
    """Problems open on ``day``: opened by then, and still open or resolved after it.

    The condition of the health rule ``open_problem`` and of the score's problem penalty, for any
    severity (they count tinggi and kritis only).
    """
    rows = problems if problems is not None else Problem.objects.all()
    return rows.filter(opened_on__lte=day).filter(Q(status__in=OPEN_PROBLEM_STATUSES) | Q(resolved_on__gt=day))


def _scope_problems(region: str | None, agreements: QuerySet) -> QuerySet:
    if region is None:
        return Problem.objects.all()
    related = Problem.related_regions.through.objects.filter(within_code(region, "region__code")).values("problem_id")
    linked = Problem.agreements.through.objects.filter(agreement_id__in=agreements.values("pk")).values("problem_id")
    return Problem.objects.filter(within_code(region, "region__code") | Q(pk__in=related) | Q(pk__in=linked))


# Building blocks --------------------------------------------------------------------------------------


def _signed_between(queryset: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    return queryset.filter(signed_on__gte=start, signed_on__lte=end)


def _is_change() -> Q:
    """An addendum, or an agreement that extends or amends an earlier one."""
    return Q(document_type=DocumentType.ADENDUM) | Q(amends__isnull=False)


def _in_period(queryset: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    """Signed by the end and not ended before the start (in force at some time in the period, or signed in it)."""
    return queryset.filter(signed_on__lte=end).exclude(Q(end_on__lt=start) | Q(terminated_on__lt=start))


def _ended_between(queryset: QuerySet, start: dt.date, end: dt.date) -> dict[int, str]:
    """Agreements whose last day in force (``Agreement.effective_end``) falls in the period, with how they ended."""
    rows = (
        queryset.filter(signed_on__isnull=False)
        .filter(Q(end_on__gte=start, end_on__lte=end) | Q(terminated_on__gte=start, terminated_on__lte=end))
        .only("pk", "end_on", "terminated_on", "stage")
        .order_by()
    )
    ended: dict[int, str] = {}
    for agreement in rows:
        last = agreement.effective_end
        if last is None or not start <= last <= end:
            continue
        if agreement.terminated_on is not None and agreement.terminated_on == last:
            ended[agreement.pk] = "terminated"
        elif agreement.stage == Stage.SELESAI:
            ended[agreement.pk] = "completed"
        elif agreement.stage == Stage.DIPERPANJANG:
            ended[agreement.pk] = "extended"
        else:
            ended[agreement.pk] = "expired"
    return ended


def ended_labels() -> dict[str, str]:
    """Labels of the ways an agreement ends, in the active language."""
    return {
        "expired": str(Validity.KEDALUWARSA.label),
        "terminated": str(Stage.DIAKHIRI.label),
        "completed": str(Stage.SELESAI.label),
        "extended": str(Stage.DIPERPANJANG.label),
    }


def _agreement_rows(agreements: QuerySet, end: dt.date) -> dict[int, AgreementRow]:
    parties = Prefetch("parties", queryset=AgreementParty.objects.select_related("pihak").order_by("order", "pk"))
    rows: dict[int, AgreementRow] = {}
    query = (
        agreements.select_related("perangkat_daerah").prefetch_related(parties, "urusan").order_by("signed_on", "pk")
    )
    for agreement in query:
        party_rows = list(agreement.parties.all())
        rows[agreement.pk] = AgreementRow(
            id=agreement.pk,
            number=" / ".join(party.number for party in party_rows if party.number),
            title=agreement.title,
            document_type=agreement.get_document_type_display(),
            document_code=agreement.document_type,
            category=agreement.category,
            parties=[party.pihak.name for party in party_rows],
            urusan=[urusan.name for urusan in agreement.urusan.all()],
            perangkat_daerah=agreement.perangkat_daerah.name if agreement.perangkat_daerah else "",
            signed_on=agreement.signed_on,
            start_on=agreement.start_on,
            end_on=agreement.end_on,
            terminated_on=agreement.terminated_on,
            last_day=agreement.effective_end,
            stage=agreement.get_stage_display(),
            validity=str(Validity(agreement.validity_on(end)).label),
            is_public=agreement.is_public,
            source=agreement.get_source_display(),
            synthetic=agreement.source == Source.SINTETIS,
            change_kind=(
                agreement.get_change_kind_display()
                or (str(DocumentType.ADENDUM.label) if agreement.document_type == DocumentType.ADENDUM else "")
                or (_("Changes an earlier agreement") if agreement.amends_id else "")
            ),
        )
    return rows


def _snapshot(day: dt.date, agreements: QuerySet, problems: QuerySet, flags=None, results=None) -> Snapshot:
    flags = health.evaluate(day, agreements) if flags is None else flags
    results = scores.scores(day, agreements) if results is None else results
    open_problems = problems_open_on(day, problems)
    return Snapshot(
        day=day,
        in_force=agreements.in_force_on(day).count(),
        signed=len(results),
        implemented=sum(1 for score in results.values() if score.implemented),
        mean_score=round(sum(score.score for score in results.values()) / len(results), 1) if results else None,
        flagged_agreements=len({flag.agreement_id for flag in flags}),
        flags=len(flags),
        open_problems=open_problems.count(),
        open_high_problems=open_problems.filter(severity__in=HIGH_SEVERITIES).count(),
    )


def _region_members(agreements: QuerySet, codes: Iterable[str]) -> dict[str, set[int]]:
    """Per region code, the agreements it is a party to (the roll-up's grouping by region)."""
    members: dict[str, set[int]] = defaultdict(set)
    rows = AgreementParty.objects.filter(agreement__in=agreements.values("pk"), pihak__region_id__in=list(codes))
    for agreement_id, code in rows.order_by().values_list("agreement_id", "pihak__region_id"):
        members[code].add(agreement_id)
    return members


def _problem_row(problem: Problem, scope_ids: set[int], actions: list[ActionRow]) -> ProblemRow:
    linked = [agreement for agreement in problem.agreements.all() if agreement.pk in scope_ids]
    related = list(problem.related_regions.all())
    codes = [code for code in [problem.region_id, *(region.code for region in related)] if code]
    return ProblemRow(
        id=problem.pk,
        title=problem.title,
        problem_type=problem.problem_type,
        type_label=problem.get_problem_type_display(),
        severity=problem.severity,
        severity_label=problem.get_severity_display(),
        escalation=problem.escalation_level,
        escalation_label=problem.get_escalation_level_display(),
        status=problem.status,
        status_label=problem.get_status_display(),
        location=problem.region.name if problem.region else "",
        region_codes=codes,
        related_regions=[region.name for region in related if region.code != problem.region_id],
        opened_on=problem.opened_on,
        resolved_on=problem.resolved_on,
        agreements=[agreement.display_number or agreement.title for agreement in linked],
        is_public=problem.is_public,
        source=problem.get_source_display(),
        synthetic=problem.source == Source.SINTETIS,
        boundary_segment=problem.source == Source.REFERENSI and problem.problem_type == ProblemType.BATAS_WILAYAH,
        actions=actions,
    )


def _action_row(action: FollowUpAction, end: dt.date) -> ActionRow:
    owner = action.owner_perangkat_daerah or action.owner_pihak
    if action.problem_id:
        concerns, kind, public = action.problem.title, "problem", action.problem.is_public
    else:
        agreement = action.evaluation.agreement
        concerns, kind, public = agreement.title, "evaluation", agreement.is_public
    return ActionRow(
        id=action.pk,
        description=action.description,
        owner=str(owner) if owner else "",
        due_on=action.due_on,
        status=action.status,
        status_label=action.get_status_display(),
        done_on=action.done_on,
        overdue=action.status in OPEN_ACTION_STATUSES and action.due_on is not None and action.due_on < end,
        concerns=concerns,
        kind=kind,
        public=public,
    )


def _counts(values: Iterable[tuple[str, str]], choices) -> list[tuple[str, int]]:
    """``[(label, count)]`` in the order of ``choices``, for the values present."""
    counter = Counter(value for value, _label in values)
    return [(str(label), counter[value]) for value, label in choices if counter[value]]


def _with_share(rows: Iterable[dict]) -> list[dict]:
    """Roll-up rows with ``share``: implemented / signed (None without signed agreements)."""
    return [{**row, "share": row["implemented"] / row["signed"] if row["signed"] else None} for row in rows]


def _merge_rollup(rows: dict[str, GroupRow], rollup: list[dict]) -> None:
    for item in rollup:
        row = rows.get(str(item["key"]))
        if row is not None:
            row.signed = item["signed"]
            row.implemented = item["implemented"]
            row.mean_score = item["mean_score"]


# The report -------------------------------------------------------------------------------------------


def build_report(start: dt.date, end: dt.date, region: str | None = None) -> ReportData:
    """The report's content for the period ``[start, end]`` and the province or one kabupaten/kota.

    Built in the report's language (:func:`in_report_language`). Raises :class:`ReportScopeError` for an
    unknown region or a period that ends before it starts.
    """
    if end < start:
        raise ReportScopeError(_("The period ends before it starts."))
    with in_report_language():
        return _build(start, end, region)


def _build(start: dt.date, end: dt.date, region: str | None) -> ReportData:
    region, region_name = _check_scope(region)
    base = scope_agreements(region)
    before = start - dt.timedelta(days=1)
    within = expiring_window()

    signed_in_period = _signed_between(base, start, end)
    new_qs = signed_in_period.exclude(_is_change())
    ended = _ended_between(base, start, end)
    ended_qs = base.filter(pk__in=list(ended))
    in_force_qs = base.in_force_on(end)
    expiring_qs = base.validity_on(Validity.AKAN_BERAKHIR, end, within=within)
    period_qs = _in_period(base, start, end)

    results = scores.scores(end, base)
    flags = health.evaluate(end, base)
    problems_base = _scope_problems(region, base)
    closing = _snapshot(end, base, problems_base, flags=flags, results=results)
    opening = _snapshot(before, base, problems_base)

    # Rows of every agreement the report names: those of the period, and any flagged one outside it
    # (e.g. a draft without DPRD approval).
    rows = _agreement_rows(period_qs, end)
    new_ids = set(new_qs.values_list("pk", flat=True))
    signed_ids = set(signed_in_period.values_list("pk", flat=True))
    missing = ({flag.agreement_id for flag in flags} | set(ended) | signed_ids) - rows.keys()
    if missing:
        rows.update(_agreement_rows(base.filter(pk__in=sorted(missing)), end))
    labels = ended_labels()
    for pk, row in rows.items():
        score = results.get(pk)
        if score is not None:
            row.score, row.implemented = score.score, score.implemented
        row.is_new = pk in new_ids
        row.signed_in_period = pk in signed_ids
        if pk in ended:
            row.ended_how, row.ended_label = ended[pk], labels[ended[pk]]

    def ordered(ids: Iterable[int]) -> list[AgreementRow]:
        return sorted((rows[pk] for pk in ids if pk in rows), key=lambda row: (row.signed_on or end, row.id))

    period_rows = [rows[pk] for pk in period_qs.order_by("signed_on", "pk").values_list("pk", flat=True)]
    new_rows = ordered(new_ids)
    change_rows = ordered(signed_ids - new_ids)
    ended_rows = sorted((rows[pk] for pk in ended), key=lambda row: (row.last_day, row.id))

    # Flags on the last day, grouped by rule in the rules' order.
    flag_rows = [
        FlagRow(
            rule=flag.rule,
            rule_label=flag.rule_label,
            severity=flag.severity,
            severity_label=flag.severity_label,
            message=flag.message,
            key=flag.key,
            agreement=rows[flag.agreement_id],
        )
        for flag in flags
    ]
    by_rule: dict[str, list[FlagRow]] = defaultdict(list)
    for flag in flag_rows:
        by_rule[flag.rule].append(flag)
    rule_summaries = []
    for code, rule in health.RULES.items():
        found = by_rule.get(code, [])
        severities = Counter(flag.severity for flag in found)
        rule_summaries.append(
            RuleSummary(
                code=code,
                label=str(rule.label),
                description=str(rule.description),
                default_severity=rule.severity,
                count=len(found),
                by_severity=[
                    (label, severities[value]) for value, label in reversed(Severity.choices) if severities[value]
                ],
                flags=found,
            )
        )

    # Problems open on the last day, with their follow-up actions; evaluation actions of the scope.
    scope_ids = set(base.values_list("pk", flat=True))
    open_problems = (
        problems_open_on(end, problems_base)
        .select_related("region")
        .prefetch_related(
            "related_regions",
            Prefetch("agreements", queryset=Agreement.objects.prefetch_related("parties")),
        )
    )
    # Most severe first, then the oldest.
    open_problems = sorted(
        open_problems, key=lambda problem: (-health.severity_rank(problem.severity), problem.opened_on, problem.pk)
    )
    action_query = FollowUpAction.objects.select_related(
        "owner_pihak", "owner_perangkat_daerah", "problem", "evaluation__agreement"
    )
    problem_actions: dict[int, list[ActionRow]] = defaultdict(list)
    for action in action_query.filter(problem__in=[problem.pk for problem in open_problems]).order_by("due_on", "pk"):
        problem_actions[action.problem_id].append(_action_row(action, end))
    problem_rows = [_problem_row(problem, scope_ids, problem_actions[problem.pk]) for problem in open_problems]
    evaluation_actions = [
        _action_row(action, end)
        for action in action_query.filter(evaluation__agreement__in=base.values("pk"))
        .filter(Q(status__in=OPEN_ACTION_STATUSES) | Q(done_on__gte=start, done_on__lte=end))
        .order_by("due_on", "pk")
    ]
    actions = [action for row in problem_rows for action in row.actions] + evaluation_actions
    problem_counts = {
        "type": _counts(((row.problem_type, "") for row in problem_rows), ProblemType.choices),
        "severity": _counts(((row.severity, "") for row in problem_rows), reversed(Severity.choices)),
        "escalation": _counts(((row.escalation, "") for row in problem_rows), EscalationLevel.choices),
    }

    # Per region (the province as a party and each kabupaten/kota) and per urusan.
    kaltim = scope_regions()
    codes = [code for code, _name in kaltim]
    flagged_ids = {flag.agreement_id for flag in flags}
    expiring_ids = set(expiring_qs.values_list("pk", flat=True))
    in_force_ids = set(in_force_qs.values_list("pk", flat=True))
    members = _region_members(base, codes)
    region_rows: dict[str, GroupRow] = {}
    for code, name in kaltim:
        ids = members.get(code, set())
        located = [row for row in problem_rows if _concerns(row.region_codes, code)]
        region_rows[code] = GroupRow(
            key=code,
            label=_("Province of %(name)s") % {"name": name} if code == KALTIM else name,
            signed_in_period=len(ids & signed_ids),
            new=len(ids & new_ids),
            ended=len(ids & ended.keys()),
            in_force=len(ids & in_force_ids),
            expiring=len(ids & expiring_ids),
            flagged=len(ids & flagged_ids),
            open_problems=len(located),
        )
    region_rollup = scores.rollups("region", end, base)
    _merge_rollup(region_rows, region_rollup)

    urusan_rows: dict[str, GroupRow] = {}
    for column, queryset in (
        ("signed_in_period", signed_in_period),
        ("new", new_qs),
        ("ended", ended_qs),
        ("in_force", in_force_qs),
        ("expiring", expiring_qs),
    ):
        for item in stats.by_urusan(queryset):
            row = urusan_rows.setdefault(item["key"], GroupRow(key=item["key"], label=item["label"]))
            setattr(row, column, item["count"])
    urusan_rollup = scores.rollups("urusan", end, base)
    _merge_rollup(urusan_rows, urusan_rollup)
    links = Agreement.urusan.through.objects.filter(agreement_id__in=sorted(flagged_ids)).values_list(
        "urusan__code", "agreement_id"
    )
    flagged_by_urusan: dict[str, set[int]] = defaultdict(set)
    for code, agreement_id in links:
        flagged_by_urusan[code].add(agreement_id)
    for code, ids in flagged_by_urusan.items():
        if code in urusan_rows:
            urusan_rows[code].flagged = len(ids)
    urusan_list = sorted(
        (row for row in urusan_rows.values() if not row.empty),
        key=lambda row: (-row.signed_in_period, -row.in_force, row.key),
    )

    ended_by = Counter(ended.values())
    summary = Summary(
        registered=base.count(),
        signed_by_end=closing.signed,
        signed_in_period=len(signed_ids),
        new=len(new_ids),
        changes=len(signed_ids - new_ids),
        ended=len(ended),
        ended_by={how: ended_by.get(how, 0) for how in ENDED_HOW},
        in_force_at_start=opening.in_force,
        in_force_at_end=closing.in_force,
        expiring=len(expiring_ids),
        expiring_days=within,
        implemented=closing.implemented,
        mean_score=closing.mean_score,
        flagged_agreements=closing.flagged_agreements,
        flags=closing.flags,
        open_problems=closing.open_problems,
        open_high_problems=closing.open_high_problems,
        boundary_segments=sum(1 for row in problem_rows if row.boundary_segment),
        problems_opened=problems_base.filter(opened_on__gte=start, opened_on__lte=end).count(),
        problems_resolved=problems_base.filter(resolved_on__gte=start, resolved_on__lte=end).count(),
        actions_done=sum(
            1
            for action in actions
            if action.status == ActionStatus.SELESAI and action.done_on and start <= action.done_on <= end
        ),
        actions_open=sum(1 for action in actions if action.status in OPEN_ACTION_STATUSES),
        actions_overdue=sum(1 for action in actions if action.overdue),
    )

    # Every agreement counted is in ``base``: one synthetic agreement, or a synthetic problem listed, marks the report.
    synthetic = base.filter(source=Source.SINTETIS).count() + sum(1 for row in problem_rows if row.synthetic)

    return ReportData(
        start=start,
        end=end,
        region=region,
        region_name=region_name,
        generated_at=timezone.localtime(),
        summary=summary,
        opening=opening,
        closing=closing,
        by_category=stats.by_category(signed_in_period),
        by_partner_type=stats.by_partner_type(signed_in_period),
        # Kalimantan Timur's own rows first (every one, in code order), then other regions that are parties.
        implementation_by_region=_with_share(
            [row for row in region_rollup if row["key"] in region_rows]
            + sorted(
                (row for row in region_rollup if row["key"] not in region_rows and row["signed"]),
                key=lambda row: (-row["signed"], row["label"]),
            )
        ),
        implementation_by_urusan=_with_share(
            sorted((row for row in urusan_rollup if row["signed"]), key=lambda row: (-row["signed"], row["key"]))
        ),
        agreements=period_rows,
        new=new_rows,
        changes=change_rows,
        ended=ended_rows,
        flags=flag_rows,
        rules=rule_summaries,
        dormant=by_rule.get("dormant", []),
        problems=problem_rows,
        problem_counts=problem_counts,
        actions=actions,
        regions=list(region_rows.values()),
        urusan=urusan_list,
        synthetic_records=synthetic,
        settings={
            "dormant_days": health.health_setting("DORMANT_DAYS"),
            "implemented_score": health.health_setting("IMPLEMENTED_SCORE") or 50,
            "expiring_days": within,
        },
    )


def _concerns(codes: list[str], region: str) -> bool:
    """Whether a problem at ``codes`` concerns the row ``region``: inside a kabupaten/kota, or at the province."""
    if region == KALTIM:
        return KALTIM in codes
    return any(code == region or code.startswith(f"{region}.") for code in codes)
