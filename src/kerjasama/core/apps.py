from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared machinery: change log, request context, permissions, Indonesian text toolkit."""

    name = "kerjasama.core"
    label = "core"
    verbose_name = _("Core")
