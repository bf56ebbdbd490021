from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Implementation monitoring: work plans, indicators, reports, evaluations, problems, health rules."""

    name = "kerjasama.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")
