"""The report's figures are the register's: the same as the statistics, health and score functions and the API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kerjasama.agreements import stats
from kerjasama.agreements.choices import Validity
from kerjasama.agreements.models import Agreement
from kerjasama.monitoring import health, scores
from kerjasama.reports.data import ReportScopeError, build_report, format_number
from tests.reports.register import END, START, build_register

pytestmark = pytest.mark.django_db


def _last_day(agreement: Agreement) -> dt.date | None:
    return agreement.effective_end


def test_counts_equal_the_register_rules():
    register = build_register()
    report = build_report(START, END)
    counted = list(stats.counted())
    summary = report.summary

    assert summary.registered == len(counted) == sum(item["count"] for item in stats.by_category())
    signed = [a for a in counted if a.signed_on and START <= a.signed_on <= END]
    assert summary.signed_in_period == len(signed) == 3
    assert summary.new + summary.changes == summary.signed_in_period
    assert [row.id for row in report.changes] == [register.addendum.pk]
    assert register.addendum.pk not in {row.id for row in report.new}

    in_force = [a for a in counted if a.validity_on(END) in (Validity.BERLAKU, Validity.AKAN_BERAKHIR)]
    assert summary.in_force_at_end == len(in_force) == Agreement.objects.in_force_on(END).count()
    before = START - dt.timedelta(days=1)
    assert summary.in_force_at_start == sum(
        1 for a in counted if a.validity_on(before) in (Validity.BERLAKU, Validity.AKAN_BERAKHIR)
    )
    assert summary.expiring == stats.counted().validity_on(Validity.AKAN_BERAKHIR, END).count()
    assert register.expiring.pk in {row.id for row in report.agreements}

    ended = {a.pk for a in counted if a.signed_on and _last_day(a) and START <= _last_day(a) <= END}
    assert {row.id for row in report.ended} == ended == {register.expired.pk, register.terminated.pk}
    hows = {row.id: row.ended_how for row in report.ended}
    assert hows == {register.expired.pk: "expired", register.terminated.pk: "terminated"}
    assert summary.ended_by["expired"] == 1 and summary.ended_by["terminated"] == 1

    # The draft is registered but in no list of the period.
    assert register.draft.pk not in {row.id for row in report.agreements}


def test_implementation_and_flags_equal_scores_and_health():
    build_register()
    report = build_report(START, END)
    results = scores.scores(END)
    flags = health.evaluate(END)

    assert report.summary.signed_by_end == len(results)
    assert report.summary.implemented == sum(1 for score in results.values() if score.implemented)
    assert report.summary.flags == len(flags) == len(report.flags)
    assert report.summary.flagged_agreements == len({flag.agreement_id for flag in flags})
    assert [(flag.rule, flag.agreement.id) for flag in report.flags] == [(f.rule, f.agreement_id) for f in flags]
    assert {rule.code: rule.count for rule in report.rules} == {
        code: sum(1 for flag in flags if flag.rule == code) for code in health.RULES
    }
    # The dormant KB is listed as such, and it is the roll-ups' "signed but not implemented".
    assert [flag.agreement.title for flag in report.dormant] == ["KB pelayanan kesehatan Kukar Samarinda"]

    rollup = {row["key"]: row for row in scores.rollups("region", END)}
    for row in report.regions:
        assert (row.signed, row.implemented, row.mean_score) == (
            rollup[row.key]["signed"],
            rollup[row.key]["implemented"],
            rollup[row.key]["mean_score"],
        )


def test_figures_equal_the_api(client, admin_user):
    """A full calendar year: the statistics API and the health API give the report's figures."""
    build_register()
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    report = build_report(start, end)
    client.force_login(admin_user)

    years = client.get(reverse("stats-by-year")).json()
    assert report.summary.signed_in_period == next(row["count"] for row in years if row["year"] == 2025)

    by_urusan = {row["key"]: row["count"] for row in client.get(reverse("stats-by-urusan"), {"year": 2025}).json()}
    assert {row.key: row.signed_in_period for row in report.urusan if row.signed_in_period} == {
        key: count for key, count in by_urusan.items() if count
    }

    flags = client.get(reverse("health-flags"), {"as_of": end.isoformat()}).json()
    assert report.summary.flags == flags["count"]

    rollups = client.get(reverse("health-rollups"), {"by": "region", "as_of": end.isoformat()}).json()["rows"]
    api = {row["key"]: (row["signed"], row["in_force"], row["implemented"], row["mean_score"]) for row in rollups}
    mine = {
        row["key"]: (row["signed"], row["in_force"], row["implemented"], row["mean_score"])
        for row in report.implementation_by_region
    }
    assert mine == {key: value for key, value in api.items() if key in mine}
    assert {key for key, value in api.items() if value[0]} <= set(mine)


def test_region_scope_keeps_its_agreements(client, admin_user):
    register = build_register()
    report = build_report(START, dt.date(2025, 12, 31), "64.72")
    client.force_login(admin_user)

    assert report.region == "64.72" and report.region_name == "Kota Samarinda"
    assert report.summary.registered == Agreement.objects.involving_region("64.72").count() == 2
    assert {row.id for row in report.ended} == {register.expired.pk}
    years = client.get(reverse("stats-by-year"), {"region": "64.72"}).json()
    assert report.summary.signed_in_period == sum(row["count"] for row in years if row["year"] == 2025)
    # The Balikpapan problem is neither located in Samarinda nor linked to its agreements.
    assert register.problem.pk not in {row.id for row in report.problems}


def test_problems_open_at_the_end_with_the_real_boundary_segments():
    register = build_register()
    report = build_report(START, END)
    by_id = {row.id: row for row in report.problems}

    assert register.problem.pk in by_id
    assert len(by_id[register.problem.pk].actions) == 2
    assert by_id[register.problem.pk].open_actions == 1
    # The six unsettled segments are reference data opened on 18 Nov 2025: open on END, not the day before.
    assert report.summary.boundary_segments == 6
    assert report.summary.open_problems == len(report.problems) == 7
    assert report.opening.open_problems == 0
    earlier = build_report(START, END - dt.timedelta(days=1))
    assert earlier.summary.boundary_segments == 0
    # The health rule counts the same serious open problem on the agreement it blocks.
    assert any(flag.rule == "open_problem" and flag.agreement.id == register.in_force.pk for flag in report.flags)


def test_synthetic_records_are_detected():
    build_register(synthetic=False)
    assert not build_report(START, END).synthetic


def test_synthetic_records_mark_the_report():
    build_register(synthetic=True)
    report = build_report(START, END)
    assert report.synthetic and report.synthetic_records == 1


def test_numbers_are_rounded_in_the_report_language():
    with translation.override("id"):
        assert format_number(200 / 3, 1) == "66,7"
        assert format_number(1350) == "1.350"
        assert format_number(None) == "–"


def test_bad_scope_or_period():
    with pytest.raises(ReportScopeError):
        build_report(START, END, "64.99")
    with pytest.raises(ReportScopeError):
        build_report(END, START)
