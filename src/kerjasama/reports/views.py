"""The reports page (``/laporan/``): a form, and the report, its annex or the FKP pack as a download.

Thin: the content is :func:`kerjasama.reports.data.build_report`, the files are rendered by ``pdf``,
``xlsx`` and ``fkp``. For signed-in staff readers (province admin, TKKSD, viewers): the report counts and
lists every agreement and problem of the register, public or not, as the governor's office sends it.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kerjasama.monitoring.health import default_as_of, demo_notice
from kerjasama.reports import fkp, pdf, xlsx
from kerjasama.reports.data import KALTIM, ReportData, ReportScopeError, build_report
from kerjasama.reports.forms import ReportForm, preset_period
from kerjasama.users.roles import actor_for

CONTENT_TYPES = {"pdf": pdf.CONTENT_TYPE, "xlsx": xlsx.CONTENT_TYPE, "fkp": pdf.CONTENT_TYPE}


def download_name(report: ReportData, fmt: str) -> str:
    """``laporan-ksd-2025-01-01_2025-11-18.pdf``, ``….xlsx``, or ``bahan-fkp-….pdf`` for the FKP pack."""
    if fmt == "fkp":
        return report.file_stem.replace("laporan-ksd", "bahan-fkp", 1) + ".pdf"
    return f"{report.file_stem}.{fmt}"


def render_file(report: ReportData, fmt: str, participants=None, signatory: str | None = None) -> bytes:
    """The bytes of one format (pdf, xlsx, fkp) of ``report``."""
    if fmt == "pdf":
        return pdf.render_report_pdf(report, signatory)
    if fmt == "xlsx":
        return xlsx.render_report_xlsx(report)
    if fmt == "fkp":
        return fkp.render_fkp_pdf(report, participants)
    raise ValueError(fmt)


def pdf_unavailable_message(error: Exception) -> str:
    """What to do when WeasyPrint cannot load its system libraries."""
    return _(
        "PDF files cannot be made on this server: a system library is missing (%(error)s). "
        "Run scripts/system-deps.sh as root, or install libpango-1.0-0, libpangoft2-1.0-0, "
        "libharfbuzz-subset0 and fonts-dejavu-core."
    ) % {"error": error}


class ReportView(LoginRequiredMixin, UserPassesTestMixin, View):
    """The form; with ``format`` in the query, the chosen file as a download."""

    def test_func(self) -> bool:
        return actor_for(self.request.user).is_staff_reader

    def get(self, request):
        reference = default_as_of()
        error = ""
        if "format" in request.GET:
            form = ReportForm(request.GET, reference=reference.day)
            if form.is_valid():
                data = form.cleaned_data
                region = None if data["region"] == KALTIM else data["region"]
                try:
                    report = build_report(data["start"], data["end"], region)
                    content = render_file(report, data["format"], data["participants"], data["signatory"] or None)
                except ReportScopeError as exc:
                    form.add_error(None, str(exc))
                except OSError as exc:  # WeasyPrint without Pango/HarfBuzz
                    error = pdf_unavailable_message(exc)
                else:
                    response = HttpResponse(content, content_type=CONTENT_TYPES[data["format"]])
                    response["Content-Disposition"] = content_disposition_header(
                        True, download_name(report, data["format"])
                    )
                    response["Cache-Control"] = "private, no-store"
                    return response
        else:
            start, end = preset_period("this_year", reference.day)
            form = ReportForm(initial={"start": start, "end": end, "format": "pdf"}, reference=reference.day)
        context = {
            "form": form,
            "error": error,
            "demo_notice": demo_notice(reference.day) if reference.demo else "",
        }
        return render(request, "reports/form.html", context, status=503 if error else 200)
