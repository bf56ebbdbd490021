"""The web forms: reading Indonesian input, resolving references and mapping service problems to fields."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from kerjasama.agreements.choices import ServiceRole
from kerjasama.agreements.filtersets import AgreementFilterSet
from kerjasama.agreements.forms import (
    AgreementEditor,
    AmountField,
    ImportUploadForm,
    IndonesianDateField,
    in_region_select,
    prepare_filter_form,
    resolve_reference,
)
from kerjasama.agreements.models import Agreement
from kerjasama.regions.models import Region, ServiceType, Urusan
from tests.builders import make_agreement

pytestmark = pytest.mark.django_db


def editor_data(parties: list[str], **overrides) -> QueryDict:
    values = {
        "title": "PKS layanan kesehatan perbatasan",
        "document_type": "PKS",
        "stage": "persiapan",
        "source": "input",
        "is_public": "on",
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "50",
    }
    for index, name in enumerate(parties):
        values.update(
            {
                f"parties-{index}-pihak": name,
                f"parties-{index}-role": "mitra",
                f"parties-{index}-service_role": "timbal_balik",
            }
        )
    urusan = overrides.pop("urusan", ["1.02"])
    service_types = overrides.pop("service_types", [])
    values.update(overrides)
    data = QueryDict(mutable=True)
    data.update(values)
    data.setlist("urusan", [str(pk) for pk in Urusan.objects.filter(code__in=urusan).values_list("pk", flat=True)])
    data.setlist(
        "service_types",
        [str(pk) for pk in ServiceType.objects.filter(code__in=service_types).values_list("pk", flat=True)],
    )
    return data


def test_date_field_reads_indonesian_dates():
    field = IndonesianDateField(required=False)
    assert field.clean("18 November 2025") == dt.date(2025, 11, 18)
    assert field.clean("18/11/2025") == dt.date(2025, 11, 18)
    assert field.clean("2025-11-18") == dt.date(2025, 11, 18)
    assert field.clean("") is None
    with pytest.raises(Exception, match="not a valid calendar date"):
        field.clean("31/02/2025")


def test_amount_field_reads_rupiah():
    field = AmountField(required=False)
    assert field.clean("Rp 1.250.000,50") == Decimal("1250000.50")
    assert field.clean("1250000") == Decimal("1250000")
    assert field.clean("") is None
    assert field.prepare_value(Decimal("1250000.00")) == "1250000"
    with pytest.raises(Exception, match="not an amount"):
        field.clean("satu juta")


def test_resolve_reference_by_number_or_id_within_visible(admin_user):
    public = make_agreement(title="KB terbuka")
    hidden = make_agreement(title="KB tertutup", is_public=False)
    visible = Agreement.objects.restrict(AnonymousUser())
    number = public.numbers()[0]
    assert resolve_reference(number.lower(), visible) == public
    assert resolve_reference(f"#{public.pk}", visible) == public
    assert resolve_reference(str(public.pk), visible) == public
    assert resolve_reference(hidden.numbers()[0], visible) is None
    assert resolve_reference(hidden.numbers()[0], Agreement.objects.restrict(admin_user)) == hidden
    assert resolve_reference("", visible) is None


def test_editor_saves_services_and_named_areas(admin_user):
    data = editor_data(
        ["Pemprov Kaltim", "Kukar"],
        service_types=["puskesmas"],
        service_areas="Samboja; Anggana",
    )
    editor = AgreementEditor(admin_user, data=data)
    result = editor.save()
    assert result is not None, editor.error_summary()
    agreement = result.agreement
    names = set(agreement.service_areas.values_list("name", flat=True))
    assert names == {"Samboja", "Anggana"}
    assert all(code.startswith("64.02.") for code in agreement.service_areas.values_list("code", flat=True))
    assert list(agreement.service_types.values_list("code", flat=True)) == ["puskesmas"]
    assert [party.service_role for party in agreement.parties.all()] == [ServiceRole.TIMBAL_BALIK] * 2


def test_editor_reports_unknown_area_on_its_field(admin_user):
    data = editor_data(["Pemprov Kaltim", "Kukar"], service_types=["puskesmas"], service_areas="Kecamatan Atlantis")
    editor = AgreementEditor(admin_user, data=data)
    assert editor.save() is None
    assert "Unknown kecamatan or desa/kelurahan “Kecamatan Atlantis”." in editor.form.errors["service_areas"]
    assert not Agreement.objects.exists()


def test_editor_maps_taken_number_to_the_parties(admin_user):
    existing = make_agreement()
    data = editor_data(["Pemprov Kaltim", "Kota Samarinda"])
    data["parties-0-number"] = existing.numbers()[0]
    editor = AgreementEditor(admin_user, data=data)
    assert editor.save() is None
    assert editor.party_errors == [f"Number “{existing.numbers()[0]}” is already used by another agreement."]
    assert ("parties", "Parties", editor.party_errors[0]) in editor.error_summary()


def test_editor_reports_other_fields_when_a_party_is_unknown(admin_user):
    data = editor_data(["Pemprov Kaltim", "Atlantis"], signed_on="2025-03-01", end_on="2024-01-01")
    editor = AgreementEditor(admin_user, data=data)
    assert editor.save() is None
    assert editor.parties.forms[1].errors["pihak"] == ["Unknown party “Atlantis”."]
    # The date problem is reported in the same round, not after the party is fixed.
    assert editor.form.errors["end_on"] == ["The end date (2024-01-01) is before the start date (2025-03-01)."]
    assert not editor.party_errors  # "at least two parties" would only repeat the party error


def test_editor_for_edit_has_no_stage_and_removes_a_party(admin_user):
    agreement = make_agreement(parties=("Pemprov Kaltim", "Kota Balikpapan", "Kukar"))
    editor = AgreementEditor(admin_user, agreement=agreement)
    assert "stage" not in editor.form.fields
    assert [form.initial["pihak"] for form in editor.parties.forms[:3]] == [
        "Kalimantan Timur",
        "Kota Balikpapan",
        "Kabupaten Kutai Kartanegara",
    ]
    data = QueryDict(mutable=True)
    data.update(
        {
            "title": agreement.title,
            "document_type": agreement.document_type,
            "category": agreement.category,
            "signed_on": "2025-03-01",
            "end_on": "2027-02-28",
            "source": agreement.source,
            "is_public": "on",
            "parties-TOTAL_FORMS": "3",
            "parties-INITIAL_FORMS": "3",
            "parties-MIN_NUM_FORMS": "0",
            "parties-MAX_NUM_FORMS": "50",
        }
    )
    data.setlist("urusan", [str(pk) for pk in agreement.urusan.values_list("pk", flat=True)])
    for index, party in enumerate(agreement.parties.all()):
        data[f"parties-{index}-pihak"] = party.pihak.name
        data[f"parties-{index}-role"] = party.role
        data[f"parties-{index}-number"] = party.number
        data[f"parties-{index}-service_role"] = party.service_role
    data["parties-2-DELETE"] = "on"
    result = AgreementEditor(admin_user, agreement=agreement, data=data).save()
    assert result is not None
    assert [party.pihak.name for party in agreement.parties.all()] == ["Kalimantan Timur", "Kota Balikpapan"]


def test_operator_starts_with_own_party(unmul_operator):
    editor = AgreementEditor(unmul_operator)
    first = editor.parties.forms[0]
    assert first.initial == {"pihak": "Universitas Mulawarman", "role": "pemrakarsa"}
    assert len(editor.parties.forms) == 2  # own party plus one empty row


def test_party_options_list_kaltim_first(admin_user):
    options = AgreementEditor(admin_user).pihak_options()
    assert options[0] == "Kalimantan Timur"
    assert options.index("Kota Bontang") < options.index("Universitas Mulawarman")
    assert "Kota Surabaya" in options


def test_import_upload_form_checks_type_and_size(settings):
    settings.IMPORT_MAX_BYTES = 10
    large = ImportUploadForm(files={"file": SimpleUploadedFile("data.csv", b"x" * 11)})
    assert not large.is_valid()
    assert "larger than" in large.errors["file"][0]
    settings.IMPORT_MAX_BYTES = 1000
    foreign = ImportUploadForm(files={"file": SimpleUploadedFile("data.xls", b"x")})
    assert not foreign.is_valid()
    assert ImportUploadForm(files={"file": SimpleUploadedFile("DATA.XLSX", b"x")}).is_valid()


def test_filter_form_offers_kaltim_regions_and_hides_public_filter_for_visitors():
    filterset = AgreementFilterSet(QueryDict("region=64.02.13"), queryset=Agreement.objects.all())
    prepare_filter_form(filterset, show_public=False)
    choices = dict(filterset.form.fields["region"].widget.choices)
    assert choices["64.02.13"] == "64.02.13"  # a code from the free field stays selectable
    assert "is_public" not in filterset.form.fields
    rendered = str(filterset.form["region"])
    kabkota = Region.objects.filter(parent_id="64").count()
    assert rendered.count("<option") == 1 + 1 + kabkota + 1  # all, province, kab/kota, the free code


def test_in_region_select():
    assert in_region_select("64")
    assert in_region_select("64.71")
    assert not in_region_select("64.02.13")
    assert not in_region_select("35.78")


@pytest.mark.parametrize("limit", [300, 0])
def test_parent_is_a_select_or_a_reference_input(admin_user, monkeypatch, limit):
    """Few KBs: a select of them. Many: a number-or-#ID input with suggestions. Both save the link."""
    from kerjasama.agreements import forms as ui_forms

    monkeypatch.setattr(ui_forms, "PARENT_SELECT_LIMIT", limit)
    kb = make_agreement(title="KB induk", document_type="KB")
    make_agreement(title="PKS bukan KB")
    editor = AgreementEditor(admin_user)
    assert editor.form.parent_is_reference is (limit == 0)
    value = kb.numbers()[0] if limit == 0 else str(kb.pk)
    data = editor_data(["Pemprov Kaltim", "Kota Balikpapan"], parent=value)
    result = AgreementEditor(admin_user, data=data).save()
    assert result is not None
    assert result.agreement.parent == kb
    # Only KBs qualify as parents.
    pks = Agreement.objects.get(title="PKS bukan KB")
    wrong = pks.numbers()[0] if limit == 0 else str(pks.pk)
    editor = AgreementEditor(admin_user, data=editor_data(["Pemprov Kaltim", "Kukar"], parent=wrong))
    assert editor.save() is None
    assert "parent" in editor.form.errors
    # Editing shows the stored parent in the same form.
    edit = AgreementEditor(admin_user, agreement=result.agreement)
    bound = edit.form["parent"].value()
    assert str(bound) == (kb.numbers()[0] if limit == 0 else str(kb.pk))
