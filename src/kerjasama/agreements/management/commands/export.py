"""``kerjasama export FILE``: export agreements; the format follows the extension (.xlsx, .csv, .json)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kerjasama.agreements.exports import empty_template, export_agreements, format_for
from kerjasama.agreements.models import Agreement


class Command(BaseCommand):
    help = "Export every agreement (archived ones with --archived) in the import template."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--archived", action="store_true", help="Export archived agreements instead.")
        parser.add_argument("--public-only", action="store_true", help="Only agreements marked public.")
        parser.add_argument("--template", action="store_true", help="Write the empty import template only.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            fmt = format_for(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["template"]:
            path.write_bytes(empty_template(fmt))
            self.stdout.write(self.style.SUCCESS(_("Wrote the empty template to %(path)s.") % {"path": path}))
            return
        queryset = Agreement.objects.archived() if options["archived"] else Agreement.objects.active()
        if options["public_only"]:
            queryset = queryset.filter(is_public=True)
        queryset = queryset.order_by("signed_on", "pk")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            export_agreements(queryset, stream, fmt)
        count = queryset.count()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Exported %(count)s agreement to %(path)s.", "Exported %(count)s agreements to %(path)s.", count
                )
                % {"count": count, "path": path}
            )
        )
