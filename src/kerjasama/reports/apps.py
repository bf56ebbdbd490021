from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports for the governor's office and the public forum: the KSD report (PDF), its annex (XLSX), the FKP pack."""

    name = "kerjasama.reports"
    label = "reports"
    verbose_name = _("Reports")
