"""Progress of work plans and achievement of indicators, derived from the rows and never stored.

Work plans roll up as Decidim's accountability results do: a leaf activity's progress is entered;
a parent's is the weighted mean of its children's (equal shares when no weights are given). An
agreement's progress rolls up from its top-level activities, and a KB's from its PKS (the agreements
whose ``parent`` it is). ``Activity.progress`` of a parent is ignored: its children are the truth.

Rules beyond Decidim's:

- a blank weight among weighted siblings counts as the mean of the siblings' weights (an average
  share), so adding an activity without a weight neither vanishes nor dominates;
- cancelled activities are left out of their parent's mean (the plan changed; they are not 0 % done),
  and so is a parent whose children are all cancelled;
- a KB with PKS: each PKS that has a progress is one equal share; the KB's own activities, if any,
  count as one more share. Archived PKS are left out.

Every function here costs a fixed number of queries whatever the number of activities:
:func:`progress_by_agreement` one per level of the KB → PKS tree plus one for all their activities.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from kerjasama.agreements.models import Agreement
from kerjasama.monitoring.choices import ActivityStatus, IndicatorAggregation
from kerjasama.monitoring.models import Activity, Indicator, IndicatorValue

__all__ = (
    "ROW_FIELDS",
    "Achievement",
    "ActivityRow",
    "Plan",
    "PlanRow",
    "achievement",
    "achievements",
    "activity_progress",
    "progress_by_agreement",
    "weighted_mean",
    "work_plan",
)


@dataclass(frozen=True)
class ActivityRow:
    """What the roll-up needs of an activity."""

    id: int
    agreement_id: int
    parent_id: int | None
    progress: int
    weight: Decimal | None
    status: str


ROW_FIELDS = ("id", "agreement_id", "parent_id", "progress", "weight", "status")


def weighted_mean(items: Iterable[tuple[float, Decimal | float | None]]) -> float | None:
    """The mean of ``(value, weight)`` pairs; blank weights count as the mean of the given ones.

    All weights blank: the plain mean (equal shares). None when there is nothing to average.
    """
    items = list(items)
    if not items:
        return None
    given = [float(weight) for _value, weight in items if weight is not None]
    default = sum(given) / len(given) if given else 1.0
    weights = [float(weight) if weight is not None else default for _value, weight in items]
    total = sum(weights)
    return sum(value * weight for (value, _weight), weight in zip(items, weights, strict=True)) / total


def activity_progress(rows: Iterable[ActivityRow]) -> dict[int, float | None]:
    """Each activity's progress: entered for a leaf, rolled up from the children for a parent.

    None for a parent whose children are all cancelled. ``rows`` may span many agreements.
    """
    rows = list(rows)
    by_id = {row.id: row for row in rows}
    children: dict[int, list[ActivityRow]] = defaultdict(list)
    for row in rows:
        if row.parent_id is not None and row.parent_id in by_id:
            children[row.parent_id].append(row)
    result: dict[int, float | None] = {}

    def compute(row: ActivityRow, path: frozenset[int]) -> float | None:
        if row.id in result:
            return result[row.id]
        kids = [kid for kid in children.get(row.id, ()) if kid.id not in path]  # a cycle cannot loop forever
        if not kids:
            value: float | None = float(row.progress)
        else:
            counted = [
                (progress, kid.weight)
                for kid in kids
                if (progress := compute(kid, path | {row.id})) is not None and kid.status != ActivityStatus.DIBATALKAN
            ]
            value = weighted_mean(counted)
        result[row.id] = value
        return value

    for row in rows:
        compute(row, frozenset())
    return result


def _top_level_progress(rows: list[ActivityRow], progress: dict[int, float | None]) -> float | None:
    by_id = {row.id for row in rows}
    top = [row for row in rows if row.parent_id is None or row.parent_id not in by_id]
    return weighted_mean(
        (progress[row.id], row.weight)
        for row in top
        if progress[row.id] is not None and row.status != ActivityStatus.DIBATALKAN
    )


def _agreement_tree(agreement_ids: Iterable[int]) -> dict[int, list[int]]:
    """The non-archived child agreements (PKS of a KB) of every agreement reachable from ``agreement_ids``."""
    children: dict[int, list[int]] = {pk: [] for pk in agreement_ids}
    frontier = set(children)
    while frontier:
        found = Agreement.objects.filter(parent_id__in=frontier, archived_at__isnull=True).values_list(
            "pk", "parent_id"
        )
        frontier = set()
        for pk, parent_id in found:
            children[parent_id].append(pk)
            if pk not in children:
                children[pk] = []
                frontier.add(pk)
    return children


def progress_by_agreement(agreement_ids: Iterable[int]) -> dict[int, float | None]:
    """The progress (0–100) of each agreement, None when it has no work plan and no PKS with one.

    Reads all activities of the agreements and of their PKS in one query; see the module docstring.
    """
    tree = _agreement_tree(agreement_ids)
    rows_by_agreement: dict[int, list[ActivityRow]] = defaultdict(list)
    for values in Activity.objects.filter(agreement_id__in=list(tree)).values_list(*ROW_FIELDS):
        row = ActivityRow(*values)
        rows_by_agreement[row.agreement_id].append(row)
    own: dict[int, float | None] = {}
    for pk in tree:
        rows = rows_by_agreement.get(pk, [])
        own[pk] = _top_level_progress(rows, activity_progress(rows)) if rows else None

    result: dict[int, float | None] = {}

    def compute(pk: int, path: frozenset[int]) -> float | None:
        if pk in result:
            return result[pk]
        shares = []
        for child in tree[pk]:
            value = compute(child, path | {pk}) if child not in path else None
            if value is not None:
                shares.append(value)
        if shares and own[pk] is not None:
            shares.append(own[pk])
        value = sum(shares) / len(shares) if shares else own[pk]
        result[pk] = value
        return value

    return {pk: compute(pk, frozenset()) for pk in agreement_ids}


# One agreement's work plan for its page -------------------------------------------------------------


@dataclass
class PlanRow:
    """An activity in display order, with its depth, derived progress and whether it is a leaf."""

    activity: Activity
    depth: int
    progress: float | None
    is_leaf: bool
    children: list["PlanRow"] = field(default_factory=list)

    @property
    def indent(self) -> str:
        """Left indentation in rem for the tree display (a string: templates would localise 1.5 as 1,5)."""
        return f"{self.depth * 1.5:.1f}"


@dataclass
class Plan:
    """An agreement's work plan: its activities as a tree and the rolled-up totals."""

    rows: list[PlanRow]
    own_progress: float | None  # from the agreement's own top-level activities
    progress: float | None  # the agreement's progress, including its PKS for a KB
    child_progress: dict[int, float | None]  # progress of each PKS of a KB

    @property
    def is_empty(self) -> bool:
        return not self.rows


def work_plan(agreement: Agreement) -> Plan:
    """The work plan of ``agreement`` with every activity's derived progress, in a few queries."""
    activities = list(
        Activity.objects.filter(agreement=agreement).select_related("pihak", "perangkat_daerah", "parent")
    )
    rows = [ActivityRow(*(getattr(activity, name) for name in ROW_FIELDS)) for activity in activities]
    progress = activity_progress(rows)
    by_parent: dict[int | None, list[Activity]] = defaultdict(list)
    ids = {activity.pk for activity in activities}
    for activity in activities:
        by_parent[activity.parent_id if activity.parent_id in ids else None].append(activity)

    ordered: list[PlanRow] = []

    def walk(parent_id: int | None, depth: int, seen: frozenset[int]) -> list[PlanRow]:
        made = []
        for activity in by_parent.get(parent_id, ()):
            if activity.pk in seen:
                continue
            row = PlanRow(activity, depth, progress[activity.pk], is_leaf=not by_parent.get(activity.pk))
            ordered.append(row)
            row.children = walk(activity.pk, depth + 1, seen | {activity.pk})
            made.append(row)
        return made

    walk(None, 0, frozenset())
    children = list(Agreement.objects.filter(parent=agreement, archived_at__isnull=True).values_list("pk", flat=True))
    totals = progress_by_agreement([agreement.pk, *children])
    return Plan(
        rows=ordered,
        own_progress=_top_level_progress(rows, progress) if rows else None,
        progress=totals[agreement.pk],
        child_progress={pk: totals[pk] for pk in children},
    )


# Indicators -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Achievement:
    """An indicator's result so far and its achievement against the target, in percent.

    ``result``: the sum of the values (``jumlah``) or the latest value (``terakhir``). ``percent``:
    result / target for sums; for latest values (result − baseline) / (target − baseline) when a
    baseline is given, else result / target. None without values or without a usable target.
    """

    result: Decimal | None
    percent: float | None
    latest_on: dt.date | None

    @property
    def bar(self) -> float:
        """The percentage for a progress bar: 0 to 100."""
        return min(max(self.percent or 0.0, 0.0), 100.0)


def achievement(indicator: Indicator, values: Iterable[IndicatorValue]) -> Achievement:
    """The achievement of ``indicator`` from ``values`` (its values, any order)."""
    values = sorted(values, key=lambda value: value.period_start)
    if not values:
        return Achievement(None, None, None)
    latest = values[-1]
    if indicator.aggregation == IndicatorAggregation.LATEST:
        result = latest.value
        baseline = indicator.baseline
        if baseline is not None and indicator.target is not None and indicator.target != baseline:
            percent = float((result - baseline) / (indicator.target - baseline) * 100)
            return Achievement(result, percent, latest.period_end)
    else:
        result = sum((value.value for value in values), Decimal(0))
    percent = float(result / indicator.target * 100) if indicator.target else None
    return Achievement(result, percent, latest.period_end)


def achievements(indicators: Iterable[Indicator]) -> dict[int, Achievement]:
    """Achievement of many indicators with one query for all their values."""
    indicators = list(indicators)
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in IndicatorValue.objects.filter(indicator__in=[indicator.pk for indicator in indicators]):
        values[value.indicator_id].append(value)
    return {indicator.pk: achievement(indicator, values[indicator.pk]) for indicator in indicators}
