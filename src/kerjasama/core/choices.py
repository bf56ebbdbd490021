"""Choice sets shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    """What a change-log row records."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    ARCHIVE = "archive", _("Archived")
    RESTORE = "restore", _("Restored")
    TRANSITION = "transition", _("Stage changed")


class Source(models.TextChoices):
    """Where a record comes from; shown on every page and export so demo data never passes as real."""

    ARSIP = "arsip", _("Archive (paper or scanned document)")
    INPUT = "input", _("Entered in the system")
    IMPOR = "impor", _("Imported from a spreadsheet")
    REFERENSI = "referensi", _("Official reference data")
    SINTETIS = "contoh_sintetis", _("Synthetic example (demo data, not real)")
