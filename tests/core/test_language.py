"""The UI language: Indonesian for everyone, English only for who chooses it with the switch.

The browser's Accept-Language is ignored on purpose (kerjasama.core.middleware.LanguageMiddleware).
"""

import io
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kerjasama.agreements.choices import DocumentType
from kerjasama.core.middleware import chosen_language
from tests.builders import make_agreement, pihak
from tests.core.pofile import PO_FILE, read_po

LIST = "/kerja-sama/"
BAD_IMPORT = (
    "nomor,judul,jenis_dokumen,pihak,urusan,tanggal_ttd,tanggal_berakhir\n"
    "BHS-1/2025,PKS bahasa satu,PKS,Pemprov Kaltim; Kota Balikpapan,2.12,01/03/2025,2027-02-28\n"
    "BHS-2/2025,PKS bahasa dua,PKS,Pemprov Kaltim; Kabupaten Atlantis,2.12,,\n"
)
UNKNOWN_PARTY_ID = "Baris 3, kolom pihak: Pihak “Kabupaten Atlantis” tidak dikenal."
UNKNOWN_PARTY_EN = "Row 3, column pihak: Unknown party “Kabupaten Atlantis”."


def choose(client, language: str) -> None:
    """Press the language switch of the page header."""
    response = client.post("/i18n/setlang/", {"language": language, "next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# Choosing the language --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "de, en;q=0.5", ""])
def test_a_browser_asking_for_english_still_gets_indonesian(client, accept):
    make_agreement()
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE=accept)
    body = page_of(response)
    assert '<html lang="id">' in body
    assert ">Tahap</th>" in body and ">Masa berlaku</th>" in body
    assert ">Stage</th>" not in body
    assert response["Content-Language"] == "id"
    assert "Cookie" in [part.strip() for part in response["Vary"].split(",")]
    assert response.wsgi_request.LANGUAGE_CODE == "id"


@pytest.mark.django_db
def test_the_switch_turns_the_pages_english_and_back(client):
    make_agreement()
    choose(client, "en")
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="id")
    body = page_of(response)
    assert '<html lang="en">' in body
    assert ">Stage</th>" in body and ">Validity</th>" in body
    assert response["Content-Language"] == "en"
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert ">Agreements</a>" in page_of(client.get("/"))

    choose(client, "id")
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert ">Tahap</th>" in page_of(response)
    assert response["Content-Language"] == "id"


@pytest.mark.parametrize(
    ("cookie", "language"),
    [(None, "id"), ("", "id"), ("en", "en"), ("id", "id"), ("en-gb", "en"), ("fr", "id"), ("<script>", "id")],
)
def test_only_a_cookie_naming_an_offered_language_counts(rf, cookie, language):
    request = rf.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    if cookie is not None:
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
    assert chosen_language(request) == language


@pytest.mark.django_db
def test_a_request_does_not_leave_its_language_in_the_thread(client):
    choose(client, "en")
    with translation.override("id"):
        page_of(client.get(LIST))
        assert translation.get_language() == "id"
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    with translation.override("en"):
        page_of(client.get(LIST))
        assert translation.get_language() == "en"


# The API follows the same rule --------------------------------------------------------------------------


def _bad_agreement() -> dict:
    """An agreement the API refuses: no title (a DRF message) and an end before the start (ours)."""
    return {
        "document_type": DocumentType.PKS,
        "parties": [{"pihak": pihak("Pemprov Kaltim")}, {"pihak": pihak("Kukar")}],
        "urusan": ["2.12"],
        "start_on": "2025-03-01",
        "end_on": "2025-02-01",
    }


@pytest.mark.django_db
def test_api_validation_messages_are_indonesian_for_a_token_client(admin_user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin_user).key}")
    response = api.post("/api/agreements/", _bad_agreement(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["title"] == ["Bidang ini harus diisi."]  # from DRF's own Indonesian catalogue
    assert response["Content-Language"] == "id"

    response = api.post("/api/agreements/", {**_bad_agreement(), "title": "PKS uji bahasa"}, format="json")
    assert response.json()["end_on"] == [
        "Tanggal berakhir (2025-02-01) lebih awal daripada tanggal mulai (2025-03-01)."
    ]


@pytest.mark.django_db
def test_api_messages_are_english_after_the_switch(admin_user):
    api = APIClient()
    api.force_login(admin_user)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api.post("/api/agreements/", _bad_agreement(), format="json")
    assert response.status_code == 400
    assert response.json()["title"] == ["This field is required."]
    response = api.post("/api/agreements/", {**_bad_agreement(), "title": "PKS uji bahasa"}, format="json")
    assert response.json()["end_on"] == ["The end date (2025-02-01) is before the start date (2025-03-01)."]


@pytest.mark.django_db
def test_api_errors_of_authentication_and_permission_are_indonesian(viewer):
    api = APIClient()
    response = api.post("/api/agreements/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "Data autentikasi tidak diberikan."
    api.force_login(viewer)
    response = api.post("/api/agreements/", _bad_agreement(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"] == "Anda tidak memiliki izin untuk melakukan tindakan ini."


# Every page speaks Indonesian by default -----------------------------------------------------------------


class VisibleText(HTMLParser):
    """Text nodes and the attributes people read (labels for screen readers, tooltips, placeholders).

    Leaves out scripts and elements marked as another language (the switch's "English" button).
    """

    ATTRIBUTES = {"aria-label", "title", "placeholder", "data-label", "alt"}
    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.texts: set[str] = set()
        self._skipping: list[str] = []  # open elements whose text is not page text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN or attrs.get("lang", "id") != "id":
            self._skipping.append(tag)
        for name, value in attrs.items():
            if name in self.ATTRIBUTES and value:
                self.texts.add(value.strip())

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.add(" ".join(data.split()))


def english_left_on(html: str) -> list[str]:
    """Whole texts of the page that are English msgids of the catalogue (so their translation was not used)."""
    parser = VisibleText()
    parser.feed(html)
    english = {entry.msgid for entry in read_po(PO_FILE)[1:] if entry.msgstr.get(0) and entry.msgstr[0] != entry.msgid}
    return sorted(text.rstrip(":") for text in parser.texts if text in english or text.rstrip(":") in english)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "signed_in", "expected"),
    [
        ("/", False, ["Kerja sama", "Kerja sama yang ditandatangani per tahun", "Menurut urusan"]),
        (LIST, False, ["Tahap", "Masa berlaku", "Terapkan filter", "Unduh daftar ini:"]),
        ("detail", True, ["Rincian", "Para pihak", "Tahapan", "Riwayat", "Arsipkan", "Berlaku"]),
        ("kerjasama-add", True, ["Tambah kerja sama", "Para pihak", "Daftarkan kerja sama", "Batal"]),
        ("kerjasama-import", True, ["Impor kerja sama", "Periksa berkas", "Kolom templat"]),
        ("kerjasama-archive-list", True, ["Kerja sama yang diarsipkan"]),
        ("login", False, ["Masuk", "Nama pengguna", "Sandi"]),
        ("/tidak-ada/", False, ["Halaman tidak ditemukan"]),
    ],
)
def test_pages_are_indonesian_whatever_the_browser_asks(client, admin_user, page, signed_in, expected):
    if signed_in:
        client.force_login(admin_user)
    if page == "detail":
        with translation.override("id"):  # the first stage change's note is stored in the registering user's language
            page = reverse("kerjasama-detail", args=[make_agreement(end_on=None).pk])
    elif not page.startswith("/"):
        page = reverse(page)
    response = client.get(page, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code in (200, 404)
    body = response.content.decode()
    assert '<html lang="id">' in body
    for text in expected:
        assert text in body, text
    assert not english_left_on(body), f"English left on {page}: {english_left_on(body)}"


@pytest.mark.django_db
def test_a_bad_import_is_reported_in_indonesian_on_the_page(client, admin_user):
    client.force_login(admin_user)
    upload = io.BytesIO(BAD_IMPORT.encode())
    upload.name = "bahasa.csv"
    response = client.post(reverse("kerjasama-import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    body = page_of(response)
    assert UNKNOWN_PARTY_ID in body
    assert "Berkas belum dapat diimpor" in body
    assert not english_left_on(body)


# The command line speaks settings.LANGUAGE_CODE ---------------------------------------------------------


@pytest.mark.django_db
def test_import_command_reports_problems_in_indonesian(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_IMPORT, encoding="utf-8")
    stderr = io.StringIO()
    translation.deactivate()  # as in a fresh `kerjasama` process: no language activated, LANGUAGE_CODE applies
    with pytest.raises(CommandError) as raised:
        call_command("import", str(bad), stderr=stderr, verbosity=0)
    assert UNKNOWN_PARTY_ID in stderr.getvalue()
    assert str(raised.value) == "1 masalah dalam berkas; tidak ada yang diimpor."

    english = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("import", str(bad), stderr=english, verbosity=0)
    assert UNKNOWN_PARTY_EN in english.getvalue()


def test_the_kerjasama_command_prints_indonesian_whatever_the_system_locale(tmp_path):
    """End to end, as an operator runs it: `kerjasama setup`, then `kerjasama import bad.csv`."""
    env = {
        **os.environ,
        "DATABASE_URL": "",
        "KERJASAMA_VAR_DIR": str(tmp_path),
        "LANG": "en_US.UTF-8",
        "LANGUAGE": "en",
        "DJANGO_SETTINGS_MODULE": "kerjasama.config.settings",
    }

    def kerjasama(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "kerjasama.cli", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603  (our args)

    setup = kerjasama("setup", "--no-static", "--verbosity", "0")
    assert setup.returncode == 0, setup.stderr
    assert "Penyiapan selesai." in setup.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_IMPORT, encoding="utf-8")
    result = kerjasama("import", str(bad))
    assert result.returncode != 0
    assert UNKNOWN_PARTY_ID in result.stderr
    assert "tidak ada yang diimpor" in result.stderr
