"""Base viewsets: every queryset is restricted to what the requesting user may do."""

from django.db import transaction
from rest_framework import viewsets

from kerjasama.core.changelog import log_change
from kerjasama.core.choices import ChangeAction
from kerjasama.core.querysets import CHANGE, DELETE, VIEW

ACTION_FOR_METHOD = {
    "GET": VIEW,
    "HEAD": VIEW,
    "OPTIONS": VIEW,
    "POST": CHANGE,
    "PUT": CHANGE,
    "PATCH": CHANGE,
    "DELETE": DELETE,
}


class RestrictedViewSetMixin:
    """Applies ``queryset.restrict(user, action)`` for the HTTP method of the request."""

    def get_queryset(self):
        queryset = super().get_queryset()
        action = ACTION_FOR_METHOD.get(self.request.method, VIEW)
        return queryset.restrict(self.request.user, action)


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
