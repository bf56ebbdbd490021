"""Health rules at their boundary days, the implementation score, roll-ups, and set-based evaluation."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kerjasama.agreements.choices import DocumentType, Stage
from kerjasama.agreements.models import Agreement
from kerjasama.monitoring import health, scores
from kerjasama.monitoring.choices import ActivityStatus, ProblemStatus, Severity
from kerjasama.regions.models import PerangkatDaerah, Region
from tests.builders import make_agreement
from tests.monitoring.health_data import (
    AS_OF,
    FAR_END,
    LONG_AGO,
    activity,
    days,
    evaluation,
    in_force,
    indicator,
    period,
    problem,
    report,
    value,
)

pytestmark = pytest.mark.django_db


def flags_of(agreement, as_of=AS_OF, rule=None) -> list[health.Flag]:
    return [flag for flag in health.flags_for(agreement, as_of) if rule is None or flag.rule == rule]


def rules_of(agreement, as_of=AS_OF) -> set[str]:
    return {flag.rule for flag in health.flags_for(agreement, as_of)}


# Dormant ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "dormant"), [(179, False), (180, True), (181, True)])
def test_dormant_counts_days_since_the_latest_activity(age, dormant):
    agreement = in_force()
    activity(agreement, last_progress_on=AS_OF - days(age))
    assert ("dormant" in rules_of(agreement)) is dormant


@pytest.mark.parametrize(("age", "dormant"), [(179, False), (180, True), (181, True)])
def test_dormant_without_any_evidence_counts_from_the_signing_date(age, dormant):
    agreement = in_force(signed_on=AS_OF - days(age))
    assert ("dormant" in rules_of(agreement)) is dormant


def test_an_agreement_signed_ten_days_ago_is_not_dormant_even_if_its_start_date_is_older():
    agreement = in_force(signed_on=AS_OF - days(10), start_on=AS_OF - days(400))
    assert "dormant" not in rules_of(agreement)


@pytest.mark.parametrize(
    "make_evidence",
    [
        lambda agreement: activity(agreement, actual_start=AS_OF - days(100)),
        lambda agreement: activity(agreement, actual_end=AS_OF - days(100)),
        lambda agreement: report(
            agreement, "Kota Balikpapan", dt.date(2025, 1, 1), dt.date(2025, 6, 30), AS_OF - days(5)
        ),
        lambda agreement: value(indicator(agreement, target=10), 3, dt.date(2025, 9, 1), AS_OF - days(179)),
    ],
    ids=["actual_start", "actual_end", "report", "indicator_value"],
)
def test_each_kind_of_evidence_keeps_an_agreement_out_of_dormant(make_evidence):
    agreement = in_force()
    assert "dormant" in rules_of(agreement)
    make_evidence(agreement)
    assert "dormant" not in rules_of(agreement)


def test_dormant_ignores_evidence_dated_after_as_of_and_reports_its_evidence():
    agreement = in_force()
    activity(agreement, last_progress_on=AS_OF - days(200))
    activity(agreement, last_progress_on=AS_OF + days(1))
    (flag,) = flags_of(agreement, rule="dormant")
    assert flag.evidence["last_activity_on"] == (AS_OF - days(200)).isoformat()
    assert flag.evidence["since"] == (AS_OF - days(200)).isoformat()
    assert flag.evidence["days"] == 200
    assert flag.evidence["limit_days"] == 180
    assert flag.evidence["last_report_on"] is None
    assert flag.severity == Severity.TINGGI
    assert "200" in flag.message
    assert flag.key == f"dormant:{agreement.pk}:{(AS_OF - days(200)).isoformat()}"
    # On the day after the late activity it is no longer dormant.
    assert "dormant" not in rules_of(agreement, AS_OF + days(1))


def test_dormant_needs_the_agreement_in_force_and_live():
    expired = in_force(end_on=AS_OF - days(1))
    completed = in_force(stage=Stage.SELESAI)
    not_started = in_force(signed_on=LONG_AGO, start_on=AS_OF + days(1))
    for agreement in (expired, completed, not_started):
        assert "dormant" not in rules_of(agreement)


def test_the_threshold_comes_from_settings(settings):
    settings.KERJASAMA = {**settings.KERJASAMA, "HEALTH": {**settings.KERJASAMA["HEALTH"], "DORMANT_DAYS": 30}}
    agreement = in_force()
    activity(agreement, last_progress_on=AS_OF - days(30))
    (flag,) = flags_of(agreement, rule="dormant")
    assert flag.evidence["limit_days"] == 30


# No work plan -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "flagged"), [(89, False), (90, True), (91, True)])
def test_no_workplan_after_the_limit(age, flagged):
    agreement = in_force(signed_on=AS_OF - days(age))
    found = flags_of(agreement, rule="no_workplan")
    assert bool(found) is flagged
    if flagged:
        assert found[0].evidence == {
            "signed_on": (AS_OF - days(age)).isoformat(),
            "days": age,
            "limit_days": 90,
            "activities": 0,
        }


def test_any_activity_is_a_work_plan_and_final_stages_need_none():
    planned = in_force(signed_on=AS_OF - days(200))
    activity(planned, status=ActivityStatus.DIRENCANAKAN)
    terminated = in_force(signed_on=AS_OF - days(200), stage=Stage.DIAKHIRI, terminated_on=FAR_END)
    ended = in_force(signed_on=AS_OF - days(400), end_on=AS_OF - days(1))
    for agreement in (planned, terminated, ended):
        assert "no_workplan" not in rules_of(agreement)


# KB without PKS -----------------------------------------------------------------------------------


def kb(signed_on):
    return in_force(document_type=DocumentType.KB, signed_on=signed_on, title="KB uji")


@pytest.mark.parametrize(
    ("signed_on", "flagged"),
    [(dt.date(2024, 11, 19), False), (dt.date(2024, 11, 18), True), (dt.date(2024, 11, 17), True)],
    ids=["12-months-minus-a-day", "12-months", "12-months-plus-a-day"],
)
def test_kb_without_pks_after_twelve_months(signed_on, flagged):
    assert ("kb_without_pks" in rules_of(kb(signed_on))) is flagged


def test_months_before_keeps_the_end_of_short_months():
    assert health.months_before(dt.date(2025, 3, 31), 1) == dt.date(2025, 2, 28)
    assert health.months_before(dt.date(2025, 2, 28), 12) == dt.date(2024, 2, 28)
    assert health.months_before(dt.date(2025, 1, 15), 13) == dt.date(2023, 12, 15)


def test_a_signed_pks_child_settles_the_kb_and_a_draft_is_named():
    parent = kb(dt.date(2024, 1, 10))
    draft = make_agreement(
        document_type=DocumentType.PKS, parent_id=parent.pk, signed_on=None, end_on=None, stage=Stage.PERSIAPAN
    )
    (flag,) = flags_of(parent, rule="kb_without_pks")
    assert flag.evidence["pks_in_preparation"] is True and draft.parent_id == parent.pk
    make_agreement(document_type=DocumentType.PKS, parent_id=parent.pk, signed_on=AS_OF - days(3))
    assert "kb_without_pks" not in rules_of(parent)
    # A PKS signed only after as_of does not count on as_of.
    later = kb(dt.date(2024, 1, 10))
    make_agreement(document_type=DocumentType.PKS, parent_id=later.pk, signed_on=AS_OF + days(3))
    assert "kb_without_pks" in rules_of(later)


# Expiring -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "threshold"),
    [(91, None), (90, 90), (61, 90), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7), (1, 7), (0, 0), (-1, None)],
)
def test_expiring_names_the_tightest_threshold(left, threshold):
    agreement = in_force(end_on=AS_OF + days(left))
    found = flags_of(agreement, rule="expiring")
    if threshold is None:
        assert found == []
        return
    (flag,) = found
    assert flag.evidence["threshold"] == threshold
    assert flag.evidence["days_left"] == left
    assert flag.key == f"expiring:{threshold}:{agreement.pk}:{(AS_OF + days(left)).isoformat()}"
    if left:
        assert f"{left} day" in flag.message and f"≤{threshold}" in flag.message
    else:
        assert "today" in flag.message.lower()


def test_expiring_follows_an_earlier_termination_date_and_severity_rises():
    agreement = in_force(terminated_on=AS_OF + days(25))
    (flag,) = flags_of(agreement, rule="expiring")
    assert (flag.evidence["threshold"], flag.evidence["terminated"]) == (30, True)
    assert "25 days" in flag.message and "≤30" in flag.message
    severities = [
        flags_of(in_force(end_on=AS_OF + days(left)), rule="expiring")[0].severity for left in (80, 40, 20, 5, 0)
    ]
    ranks = [health.severity_rank(severity) for severity in severities]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]


# Expired while still in implementation -----------------------------------------------------------


@pytest.mark.parametrize(("end_offset", "flagged"), [(0, False), (-1, True), (-30, True)])
def test_expired_still_in_implementation_from_the_day_after_the_end(end_offset, flagged):
    agreement = in_force(end_on=AS_OF + days(end_offset))
    found = flags_of(agreement, rule="expired_active")
    assert bool(found) is flagged
    if flagged:
        assert found[0].evidence == {
            "end_on": (AS_OF + days(end_offset)).isoformat(),
            "days": -end_offset,
            "stage": Stage.PELAKSANAAN,
        }


def test_expired_in_evaluation_is_flagged_but_completed_is_not():
    evaluating = in_force(end_on=AS_OF - days(1), stage=Stage.EVALUASI)
    completed = in_force(end_on=AS_OF - days(1), stage=Stage.SELESAI)
    assert "expired_active" in rules_of(evaluating)
    assert "expired_active" not in rules_of(completed)


# Reports overdue ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("due", "flagged"), [(AS_OF - days(1), True), (AS_OF, False)], ids=["yesterday", "today"])
def test_report_overdue_the_day_after_it_is_due(due, flagged):
    agreement = in_force()
    period(agreement, "Kota Balikpapan", dt.date(2025, 1, 1), dt.date(2025, 6, 30), due)
    assert ("report_overdue" in rules_of(agreement)) is flagged


def test_report_overdue_lists_the_missing_parties_and_periods():
    agreement = in_force()
    first, second = (dt.date(2025, 1, 1), dt.date(2025, 6, 30)), (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    period(agreement, "Kota Balikpapan", *first, dt.date(2025, 7, 30))
    period(agreement, "Pemprov Kaltim", *first, dt.date(2025, 7, 30))
    period(agreement, "Kota Balikpapan", *second, dt.date(2025, 10, 30))
    # The province reported the first period (on time); Balikpapan's first report came after as_of.
    report(agreement, "Pemprov Kaltim", *first, dt.date(2025, 7, 20))
    report(agreement, "Kota Balikpapan", *first, AS_OF + days(2))
    (flag,) = flags_of(agreement, rule="report_overdue")
    assert flag.evidence["count"] == 2
    missing = [(row["pihak"], row["period_start"], row["due_on"]) for row in flag.evidence["missing"]]
    assert missing == [
        ("Kota Balikpapan", "2025-01-01", "2025-07-30"),
        ("Kota Balikpapan", "2025-07-01", "2025-10-30"),
    ]
    assert flag.evidence["missing"][0]["days_overdue"] == (AS_OF - dt.date(2025, 7, 30)).days
    assert flag.key == f"report_overdue:{agreement.pk}:2025-10-30"
    assert "Kota Balikpapan" in flag.message
    # Once both arrive (by as_of), nothing is overdue.
    report(agreement, "Kota Balikpapan", *second, AS_OF - days(1))
    assert "report_overdue" not in rules_of(agreement, AS_OF + days(3))


# DPRD approval ------------------------------------------------------------------------------------


def test_dprd_approval_missing_past_the_drafting_stages():
    missing = in_force(dprd_approval_required=True)
    recorded = in_force(dprd_approval_required=True, dprd_approval_reference="Keputusan DPRD 12/2024")
    drafting = in_force(dprd_approval_required=True, signed_on=None, end_on=None, stage=Stage.PERJANJIAN_KERJA_SAMA)
    signing = in_force(dprd_approval_required=True, signed_on=None, end_on=None, stage=Stage.PENANDATANGANAN)
    assert "dprd_missing" in rules_of(missing)
    assert "dprd_missing" in rules_of(signing)
    assert "dprd_missing" not in rules_of(recorded)
    assert "dprd_missing" not in rules_of(drafting)


# Open problems ------------------------------------------------------------------------------------


def test_open_high_severity_problems_on_as_of():
    agreement = in_force()
    activity(agreement, last_progress_on=AS_OF)
    problem(agreement, severity=Severity.SEDANG)
    problem(agreement, status=ProblemStatus.SELESAI, resolved_on=AS_OF - days(1))
    problem(agreement, opened=AS_OF + days(1))
    assert "open_problem" not in rules_of(agreement)
    high = problem(agreement, severity=Severity.TINGGI, is_public=False)
    (flag,) = flags_of(agreement, rule="open_problem")
    assert flag.severity == Severity.TINGGI
    assert flag.evidence["problems"] == [
        {"id": high.pk, "title": None, "severity": "tinggi", "opened_on": high.opened_on.isoformat()}
    ]
    critical = problem(agreement, severity=Severity.KRITIS, status=ProblemStatus.DITANGANI)
    (flag,) = flags_of(agreement, rule="open_problem")
    assert flag.severity == Severity.KRITIS and flag.evidence["count"] == 2
    assert flag.key == f"open_problem:{agreement.pk}:{critical.pk}"
    assert flag.evidence["problems"][1]["title"] == critical.title


def test_a_problem_resolved_after_as_of_was_open_on_as_of():
    agreement = in_force()
    problem(agreement, status=ProblemStatus.SELESAI, resolved_on=AS_OF + days(5))
    assert "open_problem" in rules_of(agreement)
    assert "open_problem" not in rules_of(agreement, AS_OF + days(5))


# Evaluation as a whole ----------------------------------------------------------------------------


def test_archived_agreements_are_never_flagged_and_flags_are_sorted_by_severity():
    agreement = in_force(end_on=AS_OF + days(40), dprd_approval_required=True)
    found = health.flags_for(agreement, AS_OF)
    assert [flag.rule for flag in found] == ["dormant", "dprd_missing", "no_workplan", "expiring"]
    assert [health.severity_rank(flag.severity) for flag in found] == sorted(
        (health.severity_rank(flag.severity) for flag in found), reverse=True
    )
    Agreement.objects.filter(pk=agreement.pk).update(archived_at=timezone.now())
    assert health.flags_for(agreement, AS_OF) == []


def test_evaluate_limits_rules_and_agreements():
    one, two = in_force(end_on=AS_OF + days(5)), in_force(end_on=AS_OF + days(6))
    flags = health.evaluate(AS_OF, rules=["expiring"])
    assert {(flag.agreement_id, flag.rule) for flag in flags} >= {(one.pk, "expiring"), (two.pk, "expiring")}
    assert {flag.rule for flag in flags} == {"expiring"}
    only = health.evaluate(AS_OF, Agreement.objects.filter(pk=one.pk), rules=["expiring"])
    assert [flag.agreement_id for flag in only] == [one.pk]
    with pytest.raises(KeyError):
        health.evaluate(AS_OF, rules=["no-such-rule"])
    assert all(flag.as_dict()["rule_label"] for flag in flags)


def make_population(count: int) -> None:
    """``count`` agreements with activities, reports, periods, indicators, evaluations and problems."""
    for index in range(count):
        agreement = in_force(end_on=AS_OF + days(index % 120), dprd_approval_required=index % 3 == 0)
        if index % 2:
            activity(agreement, last_progress_on=AS_OF - days(index * 7), progress=index % 100)
        period(agreement, "Kota Balikpapan", dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 30))
        if index % 4 == 0:
            report(agreement, "Kota Balikpapan", dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 2))
        item = indicator(agreement, target=100)
        value(item, index, dt.date(2025, 5, 1))
        evaluation(agreement, 1 + index % 5, dt.date(2025, 8, 1))
        if index % 5 == 0:
            problem(agreement)


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def test_evaluate_and_scores_are_set_based():
    make_population(5)
    small_flags = count_queries(lambda: health.evaluate(AS_OF))
    small_scores = count_queries(lambda: scores.scores(AS_OF))
    make_population(45)
    assert Agreement.objects.count() >= 50
    flags = health.evaluate(AS_OF)
    assert len({flag.agreement_id for flag in flags}) >= 45  # the rules did see the new agreements
    assert count_queries(lambda: health.evaluate(AS_OF)) == small_flags == len(health.RULES)
    assert count_queries(lambda: scores.scores(AS_OF)) == small_scores


def test_scores_and_rollups_of_a_subset_agree_with_those_of_all_agreements():
    # Over all agreements the queries read every row and keep the scored agreements' rows; for a
    # subset the database filters them. Both must give the same scores and groups.
    make_population(9)
    archived = in_force(parties=("Pemprov Kaltim", "35"))  # Jawa Timur: in no other agreement here
    activity(archived, last_progress_on=AS_OF - days(3), progress=50)
    problem(archived, severity=Severity.KRITIS)
    Agreement.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    unsigned = in_force(parties=("Pemprov Kaltim", "Unmul"), signed_on=None, end_on=None, stage=Stage.PERSIAPAN)
    activity(unsigned, progress=10)

    everything = scores.scores(AS_OF)
    assert len(everything) == 9 and archived.pk not in everything and unsigned.pk not in everything
    subset = Agreement.objects.filter(pk__in=[*sorted(everything)[::2], archived.pk, unsigned.pk])
    some = scores.scores(AS_OF, subset)
    assert some == {pk: everything[pk] for pk in sorted(everything)[::2]}
    for by in scores.ROLLUP_DIMENSIONS:
        assert scores.rollups(by, AS_OF) == scores.rollups(by, AS_OF, Agreement.objects.all())
    by_region = {row["key"]: row for row in scores.rollups("region", AS_OF)}
    assert "35" not in by_region  # the archived agreement's other party makes no row
    by_type = {row["key"]: row["signed"] for row in scores.rollups("partner_type", AS_OF)}
    assert by_type["perguruan_tinggi"] == 0 and by_type["antar_daerah"] == 9


# Implementation score -----------------------------------------------------------------------------


def test_combine_weighs_the_parts_that_apply_and_takes_off_the_problem_penalty():
    weights = scores.weights()
    parts = {"plan": 1.0, "recent": 0.5, "progress": None, "reporting": None, "indicators": None, "evaluation": None}
    expected = round(100 * (weights["plan"] * 1 + weights["recent"] * 0.5) / (weights["plan"] + weights["recent"]))
    assert scores.combine(parts) == (expected, 0)
    assert scores.combine(parts, open_problems=1) == (expected - 10, 10)
    assert scores.combine(parts, open_problems=9) == (expected - 30, 30)
    nothing = dict.fromkeys(parts, 0.0)
    assert scores.combine(nothing, open_problems=2) == (0, 20)  # never below 0
    everything = dict.fromkeys(parts, 1.0)
    assert scores.combine(everything) == (100, 0)


@pytest.mark.parametrize(("age", "part"), [(0, 1.0), (89, 1.0), (90, 0.5), (179, 0.5), (180, 0.0), (None, 0.0)])
def test_recent_part_boundaries(age, part):
    last = None if age is None else AS_OF - days(age)
    assert scores.recent_part(last, AS_OF) == part


def test_achievement_ratio_follows_progress_achievement():
    from decimal import Decimal as D

    assert scores.achievement_ratio("jumlah", None, D(100), D(50), D(20)) == 0.5
    assert scores.achievement_ratio("jumlah", None, D(100), D(250), D(20)) == 1.0  # capped
    assert scores.achievement_ratio("jumlah", None, D(100), None, None) == 0.0  # no values yet
    assert scores.achievement_ratio("terakhir", D(10), D(20), None, D(15)) == 0.5
    assert scores.achievement_ratio("terakhir", D(20), D(10), None, D(15)) == 0.5  # a falling target
    assert scores.achievement_ratio("terakhir", None, D(40), None, D(10)) == 0.25
    assert scores.achievement_ratio("jumlah", None, None, D(5), D(5)) is None
    assert scores.achievement_ratio("jumlah", None, D(0), D(5), D(5)) is None


def test_score_of_an_agreement_from_its_parts():
    agreement = in_force()
    parent = activity(agreement, progress=0, last_progress_on=AS_OF - days(30))
    activity(agreement, parent=parent, progress=100)
    activity(agreement, parent=parent, progress=50)
    activity(agreement, progress=10, status=ActivityStatus.DIBATALKAN)  # left out of the mean
    halves = [(dt.date(2024, 1, 1), dt.date(2024, 6, 30)), (dt.date(2024, 7, 1), dt.date(2024, 12, 31))]
    third = (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    period(agreement, "Kota Balikpapan", *halves[0], dt.date(2024, 7, 30))
    period(agreement, "Kota Balikpapan", *halves[1], dt.date(2025, 1, 30))
    period(agreement, "Kota Balikpapan", *third, dt.date(2025, 7, 30))
    report(agreement, "Kota Balikpapan", *halves[0], dt.date(2024, 7, 29))  # on time: 1
    report(agreement, "Kota Balikpapan", *halves[1], dt.date(2025, 3, 1))  # late: 0.5; third missing: 0
    total = indicator(agreement, target=100)
    value(total, 30, dt.date(2025, 1, 1))
    value(total, 20, dt.date(2025, 2, 1))
    value(total, 50, dt.date(2025, 12, 1), recorded=AS_OF + days(20))  # after as_of: not counted
    latest = indicator(agreement, target=20, baseline=10, aggregation="terakhir")
    value(latest, 12, dt.date(2025, 1, 1))
    value(latest, 15, dt.date(2025, 3, 1))
    indicator(agreement, target=10)  # no values: 0
    indicator(agreement)  # no target: left out
    evaluation(agreement, 2, dt.date(2024, 6, 1))
    evaluation(agreement, 4, dt.date(2025, 6, 1))  # the latest counts

    result = scores.scores(AS_OF)[agreement.pk]
    assert result.parts["progress"] == pytest.approx((100 + 50) / 2 / 100)
    assert result.parts["reporting"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert result.parts["indicators"] == pytest.approx((0.5 + 0.5 + 0) / 3)
    assert result.parts["evaluation"] == 0.75
    assert (result.parts["plan"], result.parts["recent"]) == (1.0, 1.0)
    weights = scores.weights()
    expected = round(100 * sum(weights[name] * result.parts[name] for name in weights) / sum(weights.values()))
    assert result.score == expected
    assert result.implemented and result.in_force
    assert result.last_evidence_on == AS_OF - days(30)

    problem(agreement, severity=Severity.KRITIS)
    assert scores.scores(AS_OF)[agreement.pk].score == expected - 10


def test_an_expired_agreement_is_scored_on_its_last_day_in_force():
    ended = in_force(end_on=dt.date(2025, 6, 30), stage=Stage.SELESAI)
    activity(ended, last_progress_on=dt.date(2025, 6, 1), progress=100)
    result = scores.scores(AS_OF)[ended.pk]
    assert result.reference_day == dt.date(2025, 6, 30)
    assert result.parts["recent"] == 1.0 and result.implemented and not result.in_force


def test_implemented_means_a_good_score_or_recent_evidence():
    signed_yesterday = in_force(signed_on=AS_OF - days(1))
    recent_only = in_force()
    activity(recent_only, last_progress_on=AS_OF - days(170), progress=0)
    period(recent_only, "Kota Balikpapan", dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 30))
    stale = in_force()
    activity(stale, last_progress_on=AS_OF - days(200), progress=0)
    unsigned = in_force(signed_on=None, end_on=None, stage=Stage.PERSIAPAN)
    found = scores.scores(AS_OF)
    assert found[signed_yesterday.pk].score == 0 and not found[signed_yesterday.pk].implemented
    assert found[recent_only.pk].score < 50 and found[recent_only.pk].implemented
    assert not found[stale.pk].implemented
    assert unsigned.pk not in found


def test_rollups_count_signed_and_implemented_side_by_side():
    pd = PerangkatDaerah.objects.create(name="Dinas Uji Kesehatan", region=Region.objects.get(code="64"))
    kukar = in_force(parties=("Pemprov Kaltim", "Kukar"), urusan=("1.02",), perangkat_daerah_id=pd.pk)
    activity(kukar, last_progress_on=AS_OF - days(10), progress=80)
    unmul = in_force(parties=("Pemprov Kaltim", "Unmul"), urusan=("1.02", "2.12"))
    in_force(parties=("Pemprov Kaltim", "Kukar"), signed_on=None, end_on=None, stage=Stage.PERSIAPAN)  # not signed
    found = scores.scores(AS_OF)

    by_region = {row["key"]: row for row in scores.rollups("region", AS_OF)}
    assert by_region["64"]["signed"] == 2 and by_region["64"]["implemented"] == 1
    assert (by_region["64.02"]["signed"], by_region["64.02"]["implemented"]) == (1, 1)
    assert by_region["64.02"]["mean_score"] == found[kukar.pk].score
    assert by_region["64"]["mean_score"] == round((found[kukar.pk].score + found[unmul.pk].score) / 2, 1)
    assert by_region["64.72"]["signed"] == 0 and by_region["64.72"]["mean_score"] is None  # every kab/kota listed

    by_pd = {row["key"]: row for row in scores.rollups("perangkat_daerah", AS_OF)}
    assert (by_pd[pd.pk]["signed"], by_pd[pd.pk]["implemented"], by_pd[pd.pk]["in_force"]) == (1, 1, 1)
    assert by_pd[None]["signed"] == 1

    by_urusan = {row["key"]: row for row in scores.rollups("urusan", AS_OF)}
    assert (by_urusan["1.02"]["signed"], by_urusan["1.02"]["implemented"]) == (2, 1)
    assert (by_urusan["2.12"]["signed"], by_urusan["2.12"]["implemented"]) == (1, 0)

    by_type = {row["key"]: row for row in scores.rollups("partner_type", AS_OF)}
    assert (by_type["perguruan_tinggi"]["signed"], by_type["perguruan_tinggi"]["implemented"]) == (1, 0)
    assert (by_type["antar_daerah"]["signed"], by_type["antar_daerah"]["implemented"]) == (1, 1)
    with pytest.raises(ValueError, match="Unknown roll-up"):
        scores.rollups("colour", AS_OF)
