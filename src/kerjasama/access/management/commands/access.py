"""``kerjasama access``: service points and service access from the command line.

kerjasama access import FILE [--dry-run]           import points (CSV, XLSX or GeoJSON), all or nothing
kerjasama access template [FILE]                    write the CSV import template
kerjasama access demo                               build the demo points (lokasi perkiraan, synthetic)
kerjasama access nearest --layanan adminduk (--desa C | --kecamatan C | --lat Y --lon X) [--tanggal D]
kerjasama access gaps [--layanan X] [--tanggal D] [--wilayah 64|semua] [--csv FILE] [--top N]
"""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from kerjasama.core.context import change_context
from kerjasama.core.progress import progress_bar


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from exc


class Command(BaseCommand):
    help = "Service points and service access: import, template, demo, nearest, gaps."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="{import,template,demo,nearest,gaps}")
        importing = commands.add_parser("import", help="Import service points (CSV, XLSX or GeoJSON); all or nothing.")
        importing.add_argument("file")
        importing.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")
        template = commands.add_parser("template", help="Write the CSV import template.")
        template.add_argument("file", nargs="?", help="Output file (default: print).")
        commands.add_parser("demo", help="Build the demo service points (approximate locations, synthetic).")
        nearest = commands.add_parser("nearest", help="The nearest point a resident may use.")
        nearest.add_argument("--layanan", required=True, help="Service type code, e.g. adminduk.")
        nearest.add_argument("--desa")
        nearest.add_argument("--kecamatan")
        nearest.add_argument("--lat", type=float)
        nearest.add_argument("--lon", type=float)
        nearest.add_argument("--tanggal", type=_date, help="The day (YYYY-MM-DD); default today.")
        nearest.add_argument("--json", action="store_true", help="Print the whole answer as JSON.")
        gaps = commands.add_parser("gaps", help="Desa whose nearest point they may not use, as candidate agreements.")
        gaps.add_argument("--layanan", action="append", help="Service type code (repeatable); default every service.")
        gaps.add_argument("--tanggal", type=_date, help="The day (YYYY-MM-DD); default today.")
        gaps.add_argument("--wilayah", default="64", help="Region code to analyse (default 64); 'semua' for all.")
        gaps.add_argument("--csv", help="Write every candidate and desa to this CSV file.")
        gaps.add_argument("--top", type=int, default=10, help="Candidates to print per service (default 10).")

    def handle(self, *args, **options):
        handler = getattr(self, f"handle_{options['action']}")
        return handler(options)

    # Import, template, demo ---------------------------------------------------------------------

    def handle_import(self, options):
        from kerjasama.access.imports import import_points

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        with change_context(origin="cli"):
            report = import_points(
                path.read_bytes(),
                path.name,
                dry_run=options["dry_run"],
                progress=progress_bar(_("Reading"), enabled=options["verbosity"] > 0),
            )
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(_("Warning: %(problem)s") % {"problem": warning}))
        if report.errors:
            for error in report.errors:
                self.stderr.write(self.style.ERROR(str(error)))
            raise CommandError(
                _("%(count)s problem(s) in %(rows)s row(s); nothing was imported.")
                % {"count": len(report.errors), "rows": report.rows}
            )
        if report.dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Dry run: %(rows)s service point(s) would be imported; nothing was written.")
                    % {"rows": report.rows}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported %(created)s new service point(s), updated %(updated)s.")
                    % {"created": report.created, "updated": report.updated}
                )
            )

    def handle_template(self, options):
        from kerjasama.access.imports import template_csv

        text = template_csv()
        if options["file"]:
            Path(options["file"]).write_bytes(text.encode("utf-8"))  # keep the CSV's own line ends
            self.stdout.write(_("Template written to %(path)s") % {"path": options["file"]})
        else:
            self.stdout.write(text, ending="")

    def handle_demo(self, options):
        from kerjasama.access.demo import DemoPointsError, build_demo_points

        try:
            with change_context(origin="cli"):
                summary = build_demo_points()
        except DemoPointsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(summary.describe()))

    # Nearest and gaps ----------------------------------------------------------------------------

    def handle_nearest(self, options):
        from kerjasama.access.nearest import OriginError, UnknownService, find_nearest

        try:
            answer = find_nearest(
                options["layanan"],
                options["tanggal"] or timezone.localdate(),
                desa=options["desa"],
                kecamatan=options["kecamatan"],
                lat=options["lat"],
                lon=options["lon"],
            )
        except (OriginError, UnknownService) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(answer.to_dict(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(answer.message)

    def handle_gaps(self, options):
        from kerjasama.access.gaps import find_gaps, gaps_csv
        from kerjasama.access.nearest import UnknownService, km
        from kerjasama.regions.models import ServiceType

        day = options["tanggal"] or timezone.localdate()
        within = None if options["wilayah"] in ("", "semua", "all") else options["wilayah"]
        services = options["layanan"] or list(ServiceType.objects.values_list("code", flat=True))
        rows: list[str] = []
        for service in services:
            try:
                report = find_gaps(service, day, within)
            except UnknownService as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                self.style.MIGRATE_HEADING(
                    _(
                        "%(service)s on %(day)s: %(points)s points, %(checked)s desa checked, %(gaps)s with a gap "
                        "in %(candidates)s candidate agreement(s)"
                    )
                    % {
                        "service": report.service_name,
                        "day": day.isoformat(),
                        "points": report.points,
                        "checked": report.desa_checked,
                        "gaps": report.desa_with_gap,
                        "candidates": len(report.candidates),
                    }
                )
            )
            for candidate in report.candidates[: options["top"]]:
                self.stdout.write(
                    "  "
                    + _(
                        "%(rank)s. %(home)s ← %(provider)s: %(desa)s desa, about %(residents)s residents, "
                        "%(saved)s km saved per resident"
                    )
                    % {
                        "rank": candidate.rank,
                        "home": candidate.home_name,
                        "provider": candidate.provider_name,
                        "desa": candidate.desa_count,
                        "residents": "-"
                        if candidate.residents_estimate is None
                        else round(candidate.residents_estimate),
                        "saved": "-"
                        if candidate.saved_km_per_resident is None
                        else km(candidate.saved_km_per_resident),
                    }
                )
            text = gaps_csv(report.to_dict())
            rows += text.splitlines(keepends=True)[0 if not rows else 1 :]
        if options["csv"]:
            Path(options["csv"]).write_text("".join(rows), encoding="utf-8")
            self.stdout.write(_("CSV written to %(path)s") % {"path": options["csv"]})
