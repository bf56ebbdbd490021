"""``kerjasama search_reindex``: rebuild the full-text search index of every agreement."""

import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kerjasama.core.progress import progress_bar
from kerjasama.search.index import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search index and its vocabulary from every agreement. Run it after upgrading a "
        "register that predates search, or after renaming parties, urusan or perangkat daerah."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rebuild_index(progress=progress_bar(_("Search index"), enabled=options["verbosity"] > 0))
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Search index rebuilt: %(count)s agreement in %(seconds).1f s (%(engine)s).",
                    "Search index rebuilt: %(count)s agreements in %(seconds).1f s (%(engine)s).",
                    count,
                )
                % {"count": count, "seconds": time.monotonic() - started, "engine": connection.vendor}
            )
        )
