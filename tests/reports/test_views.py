"""The reports page and the ``kerjasama report`` command."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from kerjasama.reports import fkp
from kerjasama.reports.xlsx import SHEETS
from tests.reports.register import END, START, build_register

pytestmark = pytest.mark.django_db
URL = reverse("reports-form")
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def test_page_requires_a_signed_in_staff_reader(client, kukar_operator, viewer):
    link = f'href="{URL}"'.encode()
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert link not in client.get(reverse("home")).content
    client.force_login(kukar_operator)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {**PERIOD, "format": "xlsx"}).status_code == 403
    assert link not in client.get(reverse("home")).content
    client.force_login(viewer)
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="format"' in response.content
    # The period defaults to this year to date, in the ISO form date inputs need (the page is Indonesian).
    assert f'value="{dt.date.today().year}-01-01"'.encode() in response.content
    assert link in client.get(reverse("home")).content


def test_annex_download(client, tkksd_user):
    build_register()
    client.force_login(tkksd_user)
    response = client.get(URL, {**PERIOD, "format": "xlsx", "region": "64"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="laporan-ksd-2025-01-01_2025-11-18.xlsx"'
    assert tuple(load_workbook(io.BytesIO(response.content)).sheetnames) == SHEETS


def test_report_download_for_a_region(client, admin_user):
    build_register()
    client.force_login(admin_user)
    response = client.get(URL, {**PERIOD, "format": "pdf", "region": "64.71"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="laporan-ksd-64.71-2025-01-01_2025-11-18.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_fkp_download_name(client, admin_user, monkeypatch):
    """The FKP pack's route and name (its rendering is tested in test_files.py)."""
    monkeypatch.setattr(fkp, "html_to_pdf", lambda html: b"%PDF-1.7 stub")
    client.force_login(admin_user)
    response = client.get(URL, {**PERIOD, "format": "fkp", "participants": ["64.02", "64.72"]})

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bahan-fkp-2025-01-01_2025-11-18.pdf"'


def test_presets_and_errors(client, admin_user):
    client.force_login(admin_user)
    # No demo data: presets count from today.
    today = dt.date.today()
    response = client.get(URL, {"preset": "last_year", "format": "xlsx"})
    assert response["Content-Disposition"].endswith(f'_{today.year - 1}-12-31.xlsx"')
    assert f"laporan-ksd-{today.year - 1}-01-01_" in response["Content-Disposition"]

    response = client.get(URL, {"start": END.isoformat(), "end": START.isoformat(), "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["form"].non_field_errors()
    response = client.get(URL, {"format": "pdf"})
    assert response.context["form"].non_field_errors()


def test_command_writes_the_files(tmp_path):
    build_register(synthetic=True)
    out = io.StringIO()
    call_command(
        "report",
        "--from",
        START.isoformat(),
        "--to",
        END.isoformat(),
        "--pdf",
        str(tmp_path / "laporan.pdf"),
        "--xlsx",
        str(tmp_path / "lampiran" / "laporan.xlsx"),
        stdout=out,
    )
    assert (tmp_path / "laporan.pdf").read_bytes().startswith(b"%PDF-")
    workbook = load_workbook(tmp_path / "lampiran" / "laporan.xlsx")
    assert tuple(workbook.sheetnames) == SHEETS
    assert "synthetic" in out.getvalue()


def test_command_errors(tmp_path):
    with pytest.raises(CommandError, match="--pdf"):
        call_command("report", "--from", "2025-01-01", "--to", "2025-11-18")
    with pytest.raises(CommandError, match="64.99"):
        call_command("report", "--region", "64.99", "--xlsx", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="2025-13-01"):
        call_command("report", "--to", "2025-13-01", "--xlsx", str(tmp_path / "x.xlsx"))
