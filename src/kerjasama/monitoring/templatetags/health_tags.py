"""Template helpers of health flags: an agreement's flags for its page, severity badges, readable evidence."""

import datetime as dt
from dataclasses import dataclass

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerjasama.agreements.choices import Stage
from kerjasama.monitoring import health
from kerjasama.monitoring.choices import Severity

register = template.Library()

SEVERITY_COLOURS = {Severity.RENDAH: "blue", Severity.SEDANG: "orange", Severity.TINGGI: "red", Severity.KRITIS: "dark"}

# Evidence keys with their labels, in display order; keys not listed are shown under their own name.
EVIDENCE_LABELS = {
    "since": gettext_lazy("Counted from"),
    "days": gettext_lazy("Days"),
    "limit_days": gettext_lazy("Limit (days)"),
    "last_activity_on": gettext_lazy("Last activity"),
    "last_report_on": gettext_lazy("Last report"),
    "last_indicator_on": gettext_lazy("Last indicator update"),
    "signed_on": gettext_lazy("Signed"),
    "activities": gettext_lazy("Activities"),
    "limit_months": gettext_lazy("Limit (months)"),
    "pks_in_preparation": gettext_lazy("PKS in preparation"),
    "end_on": gettext_lazy("Last day in force"),
    "days_left": gettext_lazy("Days left"),
    "threshold": gettext_lazy("Reminder (days before)"),
    "terminated": gettext_lazy("Terminated early"),
    "stage": gettext_lazy("Stage"),
    "count": gettext_lazy("Number"),
    "missing": gettext_lazy("Missing reports"),
    "problems": gettext_lazy("Problems"),
    "dprd_approval_required": gettext_lazy("DPRD approval needed"),
    "dprd_approval_reference": gettext_lazy("DPRD approval reference"),
}


@dataclass
class AgreementHealth:
    """An agreement's flags for its page, the day they are judged on and the demo notice, if any."""

    flags: list[health.Flag]
    as_of: dt.date
    demo_notice: str = ""
    today: dt.date | None = None


@register.simple_tag(takes_context=True)
def agreement_health(context, agreement) -> AgreementHealth:
    """``{% agreement_health agreement as health %}``: the flags on ``?as_of=`` or on the default day.

    The default day is today, or the demo's reference date on a demo-only register; then the notice
    says so and ``today`` is given for a link to the flags as of today.
    """
    request = context.get("request")
    asked = None
    if request is not None and request.GET.get("as_of"):
        try:
            asked = dt.date.fromisoformat(request.GET["as_of"])
        except ValueError:
            asked = None
    default = None if asked else health.default_as_of()
    day = asked or default.day
    if agreement is None or getattr(agreement, "pk", None) is None:
        return AgreementHealth([], day)
    result = AgreementHealth(health.flags_for(agreement, day), day)
    if default is not None and default.demo:
        result.demo_notice = health.demo_notice(day)
        result.today = timezone.localdate()
    return result


@register.simple_tag
def severity_badge(flag: health.Flag) -> str:
    """A badge coloured by the flag's severity, with the rule's label."""
    colour = SEVERITY_COLOURS.get(flag.severity, "grey")
    return format_html(
        '<span class="badge badge--{}" title="{}">{}</span>', colour, flag.severity_label, flag.rule_label
    )


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return date_filter(dt.date.fromisoformat(value), "j M Y")
        except ValueError:
            return value
    return str(value)


def _item(key: str, item: dict) -> str:
    """One element of a list in the evidence: a missing report or a problem."""
    if key == "missing":
        return _("%(party)s, %(start)s–%(end)s, due %(due)s (%(days)s days late)") % {
            "party": item.get("pihak", ""),
            "start": _value(item.get("period_start")),
            "end": _value(item.get("period_end")),
            "due": _value(item.get("due_on")),
            "days": item.get("days_overdue", ""),
        }
    if key == "problems":
        title = item.get("title") or _("(not public)")
        severity = item.get("severity", "")
        if severity in Severity.values:
            severity = Severity(severity).label
        return _("#%(id)s %(title)s (%(severity)s, since %(opened)s)") % {
            "id": item.get("id", ""),
            "title": title,
            "severity": severity,
            "opened": _value(item.get("opened_on")),
        }
    return ", ".join(f"{name}: {_value(value)}" for name, value in item.items())


@register.filter
def evidence_items(flag: health.Flag) -> list[dict]:
    """The flag's evidence as ``[{"label", "value", "items"}]`` for a description list."""
    evidence = dict(flag.evidence)
    keys = [key for key in EVIDENCE_LABELS if key in evidence] + [key for key in evidence if key not in EVIDENCE_LABELS]
    rows = []
    for key in keys:
        value = evidence[key]
        if key == "dprd_approval_reference" and not value:
            continue
        row = {"key": key, "label": str(EVIDENCE_LABELS.get(key, key)), "value": "", "items": []}
        if isinstance(value, list):
            row["items"] = [_item(key, item) if isinstance(item, dict) else _value(item) for item in value]
            if not row["items"]:
                continue
        elif key == "stage":
            try:
                row["value"] = str(Stage(value).label)
            except ValueError:
                row["value"] = _value(value)
        else:
            row["value"] = _value(value)
        rows.append(row)
    return rows
