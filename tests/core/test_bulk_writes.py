"""The fast bulk writes (core.db.insert_many, reserve_keys) and the import's change log built on them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kerjasama.agreements.imports import import_agreements
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.agreements.services import party_snapshot, snapshot
from kerjasama.core.context import change_context
from kerjasama.core.db import insert_many, reserve_keys
from kerjasama.core.models import ObjectChange
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor
from tests.agreements.test_imports import xlsx
from tests.builders import make_agreement, pihak

pytestmark = pytest.mark.django_db


def test_mappings_take_the_field_defaults_and_instances_their_auto_now_values():
    agreement = make_agreement()
    insert_many(AgreementTransition, [{"agreement_id": agreement.pk, "to_stage": "evaluasi", "at": timezone.now()}])
    transition = AgreementTransition.objects.get(agreement=agreement, to_stage="evaluasi")
    assert (transition.from_stage, transition.note, transition.user_id) == ("", "", None)

    before = timezone.now()
    insert_many(Agreement, [Agreement(title="Tanpa kunci", document_type="PKS", funding_amount=Decimal("1.5"))])
    stored = Agreement.objects.get(title="Tanpa kunci")
    assert stored.created_at >= before and stored.updated_at >= before
    assert stored.funding_amount == Decimal("1.50") and stored.stage == "persiapan"


def test_reserved_keys_are_free_ascending_and_later_saves_do_not_reuse_them():
    agreement = make_agreement()
    keys = reserve_keys(Agreement, 3)
    assert keys == sorted(keys) and len(set(keys)) == 3 and min(keys) > agreement.pk
    insert_many(Agreement, [Agreement(pk=key, title=f"Kunci {key}", document_type="KB") for key in keys])
    assert set(Agreement.objects.filter(title__startswith="Kunci").values_list("pk", flat=True)) == set(keys)
    assert make_agreement().pk > max(keys)


def test_a_refused_row_raises_django_integrity_error():
    agreement = make_agreement()
    taken = agreement.parties.first().number
    row = {"agreement_id": agreement.pk, "pihak_id": pihak("Kota Samarinda"), "number": taken.lower(), "order": 3}
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_many(AgreementParty, [row])


def test_import_logs_what_snapshot_reads_back_from_the_database():
    header = ["nomor", "judul", "jenis_dokumen", "pihak", "urusan", "tanggal_ttd", "tanggal_berakhir", "nilai"]
    rows = [
        ["KB-1/2025; KB-2/2025", "KB uji", "KB", "Kaltim; Kota Balikpapan", "Adminduk; Kesehatan", "2 Mei 2025",
         "1 Mei 2028", "Rp 1.250.000.000"],
        ["PKS-1/2025", "PKS uji", "PKS", "Kukar; Unmul; Kota Samarinda", "Pendidikan", dt.date(2025, 6, 1),
         "31/05/2027", "2.500.000,5"],
    ]  # fmt: skip
    with change_context(origin="test") as context:
        report = import_agreements(xlsx(rows, header), "uji.xlsx", actor=Actor(role=Role.ADMIN))
    assert report.errors == [] and report.created == 2
    changes = ObjectChange.objects.filter(request_id=context.request_id)
    for agreement in Agreement.objects.filter(title__in=["KB uji", "PKS uji"]):
        logged = changes.get(changed_object_type__model="agreement", changed_object_id=str(agreement.pk))
        assert logged.postchange_data == _as_json(snapshot(agreement))
        for party in agreement.parties.select_related("pihak"):
            row = changes.get(changed_object_type__model="agreementparty", changed_object_id=str(party.pk))
            assert (row.object_repr, row.related_object_id) == (str(party), str(agreement.pk))
            assert row.postchange_data == _as_json(party_snapshot(party))
    assert changes.count() == 2 + 5
    # No "before" for a creation: SQL NULL, not a JSON null; one moment for the whole import.
    assert changes.filter(prechange_data__isnull=True).count() == 7
    assert len(set(changes.values_list("time", flat=True))) == 1


def _as_json(data: dict) -> dict:
    """``data`` as the JSON column returns it (dates and decimals as text)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def test_import_indexes_what_a_rebuild_would_read_back_from_the_database():
    from kerjasama.search.index import References, build_documents
    from kerjasama.search.models import AgreementDocument

    header = ["nomor", "judul", "jenis_dokumen", "pihak", "urusan", "objek", "tanggal_ttd"]
    rows = [
        ["KB-7/2025", "Kesepakatan layanan adminduk", "KB", "Kukar; Kota Samarinda", "Adminduk; Kesehatan",
         "Pelayanan KTP-el di Samboja", "2 Mei 2025"],
        ["PKS-7/2025", "Beasiswa Gratispol", "PKS", "Kaltim; Unmul", "Pendidikan", "", dt.date(2025, 6, 1)],
    ]  # fmt: skip
    report = import_agreements(xlsx(rows, header), "uji.xlsx", actor=Actor(role=Role.ADMIN))
    assert report.errors == [] and report.created == 2
    ids = sorted(Agreement.objects.filter(title__in=[row[1] for row in rows]).values_list("pk", flat=True))
    expected = {
        document.agreement_id: (document.head, document.body) for document in build_documents(ids, References())
    }
    stored = {row.agreement_id: (row.head, row.body) for row in AgreementDocument.objects.filter(agreement_id__in=ids)}
    assert stored == expected and len(stored) == 2
    assert "unmul" in stored[ids[1]][0].split() and "samboja" in stored[ids[0]][1].split()
