from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Full-text search over agreements: PostgreSQL text search or SQLite FTS5 behind one interface."""

    name = "kerjasama.search"
    label = "search"
    verbose_name = _("Search")
