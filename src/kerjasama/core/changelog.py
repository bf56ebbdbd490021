"""Writing and reading the change log. Domain services call these inside their transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from kerjasama.core.context import current
from kerjasama.core.models import ObjectChange


@dataclass
class ChangeEntry:
    """A change to be written in bulk (imports write thousands at once)."""

    obj: models.Model
    action: str
    before: dict | None = None
    after: dict | None = None
    related: models.Model | None = None
    message: str = ""


def _build(entry: ChangeEntry, ctx=None) -> ObjectChange:
    ctx = ctx or current()
    user = ctx.user
    related_type = ContentType.objects.get_for_model(entry.related) if entry.related is not None else None
    return ObjectChange(
        user=user if user is not None and getattr(user, "pk", None) else None,
        user_name=user.get_username() if user is not None and getattr(user, "pk", None) else "",
        request_id=ctx.request_id,
        origin=ctx.origin,
        action=entry.action,
        changed_object_type=ContentType.objects.get_for_model(entry.obj),
        changed_object_id=str(entry.obj.pk),
        object_repr=str(entry.obj)[:300],
        related_object_type=related_type,
        related_object_id=str(entry.related.pk) if entry.related is not None else "",
        prechange_data=entry.before,
        postchange_data=entry.after,
        message=(entry.message or "")[:500],
    )


def log_change(
    obj: models.Model,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    related: models.Model | None = None,
    message: str = "",
) -> ObjectChange:
    """Record one change of ``obj`` by the current actor; call inside the change's transaction."""
    change = _build(ChangeEntry(obj, action, before, after, related, message))
    change.save()
    return change


def log_changes(entries: Iterable[ChangeEntry]) -> int:
    """Record many changes with one bulk insert; returns how many were written."""
    ctx = current()
    rows = [_build(entry, ctx) for entry in entries]
    ObjectChange.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def history_for(obj: models.Model) -> models.QuerySet[ObjectChange]:
    """Changes of ``obj`` and of the objects that belong to it, newest first."""
    content_type = ContentType.objects.get_for_model(obj)
    key = str(obj.pk)
    return ObjectChange.objects.filter(
        Q(changed_object_type=content_type, changed_object_id=key)
        | Q(related_object_type=content_type, related_object_id=key)
    ).select_related("changed_object_type", "user")


def snapshot_fields(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-ready dict of plain field values; foreign keys as their key value."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        data[name] = getattr(obj, field.attname)
    return data
