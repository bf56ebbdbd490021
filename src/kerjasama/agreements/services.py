"""Registering, editing, archiving and restoring agreements: the rules every entry path shares.

The web form, the API serializer and the spreadsheet import all build an :class:`AgreementData`
and call :func:`validate`, :func:`create_agreement` or :func:`update_agreement`; none of them
carries rules of its own.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from kerjasama.agreements.choices import Category, DocumentType, PartyRole, ServiceRole, Stage
from kerjasama.agreements.lifecycle import SIGNED
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.core import changelog
from kerjasama.core.choices import ChangeAction, Source
from kerjasama.core.context import current
from kerjasama.core.querysets import CHANGE, DELETE
from kerjasama.monitoring.schedules import refresh_periods
from kerjasama.regions.choices import AREA_LEVELS, PartnerType, PihakKind
from kerjasama.regions.models import Pihak, Region
from kerjasama.search.index import index_agreements
from kerjasama.users.roles import actor_for

CENTS = Decimal("0.01")
# Choices.values builds a new list on every use; validate() runs once per imported row.
DOCUMENT_TYPES = frozenset(DocumentType.values)
CATEGORIES = frozenset(Category.values)
STAGES = frozenset(Stage.values)


@dataclass
class PartyData:
    """One party of an agreement as entered."""

    pihak_id: int
    role: str = PartyRole.MITRA
    number: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    service_role: str = ServiceRole.TIMBAL_BALIK


@dataclass
class AgreementData:
    """An agreement as entered by a form, an API call or a spreadsheet row, with references resolved."""

    title: str
    document_type: str
    parties: list[PartyData]
    urusan_ids: list[int]
    category: str = ""
    subject: str = ""
    scope: str = ""
    perangkat_daerah_id: int | None = None
    signed_on: dt.date | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    terminated_on: dt.date | None = None
    funding_source: str = ""
    funding_amount: Decimal | None = None
    dprd_approval_required: bool = False
    dprd_approval_reference: str = ""
    stage: str = Stage.PERSIAPAN
    parent_id: int | None = None
    amends_id: int | None = None
    change_kind: str = ""
    service_type_ids: list[int] = field(default_factory=list)
    service_area_codes: list[str] = field(default_factory=list)
    is_public: bool = True
    source: str = Source.INPUT
    source_note: str = ""

    @classmethod
    def from_agreement(cls, agreement: Agreement) -> "AgreementData":
        """The stored agreement as input data, e.g. to prefill an edit form."""
        return cls(
            title=agreement.title,
            document_type=agreement.document_type,
            category=agreement.category,
            parties=[
                PartyData(
                    pihak_id=party.pihak_id,
                    role=party.role,
                    number=party.number,
                    signatory_name=party.signatory_name,
                    signatory_title=party.signatory_title,
                    service_role=party.service_role,
                )
                for party in agreement.parties.all()
            ],
            urusan_ids=[urusan.pk for urusan in agreement.urusan.all()],
            subject=agreement.subject,
            scope=agreement.scope,
            perangkat_daerah_id=agreement.perangkat_daerah_id,
            signed_on=agreement.signed_on,
            start_on=agreement.start_on,
            end_on=agreement.end_on,
            terminated_on=agreement.terminated_on,
            funding_source=agreement.funding_source,
            funding_amount=agreement.funding_amount,
            dprd_approval_required=agreement.dprd_approval_required,
            dprd_approval_reference=agreement.dprd_approval_reference,
            stage=agreement.stage,
            parent_id=agreement.parent_id,
            amends_id=agreement.amends_id,
            change_kind=agreement.change_kind,
            service_type_ids=[service.pk for service in agreement.service_types.all()],
            service_area_codes=[region.code for region in agreement.service_areas.all()],
            is_public=agreement.is_public,
            source=agreement.source,
            source_note=agreement.source_note,
        )


@dataclass(frozen=True)
class Problem:
    """A problem with one field of the input; warnings do not stop saving."""

    field: str
    message: str
    warning: bool = False


@dataclass(frozen=True)
class PihakInfo:
    kind: str
    region_code: str | None
    partner_type: str | None
    name: str


class Lookups:
    """What validation needs to know from the database, fetched once and cached.

    Imports create one for the whole file and preload it, so validating 10,000 rows costs a
    handful of queries instead of several per row.
    """

    def __init__(self) -> None:
        self._pihak: dict[int, PihakInfo] = {}
        self._doc_types: dict[int, str | None] = {}
        self._levels: dict[str, str | None] = {}

    def preload_pihak(self, ids=None) -> None:
        queryset = Pihak.objects.all() if ids is None else Pihak.objects.filter(pk__in=ids)
        for pk, kind, region, ptype, name in queryset.values_list(
            "pk", "kind", "region_id", "partner__partner_type", "name"
        ):
            self._pihak[pk] = PihakInfo(kind, region, ptype, name)

    def pihak(self, pk: int) -> PihakInfo | None:
        if pk not in self._pihak:
            self.preload_pihak([pk])
        return self._pihak.get(pk)

    def remember_doc_type(self, pk: int, document_type: str) -> None:
        self._doc_types[pk] = document_type

    def doc_type(self, pk: int) -> str | None:
        if pk not in self._doc_types:
            self._doc_types[pk] = Agreement.objects.filter(pk=pk).values_list("document_type", flat=True).first()
        return self._doc_types[pk]

    def preload_levels(self, codes) -> None:
        missing = [code for code in codes if code not in self._levels]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found = dict(Region.objects.filter(code__in=chunk).values_list("code", "level"))
            for code in chunk:
                self._levels[code] = found.get(code)

    def region_level(self, code: str) -> str | None:
        if code not in self._levels:
            self.preload_levels([code])
        return self._levels[code]

    def numbers_taken(self, numbers: list[str], exclude_agreement: int | None = None) -> set[str]:
        """Which of ``numbers`` (compared case-insensitively) other agreements already use."""
        keys = {number.strip().upper() for number in numbers if number.strip()}
        if not keys:
            return set()
        taken: set[str] = set()
        # Blank numbers never match; excluding them is the condition of the unique index on
        # UPPER(number), which lets both databases use that index instead of scanning every party.
        rows = AgreementParty.objects.exclude(number="").annotate(key=Upper("number"))
        if exclude_agreement is not None:
            rows = rows.exclude(agreement_id=exclude_agreement)
        key_list = sorted(keys)
        for start in range(0, len(key_list), 500):
            chunk = key_list[start : start + 500]
            taken.update(rows.filter(key__in=chunk).values_list("key", flat=True))
        return taken


def derive_category(data: AgreementData, lookups: Lookups) -> str:
    """KSDLN with a foreign party, KSDPK with another partner, KSDD between regions only."""
    infos = [lookups.pihak(party.pihak_id) for party in data.parties]
    types = {info.partner_type for info in infos if info is not None and info.kind == PihakKind.MITRA}
    if PartnerType.LUAR_NEGERI in types:
        return Category.KSDLN
    if types:
        return Category.KSDPK
    return Category.KSDD


def validate(
    data: AgreementData,
    lookups: Lookups | None = None,
    agreement_id: int | None = None,
    check_numbers: bool = True,
) -> list[Problem]:
    """Every problem with ``data``: errors stop saving, warnings are shown and kept."""
    lookups = lookups or Lookups()
    found: list[Problem] = []

    def error(name: str, message: str) -> None:
        found.append(Problem(name, message))

    def warn(name: str, message: str) -> None:
        found.append(Problem(name, message, warning=True))

    if not data.title.strip():
        error("title", _("The title is required."))
    elif len(data.title) > 500:
        error("title", _("The title is longer than 500 characters."))
    if data.document_type not in DOCUMENT_TYPES:
        error(
            "document_type",
            _("Unknown document type “%(value)s”: use %(choices)s.")
            % {"value": data.document_type, "choices": ", ".join(DocumentType.values)},
        )
    if data.category and data.category not in CATEGORIES:
        error(
            "category",
            _("Unknown category “%(value)s”: use %(choices)s.")
            % {"value": data.category, "choices": ", ".join(Category.values)},
        )
    if data.stage not in STAGES:
        error("stage", _("Unknown stage “%(value)s”.") % {"value": data.stage})

    # Parties
    if len(data.parties) < 2:
        error("parties", _("An agreement needs at least two parties."))
    pihak_ids = [party.pihak_id for party in data.parties]
    if len(set(pihak_ids)) != len(pihak_ids):
        error("parties", _("A party is listed twice."))
    infos = []
    for party in data.parties:
        info = lookups.pihak(party.pihak_id)
        if info is None:
            error("parties", _("Unknown party id %(id)s.") % {"id": party.pihak_id})
        infos.append(info)
    numbers = [party.number.strip() for party in data.parties if party.number.strip()]
    upper = [number.upper() for number in numbers]
    if len(set(upper)) != len(upper):
        error("numbers", _("The same number is given twice."))
    if check_numbers and numbers:
        for number in sorted(lookups.numbers_taken(numbers, agreement_id)):
            error("numbers", _("Number “%(number)s” is already used by another agreement.") % {"number": number})

    # Category and document type against the parties
    known = [info for info in infos if info is not None]
    category = data.category or derive_category(data, lookups)
    partner_types = {info.partner_type for info in known if info.kind == PihakKind.MITRA}
    if category == Category.KSDD and partner_types:
        warn("category", _("KSDD is cooperation between regions, but a third party is listed."))
    if category == Category.KSDPK and not partner_types:
        warn("category", _("KSDPK is cooperation with a third party, but only regions are listed."))
    if category == Category.KSDLN and PartnerType.LUAR_NEGERI not in partner_types:
        warn("category", _("KSDLN needs a foreign party, but none is listed."))
    if data.document_type in (DocumentType.MOU, DocumentType.LOI) and category != Category.KSDLN:
        warn("document_type", _("MoU and LoI are used only with foreign parties (KSDLN)."))

    if not data.urusan_ids:
        error("urusan", _("Choose at least one urusan."))

    # Dates; the start date defaults to the signing date, as when saving.
    start_on = data.start_on or data.signed_on
    if data.end_on and start_on and data.end_on < start_on:
        error(
            "end_on",
            _("The end date (%(end)s) is before the start date (%(start)s).")
            % {"end": data.end_on.isoformat(), "start": start_on.isoformat()},
        )
    if data.start_on and data.signed_on and data.start_on < data.signed_on:
        warn("start_on", _("The start date is before the signing date."))
    if start_on and data.end_on:
        years = settings.KERJASAMA["MAX_DURATION_YEARS"]
        try:
            limit = start_on.replace(year=start_on.year + years)
        except ValueError:  # 29 February
            limit = start_on.replace(year=start_on.year + years, day=28)
        if data.end_on > limit:
            warn(
                "end_on",
                _(
                    "The agreement runs longer than %(years)s years, the usual maximum; check that a "
                    "special rule allows it."
                )
                % {"years": years},
            )
    if data.terminated_on and start_on and data.terminated_on < start_on:
        error("terminated_on", _("The termination date is before the start date."))
    if data.stage in SIGNED and data.signed_on is None:
        error(
            "signed_on",
            _("An agreement in stage “%(stage)s” needs its signing date.") % {"stage": Stage(data.stage).label},
        )
    if data.signed_on and data.stage not in SIGNED and data.stage != Stage.DITOLAK:
        warn(
            "stage",
            _("A signing date is recorded, but the stage is still “%(stage)s”.") % {"stage": Stage(data.stage).label},
        )
    if data.stage == Stage.DIAKHIRI and data.terminated_on is None:
        warn("terminated_on", _("A terminated agreement should have its termination date."))

    # Money and DPRD
    if data.funding_amount is not None and data.funding_amount < 0:
        error("funding_amount", _("An amount cannot be negative."))
    elif data.funding_amount is not None and data.funding_amount != data.funding_amount.quantize(CENTS):
        error("funding_amount", _("An amount has at most two decimals (sen)."))
    if data.dprd_approval_required and data.stage in SIGNED and not data.dprd_approval_reference:
        warn("dprd_approval_reference", _("DPRD approval is needed but no reference is recorded."))

    # Links
    if data.parent_id is not None:
        if agreement_id is not None and data.parent_id == agreement_id:
            error("parent", _("An agreement cannot be its own parent."))
        else:
            parent_type = lookups.doc_type(data.parent_id)
            if parent_type is None:
                error("parent", _("The parent agreement does not exist."))
            elif parent_type != DocumentType.KB:
                error(
                    "parent", _("The parent must be a Kesepakatan Bersama (KB), not %(type)s.") % {"type": parent_type}
                )
            elif data.document_type not in (DocumentType.PKS, DocumentType.ADENDUM):
                warn("parent", _("Usually only a PKS implements a KB."))
    if data.amends_id is not None:
        if agreement_id is not None and data.amends_id == agreement_id:
            error("amends", _("An agreement cannot change itself."))
        elif lookups.doc_type(data.amends_id) is None:
            error("amends", _("The agreement it changes does not exist."))
        if not data.change_kind:
            error("change_kind", _("Say whether it is an extension or an addendum."))
    elif data.change_kind:
        error("amends", _("Name the agreement that is extended or amended."))

    # Services and their areas
    if data.service_area_codes and not data.service_type_ids:
        error("service_areas", _("Service areas are given but no service is opened."))
    region_codes = [info.region_code for info in known if info.region_code]
    lookups.preload_levels(data.service_area_codes)
    for code in data.service_area_codes:
        level = lookups.region_level(code)
        if level is None:
            error("service_areas", _("Unknown region code %(code)s.") % {"code": code})
        elif level not in AREA_LEVELS:
            error("service_areas", _("%(code)s is not a kecamatan or desa/kelurahan.") % {"code": code})
        elif not any(code.startswith(f"{region}.") for region in region_codes):
            error("service_areas", _("%(code)s does not lie in any party's region.") % {"code": code})
    return found


class AgreementValidationError(Exception):
    """Input that cannot be saved; ``problems`` lists every error (and the warnings)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems if not p.warning))

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.warning]


class PermissionDenied(Exception):
    """The user may not act on this agreement."""


@dataclass
class SaveResult:
    """A saved agreement and the warnings that did not stop it."""

    agreement: Agreement
    warnings: list[Problem]


@dataclass
class Related:
    """What an agreement's snapshot records beyond its own fields: link codes and party rows."""

    urusan: list[str]
    service_types: list[str]
    service_areas: list[str]
    parties: list[AgreementParty]

    @classmethod
    def of(cls, agreement: Agreement) -> "Related":
        """Read from the database; .all() so that callers can prefetch these for many agreements at once."""
        return cls(
            urusan=[urusan.code for urusan in agreement.urusan.all()],
            service_types=[service.code for service in agreement.service_types.all()],
            service_areas=[region.code for region in agreement.service_areas.all()],
            parties=list(agreement.parties.all()),
        )


def _amount_text(amount: Decimal | None) -> str | None:
    """An amount as stored (two decimals), so a typed ``1250000000`` and the stored ``1250000000.00`` agree."""
    return None if amount is None else str(Decimal(amount).quantize(CENTS))


def snapshot(agreement: Agreement, related: Related | None = None) -> dict:
    """The agreement with its parties and links as plain JSON data, for the change log.

    ``related`` is read from the database unless the caller passes what it has just written
    (the import does, which spares reading back 10,000 agreements' links).
    """
    related = related if related is not None else Related.of(agreement)
    return {
        "title": agreement.title,
        "document_type": agreement.document_type,
        "category": agreement.category,
        "subject": agreement.subject,
        "scope": agreement.scope,
        "perangkat_daerah": agreement.perangkat_daerah_id,
        "signed_on": agreement.signed_on,
        "start_on": agreement.start_on,
        "end_on": agreement.end_on,
        "terminated_on": agreement.terminated_on,
        "funding_source": agreement.funding_source,
        "funding_amount": _amount_text(agreement.funding_amount),
        "dprd_approval_required": agreement.dprd_approval_required,
        "dprd_approval_reference": agreement.dprd_approval_reference,
        "stage": agreement.stage,
        "parent": agreement.parent_id,
        "amends": agreement.amends_id,
        "change_kind": agreement.change_kind,
        "is_public": agreement.is_public,
        "source": agreement.source,
        "source_note": agreement.source_note,
        "archived_at": agreement.archived_at,
        "urusan": sorted(related.urusan),
        "service_types": sorted(related.service_types),
        "service_areas": sorted(related.service_areas),
        "parties": [party_snapshot(party) for party in related.parties],
    }


def party_snapshot(party: AgreementParty) -> dict:
    """One party row as plain data."""
    return {
        "pihak": party.pihak.name,
        "pihak_id": party.pihak_id,
        "order": party.order,
        "role": party.role,
        "number": party.number,
        "signatory_name": party.signatory_name,
        "signatory_title": party.signatory_title,
        "service_role": party.service_role,
    }


SCALAR_FIELDS = (
    "title", "document_type", "category", "subject", "scope", "perangkat_daerah_id", "signed_on",
    "start_on", "end_on", "terminated_on", "funding_source", "funding_amount", "dprd_approval_required",
    "dprd_approval_reference", "parent_id", "amends_id", "change_kind", "is_public", "source", "source_note",
)  # fmt: skip


def apply_fields(agreement: Agreement, data: AgreementData, lookups: Lookups) -> None:
    """Copy the plain fields of ``data`` onto ``agreement`` (not saved); derives category and start."""
    for name in SCALAR_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = value.strip()
        setattr(agreement, name, value)
    agreement.category = data.category or derive_category(data, lookups)
    agreement.start_on = data.start_on or data.signed_on


def _check_operator_is_party(user, data: AgreementData) -> None:
    actor = actor_for(user)
    if actor.is_operator and actor.pihak_id not in {party.pihak_id for party in data.parties}:
        raise AgreementValidationError(
            [Problem("parties", _("You may only register agreements to which your region or partner is a party."))]
        )


def _user_fields(user) -> dict:
    if getattr(user, "pk", None):
        return {"user": user, "user_name": user.get_username()}
    return {"user": None, "user_name": ""}


def create_agreement(data: AgreementData, user=None, lookups: Lookups | None = None) -> SaveResult:
    """Validate and register a new agreement for ``user`` (default: the current actor)."""
    user = user if user is not None else current().user
    actor = actor_for(user)
    if not Agreement.can_add(actor):
        raise AgreementValidationError([Problem("parties", _("Your role may not register agreements."))])
    _check_operator_is_party(user, data)
    lookups = lookups or Lookups()
    found = validate(data, lookups)
    if any(not problem.warning for problem in found):
        raise AgreementValidationError(found)
    with transaction.atomic():
        agreement = Agreement(stage=data.stage)
        apply_fields(agreement, data, lookups)
        agreement.save()
        _write_relations(agreement, data)
        AgreementTransition.objects.create(
            agreement=agreement,
            from_stage="",
            to_stage=agreement.stage,
            at=timezone.now(),
            note=_("Registered"),
            **_user_fields(user),
        )
        changelog.log_change(agreement, ChangeAction.CREATE, after=snapshot(agreement))
        for party in agreement.parties.select_related("pihak"):
            changelog.log_change(party, ChangeAction.CREATE, after=party_snapshot(party), related=agreement)
        index_agreements([agreement.pk])
    return SaveResult(agreement, [problem for problem in found if problem.warning])


def _write_relations(agreement: Agreement, data: AgreementData) -> None:
    agreement.urusan.set(data.urusan_ids)
    agreement.service_types.set(data.service_type_ids)
    agreement.service_areas.set(data.service_area_codes)
    AgreementParty.objects.bulk_create(
        [
            AgreementParty(
                agreement=agreement,
                pihak_id=party.pihak_id,
                order=index,
                role=party.role,
                number=party.number.strip(),
                signatory_name=party.signatory_name.strip(),
                signatory_title=party.signatory_title.strip(),
                service_role=party.service_role,
            )
            for index, party in enumerate(data.parties, start=1)
        ]
    )


def update_agreement(agreement: Agreement, data: AgreementData, user=None, message: str = "") -> SaveResult:
    """Validate and apply an edit; the stage changes only through transitions, never here."""
    user = user if user is not None else current().user
    if not Agreement.objects.restrict(user, CHANGE).filter(pk=agreement.pk).exists():
        raise AgreementValidationError([Problem("title", _("You may not change this agreement."))])
    _check_operator_is_party(user, data)
    data.stage = agreement.stage
    lookups = Lookups()
    found = validate(data, lookups, agreement_id=agreement.pk)
    if any(not problem.warning for problem in found):
        raise AgreementValidationError(found)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        before = snapshot(agreement)
        old_parties = {party.pihak_id: party for party in agreement.parties.select_related("pihak")}
        old_party_data = {pk: party_snapshot(party) for pk, party in old_parties.items()}
        apply_fields(agreement, data, lookups)
        agreement.save()
        # Parties are rewritten as a whole; delete first so swapped numbers do not collide.
        agreement.parties.all().delete()
        _write_relations(agreement, data)
        after = snapshot(agreement)
        if after != before:
            changelog.log_change(agreement, ChangeAction.UPDATE, before=before, after=after, message=message)
        if any(before[key] != after[key] for key in ("start_on", "end_on", "terminated_on", "parties")):
            refresh_periods(agreement)  # the expected implementation reports follow the dates and parties
        new_parties = {party.pihak_id: party for party in agreement.parties.select_related("pihak")}
        for pk, party in new_parties.items():
            now = party_snapshot(party)
            if pk not in old_party_data:
                changelog.log_change(party, ChangeAction.CREATE, after=now, related=agreement)
            elif old_party_data[pk] != now:
                changelog.log_change(
                    party, ChangeAction.UPDATE, before=old_party_data[pk], after=now, related=agreement
                )
        for pk, old in old_party_data.items():
            if pk not in new_parties:
                changelog.log_change(old_parties[pk], ChangeAction.DELETE, before=old, related=agreement)
        index_agreements([agreement.pk])
    return SaveResult(agreement, [problem for problem in found if problem.warning])


def archive_agreement(agreement: Agreement, user=None, message: str = "") -> Agreement:
    """Archive instead of deleting: the agreement leaves the lists and can be restored."""
    return _set_archived(agreement, user, archived=True, message=message)


def restore_agreement(agreement: Agreement, user=None, message: str = "") -> Agreement:
    """Undo an archive."""
    return _set_archived(agreement, user, archived=False, message=message)


def _set_archived(agreement: Agreement, user, archived: bool, message: str) -> Agreement:
    user = user if user is not None else current().user
    if not Agreement.objects.restrict(user, DELETE).filter(pk=agreement.pk).exists():
        raise PermissionDenied(_("You may not archive or restore this agreement."))
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.is_archived == archived:
            return agreement
        before = snapshot(agreement)
        agreement.archived_at = timezone.now() if archived else None
        agreement.save(update_fields=["archived_at", "updated_at"])
        changelog.log_change(
            agreement,
            ChangeAction.ARCHIVE if archived else ChangeAction.RESTORE,
            before=before,
            after=snapshot(agreement),
            message=message,
        )
        index_agreements([agreement.pk])
    return agreement
