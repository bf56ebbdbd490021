"""Importing agreements from a spreadsheet, all or nothing.

A pipeline of plain steps: **read** (XLSX/CSV into rows of cells) → **parse** (Indonesian dates,
party names and aliases, choices) → **validate** (the same :func:`services.validate` the forms use,
plus in-file checks) → **write** (one transaction, bulk inserts). The CLI, the web upload and the
tests call :func:`import_agreements`; a dry run stops before writing.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerjasama.agreements.choices import (
    Category,
    ChangeKind,
    DocumentType,
    FundingSource,
    PartyRole,
    ServiceRole,
    Stage,
)
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.agreements.services import (
    AgreementData,
    Lookups,
    PartyData,
    Related,
    apply_fields,
    party_snapshot,
    snapshot,
    validate,
)
from kerjasama.agreements.template import COLUMN_NAMES, FIELD_COLUMNS, REQUIRED, normalise_header
from kerjasama.core import changelog
from kerjasama.core.choices import ChangeAction, Source
from kerjasama.core.db import insert_many, reserve_keys
from kerjasama.core.memory import collector_paused
from kerjasama.core.text import ParseError, fold, parse_amount, parse_bool, parse_date, split_list
from kerjasama.regions.models import PerangkatDaerah, Pihak, ServiceType, Urusan
from kerjasama.regions.resolver import AreaResolver, PihakResolver, ResolveError
from kerjasama.search.index import Sources, index_agreements
from kerjasama.users.roles import Actor

Progress = Callable[[Iterable], Iterable]


def _identity(items: Iterable) -> Iterable:
    return items


@dataclass(frozen=True)
class RowError:
    """A problem in one cell: row number (the header is row 1), column and reason."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportReport:
    """What an import found and did. ``created`` is 0 whenever ``errors`` is not empty."""

    rows: int = 0
    created: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    new_perangkat_daerah: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file itself cannot be read (wrong type, not UTF-8, empty)."""


# Read ----------------------------------------------------------------------------------------------


def read_rows(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """Cells of the first sheet (XLSX) or of a CSV file, as (headers, [(row number, cells)])."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(content)
    if suffix in (".csv", ".txt"):
        return _read_csv(content)
    raise ImportFileError(_("Unsupported file type “%(suffix)s”: use .xlsx or .csv.") % {"suffix": suffix})


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ImportFileError(_("The file is not a readable XLSX workbook (%(error)s).") % {"error": exc}) from exc
    if not rows:
        raise ImportFileError(_("The sheet is empty."))
    headers = [str(cell) if cell is not None else "" for cell in rows[0]]
    return headers, [(index, list(row)) for index, row in enumerate(rows[1:], start=2)]


def _read_csv(content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The CSV file is not UTF-8 encoded; save it as “CSV UTF-8”.")) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return rows[0], [(index, row) for index, row in enumerate(rows[1:], start=2)]


# Parse ---------------------------------------------------------------------------------------------


def _choice_map(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Accept a choice by value or label, in any case (``pks``, ``Perjanjian Kerja Sama (PKS)``)."""
    from django.utils import translation

    mapping = {}
    for value, label in choices.choices:
        mapping[fold(value)] = value
        for language in ("id", "en"):
            with translation.override(language):
                mapping[fold(str(label))] = value
    for key, value in (extra or {}).items():
        mapping[fold(key)] = value
    return mapping


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _aligned(value) -> list[str]:
    """Split ``a;;c`` keeping blanks in place, so each part lines up with its party."""
    parts = [part.strip() for part in _cell(value).split(";")]
    while parts and not parts[-1]:
        parts.pop()
    return parts


@dataclass
class ParsedRow:
    """A row read into input data, with its references still as numbers."""

    row: int
    data: AgreementData
    numbers: list[str]
    parent_ref: str = ""
    amends_ref: str = ""
    perangkat_daerah_name: str = ""
    parent_in_file: "ParsedRow | None" = None
    amends_in_file: "ParsedRow | None" = None


class RowParser:
    """Turns template rows into :class:`AgreementData`, collecting every problem with row and column."""

    def __init__(self, actor: Actor | None = None, lookups: Lookups | None = None) -> None:
        self.actor = actor
        self.lookups = lookups or Lookups()
        self.parties = PihakResolver()
        self._areas: AreaResolver | None = None
        self.urusan = {}
        for pk, code, name, short_name, aliases in Urusan.objects.values_list(
            "pk", "code", "name", "short_name", "aliases"
        ):
            for text in [code, name, short_name, *(aliases or [])]:
                if text:
                    self.urusan[fold(text)] = pk
        self.services = {}
        for pk, code, name in ServiceType.objects.values_list("pk", "code", "name"):
            self.services[fold(code)] = pk
            self.services[fold(name)] = pk
        self.opd = {}
        for pk, name, short_name in PerangkatDaerah.objects.values_list("pk", "name", "short_name"):
            self.opd.setdefault(fold(name), pk)
            if short_name:
                self.opd.setdefault(fold(short_name), pk)
        self.document_types = _choice_map(
            DocumentType,
            {
                "kesepakatan bersama": "KB",
                "perjanjian kerja sama": "PKS",
                "perjanjian kerjasama": "PKS",
                "nota kesepakatan": "NK",
                "memorandum of understanding": "MoU",
                "letter of intent": "LoI",
                "addendum": "Adendum",
            },
        )
        self.categories = _choice_map(Category)
        self.stages = _choice_map(Stage, {"persetujuan dprd": Stage.PERSETUJUAN_DPRD})
        self.funding = _choice_map(FundingSource)
        self.roles = _choice_map(PartyRole)
        self.service_roles = _choice_map(ServiceRole, {"timbal balik": ServiceRole.TIMBAL_BALIK})
        self.change_kinds = _choice_map(ChangeKind, {"addendum": ChangeKind.ADENDUM})
        self.sources = _choice_map(Source)

    @property
    def areas(self) -> AreaResolver:
        if self._areas is None:
            self._areas = AreaResolver()
        return self._areas

    def parse(self, row: int, cells: dict[str, object], errors: list[RowError]) -> ParsedRow | None:
        """One row as :class:`ParsedRow`; problems go to ``errors`` and ``None`` is returned."""
        start = len(errors)

        def fail(column: str, message: str) -> None:
            errors.append(RowError(row, column, message))

        def text(column: str) -> str:
            return _cell(cells.get(column))

        def choice(column: str, mapping: dict[str, str], default: str = "") -> str:
            raw = text(column)
            if not raw:
                return default
            value = mapping.get(fold(raw))
            if value is None:
                fail(column, _("Unknown value “%(value)s”.") % {"value": raw})
                return default
            return value

        def date(column: str) -> dt.date | None:
            try:
                return parse_date(cells.get(column))
            except ParseError as exc:
                fail(column, str(exc))
                return None

        title = text("judul")
        if not title:
            fail("judul", _("The title is required."))
        document_type = choice("jenis_dokumen", self.document_types)
        if not text("jenis_dokumen"):
            fail("jenis_dokumen", _("The document type is required."))

        pihak_ids = []
        names = split_list(cells.get("pihak"))
        if not names:
            fail("pihak", _("List the parties, separated by ;."))
        for name in names:
            try:
                pihak_ids.append(self.parties.resolve(name))
            except ResolveError as exc:
                fail("pihak", str(exc))
        numbers = _aligned(cells.get("nomor"))
        if len(numbers) > len(names):
            fail(
                "nomor",
                _("%(numbers)s numbers for %(parties)s parties: give at most one number per party.")
                % {"numbers": len(numbers), "parties": len(names)},
            )
        roles = _aligned(cells.get("peran_pihak"))
        signatories = _aligned(cells.get("penandatangan"))
        titles = _aligned(cells.get("jabatan_penandatangan"))
        service_roles = _aligned(cells.get("peran_layanan"))
        for column, values in (
            ("peran_pihak", roles),
            ("penandatangan", signatories),
            ("jabatan_penandatangan", titles),
            ("peran_layanan", service_roles),
        ):
            if len(values) > len(names):
                fail(column, _("More values than parties."))

        def nth(values: list[str], index: int) -> str:
            return values[index] if index < len(values) else ""

        parties = []
        for index, pihak_id in enumerate(pihak_ids):
            role_text = nth(roles, index)
            role = self.roles.get(fold(role_text)) if role_text else None
            if role_text and role is None:
                fail("peran_pihak", _("Unknown value “%(value)s”.") % {"value": role_text})
            service_text = nth(service_roles, index)
            service_role = self.service_roles.get(fold(service_text)) if service_text else None
            if service_text and service_role is None:
                fail("peran_layanan", _("Unknown value “%(value)s”.") % {"value": service_text})
            parties.append(
                PartyData(
                    pihak_id=pihak_id,
                    role=role or (PartyRole.PEMRAKARSA if index == 0 else PartyRole.MITRA),
                    number=nth(numbers, index),
                    signatory_name=nth(signatories, index),
                    signatory_title=nth(titles, index),
                    service_role=service_role or ServiceRole.TIMBAL_BALIK,
                )
            )
        if self.actor is not None and self.actor.is_operator and self.actor.pihak_id not in pihak_ids:
            fail("pihak", _("You may only import agreements to which your region or partner is a party."))

        urusan_ids = []
        for name in split_list(cells.get("urusan")):
            pk = self.urusan.get(fold(name))
            if pk is None:
                fail("urusan", _("Unknown urusan “%(value)s”.") % {"value": name})
            else:
                urusan_ids.append(pk)
        if not split_list(cells.get("urusan")):
            fail("urusan", _("Name at least one urusan."))

        service_ids = []
        for name in split_list(cells.get("layanan")):
            pk = self.services.get(fold(name))
            if pk is None:
                fail(
                    "layanan",
                    _("Unknown service “%(value)s”: use %(codes)s.")
                    % {"value": name, "codes": "adminduk, rumah_sakit, puskesmas, sma_smk, perguruan_tinggi, samsat"},
                )
            else:
                service_ids.append(pk)
        area_codes = []
        region_codes = tuple(
            info.region_code
            for pihak_id in pihak_ids
            if (info := self.lookups.pihak(pihak_id)) is not None and info.region_code
        )
        for name in split_list(cells.get("wilayah_layanan")):
            try:
                area_codes.append(self.areas.resolve(name, prefer=region_codes))
            except ResolveError as exc:
                fail("wilayah_layanan", str(exc))

        signed_on = date("tanggal_ttd")
        start_on = date("tanggal_mulai")
        end_on = date("tanggal_berakhir")
        terminated_on = date("tanggal_diakhiri")
        default_stage = Stage.PELAKSANAAN if signed_on else Stage.PERSIAPAN
        stage = choice("tahap", self.stages, default_stage)
        try:
            is_public = parse_bool(cells.get("publik"), default=True)
        except ParseError as exc:
            fail("publik", str(exc))
            is_public = True
        try:
            dprd = parse_bool(cells.get("perlu_persetujuan_dprd"), default=False)
        except ParseError as exc:
            fail("perlu_persetujuan_dprd", str(exc))
            dprd = False
        try:
            amount = parse_amount(cells.get("nilai"))
        except ParseError as exc:
            fail("nilai", str(exc))
            amount = None

        opd_name = text("perangkat_daerah")
        if len(errors) > start:
            return None
        data = AgreementData(
            title=title,
            document_type=document_type,
            category=choice("kategori", self.categories),
            parties=parties,
            urusan_ids=urusan_ids,
            subject=text("objek"),
            scope=text("ruang_lingkup"),
            perangkat_daerah_id=self.opd.get(fold(opd_name)) if opd_name else None,
            signed_on=signed_on,
            start_on=start_on or signed_on,
            end_on=end_on,
            terminated_on=terminated_on,
            funding_source=choice("sumber_dana", self.funding),
            funding_amount=amount,
            dprd_approval_required=bool(dprd),
            dprd_approval_reference=text("referensi_dprd"),
            stage=stage,
            change_kind=choice("jenis_perubahan", self.change_kinds),
            service_type_ids=service_ids,
            service_area_codes=area_codes,
            is_public=bool(is_public),
            source=choice("sumber", self.sources, Source.IMPOR),
            source_note=text("catatan_sumber"),
        )
        return ParsedRow(row, data, [n for n in numbers if n], text("induk"), text("mengubah"), opd_name)


# Validate and write --------------------------------------------------------------------------------


def _existing_by_number(numbers: set[str]) -> dict[str, tuple[int, str]]:
    """Stored agreements by number (upper case): {number: (id, document type)}."""
    from django.db.models.functions import Upper

    found = {}
    keys = sorted(numbers)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = (
            AgreementParty.objects.exclude(number="")  # the condition of the unique index, so the index is used
            .annotate(key=Upper("number"))
            .filter(key__in=chunk)
            .values_list("key", "agreement_id", "agreement__document_type")
        )
        for key, agreement_id, document_type in rows:
            found[key] = (agreement_id, document_type)
    return found


def import_agreements(
    content: bytes,
    filename: str,
    actor: Actor,
    user=None,
    dry_run: bool = False,
    progress: Progress = _identity,
    preview_rows: int = 20,
) -> ImportReport:
    """Import a template file; nothing is written unless every row is valid.

    ``actor`` decides permissions (the CLI passes the admin role); ``user`` is recorded in the
    change log when given.
    """
    with collector_paused():  # bounded bulk work: see core.memory
        return _import(content, filename, actor, user, dry_run, progress, preview_rows)


def _import(
    content: bytes,
    filename: str,
    actor: Actor,
    user,
    dry_run: bool,
    progress: Progress,
    preview_rows: int,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    try:
        headers, rows = read_rows(content, filename)
    except ImportFileError as exc:
        report.errors.append(RowError(1, "-", str(exc)))
        return report
    normalised = [normalise_header(header) for header in headers]
    report.unknown_columns = [h for h, n in zip(headers, normalised, strict=True) if n and n not in COLUMN_NAMES]
    for column in REQUIRED:
        if column not in normalised:
            report.errors.append(RowError(1, column, _("The required column is missing.")))
    if report.errors:
        return report
    for name in report.unknown_columns:
        report.warnings.append(RowError(1, name, _("Unknown column, ignored.")))

    lookups = Lookups()
    lookups.preload_pihak()
    parser = RowParser(actor, lookups)
    parsed: list[ParsedRow] = []
    unreadable: set[str] = set()  # numbers of rows with errors, so references to them add no noise
    for row_number, cells in progress(rows):
        if all(_cell(cell) == "" for cell in cells):
            continue
        report.rows += 1
        values = {name: cells[i] if i < len(cells) else None for i, name in enumerate(normalised) if name}
        result = parser.parse(row_number, values, report.errors)
        if result is not None:
            parsed.append(result)
        else:
            unreadable.update(number.upper() for number in _aligned(values.get("nomor")) if number)

    _check_links_and_numbers(parsed, report, lookups, unreadable)
    if report.errors:
        report.errors.sort(key=lambda error: (error.row, error.column))
        return report

    new_opd = sorted(
        {
            row.perangkat_daerah_name
            for row in parsed
            if row.perangkat_daerah_name and row.data.perangkat_daerah_id is None
        }
    )
    report.new_perangkat_daerah = new_opd
    report.preview = [_preview(row, lookups) for row in parsed[:preview_rows]]
    if dry_run:
        return report
    try:
        report.created = _write(parsed, user, filename, new_opd)
    except IntegrityError as exc:  # a concurrent change took a number between validation and write
        report.errors.append(
            RowError(1, "-", _("The database refused the import (%(error)s); nothing was saved.") % {"error": exc})
        )
        report.created = 0
    return report


def _check_links_and_numbers(
    parsed: list[ParsedRow], report: ImportReport, lookups: Lookups, unreadable: set[str]
) -> None:
    in_file: dict[str, ParsedRow] = {}
    for row in parsed:
        for number in row.numbers:
            key = number.upper()
            if key in in_file and in_file[key] is not row:
                report.errors.append(
                    RowError(
                        row.row,
                        "nomor",
                        _("Number “%(number)s” is also used in row %(other)s.")
                        % {"number": number, "other": in_file[key].row},
                    )
                )
            else:
                in_file[key] = row
    references = {ref.upper() for row in parsed for ref in (row.parent_ref, row.amends_ref) if ref}
    stored = _existing_by_number(set(in_file) | references)
    for key, row in in_file.items():
        if key in stored:
            report.errors.append(
                RowError(
                    row.row,
                    "nomor",
                    _("Number “%(number)s” is already registered.")
                    % {"number": next(n for n in row.numbers if n.upper() == key)},
                )
            )
    for agreement_id, document_type in stored.values():
        lookups.remember_doc_type(agreement_id, document_type)

    for row in parsed:
        for ref, column, attr in ((row.parent_ref, "induk", "parent"), (row.amends_ref, "mengubah", "amends")):
            if not ref:
                continue
            key = ref.upper()
            if key in in_file:
                target = in_file[key]
                if target is row:
                    report.errors.append(RowError(row.row, column, _("An agreement cannot refer to itself.")))
                elif attr == "parent" and target.data.document_type != DocumentType.KB:
                    report.errors.append(
                        RowError(
                            row.row,
                            column,
                            _("The parent must be a Kesepakatan Bersama (KB), not %(type)s.")
                            % {"type": target.data.document_type},
                        )
                    )
                setattr(row, f"{attr}_in_file", target)
            elif key in stored:
                setattr(row.data, f"{attr}_id", stored[key][0])
            elif key not in unreadable:
                report.errors.append(
                    RowError(row.row, column, _("No agreement has the number “%(number)s”.") % {"number": ref})
                )
        # In-file links were checked above; validate() applies every other rule.
        if row.amends_in_file is not None and not row.data.change_kind:
            report.errors.append(
                RowError(row.row, "jenis_perubahan", _("Say whether it is an extension or an addendum."))
            )
        for problem in validate(row.data, lookups, check_numbers=False):
            if problem.field == "amends" and row.amends_in_file is not None:
                continue
            column = FIELD_COLUMNS.get(problem.field, problem.field)
            (report.warnings if problem.warning else report.errors).append(RowError(row.row, column, problem.message))


def _preview(row: ParsedRow, lookups: Lookups) -> dict:
    names = [info.name for party in row.data.parties if (info := lookups.pihak(party.pihak_id))]
    return {
        "row": row.row,
        "nomor": "; ".join(row.numbers),
        "judul": row.data.title,
        "jenis_dokumen": row.data.document_type,
        "pihak": "; ".join(names),
        "tanggal_ttd": row.data.signed_on,
        "tanggal_berakhir": row.data.end_on,
        "tahap": Stage(row.data.stage).label,
    }


def _write(parsed: list[ParsedRow], user, filename: str, new_opd: list[str]) -> int:
    """Write every parsed row in one transaction with bulk inserts; returns the number created."""

    lookups = Lookups()
    lookups.preload_pihak({party.pihak_id for row in parsed for party in row.data.parties})
    user_fields = {"user_id": user.pk, "user_name": user.get_username()} if getattr(user, "pk", None) else {}
    with transaction.atomic():
        opd_ids = {}
        for name in new_opd:
            opd_ids[fold(name)] = PerangkatDaerah.objects.create(name=name).pk
        agreements = []
        for row in parsed:
            if row.perangkat_daerah_name and row.data.perangkat_daerah_id is None:
                row.data.perangkat_daerah_id = opd_ids[fold(row.perangkat_daerah_name)]
            agreement = Agreement(stage=row.data.stage)
            apply_fields(agreement, row.data, lookups)
            agreements.append(agreement)
        # Keys known before inserting let rows point at each other (a PKS at its KB in the same file)
        # and let insert_many skip bulk_create's per-value compiling and reading keys back.
        for agreement, key in zip(agreements, reserve_keys(Agreement, len(agreements)), strict=True):
            agreement.pk = key
        by_row = {id(row): agreement for row, agreement in zip(parsed, agreements, strict=True)}
        for row, agreement in zip(parsed, agreements, strict=True):
            if row.parent_in_file is not None:
                agreement.parent_id = by_row[id(row.parent_in_file)].pk
            if row.amends_in_file is not None:
                agreement.amends_id = by_row[id(row.amends_in_file)].pk
        insert_many(Agreement, agreements)

        message = _("Imported from %(file)s") % {"file": Path(filename).name}
        parties, urusan, services, areas, transitions = [], [], [], [], []
        related: list[Related] = []  # what each agreement's change-log snapshot records
        urusan_by_agreement: dict[int, list[int]] = {}
        pihak = Pihak.objects.in_bulk({party.pihak_id for row in parsed for party in row.data.parties})
        urusan_codes = dict(Urusan.objects.values_list("pk", "code"))
        service_codes = dict(ServiceType.objects.values_list("pk", "code"))
        now = timezone.now()
        for row, agreement in zip(parsed, agreements, strict=True):
            data = row.data
            own_parties = [
                AgreementParty(
                    agreement_id=agreement.pk,
                    pihak=pihak[party.pihak_id],
                    order=index,
                    role=party.role,
                    number=party.number.strip(),
                    signatory_name=party.signatory_name.strip(),
                    signatory_title=party.signatory_title.strip(),
                    service_role=party.service_role,
                )
                for index, party in enumerate(data.parties, start=1)
            ]
            parties += own_parties
            urusan_ids = list(dict.fromkeys(data.urusan_ids))
            service_ids = list(dict.fromkeys(data.service_type_ids))
            area_codes = list(dict.fromkeys(data.service_area_codes))
            urusan += [{"agreement_id": agreement.pk, "urusan_id": pk} for pk in urusan_ids]
            urusan_by_agreement[agreement.pk] = sorted(urusan_ids)
            services += [{"agreement_id": agreement.pk, "servicetype_id": pk} for pk in service_ids]
            areas += [{"agreement_id": agreement.pk, "region_id": code} for code in area_codes]
            related.append(
                Related(
                    urusan=[urusan_codes[pk] for pk in urusan_ids],
                    service_types=[service_codes[pk] for pk in service_ids],
                    service_areas=area_codes,
                    parties=own_parties,
                )
            )
            transitions.append(
                {"agreement_id": agreement.pk, "to_stage": agreement.stage, "at": now, "note": message, **user_fields}
            )
        for party, key in zip(parties, reserve_keys(AgreementParty, len(parties)), strict=True):
            party.pk = key  # the change log names every party by its key
        insert_many(AgreementParty, parties)
        for links, rows in (
            (Agreement.urusan, urusan),
            (Agreement.service_types, services),
            (Agreement.service_areas, areas),
        ):
            insert_many(links.through, rows)
        insert_many(AgreementTransition, transitions)
        _log_created(agreements, related, message)
        # In bulk, a few statements per 2,000, from what was just written rather than read back.
        sources = Sources(
            rows=[(a.pk, a.document_type, a.title, a.subject, a.scope, a.perangkat_daerah_id) for a in agreements],
            parties={
                a.pk: [(p.pihak_id, p.number) for p in links.parties]
                for a, links in zip(agreements, related, strict=True)
            },
            urusan=urusan_by_agreement,
        )
        index_agreements([agreement.pk for agreement in agreements], sources)
    return len(agreements)


def _log_created(agreements: list[Agreement], related: list[Related], message: str) -> None:
    """Change-log rows for the new agreements and their parties, from the rows just written."""
    for start in range(0, len(agreements), 1000):
        entries = []
        for agreement, links in zip(agreements[start : start + 1000], related[start : start + 1000], strict=True):
            entries.append(
                changelog.ChangeEntry(agreement, ChangeAction.CREATE, after=snapshot(agreement, links), message=message)
            )
            entries += [
                changelog.ChangeEntry(
                    party, ChangeAction.CREATE, after=party_snapshot(party), related=agreement, message=message
                )
                for party in links.parties
            ]
        changelog.log_changes(entries)
