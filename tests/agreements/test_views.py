"""The server-rendered agreement pages, driven through Django's test client."""

import csv
import datetime as dt
import io
import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kerjasama.agreements.choices import DocumentType, Stage
from kerjasama.agreements.models import Agreement, AgreementTransition
from kerjasama.agreements.template import COLUMN_NAMES
from kerjasama.core.choices import ChangeAction, Source
from kerjasama.core.models import ObjectChange
from kerjasama.regions.models import Urusan
from tests.builders import make_agreement

pytestmark = pytest.mark.django_db

LIST = "/kerja-sama/"


class FormValues(HTMLParser):
    """The values a browser would submit from ``<form class="…{css_class}…">``: a round trip of the page."""

    def __init__(self, css_class: str):
        super().__init__()
        self.css_class = css_class
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.css_class in (attrs.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.values.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_options = name, []
        elif tag == "option" and self._select is not None:
            self._select_options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and self._select_options:
                chosen = [self._select_options[0][0]]
            self.values += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def form_values(html: str, css_class: str = "agreement-form") -> dict[str, list[str]]:
    parser = FormValues(css_class)
    parser.feed(html)
    found: dict[str, list[str]] = {}
    for name, value in parser.values:
        found.setdefault(name, []).append(value)
    return found


def urusan_pk(code: str) -> str:
    return str(Urusan.objects.get(code=code).pk)


def new_agreement_data(first: str, second: str, **overrides) -> dict:
    """POST data of the add form with two parties (names as typed into the party field)."""
    data = {
        "title": "PKS pelayanan adminduk warga perbatasan",
        "document_type": "PKS",
        "category": "",
        "stage": "persiapan",
        "urusan": [urusan_pk("2.12")],
        "source": "input",
        "is_public": "on",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-pihak": first,
        "parties-0-role": "pemrakarsa",
        "parties-0-number": "UI-1/2025",
        "parties-0-service_role": "timbal_balik",
        "parties-1-pihak": second,
        "parties-1-role": "mitra",
        "parties-1-number": "",
        "parties-1-service_role": "timbal_balik",
        # An untouched extra row is skipped.
        "parties-2-pihak": "",
        "parties-2-role": "mitra",
        "parties-2-service_role": "timbal_balik",
    }
    data.update(overrides)
    return data


# Visibility ----------------------------------------------------------------------------------------


def test_anonymous_sees_only_public_agreements(client):
    public = make_agreement(title="PKS publik layanan kesehatan")
    hidden = make_agreement(title="PKS rahasia belum terbit", is_public=False)

    page = client.get(LIST).content.decode()
    assert public.title in page
    assert hidden.title not in page

    assert client.get(reverse("kerjasama-detail", args=[public.pk])).status_code == 200
    assert client.get(reverse("kerjasama-detail", args=[hidden.pk])).status_code == 404


def test_signed_in_viewer_sees_non_public_agreement(client, viewer):
    hidden = make_agreement(title="PKS internal", is_public=False)
    client.force_login(viewer)
    assert hidden.title in client.get(LIST).content.decode()
    response = client.get(reverse("kerjasama-detail", args=[hidden.pk]))
    assert response.status_code == 200
    # Viewers read, but get no edit, archive or stage buttons.
    body = response.content.decode()
    assert reverse("kerjasama-edit", args=[hidden.pk]) not in body
    assert reverse("kerjasama-archive", args=[hidden.pk]) not in body


def test_history_is_shown_to_signed_in_users_only(client, viewer):
    agreement = make_agreement(title="PKS dengan riwayat")
    assert 'id="riwayat"' not in client.get(reverse("kerjasama-detail", args=[agreement.pk])).content.decode()
    client.force_login(viewer)
    assert 'id="riwayat"' in client.get(reverse("kerjasama-detail", args=[agreement.pk])).content.decode()


def test_synthetic_record_is_labelled(client):
    make_agreement(title="Contoh sintetis PKS", source=Source.SINTETIS)
    real = make_agreement(title="PKS dari arsip", source=Source.ARSIP)
    home = client.get("/").content.decode()
    assert "notice--synthetic" in home
    listing = client.get(LIST).content.decode()
    assert listing.count("badge--synthetic") == 1
    detail = client.get(reverse("kerjasama-detail", args=[real.pk])).content.decode()
    assert "notice--synthetic" not in detail


def test_home_shows_yearly_counts(client):
    make_agreement(signed_on=dt.date(2024, 5, 2), end_on=dt.date(2026, 5, 1))
    make_agreement(signed_on=dt.date(2025, 3, 1))
    make_agreement(signed_on=dt.date(2025, 6, 1))
    body = client.get("/").content.decode()
    assert f'href="{LIST}?year=2024">2024</a></th><td class="num">1</td>' in body
    assert f'href="{LIST}?year=2025">2025</a></th><td class="num">2</td>' in body
    assert "notice--synthetic" not in body


# Create and edit ------------------------------------------------------------------------------------


def test_operator_creates_agreement_with_own_party(client, kukar_operator):
    client.force_login(kukar_operator)
    page = client.get(reverse("kerjasama-add"))
    assert page.status_code == 200
    # The operator's own party is preselected as the first party.
    assert form_values(page.content.decode())["parties-0-pihak"] == ["Kabupaten Kutai Kartanegara"]

    response = client.post(reverse("kerjasama-add"), new_agreement_data("Kukar", "Kota Balikpapan"))
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="PKS pelayanan adminduk warga perbatasan")
    assert response["Location"] == reverse("kerjasama-detail", args=[agreement.pk])
    assert [party.pihak.name for party in agreement.parties.all()] == [
        "Kabupaten Kutai Kartanegara",
        "Kota Balikpapan",
    ]
    assert agreement.numbers() == ["UI-1/2025"]
    assert agreement.source == Source.INPUT


def test_operator_gets_form_error_without_own_party(client, english, kukar_operator):
    client.force_login(kukar_operator)
    response = client.post(reverse("kerjasama-add"), new_agreement_data("Pemprov Kaltim", "Kota Balikpapan"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "You may only register agreements to which your region or partner is a party." in body
    assert 'id="parties_error"' in body
    assert not Agreement.objects.exists()


def test_unknown_party_name_is_a_field_error(client, english, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("kerjasama-add"), new_agreement_data("Pemprov Kaltim", "Kabupaten Atlantis"))
    assert response.status_code == 400
    assert "Unknown party “Kabupaten Atlantis”." in response.content.decode()
    assert not Agreement.objects.exists()


def test_end_before_start_rerenders_form_and_saves_nothing(client, english, admin_user):
    client.force_login(admin_user)
    data = new_agreement_data(
        "Pemprov Kaltim", "Kota Balikpapan", signed_on="2025-03-01", start_on="2025-03-01", end_on="2024-12-31"
    )
    response = client.post(reverse("kerjasama-add"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "The end date (2024-12-31) is before the start date (2025-03-01)." in body
    # The error sits on the end date field, and the typed values are kept.
    assert 'id="field-end_on"' in body and 'aria-invalid="true"' in body
    assert form_values(body)["title"] == ["PKS pelayanan adminduk warga perbatasan"]
    assert not Agreement.objects.exists()
    assert not ObjectChange.objects.exists()


def test_indonesian_dates_and_amounts_are_accepted(client, admin_user):
    client.force_login(admin_user)
    data = new_agreement_data(
        "Pemprov Kaltim",
        "Kota Balikpapan",
        stage="pelaksanaan",
        signed_on="18 November 2025",
        end_on="17/11/2027",
        funding_amount="Rp 1.250.000.000",
    )
    assert client.post(reverse("kerjasama-add"), data).status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.signed_on == dt.date(2025, 11, 18)
    assert agreement.start_on == dt.date(2025, 11, 18)
    assert agreement.end_on == dt.date(2027, 11, 17)
    assert agreement.funding_amount == 1250000000
    assert agreement.stage == Stage.PELAKSANAAN


def test_viewer_may_not_open_the_add_form(client, viewer):
    assert client.get(reverse("kerjasama-add")).status_code == 302  # anonymous: to the log-in page
    client.force_login(viewer)
    assert client.get(reverse("kerjasama-add")).status_code == 403


def test_edit_writes_change_log_and_history_shows_field(client, english, admin_user):
    agreement = make_agreement(title="PKS lama adminduk", end_on=dt.date(2027, 2, 28))
    client.force_login(admin_user)
    page = client.get(reverse("kerjasama-edit", args=[agreement.pk]))
    assert page.status_code == 200
    data = form_values(page.content.decode())
    # The stored values come back in the form; change the title and the end date.
    assert data["title"] == ["PKS lama adminduk"]
    assert data["end_on"] == ["2027-02-28"]
    assert "stage" not in data
    data.update(title=["PKS baru adminduk"], end_on=["2028-02-29"], note=["Judul dikoreksi"])

    response = client.post(reverse("kerjasama-edit", args=[agreement.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement.refresh_from_db()
    assert agreement.title == "PKS baru adminduk"
    assert agreement.end_on == dt.date(2028, 2, 29)
    # Parties were rewritten as they were: no party change logged.
    change = ObjectChange.objects.get(action=ChangeAction.UPDATE)
    assert {key for key, _before, _after in change.diff()} == {"title", "end_on"}
    assert change.message == "Judul dikoreksi"

    detail = client.get(reverse("kerjasama-detail", args=[agreement.pk])).content.decode()
    history = detail[detail.index('id="riwayat"') :]
    assert "Judul dikoreksi" in history
    assert (
        '<th scope="row">Title</th><td><del>PKS lama adminduk</del></td><td><ins>PKS baru adminduk</ins></td>'
        in history
    )


def test_edit_with_error_changes_nothing(client, english, admin_user):
    agreement = make_agreement(title="PKS tetap")
    client.force_login(admin_user)
    data = form_values(client.get(reverse("kerjasama-edit", args=[agreement.pk])).content.decode())
    data.update(title=["Judul baru"], urusan=[])
    response = client.post(reverse("kerjasama-edit", args=[agreement.pk]), data)
    assert response.status_code == 400
    assert "Choose at least one urusan." in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.title == "PKS tetap"
    assert not ObjectChange.objects.filter(action=ChangeAction.UPDATE).exists()


def test_operator_cannot_edit_others_agreement(client, balikpapan_operator):
    agreement = make_agreement(parties=("Pemprov Kaltim", "Kukar"))
    client.force_login(balikpapan_operator)
    assert client.get(reverse("kerjasama-edit", args=[agreement.pk])).status_code == 403
    detail = client.get(reverse("kerjasama-detail", args=[agreement.pk])).content.decode()
    assert reverse("kerjasama-edit", args=[agreement.pk]) not in detail


# Lifecycle ------------------------------------------------------------------------------------------


def test_transition_button_moves_stage_and_records_note(client, admin_user):
    agreement = make_agreement(stage=Stage.PERSIAPAN, signed_on=None, end_on=None)
    client.force_login(admin_user)
    detail = client.get(reverse("kerjasama-detail", args=[agreement.pk])).content.decode()
    assert 'name="to" value="penawaran"' in detail

    response = client.post(
        reverse("kerjasama-transition", args=[agreement.pk]),
        {"to": "penawaran", "note": "Surat penawaran dikirim ke Balikpapan"},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.stage == Stage.PENAWARAN
    step = AgreementTransition.objects.filter(agreement=agreement).latest("at")
    assert (step.from_stage, step.to_stage, step.note) == (
        "persiapan",
        "penawaran",
        "Surat penawaran dikirim ke Balikpapan",
    )
    assert step.user == admin_user
    detail = client.get(reverse("kerjasama-detail", args=[agreement.pk])).content.decode()
    assert "Surat penawaran dikirim ke Balikpapan" in detail


def test_signing_button_takes_the_signing_date(client, admin_user):
    agreement = make_agreement(stage=Stage.PENANDATANGANAN, signed_on=None, end_on=None)
    client.force_login(admin_user)
    detail = client.get(reverse("kerjasama-detail", args=[agreement.pk])).content.decode()
    # Without a signing date the move is offered with a date field, not blocked.
    assert 'name="to" value="pelaksanaan"' in detail
    client.post(
        reverse("kerjasama-transition", args=[agreement.pk]),
        {"to": "pelaksanaan", "note": "", "date": "2025-10-01"},
    )
    agreement.refresh_from_db()
    assert agreement.stage == Stage.PELAKSANAAN
    assert agreement.signed_on == dt.date(2025, 10, 1)


def test_blocked_transition_is_disabled_with_reason(client, english, admin_user):
    agreement = make_agreement(stage=Stage.PELAKSANAAN)
    client.force_login(admin_user)
    detail = client.get(reverse("kerjasama-detail", args=[agreement.pk])).content.decode()
    # "Mark extended" needs a registered extension first.
    assert "Register the extending agreement and link it to this one first." in detail
    assert 'name="to" value="diperpanjang"' not in detail


def test_refused_transition_shows_reasons_as_messages(client, english, admin_user):
    agreement = make_agreement(stage=Stage.PELAKSANAAN)
    client.force_login(admin_user)
    response = client.post(
        reverse("kerjasama-transition", args=[agreement.pk]), {"to": "diakhiri", "note": ""}, follow=True
    )
    assert "Write the reason in the note." in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.stage == Stage.PELAKSANAAN


# Archive ----------------------------------------------------------------------------------------------


def test_archive_hides_from_list_and_restore_brings_back(client, admin_user):
    agreement = make_agreement(title="PKS untuk diarsipkan")
    client.force_login(admin_user)
    confirm = client.get(reverse("kerjasama-archive", args=[agreement.pk]))
    assert confirm.status_code == 200
    agreement.refresh_from_db()
    assert not agreement.is_archived  # the confirmation page changes nothing

    client.post(reverse("kerjasama-archive", args=[agreement.pk]), {"note": "Dobel input"})
    agreement.refresh_from_db()
    assert agreement.is_archived
    assert agreement.title not in client.get(LIST).content.decode()
    assert agreement.title in client.get(reverse("kerjasama-archive-list")).content.decode()
    assert ObjectChange.objects.get(action=ChangeAction.ARCHIVE).message == "Dobel input"

    client.post(reverse("kerjasama-restore", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert not agreement.is_archived
    assert agreement.title in client.get(LIST).content.decode()
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_operator_archive_list_shows_only_own(client, kukar_operator, admin_user):
    own = make_agreement(title="PKS Kukar diarsipkan", parties=("Pemprov Kaltim", "Kukar"))
    other = make_agreement(title="PKS Balikpapan diarsipkan")
    client.force_login(admin_user)
    for agreement in (own, other):
        client.post(reverse("kerjasama-archive", args=[agreement.pk]))
    client.force_login(kukar_operator)
    page = client.get(reverse("kerjasama-archive-list")).content.decode()
    assert own.title in page and other.title not in page
    assert client.post(reverse("kerjasama-restore", args=[other.pk])).status_code == 404


def test_anonymous_cannot_archive(client):
    agreement = make_agreement()
    response = client.post(reverse("kerjasama-archive", args=[agreement.pk]))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    agreement.refresh_from_db()
    assert not agreement.is_archived


# Import -------------------------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


HEADER = ["nomor", "judul", "jenis_dokumen", "pihak", "urusan", "tanggal_ttd", "tanggal_berakhir"]
GOOD_ROW = [
    "IMP-1/2025",
    "PKS impor satu",
    "PKS",
    "Pemprov Kaltim; Kota Balikpapan",
    "2.12",
    "01/03/2025",
    "2027-02-28",
]


def _upload(client, content: bytes, name: str = "kerjasama.csv"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("kerjasama-import"), {"file": upload})


def test_import_preview_lists_row_errors_and_imports_nothing(client, admin_user, settings):
    client.force_login(admin_user)
    bad_row = ["IMP-2/2025", "PKS impor dua", "PKS", "Pemprov Kaltim; Kabupaten Atlantis", "2.12", "", ""]
    response = _upload(client, _csv([HEADER, GOOD_ROW, bad_row]))
    body = response.content.decode()
    assert response.status_code == 200
    # Indonesian by default, whatever the browser prefers; English once chosen with the switch.
    assert "Baris 3, kolom pihak: Pihak “Kabupaten Atlantis” tidak dikenal." in body
    assert "Baris 2," not in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = _upload(client, _csv([HEADER, GOOD_ROW, bad_row])).content.decode()
    assert "Row 3, column pihak: Unknown party “Kabupaten Atlantis”." in body
    assert "Row 2," not in body
    assert 'name="token"' not in body  # no confirm button
    assert not Agreement.objects.exists()
    assert not list((settings.VAR_DIR / "imports").iterdir())


def test_import_good_file_after_confirm(client, english, admin_user, settings):
    client.force_login(admin_user)
    second = ["IMP-3/2025", "PKS impor tiga", "PKS", "Kukar; Kota Samarinda", "Kesehatan", "2 Mei 2025", ""]
    response = _upload(client, _csv([HEADER, GOOD_ROW, second]))
    body = response.content.decode()
    assert "All 2 rows are correct and can be imported." in body
    assert "PKS impor tiga" in body  # the preview table
    assert not Agreement.objects.exists()  # the preview is a dry run
    stored = list((settings.VAR_DIR / "imports").iterdir())
    assert len(stored) == 1

    token = form_values(body, "actions")["token"][0]
    response = client.post(reverse("kerjasama-import-confirm"), {"token": token, "confirm": ""})
    assert response.status_code == 302
    assert set(Agreement.objects.values_list("title", flat=True)) == {"PKS impor satu", "PKS impor tiga"}
    assert set(Agreement.objects.values_list("source", flat=True)) == {Source.IMPOR}
    assert not stored[0].exists()  # the upload is deleted after the import
    # The same token cannot run the import twice.
    client.post(reverse("kerjasama-import-confirm"), {"token": token, "confirm": ""})
    assert Agreement.objects.count() == 2


def test_import_confirm_needs_the_sessions_token(client, admin_user, settings):
    client.force_login(admin_user)
    body = _upload(client, _csv([HEADER, GOOD_ROW])).content.decode()
    token = form_values(body, "actions")["token"][0]
    forged = "../" + token
    response = client.post(reverse("kerjasama-import-confirm"), {"token": forged, "confirm": ""})
    assert response.status_code == 302
    assert not Agreement.objects.exists()


def test_import_refuses_large_and_foreign_files(client, english, admin_user, settings):
    client.force_login(admin_user)
    settings.IMPORT_MAX_BYTES = 100
    response = _upload(client, _csv([HEADER, GOOD_ROW] * 5))
    assert response.status_code == 400
    assert "The file is larger than 100" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10_000
    response = _upload(client, b"judul\nx\n", name="data.txt")
    assert response.status_code == 400
    assert "Unsupported file type “.txt”" in response.content.decode()
    folder = settings.VAR_DIR / "imports"
    assert not folder.exists() or not list(folder.iterdir())


def test_only_admins_and_operators_import(client, viewer, unmul_operator):
    client.force_login(viewer)
    assert client.get(reverse("kerjasama-import")).status_code == 403
    assert _upload(client, _csv([HEADER, GOOD_ROW])).status_code == 403
    client.force_login(unmul_operator)
    assert client.get(reverse("kerjasama-import")).status_code == 200


def test_template_download_is_xlsx_with_header_row(client):
    response = client.get("/kerja-sama/impor/templat.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    header = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert tuple(header) == COLUMN_NAMES
    csv_response = client.get("/kerja-sama/impor/templat.csv")
    assert csv_response.content.decode("utf-8-sig").splitlines()[0].split(",") == list(COLUMN_NAMES)


def test_import_page_lists_template_columns(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("kerjasama-import")).content.decode()
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in body


# Export -------------------------------------------------------------------------------------------


def test_export_of_filtered_list_contains_only_filtered_agreements(client):
    kb = make_agreement(title="KB Kaltim Balikpapan", document_type=DocumentType.KB)
    make_agreement(title="PKS Kaltim Balikpapan")
    make_agreement(title="KB tertutup", document_type=DocumentType.KB, is_public=False)

    response = client.get("/kerja-sama/ekspor.csv?document_type=KB")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row["judul"] for row in rows] == [kb.title]

    data = json.loads(b"".join(client.get("/kerja-sama/ekspor.json?q=PKS").streaming_content))
    assert [item["judul"] for item in data] == ["PKS Kaltim Balikpapan"]

    workbook = load_workbook(
        io.BytesIO(b"".join(client.get("/kerja-sama/ekspor.xlsx?document_type=PKS").streaming_content)),
        read_only=True,
    )
    titles = [row[1] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert titles == ["PKS Kaltim Balikpapan"]


def test_list_links_export_with_current_filter(client):
    make_agreement()
    body = client.get(LIST + "?document_type=KB&region_code=64.71").content.decode()
    assert "/kerja-sama/ekspor.xlsx?document_type=KB&amp;region=64.71" in body


# List ---------------------------------------------------------------------------------------------


def test_list_filters_by_region_code_and_validity(client):
    kukar = make_agreement(title="PKS Kukar", parties=("Pemprov Kaltim", "Kukar"))
    expired = make_agreement(title="PKS lama Balikpapan", signed_on=dt.date(2019, 1, 1), end_on=dt.date(2020, 1, 1))
    body = client.get(LIST, {"region": "64.02"}).content.decode()
    assert kukar.title in body and expired.title not in body
    body = client.get(LIST, {"region_code": "64.71", "validity": "kedaluwarsa"}).content.decode()
    assert expired.title in body and kukar.title not in body
    assert "Kedaluwarsa" in body or "Expired" in body


def test_htmx_request_gets_only_the_results(client):
    make_agreement(title="PKS htmx")
    response = client.get(LIST, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "PKS htmx" in body
    assert "<html" not in body and 'class="filters"' not in body
    # The result count lives outside the swapped table, in a status region that stays in place.
    assert 'hx-swap-oob="innerHTML:#result-count"' in body
    assert "HX-Request" in response["Vary"]
    assert 'id="result-count"' in client.get(LIST).content.decode()


def test_suggestions_offer_only_visible_agreements(client):
    make_agreement(title="KB layanan terbuka", document_type=DocumentType.KB)
    make_agreement(title="KB layanan tertutup", document_type=DocumentType.KB, is_public=False)
    body = client.get(reverse("kerjasama-suggest"), {"amends": "layanan"}, HTTP_HX_REQUEST="true").content.decode()
    assert "KB layanan terbuka" in body
    assert "tertutup" not in body
    assert body.count("<option") == 1


def test_list_query_count_is_bounded(client, admin_user, django_assert_max_num_queries):
    for index in range(30):
        make_agreement(title=f"PKS nomor {index}", parties=("Pemprov Kaltim", "Kota Balikpapan", "Kukar"))
    client.force_login(admin_user)
    client.get(LIST)  # warm caches (content types, session)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    body = response.content.decode()
    assert body.count('href="/kerja-sama/') >= 30
    assert "Kabupaten Kutai Kartanegara" in body


def test_list_paginates_by_fifty(client):
    for index in range(51):
        make_agreement(title=f"PKS halaman {index:02d}", numbered=False)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert first.count("PKS halaman") == 50
    assert second.count("PKS halaman") == 1


# Language and log-in --------------------------------------------------------------------------------


def test_language_switch_to_english_changes_labels(client):
    before = client.get(LIST).content.decode()
    assert '<html lang="id">' in before
    assert ">Cari</label>" in before

    response = client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST
    after = client.get(LIST).content.decode()
    assert '<html lang="en">' in after
    assert ">Search</label>" in after


def test_login_page_and_logout_button(client, admin_user):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "admin", "password": "test-pass-123"})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert f'action="{reverse("logout")}" method="post"' in home
    # Operators and admins see Add and Import; the admin also the administration link.
    assert reverse("kerjasama-add") in home and reverse("kerjasama-import") in home
    assert client.post(reverse("logout")).status_code == 302
    assert reverse("kerjasama-add") not in client.get("/").content.decode()


def test_import_upload_still_checks_csrf(admin_user):
    """The upload view adds its size limit before CSRF reads the body; CSRF must still be enforced."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    upload = io.BytesIO(_csv([HEADER, GOOD_ROW]))
    upload.name = "kerjasama.csv"
    assert client.post(reverse("kerjasama-import"), {"file": upload}).status_code == 403
    page = client.get(reverse("kerjasama-import"))
    token = page.cookies["csrftoken"].value
    upload.seek(0)
    response = client.post(reverse("kerjasama-import"), {"file": upload, "csrfmiddlewaretoken": token})
    assert response.status_code == 200


def test_template_helpers_render_readable_values():
    from django.utils import translation

    from kerjasama.agreements.templatetags.agreements_ui import change_value, days_phrase, stage_badge

    with translation.override("en"):
        assert days_phrase(1) == "1 day left"
        assert days_phrase(30) == "30 days left"
        assert days_phrase(0) == "Ends today"
        assert days_phrase(-3) == "Ended 3 days ago"
        assert days_phrase(None) == "No end date"
        assert change_value(None) == "—"
        assert change_value(True) == "Yes"
        assert change_value("2025-03-01") == "1 Mar 2025"
        parties = [{"pihak": "Kota Balikpapan", "number": "T-1"}, {"pihak": "Kukar", "number": ""}]
        assert change_value(parties) == "Kota Balikpapan (T-1); Kukar"
        assert change_value(["1.02", "2.12"]) == "1.02; 2.12"
        assert str(stage_badge("pelaksanaan")) == '<span class="badge badge--green">Implementation</span>'
