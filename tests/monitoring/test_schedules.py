"""Reporting schedules and the expected reports derived from them, rebuilt when things change."""

import datetime as dt

import pytest

from kerjasama.agreements import lifecycle
from kerjasama.agreements.services import AgreementData, PartyData, update_agreement
from kerjasama.core.models import ObjectChange
from kerjasama.monitoring import services
from kerjasama.monitoring.models import ImplementationReport, ReportingPeriod
from kerjasama.monitoring.schedules import add_months
from tests.builders import pihak
from tests.monitoring.recording import END, START, errors, kukar_agreement, report_data

pytestmark = pytest.mark.django_db


def periods(agreement) -> list[tuple]:
    rows = ReportingPeriod.objects.filter(agreement=agreement).order_by("period_start", "pihak_id")
    return [(row.pihak_id, row.period_start, row.period_end, row.due_on) for row in rows]


def schedule(agreement, user, **fields):
    values = {"agreement_id": agreement.pk, "first_period_start": START, "frequency": "semesteran", "due_days": 30}
    values.update(fields)
    return services.create_schedule(services.ScheduleData(**values), user=user).obj


def test_add_months_clips_to_the_month_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)


def test_semester_schedule_expects_one_report_per_party_and_period(admin_user):
    agreement = kukar_agreement(admin_user)  # 2025-01-01 .. 2027-12-31
    schedule(agreement, admin_user)
    rows = periods(agreement)
    assert len(rows) == 6 * 2  # six semesters, two parties
    kukar, samarinda = pihak("Kukar"), pihak("Kota Samarinda")
    assert {row[0] for row in rows} == {kukar, samarinda}
    first = [row for row in rows if row[0] == kukar][0]
    assert first[1:] == (dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 30))
    last = [row for row in rows if row[0] == kukar][-1]
    assert last[1:3] == (dt.date(2027, 7, 1), END)


def test_only_the_chosen_parties_report(admin_user):
    agreement = kukar_agreement(admin_user)
    schedule(agreement, admin_user, frequency="tahunan", party_ids=[pihak("Kukar")])
    assert {row[0] for row in periods(agreement)} == {pihak("Kukar")}
    assert len(periods(agreement)) == 3


def test_periods_are_cut_to_the_agreement(admin_user):
    agreement = kukar_agreement(admin_user, signed_on=dt.date(2025, 3, 15), end_on=dt.date(2025, 12, 20))
    schedule(
        agreement,
        admin_user,
        first_period_start=dt.date(2025, 3, 15),
        frequency="triwulanan",
        due_days=10,
        party_ids=[pihak("Kukar")],
    )
    assert [(row[1], row[2]) for row in periods(agreement)] == [
        (dt.date(2025, 3, 15), dt.date(2025, 6, 14)),
        (dt.date(2025, 6, 15), dt.date(2025, 9, 14)),
        (dt.date(2025, 9, 15), dt.date(2025, 12, 14)),
        (dt.date(2025, 12, 15), dt.date(2025, 12, 20)),
    ]
    assert periods(agreement)[-1][3] == dt.date(2025, 12, 30)


def test_bad_schedules_are_refused(admin_user):
    agreement = kukar_agreement(admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        schedule(
            agreement,
            admin_user,
            first_period_start=dt.date(2024, 12, 1),
            due_days=400,
            party_ids=[pihak("Kota Balikpapan")],
        )
    assert set(errors(caught)) == {"first_period_start", "due_days", "parties"}
    assert ReportingPeriod.objects.filter(agreement=agreement).count() == 0
    schedule(agreement, admin_user)
    with pytest.raises(services.MonitoringValidationError) as caught:
        schedule(agreement, admin_user)
    assert "agreement" in errors(caught)


def test_changing_the_schedule_rebuilds_the_periods_and_keeps_reports(admin_user):
    agreement = kukar_agreement(admin_user)
    saved = schedule(agreement, admin_user)
    services.create_report(report_data(agreement), user=admin_user)
    data = services.ScheduleData.from_instance(saved, frequency="tahunan")
    services.update_schedule(saved, data, user=admin_user)
    assert len(periods(agreement)) == 3 * 2
    assert ImplementationReport.objects.filter(agreement=agreement).count() == 1
    change = ObjectChange.objects.filter(changed_object_id=str(saved.pk), action="update").latest("id")
    assert change.related_object_id == str(agreement.pk)
    assert "removed" in change.message


def test_agreement_date_and_party_changes_rebuild_the_periods(admin_user):
    agreement = kukar_agreement(admin_user)
    schedule(agreement, admin_user)
    before = ReportingPeriod.objects.filter(agreement=agreement, period_start=dt.date(2025, 1, 1)).first().pk
    data = AgreementData.from_agreement(agreement)
    data.end_on = dt.date(2026, 6, 30)
    data.parties.append(PartyData(pihak_id=pihak("Kota Balikpapan"), number="BPP/1/2025"))
    update_agreement(agreement, data, user=admin_user)
    rows = periods(agreement)
    assert len(rows) == 3 * 3
    assert max(row[2] for row in rows) == dt.date(2026, 6, 30)
    # rows that stay keep their identity
    assert ReportingPeriod.objects.filter(pk=before).exists()


def test_termination_drops_later_periods(admin_user):
    agreement = kukar_agreement(admin_user)
    schedule(agreement, admin_user)
    lifecycle.transition(agreement, "diakhiri", user=admin_user, note="Diakhiri bersama", on_date=dt.date(2025, 8, 31))
    rows = periods(agreement)
    assert max(row[2] for row in rows) == dt.date(2025, 8, 31)
    assert len(rows) == 2 * 2


def test_deleting_the_schedule_removes_the_periods(admin_user):
    agreement = kukar_agreement(admin_user)
    saved = schedule(agreement, admin_user)
    services.delete_schedule(saved, user=admin_user)
    assert periods(agreement) == []


def test_overdue_and_submitted_periods(admin_user):
    agreement = kukar_agreement(admin_user)
    schedule(agreement, admin_user, party_ids=[pihak("Kukar")])
    services.create_report(report_data(agreement), user=admin_user)
    day = dt.date(2026, 3, 1)  # the first two semesters are due by then
    overdue = ReportingPeriod.objects.filter(agreement=agreement).overdue(day)
    assert [row.period_start for row in overdue] == [dt.date(2025, 7, 1)]
    with_report = ReportingPeriod.objects.filter(agreement=agreement).with_report().order_by("period_start")
    assert with_report[0].report_id is not None and with_report[1].report_id is None
