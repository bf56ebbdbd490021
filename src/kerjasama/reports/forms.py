"""The form of the reports page: period (dates or a preset), region scope, format, FKP participants, signatory."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kerjasama.reports.data import KALTIM, scope_regions
from kerjasama.reports.pdf import SIGNATORIES

__all__ = ("FORMATS", "PRESETS", "ReportForm", "preset_period")

FORMATS = (
    ("pdf", _("Report (PDF)")),
    ("xlsx", _("Annex (XLSX)")),
    ("fkp", _("FKP briefing pack (PDF)")),
)
PRESETS = (
    ("", _("Dates below")),
    ("this_year", _("This year to date")),
    ("last_year", _("Last year")),
    ("this_semester", _("This semester to date")),
    ("last_semester", _("Last semester")),
)
SIGNATORY_LABELS = {
    "sekda": _("Sekretaris Daerah, on behalf of the Governor"),
    "gubernur": _("Governor"),
}


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period a preset names, relative to ``today`` (semesters: January–June, July–December)."""
    first_half = today.month <= 6
    if preset == "this_year":
        return dt.date(today.year, 1, 1), today
    if preset == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    if preset == "this_semester":
        return dt.date(today.year, 1 if first_half else 7, 1), today
    if preset == "last_semester":
        if first_half:
            return dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31)
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    raise ValueError(preset)


class ReportForm(forms.Form):
    """What to report on: a period, the province or one kabupaten/kota, and the format.

    ``reference`` is the day presets count from: today, or the demo's reference date on a register
    holding only synthetic demo data (``health.default_as_of``).
    """

    preset = forms.ChoiceField(
        label=_("Period"),
        choices=PRESETS,
        required=False,
        help_text=_("A preset replaces the dates below."),
    )
    # A date input shows and sends ISO dates, whatever the page's language.
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=pgettext_lazy("end of a period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="pdf", widget=forms.RadioSelect)
    participants = forms.MultipleChoiceField(
        label=_("Regions of the forum's participants"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("FKP pack only: the table by region shows these; none ticked shows every region."),
    )
    signatory = forms.ChoiceField(label=_("Signed by"), required=False, help_text=_("Report only."))

    def __init__(self, *args, reference: dt.date | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.reference = reference or timezone.localdate()
        regions = scope_regions()
        self.fields["region"].choices = [
            (KALTIM, _("Whole province")),
            *((code, name) for code, name in regions if code != KALTIM),
        ]
        self.fields["participants"].choices = [(code, name) for code, name in regions if code != KALTIM]
        self.fields["signatory"].choices = [(key, SIGNATORY_LABELS.get(key, key)) for key in SIGNATORIES]

    def clean(self):
        data = super().clean()
        preset = data.get("preset")
        if preset:
            data["start"], data["end"] = preset_period(preset, self.reference)
        start, end = data.get("start"), data.get("end")
        if not preset and not (start and end):
            raise forms.ValidationError(_("Give the first and the last day of the period, or choose a preset."))
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        if end and end > timezone.localdate():
            raise forms.ValidationError(_("The period cannot end after today."))
        data["region"] = data.get("region") or KALTIM
        return data
