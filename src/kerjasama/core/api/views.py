"""Base viewsets: every queryset is restricted to what the requesting user may see."""

from django.db import transaction
from rest_framework import viewsets

from kerjasama.core.changelog import log_change
from kerjasama.core.choices import ChangeAction
from kerjasama.core.querysets import VIEW


class RestrictedViewSetMixin:
    """Looks rows up in ``queryset.restrict(user, VIEW)``; what a user may do with a row is then
    checked by :class:`~kerjasama.core.api.permissions.RestrictedPermission` (404 versus 403).

    ``row_actions`` maps a viewset action (``"restore"``) to the ``restrict`` action its row needs
    (``"delete"``); actions not listed follow the HTTP method (PUT: change, DELETE: delete).
    """

    row_actions: dict[str, str] = {}

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, VIEW)


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only viewset over a restricted queryset."""


class RestrictedModelViewSet(RestrictedViewSetMixin, viewsets.ModelViewSet):
    """Read-write viewset over a restricted queryset."""


class ChangeLoggedViewSetMixin:
    """Writes the change log for plain model viewsets; the model provides ``snapshot()``."""

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            log_change(instance, ChangeAction.CREATE, after=instance.snapshot())

    def perform_update(self, serializer):
        with transaction.atomic():
            before = serializer.instance.snapshot()
            instance = serializer.save()
            log_change(instance, ChangeAction.UPDATE, before=before, after=instance.snapshot())
