"""Evidence files: type by content, size limit, safe names."""

import pytest

from kerjasama.monitoring import evidence
from tests.monitoring.recording import EXE, JPEG, PDF, PNG, upload


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (EXE, None), (b"", None), (b"%PD", None)],
)
def test_sniff_reads_the_content(content, expected):
    assert evidence.sniff(content[:16]) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("laporan semester 1.pdf", "laporan_semester_1.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\op\\Foto Kegiatan.JPG", "Foto_Kegiatan.jpg"),
        ("", "bukti"),
        ("..", "bukti"),
        ("...pdf", "bukti.pdf"),
        ("<b>foto</b>.png", "b.png"),  # "/" separates folders
        ("<foto (1)>.png", "foto_1.png"),
        ("bukti kegiatan;rm -rf.pdf", "bukti_kegiatanrm_-rf.pdf"),
    ],
)
def test_clean_name(name, expected):
    assert evidence.clean_name(name) == expected


def test_long_names_are_cut_keeping_the_extension():
    name = evidence.clean_name("a" * 300 + ".jpeg")
    assert len(name) == evidence.MAX_NAME_LENGTH and name.endswith(".jpeg")


def test_a_good_file_passes():
    checked = evidence.check(upload("Laporan.PDF", PDF))
    assert checked.errors == [] and checked.content_type == "application/pdf" and checked.name == "Laporan.pdf"


def test_a_program_renamed_pdf_is_refused():
    checked = evidence.check(upload("laporan.pdf", EXE, "application/pdf"))
    assert checked.errors and "not a PDF, JPEG or PNG" in checked.errors[0]


def test_extension_must_agree_with_the_content():
    checked = evidence.check(upload("foto.pdf", PNG))
    assert checked.errors and ".png" in checked.errors[0]


def test_size_limit(settings):
    settings.KERJASAMA = {**settings.KERJASAMA, "EVIDENCE_MAX_BYTES": len(PDF) - 1}
    checked = evidence.check(upload("laporan.pdf", PDF))
    assert any("larger than" in message for message in checked.errors)
    settings.KERJASAMA = {**settings.KERJASAMA, "EVIDENCE_MAX_BYTES": len(PDF)}
    assert evidence.check(upload("laporan.pdf", PDF)).errors == []


def test_empty_file_is_refused():
    assert "empty" in evidence.check(upload("kosong.pdf", b"")).errors[0]


def test_types_follow_the_setting(settings):
    settings.KERJASAMA = {**settings.KERJASAMA, "EVIDENCE_TYPES": ("application/pdf",)}
    assert evidence.check(upload("foto.png", PNG)).errors
    assert evidence.allowed_extensions() == (".pdf",)
