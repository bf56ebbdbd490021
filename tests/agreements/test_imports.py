import datetime as dt
import io

import openpyxl
import pytest

from kerjasama.agreements.exports import export_agreements
from kerjasama.agreements.imports import import_agreements
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.template import COLUMN_NAMES
from kerjasama.core.models import ObjectChange
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor, actor_for

pytestmark = pytest.mark.django_db
ADMIN = Actor(role=Role.ADMIN)

HEADER = [
    "Nomor", "Judul", "Jenis_Dokumen", "kategori", "pihak", "urusan", "perangkat_daerah", "tanggal_ttd",
    "tanggal_mulai", "tanggal_berakhir", "induk", "layanan", "wilayah_layanan", "tahap", "publik", "catatan",
]  # fmt: skip
GOOD_ROWS = [
    ["100/KB/2025; B-45/2025", "Kesepakatan Bersama Pelayanan Dasar", "KB", "", "Pemprov Kaltim; Pemkot Balikpapan",
     "Adminduk; Kesehatan", "Biro Pemerintahan dan Otonomi Daerah", "18 November 2025", "", "17/11/2030", "", "", "",
     "", "ya", "catatan bebas"],
    ["119/PKS/2025", "PKS Adminduk warga Samboja", "pks", "KSDD", "Kukar; Kota Balikpapan", "adminduk",
     "Disdukcapil Kukar", "18-11-2025", "", "18 Nov 2027", "100/KB/2025", "adminduk", "Samboja; Samboja Barat",
     "Pelaksanaan", "ya", ""],
    ["7/UKT/2025", "PKS Pembiayaan UKT Gratispol", "Perjanjian Kerja Sama", "", "Kaltim;Unmul", "Pendidikan",
     "Biro Kesejahteraan Rakyat", dt.date(2025, 6, 16), "", "2026-06-16", "", "perguruan_tinggi", "", "", "tidak",
     ""],
]  # fmt: skip


def xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, delimiter=",", bom=True) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([[c.isoformat() if isinstance(c, dt.date) else c for c in row] for row in rows])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def test_template_with_indonesian_dates_short_names_and_aliases_imports_exactly():
    report = import_agreements(xlsx(GOOD_ROWS), "kerjasama.xlsx", actor=ADMIN)
    assert report.errors == [] and report.created == 3
    assert [w.column for w in report.warnings] == ["catatan"]  # unknown column reported, not fatal
    kb = Agreement.objects.get(parties__number="100/KB/2025")
    assert [p.pihak.name for p in kb.parties.all()] == ["Kalimantan Timur", "Kota Balikpapan"]
    assert kb.numbers() == ["100/KB/2025", "B-45/2025"]
    assert kb.signed_on == dt.date(2025, 11, 18) and kb.start_on == kb.signed_on
    assert kb.end_on == dt.date(2030, 11, 17) and kb.category == "KSDD"
    assert sorted(kb.urusan.values_list("code", flat=True)) == ["1.02", "2.12"]
    pks = Agreement.objects.get(parties__number="119/PKS/2025")
    assert pks.parent == kb and pks.stage == "pelaksanaan"
    assert sorted(pks.service_areas.values_list("code", flat=True)) == ["64.02.13", "64.02.20"]
    assert list(pks.service_types.values_list("code", flat=True)) == ["adminduk"]
    ukt = Agreement.objects.get(parties__number="7/UKT/2025")
    assert ukt.category == "KSDPK" and ukt.is_public is False and ukt.signed_on == dt.date(2025, 6, 16)
    assert ukt.parties.get(order=2).pihak.name == "Universitas Mulawarman"
    assert ukt.source == "impor"
    assert ObjectChange.objects.filter(action="create", changed_object_type__model="agreement").count() == 3


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_either_separator_and_with_or_without_bom(delimiter, bom):
    report = import_agreements(csv_bytes(GOOD_ROWS, delimiter=delimiter, bom=bom), "kerjasama.csv", actor=ADMIN)
    assert report.errors == [] and report.created == 3


def test_one_bad_row_imports_nothing_and_names_row_and_column():
    rows = [list(row) for row in GOOD_ROWS]
    rows[2][9] = "16/06/2024"  # row 4 of the sheet: ends before it starts
    rows[1][4] = "Kukar; Atlantis"  # row 3: unknown party
    report = import_agreements(xlsx(rows), "salah.xlsx", actor=ADMIN)
    assert report.created == 0 and Agreement.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(3, "pihak"), (4, "tanggal_berakhir")]
    assert "Atlantis" in report.errors[0].message


def test_dry_run_reports_and_writes_nothing():
    report = import_agreements(xlsx(GOOD_ROWS), "kerjasama.xlsx", actor=ADMIN, dry_run=True)
    assert report.ok and report.rows == 3 and report.created == 0
    assert len(report.preview) == 3 and report.new_perangkat_daerah
    assert Agreement.objects.count() == 0


def test_duplicate_numbers_in_the_file_or_stored_are_errors():
    rows = [list(row) for row in GOOD_ROWS]
    rows[2][0] = "119/pks/2025"
    report = import_agreements(xlsx(rows), "dup.xlsx", actor=ADMIN)
    assert [(e.row, e.column) for e in report.errors] == [(4, "nomor")]
    assert "row 3" in report.errors[0].message
    assert import_agreements(xlsx(GOOD_ROWS[:1]), "a.xlsx", actor=ADMIN).created == 1
    again = import_agreements(xlsx(GOOD_ROWS), "b.xlsx", actor=ADMIN)
    assert again.created == 0 and {e.row for e in again.errors} == {2}
    assert Agreement.objects.count() == 1


def test_missing_required_column_and_wrong_file_type():
    header = [h for h in HEADER if h != "pihak"]
    rows = [[c for i, c in enumerate(row) if HEADER[i] != "pihak"] for row in GOOD_ROWS]
    report = import_agreements(xlsx(rows, header), "x.xlsx", actor=ADMIN)
    assert [(e.row, e.column) for e in report.errors] == [(1, "pihak")]
    assert import_agreements(b"%PDF-1.4", "x.pdf", actor=ADMIN).errors[0].row == 1
    assert import_agreements(b"not a zip", "x.xlsx", actor=ADMIN).errors


def test_operator_may_import_only_its_own_agreements(kukar_operator):
    report = import_agreements(xlsx(GOOD_ROWS), "op.xlsx", actor=actor_for(kukar_operator), user=kukar_operator)
    assert {(e.row, e.column) for e in report.errors} == {(2, "pihak"), (4, "pihak")}
    assert report.created == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_into_an_empty_database_gives_the_same_data(fmt, django_db_blocker):
    assert import_agreements(xlsx(GOOD_ROWS), "asal.xlsx", actor=ADMIN).created == 3
    Agreement.objects.filter(pk=Agreement.objects.get(parties__number="7/UKT/2025").pk).update(
        subject="Pembiayaan UKT",
        funding_source="apbd_provinsi",
        funding_amount="44150000000.00",
        dprd_approval_required=True,
        dprd_approval_reference="Persetujuan DPRD 1/2025",
    )
    first = io.BytesIO()
    export_agreements(Agreement.objects.order_by("pk"), first, fmt)

    Agreement.objects.update(parent=None)
    Agreement.objects.all().delete()
    report = import_agreements(first.getvalue(), f"ekspor.{fmt}", actor=ADMIN)
    assert report.errors == [] and report.created == 3

    second = io.BytesIO()
    export_agreements(Agreement.objects.order_by("pk"), second, fmt)
    assert read_table(first.getvalue(), fmt) == read_table(second.getvalue(), fmt)


def read_table(content: bytes, fmt: str) -> list[list]:
    if fmt == "csv":
        import csv

        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(COLUMN_NAMES)
    return rows
