"""The "Laporan Kerja Sama Daerah" as PDF: a Django template with print CSS, rendered by WeasyPrint.

The document is what the governor's office signs and sends to the Ministry (domain brief 1.10): a
covering letter on the Biro POD letterhead (number, attachment and subject left blank to fill, the
addressee from ``settings.KERJASAMA["REPORT_ADDRESSEE"]``, a signature block with blank name and NIP),
then the attachment with a table of contents and nine numbered sections. A4, page numbers in the
footer ("Halaman X dari Y"), a running header, and on every page a "DATA CONTOH SINTETIS" banner when
the report counts synthetic demo records.

WeasyPrint loads Pango, HarfBuzz and fonts from Debian at render time (``scripts/system-deps.sh``).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kerjasama.reports.data import ENDED_HOW, ReportData, ended_labels, in_report_language

__all__ = (
    "CONTENT_TYPE",
    "LETTERHEAD",
    "SIGNATORIES",
    "SYNTHETIC_BANNER",
    "css_string",
    "html_to_pdf",
    "page_counter_css",
    "render_report_html",
    "render_report_pdf",
)

CONTENT_TYPE = "application/pdf"
# The letterhead (kop surat) as text: no logo image is invented. Names of institutions, not translated.
LETTERHEAD = (
    "PEMERINTAH PROVINSI KALIMANTAN TIMUR",
    "SEKRETARIAT DAERAH",
    "BIRO PEMERINTAHAN DAN OTONOMI DAERAH",
)
# A fixed marker, like the demo records' own note: it reads the same on every copy whatever the language.
SYNTHETIC_BANNER = "DATA CONTOH SINTETIS — BUKAN DATA NYATA"
# Who signs: the titles printed above the blank name line (official titles, not translated); the
# governor, a political office, has no NIP line.
SIGNATORIES = {
    "sekda": {"lines": ("a.n. GUBERNUR KALIMANTAN TIMUR", "SEKRETARIS DAERAH,"), "nip": True},
    "gubernur": {"lines": ("GUBERNUR KALIMANTAN TIMUR,",), "nip": False},
}
# domain.md 1.10: governors report to the Minister of Home Affairs through Ditjen Bina Administrasi
# Kewilayahan; the addressee is configurable (settings.KERJASAMA["REPORT_ADDRESSEE"]), one line each.
DEFAULT_ADDRESSEE = (
    "Yth. Menteri Dalam Negeri",
    "c.q. Direktur Jenderal Bina Administrasi Kewilayahan",
    "di",
    "Jakarta",
)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3C ")
    return f'"{escaped}"'


def page_counter_css() -> str:
    """CSS ``content`` for the footer, e.g. ``"Halaman " counter(page) " dari " counter(pages)``.

    Built from the UI's own translated "Page %(number)s of %(total)s", so the footer speaks the
    report's language with the wording the pagination already uses.
    """
    text = _("Page %(number)s of %(total)s") % {"number": "\0page\0", "total": "\0pages\0"}
    parts = []
    for index, part in enumerate(text.split("\0")):
        if index % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append(css_string(part))
    return " ".join(parts)


def report_settings() -> dict:
    """The addressee, the place of signing and the signatory from ``settings.KERJASAMA``."""
    config = settings.KERJASAMA
    addressee = config.get("REPORT_ADDRESSEE") or DEFAULT_ADDRESSEE
    if isinstance(addressee, str):
        addressee = addressee.splitlines()
    return {
        "addressee": tuple(addressee),
        "place": config.get("REPORT_PLACE", "Samarinda"),
        "signatory": config.get("REPORT_SIGNATORY", "sekda"),
        "max_rows": int(config.get("REPORT_PDF_MAX_ROWS", 400)),
    }


def sections() -> list[dict]:
    """The numbered sections of the attachment: anchor, number and title (also the table of contents)."""
    titles = (
        ("ringkasan", _("Summary")),
        ("pelaksanaan", _("Implementation")),
        ("perhatian", _("Needs attention")),
        ("permasalahan", _("Problems")),
        ("baru", _("New agreements")),
        ("berakhir", _("Agreements that ended")),
        ("wilayah", _("By region")),
        ("urusan", _("By urusan")),
        ("metodologi", _("Notes on method")),
    )
    return [{"anchor": anchor, "number": number, "title": title} for number, (anchor, title) in enumerate(titles, 1)]


def _limited(rows: list, limit: int) -> dict:
    return {"rows": rows[:limit], "more": max(0, len(rows) - limit), "total": len(rows)}


def report_context(report: ReportData, signatory: str | None = None) -> dict:
    """The template context of the report (in the report's language)."""
    config = report_settings()
    signatory = signatory or config["signatory"]
    limit = config["max_rows"]
    return {
        "report": report,
        "summary": report.summary,
        "letterhead": LETTERHEAD,
        "banner": SYNTHETIC_BANNER if report.synthetic else "",
        "page_counter": page_counter_css(),
        "running_header": css_string(
            _("Inter-regional cooperation report · %(scope)s · %(period)s")
            % {"scope": report.region_name, "period": report.period_label}
        ),
        "addressee": config["addressee"],
        "place": config["place"],
        "signatory": SIGNATORIES.get(signatory, SIGNATORIES["sekda"]),
        "sections": sections(),
        "new": _limited(report.new, limit),
        "changes": _limited(report.changes, limit),
        "ended": _limited(report.ended, limit),
        "rules": [{"rule": rule, **_limited(rule.flags, limit)} for rule in report.rules],
        "dormant": _limited(report.dormant, limit),
        "max_rows": limit,
        "boundary_problems": [row for row in report.problems if row.boundary_segment],
        "ended_rows": [(ended_labels()[how], report.summary.ended_by[how]) for how in ENDED_HOW],
        "problem_tables": [
            (_("Type"), report.problem_counts["type"]),
            (_("Severity"), report.problem_counts["severity"]),
            (_("Escalation level"), report.problem_counts["escalation"]),
        ],
    }


def render_report_html(report: ReportData, signatory: str | None = None) -> str:
    """The report as print HTML (what WeasyPrint renders)."""
    with in_report_language():
        return render_to_string("reports/report.html", report_context(report, signatory))


def html_to_pdf(html: str) -> bytes:
    """Render print HTML to PDF bytes with WeasyPrint (imported here: it loads system libraries)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.PACKAGE_DIR)).write_pdf()


def render_report_pdf(report: ReportData, signatory: str | None = None) -> bytes:
    """The report as PDF bytes; ``signatory`` is ``sekda`` (default from settings) or ``gubernur``."""
    return html_to_pdf(render_report_html(report, signatory))
