"""The files: the PDF report read back with pypdf, the XLSX annex with openpyxl, the FKP pack.

A PDF takes about a second to render: each test renders one, from the small register.
"""

import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from kerjasama.reports.data import build_report
from kerjasama.reports.fkp import fkp_context, render_fkp_pdf
from kerjasama.reports.pdf import LETTERHEAD, SYNTHETIC_BANNER, render_report_pdf, sections
from kerjasama.reports.xlsx import FIRST_DATA_ROW, SHEETS, render_report_xlsx
from tests.reports.register import END, START, build_register

pytestmark = pytest.mark.django_db


def pages_text(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    """Text with line breaks and repeated spaces folded (pypdf breaks lines where the layout does)."""
    return re.sub(r"\s+", " ", text)


def test_report_pdf_in_indonesian_with_page_numbers_and_banner():
    build_register(synthetic=True)
    pages = pages_text(render_report_pdf(build_report(START, END)))
    text = flat(" ".join(pages))
    count = len(pages)

    assert count > 1
    for line in LETTERHEAD:
        assert line in text
    # Section titles in the report's language (Indonesian), numbered as in the table of contents.
    for heading in ("1. Ringkasan", "2. Pelaksanaan", "3. Perlu perhatian", "4. Permasalahan"):
        assert heading in text
    with translation.override("id"):
        for section in sections():
            assert f"{section['number']}. {section['title']}" in text
    assert f"Halaman 1 dari {count}" in flat(pages[0])
    assert f"Halaman {count} dari {count}" in flat(pages[-1])
    for page in pages:
        assert SYNTHETIC_BANNER in flat(page)
    # The default addressee (settings); agreements of the period are listed; the Sekda signs, NIP left blank.
    assert "Yth. Menteri Dalam Negeri" in flat(pages[0]) and "Bina Administrasi Kewilayahan" in flat(pages[0])
    assert "PKS promosi wisata Bontang" in text
    assert "SEKRETARIS DAERAH" in flat(pages[0]) and "NIP" in flat(pages[0])


def test_report_pdf_without_synthetic_data_has_no_banner(settings):
    """Real records only: no banner. The addressee and the signatory follow the settings."""
    build_register(synthetic=False)
    settings.KERJASAMA = {
        **settings.KERJASAMA,
        "REPORT_ADDRESSEE": ("Yth. Direktur Uji Coba", "di", "Samarinda"),
        "REPORT_SIGNATORY": "gubernur",
    }
    pages = pages_text(render_report_pdf(build_report(START, END)))
    first = flat(pages[0])

    assert all(SYNTHETIC_BANNER not in flat(page) and "SINTETIS" not in page for page in pages)
    assert "Yth. Direktur Uji Coba" in first and "Menteri Dalam Negeri" not in first
    assert "GUBERNUR KALIMANTAN TIMUR" in first and "SEKRETARIS DAERAH" not in first


def test_xlsx_annex_has_every_table():
    build_register(synthetic=True)
    report = build_report(START, END)
    workbook = load_workbook(io.BytesIO(render_report_xlsx(report)))

    assert tuple(workbook.sheetnames) == SHEETS
    expected = {
        "kerja_sama": len(report.agreements),
        "baru": len(report.new) + len(report.changes),
        "berakhir": len(report.ended),
        "perhatian": len(report.flags),
        "permasalahan": len(report.problems),
        "per_wilayah": len(report.regions),
        "per_urusan": len(report.urusan),
    }
    for name, rows in expected.items():
        sheet = workbook[name]
        assert sheet.max_row - (FIRST_DATA_ROW - 1) == rows, name
        assert sheet.freeze_panes in ("A3", "C3")
        assert sheet.cell(row=2, column=1).font.bold
        assert SYNTHETIC_BANNER in sheet.cell(row=1, column=1).value
    assert expected["kerja_sama"] >= 5 and expected["berakhir"] == 2 and expected["per_wilayah"] == 11

    # Values are typed: ids and counts as numbers, dates as dates with a date format.
    sheet = workbook["kerja_sama"]
    ids = [sheet.cell(row=row, column=1).value for row in range(FIRST_DATA_ROW, sheet.max_row + 1)]
    assert ids == [row.id for row in report.agreements]
    signed = sheet.cell(row=FIRST_DATA_ROW, column=9)
    assert signed.value.date() == report.agreements[0].signed_on
    assert signed.number_format == "DD/MM/YYYY"
    regions = {row[0].value: row for row in workbook["per_wilayah"].iter_rows(min_row=FIRST_DATA_ROW)}
    assert regions["64.71"][2].value == next(row.signed_in_period for row in report.regions if row.key == "64.71")


def test_fkp_pack_renders():
    register = build_register()
    report = build_report(START, END)
    pages = pages_text(render_fkp_pdf(report, participants=["64.71", "64.72"]))
    text = flat(" ".join(pages))

    assert LETTERHEAD[0] in text
    assert f"Halaman 1 dari {len(pages)}" in flat(pages[0])
    assert register.problem.title in text
    assert "Rapat koordinasi pembebasan lahan" in text  # its open follow-up action
    assert SYNTHETIC_BANNER not in text
    with translation.override("id"):
        context = fkp_context(report, ["64.71", "64.72"])
    assert [row.key for row in context["regions"]] == ["64.71", "64.72"]
    # Since the last forum: the opening and closing figures of the report, side by side.
    label, before, after, change = context["changes"][0]
    assert (before, after) == (str(report.opening.in_force), str(report.closing.in_force))
    assert change == f"{report.closing.in_force - report.opening.in_force:+d}".replace("+0", "0")


def test_fkp_pack_lists_public_records_only():
    register = build_register()
    register.problem.is_public = False
    register.problem.save(update_fields=["is_public"])
    with translation.override("id"):
        context = fkp_context(build_report(START, END))

    assert register.problem.pk not in {row.id for row in context["problems"]}
    assert context["hidden_problems"] == 1
