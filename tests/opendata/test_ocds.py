"""The OCDS-shaped release package: valid against the profile schema, statuses and links mapped right."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from kerjasama.agreements import lifecycle
from kerjasama.agreements.choices import Category, ChangeKind, DocumentType, Stage, Validity
from kerjasama.agreements.models import Agreement
from kerjasama.core.choices import Source
from kerjasama.monitoring.models import ImplementationReport, ReportingPeriod
from kerjasama.opendata import ocds
from tests.builders import make_agreement, pihak
from tests.opendata.reading import get, json_document

pytestmark = pytest.mark.django_db

SCHEMA_FOLDER = Path(ocds.__file__).resolve().parent / "schema"
PROFILE = json.loads((SCHEMA_FOLDER / "profile-schema.json").read_text())
DAY = dt.date(2025, 11, 18)


def validate(document: dict) -> None:
    """Validate against the profile schema, formats (date-time, uri) included."""
    validator = jsonschema.Draft202012Validator(PROFILE, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors[:10])


def package(client) -> dict:
    response, body = get(client, reverse("opendata-ocds"))
    assert response.status_code == 200
    return json_document(body)


def release_of(document: dict, agreement: Agreement) -> dict:
    return next(release for release in document["releases"] if release["ocid"] == ocds.ocid(agreement.pk))


def test_package_validates_and_holds_only_public_agreements(client, register):
    document = package(client)
    validate(document)
    assert [release["ocid"] for release in document["releases"]] == [
        ocds.ocid(pk) for pk in sorted([register.public.pk, register.synthetic.pk])
    ]
    assert document["version"] == "1.1"
    assert document["extensions"] == ["https://data.example/data/ocds/extension.json"]
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_a_release_carries_parties_contract_milestones_and_implementation(client, register, admin_user):
    lifecycle.transition(register.public, Stage.EVALUASI, user=admin_user)
    document = package(client)
    validate(document)
    release = release_of(document, register.public)
    assert release["id"].startswith(release["ocid"] + "-")
    parties = {party["id"]: party for party in release["parties"]}
    assert parties["ID-KEMENDAGRI-64.71"]["identifier"] == {
        "scheme": "ID-KEMENDAGRI",
        "id": "64.71",
        "legalName": parties["ID-KEMENDAGRI-64.71"]["name"],
    }
    unmul = next(party for party in release["parties"] if party["identifier"]["scheme"] == "KSDKALTIM-MITRA")
    assert "partner" in unmul["roles"] and unmul["details"]["partnerType"] == "perguruan_tinggi"
    assert "signatoryName" not in json.dumps(release)
    contract = release["contracts"][0]
    assert contract["status"] == "active"
    assert contract["value"] == {"amount": 1500000000, "currency": "IDR"}
    assert contract["dateSigned"] == "2025-03-01T00:00:00+08:00"
    assert contract["period"]["endDate"] == "2027-02-28T23:59:59+08:00"
    assert contract["items"][0]["classification"] == {
        "scheme": "ID-URUSAN-UU23-2014",
        "id": "2.12",
        "description": contract["items"][0]["description"],
    }
    assert contract["documents"][0]["url"] == f"https://data.example/kerja-sama/{register.public.pk}/"
    codes = [milestone["code"] for milestone in contract["milestones"]]
    assert codes == ["tahap.pelaksanaan", "tahap.evaluasi"]
    assert contract["milestones"][1]["type"] == "assessment"
    work = contract["implementation"]["milestones"]
    parent = next(milestone for milestone in work if milestone["title"] == "publik: rencana kerja")
    assert parent["progress"] == 75
    child = next(milestone for milestone in work if milestone["title"] == "publik: sosialisasi")
    assert child["partOf"] == parent["id"] and child["status"] == "met"
    indicator = contract["implementation"]["indicators"][0]
    assert indicator["baseline"] == {"value": 0} and indicator["target"] == {"value": 400}
    assert [period["actual"]["value"] for period in indicator["periods"]] == [100, 150]
    assert indicator["result"]["value"] == 250 and indicator["result"]["percentOfTarget"] == 62.5
    assert set(release["tag"]) == {"contract", "implementation"}
    assert contract["agreementDetails"]["dataSource"] == Source.INPUT


def test_synthetic_agreements_are_marked(client, register):
    release = release_of(package(client), register.synthetic)
    assert release["contracts"][0]["agreementDetails"]["dataSource"] == Source.SINTETIS


def test_release_id_changes_when_the_agreement_changes(client, register, admin_user):
    before = release_of(package(client), register.public)["id"]
    lifecycle.transition(register.public, Stage.EVALUASI, user=admin_user)
    assert release_of(package(client), register.public)["id"] != before


@pytest.mark.parametrize(
    ("stage", "dates", "status"),
    [
        (Stage.PERSIAPAN, {}, "pending"),
        (Stage.PENANDATANGANAN, {"signed_on": dt.date(2025, 1, 1)}, "pending"),
        (Stage.DITOLAK, {}, "cancelled"),
        (Stage.PELAKSANAAN, {"signed_on": dt.date(2025, 1, 1), "end_on": dt.date(2026, 12, 31)}, "active"),
        (Stage.PELAKSANAAN, {"signed_on": dt.date(2025, 1, 1), "end_on": dt.date(2025, 12, 1)}, "active"),
        (
            Stage.PELAKSANAAN,
            {"signed_on": dt.date(2025, 10, 1), "start_on": dt.date(2026, 1, 1), "end_on": dt.date(2026, 12, 31)},
            "pending",
        ),
        (Stage.PELAKSANAAN, {"signed_on": dt.date(2023, 1, 1), "end_on": dt.date(2024, 12, 31)}, "terminated"),
        (Stage.EVALUASI, {"signed_on": dt.date(2025, 1, 1), "end_on": dt.date(2026, 12, 31)}, "active"),
        (Stage.SELESAI, {"signed_on": dt.date(2023, 1, 1), "end_on": dt.date(2024, 12, 31)}, "terminated"),
        (Stage.DIPERPANJANG, {"signed_on": dt.date(2023, 1, 1), "end_on": dt.date(2026, 12, 31)}, "terminated"),
        (
            Stage.DIAKHIRI,
            {"signed_on": dt.date(2023, 1, 1), "end_on": dt.date(2026, 12, 31), "terminated_on": dt.date(2025, 6, 1)},
            "terminated",
        ),
    ],
)
def test_contract_status_from_stage_and_validity(stage, dates, status):
    values = {"signed_on": None, "start_on": None, "end_on": None, "terminated_on": None, **dates}
    if values["start_on"] is None:
        values["start_on"] = values["signed_on"]
    agreement = Agreement(stage=stage, **values)
    assert ocds.contract_status(agreement, DAY) == status


def test_terminated_agreement_is_tagged_and_validates(client, admin_user, settings):
    settings.KERJASAMA = {**settings.KERJASAMA, "SITE_URL": "https://data.example"}
    agreement = make_agreement(user=admin_user)
    lifecycle.transition(agreement, Stage.DIAKHIRI, user=admin_user, note="Dibatalkan bersama")
    document = package(client)
    validate(document)
    release = release_of(document, agreement)
    assert release["contracts"][0]["status"] == "terminated"
    assert "contractTermination" in release["tag"]


def test_related_processes_show_titles_of_public_agreements_only(client, admin_user, settings):
    settings.KERJASAMA = {**settings.KERJASAMA, "SITE_URL": "https://data.example"}
    kb = make_agreement(user=admin_user, title="KB induk", document_type=DocumentType.KB)
    secret_kb = make_agreement(user=admin_user, title="KB rahasia", document_type=DocumentType.KB, is_public=False)
    pks = make_agreement(user=admin_user, title="PKS turunan", parent_id=kb.pk)
    hidden_parent = make_agreement(user=admin_user, title="PKS kedua", parent_id=secret_kb.pk)
    extension = make_agreement(
        user=admin_user, title="Perpanjangan", amends_id=pks.pk, change_kind=ChangeKind.PERPANJANGAN
    )
    document = package(client)
    validate(document)
    link = release_of(document, pks)["relatedProcesses"][0]
    assert link["relationship"] == ["framework"] and link["identifier"] == ocds.ocid(kb.pk)
    assert link["title"] == "KB induk" and link["uri"] == f"https://data.example/data/ocds/{kb.pk}.json"
    hidden = release_of(document, hidden_parent)["relatedProcesses"][0]
    assert hidden["identifier"] == ocds.ocid(secret_kb.pk)
    assert "title" not in hidden and "uri" not in hidden
    assert "KB rahasia" not in json.dumps(document)
    prior = release_of(document, extension)["relatedProcesses"][0]
    assert prior["relationship"] == ["prior"] and prior["identifier"] == ocds.ocid(pks.pk)
    renewal = release_of(document, pks)["contracts"][0]["relatedProcesses"][0]
    assert renewal["relationship"] == ["renewalProcess"] and renewal["identifier"] == ocds.ocid(extension.pk)


def test_reports_due_are_reporting_milestones(client, register, admin_user):
    agreement = register.public
    balikpapan = pihak("Kota Balikpapan")
    kaltim = pihak("Pemprov Kaltim")
    ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(
                agreement=agreement,
                pihak_id=balikpapan,
                period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2025, 6, 30),
                due_on=dt.date(2025, 7, 30),
            ),
            ReportingPeriod(
                agreement=agreement,
                pihak_id=kaltim,
                period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2025, 6, 30),
                due_on=dt.date(2025, 7, 30),
            ),
            ReportingPeriod(
                agreement=agreement,
                pihak_id=balikpapan,
                period_start=dt.date(2099, 1, 1),
                period_end=dt.date(2099, 6, 30),
                due_on=dt.date(2099, 7, 30),
            ),
        ]
    )
    report = ImplementationReport.objects.create(
        agreement=agreement,
        pihak_id=balikpapan,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        submitted_on=dt.date(2025, 7, 20),
        summary="Berjalan",
    )
    document = package(client)
    validate(document)
    contract = release_of(document, agreement)["contracts"][0]
    reporting = [milestone for milestone in contract["milestones"] if milestone["type"] == "reporting"]
    assert sorted(milestone["status"] for milestone in reporting) == ["met", "notMet", "scheduled"]
    met = next(milestone for milestone in reporting if milestone["status"] == "met")
    assert met["dateMet"] == "2025-07-20T00:00:00+08:00" and met["dueDate"] == "2025-07-30T23:59:59+08:00"
    documents = contract["implementation"]["documents"]
    assert documents[0]["documentType"] == "physicalProgressReport"
    assert documents[0]["url"] == f"https://data.example/kerja-sama/{agreement.pk}/laporan/{report.pk}/"


def test_one_release_per_agreement_url(client, register):
    response, body = get(client, reverse("opendata-ocds-release", args=[register.public.pk]))
    assert response.status_code == 200 and response["ETag"]
    document = json_document(body)
    validate(document)
    assert [release["ocid"] for release in document["releases"]] == [ocds.ocid(register.public.pk)]
    for hidden in (register.hidden, register.archived):
        assert client.get(reverse("opendata-ocds-release", args=[hidden.pk])).status_code == 404


def test_ocid_prefix_is_configurable(client, register, settings):
    settings.KERJASAMA = {**settings.KERJASAMA, "OCID_PREFIX": "ocds-abc123"}
    document = package(client)
    assert {release["ocid"] for release in document["releases"]} == {
        f"ocds-abc123-{register.public.pk}",
        f"ocds-abc123-{register.synthetic.pk}",
    }
    validate(document)


def test_profile_schema_codes_follow_the_choices():
    details = PROFILE["$defs"]["AgreementDetails"]["properties"]
    assert details["documentType"]["enum"] == DocumentType.values
    assert details["category"]["enum"] == Category.values
    assert details["stage"]["enum"] == Stage.values
    assert details["validity"]["enum"] == Validity.values
    assert details["dataSource"]["enum"] == Source.values
    jsonschema.Draft202012Validator.check_schema(PROFILE)


def test_schema_rejects_a_broken_release(client, register):
    document = package(client)
    document["releases"][0]["contracts"][0]["status"] = "finished"
    with pytest.raises(AssertionError):
        validate(document)


def test_extension_files_are_served(client, settings):
    settings.KERJASAMA = {**settings.KERJASAMA, "SITE_URL": "https://data.example"}
    extension = json_document(get(client, reverse("opendata-ocds-extension"))[1])
    assert extension["schemas"] == ["release-schema.json"] and extension["compatibility"] == ["1.1"]
    assert extension["documentationUrl"]["en"] == "https://data.example/data/#ocds"
    patch = json_document(get(client, reverse("opendata-ocds-extension-schema"))[1])
    assert {"Contract", "Implementation", "Milestone", "Indicator"} <= set(patch["definitions"])
    assert reverse("opendata-ocds-extension-schema") == "/data/ocds/release-schema.json"
    profile = json_document(get(client, reverse("opendata-ocds-schema"))[1])
    assert profile == PROFILE


def test_amounts_keep_their_precision(client, register, admin_user):
    from kerjasama.agreements.services import AgreementData, update_agreement

    data = AgreementData.from_agreement(register.public)
    data.funding_amount = Decimal("1234567890123.45")
    update_agreement(register.public, data, user=admin_user)
    contract = release_of(package(client), register.public)["contracts"][0]
    assert contract["value"]["amount"] == pytest.approx(1234567890123.45)
