"""Implementation score (0–100) of agreements and roll-ups of "signed" versus "implemented".

Which agreements get a score: signed on or before ``as_of``, not archived, not rejected. Each is
judged on its **reference day**: ``as_of``, or its last day in force when it ended earlier (an
agreement that ran well and then expired keeps the score it earned). Every part below is a number
from 0 to 1; a part that does not apply is left out and the weights of the others count in full:

==============  ======  ===========================================================================
part            weight  value (weights: ``settings.KERJASAMA["HEALTH"]["SCORE_WEIGHTS"]``)
==============  ======  ===========================================================================
``plan``        15      1 when the agreement has a work plan (at least one activity), else 0
``recent``      20      latest evidence (an activity's ``last_progress_on``, ``actual_start`` or
                        ``actual_end``, a report's ``submitted_on``, an indicator value's
                        ``recorded_on``, each on or before the reference day) less than RECENT_DAYS
                        (90) days before the reference day: 1; less than DORMANT_DAYS (180): 0.5;
                        older or none: 0
``progress``    15      mean progress of the work plan's leaf activities (those without
                        sub-activities), cancelled ones left out, / 100. Applies when there are
                        activities
``reporting``   15      per reporting period due before the reference day: 1 when its report came
                        by the due date, 0.5 when later (by the reference day), 0 when missing;
                        the mean. Applies when a period is due
``indicators``  20      mean achievement of the indicators with a target, each capped to 0–1, as
                        ``progress.achievement`` computes it (sum of values / target, or for
                        "latest value" indicators (latest − baseline) / (target − baseline)), from
                        values recorded by the reference day; an indicator without values counts
                        0. Applies when an indicator has a usable target
``evaluation``  15      the latest evaluation by the reference day: (score − 1) / 4 (1–5 → 0–1).
                        Applies when there is one
==============  ======  ===========================================================================

``score = round(100 × Σ weight × value / Σ weight of the parts that apply) − penalty``, kept in
0–100, where ``penalty = min(PROBLEM_PENALTY (10) × open high-severity problems on as_of,
PROBLEM_PENALTY_MAX (30))``.

**Implemented** means: score ≥ IMPLEMENTED_SCORE (50), or implementation evidence less than
DORMANT_DAYS days before the reference day (the opposite of the ``dormant`` health rule, for an
agreement that has any evidence at all). An agreement signed yesterday with nothing recorded is
signed but not (yet) implemented.

Roll-ups (:func:`rollups`) group the scored agreements by region (each province or kabupaten/kota
that is a party; the province and every kabupaten/kota of Kalimantan Timur always appear), by owning
perangkat daerah, by urusan or by partner type (``antar_daerah`` for agreements between regions
only) and give ``signed``, ``in_force`` (on ``as_of``), ``implemented`` and ``mean_score`` side by
side. An agreement with two parties counts in both regions' rows.

Set-based: :func:`scores` runs seven queries (grouped aggregates, and per-indicator subqueries) for
any number of agreements; :func:`rollups` adds one or two. Progress and the existence of activities are
the current values (activities keep no history).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields import DateField
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerjasama.agreements.choices import Stage, Validity
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.memory import collector_paused
from kerjasama.monitoring.choices import (
    HIGH_SEVERITIES,
    OPEN_PROBLEM_STATUSES,
    ActivityStatus,
    IndicatorAggregation,
)
from kerjasama.monitoring.health import health_setting
from kerjasama.monitoring.models import (
    Activity,
    Evaluation,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Problem,
    ReportingPeriod,
)
from kerjasama.regions.choices import PartnerType
from kerjasama.regions.models import Region, Urusan

__all__ = ("ROLLUP_DIMENSIONS", "Rules", "Score", "combine", "rollups", "scored_agreements", "scores")

KALTIM = "64"
DEFAULT_WEIGHTS = {"plan": 15, "recent": 20, "progress": 15, "reporting": 15, "indicators": 20, "evaluation": 15}
ROLLUP_DIMENSIONS = {
    "region": gettext_lazy("Region"),
    "perangkat_daerah": gettext_lazy("Perangkat daerah"),
    "urusan": gettext_lazy("Urusan"),
    "partner_type": gettext_lazy("Partner type"),
}


@dataclass(frozen=True)
class Score:
    """An agreement's implementation score on a day, with the parts it is made of."""

    agreement_id: int
    score: int
    implemented: bool
    in_force: bool
    reference_day: dt.date
    last_evidence_on: dt.date | None
    open_problems: int
    penalty: int
    parts: dict[str, float | None] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain data for JSON."""
        return {
            "agreement": self.agreement_id,
            "score": self.score,
            "implemented": self.implemented,
            "in_force": self.in_force,
            "reference_day": self.reference_day.isoformat(),
            "last_evidence_on": self.last_evidence_on.isoformat() if self.last_evidence_on else None,
            "open_problems": self.open_problems,
            "penalty": self.penalty,
            "parts": {name: None if value is None else round(value, 4) for name, value in self.parts.items()},
        }


def weights() -> dict[str, float]:
    """The weights of the score's parts (settings, else the documented defaults)."""
    return {**DEFAULT_WEIGHTS, **(health_setting("SCORE_WEIGHTS") or {})}


@dataclass(frozen=True)
class Rules:
    """The score's settings, read once per computation (``settings.KERJASAMA["HEALTH"]``)."""

    weights: dict[str, float]
    penalty: int
    penalty_max: int
    recent_days: int
    dormant_days: int
    implemented_score: int

    @classmethod
    def load(cls) -> "Rules":
        return cls(
            weights=weights(),
            penalty=int(health_setting("PROBLEM_PENALTY") or 0),
            penalty_max=int(health_setting("PROBLEM_PENALTY_MAX") or 0),
            recent_days=int(health_setting("RECENT_DAYS") or 90),
            dormant_days=int(health_setting("DORMANT_DAYS")),
            implemented_score=int(health_setting("IMPLEMENTED_SCORE") or 50),
        )


def combine(parts: dict[str, float | None], open_problems: int = 0, rules: Rules | None = None) -> tuple[int, int]:
    """``(score, penalty)`` from the parts (0–1, None when not applicable); see the module docstring."""
    rules = rules or Rules.load()
    table = rules.weights
    total = weighted = 0  # summed in the parts' order, one loop: this runs once per agreement
    for name, value in parts.items():
        weight = table.get(name)
        if value is not None and weight:
            total += weight
            weighted += weight * value
    raw = round(100 * weighted / total) if total else 0
    penalty = min(rules.penalty * open_problems, rules.penalty_max)
    return max(0, min(100, raw - penalty)), penalty


def recent_part(last_evidence: dt.date | None, reference_day: dt.date, rules: Rules | None = None) -> float:
    """1 for evidence within RECENT_DAYS, 0.5 within DORMANT_DAYS, else 0."""
    if last_evidence is None:
        return 0.0
    rules = rules or Rules.load()
    days = (reference_day - last_evidence).days
    if days < rules.recent_days:
        return 1.0
    if days < rules.dormant_days:
        return 0.5
    return 0.0


def achievement_ratio(
    aggregation: str,
    baseline: Decimal | None,
    target: Decimal | None,
    total: Decimal | None,
    latest: Decimal | None,
) -> float | None:
    """An indicator's achievement 0–1 as ``progress.achievement`` computes it; None without a usable target.

    No values yet counts as 0: the indicator has a target and nothing was reached.
    """
    if target is None:
        return None
    if aggregation == IndicatorAggregation.LATEST and baseline is not None and target != baseline:
        ratio = 0.0 if latest is None else float((latest - baseline) / (target - baseline))
    elif not target:
        return None
    elif aggregation == IndicatorAggregation.LATEST:
        ratio = 0.0 if latest is None else float(latest / target)
    else:
        ratio = 0.0 if total is None else float(total / target)
    return max(0.0, min(1.0, ratio))


def scored_agreements(as_of: dt.date, agreements: QuerySet | None = None) -> QuerySet:
    """The agreements that get a score on ``as_of``: signed by then, not archived, not rejected."""
    base = agreements if agreements is not None else Agreement.objects.all()
    return (
        base.filter(archived_at__isnull=True, signed_on__isnull=False, signed_on__lte=as_of)
        .exclude(stage=Stage.DITOLAK)
        .order_by()
    )


def _reference(as_of: dt.date, prefix: str = "") -> Least:
    """SQL for the reference day: ``as_of``, or the last day in force when earlier."""
    day = Value(as_of, output_field=DateField())
    return Least(
        day,
        Coalesce(F(f"{prefix}end_on"), day),
        Coalesce(F(f"{prefix}terminated_on"), day),
        output_field=DateField(),
    )


def _max_date(*days: dt.date | None) -> dt.date | None:
    latest = None
    for day in days:
        if day is not None and (latest is None or day > latest):
            latest = day
    return latest


@collector_paused()  # one bounded pass over every agreement: see core.memory
def scores(as_of: dt.date | None = None, agreements: QuerySet | None = None) -> dict[int, Score]:
    """The score of every scored agreement among ``agreements`` (default all) on ``as_of`` (default today).

    Seven queries whatever the number of agreements, each one pass over one kind of row grouped by
    agreement; the result is keyed by agreement id.
    """
    as_of = as_of or timezone.localdate()
    base = scored_agreements(as_of, agreements)
    ref = _reference(as_of, "agreement__")
    # The rows of the agreements asked for. Over all agreements the rows of those without a score (archived,
    # unsigned, rejected) are read as well and never looked up below: cheaper than filtering every query
    # with ``IN (the scored agreements)``, which SQLite builds anew for each.
    ids = base.values("pk")
    scope = Q() if agreements is None else Q(agreement__in=ids)

    # ``with_validity`` is the register's own rule for "in force" (berlaku or akan berakhir). The other
    # parts are separate grouped queries, not subqueries per agreement: PostgreSQL compiles (JIT) a plan
    # with 100,000 subquery runs for longer than it then takes to run the grouped queries.
    rows = base.with_validity(as_of).annotate(ref=_reference(as_of)).values_list("pk", "validity", "ref")
    open_problems = dict(
        Problem.agreements.through.objects.filter(
            scope, problem__severity__in=HIGH_SEVERITIES, problem__opened_on__lte=as_of
        )
        .filter(Q(problem__status__in=OPEN_PROBLEM_STATUSES) | Q(problem__resolved_on__gt=as_of))
        .order_by()
        .values("agreement_id")
        .annotate(count=Count("pk"))
        .values_list("agreement_id", "count")
    )
    # The latest evaluation by the reference day (of one day, the last entered): rows come oldest first,
    # so the latest of each agreement is the one the dict keeps.
    evaluations = dict(
        Evaluation.objects.filter(scope, evaluated_on__lte=ref)
        .order_by("evaluated_on", "pk")
        .values_list("agreement_id", "score")
    )

    # Activities: the latest date of evidence by the reference day, and the mean progress of leaf activities.
    leaf = Q(children__isnull=True) & ~Q(status=ActivityStatus.DIBATALKAN)
    activities: dict[int, tuple[dt.date | None, float | None]] = {
        agreement_id: (_max_date(last_progress, last_start, last_end), leaf_progress)
        for agreement_id, last_progress, last_start, last_end, leaf_progress in Activity.objects.filter(scope)
        .order_by()
        .values("agreement_id")
        .annotate(
            last_progress=Max("last_progress_on", filter=Q(last_progress_on__lte=ref)),
            last_start=Max("actual_start", filter=Q(actual_start__lte=ref)),
            last_end=Max("actual_end", filter=Q(actual_end__lte=ref)),
            leaf_progress=Avg("progress", filter=leaf),
        )
        .values_list("agreement_id", "last_progress", "last_start", "last_end", "leaf_progress")
    }
    reports = dict(
        ImplementationReport.objects.filter(scope, submitted_on__lte=ref)
        .order_by()
        .values("agreement_id")
        .annotate(last=Max("submitted_on"))
        .values_list("agreement_id", "last")
    )

    # Reporting periods due by the reference day, each joined to the report that answers it (same party
    # and period start, submitted by the reference day; at most one, the report's unique constraint):
    # 2 points when it came by the due date, 1 when later, none when it is missing.
    answer = FilteredRelation(
        "agreement__reports",
        condition=Q(
            agreement__reports__pihak=F("pihak"),
            agreement__reports__period_start=F("period_start"),
            agreement__reports__submitted_on__lte=ref,
        ),
    )
    reporting: dict[int, tuple[int, int]] = {
        agreement_id: (due, points)
        for agreement_id, due, points in ReportingPeriod.objects.filter(scope)
        .annotate(ref=ref)
        .filter(due_on__lt=F("ref"))
        .annotate(answer=answer)
        .annotate(
            period_points=Case(
                When(answer__isnull=True, then=Value(0)),
                When(answer__submitted_on__lte=F("due_on"), then=Value(2)),
                default=Value(1),
            )
        )
        .order_by()
        .values("agreement_id")
        .annotate(due=Count("pk"), points=Sum("period_points"))
        .values_list("agreement_id", "due", "points")
    }

    # Indicators: the sum and the latest of their values by the reference day (a few values each, read
    # through the indexes on the indicator).
    values = IndicatorValue.objects.filter(indicator=OuterRef("pk"), recorded_on__lte=OuterRef("ref")).order_by()
    indicators: dict[int, list[float]] = defaultdict(list)
    indicator_last: dict[int, dt.date] = {}
    indicator_rows = (
        Indicator.objects.filter(scope)
        .annotate(ref=ref)
        .annotate(
            total=Subquery(values.values("indicator").annotate(total=Sum("value")).values("total")),
            latest=Subquery(values.order_by("-period_start", "-recorded_on").values("value")[:1]),
            last_recorded=Subquery(values.order_by("-recorded_on").values("recorded_on")[:1]),
        )
        .order_by()
        .values_list("agreement_id", "aggregation", "baseline", "target", "total", "latest", "last_recorded")
    )
    for agreement_id, aggregation, baseline, target, total, latest, last_recorded in indicator_rows:
        ratio = achievement_ratio(aggregation, baseline, target, total, latest)
        if ratio is not None:
            indicators[agreement_id].append(ratio)
        if last_recorded is not None:
            indicator_last[agreement_id] = _max_date(indicator_last.get(agreement_id), last_recorded)

    result: dict[int, Score] = {}
    rules = Rules.load()
    in_force = {Validity.BERLAKU.value, Validity.AKAN_BERAKHIR.value}
    for pk, validity, reference_day in rows:
        if isinstance(reference_day, str):  # SQLite returns MIN() of dates as text
            reference_day = dt.date.fromisoformat(reference_day)
        activity_last, leaf_progress = activities.get(pk, (None, None))
        last_evidence = _max_date(activity_last, reports.get(pk), indicator_last.get(pk))
        due, points = reporting.get(pk, (0, 0))
        ratios = indicators.get(pk)
        evaluation = evaluations.get(pk)
        problems = open_problems.get(pk, 0)
        parts: dict[str, float | None] = {
            "plan": 1.0 if pk in activities else 0.0,
            "recent": recent_part(last_evidence, reference_day, rules),
            "progress": float(leaf_progress) / 100 if leaf_progress is not None else None,
            "reporting": points / (2 * due) if due else None,
            "indicators": sum(ratios) / len(ratios) if ratios else None,
            "evaluation": (evaluation - 1) / 4 if evaluation is not None else None,
        }
        score, penalty = combine(parts, problems, rules)
        recent = last_evidence is not None and (reference_day - last_evidence).days < rules.dormant_days
        result[pk] = Score(
            agreement_id=pk,
            score=score,
            implemented=score >= rules.implemented_score or recent,
            in_force=validity in in_force,
            reference_day=reference_day,
            last_evidence_on=last_evidence,
            open_problems=problems,
            penalty=penalty,
            parts=parts,
        )
    return result


# Roll-ups ------------------------------------------------------------------------------------------


def _groups(
    by: str, base: QuerySet, scored: Collection[int] | None = None
) -> tuple[dict[object, str], dict[object, set[int]]]:
    """Labels of the groups of dimension ``by`` (in display order) and the agreements of ``base`` in each.

    ``scored``: the ids of ``base`` when the caller has them. The link queries then read every link and
    keep those of ``scored``: over all agreements, cheaper than asking the database for ``IN (base)``.
    """
    ids = Q() if scored is not None else Q(agreement__in=base.values("pk"))

    def kept(rows):
        return rows if scored is None else (row for row in rows if row[0] in scored)

    labels: dict[object, str] = {}
    members: dict[object, set[int]] = defaultdict(set)
    if by == "region":
        kaltim = Region.objects.filter(Q(code=KALTIM) | Q(parent_id=KALTIM)).values_list("code", "name")
        for code, name in kaltim:
            labels[code] = _("Province of %(name)s") % {"name": name} if code == KALTIM else name
        parties = (
            AgreementParty.objects.filter(ids, pihak__region__isnull=False)
            .order_by()
            .values_list("agreement_id", "pihak__region_id", "pihak__region__name")
        )
        for agreement_id, code, name in kept(parties):
            labels.setdefault(code, name)
            members[code].add(agreement_id)
        labels = dict(sorted(labels.items()))
    elif by == "perangkat_daerah":
        for agreement_id, pd_id, name in base.values_list("pk", "perangkat_daerah_id", "perangkat_daerah__name"):
            labels.setdefault(pd_id, name or _("No owning perangkat daerah"))
            members[pd_id].add(agreement_id)
        labels = dict(sorted(labels.items(), key=lambda item: (item[0] is None, str(item[1]).lower())))
    elif by == "urusan":
        labels = dict(Urusan.objects.values_list("code", "name"))
        links = Agreement.urusan.through.objects.filter(ids).values_list("agreement_id", "urusan__code")
        for agreement_id, code in kept(links):
            members[code].add(agreement_id)
    elif by == "partner_type":
        labels = {"antar_daerah": str(_("Between regions only"))}
        labels.update({value: str(label) for value, label in PartnerType.choices})
        with_partner: set[int] = set()
        parties = (
            AgreementParty.objects.filter(ids, pihak__partner__isnull=False)
            .order_by()
            .values_list("agreement_id", "pihak__partner__partner_type")
        )
        for agreement_id, partner_type in kept(parties):
            members[partner_type].add(agreement_id)
            with_partner.add(agreement_id)
        members["antar_daerah"] = (
            set(scored if scored is not None else base.values_list("pk", flat=True)) - with_partner
        )
    else:
        raise ValueError(f"Unknown roll-up dimension {by!r}; use one of {', '.join(ROLLUP_DIMENSIONS)}.")
    return labels, members


def rollups(by: str, as_of: dt.date | None = None, agreements: QuerySet | None = None) -> list[dict]:
    """Per group of ``by`` (region, perangkat_daerah, urusan, partner_type): signed, in force, implemented, mean score.

    ``agreements`` defaults to all; the scored ones among them count (signed by ``as_of``, not
    archived, not rejected).
    """
    as_of = as_of or timezone.localdate()
    if by not in ROLLUP_DIMENSIONS:
        raise ValueError(f"Unknown roll-up dimension {by!r}; use one of {', '.join(ROLLUP_DIMENSIONS)}.")
    results = scores(as_of, agreements)
    labels, members = _groups(by, scored_agreements(as_of, agreements), results.keys() if agreements is None else None)
    rows = []
    for key, label in labels.items():
        scored = [results[pk] for pk in members.get(key, ()) if pk in results]
        rows.append(
            {
                "key": key,
                "label": str(label),
                "signed": len(scored),
                "in_force": sum(1 for score in scored if score.in_force),
                "implemented": sum(1 for score in scored if score.implemented),
                "mean_score": round(sum(score.score for score in scored) / len(scored), 1) if scored else None,
            }
        )
    return rows
