from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Service access: service points, who may use which point under which agreement, and the gaps."""

    name = "kerjasama.access"
    label = "access"
    verbose_name = _("Service access")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kerjasama.access.models import ServicePoint

        post_save.connect(_points_changed, sender=ServicePoint, dispatch_uid="access_points_saved")
        post_delete.connect(_points_changed, sender=ServicePoint, dispatch_uid="access_points_deleted")


def _points_changed(sender, **kwargs) -> None:
    from kerjasama.access.index import touch_points

    touch_points()
