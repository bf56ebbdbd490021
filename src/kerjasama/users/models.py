"""User profile: the role and the party an operator acts for."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kerjasama.users.choices import OPERATOR_ROLES, Role

__all__ = ("Profile",)


class Profile(models.Model):
    """Role of a user. A regional operator acts for one region, a partner operator for one partner."""

    user = models.OneToOneField(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    role = models.CharField(verbose_name=_("role"), max_length=30, choices=Role.choices, default=Role.PENINJAU)
    pihak = models.ForeignKey(
        to="regions.Pihak",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operators",
        verbose_name=_("party"),
        help_text=_("The region or partner an operator acts for."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role in OPERATOR_ROLES and self.pihak_id is None:
            raise ValidationError({"pihak": _("An operator must be bound to a region or a partner.")})
        if self.role == Role.OPERATOR_WILAYAH and self.pihak and self.pihak.region_id is None:
            raise ValidationError({"pihak": _("A regional operator must be bound to a region.")})
        if self.role == Role.OPERATOR_MITRA and self.pihak and self.pihak.partner_id is None:
            raise ValidationError({"pihak": _("A partner operator must be bound to a partner.")})
