"""Filters for the printed reports: numbers and dates in the report's language (``reports.data``)."""

from django import template
from django.utils.html import format_html

from kerjasama.reports.data import format_day, format_number

register = template.Library()


@register.filter
def num(value, decimals: int = 0) -> str:
    """``1.350`` or, with ``decimals``, ``62,4``; a dash for no value."""
    return format_number(value, int(decimals))


@register.filter
def pct(value) -> str:
    """A share 0–1 as ``84,7%``; a dash for no value."""
    if value is None:
        return "–"
    return f"{format_number(100 * value, 1)}%"


@register.filter
def day(value) -> str:
    """``18 November 2025``; blank for no date."""
    return format_day(value)


@register.filter
def short_day(value) -> str:
    """``18/11/2025`` for narrow table columns; blank for no date."""
    return value.strftime("%d/%m/%Y") if value else ""


@register.filter
def agreement_cell(row) -> str:
    """An agreement's title with its type and numbers beneath (a filter: tables list hundreds of them)."""
    number = f" · {row.number}" if row.number else ""
    return format_html('{}<span class="number">{}{}</span>', row.title, row.document_code, number)
