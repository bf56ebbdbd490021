"""Template helpers of the monitoring pages: the agreement page's sections, progress bars, badges."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kerjasama.monitoring.choices import (
    ActionStatus,
    ActivityStatus,
    ProblemStatus,
    Recommendation,
    ReportStatus,
    Severity,
)

register = template.Library()

COLOURS = {
    ActivityStatus.DIRENCANAKAN: "grey",
    ActivityStatus.BERJALAN: "blue",
    ActivityStatus.SELESAI: "green",
    ActivityStatus.TERTUNDA: "orange",
    ActivityStatus.DIBATALKAN: "dark",
    ReportStatus.DIAJUKAN: "blue",
    ReportStatus.DITERIMA: "green",
    ReportStatus.PERLU_PERBAIKAN: "orange",
    Recommendation.LANJUTKAN: "green",
    Recommendation.PERLUAS: "teal",
    Recommendation.HENTIKAN: "red",
    Severity.RENDAH: "grey",
    Severity.SEDANG: "blue",
    Severity.TINGGI: "orange",
    Severity.KRITIS: "red",
    ProblemStatus.DITANGANI: "blue",
    ActionStatus.TERBUKA: "grey",
}
# Values shared by several choice sets ("selesai", "terbuka"...) take the colour listed last above;
# these are the meanings that matter on the pages.
COLOURS.update({"selesai": "green", "terbuka": "orange", "berjalan": "blue", "dibatalkan": "dark"})


@register.simple_tag(takes_context=True)
def agreement_monitoring(context, agreement) -> dict:
    """Data of the monitoring sections of ``agreement`` for the request's user (``views.agreement_monitoring``)."""
    from kerjasama.monitoring.views import agreement_monitoring as build

    request = context.get("request")
    return build(agreement, getattr(request, "user", None))


@register.simple_tag
def progress_bar(value, label: str = "") -> str:
    """An accessible progress bar with its percentage written out; a dash when there is no value."""
    if value is None:
        return format_html('<span class="muted">{}</span>', _("no progress recorded"))
    shown = f"{float(value):.0f}"
    bar = min(max(float(value), 0.0), 100.0)
    return format_html(
        '<span class="progress-cell"><progress max="100" value="{}"{}>{} %</progress>'
        ' <span class="progress-value">{} %</span></span>',
        f"{bar:.1f}",
        format_html(' aria-label="{}"', label) if label else "",
        shown,
        shown,
    )


@register.simple_tag
def status_badge(value: str, label: str) -> str:
    """A coloured badge for a monitoring status, severity or recommendation."""
    return format_html('<span class="badge badge--{}">{}</span>', COLOURS.get(value, "grey"), label)


@register.filter
def amount(value) -> str:
    """A number the Indonesian way (1.250.000 or 12,5), without trailing zeros; a dash for none."""
    if value is None or value == "":
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
