from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    """Reference data: regions (Kemendagri codes), partners, parties, urusan, service types, OPD."""

    name = "kerjasama.regions"
    label = "regions"
    verbose_name = _("Reference data")
