"""Which agreements' flags a user sees, and the filters of the "Perlu perhatian" page and the health API."""

import datetime as dt
import functools

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kerjasama.agreements.models import Agreement
from kerjasama.core.querysets import CHANGE, VIEW
from kerjasama.monitoring.health import RULES, DefaultDay, default_as_of
from kerjasama.regions.models import PerangkatDaerah, Pihak, Region, Urusan
from kerjasama.users.roles import actor_for

__all__ = ("HealthFilterForm", "attention_agreements")

KALTIM = "64"


def attention_agreements(user) -> QuerySet:
    """The agreements whose flags ``user`` works on: an operator its own party's, everyone else all visible.

    Used by the "Perlu perhatian" page and the personal calendar feed. (The API lists the flags of
    every agreement the user may see, as the register does.)
    """
    actor = actor_for(user)
    if actor.is_operator:
        return Agreement.objects.restrict(user, CHANGE)
    return Agreement.objects.restrict(user, VIEW)


class HealthFilterForm(forms.Form):
    """Filters: day, rule, region (and what lies inside it), urusan, owning perangkat daerah, party."""

    as_of = forms.DateField(label=_("On date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    rule = forms.ChoiceField(label=_("Reason"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=13)
    urusan = forms.ModelChoiceField(
        label=_("Urusan"), queryset=Urusan.objects.all(), to_field_name="code", required=False
    )
    perangkat_daerah = forms.ModelChoiceField(
        label=_("Owning perangkat daerah"), queryset=PerangkatDaerah.objects.all(), required=False
    )
    pihak = forms.ModelChoiceField(label=_("Party"), queryset=Pihak.objects.all(), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("All reasons")), *((code, rule.label) for code, rule in RULES.items())]

    def clean_region(self) -> str:
        code = self.cleaned_data["region"].strip()
        if code and not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown region code %(code)s.") % {"code": code})
        return code

    def values(self) -> dict:
        """The valid filters (invalid ones are left out, so a page still shows something)."""
        return getattr(self, "cleaned_data", None) or {}

    @functools.cached_property
    def default_day(self) -> DefaultDay:
        """The day judged when ``as_of`` is not given (``health.default_as_of``)."""
        return default_as_of()

    def as_of_day(self) -> dt.date:
        """The ``as_of`` asked for, else the default day: today, or the demo's day on a demo-only register."""
        return self.values().get("as_of") or self.default_day.day

    def demo_default(self) -> bool:
        """Whether the day judged is the demo's reference date because none was asked for."""
        return not self.values().get("as_of") and self.default_day.demo

    def rules(self) -> list[str] | None:
        rule = self.values().get("rule")
        return [rule] if rule else None

    def apply(self, agreements: QuerySet) -> QuerySet:
        """``agreements`` narrowed by the region, urusan, perangkat daerah and party filters."""
        values = self.values()
        if values.get("region"):
            agreements = agreements.involving_region(values["region"])
        if values.get("urusan"):
            links = Agreement.urusan.through.objects.filter(urusan_id=values["urusan"].pk)
            agreements = agreements.filter(pk__in=links.values("agreement_id"))
        if values.get("perangkat_daerah"):
            agreements = agreements.filter(perangkat_daerah=values["perangkat_daerah"])
        if values.get("pihak"):
            agreements = agreements.with_party(values["pihak"].pk)
        return agreements

    def for_page(self) -> "HealthFilterForm":
        """Selects for the page: Kaltim regions, urusan by code, perangkat daerah, Kaltim parties and partners."""
        current = str(self.data.get("region", "") or "")
        regions = [
            (code, _("Province of %(name)s") % {"name": name} if code == KALTIM else name)
            for code, name in Region.objects.filter(Q(code=KALTIM) | Q(parent_id=KALTIM)).values_list("code", "name")
        ]
        region_choices = [("", _("All regions")), *regions]
        if current and current not in {code for code, _name in regions}:
            region_choices.append((current, current))
        self.fields["region"].widget = forms.Select(choices=region_choices)
        self.fields["urusan"].empty_label = _("All")
        self.fields["urusan"].label_from_instance = lambda urusan: f"{urusan.code} {urusan.name}"
        self.fields["perangkat_daerah"].empty_label = _("All")
        self.fields["perangkat_daerah"].queryset = PerangkatDaerah.objects.select_related("region")
        self.fields["perangkat_daerah"].label_from_instance = lambda unit: (
            f"{unit.name} ({unit.region.name})" if unit.region_id else unit.name
        )
        chosen = self.data.get("pihak") or None
        parties = Pihak.objects.filter(
            Q(region_id=KALTIM) | Q(region__parent_id=KALTIM) | Q(partner__isnull=False) | Q(pk=_int(chosen))
        )
        self.fields["pihak"].queryset = parties
        self.fields["pihak"].empty_label = _("All parties")
        return self


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
