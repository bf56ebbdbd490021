from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public portal: dashboard home page, cooperation network and region pages."""

    name = "kerjasama.portal"
    label = "portal"
    verbose_name = _("Public portal")
