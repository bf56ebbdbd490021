"""Forms of the service-access pages: the resident's question and the officials' gap-map filters."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kerjasama.access.places import Place, Resolution, place_index, resolve_place
from kerjasama.regions.models import Region, ServiceType

DEFAULT_SERVICE = "adminduk"
KALTIM = "64"


def service_choices() -> list[tuple[str, str]]:
    return list(ServiceType.objects.order_by("name").values_list("code", "name"))


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NearestForm(forms.Form):
    """The resident's question: this place, this service, this day (a plain GET form)."""

    wilayah = forms.CharField(
        label=_("Desa/kelurahan or kecamatan"),
        max_length=200,
        help_text=_("Type a name, e.g. Sungai Meriam or Samboja; suggestions appear as you type."),
    )
    layanan = forms.ChoiceField(label=_("Service"))
    tanggal = forms.DateField(
        label=_("Date"),
        required=False,
        widget=_date_input(),
        help_text=_("Agreements count only while they are in force. Empty: today."),
    )

    def __init__(self, *args, code: str = "", **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.code = code.strip()
        self.resolution = Resolution()
        self.fields["layanan"].choices = service_choices()
        widget = self.fields["wilayah"].widget
        widget.input_type = "search"
        # The suggestion script (js/access-search.js) turns the field into a combobox; without it the
        # form still works, resolved on the server.
        widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "data-place-search": ""})
        if self.code:
            self.fields["wilayah"].required = False

    def clean(self):
        data = super().clean()
        if self.code:
            place = place_index().by_code.get(self.code)
            if place is None:
                self.add_error("wilayah", _("No kecamatan or desa/kelurahan of Kalimantan Timur has this code."))
            else:
                self.resolution = Resolution(place=place)
        elif data.get("wilayah"):
            self.resolution = resolve_place(data["wilayah"])
            if self.resolution.place is None:
                self.add_error("wilayah", self.resolution.error)
        return data

    @property
    def place(self) -> Place | None:
        return self.resolution.place

    def day(self) -> dt.date:
        values = getattr(self, "cleaned_data", None) or {}
        return values.get("tanggal") or timezone.localdate()


class GapsForm(forms.Form):
    """The gap map's filters: service, day and the part of Kaltim to analyse."""

    layanan = forms.ChoiceField(label=_("Service"), required=False)
    tanggal = forms.DateField(label=_("Date"), required=False, widget=_date_input())
    wilayah = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["layanan"].choices = service_choices()
        kabkota = Region.objects.kabkota().filter(code__startswith=f"{KALTIM}.").order_by("code")
        self.fields["wilayah"].choices = [
            (KALTIM, _("All of Kalimantan Timur")),
            *kabkota.values_list("code", "name"),
        ]

    def values(self) -> dict:
        """The valid values (an invalid one falls back to its default, so the page still shows a map)."""
        cleaned = getattr(self, "cleaned_data", None) or {}
        return {
            "layanan": cleaned.get("layanan") or DEFAULT_SERVICE,
            "tanggal": cleaned.get("tanggal") or timezone.localdate(),
            "wilayah": cleaned.get("wilayah") or KALTIM,
        }
