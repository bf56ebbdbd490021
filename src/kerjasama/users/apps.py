from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    """User profiles: each user's role and, for operators, the party they act for."""

    name = "kerjasama.users"
    label = "users"
    verbose_name = _("Users and roles")
