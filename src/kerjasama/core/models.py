"""The change log: one table for every create, update, delete, archive and transition."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kerjasama.core.choices import ChangeAction

__all__ = ("ObjectChange",)


class ObjectChange(models.Model):
    """One recorded change of one object, with who, when, which request, and before/after values.

    ``related_object`` points at the parent an object belongs to (an agreement for its parties),
    so an agreement's "Riwayat" lists its own changes and those of its parts with one query.
    """

    time = models.DateTimeField(verbose_name=_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("user"),
    )
    user_name = models.CharField(verbose_name=_("user name"), max_length=150, blank=True)
    request_id = models.UUIDField(verbose_name=_("request id"), db_index=True)
    origin = models.CharField(verbose_name=_("origin"), max_length=20, default="web")
    action = models.CharField(verbose_name=_("action"), max_length=20, choices=ChangeAction.choices)
    # The type columns have no index of their own: the two (type, id) indexes in Meta lead with them.
    changed_object_type = models.ForeignKey(
        to=ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type"), db_index=False
    )
    changed_object_id = models.CharField(verbose_name=_("object id"), max_length=64)
    object_repr = models.CharField(verbose_name=_("object"), max_length=300)
    related_object_type = models.ForeignKey(
        to=ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    related_object_id = models.CharField(max_length=64, blank=True, default="")
    prechange_data = models.JSONField(verbose_name=_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    postchange_data = models.JSONField(verbose_name=_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    message = models.CharField(verbose_name=_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ("-time", "-id")
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            models.Index(fields=["changed_object_type", "changed_object_id"], name="core_change_object_idx"),
            models.Index(fields=["related_object_type", "related_object_id"], name="core_change_related_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def diff(self) -> list[tuple[str, object, object]]:
        """The fields whose value differs between before and after, as (field, before, after)."""
        before = self.prechange_data or {}
        after = self.postchange_data or {}
        keys = sorted(set(before) | set(after))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]
