"""Builders for the recording tests: agreements in force, records made through the services, files."""

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from kerjasama.monitoring import services
from tests.builders import make_agreement, pihak

START = dt.date(2025, 1, 1)
END = dt.date(2027, 12, 31)

# The smallest byte strings whose content is what their names say.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 32


def tmp_media(settings, tmp_path):
    """Evidence files go to a temporary MEDIA_ROOT (use as an autouse fixture)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list[Path]:
    """Every file under ``root`` (the evidence stored on disk)."""
    root = Path(root)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def kukar_agreement(user=None, **fields):
    """A public PKS in force 2025–2027 between Kukar and Kota Samarinda (Kukar's operator may write)."""
    values = {"parties": ("Kukar", "Kota Samarinda"), "signed_on": START, "end_on": END}
    values.update(fields)
    return make_agreement(user=user, **values)


def activity(agreement, user, title: str = "Kegiatan", **fields):
    data = services.ActivityData(agreement_id=agreement.pk, title=title, **fields)
    return services.create_activity(data, user=user).obj


def report_data(agreement, party: str = "Kukar", **fields) -> services.ReportData:
    values = {
        "agreement_id": agreement.pk,
        "pihak_id": pihak(party),
        "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2025, 6, 30),
        "summary": "Layanan adminduk lintas batas berjalan.",
        "submitted_on": dt.date(2025, 7, 10),
    }
    values.update(fields)
    return services.ReportData(**values)


def evaluation_data(agreement, **fields) -> services.EvaluationData:
    values = {
        "agreement_id": agreement.pk,
        "evaluator_kind": "tkksd",
        "evaluated_on": dt.date(2025, 12, 1),
        "score": 4,
        "findings": "Berjalan baik; pelaporan terlambat satu semester.",
        "recommendation": "lanjutkan",
    }
    values.update(fields)
    return services.EvaluationData(**values)


def problem_data(**fields) -> services.ProblemData:
    values = {
        "title": "Status lahan puskesmas perbatasan belum jelas",
        "problem_type": "pertanahan",
        "severity": "tinggi",
        "opened_on": dt.date(2025, 5, 1),
        "region_id": "64.02",
    }
    values.update(fields)
    return services.ProblemData(**values)


def errors(exc) -> dict[str, list[str]]:
    """The errors of a MonitoringValidationError by field."""
    found: dict[str, list[str]] = {}
    for problem in exc.value.errors:
        found.setdefault(problem.field, []).append(problem.message)
    return found
