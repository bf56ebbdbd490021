"""Forms of the web UI. They only read and shape input; every rule lives in ``services`` and ``lifecycle``.

:class:`AgreementEditor` pairs the agreement form with the party formset, builds an
:class:`~kerjasama.agreements.services.AgreementData` and maps the service's problems back onto
the fields they concern.
"""

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerjasama.agreements import services
from kerjasama.agreements.choices import (
    Category,
    ChangeKind,
    DocumentType,
    FundingSource,
    PartyRole,
    ServiceRole,
    Stage,
)
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.choices import Source
from kerjasama.core.querysets import VIEW
from kerjasama.core.text import ParseError, parse_amount, parse_date, split_list
from kerjasama.regions.choices import PartnerType, RegionLevel, UrusanGroup
from kerjasama.regions.models import PerangkatDaerah, Pihak, Region, ServiceType, Urusan
from kerjasama.regions.resolver import AreaResolver, PihakResolver, ResolveError
from kerjasama.users.roles import actor_for

KALTIM = "64"
IMPORT_SUFFIXES = (".xlsx", ".csv")


def _label(name: str, model=Agreement):
    """The model field's verbose name, capitalised (lazy, so it follows the reader's language)."""
    return capfirst(model._meta.get_field(name).verbose_name)


class UIForm(forms.Form):
    """Forms of the web UI: labels without a trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# Fields ------------------------------------------------------------------------------------------


class IndonesianDateField(forms.DateField):
    """A date picker that also accepts dates typed the Indonesian way (18/11/2025, 18 November 2025)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except ParseError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class AmountField(forms.CharField):
    """A rupiah amount written as 1.250.000, Rp 1.250.000,00 or 1250000."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_amount(value)
        except ParseError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def prepare_value(self, value):
        if isinstance(value, Decimal):  # from the database: 1250000, not 1250000.00
            return format(value.normalize(), "f") if value == value.to_integral() else str(value)
        return value


def _blank(label, choices) -> list:
    return [("", label), *choices]


def agreement_label(agreement: Agreement) -> str:
    """``number — title`` for selects and suggestions (the title alone when unnumbered)."""
    numbers = agreement.numbers()
    title = agreement.title if len(agreement.title) <= 130 else agreement.title[:129] + "…"
    return f"{numbers[0]} — {title}" if numbers else title


def agreement_reference(agreement: Agreement) -> str:
    """What the user types to point at an agreement: its first number, or ``#id``."""
    numbers = agreement.numbers()
    return numbers[0] if numbers else f"#{agreement.pk}"


def resolve_reference(text: str, queryset) -> Agreement | None:
    """The agreement in ``queryset`` with number ``text`` (any case), or with id ``#12`` / ``12``."""
    text = text.strip()
    if not text:
        return None
    numbered = AgreementParty.objects.annotate(key=Upper("number")).filter(agreement=OuterRef("pk"), key=text.upper())
    found = queryset.filter(Exists(numbered)).first()
    if found is not None:
        return found
    match = re.fullmatch(r"#?\s*(\d+)", text)
    if match:
        return queryset.filter(pk=int(match.group(1))).first()
    return None


# Above this many KBs the parent field is a number input with suggestions instead of a select.
PARENT_SELECT_LIMIT = 300


def suggest_widget(datalist_id: str, kb: bool = False) -> forms.TextInput:
    """A text input whose typed text fetches matching agreements into a ``<datalist>`` (htmx)."""
    attrs = {
        "autocomplete": "off",
        "list": datalist_id,
        "hx-get": reverse_lazy("kerjasama-suggest"),
        "hx-trigger": "input changed delay:300ms",
        "hx-target": f"#{datalist_id}",
        "hx-swap": "innerHTML",
    }
    if kb:
        attrs["hx-vals"] = '{"kb": "1"}'
    return forms.TextInput(attrs=attrs)


class KBChoiceField(forms.ModelChoiceField):
    """A select of KB agreements, labelled with number and title."""

    def label_from_instance(self, obj):
        return agreement_label(obj)


# The agreement editor ----------------------------------------------------------------------------


class AgreementForm(UIForm):
    """The agreement's own fields. ``stage`` exists only when registering (to back-fill old agreements)."""

    title = forms.CharField(label=_label("title"), max_length=500, widget=forms.TextInput(attrs={"size": 60}))
    document_type = forms.ChoiceField(label=_label("document_type"), choices=DocumentType.choices)
    category = forms.ChoiceField(
        label=_label("category"),
        required=False,
        choices=_blank(gettext_lazy("Derive from the parties"), Category.choices),
    )
    subject = forms.CharField(label=_label("subject"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    scope = forms.CharField(label=_label("scope"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    perangkat_daerah = forms.ModelChoiceField(
        label=_label("perangkat_daerah"),
        required=False,
        queryset=PerangkatDaerah.objects.all(),
        empty_label="—",
    )
    stage = forms.ChoiceField(
        label=_label("stage"),
        choices=Stage.choices,
        initial=Stage.PERSIAPAN,
        help_text=gettext_lazy(
            "Choose a later stage only to register an older agreement. "
            "After saving, the stage changes only through the stage buttons."
        ),
    )
    signed_on = IndonesianDateField(label=_label("signed_on"), required=False)
    start_on = IndonesianDateField(
        label=_label("start_on"), required=False, help_text=gettext_lazy("Empty: the signing date.")
    )
    end_on = IndonesianDateField(label=_label("end_on"), required=False)
    terminated_on = IndonesianDateField(label=_label("terminated_on"), required=False)
    funding_source = forms.ChoiceField(
        label=_label("funding_source"),
        required=False,
        choices=_blank(gettext_lazy("Not recorded"), FundingSource.choices),
    )
    funding_amount = AmountField(label=_label("funding_amount"), required=False)
    dprd_approval_required = forms.BooleanField(label=_label("dprd_approval_required"), required=False)
    dprd_approval_reference = forms.CharField(label=_label("dprd_approval_reference"), required=False, max_length=200)
    parent = KBChoiceField(
        label=_label("parent"),
        required=False,
        queryset=Agreement.objects.none(),
        empty_label="—",
        help_text=gettext_lazy("For a PKS that implements a joint agreement (KB)."),
    )
    amends = forms.CharField(
        label=_label("amends"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("The number of the earlier agreement (or #ID) that this one extends or amends."),
        widget=forms.TextInput(),
    )
    change_kind = forms.ChoiceField(
        label=_label("change_kind"), required=False, choices=_blank("—", ChangeKind.choices)
    )
    urusan = forms.TypedMultipleChoiceField(
        label=_label("urusan"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one urusan.")},
    )
    service_types = forms.ModelMultipleChoiceField(
        label=_label("service_types"),
        required=False,
        queryset=ServiceType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Public services the parties open to each other's residents."),
    )
    service_areas = forms.CharField(
        label=_label("service_areas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Codes or names of kecamatan or desa/kelurahan, separated by ;. "
            "Empty: the services are open to all residents of the parties."
        ),
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Public: anyone may see this agreement"), required=False, initial=True
    )
    source = forms.ChoiceField(
        label=_label("source"),
        # "Official reference data" describes regions and partners, never an agreement.
        choices=[choice for choice in Source.choices if choice[0] != Source.REFERENSI],
        initial=Source.INPUT,
    )
    source_note = forms.CharField(label=_label("source_note"), required=False, max_length=300)
    note = forms.CharField(
        label=gettext_lazy("Reason for this change"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Shown in the change history."),
    )

    def __init__(self, *args, user=None, agreement: Agreement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.agreement = agreement
        self.fields["terminated_on"].help_text = Agreement._meta.get_field("terminated_on").help_text
        if agreement is None:
            del self.fields["note"]
        else:
            # The stage moves only through lifecycle transitions once registered.
            del self.fields["stage"]
        visible = Agreement.objects.restrict(user, VIEW)
        kbs = visible.filter(document_type=DocumentType.KB, archived_at__isnull=True)
        condition = Q(pk__in=kbs.values("pk"))
        if agreement is not None:
            condition &= ~Q(pk=agreement.pk)
            if agreement.parent_id:
                condition |= Q(pk=agreement.parent_id)
        choices = Agreement.objects.filter(condition)
        # A select is easiest while the KBs are few; with thousands it would weigh megabytes, so the
        # field becomes a number-or-#ID input with suggestions, like "changes agreement".
        self.parent_is_reference = choices.count() > PARENT_SELECT_LIMIT
        if self.parent_is_reference:
            select = self.fields["parent"]
            self.fields["parent"] = forms.CharField(
                label=select.label,
                required=False,
                max_length=150,
                help_text=gettext_lazy("The number (or #ID) of the joint agreement (KB) this PKS implements."),
                widget=suggest_widget("parent-options", kb=True),
            )
            if agreement is not None and agreement.parent_id and not self.is_bound:
                parent = Agreement.objects.prefetch_related("parties").filter(pk=agreement.parent_id).first()
                self.initial["parent"] = agreement_reference(parent) if parent else ""
        else:
            self.fields["parent"].queryset = choices.prefetch_related("parties").order_by("-signed_on", "-id")
        self.fields["amends"].widget = suggest_widget("amends-options")
        self.fields["urusan"].choices = urusan_choices()

    def urusan_groups(self) -> list[tuple[str, list]]:
        """The urusan checkboxes grouped by UrusanGroup, for a fieldset per group."""
        by_value = {str(widget.data["value"]): widget for widget in self["urusan"]}
        return [
            (label, [by_value[str(value)] for value, _text in options if str(value) in by_value])
            for label, options in self.fields["urusan"].choices
        ]

    def clean_amends(self) -> Agreement | None:
        return self._reference(self.cleaned_data.get("amends", ""), Agreement.objects.restrict(self.user, VIEW))

    def clean_parent(self) -> Agreement | None:
        value = self.cleaned_data.get("parent")
        if not self.parent_is_reference:
            return value
        kbs = Agreement.objects.restrict(self.user, VIEW).filter(document_type=DocumentType.KB)
        return self._reference(
            value or "", kbs, _("No joint agreement (KB) you can see has the number or ID “%(value)s”.")
        )

    @staticmethod
    def _reference(text: str, queryset, message: str | None = None) -> Agreement | None:
        if not text.strip():
            return None
        found = resolve_reference(text, queryset)
        if found is None:
            message = message or _("No agreement you can see has the number or ID “%(value)s”.")
            raise forms.ValidationError(message % {"value": text.strip()})
        return found


def urusan_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Urusan grouped by UrusanGroup, in code order."""
    groups = defaultdict(list)
    for pk, code, name, group in Urusan.objects.order_by("code").values_list("pk", "code", "name", "group"):
        groups[group].append((pk, f"{code} {name}"))
    return [(label, groups[value]) for value, label in UrusanGroup.choices if groups[value]]


class PartyForm(UIForm):
    """One party: who (a name, short name or code resolved to a Pihak), role, number and signatory."""

    pihak = forms.CharField(
        label=_label("pihak", AgreementParty),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "pihak-options", "autocomplete": "off", "size": 34}),
    )
    role = forms.ChoiceField(label=_label("role", AgreementParty), choices=PartyRole.choices, initial=PartyRole.MITRA)
    number = forms.CharField(label=_label("number", AgreementParty), required=False, max_length=150)
    signatory_name = forms.CharField(label=_label("signatory_name", AgreementParty), required=False, max_length=150)
    signatory_title = forms.CharField(label=_label("signatory_title", AgreementParty), required=False, max_length=200)
    service_role = forms.ChoiceField(
        label=_label("service_role", AgreementParty), choices=ServiceRole.choices, initial=ServiceRole.TIMBAL_BALIK
    )

    def __init__(self, *args, resolver: PihakResolver | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolver = resolver

    def clean_pihak(self) -> str:
        text = self.cleaned_data["pihak"].strip()
        resolver = self.resolver or PihakResolver()
        try:
            self.pihak_id = resolver.resolve(text)
        except ResolveError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return text

    def to_party(self) -> services.PartyData:
        data = self.cleaned_data
        return services.PartyData(
            pihak_id=self.pihak_id,
            role=data["role"],
            number=data.get("number", ""),
            signatory_name=data.get("signatory_name", ""),
            signatory_title=data.get("signatory_title", ""),
            service_role=data["service_role"],
        )


class BasePartyFormSet(forms.BaseFormSet):
    """Parties in the order entered; blank rows and rows marked for removal are skipped."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this party")

    def kept_forms(self) -> list[PartyForm]:
        return [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]


PARTY_FIELDS = ("parties", "numbers")


class AgreementEditor:
    """The agreement form and its party formset, saved together through the services (never half)."""

    prefix = "parties"

    def __init__(self, user, agreement: Agreement | None = None, data=None):
        self.user = user
        self.agreement = agreement
        self.resolver = PihakResolver()
        self.party_errors: list[str] = []
        initial, party_initial = self._initial()
        self.form = AgreementForm(data, initial=initial, user=user, agreement=agreement)
        extra = 1 if party_initial else 2
        formset_class = forms.formset_factory(
            PartyForm, formset=BasePartyFormSet, extra=extra, can_delete=True, max_num=50
        )
        self.parties = formset_class(
            data, initial=party_initial, prefix=self.prefix, form_kwargs={"resolver": self.resolver}
        )

    def _initial(self) -> tuple[dict, list[dict]]:
        if self.agreement is None:
            actor = actor_for(self.user)
            if actor.is_operator and actor.pihak_id:
                # Operators register only agreements they are party to: start with their own party.
                name = Pihak.objects.filter(pk=actor.pihak_id).values_list("name", flat=True).first()
                return {}, [{"pihak": name, "role": PartyRole.PEMRAKARSA}]
            return {}, []
        data = services.AgreementData.from_agreement(self.agreement)
        names = dict(Pihak.objects.filter(pk__in=[p.pihak_id for p in data.parties]).values_list("pk", "name"))
        initial = {
            name: getattr(data, name)
            for name in (
                "title", "document_type", "category", "subject", "scope", "signed_on", "start_on", "end_on",
                "terminated_on", "funding_source", "funding_amount", "dprd_approval_required",
                "dprd_approval_reference", "change_kind", "is_public", "source", "source_note",
            )
        }  # fmt: skip
        initial.update(
            perangkat_daerah=data.perangkat_daerah_id,
            parent=data.parent_id,
            amends=agreement_reference(self.agreement.amends) if self.agreement.amends_id else "",
            urusan=data.urusan_ids,
            service_types=data.service_type_ids,
            service_areas="; ".join(data.service_area_codes),
        )
        parties = [
            {
                "pihak": names.get(party.pihak_id, ""),
                "role": party.role,
                "number": party.number,
                "signatory_name": party.signatory_name,
                "signatory_title": party.signatory_title,
                "service_role": party.service_role,
            }
            for party in data.parties
        ]
        return initial, parties

    # Display helpers

    def pihak_options(self) -> list[str]:
        """Party names for the search-as-you-type list: Kalimantan Timur first, then partners, then the rest."""
        rows = Pihak.objects.values_list("name", "region_id")

        def key(row):
            name, region = row
            if region and (region == KALTIM or region.startswith(KALTIM + ".")):
                return (0, region, name)
            return (1 if region is None else 2, "", name)

        return [name for name, _region in sorted(rows, key=key)]

    def service_area_labels(self) -> list[str]:
        """The stored service areas with their names, shown beside the codes on the edit form."""
        if self.agreement is None:
            return []
        return [
            f"{region.code} {region.label()}"
            + (f", {region.parent.name}" if region.parent and region.level != RegionLevel.KECAMATAN else "")
            for region in self.agreement.service_areas.select_related("parent")
        ]

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors or self.parties.total_error_count() or self.party_errors)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every error as (anchor id, field label, message) for the summary above the form."""
        found = []
        for message in self.form.non_field_errors():
            found.append(("", "", message))
        for name, errors in self.form.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                continue
            anchor = f"field-{name}"
            for message in errors:
                found.append((anchor, str(self.form.fields[name].label), message))
        for message in self.party_errors + list(self.parties.non_form_errors()):
            found.append(("parties", str(_("Parties")), message))
        for index, form in enumerate(self.parties.forms, start=1):
            for name, errors in form.errors.items():
                if name == "pihak" or name not in form.fields:
                    label = _("Party %(index)s") % {"index": index}
                else:
                    label = _("Party %(index)s, %(field)s") % {"index": index, "field": form.fields[name].label}
                found += [(f"party-{index}", label, message) for message in errors]
        return found

    # Validation and saving

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        parties_ok = self.parties.is_valid()
        return form_ok and parties_ok

    def to_data(self, party_forms: list[PartyForm] | None = None) -> services.AgreementData | None:
        """The input as :class:`AgreementData`; ``None`` (with field errors) when service areas cannot be read."""
        data = self.form.cleaned_data
        party_forms = self.parties.kept_forms() if party_forms is None else party_forms
        parties = [form.to_party() for form in party_forms]
        area_codes = self._resolve_areas(data.get("service_areas", ""), [party.pihak_id for party in parties])
        if area_codes is None:
            return None
        amends = data.get("amends")
        parent = data.get("parent")
        signed_on = data.get("signed_on")
        return services.AgreementData(
            title=data["title"],
            document_type=data["document_type"],
            category=data.get("category", ""),
            parties=parties,
            urusan_ids=list(data.get("urusan", [])),
            subject=data.get("subject", ""),
            scope=data.get("scope", ""),
            perangkat_daerah_id=data["perangkat_daerah"].pk if data.get("perangkat_daerah") else None,
            signed_on=signed_on,
            # As in imports: a blank start date means the signing date, so the date checks see it.
            start_on=data.get("start_on") or signed_on,
            end_on=data.get("end_on"),
            terminated_on=data.get("terminated_on"),
            funding_source=data.get("funding_source", ""),
            funding_amount=data.get("funding_amount"),
            dprd_approval_required=data.get("dprd_approval_required", False),
            dprd_approval_reference=data.get("dprd_approval_reference", ""),
            stage=data.get("stage") or (self.agreement.stage if self.agreement else Stage.PERSIAPAN),
            parent_id=parent.pk if parent else None,
            amends_id=amends.pk if amends else None,
            change_kind=data.get("change_kind", ""),
            service_type_ids=[service.pk for service in data.get("service_types", [])],
            service_area_codes=area_codes,
            is_public=data.get("is_public", False),
            source=data.get("source") or Source.INPUT,
            source_note=data.get("source_note", ""),
        )

    def _resolve_areas(self, text: str, pihak_ids: list[int]) -> list[str] | None:
        names = split_list(text)
        if not names:
            return []
        regions = tuple(
            code for code in Pihak.objects.filter(pk__in=pihak_ids).values_list("region_id", flat=True) if code
        )
        resolver = AreaResolver()
        codes, failed = [], False
        for name in names:
            try:
                code = resolver.resolve(name, prefer=regions)
            except ResolveError as exc:
                self.form.add_error("service_areas", str(exc))
                failed = True
                continue
            if code not in codes:
                codes.append(code)
        return None if failed else codes

    def save(self) -> services.SaveResult | None:
        """Create or update through the services; ``None`` with the problems on the fields when refused."""
        if not self.is_valid():
            self._precheck()
            return None
        data = self.to_data()
        if data is None:
            return None
        try:
            if self.agreement is None:
                return services.create_agreement(data, user=self.user)
            return services.update_agreement(
                self.agreement, data, user=self.user, message=self.form.cleaned_data.get("note", "")
            )
        except services.AgreementValidationError as exc:
            self.apply_problems(exc.problems)
            return None

    def _precheck(self) -> None:
        """When only party rows failed, still report the other fields' problems, so one round fixes all."""
        if self.form.errors:
            return
        kept = [
            form
            for form in self.parties.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        data = self.to_data(kept)
        if data is None:
            return
        problems = services.validate(data, agreement_id=self.agreement.pk if self.agreement else None)
        self.apply_problems([problem for problem in problems if problem.field not in PARTY_FIELDS])

    def apply_problems(self, problems: list[services.Problem]) -> None:
        """Put each error of the services on the field it concerns; warnings are left to the caller."""
        for problem in problems:
            if problem.warning:
                continue
            if problem.field in PARTY_FIELDS:
                self.party_errors.append(problem.message)
            elif problem.field in self.form.fields:
                self.form.add_error(problem.field, problem.message)
            else:
                self.form.add_error(None, problem.message)

    def warning_label(self, problem: services.Problem) -> str:
        """The field label to prefix a warning with."""
        if problem.field in self.form.fields:
            return str(self.form.fields[problem.field].label)
        if problem.field in PARTY_FIELDS:
            return str(_("Parties"))
        return ""


# Other forms -------------------------------------------------------------------------------------


class TransitionForm(UIForm):
    """A stage button: the target stage, a note and, for signing or ending, a date."""

    to = forms.ChoiceField(choices=Stage.choices)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)
    date = IndonesianDateField(label=gettext_lazy("Date"), required=False)


class ArchiveForm(UIForm):
    """Confirmation of archiving or restoring, with an optional reason for the change log."""

    note = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportUploadForm(UIForm):
    """A spreadsheet to import (.xlsx or .csv, up to ``settings.IMPORT_MAX_BYTES``)."""

    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def _too_large_message(self) -> str:
        return _("The file is larger than %(size)s.") % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}

    def clean(self):
        if self.too_large:
            # The upload handler dropped the file while reading it; say why instead of "required".
            self.errors.pop("file", None)
            raise forms.ValidationError(self._too_large_message())
        return super().clean()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in IMPORT_SUFFIXES:
            raise forms.ValidationError(
                _("Unsupported file type “%(suffix)s”: use .xlsx or .csv.") % {"suffix": suffix or "-"}
            )
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(self._too_large_message())
        return upload


class ImportSizeLimitHandler(FileUploadHandler):
    """Stops reading an upload beyond ``settings.IMPORT_MAX_BYTES``, so oversized files never fill the disk."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_BYTES:
            self.request.import_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


# The list filters --------------------------------------------------------------------------------


def _kaltim_regions() -> list[tuple[str, str]]:
    rows = Region.objects.filter(Q(code=KALTIM) | Q(parent_id=KALTIM)).values_list("code", "name")
    return [(code, name if code != KALTIM else _("Province of %(name)s") % {"name": name}) for code, name in rows]


def in_region_select(code: str) -> bool:
    """Whether the region select offers ``code``: the province (64) or one of its kabupaten/kota (64.xx)."""
    return re.fullmatch(rf"{KALTIM}(\.\d{{2}})?", code) is not None


ORDERING_CHOICES = (
    ("", gettext_lazy("Newest signing date first")),
    ("signed_on", gettext_lazy("Oldest signing date first")),
    ("end_on", gettext_lazy("End date, soonest first")),
    ("-end_on", gettext_lazy("End date, latest first")),
    ("title", gettext_lazy("Title A–Z")),
)


def prepare_filter_form(filterset, show_public: bool) -> None:
    """Give the shared AgreementFilterSet's form widgets suited to a page (selects, checkboxes, dates)."""
    filterset.form.label_suffix = ""
    fields = filterset.form.fields
    fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Number, title, party…")})
    current_region = filterset.data.get("region", "")
    regions = _kaltim_regions()
    region_choices = [("", _("All regions")), (_("Kalimantan Timur"), regions)]
    if current_region and current_region not in {code for code, _name in regions}:
        region_choices.append((current_region, current_region))
    fields["region"].widget = forms.Select(choices=region_choices)
    fields["region"].label = _("Region")
    fields["pihak"].widget = forms.Select(choices=_pihak_choices(filterset.data.get("pihak", "")))
    for name in ("category", "document_type", "stage"):
        fields[name].widget = forms.CheckboxSelectMultiple(choices=fields[name].choices)
    fields["on"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    fields["year"].widget = forms.NumberInput(attrs={"min": 1945, "max": 2100, "step": 1})
    fields["is_public"].widget = forms.Select(
        choices=[("", _("All")), ("true", _("Public only")), ("false", _("Not public only"))]
    )
    fields["ordering"].widget = forms.Select(choices=ORDERING_CHOICES)
    fields["ordering"].label = _("Order by")
    for name in ("partner_type", "validity", "source", "urusan"):
        widget = fields[name].widget
        if hasattr(widget, "choices"):
            widget.choices = [("", _("All")), *[choice for choice in widget.choices if choice[0] != ""]]
    if not show_public:
        del fields["is_public"]
    del fields["archived"]


def _pihak_choices(current: str) -> list:
    """Parties of Kalimantan Timur and the partners; a party from elsewhere only when it is selected."""
    kaltim, partners = [], []
    rows = Pihak.objects.filter(
        Q(region_id=KALTIM) | Q(region__parent_id=KALTIM) | Q(partner__isnull=False) | Q(pk=_int_or_none(current))
    ).values_list("pk", "name", "region_id", "partner__partner_type")
    other = []
    for pk, name, region, partner_type in sorted(rows, key=lambda row: (row[2] or "~", row[1])):
        if partner_type:
            partners.append((str(pk), f"{name} — {PartnerType(partner_type).label}"))
        elif region == KALTIM or (region or "").startswith(KALTIM + "."):
            kaltim.append((str(pk), name))
        else:
            other.append((str(pk), name))
    choices = [("", _("All parties")), (_("Kalimantan Timur"), kaltim), (_("Partners"), partners)]
    if other:
        choices.append((_("Other regions"), other))
    return choices


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
