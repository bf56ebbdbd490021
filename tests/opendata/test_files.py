"""The dataset files: exactly the public records, the dictionary's columns, readable in every format."""

import datetime as dt

import pytest
from django.urls import reverse

from kerjasama.core.choices import Source
from kerjasama.opendata import datasets
from kerjasama.opendata.datasets import DATASETS, Context, public_agreements
from kerjasama.opendata.writers import text_value
from tests.opendata.reading import csv_rows, get, json_document, workbook

pytestmark = pytest.mark.django_db

SLUGS = list(DATASETS)
ID_COLUMN = {"kerja-sama": "id", "pihak": "kerja_sama_id", "kegiatan": "kerja_sama_id", "indikator": "kerja_sama_id"}


def csv_of(client, slug):
    response, body = get(client, reverse("opendata-file", args=[slug, "csv"]))
    assert response.status_code == 200
    return body, *csv_rows(body)


@pytest.mark.parametrize("slug", SLUGS)
def test_files_hold_exactly_the_public_not_archived_agreements(client, register, slug):
    wanted = {register.public.pk, register.synthetic.pk}
    column = ID_COLUMN[slug]
    _body, _header, rows = csv_of(client, slug)
    assert {int(row[column]) for row in rows} == wanted
    document = json_document(get(client, reverse("opendata-file", args=[slug, "json"]))[1])
    assert {row[column] for row in document["data"]} == wanted
    book = workbook(get(client, reverse("opendata-file", args=[slug, "xlsx"]))[1])
    sheet = book[DATASETS[slug].name]
    header, *values = list(sheet.values)
    position = list(header).index(column)
    assert {row[position] for row in values} == wanted


def test_nothing_of_a_hidden_or_archived_agreement_leaks(client, register):
    for slug in SLUGS:
        for fmt in ("csv", "json"):
            body = get(client, reverse("opendata-file", args=[slug, fmt]))[1].decode()
            for secret in ("Rahasia", "rahasia: ", "Diarsipkan", "arsip: rencana", "arsip: penduduk"):
                assert secret not in body, (slug, fmt, secret)


@pytest.mark.parametrize("slug", SLUGS)
def test_columns_are_the_dictionarys_in_every_format(client, register, slug):
    dataset = DATASETS[slug]
    _body, header, rows = csv_of(client, slug)
    assert header == dataset.column_names
    document = json_document(get(client, reverse("opendata-file", args=[slug, "json"]))[1])
    assert [column["name"] for column in document["metadata"]["columns"]] == dataset.column_names
    assert all(list(row) == dataset.column_names for row in document["data"])
    book = workbook(get(client, reverse("opendata-file", args=[slug, "xlsx"]))[1])
    assert book.sheetnames == [dataset.name, "kamus_data"]
    assert list(next(book[dataset.name].values)) == dataset.column_names
    guide = [row[0] for row in book["kamus_data"].values][1 : len(dataset.columns) + 1]
    assert guide == dataset.column_names


@pytest.mark.parametrize("slug", SLUGS)
def test_every_row_builder_fills_exactly_the_declared_columns(register, slug):
    dataset = DATASETS[slug]
    rows = list(dataset.rows(Context("https://data.example", dt.date(2025, 11, 18))))
    assert rows
    assert all(set(row) == set(dataset.column_names) for row in rows)


def test_dictionary_examples_and_types_are_documented():
    for dataset in DATASETS.values():
        assert dataset.title and dataset.description and dataset.row_unit
        for column in dataset.columns:
            assert str(column.description).strip(), column.name
            assert text_value(column.example) != "", (dataset.slug, column.name)
            if column.choices:
                assert text_value(column.example) in column.choices.values, (dataset.slug, column.name)
    with pytest.raises(ValueError):
        datasets.Column("x", "money", "bad type", 1)


@pytest.mark.parametrize("slug", SLUGS)
def test_synthetic_rows_are_labelled_in_every_file(client, register, slug):
    column = ID_COLUMN[slug]
    _body, _header, rows = csv_of(client, slug)
    for row in rows:
        expected = Source.SINTETIS if int(row[column]) == register.synthetic.pk else Source.INPUT
        assert row["sumber"] == expected
    document = json_document(get(client, reverse("opendata-file", args=[slug, "json"]))[1])
    assert "contoh_sintetis" in document["metadata"]["note"]
    assert {row["sumber"] for row in document["data"] if row[column] == register.synthetic.pk} == {Source.SINTETIS}


def test_a_real_activity_of_a_synthetic_agreement_is_labelled_synthetic(register):
    rows = list(DATASETS["kegiatan"].rows(Context("", dt.date(2025, 11, 18))))
    mine = [row for row in rows if row["kerja_sama_id"] == register.synthetic.pk]
    assert mine and all(row["sumber"] == Source.SINTETIS for row in mine)


def test_csv_is_rfc4180_utf8_without_bom(client, register):
    body, header, rows = csv_of(client, "kerja-sama")
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\r\n") >= len(rows) + 1
    public = next(row for row in rows if int(row["id"]) == register.public.pk)
    numbers = register.public.numbers()
    assert public["nomor"] == ";".join(numbers)
    assert public["pihak"].split(";") == [party.pihak.name for party in register.public.parties.all()]
    assert public["nilai"] == "1500000000"
    assert public["perlu_persetujuan_dprd"] == "false"
    assert public["tanggal_ttd"] == "2025-03-01"
    assert public["url"] == f"https://data.example/kerja-sama/{register.public.pk}/"
    assert dt.datetime.fromisoformat(public["diperbarui"]).utcoffset() == dt.timedelta(hours=8)
    synthetic = next(row for row in rows if int(row["id"]) == register.synthetic.pk)
    assert synthetic["judul"] == "=Contoh sintetis"  # data as it is, not defused


def test_json_values_are_typed(client, register):
    document = json_document(get(client, reverse("opendata-file", args=["kerja-sama", "json"]))[1])
    assert document["metadata"]["licence"]["url"].startswith("https://creativecommons.org/")
    assert document["metadata"]["dictionary"].endswith("#kamus-kerja-sama")
    row = next(row for row in document["data"] if row["id"] == register.public.pk)
    assert row["nilai"] == 1500000000 and isinstance(row["nilai"], int)
    assert row["perlu_persetujuan_dprd"] is False
    assert row["nomor"] == register.public.numbers()
    assert row["induk_id"] is None and row["tanggal_diakhiri"] is None
    assert row["kode_urusan"] == ["2.12"]


def test_indicator_rows_carry_values_and_the_result(client, register):
    _body, _header, rows = csv_of(client, "indikator")
    mine = [row for row in rows if int(row["kerja_sama_id"]) == register.public.pk]
    assert [row["nilai"] for row in mine] == ["100", "150"]
    assert {row["hasil"] for row in mine} == {"250"}
    assert {row["capaian_persen"] for row in mine} == {"62.5"}
    assert mine[0]["periode_mulai"] == "2025-01-01"


def test_activity_progress_rolls_up_like_the_site(client, register):
    _body, _header, rows = csv_of(client, "kegiatan")
    mine = {row["judul"]: row for row in rows if int(row["kerja_sama_id"]) == register.public.pk}
    assert mine["publik: rencana kerja"]["progres"] == "75"
    parent_id = mine["publik: rencana kerja"]["id"]
    assert mine["publik: sosialisasi"]["induk_id"] == parent_id


def test_party_rows_name_codes_roles_and_not_signatory_names(client, register):
    _body, header, rows = csv_of(client, "pihak")
    assert "penandatangan" not in header and "signatory_name" not in header
    mine = [row for row in rows if int(row["kerja_sama_id"]) == register.public.pk]
    assert [row["urutan"] for row in mine] == ["1", "2", "3"]
    assert [row["kode_wilayah"] for row in mine[:2]] == ["64", "64.71"]
    unmul = mine[2]
    assert unmul["jenis"] == "mitra" and unmul["kode_wilayah"] == "" and unmul["mitra_id"]
    assert unmul["jenis_mitra"] == "perguruan_tinggi"


def test_xlsx_keeps_dates_numbers_and_text(client, register):
    book = workbook(get(client, reverse("opendata-file", args=["kerja-sama", "xlsx"]))[1])
    header, *rows = list(book["kerja_sama"].values)
    row = dict(zip(header, next(r for r in rows if r[0] == register.public.pk), strict=True))
    assert row["tanggal_ttd"] == dt.datetime(2025, 3, 1)
    assert row["nilai"] == 1500000000
    title = next(
        row[header.index("judul")]
        for row in book["kerja_sama"].iter_rows(min_row=2)
        if row[0].value == register.synthetic.pk
    )
    assert title.value == "=Contoh sintetis" and title.data_type == "s"  # text, not a formula
    notes = [row[0] for row in book["kamus_data"].values if row and row[0]]
    assert "Lisensi" in notes or "Licence" in notes


def test_rows_are_read_in_chunks(register):
    chunks = list(datasets.agreement_chunks(public_agreements(), size=1))
    assert [len(chunk) for chunk in chunks] == [1, 1]
    assert [chunk[0].pk for chunk in chunks] == sorted([register.public.pk, register.synthetic.pk])


def test_dictionary_csv_and_datapackage_describe_every_column(client, register):
    _response, body = get(client, reverse("opendata-dictionary"))
    header, rows = csv_rows(body)
    assert header[:3] == ["dataset", "kolom", "tipe"]
    assert [(row["dataset"], row["kolom"]) for row in rows] == [
        (slug, name) for slug, dataset in DATASETS.items() for name in dataset.column_names
    ]
    package = json_document(get(client, reverse("opendata-datapackage"))[1])
    assert package["licenses"][0]["path"].startswith("https://creativecommons.org/")
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert list(resources) == list(DATASETS)
    for slug, dataset in DATASETS.items():
        fields = resources[slug]["schema"]["fields"]
        assert [field["name"] for field in fields] == dataset.column_names
        assert resources[slug]["path"] == f"https://data.example/data/{slug}.csv"
    stage = next(field for field in resources["kerja-sama"]["schema"]["fields"] if field["name"] == "tahap")
    assert "pelaksanaan" in stage["constraints"]["enum"]
    assert resources["pihak"]["schema"]["foreignKeys"][0]["reference"] == {"resource": "kerja-sama", "fields": "id"}


def test_files_are_made_once_per_version_and_kept(client, register, settings):
    path = reverse("opendata-file", args=["pihak", "csv"])
    first, body = get(client, path)
    assert first.streaming
    stored = list((settings.VAR_DIR / "opendata").glob("pihak.*.csv"))
    assert len(stored) == 1 and stored[0].read_bytes() == body
    again, body_again = get(client, path)
    assert body_again == body and again["ETag"] == first["ETag"]


def test_head_does_not_make_the_file(client, register, settings):
    response = client.head(reverse("opendata-file", args=["kegiatan", "xlsx"]))
    assert response.status_code == 200 and response["ETag"]
    assert not list((settings.VAR_DIR / "opendata").glob("kegiatan.*"))


def test_unknown_dataset_or_format_is_404(client, db):
    assert client.get("/data/rahasia.csv").status_code == 404
    assert client.get("/data/kerja-sama.pdf").status_code == 404
