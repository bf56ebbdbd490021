"""The index follows every change: create, update, archive, restore, stage moves, import, deletion, rebuild."""

import io

import pytest
from django.core.management import call_command

from kerjasama.agreements import lifecycle
from kerjasama.agreements.imports import import_agreements
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import AgreementData, archive_agreement, restore_agreement, update_agreement
from kerjasama.search.index import index_is_complete, rebuild_index
from kerjasama.search.models import AgreementDocument, SearchTerm
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor
from tests.builders import make_agreement, pihak
from tests.search.test_search import found

pytestmark = pytest.mark.django_db
NEUTRAL = ("Pemprov Kaltim", "Kota Bontang")


def test_create_and_update_rewrite_the_document(admin_user):
    agreement = make_agreement(parties=NEUTRAL, title="Irigasi sawah")
    assert found("irigasi") == {agreement.pk}
    data = AgreementData.from_agreement(agreement)
    data.title = "Jembatan gantung"
    data.scope = "Perawatan bersama"
    update_agreement(agreement, data, user=admin_user)
    assert found("irigasi") == set()
    assert found("jembatan") == found("perawatan") == {agreement.pk}
    assert found("jembatn") == {agreement.pk}  # the new word is in the vocabulary for typo correction


def test_party_change_is_searchable(admin_user):
    agreement = make_agreement(parties=NEUTRAL, title="Angkutan sungai")
    data = AgreementData.from_agreement(agreement)
    data.parties[1].pihak_id = pihak("Kukar")
    update_agreement(agreement, data, user=admin_user)
    assert found("angkutan Kukar") == {agreement.pk}
    assert found("angkutan Bontang") == set()


def test_archived_agreements_stay_indexed_and_come_back(admin_user):
    agreement = make_agreement(parties=NEUTRAL, title="Pameran kerajinan")
    archive_agreement(agreement, user=admin_user)
    assert found("pameran") == set()  # lists leave archived agreements out...
    assert found("pameran", archived=True) == {agreement.pk}  # ...but they can still be searched
    restore_agreement(agreement, user=admin_user)
    assert found("pameran") == {agreement.pk}


def test_stage_moves_keep_the_document(admin_user):
    agreement = make_agreement(parties=NEUTRAL, title="Pemantauan hutan")
    lifecycle.transition(agreement, "evaluasi", user=admin_user, note="evaluasi tahunan")
    assert found("pemantauan") == {agreement.pk}
    assert AgreementDocument.objects.filter(agreement=agreement).count() == 1


def test_imported_agreements_are_searchable_at_once():
    rows = [
        ["Nomor", "Judul", "Jenis_Dokumen", "pihak", "urusan", "tanggal_ttd", "tanggal_berakhir"],
        ["77/IMP/2025", "Pengelolaan terminal penumpang", "PKS", "Pemprov Kaltim; Kota Bontang", "Perhubungan",
         "1 Maret 2025", "28 Februari 2027"],
    ]  # fmt: skip
    content = "\n".join(",".join(row) for row in rows).encode()
    report = import_agreements(content, "impor.csv", actor=Actor(role=Role.ADMIN))
    assert report.errors == [] and report.created == 1
    imported = Agreement.objects.get(parties__number="77/IMP/2025")
    assert found("terminal") == found("77/IMP/2025") == found("Btg terminal") == {imported.pk}


def test_a_deleted_agreement_leaves_the_index(admin_user):
    agreement = make_agreement(parties=NEUTRAL, title="Uji hapus")
    Agreement.objects.filter(pk=agreement.pk).delete()
    assert not AgreementDocument.objects.filter(pk=agreement.pk).exists()
    assert found("hapus") == set()


def test_reindex_command_rebuilds_everything(admin_user):
    agreement = make_agreement(parties=NEUTRAL, title="Perikanan tangkap")
    AgreementDocument.objects.all().delete()
    SearchTerm.objects.all().delete()
    assert found("perikanan") == set() and not index_is_complete()
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert "1" in out.getvalue()
    assert found("perikanan") == found("perikann") == {agreement.pk}
    assert index_is_complete()
    assert rebuild_index() == 1  # idempotent
    assert found("perikanan") == {agreement.pk}
