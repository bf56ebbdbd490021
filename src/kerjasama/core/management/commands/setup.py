"""``kerjasama setup``: migrate, load reference data and collect static files. Safe to run again."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kerjasama.core.progress import progress_bar
from kerjasama.core.staticfiles import collect_if_changed
from kerjasama.monitoring.loaders import load_boundary_segments
from kerjasama.regions.loaders import load_national, load_reference_data
from kerjasama.search.index import index_is_complete, rebuild_index


class Command(BaseCommand):
    help = "Create or upgrade the database and load the reference data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--national-all-levels",
            action="store_true",
            help="Also load every kecamatan and desa of Indonesia (about 91,000 regions).",
        )
        parser.add_argument("--no-static", action="store_true", help="Skip collecting static files.")

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("Database schema is up to date."))
        counts = load_reference_data(progress=progress_bar(_("Regions"), enabled=not quiet))
        counts["segmen_batas"] = load_boundary_segments()
        if options["national_all_levels"]:
            progress = progress_bar(_("Regions of Indonesia"))
            counts["wilayah_nasional"] = load_national(all_levels=True, progress=progress)
        if not index_is_complete():  # a register from before search, or an index left behind
            counts["indeks_pencarian"] = rebuild_index(progress=progress_bar(_("Search index"), enabled=not quiet))
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count}")
        if not options["no_static"]:
            if collect_if_changed():
                self.stdout.write(_("Static files collected."))
            else:
                self.stdout.write(_("Static files are up to date."))
        self.stdout.write(self.style.SUCCESS(_("Setup complete.")))
