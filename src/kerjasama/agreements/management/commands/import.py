"""``kerjasama import FILE [--dry-run]``: import agreements from an XLSX or CSV template."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kerjasama.agreements.imports import import_agreements
from kerjasama.core.context import change_context
from kerjasama.core.progress import progress_bar
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor, actor_for


class Command(BaseCommand):
    help = "Import agreements from a template file (.xlsx or .csv). Any invalid row rejects the whole file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")
        parser.add_argument("--user", help="Record this user in the change log and apply that user's role.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        user = None
        actor = Actor(role=Role.ADMIN)  # whoever runs the CLI administers the installation
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("Unknown user %(name)s") % {"name": options["user"]})
            actor = actor_for(user)
        with change_context(user=user, origin="cli"):
            report = import_agreements(
                path.read_bytes(),
                path.name,
                actor=actor,
                user=user,
                dry_run=options["dry_run"],
                progress=progress_bar(_("Reading"), enabled=options["verbosity"] > 0),
            )
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(_("Warning: %(problem)s") % {"problem": warning}))
        if report.errors:
            for error in report.errors:
                self.stderr.write(self.style.ERROR(str(error)))
            raise CommandError(
                ngettext(
                    "%(count)s problem in the file; nothing was imported.",
                    "%(count)s problems in the file; nothing was imported.",
                    len(report.errors),
                )
                % {"count": len(report.errors), "rows": report.rows}
            )
        for name in report.new_perangkat_daerah:
            self.stdout.write(_("New perangkat daerah: %(name)s") % {"name": name})
        if report.dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Dry run: %(rows)s agreement would be imported; nothing was written.",
                        "Dry run: %(rows)s agreements would be imported; nothing was written.",
                        report.rows,
                    )
                    % {"rows": report.rows}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext("Imported %(count)s agreement.", "Imported %(count)s agreements.", report.created)
                    % {"count": report.created}
                )
            )
