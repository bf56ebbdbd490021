"""Roles of the people who use kerjasama."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role; operators are bound to one party (a region or a partner)."""

    ADMIN = "admin", _("Province admin (Biro POD)")
    OPERATOR_WILAYAH = "operator_wilayah", _("Regional operator")
    OPERATOR_MITRA = "operator_mitra", _("Partner operator")
    TKKSD = "tkksd", _("TKKSD coordination team")
    PENINJAU = "peninjau", _("Viewer")


OPERATOR_ROLES = frozenset({Role.OPERATOR_WILAYAH, Role.OPERATOR_MITRA})
