"""``kerjasama report --from D --to D [--region 64.02] --pdf FILE --xlsx FILE [--fkp FILE]``: write the KSD report."""

import datetime as dt
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kerjasama.monitoring.health import default_as_of
from kerjasama.reports.data import KALTIM, ReportScopeError, build_report
from kerjasama.reports.pdf import SIGNATORIES
from kerjasama.reports.views import pdf_unavailable_message, render_file


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("Not a date (YYYY-MM-DD): %(value)s") % {"value": value}) from exc


class Command(BaseCommand):
    help = (
        "Write the inter-regional cooperation report of a period: the PDF for the governor's office, its XLSX "
        "annex and the briefing pack for a public consultation forum (FKP)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="start", type=_date, help="First day of the period (default: 1 January of --to's year)."
        )
        parser.add_argument(
            "--to",
            dest="end",
            type=_date,
            help="Last day of the period (default today; the demo's reference date on a demo-only register).",
        )
        parser.add_argument(
            "--region", default=KALTIM, help="64 (default, the whole province) or a kabupaten/kota code."
        )
        parser.add_argument("--pdf", help="Write the report (PDF) to this file.")
        parser.add_argument("--xlsx", help="Write the annex (XLSX) to this file.")
        parser.add_argument("--fkp", help="Write the FKP briefing pack (PDF) to this file.")
        parser.add_argument(
            "--participants",
            default="",
            help="FKP pack: region codes of the forum's participants, comma-separated (default every region).",
        )
        parser.add_argument("--signatory", choices=list(SIGNATORIES), help="Who signs the report (default: settings).")

    def handle(self, *args, **options):
        outputs = [(fmt, options[fmt]) for fmt in ("pdf", "xlsx", "fkp") if options[fmt]]
        if not outputs:
            raise CommandError(_("Name at least one file to write: --pdf, --xlsx or --fkp."))
        end = options["end"] or default_as_of().day
        start = options["start"] or dt.date(end.year, 1, 1)
        region = None if options["region"] in ("", KALTIM) else options["region"]
        participants = [code.strip() for code in options["participants"].split(",") if code.strip()]
        started = time.monotonic()
        try:
            report = build_report(start, end, region)
        except ReportScopeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Report %(scope)s, %(period)s: data in %(seconds).1f s.")
            % {"scope": report.region_name, "period": report.period_label, "seconds": time.monotonic() - started}
        )
        if report.synthetic:
            self.stdout.write(
                self.style.WARNING(
                    _("The report counts %(count)s synthetic demo records: every page says so.")
                    % {"count": report.synthetic_records}
                )
            )
        for fmt, name in outputs:
            began = time.monotonic()
            try:
                content = render_file(report, fmt, participants, options["signatory"])
            except OSError as exc:  # WeasyPrint without Pango/HarfBuzz
                raise CommandError(pdf_unavailable_message(exc)) from exc
            path = Path(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            self.stdout.write(
                self.style.SUCCESS(
                    _("Wrote %(path)s (%(size)s KB) in %(seconds).1f s.")
                    % {"path": path, "size": len(content) // 1024, "seconds": time.monotonic() - began}
                )
            )
