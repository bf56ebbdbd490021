"""Open data: bulk files of the public register, its data dictionary and an OCDS-shaped profile."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """The /data/ pages and files; no models of its own (it reads the registry and monitoring)."""

    name = "kerjasama.opendata"
    label = "opendata"
    verbose_name = _("Open data")
