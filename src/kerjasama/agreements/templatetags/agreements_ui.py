"""Template helpers of the agreement pages: badges, role checks and change-log values."""

import datetime as dt

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kerjasama.agreements.choices import STAGE_COLOURS, VALIDITY_COLOURS, Stage, Validity
from kerjasama.agreements.models import Agreement
from kerjasama.core.choices import Source
from kerjasama.users.roles import actor_for

register = template.Library()


def _badge(colour: str, label: str, extra: str = "") -> str:
    return format_html('<span class="badge badge--{}{}">{}</span>', colour, extra, label)


@register.simple_tag
def stage_badge(stage: str) -> str:
    """A coloured badge with the stage's label."""
    if not stage:
        return ""
    try:
        stage = Stage(stage)
    except ValueError:
        return _badge("grey", stage)
    return _badge(STAGE_COLOURS.get(stage, "grey"), stage.label)


@register.simple_tag
def validity_badge(validity: str) -> str:
    """A coloured badge with the validity's label (in force, expiring, ...)."""
    if not validity:
        return ""
    try:
        validity = Validity(validity)
    except ValueError:
        return _badge("grey", validity)
    return _badge(VALIDITY_COLOURS.get(validity, "grey"), validity.label)


@register.filter
def is_synthetic(agreement) -> bool:
    """Whether the record is synthetic demo data, not a real agreement."""
    return getattr(agreement, "source", None) == Source.SINTETIS


@register.simple_tag(takes_context=True)
def can_add_agreements(context) -> bool:
    """Whether the signed-in user may register and import agreements (navigation only)."""
    request = context.get("request")
    return Agreement.can_add(actor_for(getattr(request, "user", None)))


@register.filter
def party_names(agreement) -> str:
    """The names of the parties in order; uses prefetched parties."""
    return "; ".join(party.pihak.name for party in agreement.parties.all())


@register.filter
def days_phrase(days: int | None) -> str:
    """``12 days left``, ``Ended 3 days ago`` or ``Ends today``."""
    if days is None:
        return _("No end date")
    if days > 0:
        return ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
    if days == 0:
        return _("Ends today")
    return ngettext("Ended %(days)s day ago", "Ended %(days)s days ago", -days) % {"days": -days}


@register.filter
def change_value(value) -> str:
    """A value from the change log, readable: dates formatted, lists joined, blanks as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                name = str(item.get("pihak", item.get("pihak_id", "")))
                parts.append(f"{name} ({item['number']})" if item.get("number") else name)
            else:
                parts.append(str(item))
        return "; ".join(parts)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return date_filter(dt.date.fromisoformat(value), "j M Y")
        except ValueError:
            return value
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and "T" in value:
        try:
            return date_filter(dt.datetime.fromisoformat(value.replace("Z", "+00:00")), "j M Y H:i")
        except ValueError:
            return value
    return str(value)
