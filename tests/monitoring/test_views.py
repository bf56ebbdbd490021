"""The recording pages: the agreement page's monitoring sections, the forms, evidence, the problem register."""

import datetime as dt
from decimal import Decimal

import pytest

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
    ReportingPeriod,
)
from kerjasama.regions.models import Pihak
from tests.builders import pihak
from tests.monitoring.recording import (
    EXE,
    PDF,
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


def detail(client, agreement):
    response = client.get(f"/kerja-sama/{agreement.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_public_sections_for_anonymous_visitors(english, admin_user, tkksd_user):
    agreement = kukar_agreement(admin_user)
    parent = activity(agreement, admin_user, "Pelayanan adminduk lintas batas", weight=Decimal(2))
    activity(agreement, admin_user, "Perekaman KTP", parent_id=parent.pk, progress=80, status="berjalan")
    activity(agreement, admin_user, "Sosialisasi warga", progress=20, status="berjalan", weight=Decimal(1))
    services.create_report(report_data(agreement), [upload("bukti.pdf", PDF)], user=admin_user)
    evaluation = services.create_evaluation(evaluation_data(agreement), user=tkksd_user).obj
    services.create_action(
        services.ActionData(
            evaluation_id=evaluation.pk,
            description="Percepat perekaman",
            due_on=dt.date(2026, 1, 31),
            owner_name="Kadis Dukcapil",
        ),
        user=tkksd_user,
    )
    services.create_problem(problem_data(agreement_ids=[agreement.pk]), user=admin_user)
    html = detail(english, agreement)
    for heading in ("Work plan", "Indicators", "Implementation reports", "Evaluations", "Problems"):
        assert heading in html
    assert "Perekaman KTP" in html and "from its sub-activities" in html
    assert 'value="60.0"' in html  # (80*2 + 20*1) / 3 = 60
    assert "Percepat perekaman" in html and "Kadis Dukcapil" not in html  # owners are not public
    assert "Status lahan puskesmas" in html
    assert "Add an activity" not in html and "Update progress" not in html
    report = ImplementationReport.objects.get(agreement=agreement)
    page = english.get(f"/kerja-sama/{agreement.pk}/laporan/{report.pk}/").content.decode()
    assert "Layanan adminduk" in page and "bukti.pdf" not in page and "not shown" in page
    evidence = report.evidence.get()
    assert english.get(f"/kerja-sama/{agreement.pk}/laporan/{report.pk}/bukti/{evidence.pk}/").status_code == 404


def test_sections_offer_the_forms_to_those_allowed(english, admin_user, kukar_operator, balikpapan_operator):
    agreement = kukar_agreement(admin_user)
    activity(agreement, admin_user, "Sosialisasi warga")
    english.force_login(kukar_operator)
    html = detail(english, agreement)
    assert "Add an activity" in html and "Update progress" in html and "Submit a report" in html
    english.force_login(balikpapan_operator)
    html = detail(english, agreement)
    assert "Sosialisasi warga" in html and "Add an activity" not in html


def test_activity_forms(english, admin_user, kukar_operator, balikpapan_operator):
    agreement = kukar_agreement(admin_user)
    url = f"/kerja-sama/{agreement.pk}/kegiatan/tambah/"
    assert english.get(url).status_code == 302  # to the log-in page
    english.force_login(balikpapan_operator)
    assert english.get(url).status_code == 403
    english.force_login(kukar_operator)
    assert english.get(url).status_code == 200
    response = english.post(
        url,
        {
            "title": "Pelayanan KTP",
            "status": "direncanakan",
            "progress": "0",
            "planned_start": "01/02/2025",
            "planned_end": "31 Maret 2025",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#rencana-kerja")
    item = Activity.objects.get(agreement=agreement)
    assert item.planned_end == dt.date(2025, 3, 31)
    response = english.post(
        url, {"title": "Lewat", "status": "direncanakan", "progress": "150", "planned_start": "2024-01-01"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html and "0 to 100" in html and "before the agreement starts" in html
    assert Activity.objects.filter(agreement=agreement).count() == 1
    progress_url = f"/kerja-sama/{agreement.pk}/kegiatan/{item.pk}/progres/"
    assert english.get(progress_url).status_code == 200
    response = english.post(progress_url, {"progress": "45", "status": "berjalan", "on_date": "2026-01-15"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.progress, item.status, item.last_progress_on) == (45, "berjalan", dt.date(2026, 1, 15))
    edit_url = f"/kerja-sama/{agreement.pk}/kegiatan/{item.pk}/ubah/"
    assert 'value="Pelayanan KTP"' in english.get(edit_url).content.decode()
    child_url = f"{url}?parent={item.pk}"
    assert english.get(child_url).status_code == 200
    english.post(url, {"title": "Tahap 1", "parent": item.pk, "status": "direncanakan", "progress": "0"})
    assert Activity.objects.get(title="Tahap 1").parent == item
    response = english.post(f"/kerja-sama/{agreement.pk}/kegiatan/{item.pk}/hapus/")
    assert response.status_code == 302 and not Activity.objects.filter(agreement=agreement).exists()
    # the agreement's history names the monitoring changes
    english.force_login(admin_user)
    assert "Activity: Pelayanan KTP" in detail(english, agreement)


def test_schedule_and_report_with_evidence(english, admin_user, kukar_operator, media):
    agreement = kukar_agreement(admin_user)
    english.force_login(kukar_operator)
    url = f"/kerja-sama/{agreement.pk}/jadwal-laporan/"
    assert english.get(url).status_code == 200
    response = english.post(url, {"frequency": "semesteran", "first_period_start": "2025-01-01", "due_days": "30"})
    assert response.status_code == 302
    assert ReportingPeriod.objects.filter(agreement=agreement).count() == 12
    html = detail(english, agreement)
    assert "Overdue" in html
    add = f"/kerja-sama/{agreement.pk}/laporan/tambah/"
    prefilled = english.get(f"{add}?pihak={pihak('Kukar')}&mulai=2025-07-01").content.decode()
    assert 'value="2025-12-31"' in prefilled
    assert 'enctype="multipart/form-data"' in prefilled and 'accept=".pdf,.jpg,.jpeg,.png"' in prefilled
    assert " multiple" in prefilled
    body = {
        "pihak": pihak("Kukar"),
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "summary": "Pelayanan berjalan",
        "submitted_on": "2025-07-10",
    }
    response = english.post(add, {**body, "files": [upload("bukti.pdf", PDF), upload("jahat.pdf", EXE)]})
    assert response.status_code == 400
    assert "not a PDF, JPEG or PNG" in response.content.decode()
    assert not ImplementationReport.objects.filter(agreement=agreement).exists() and stored_files(media) == []
    response = english.post(add, {**body, "files": [upload("Bukti Kegiatan.pdf", PDF)]})
    assert response.status_code == 302
    report = ImplementationReport.objects.get(agreement=agreement)
    page = english.get(response["Location"]).content.decode()
    evidence = report.evidence.get()
    link = f"/kerja-sama/{agreement.pk}/laporan/{report.pk}/bukti/{evidence.pk}/"
    assert link in page and "Bukti_Kegiatan.pdf" in page
    download = english.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    response = english.post(
        f"/kerja-sama/{agreement.pk}/laporan/{report.pk}/bukti/tambah/", {"files": [upload("b.pdf", PDF)]}
    )
    assert response.status_code == 302 and report.evidence.count() == 2
    english.post(f"{link}hapus/")
    assert not ReportEvidence.objects.filter(pk=evidence.pk).exists()
    edit = english.post(f"/kerja-sama/{agreement.pk}/laporan/{report.pk}/ubah/", {**body, "summary": "Direvisi"})
    assert edit.status_code == 302
    report.refresh_from_db()
    assert report.summary == "Direvisi"
    assert english.get(f"/kerja-sama/{agreement.pk}/laporan/{report.pk}/tinjau/").status_code == 403


def test_review_page(english, admin_user, tkksd_user):
    agreement = kukar_agreement(admin_user)
    report = services.create_report(report_data(agreement), user=admin_user).obj
    english.force_login(tkksd_user)
    url = f"/kerja-sama/{agreement.pk}/laporan/{report.pk}/tinjau/"
    response = english.post(url, {"status": "perlu_perbaikan"})
    assert response.status_code == 400 and "revised" in response.content.decode()
    assert english.post(url, {"status": "diterima"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "diterima"


def test_indicator_pages(english, admin_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    english.force_login(kukar_operator)
    response = english.post(
        f"/kerja-sama/{agreement.pk}/indikator/tambah/",
        {"name": "UKT dibayar", "unit": "Rp", "aggregation": "jumlah", "target": "1.000.000.000"},
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(agreement=agreement)
    assert indicator.target == Decimal("1000000000")
    url = f"/kerja-sama/{agreement.pk}/indikator/{indicator.pk}/nilai/tambah/"
    response = english.post(url, {"period_start": "2025-01-01", "period_end": "2025-06-30", "value": "250.000.000"})
    assert response.status_code == 302
    response = english.post(url, {"period_start": "2025-01-01", "period_end": "2025-06-30", "value": "1"})
    assert response.status_code == 400 and "already has a value" in response.content.decode()
    html = detail(english, agreement)
    assert "UKT dibayar" in html and "250.000.000" in html and 'value="25.0"' in html
    value = IndicatorValue.objects.get(indicator=indicator)
    edit = f"/kerja-sama/{agreement.pk}/indikator/{indicator.pk}/nilai/{value.pk}/ubah/"
    assert (
        english.post(edit, {"period_start": "2025-01-01", "period_end": "2025-06-30", "value": "300000000"}).status_code
        == 302
    )
    assert english.get(f"/kerja-sama/{agreement.pk}/indikator/{indicator.pk}/ubah/").status_code == 200


def test_evaluation_and_action_pages(english, admin_user, tkksd_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    english.force_login(tkksd_user)
    url = f"/kerja-sama/{agreement.pk}/evaluasi/tambah/"
    form = english.get(url).content.decode()
    assert 'value="pihak"' not in form  # the TKKSD evaluates as the TKKSD
    body = {
        "evaluator_kind": "tkksd",
        "evaluated_on": "2025-12-01",
        "score": "3",
        "findings": "Cukup",
        "recommendation": "lanjutkan",
    }
    assert english.post(url, {**body, "score": "7"}).status_code == 400
    assert english.post(url, body).status_code == 302
    evaluation = Evaluation.objects.get(agreement=agreement)
    action_url = f"/kerja-sama/{agreement.pk}/evaluasi/{evaluation.pk}/tindak-lanjut/tambah/"
    response = english.post(
        action_url,
        {"description": "Susun SOP", "owner_pihak": pihak("Kukar"), "due_on": "2026-02-28", "status": "terbuka"},
    )
    assert response.status_code == 302
    action = FollowUpAction.objects.get(evaluation=evaluation)
    english.force_login(kukar_operator)  # the owner updates its action
    response = english.post(
        f"/tindak-lanjut/{action.pk}/ubah/",
        {"description": "Susun SOP", "owner_pihak": pihak("Kukar"), "due_on": "2026-02-28", "status": "selesai"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "selesai" and action.done_on is not None
    assert english.get(f"/kerja-sama/{agreement.pk}/evaluasi/{evaluation.pk}/ubah/").status_code == 403
    kukar = Pihak.objects.get(pk=pihak("Kukar"))
    form = english.get(url).content.decode()  # an operator evaluates for its own party only
    assert f'<option value="{kukar.pk}">{kukar.name}</option>' in form
    assert form.count("<option") == 2  # the evaluator kind "party", and Kukar


def test_problem_register(english, admin_user, tkksd_user, kukar_operator):
    agreement = kukar_agreement(admin_user)
    english.force_login(tkksd_user)
    add = f"/permasalahan/tambah/?kerja_sama={agreement.pk}"
    assert f"#{agreement.pk}" in english.get(add).content.decode()
    body = {
        "title": "Tapal batas Kukar–Samarinda",
        "problem_type": "batas_wilayah",
        "severity": "tinggi",
        "region": "Kukar",
        "related_regions": "64.72; Kec. Samboja",
        "agreements": f"#{agreement.pk}",
        "status": "terbuka",
        "escalation_level": "tkksd",
        "opened_on": "2025-05-01",
        "is_public": "on",
    }
    response = english.post("/permasalahan/tambah/", {**body, "region": "Atlantis"})
    assert response.status_code == 400 and "Atlantis" in response.content.decode()
    response = english.post("/permasalahan/tambah/", body)
    assert response.status_code == 302
    problem = Problem.objects.get(title=body["title"])
    assert problem.region_id == "64.02" and "64.72" in problem.related_regions.values_list("code", flat=True)
    assert list(problem.agreements.all()) == [agreement]
    page = english.get(response["Location"]).content.decode()
    assert agreement.title in page and "Regional boundary" in page
    listed = english.get("/permasalahan/", {"problem_type": "batas_wilayah", "region": "64.72", "open": "true"})
    assert body["title"] in listed.content.decode()
    assert body["title"] not in english.get("/permasalahan/", {"severity": "rendah"}).content.decode()
    edit = f"/permasalahan/{problem.pk}/ubah/"
    assert "Kec" in english.get(edit).content.decode() or "64.02" in english.get(edit).content.decode()
    response = english.post(edit, {**body, "escalation_level": "gubernur", "note": "Dibawa ke gubernur"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.escalation_level == "gubernur"
    action = english.post(
        f"/permasalahan/{problem.pk}/tindak-lanjut/tambah/",
        {"description": "Rapat fasilitasi", "owner_name": "Biro POD", "due_on": "2026-03-01", "status": "terbuka"},
    )
    assert action.status_code == 302 and problem.actions.count() == 1
    page = english.get(f"/permasalahan/{problem.pk}/").content.decode()
    assert "Rapat fasilitasi" in page and "Dibawa ke gubernur" in page
    english.logout()
    page = english.get(f"/permasalahan/{problem.pk}/").content.decode()
    assert "Rapat fasilitasi" in page and "Biro POD" not in page
    english.force_login(kukar_operator)
    assert english.get(edit).status_code == 200  # it blocks one of Kukar's agreements


def test_indonesian_page_keeps_css_numbers_unlocalised(client, admin_user):
    agreement = kukar_agreement(admin_user)
    parent = activity(agreement, admin_user, "Induk")
    activity(agreement, admin_user, "Anak", parent_id=parent.pk, progress=33)
    html = detail(client, agreement)
    assert '<html lang="id">' in html
    assert "padding-left: 1.5rem" in html and 'value="33.0"' in html
