"""The monitoring API: writes through the services, filters, evidence upload and download, permissions."""

import datetime as dt
from pathlib import Path

import pytest
import yaml
from rest_framework.test import APIClient

from kerjasama.core.models import ObjectChange
from kerjasama.monitoring import services
from kerjasama.monitoring.models import Activity, ImplementationReport, Problem, ReportEvidence
from tests.builders import pihak
from tests.monitoring.recording import (
    EXE,
    PDF,
    PNG,
    activity,
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
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def schema_fields(name: str) -> set[str]:
    return set(yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["components"]["schemas"][name]["properties"])


# Activities


def test_activity_create_list_filter_and_progress(admin_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    other = kukar_agreement(admin_user, parties=("Pemprov Kaltim", "Kota Balikpapan"))
    api = client_for(kukar_operator)
    response = api.post(
        "/api/activities/",
        {
            "agreement": agreement.pk,
            "title": "Pelayanan KTP",
            "planned_start": "2025-02-01",
            "planned_end": "2025-03-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    parent = response.json()
    child = api.post(
        "/api/activities/", {"agreement": agreement.pk, "title": "Tahap 1", "parent": parent["id"]}, format="json"
    ).json()
    response = api.post(f"/api/activities/{child['id']}/progress/", {"progress": 60, "status": "berjalan"})
    assert response.status_code == 200, response.content
    assert response.json()["progress"] == 60
    rows = {row["title"]: row for row in results(api.get("/api/activities/", {"agreement": agreement.pk}))}
    assert rows["Pelayanan KTP"]["rolled_progress"] == 60 and rows["Pelayanan KTP"]["is_leaf"] is False
    assert set(rows["Tahap 1"]) == schema_fields("Activity")
    activity(other, admin_user, "Di Balikpapan")
    assert {row["title"] for row in results(api.get("/api/activities/", {"region": "64.02"}))} == {
        "Pelayanan KTP",
        "Tahap 1",
    }
    assert {row["title"] for row in results(api.get("/api/activities/", {"overdue": "true"}))} == {"Pelayanan KTP"}
    assert {
        row["title"] for row in results(api.get("/api/activities/", {"top_level": "true", "status": "berjalan"}))
    } == set()
    changes = ObjectChange.objects.filter(related_object_id=str(agreement.pk), changed_object_type__model="activity")
    assert changes.count() == 3  # two created, one progress update


def test_activity_errors_and_permissions(admin_user, kukar_operator, balikpapan_operator):
    agreement = kukar_agreement(admin_user)
    hidden = kukar_agreement(admin_user, parties=("Pemprov Kaltim", "Kota Balikpapan"), is_public=False)
    item = activity(agreement, admin_user)
    api = client_for(kukar_operator)
    response = api.post(f"/api/activities/{item.pk}/progress/", {"progress": 120})
    assert response.status_code == 400 and "progress" in response.json()
    response = api.post("/api/activities/", {"agreement": agreement.pk, "title": "X", "progress": 101}, format="json")
    assert response.status_code == 400 and "progress" in response.json()
    # an agreement the user cannot see does not exist for it
    response = api.post("/api/activities/", {"agreement": hidden.pk, "title": "X"}, format="json")
    assert response.status_code == 400 and "agreement" in response.json()
    assert client_for().post("/api/activities/", {"agreement": agreement.pk, "title": "X"}).status_code == 401
    assert client_for(balikpapan_operator).patch(f"/api/activities/{item.pk}/", {"title": "Y"}).status_code == 403
    response = client_for(balikpapan_operator).post("/api/activities/", {"agreement": agreement.pk, "title": "X"})
    assert response.status_code == 403
    hidden_item = activity(hidden, admin_user)
    assert api.get(f"/api/activities/{hidden_item.pk}/").status_code == 404
    assert api.patch(f"/api/activities/{item.pk}/", {"title": "Sosialisasi"}, format="json").status_code == 200
    assert api.delete(f"/api/activities/{item.pk}/").status_code == 204
    assert not Activity.objects.filter(pk=item.pk).exists()


# Schedules and expected reports


def test_schedule_generates_periods_and_overdue_filter(admin_user):
    agreement = kukar_agreement(admin_user)
    api = client_for(admin_user)
    body = {
        "agreement": agreement.pk,
        "frequency": "tahunan",
        "first_period_start": "2025-01-01",
        "due_days": 30,
        "parties": [pihak("Kukar")],
    }
    response = api.post("/api/reporting-schedules/", body, format="json")
    assert response.status_code == 201, response.content
    schedule = response.json()
    assert schedule["period_count"] == 3 and set(schedule) == schema_fields("Schedule")
    periods = api.get(f"/api/reporting-schedules/{schedule['id']}/periods/").json()
    assert [row["period_start"] for row in periods] == ["2025-01-01", "2026-01-01", "2027-01-01"]
    assert periods[0]["overdue"] is True  # due 2026-01-30, nothing submitted
    services.create_report(report_data(agreement, period_end=dt.date(2025, 12, 31)), user=admin_user)
    overdue = results(api.get("/api/reporting-periods/", {"agreement": agreement.pk, "overdue": "true"}))
    assert overdue == []  # 2026 is due 2027-01-30
    submitted = results(api.get("/api/reporting-periods/", {"agreement": agreement.pk, "submitted": "true"}))
    assert [row["period_start"] for row in submitted] == ["2025-01-01"] and submitted[0]["report"]
    response = api.patch(f"/api/reporting-schedules/{schedule['id']}/", {"frequency": "semesteran"}, format="json")
    assert response.status_code == 200 and response.json()["period_count"] == 6


# Reports and evidence


def test_report_with_files_in_one_multipart_request(admin_user, kukar_operator, media):
    agreement = kukar_agreement(admin_user)
    api = client_for(kukar_operator)
    body = {
        "agreement": agreement.pk,
        "pihak": pihak("Kukar"),
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "summary": "Berjalan",
        "files": [upload("lap.pdf", PDF), upload("f.png", PNG)],
    }
    response = api.post("/api/reports/", body, format="multipart")
    assert response.status_code == 201, response.content
    report = response.json()
    assert set(report) == schema_fields("Report")
    assert [row["original_name"] for row in report["evidence"]] == ["lap.pdf", "f.png"]
    download = api.get(report["evidence"][0]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    # anonymous readers see the report of a public agreement, not its files
    public = client_for().get(f"/api/reports/{report['id']}/").json()
    assert public["summary"] == "Berjalan" and public["evidence"] == []
    evidence_id = report["evidence"][0]["id"]
    assert client_for().get(f"/api/evidence/{evidence_id}/download/").status_code == 404
    more = api.post(f"/api/reports/{report['id']}/evidence/", {"files": [upload("x.jpg", PNG)]}, format="multipart")
    assert more.status_code == 400 and "files" in more.json()
    assert len(stored_files(media)) == 2
    assert api.delete(f"/api/evidence/{evidence_id}/").status_code == 204
    assert ReportEvidence.objects.filter(report_id=report["id"]).count() == 1


def test_bad_report_upload_stores_nothing(admin_user, media):
    agreement = kukar_agreement(admin_user)
    body = {
        "agreement": agreement.pk,
        "pihak": pihak("Kukar"),
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "summary": "Berjalan",
        "files": [upload("ok.pdf", PDF), upload("bad.pdf", EXE)],
    }
    response = client_for(admin_user).post("/api/reports/", body, format="multipart")
    assert response.status_code == 400 and "files" in response.json()
    assert not ImplementationReport.objects.filter(agreement=agreement).exists()
    assert stored_files(media) == []


def test_duplicate_report_and_operator_party_through_the_api(admin_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    api = client_for(kukar_operator)
    body = {
        "agreement": agreement.pk,
        "pihak": pihak("Kukar"),
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "summary": "Berjalan",
    }
    assert api.post("/api/reports/", body, format="json").status_code == 201
    response = api.post("/api/reports/", body, format="json")
    assert response.status_code == 400 and "period_start" in response.json()
    response = api.post("/api/reports/", {**body, "pihak": pihak("Kota Samarinda")}, format="json")
    assert response.status_code == 400 and "pihak" in response.json()


def test_review_through_the_api(admin_user, tkksd_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    report = services.create_report(report_data(agreement), user=admin_user).obj
    url = f"/api/reports/{report.pk}/review/"
    assert client_for(kukar_operator).post(url, {"status": "diterima"}).status_code == 403
    response = client_for(tkksd_user).post(url, {"status": "perlu_perbaikan"})
    assert response.status_code == 400 and "message" in response.json()
    response = client_for(tkksd_user).post(url, {"status": "diterima"})
    assert response.status_code == 200 and response.json()["status"] == "diterima"
    assert client_for(tkksd_user).delete(f"/api/reports/{report.pk}/").status_code == 405


# Indicators


def test_indicator_with_values_and_achievement(admin_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    api = client_for(kukar_operator)
    response = api.post(
        "/api/indicators/",
        {"agreement": agreement.pk, "name": "Penduduk Samarinda terlayani", "unit": "orang", "target": "1000"},
        format="json",
    )
    assert response.status_code == 201, response.content
    indicator = response.json()
    for start, end, value in (("2025-01-01", "2025-06-30", "300"), ("2025-07-01", "2025-12-31", "450")):
        response = api.post(
            "/api/indicator-values/",
            {"indicator": indicator["id"], "period_start": start, "period_end": end, "value": value},
            format="json",
        )
        assert response.status_code == 201, response.content
    response = api.post(
        "/api/indicator-values/",
        {"indicator": indicator["id"], "period_start": "2028-01-01", "period_end": "2028-06-30", "value": "1"},
        format="json",
    )
    assert response.status_code == 400 and "period_start" in response.json()
    row = results(api.get("/api/indicators/", {"agreement": agreement.pk}))[0]
    assert row["result"] == "750.00" and row["achievement"] == 75.0
    assert set(row) == schema_fields("Indicator")
    values = results(api.get("/api/indicator-values/", {"agreement": agreement.pk, "period_from": "2025-07-01"}))
    assert [value["value"] for value in values] == ["450.00"]


# Evaluations and follow-up actions


def test_evaluations_and_actions(admin_user, tkksd_user, viewer):
    agreement = kukar_agreement(admin_user)
    api = client_for(tkksd_user)
    body = {
        "agreement": agreement.pk,
        "evaluator_kind": "tkksd",
        "evaluated_on": "2025-12-01",
        "score": 9,
        "findings": "Baik",
        "recommendation": "perluas",
    }
    response = api.post("/api/evaluations/", body, format="json")
    assert response.status_code == 400 and "score" in response.json()
    response = api.post("/api/evaluations/", {**body, "score": 4}, format="json")
    assert response.status_code == 201, response.content
    evaluation = response.json()
    action = {
        "evaluation": evaluation["id"],
        "description": "Perluas ke Kecamatan Samboja",
        "owner_pihak": pihak("Kukar"),
        "owner_name": "Kabag Kerja Sama",
        "due_on": "2026-01-31",
    }
    response = api.post("/api/follow-up-actions/", action, format="json")
    assert response.status_code == 201, response.content
    assert client_for(viewer).post("/api/evaluations/", {**body, "score": 4}, format="json").status_code == 403
    listed = results(api.get("/api/evaluations/", {"recommendation": "perluas", "score_min": 4}))
    assert [row["id"] for row in listed] == [evaluation["id"]]
    assert listed[0]["actions"][0]["owner_name"] == "Kabag Kerja Sama"
    assert set(listed[0]) == schema_fields("Evaluation")
    overdue = results(api.get("/api/follow-up-actions/", {"overdue": "true", "agreement": agreement.pk}))
    assert [row["description"] for row in overdue] == ["Perluas ke Kecamatan Samboja"]
    public = results(client_for().get("/api/follow-up-actions/", {"agreement": agreement.pk}))[0]
    assert public["owner_name"] == "" and public["owner_pihak"] is None
    changes = ObjectChange.objects.filter(
        related_object_id=str(agreement.pk), changed_object_type__model__in=["evaluation", "followupaction"]
    )
    assert changes.count() == 2


# Problems


def test_problem_register_filters(admin_user, tkksd_user):
    agreement = kukar_agreement(admin_user)
    api = client_for(tkksd_user)
    body = {
        "title": "Batas desa Sungai Meriam belum disepakati",
        "problem_type": "batas_wilayah",
        "severity": "kritis",
        "opened_on": "2025-06-01",
        "region": "64.02.13",
        "related_regions": ["64.72"],
        "agreements": [agreement.pk],
        "escalation_level": "gubernur",
        "owner_name": "Kabag Pemerintahan",
    }
    response = api.post("/api/problems/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert set(created) == schema_fields("ProblemRecord")
    services.create_problem(
        problem_data(title="Anggaran Balikpapan", problem_type="anggaran", severity="rendah", region_id="64.71"),
        user=admin_user,
    )

    def found(**params):
        return {row["id"] for row in results(api.get("/api/problems/", {"page_size": 500, **params}))}

    assert created["id"] in found(region="64.02")  # a kecamatan inside Kukar
    assert created["id"] in found(region="64.72")  # another region concerned
    assert created["id"] not in found(region="64.71")
    assert found(
        problem_type="batas_wilayah", severity="kritis", escalation_level="gubernur", agreement=agreement.pk
    ) == {created["id"]}
    assert created["id"] in found(open="true")
    response = api.patch(f"/api/problems/{created['id']}/", {"status": "selesai"}, format="json")
    assert response.status_code == 200 and response.json()["resolved_on"]
    assert created["id"] not in found(open="true")
    public = client_for().get(f"/api/problems/{created['id']}/").json()
    assert public["owner_name"] == "" and public["title"] == body["title"]
    assert Problem.objects.get(pk=created["id"]).owner_name == "Kabag Pemerintahan"


def test_problem_links_only_visible_agreements(admin_user, kukar_operator):
    hidden = kukar_agreement(admin_user, parties=("Pemprov Kaltim", "Kota Balikpapan"), is_public=False)
    mine = kukar_agreement(admin_user)
    problem = services.create_problem(problem_data(agreement_ids=[hidden.pk, mine.pk]), user=admin_user).obj
    row = client_for(kukar_operator).get(f"/api/problems/{problem.pk}/").json()
    assert row["agreements"] == [mine.pk]
    body = {
        "title": "X",
        "problem_type": "lainnya",
        "severity": "rendah",
        "opened_on": "2025-06-01",
        "agreements": [hidden.pk],
    }
    response = client_for(kukar_operator).post("/api/problems/", body, format="json")
    assert response.status_code == 400 and "agreements" in response.json()


def test_evaluation_party_rules_through_the_api(admin_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    body = {
        "agreement": agreement.pk,
        "evaluator_kind": "pihak",
        "pihak": pihak("Kota Samarinda"),
        "evaluated_on": "2025-12-01",
        "score": 3,
        "findings": "Cukup",
        "recommendation": "lanjutkan",
    }
    response = client_for(kukar_operator).post("/api/evaluations/", body, format="json")
    assert response.status_code == 400 and "pihak" in response.json()
    response = client_for(kukar_operator).post("/api/evaluations/", {**body, "pihak": pihak("Kukar")}, format="json")
    assert response.status_code == 201
    services.create_evaluation(evaluation_data(agreement), user=admin_user)


def test_operator_patch_keeps_links_it_cannot_see(admin_user, kukar_operator):
    hidden = kukar_agreement(admin_user, parties=("Pemprov Kaltim", "Kota Balikpapan"), is_public=False)
    mine = kukar_agreement(admin_user)
    problem = services.create_problem(problem_data(agreement_ids=[hidden.pk, mine.pk]), user=admin_user).obj
    response = client_for(kukar_operator).patch(f"/api/problems/{problem.pk}/", {"severity": "kritis"}, format="json")
    assert response.status_code == 200, response.content
    assert set(problem.agreements.values_list("pk", flat=True)) == {hidden.pk, mine.pk}


def test_problem_region_filter_finds_problems_located_only_by_other_regions(admin_user):
    problem = services.create_problem(
        problem_data(title="Tanpa lokasi utama", region_id=None, related_region_codes=["64.02.13"]), user=admin_user
    ).obj
    rows = results(client_for(admin_user).get("/api/problems/", {"region": "64.02", "page_size": 500}))
    assert problem.pk in {row["id"] for row in rows}
