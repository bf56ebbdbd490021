"""Django admin for the change log (read-only) and a mixin that logs admin edits."""

from django.contrib import admin
from django.db import transaction

from kerjasama.core.changelog import log_change
from kerjasama.core.choices import ChangeAction
from kerjasama.core.models import ObjectChange


class ChangeLoggedAdmin(admin.ModelAdmin):
    """Admin edits of models with ``snapshot()`` are written to the change log like any other edit."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = type(obj).objects.get(pk=obj.pk).snapshot() if change else None
            super().save_model(request, obj, form, change)
            log_change(obj, ChangeAction.UPDATE if change else ChangeAction.CREATE, before=before, after=obj.snapshot())

    def delete_model(self, request, obj):
        with transaction.atomic():
            log_change(obj, ChangeAction.DELETE, before=obj.snapshot())
            super().delete_model(request, obj)


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    """The change log, read-only."""

    list_display = ("time", "user_name", "action", "changed_object_type", "object_repr", "request_id")
    list_filter = ("action", "changed_object_type", "origin")
    search_fields = ("object_repr", "user_name", "request_id")
    date_hierarchy = "time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
