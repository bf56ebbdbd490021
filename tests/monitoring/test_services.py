"""The recording services: every bad input is refused with a clear error and nothing is stored half."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import archive_agreement
from kerjasama.core.models import ObjectChange
from kerjasama.monitoring import services
from kerjasama.monitoring.models import (
    Activity,
    Evaluation,
    FollowUpAction,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Problem,
    ReportEvidence,
)
from tests.builders import pihak
from tests.monitoring.recording import (
    EXE,
    JPEG,
    PDF,
    PNG,
    activity,
    errors,
    evaluation_data,
    kukar_agreement,
    problem_data,
    report_data,
    stored_files,
    tmp_media,
    upload,
)

pytestmark = pytest.mark.django_db
media = pytest.fixture(autouse=True)(tmp_media)


def related_changes(agreement, model) -> list[ObjectChange]:
    """Change-log rows of ``model`` records that point at ``agreement``."""
    return list(
        ObjectChange.objects.filter(
            changed_object_type=ContentType.objects.get_for_model(model),
            related_object_type=ContentType.objects.get_for_model(Agreement),
            related_object_id=str(agreement.pk),
        ).order_by("id")
    )


# Reports and evidence


def test_report_with_evidence_is_saved_with_files_and_logged(admin_user, media):
    agreement = kukar_agreement(admin_user)
    files = [upload("Laporan Semester 1.pdf", PDF), upload("foto.png", PNG), upload("foto2.jpg", JPEG)]
    report = services.create_report(report_data(agreement), files, user=admin_user).obj
    assert [row.original_name for row in report.evidence.all()] == ["Laporan_Semester_1.pdf", "foto.png", "foto2.jpg"]
    assert [row.content_type for row in report.evidence.all()] == ["application/pdf", "image/png", "image/jpeg"]
    on_disk = stored_files(media)
    assert len(on_disk) == 3
    assert all(f"evidence/{agreement.pk}/{report.pk}/" in path.as_posix() for path in on_disk)
    assert [change.action for change in related_changes(agreement, ImplementationReport)] == ["create"]
    assert len(related_changes(agreement, ReportEvidence)) == 3


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("laporan.pdf", PDF), upload("virus.pdf", EXE)], "not a PDF, JPEG or PNG"),
        ([upload("foto.pdf", PNG)], "does not end in"),
    ],
)
def test_bad_evidence_saves_neither_report_nor_files(admin_user, media, files, message):
    agreement = kukar_agreement(admin_user)
    counts = (ImplementationReport.objects.count(), ReportEvidence.objects.count(), ObjectChange.objects.count())
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_report(report_data(agreement), files, user=admin_user)
    assert message in " ".join(errors(caught)["files"])
    assert (
        ImplementationReport.objects.count(),
        ReportEvidence.objects.count(),
        ObjectChange.objects.count(),
    ) == counts
    assert stored_files(media) == []


def test_too_large_evidence_is_refused(admin_user, media, settings):
    settings.KERJASAMA = {**settings.KERJASAMA, "EVIDENCE_MAX_BYTES": 20}
    agreement = kukar_agreement(admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_report(report_data(agreement), [upload("laporan.pdf", PDF)], user=admin_user)
    assert "larger than" in errors(caught)["files"][0]
    assert not ImplementationReport.objects.filter(agreement=agreement).exists()
    assert stored_files(media) == []


def test_a_failure_while_storing_removes_the_files_already_written(admin_user, media, monkeypatch):
    agreement = kukar_agreement(admin_user)
    real_log = services._log
    calls = []

    def failing_log(obj, *args, **kwargs):
        calls.append(obj)
        if isinstance(obj, ReportEvidence) and len([c for c in calls if isinstance(c, ReportEvidence)]) == 2:
            raise RuntimeError("disk full")
        return real_log(obj, *args, **kwargs)

    monkeypatch.setattr(services, "_log", failing_log)
    with pytest.raises(RuntimeError):
        services.create_report(report_data(agreement), [upload("a.pdf", PDF), upload("b.pdf", PDF)], user=admin_user)
    assert not ImplementationReport.objects.filter(agreement=agreement).exists()
    assert stored_files(media) == []


def test_same_party_and_period_twice_is_refused(admin_user):
    agreement = kukar_agreement(admin_user)
    services.create_report(report_data(agreement), user=admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_report(report_data(agreement, summary="Lagi"), user=admin_user)
    assert "already reported" in errors(caught)["period_start"][0]
    assert ImplementationReport.objects.filter(agreement=agreement).count() == 1
    # the other party may report for the same period
    services.create_report(report_data(agreement, party="Kota Samarinda"), user=admin_user)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"period_start": dt.date(2024, 12, 1)}, "period_start", "before the agreement starts"),
        ({"period_end": dt.date(2028, 1, 31)}, "period_end", "after the agreement ends"),
        ({"period_end": dt.date(2024, 12, 31), "period_start": dt.date(2025, 2, 1)}, "period_end", "before the start"),
        ({"submitted_on": dt.date(2099, 1, 1)}, "submitted_on", "in the future"),
        ({"summary": "  "}, "summary", "required"),
        ({"pihak_id": None}, "pihak", "required"),
    ],
)
def test_report_rules(admin_user, fields, field, words):
    agreement = kukar_agreement(admin_user)
    count = ImplementationReport.objects.count()
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_report(report_data(agreement, **fields), user=admin_user)
    assert words in " ".join(errors(caught)[field])
    assert ImplementationReport.objects.count() == count


def test_report_after_termination_is_outside_the_validity(admin_user):
    agreement = kukar_agreement(admin_user, terminated_on=dt.date(2025, 3, 31))
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_report(report_data(agreement), user=admin_user)
    assert "2025-03-31" in errors(caught)["period_end"][0]


def test_party_must_be_a_party_to_the_agreement(admin_user):
    agreement = kukar_agreement(admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_report(report_data(agreement, party="Kota Balikpapan"), user=admin_user)
    assert "pihak" in errors(caught)


def test_operator_reports_only_for_its_own_party(kukar_operator, admin_user):
    agreement = kukar_agreement(admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_report(report_data(agreement, party="Kota Samarinda"), user=kukar_operator)
    assert "own region" in errors(caught)["pihak"][0]
    assert not ImplementationReport.objects.filter(agreement=agreement).exists()
    services.create_report(report_data(agreement), user=kukar_operator)


def test_archived_agreement_takes_no_records(admin_user):
    agreement = kukar_agreement(admin_user)
    archive_agreement(agreement, user=admin_user)
    agreement.refresh_from_db()
    with pytest.raises(services.MonitoringValidationError) as caught:
        activity(agreement, admin_user)
    assert "archived" in errors(caught)["agreement"][0]


def test_review_needs_a_reason_to_send_back(admin_user, tkksd_user):
    agreement = kukar_agreement(admin_user)
    report = services.create_report(report_data(agreement), user=admin_user).obj
    with pytest.raises(services.MonitoringValidationError):
        services.review_report(report, "perlu_perbaikan", user=tkksd_user)
    services.review_report(report, "perlu_perbaikan", user=tkksd_user, message="Lampirkan daftar hadir")
    report.refresh_from_db()
    assert report.status == "perlu_perbaikan"
    data = services.ReportData.from_instance(report, achievements="Daftar hadir dilampirkan")
    services.update_report(report, data, user=admin_user)
    report.refresh_from_db()
    assert report.status == "diajukan"  # a revised report is submitted again


def test_deleting_evidence_removes_the_file_after_commit(admin_user, media, django_capture_on_commit_callbacks):
    agreement = kukar_agreement(admin_user)
    report = services.create_report(report_data(agreement), [upload("a.pdf", PDF)], user=admin_user).obj
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_evidence(report.evidence.get(), user=admin_user)
    assert stored_files(media) == []
    assert related_changes(agreement, ReportEvidence)[-1].action == "delete"


# Activities


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"planned_start": dt.date(2024, 12, 31)}, "planned_start"),
        ({"planned_end": dt.date(2028, 1, 1)}, "planned_end"),
        ({"actual_start": dt.date(2025, 5, 1), "actual_end": dt.date(2025, 4, 1)}, "actual_end"),
        ({"actual_start": dt.date(2099, 1, 1)}, "actual_start"),
        ({"weight": Decimal(0)}, "weight"),
        ({"status": "hampir"}, "status"),
        ({"title": ""}, "title"),
    ],
)
def test_activity_rules(admin_user, fields, field):
    agreement = kukar_agreement(admin_user)
    values = {"title": "Sosialisasi", **fields}
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_activity(services.ActivityData(agreement_id=agreement.pk, **values), user=admin_user)
    assert field in errors(caught)
    assert not Activity.objects.filter(agreement=agreement).exists()
    assert related_changes(agreement, Activity) == []


def test_parent_must_be_in_the_same_agreement_and_not_below_itself(admin_user):
    agreement, other = kukar_agreement(admin_user), kukar_agreement(admin_user)
    foreign = activity(other, admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        activity(agreement, admin_user, parent_id=foreign.pk)
    assert "same agreement" in errors(caught)["parent"][0]
    top = activity(agreement, admin_user, "Induk")
    child = activity(agreement, admin_user, "Anak", parent_id=top.pk)
    data = services.ActivityData.from_instance(top, parent_id=child.pk)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.update_activity(top, data, user=admin_user)
    assert "parent" in errors(caught)


def test_a_parents_progress_is_not_entered(admin_user):
    agreement = kukar_agreement(admin_user)
    top = activity(agreement, admin_user, "Induk")
    activity(agreement, admin_user, "Anak", parent_id=top.pk)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.update_progress(top, progress=50, user=admin_user)
    assert "computed" in errors(caught)["progress"][0]
    services.update_progress(top, status="berjalan", user=admin_user)  # its status may still change


def test_progress_update_records_the_day_and_logs(admin_user):
    agreement = kukar_agreement(admin_user)
    item = activity(agreement, admin_user)
    assert item.last_progress_on is None  # planned, nothing happened yet
    result = services.update_progress(
        item, progress=40, status="berjalan", on_date=dt.date(2026, 2, 1), user=admin_user
    )
    assert (result.obj.progress, result.obj.last_progress_on) == (40, dt.date(2026, 2, 1))
    update = related_changes(agreement, Activity)[-1]
    assert update.action == "update"
    assert update.prechange_data["progress"] == 0 and update.postchange_data["progress"] == 40
    result = services.update_progress(item, status="selesai", user=admin_user)
    assert [problem.field for problem in result.warnings] == ["progress"]  # done at 40 %?
    with pytest.raises(services.MonitoringValidationError):
        services.update_progress(item, progress=150, user=admin_user)
    with pytest.raises(services.MonitoringValidationError):
        services.update_progress(item, progress=50, on_date=dt.date(2099, 1, 1), user=admin_user)


def test_deleting_an_activity_logs_it_and_its_children(admin_user):
    agreement = kukar_agreement(admin_user)
    top = activity(agreement, admin_user, "Induk")
    activity(agreement, admin_user, "Anak", parent_id=top.pk)
    services.delete_activity(top, user=admin_user)
    assert not Activity.objects.filter(agreement=agreement).exists()
    assert [c.action for c in related_changes(agreement, Activity)].count("delete") == 2


# Indicators


def indicator(agreement, user, **fields):
    values = {"agreement_id": agreement.pk, "name": "Mahasiswa Gratispol didanai", "unit": "orang"}
    values.update(fields)
    return services.create_indicator(services.IndicatorData(**values), user=user)


def value_data(item, **fields):
    values = {
        "indicator_id": item.pk,
        "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2025, 6, 30),
        "value": Decimal(120),
    }
    values.update(fields)
    return services.IndicatorValueData(**values)


def test_indicator_without_target_is_a_warning(admin_user):
    agreement = kukar_agreement(admin_user)
    result = indicator(agreement, admin_user)
    assert [problem.field for problem in result.warnings] == ["target"]
    assert related_changes(agreement, Indicator)[0].postchange_data["name"] == "Mahasiswa Gratispol didanai"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"period_start": dt.date(2024, 7, 1)}, "period_start"),
        ({"period_end": dt.date(2028, 6, 30)}, "period_end"),
        ({"period_end": dt.date(2024, 12, 31)}, "period_end"),
        ({"value": None}, "value"),
        ({"recorded_on": dt.date(2099, 1, 1)}, "recorded_on"),
    ],
)
def test_indicator_value_rules(admin_user, fields, field):
    agreement = kukar_agreement(admin_user)
    item = indicator(agreement, admin_user, target=Decimal(1000)).obj
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_indicator_value(value_data(item, **fields), user=admin_user)
    assert field in errors(caught)
    assert not IndicatorValue.objects.filter(indicator=item).exists()


def test_one_value_per_indicator_and_period(admin_user):
    agreement = kukar_agreement(admin_user)
    item = indicator(agreement, admin_user, target=Decimal(1000)).obj
    saved = services.create_indicator_value(value_data(item), user=admin_user).obj
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_indicator_value(value_data(item, value=Decimal(5)), user=admin_user)
    assert "already has a value" in errors(caught)["period_start"][0]
    services.update_indicator_value(saved, value_data(item, value=Decimal(130)), user=admin_user)
    saved.refresh_from_db()
    assert saved.value == Decimal(130)
    assert [c.action for c in related_changes(agreement, IndicatorValue)] == ["create", "update"]


# Evaluations and actions


@pytest.mark.parametrize("score", [0, 6, None])
def test_score_is_one_to_five(tkksd_user, admin_user, score):
    agreement = kukar_agreement(admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_evaluation(evaluation_data(agreement, score=score), user=tkksd_user)
    assert "1 to 5" in errors(caught)["score"][0]
    assert not Evaluation.objects.filter(agreement=agreement).exists()


def test_evaluator_rules(admin_user, tkksd_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_evaluation(evaluation_data(agreement, evaluator_kind="pihak"), user=tkksd_user)
    assert "evaluator_kind" in errors(caught)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_evaluation(evaluation_data(agreement), user=kukar_operator)  # as the TKKSD
    assert "evaluator_kind" in errors(caught)
    other = evaluation_data(agreement, evaluator_kind="pihak", pihak_id=pihak("Kota Samarinda"))
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_evaluation(other, user=kukar_operator)
    assert "own region" in errors(caught)["pihak"][0]
    own = evaluation_data(agreement, evaluator_kind="pihak", pihak_id=pihak("Kukar"), recommendation="perluas")
    assert services.create_evaluation(own, user=kukar_operator).obj.recommendation == "perluas"
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_evaluation(evaluation_data(agreement, recommendation="tunda"), user=tkksd_user)
    assert "recommendation" in errors(caught)


def test_follow_up_action_needs_owner_and_due_date(admin_user, tkksd_user):
    agreement = kukar_agreement(admin_user)
    evaluation = services.create_evaluation(evaluation_data(agreement), user=tkksd_user).obj
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_action(
            services.ActionData(evaluation_id=evaluation.pk, description="Perbaiki pelaporan", due_on=None),
            user=tkksd_user,
        )
    assert {"owner_name", "due_on"} <= set(errors(caught))
    assert not FollowUpAction.objects.filter(evaluation=evaluation).exists()
    data = services.ActionData(
        evaluation_id=evaluation.pk,
        description="Perbaiki pelaporan",
        due_on=dt.date(2026, 3, 31),
        owner_pihak_id=pihak("Kukar"),
    )
    action = services.create_action(data, user=tkksd_user).obj
    done = services.ActionData.from_instance(action, status="selesai")
    action = services.update_action(action, done, user=tkksd_user).obj
    assert action.done_on is not None  # finishing records the day
    assert [c.action for c in related_changes(agreement, FollowUpAction)] == ["create", "update"]


# Problems


def test_problem_is_registered_with_links_and_logged(tkksd_user, admin_user):
    agreement = kukar_agreement(admin_user)
    data = problem_data(agreement_ids=[agreement.pk], related_region_codes=["64.02", "64.72"], escalation_level="tkksd")
    problem = services.create_problem(data, user=tkksd_user).obj
    assert list(problem.agreements.all()) == [agreement]
    assert sorted(problem.related_regions.values_list("code", flat=True)) == ["64.02", "64.72"]
    change = ObjectChange.objects.get(changed_object_id=str(problem.pk), changed_object_type__model="problem")
    assert change.postchange_data["agreements"] == [agreement.pk]
    done = services.ProblemData.from_instance(problem, status="selesai", escalation_level="gubernur")
    problem = services.update_problem(problem, done, user=tkksd_user).obj
    assert problem.resolved_on is not None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"problem_type": "banjir"}, "problem_type"),
        ({"severity": "parah"}, "severity"),
        ({"escalation_level": "presiden"}, "escalation_level"),
        ({"region_id": "64.99"}, "region"),
        ({"related_region_codes": ["99.99"]}, "related_regions"),
        ({"opened_on": dt.date(2099, 1, 1)}, "opened_on"),
        ({"resolved_on": dt.date(2025, 6, 1)}, "resolved_on"),  # not resolved
        ({"agreement_ids": [999999]}, "agreements"),
    ],
)
def test_problem_rules(tkksd_user, fields, field):
    count = Problem.objects.count()
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_problem(problem_data(**fields), user=tkksd_user)
    assert field in errors(caught)
    assert Problem.objects.count() == count


def test_operator_problem_must_be_theirs(kukar_operator, admin_user):
    agreement = kukar_agreement(admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        services.create_problem(problem_data(), user=kukar_operator)
    assert "agreements" in errors(caught)
    services.create_problem(problem_data(agreement_ids=[agreement.pk]), user=kukar_operator)
    services.create_problem(problem_data(owner_pihak_id=pihak("Kukar")), user=kukar_operator)


def test_an_operator_edit_keeps_links_it_cannot_see(kukar_operator, admin_user):
    mine = kukar_agreement(admin_user)
    hidden = kukar_agreement(admin_user, parties=("Kota Balikpapan", "Kota Samarinda"), is_public=False)
    problem = services.create_problem(problem_data(agreement_ids=[mine.pk, hidden.pk]), user=admin_user).obj
    data = services.ProblemData.from_instance(problem, agreement_ids=[mine.pk], severity="kritis")
    services.update_problem(problem, data, user=kukar_operator)
    assert set(problem.agreements.values_list("pk", flat=True)) == {mine.pk, hidden.pk}
