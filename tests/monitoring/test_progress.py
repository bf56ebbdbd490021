"""Roll-up of work-plan progress (Decidim-style) and indicator achievement."""

import datetime as dt
from decimal import Decimal

import pytest

from kerjasama.agreements.choices import DocumentType
from kerjasama.agreements.services import archive_agreement
from kerjasama.monitoring import progress
from kerjasama.monitoring.models import Indicator, IndicatorValue
from kerjasama.monitoring.progress import ActivityRow, activity_progress, progress_by_agreement, weighted_mean
from tests.monitoring.recording import activity, kukar_agreement

pytestmark = pytest.mark.django_db


def row(pk, progress_value, parent=None, weight=None, status="berjalan", agreement=1):
    return ActivityRow(pk, agreement, parent, progress_value, None if weight is None else Decimal(weight), status)


# Pure maths


def test_equal_shares_without_weights():
    assert weighted_mean([(100, None), (0, None), (50, None)]) == pytest.approx(50)


def test_weights_are_relative():
    assert weighted_mean([(100, Decimal(3)), (0, Decimal(1))]) == pytest.approx(75)
    assert weighted_mean([(100, Decimal("0.75")), (0, Decimal("0.25"))]) == pytest.approx(75)


def test_blank_weight_among_weighted_siblings_counts_as_their_mean():
    # weights 1 and 3, blank counts as 2: (100*1 + 0*3 + 40*2) / 6 = 30
    assert weighted_mean([(100, Decimal(1)), (0, Decimal(3)), (40, None)]) == pytest.approx(30)


def test_nothing_to_average():
    assert weighted_mean([]) is None


def test_parent_rolls_up_from_children_and_ignores_its_own_stored_progress():
    rows = [row(1, 99), row(2, 100, parent=1, weight=1), row(3, 0, parent=1, weight=3)]
    assert activity_progress(rows) == {1: pytest.approx(25), 2: 100, 3: 0}


def test_nested_roll_up():
    # 1 ← (2 ← (4: 100, 5: 0) = 50, 3: 100) = 75
    rows = [row(1, 0), row(2, 0, parent=1), row(3, 100, parent=1), row(4, 100, parent=2), row(5, 0, parent=2)]
    result = activity_progress(rows)
    assert result[2] == pytest.approx(50)
    assert result[1] == pytest.approx(75)


def test_cancelled_children_are_left_out():
    rows = [row(1, 0), row(2, 80, parent=1), row(3, 0, parent=1, status="dibatalkan")]
    assert activity_progress(rows)[1] == pytest.approx(80)
    only_cancelled = [row(1, 50), row(2, 10, parent=1, status="dibatalkan")]
    assert activity_progress(only_cancelled)[1] is None


def test_a_cycle_does_not_loop():
    rows = [row(1, 10, parent=2), row(2, 30, parent=1)]
    assert set(activity_progress(rows)) == {1, 2}


# From the database


def test_agreement_progress_from_top_level_activities(admin_user):
    agreement = kukar_agreement(admin_user)
    first = activity(agreement, admin_user, "Sosialisasi", weight=Decimal(1))
    activity(agreement, admin_user, "Pelayanan", progress=60, status="berjalan", weight=Decimal(3))
    activity(agreement, admin_user, "Survei", parent_id=first.pk, progress=100, status="selesai")
    activity(agreement, admin_user, "Rapat", parent_id=first.pk, progress=0)
    # Sosialisasi = (100 + 0) / 2 = 50; agreement = (50*1 + 60*3) / 4 = 57.5
    assert progress_by_agreement([agreement.pk]) == {agreement.pk: pytest.approx(57.5)}
    plan = progress.work_plan(agreement)
    assert [(r.activity.title, r.depth) for r in plan.rows] == [
        ("Sosialisasi", 0),
        ("Survei", 1),
        ("Rapat", 1),
        ("Pelayanan", 0),
    ]
    assert plan.rows[0].progress == pytest.approx(50) and not plan.rows[0].is_leaf
    assert plan.progress == pytest.approx(57.5) == plan.own_progress


def test_no_work_plan_means_no_progress(admin_user):
    agreement = kukar_agreement(admin_user)
    assert progress_by_agreement([agreement.pk]) == {agreement.pk: None}
    assert progress.work_plan(agreement).is_empty


def test_kb_progress_rolls_up_from_its_pks(admin_user):
    kb = kukar_agreement(admin_user, title="KB pelayanan publik", document_type=DocumentType.KB)
    pks_a = kukar_agreement(admin_user, title="PKS adminduk", parent_id=kb.pk)
    pks_b = kukar_agreement(admin_user, title="PKS kesehatan", parent_id=kb.pk)
    pks_c = kukar_agreement(admin_user, title="PKS tanpa rencana", parent_id=kb.pk)
    activity(pks_a, admin_user, progress=100, status="selesai")
    activity(pks_b, admin_user, progress=20)
    result = progress_by_agreement([kb.pk])
    assert result[kb.pk] == pytest.approx(60)  # a PKS without a plan is not a 0 % share
    activity(kb, admin_user, "Koordinasi KB", progress=90)
    assert progress_by_agreement([kb.pk])[kb.pk] == pytest.approx((100 + 20 + 90) / 3)
    archive_agreement(pks_a, user=admin_user)
    assert progress_by_agreement([kb.pk])[kb.pk] == pytest.approx((20 + 90) / 2)
    plan = progress.work_plan(kb)
    assert plan.child_progress == {pks_b.pk: pytest.approx(20), pks_c.pk: None}


def test_many_agreements_cost_a_fixed_number_of_queries(admin_user, django_assert_num_queries):
    agreements = [kukar_agreement(admin_user, title=f"PKS {index}") for index in range(6)]
    for index, agreement in enumerate(agreements):
        parent = activity(agreement, admin_user, "Induk")
        for step in range(4):
            activity(agreement, admin_user, f"Langkah {step}", parent_id=parent.pk, progress=(index * 10 + step) % 101)
    ids = [agreement.pk for agreement in agreements]
    # one query for the PKS below them (none), one for all activities
    with django_assert_num_queries(2):
        result = progress_by_agreement(ids)
    expected = {pk: sum((index * 10 + step) % 101 for step in range(4)) / 4 for index, pk in enumerate(ids)}
    assert result == pytest.approx(expected)


# Indicators


def make_indicator(agreement, aggregation="jumlah", baseline=None, target=None, values=()):
    indicator = Indicator.objects.create(
        agreement=agreement,
        name="Penduduk terlayani",
        unit="orang",
        aggregation=aggregation,
        baseline=baseline,
        target=target,
    )
    for index, value in enumerate(values):
        start = dt.date(2025, 1 + 6 * index, 1)
        IndicatorValue.objects.create(
            indicator=indicator,
            period_start=start,
            period_end=start + dt.timedelta(days=150),
            value=Decimal(value),
            recorded_on=start,
        )
    return indicator


def test_summed_indicator_against_target(admin_user):
    agreement = kukar_agreement(admin_user)
    indicator = make_indicator(agreement, target=Decimal(1000), values=(300, 200))
    reached = progress.achievements([indicator])[indicator.pk]
    assert reached.result == Decimal(500)
    assert reached.percent == pytest.approx(50)
    assert reached.latest_on == dt.date(2025, 7, 1) + dt.timedelta(days=150)


def test_latest_value_indicator_from_baseline(admin_user):
    agreement = kukar_agreement(admin_user)
    indicator = make_indicator(agreement, "terakhir", baseline=Decimal(200), target=Decimal(1000), values=(400, 600))
    reached = progress.achievements([indicator])[indicator.pk]
    assert reached.result == Decimal(600)
    assert reached.percent == pytest.approx(50)  # (600 - 200) / (1000 - 200)


def test_achievement_over_target_and_without_target(admin_user):
    agreement = kukar_agreement(admin_user)
    over = make_indicator(agreement, target=Decimal(100), values=(150,))
    reached = progress.achievement(over, over.values.all())
    assert reached.percent == pytest.approx(150) and reached.bar == 100
    no_target = make_indicator(agreement, values=(5,))
    assert progress.achievement(no_target, no_target.values.all()).percent is None
    empty = make_indicator(agreement, target=Decimal(10))
    assert progress.achievement(empty, []).result is None
