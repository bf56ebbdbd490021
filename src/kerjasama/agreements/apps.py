from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    """The register of cooperation agreements: parties, lifecycle, import/export."""

    name = "kerjasama.agreements"
    label = "agreements"
    verbose_name = _("Agreements")
