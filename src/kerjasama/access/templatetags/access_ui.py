"""Template helpers of the service-access pages: distances as people say them, and the basis badge."""

from django import template
from django.utils.html import format_html

from kerjasama.access.choices import Basis
from kerjasama.access.nearest import km as spoken_km

register = template.Library()

BASIS_COLOURS = {Basis.OWN_REGION: "green", Basis.PROVINCE: "teal", Basis.AGREEMENT: "blue"}


@register.filter
def km(value) -> str:
    """12.34 → "12 km" (one decimal below 10 km), as in the engine's sentence; empty for ``None``."""
    if value is None or value == "":
        return ""
    return f"{spoken_km(float(value))}\u00a0km"  # no line break between the number and its unit


@register.simple_tag
def basis_badge(basis: str | None) -> str:
    """A badge saying why the resident may use a point."""
    if not basis:
        return ""
    return format_html('<span class="badge badge--{}">{}</span>', BASIS_COLOURS.get(basis, "grey"), Basis(basis).label)
