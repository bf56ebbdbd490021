"""Writing and reading the change log. Domain services call these inside their transaction."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kerjasama.core.context import current
from kerjasama.core.db import insert_many
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


def _actor_values(ctx) -> dict[str, Any]:
    """Who made the changes and in which request: the same for every entry of a batch."""
    user = ctx.user
    known = user is not None and getattr(user, "pk", None)
    return {
        "user_id": user.pk if known else None,
        "user_name": user.get_username() if known else "",
        "request_id": ctx.request_id,
        "origin": ctx.origin,
    }


def _values(entry: ChangeEntry, actor: dict[str, Any], content_type=ContentType.objects.get_for_model) -> dict:
    """The change-log row for ``entry`` by ``actor`` (see :func:`_actor_values`) as field values."""
    related = entry.related
    return {
        **actor,
        "action": entry.action,
        "changed_object_type_id": content_type(type(entry.obj)).pk,
        "changed_object_id": str(entry.obj.pk),
        "object_repr": str(entry.obj)[:300],
        "related_object_type_id": content_type(type(related)).pk if related is not None else None,
        "related_object_id": str(related.pk) if related is not None else "",
        "prechange_data": entry.before,
        "postchange_data": entry.after,
        "message": (entry.message or "")[:500],
    }


def log_change(
    obj: models.Model,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    related: models.Model | None = None,
    message: str = "",
) -> ObjectChange:
    """Record one change of ``obj`` by the current actor; call inside the change's transaction."""
    entry = ChangeEntry(obj, action, before, after, related, message)
    return ObjectChange.objects.create(**_values(entry, _actor_values(current())))


def log_changes(entries: Iterable[ChangeEntry]) -> int:
    """Record many changes at once (an import writes tens of thousands); returns how many were written."""
    content_type = functools.cache(ContentType.objects.get_for_model)  # one lookup per model, not per row
    # One transaction, one moment: the entries of a batch share their time.
    actor = {**_actor_values(current()), "time": timezone.now()}
    return insert_many(ObjectChange, [_values(entry, actor, content_type) for entry in entries])


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
