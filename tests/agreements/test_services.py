import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kerjasama.agreements.choices import Stage, Validity
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import (
    AgreementData,
    AgreementValidationError,
    archive_agreement,
    create_agreement,
    restore_agreement,
    update_agreement,
)
from kerjasama.core.context import change_context
from kerjasama.core.models import ObjectChange
from tests.builders import agreement_data, make_agreement, make_user, pihak

pytestmark = pytest.mark.django_db


def admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username="checker").first() or make_user("checker", "admin")


def errors_of(data: AgreementData) -> dict[str, list[str]]:
    with pytest.raises(AgreementValidationError) as caught:
        create_agreement(data, user=admin())
    found: dict[str, list[str]] = {}
    for problem in caught.value.errors:
        found.setdefault(problem.field, []).append(problem.message)
    return found


def test_end_before_start_is_an_error_and_nothing_is_saved():
    before = Agreement.objects.count()
    found = errors_of(agreement_data(signed_on=dt.date(2025, 5, 1), end_on=dt.date(2025, 4, 30)))
    assert "end_on" in found and "2025-04-30" in found["end_on"][0]
    assert Agreement.objects.count() == before


def test_more_than_five_years_is_only_a_warning(admin_user):
    result = create_agreement(
        agreement_data(signed_on=dt.date(2025, 1, 1), end_on=dt.date(2030, 1, 2)), user=admin_user
    )
    assert [problem.field for problem in result.warnings] == ["end_on"]
    exactly_five = create_agreement(
        agreement_data(signed_on=dt.date(2025, 1, 1), end_on=dt.date(2030, 1, 1)), user=admin_user
    )
    assert exactly_five.warnings == []


def test_basic_rules():
    assert "parties" in errors_of(agreement_data(parties=("Kaltim",)))
    assert "parties" in errors_of(agreement_data(parties=("Kaltim", "Kaltim")))
    assert "urusan" in errors_of(agreement_data(urusan=()))
    assert "signed_on" in errors_of(agreement_data(signed_on=None, stage=Stage.PELAKSANAAN))
    assert "service_areas" in errors_of(agreement_data(service_area_codes=["64.02.13"]))  # no service opened


def test_service_areas_must_lie_in_a_party_region():
    from kerjasama.regions.models import ServiceType

    adminduk = [ServiceType.objects.get(code="adminduk").pk]
    found = errors_of(
        agreement_data(
            parties=("Kaltim", "Kota Balikpapan"), service_type_ids=adminduk, service_area_codes=["35.78.01"]
        )
    )
    assert "service_areas" in found
    ok = make_agreement(
        parties=("Kukar", "Kota Balikpapan"), service_type_ids=adminduk, service_area_codes=["64.02.13", "64.02.20"]
    )
    assert sorted(ok.service_areas.values_list("code", flat=True)) == ["64.02.13", "64.02.20"]


def test_duplicate_numbers_are_refused_whatever_their_case(admin_user):
    first = agreement_data()
    create_agreement(first, user=admin_user)
    second = agreement_data()
    second.parties[0].number = first.parties[0].number.lower()
    with pytest.raises(AgreementValidationError) as caught:
        create_agreement(second, user=admin_user)
    assert [problem.field for problem in caught.value.errors] == ["numbers"]


def test_parent_must_be_a_kb(admin_user):
    kb = make_agreement(document_type="KB", user=admin_user)
    pks = make_agreement(parent_id=kb.pk, user=admin_user)
    assert list(kb.children.all()) == [pks]
    assert "parent" in errors_of(agreement_data(parent_id=pks.pk))


def test_category_is_derived_from_the_parties(admin_user):
    assert make_agreement(parties=("Kaltim", "Kukar"), user=admin_user).category == "KSDD"
    assert make_agreement(parties=("Kaltim", "Unmul"), user=admin_user).category == "KSDPK"


def test_operator_registers_only_with_its_own_party(kukar_operator):
    with pytest.raises(AgreementValidationError, match="your region"):
        create_agreement(agreement_data(parties=("Kaltim", "Kota Balikpapan")), user=kukar_operator)
    result = create_agreement(agreement_data(parties=("Kukar", "Kota Balikpapan")), user=kukar_operator)
    assert result.agreement.pk


def test_update_logs_before_and_after_and_party_changes(admin_user):
    agreement = make_agreement(user=admin_user)
    data = AgreementData.from_agreement(agreement)
    data.title = "Judul baru"
    data.parties.append(type(data.parties[0])(pihak_id=pihak("Kota Samarinda")))
    with change_context(user=admin_user, origin="test") as ctx:
        update_agreement(agreement, data, user=admin_user, message="perbaikan judul")
    change = ObjectChange.objects.get(
        request_id=ctx.request_id, action="update", changed_object_type__model="agreement"
    )
    assert ("title", "PKS pelayanan administrasi kependudukan", "Judul baru") in change.diff()
    assert change.user == admin_user and change.message == "perbaikan judul"
    party_change = ObjectChange.objects.get(request_id=ctx.request_id, changed_object_type__model="agreementparty")
    assert party_change.action == "create" and party_change.related_object_id == str(agreement.pk)
    assert party_change.postchange_data["pihak"] == "Kota Samarinda"


def test_failed_update_changes_nothing(admin_user):
    agreement = make_agreement(user=admin_user)
    data = AgreementData.from_agreement(agreement)
    data.title = "Tidak tersimpan"
    data.end_on = dt.date(2000, 1, 1)
    with pytest.raises(AgreementValidationError):
        update_agreement(agreement, data, user=admin_user)
    agreement.refresh_from_db()
    assert agreement.title != "Tidak tersimpan"
    assert agreement.parties.count() == 2


def test_archive_and_restore(admin_user, balikpapan_operator):
    agreement = make_agreement(parties=("Kukar", "Kaltim"), user=admin_user)
    from kerjasama.agreements.services import PermissionDenied

    with pytest.raises(PermissionDenied):
        archive_agreement(agreement, user=balikpapan_operator)
    archive_agreement(agreement, user=admin_user, message="salah input")
    assert not Agreement.objects.active().filter(pk=agreement.pk).exists()
    restore_agreement(agreement, user=admin_user)
    assert Agreement.objects.active().filter(pk=agreement.pk).exists()
    actions = list(
        ObjectChange.objects.filter(changed_object_id=str(agreement.pk), changed_object_type__model="agreement")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "archive", "restore"]


def test_validity_boundaries(admin_user):
    agreement = make_agreement(signed_on=dt.date(2025, 1, 10), end_on=dt.date(2025, 12, 31), user=admin_user)
    assert agreement.validity_on(dt.date(2025, 1, 9)) == Validity.BELUM_BERLAKU
    assert agreement.validity_on(dt.date(2025, 1, 10)) == Validity.BERLAKU
    # "Akan berakhir" starts 90 days before the end date: 2025-10-02 + 90 days = 2025-12-31.
    assert agreement.validity_on(dt.date(2025, 10, 2)) == Validity.AKAN_BERAKHIR
    assert agreement.validity_on(dt.date(2025, 10, 1)) == Validity.BERLAKU
    assert agreement.validity_on(dt.date(2025, 12, 31)) == Validity.AKAN_BERAKHIR
    assert agreement.validity_on(dt.date(2026, 1, 1)) == Validity.KEDALUWARSA


class ValidityAgreesInPythonAndSql(TestCase):
    """The validity rule exists twice (Python for one agreement, SQL for lists); they must agree."""

    @settings(max_examples=60, deadline=None)
    @given(
        signed=st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31))),
        start_offset=st.integers(0, 60),
        length=st.one_of(st.none(), st.integers(0, 2000)),
        terminated_after=st.one_of(st.none(), st.integers(0, 2000)),
        day=st.dates(dt.date(2019, 1, 1), dt.date(2032, 12, 31)),
    )
    def test_same_answer(self, signed, start_offset, length, terminated_after, day):
        start = signed + dt.timedelta(days=start_offset) if signed else None
        end = start + dt.timedelta(days=length) if start and length is not None else None
        terminated = start + dt.timedelta(days=terminated_after) if start and terminated_after is not None else None
        agreement = Agreement.objects.create(
            title="x",
            document_type="PKS",
            category="KSDD",
            signed_on=signed,
            start_on=start,
            end_on=end,
            terminated_on=terminated,
        )
        in_sql = Agreement.objects.with_validity(day).get(pk=agreement.pk).validity
        assert in_sql == agreement.validity_on(day)
        for validity in Validity:  # the filter of its own validity finds it, every other one leaves it out
            found = Agreement.objects.validity_on(validity, day).filter(pk=agreement.pk).exists()
            assert found == (validity == in_sql), validity
        in_force = Agreement.objects.in_force_on(day).filter(pk=agreement.pk).exists()
        assert in_force == (in_sql in (Validity.BERLAKU, Validity.AKAN_BERAKHIR))


def test_saving_unchanged_amount_writes_no_change(admin_user):
    from decimal import Decimal

    agreement = make_agreement(user=admin_user, funding_amount=Decimal("1250000000"))
    data = AgreementData.from_agreement(agreement)
    data.funding_amount = Decimal("1250000000")  # typed without cents, stored with them
    update_agreement(agreement, data, user=admin_user)
    assert not ObjectChange.objects.filter(changed_object_id=str(agreement.pk), action="update").exists()
    assert "funding_amount" in errors_of(agreement_data(funding_amount=Decimal("10.005")))
