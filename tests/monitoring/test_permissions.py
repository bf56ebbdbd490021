"""Who may see and record what, through the querysets and the services.

World: A public (Kukar + Kota Samarinda), B not public (Kukar + Pemprov Kaltim), C public (Pemprov
Kaltim + Kota Balikpapan). Each has an activity, a report with one evidence file, an indicator and an
evaluation by the TKKSD whose follow-up action Kukar owns.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from kerjasama.core.querysets import CHANGE, VIEW
from kerjasama.monitoring import services
from kerjasama.monitoring.models import (
    REVIEW,
    Activity,
    Evaluation,
    FollowUpAction,
    ImplementationReport,
    Indicator,
    Problem,
    ReportEvidence,
    owners_visible,
)
from tests.builders import make_user, pihak
from tests.monitoring.recording import (
    PDF,
    activity,
    evaluation_data,
    kukar_agreement,
    problem_data,
    report_data,
    tmp_media,
    upload,
)

pytestmark = pytest.mark.django_db
media = pytest.fixture(autouse=True)(tmp_media)

ANONYMOUS = AnonymousUser()


@pytest.fixture
def world(admin_user, tkksd_user):
    agreements = {
        "A": kukar_agreement(admin_user, title="A"),
        "B": kukar_agreement(admin_user, title="B", parties=("Kukar", "Pemprov Kaltim"), is_public=False),
        "C": kukar_agreement(admin_user, title="C", parties=("Pemprov Kaltim", "Kota Balikpapan")),
    }
    first_party = {"A": "Kukar", "B": "Kukar", "C": "Kota Balikpapan"}
    for key, agreement in agreements.items():
        activity(agreement, admin_user, f"Kegiatan {key}")
        services.create_report(
            report_data(agreement, party=first_party[key]), [upload(f"{key}.pdf", PDF)], user=admin_user
        )
        services.create_indicator(
            services.IndicatorData(agreement_id=agreement.pk, name=f"Indikator {key}", unit="orang"), user=admin_user
        )
        evaluation = services.create_evaluation(evaluation_data(agreement), user=tkksd_user).obj
        services.create_action(
            services.ActionData(
                evaluation_id=evaluation.pk,
                description=f"Tindak lanjut {key}",
                due_on=dt.date(2026, 6, 30),
                owner_pihak_id=pihak("Kukar"),
            ),
            user=tkksd_user,
        )
    return agreements


def titles(queryset, path: str = "agreement__title") -> set[str]:
    return set(queryset.values_list(path, flat=True))


def test_anonymous_reads_monitoring_of_public_agreements_only(world):
    for model in (Activity, ImplementationReport, Indicator, Evaluation):
        assert titles(model.objects.restrict(ANONYMOUS, VIEW).filter(agreement__in=world.values())) == {"A", "C"}
    actions = FollowUpAction.objects.restrict(ANONYMOUS, VIEW).filter(evaluation__agreement__in=world.values())
    assert titles(actions, "evaluation__agreement__title") == {"A", "C"}


def test_evidence_is_never_public(world, kukar_operator, balikpapan_operator, viewer, tkksd_user):
    def seen(user):
        return titles(ReportEvidence.objects.restrict(user, VIEW), "report__agreement__title")

    assert seen(ANONYMOUS) == set()
    assert seen(kukar_operator) == {"A", "B"}
    assert seen(balikpapan_operator) == {"C"}  # not A's, although A is public
    assert seen(viewer) == seen(tkksd_user) == {"A", "B", "C"}


def test_owners_are_shown_to_signed_in_users_only(viewer):
    assert not owners_visible(ANONYMOUS)
    assert owners_visible(viewer)


def test_operators_change_only_their_agreements(world, kukar_operator, balikpapan_operator, admin_user):
    assert titles(Activity.objects.restrict(kukar_operator, CHANGE)) >= {"A", "B"}
    assert "C" not in titles(Activity.objects.restrict(kukar_operator, CHANGE))
    other = Activity.objects.get(agreement=world["A"])
    with pytest.raises(services.PermissionDenied):
        services.update_progress(other, progress=50, user=balikpapan_operator)
    with pytest.raises(services.PermissionDenied):
        activity(world["A"], balikpapan_operator)
    assert Activity.objects.filter(agreement=world["A"]).count() == 1
    services.update_progress(other, progress=50, user=kukar_operator)


def test_operator_changes_only_its_own_partys_reports(world, admin_user, kukar_operator):
    samarinda = services.create_report(report_data(world["A"], party="Kota Samarinda"), user=admin_user).obj
    assert not ImplementationReport.objects.restrict(kukar_operator, CHANGE).filter(pk=samarinda.pk).exists()
    with pytest.raises(services.PermissionDenied):
        services.update_report(samarinda, services.ReportData.from_instance(samarinda), user=kukar_operator)
    with pytest.raises(services.PermissionDenied):
        services.add_evidence(samarinda, [upload("x.pdf", PDF)], user=kukar_operator)


def test_viewer_and_anonymous_record_nothing(world, viewer):
    for user in (viewer, ANONYMOUS):
        with pytest.raises(services.PermissionDenied):
            activity(world["A"], user)
        with pytest.raises(services.PermissionDenied):
            services.create_evaluation(evaluation_data(world["A"]), user=user)
        with pytest.raises(services.PermissionDenied):
            services.create_problem(problem_data(), user=user)


def test_tkksd_evaluates_any_agreement_but_edits_only_its_own(world, tkksd_user, kukar_operator):
    services.create_evaluation(evaluation_data(world["C"], score=2, recommendation="hentikan"), user=tkksd_user)
    with pytest.raises(services.PermissionDenied):
        activity(world["C"], tkksd_user)  # it evaluates; the parties plan
    party = services.create_evaluation(
        evaluation_data(world["A"], evaluator_kind="pihak", pihak_id=pihak("Kukar")), user=kukar_operator
    ).obj
    assert not Evaluation.objects.restrict(tkksd_user, CHANGE).filter(pk=party.pk).exists()
    tkksd_own = Evaluation.objects.filter(agreement=world["A"], evaluator_kind="tkksd").first()
    assert not Evaluation.objects.restrict(kukar_operator, CHANGE).filter(pk=tkksd_own.pk).exists()
    with pytest.raises(services.PermissionDenied):
        services.update_evaluation(tkksd_own, services.EvaluationData.from_instance(tkksd_own), user=kukar_operator)


def test_operator_evaluates_only_its_own_agreements(world, balikpapan_operator):
    with pytest.raises(services.PermissionDenied):
        services.create_evaluation(
            evaluation_data(world["A"], evaluator_kind="pihak", pihak_id=pihak("Kota Balikpapan")),
            user=balikpapan_operator,
        )


def test_reports_are_reviewed_by_the_admin_and_the_tkksd(world, tkksd_user, kukar_operator):
    report = ImplementationReport.objects.get(agreement=world["A"])
    assert ImplementationReport.objects.restrict(tkksd_user, REVIEW).filter(pk=report.pk).exists()
    with pytest.raises(services.PermissionDenied):
        services.review_report(report, "diterima", user=kukar_operator)
    services.review_report(report, "diterima", user=tkksd_user)


def test_action_owner_may_update_it(world, kukar_operator, balikpapan_operator):
    action = FollowUpAction.objects.get(evaluation__agreement=world["C"])  # Kukar is no party to C
    assert FollowUpAction.objects.restrict(kukar_operator, CHANGE).filter(pk=action.pk).exists()
    assert not FollowUpAction.objects.restrict(balikpapan_operator, CHANGE).filter(pk=action.pk).exists()
    data = services.ActionData.from_instance(action, status="berjalan")
    services.update_action(action, data, user=kukar_operator)
    with pytest.raises(services.PermissionDenied):
        services.update_action(action, data, user=balikpapan_operator)


def test_problems_public_or_of_ones_own(world, admin_user, kukar_operator, balikpapan_operator):
    public = services.create_problem(problem_data(title="Umum", agreement_ids=[world["C"].pk]), user=admin_user).obj
    private = services.create_problem(
        problem_data(title="Internal", is_public=False, agreement_ids=[world["A"].pk]), user=admin_user
    ).obj
    assert set(Problem.objects.restrict(ANONYMOUS, VIEW).filter(pk__in=[public.pk, private.pk])) == {public}
    assert Problem.objects.restrict(kukar_operator, VIEW).filter(pk=private.pk).exists()
    assert not Problem.objects.restrict(balikpapan_operator, VIEW).filter(pk=private.pk).exists()
    assert not Problem.objects.restrict(kukar_operator, CHANGE).filter(pk=public.pk).exists()
    with pytest.raises(services.PermissionDenied):
        services.update_problem(public, services.ProblemData.from_instance(public), user=kukar_operator)


def test_a_new_operator_of_another_party_sees_no_private_records(world):
    bontang = make_user("op-bontang", "operator_wilayah", "64.74")
    assert titles(Activity.objects.restrict(bontang, VIEW).filter(agreement__in=world.values())) == {"A", "C"}
    assert titles(Activity.objects.restrict(bontang, CHANGE)) == set()
