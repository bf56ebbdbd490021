"""The open datasets: one declarative definition each, the single source of the files and the dictionary.

A :class:`Dataset` names its columns with type, description, example and (for codes) the allowed
values. The CSV, XLSX and JSON writers, the data dictionary on /data/, ``kamus-data.csv`` and
``datapackage.json`` all read these definitions, so a column cannot appear in a file without being
documented, nor be documented without appearing.

What is published (decisions):

- exactly the agreements an anonymous visitor may see (``Agreement.objects.restrict(AnonymousUser)``),
  without archived ones; parties, activities and indicators only of those agreements, and only
  rows their own ``restrict`` shows to an anonymous visitor;
- every row carries ``sumber`` (where the record comes from). A child row (party, activity,
  indicator) is ``contoh_sintetis`` when its agreement or the row itself is synthetic, so
  filtering out ``contoh_sintetis`` removes every piece of demo data;
- codes, not labels (labels change with the language; the dictionary lists each code's label);
- signatories' names are left out (their positions are kept): the files are for analysis, and
  a name adds nothing to it that the agreement page does not show.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Count, Max, Prefetch
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kerjasama.agreements.choices import (
    Category,
    ChangeKind,
    DocumentType,
    FundingSource,
    PartyRole,
    ServiceRole,
    Stage,
    Validity,
)
from kerjasama.agreements.models import Agreement, AgreementParty, expiring_window
from kerjasama.core.choices import Source
from kerjasama.core.querysets import VIEW
from kerjasama.monitoring.choices import ActivityStatus, IndicatorAggregation
from kerjasama.monitoring.models import Activity, Indicator, IndicatorValue
from kerjasama.monitoring.progress import ROW_FIELDS, ActivityRow, achievement, activity_progress
from kerjasama.regions.choices import PartnerType, PihakKind
from kerjasama.regions.models import Region, ServiceType, Urusan

# Agreements read per query while writing a file: memory stays flat whatever the register's size.
CHUNK = 1000
# Separator of multi-valued cells in CSV and XLSX (JSON has arrays).
LIST_SEPARATOR = ";"

TYPES = {
    "integer": _("Whole number"),
    "number": _("Number (decimal point “.”)"),
    "string": _("Text"),
    "boolean": _("true or false"),
    "date": _("Date, YYYY-MM-DD"),
    "datetime": _("Date and time with offset, ISO 8601 (WITA is +08:00)"),
    "url": _("Web address"),
    "list": _("List: a JSON array; in CSV and XLSX the items joined with “;”"),
}


@dataclass(frozen=True)
class Column:
    """One column of a dataset, as documented in the data dictionary."""

    name: str
    type: str
    description: Promise | str
    example: object
    choices: type[models.TextChoices] | None = None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"Unknown column type {self.type!r} for {self.name}")

    @property
    def type_label(self):
        return TYPES[self.type]

    def allowed(self) -> list[tuple[str, str]]:
        """The codes this column may hold with their labels (empty for free values)."""
        return [(value, str(label)) for value, label in self.choices.choices] if self.choices else []


@dataclass(frozen=True)
class Context:
    """What rows need besides the database: the site's address and the day validity is computed for."""

    base_url: str
    today: dt.date

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


Rows = Callable[[Context], Iterator[dict]]


@dataclass(frozen=True)
class Dataset:
    """A published table: slug (in URLs), name (sheet and table name), title, description, columns, rows."""

    slug: str
    name: str
    title: Promise | str
    description: Promise | str
    row_unit: Promise | str  # what one row is, for the dictionary ("one agreement")
    columns: tuple[Column, ...]
    rows: Rows = field(repr=False)
    # (number of rows, latest change of a row): shown on /data/, computed once per data version.
    stats: Callable[[], tuple[int, dt.datetime | None]] = field(repr=False)
    primary_key: tuple[str, ...] = ()
    # Columns that hold the id of an agreement (or another dataset's row): (column, dataset slug, column).
    foreign_keys: tuple[tuple[str, str, str], ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


# The public rows --------------------------------------------------------------------------------------


def public_agreements():
    """Exactly the agreements an anonymous visitor may see, archived ones left out."""
    return Agreement.objects.restrict(AnonymousUser(), VIEW).filter(archived_at__isnull=True)


def public_rows(model: type[models.Model], path: str = "agreement"):
    """Rows of ``model`` an anonymous visitor may see, of the published agreements only."""
    return model.objects.restrict(AnonymousUser(), VIEW).filter(**{f"{path}__in": public_agreements().values("pk")})


def agreement_chunks(queryset, size: int = CHUNK) -> Iterator[list[Agreement]]:
    """``queryset`` in id order, ``size`` rows at a time (keyset paging: no offset, no server cursor)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _totals(queryset, field_name: str) -> tuple[int, dt.datetime | None]:
    totals = queryset.order_by().aggregate(count=Count("pk"), last=Max(field_name))
    return totals["count"], totals["last"]


def row_source(*sources: str) -> str:
    """The source to label a row with: synthetic when any record it comes from is synthetic."""
    if Source.SINTETIS in sources:
        return Source.SINTETIS
    return sources[-1]


def _codes(items: Iterable, attribute: str = "code") -> list[str]:
    return [getattr(item, attribute) for item in items]


# Agreements ----------------------------------------------------------------------------------------------


def related_lists() -> list[Prefetch]:
    """Parties, urusan, services and service areas as plain lists (``party_list``...).

    Lists, not related managers: for 100,000 agreements Django would otherwise build a manager and a
    filtered queryset per agreement and relation, most of the time it takes to write a file.
    """
    return [
        Prefetch(
            "parties",
            queryset=AgreementParty.objects.select_related("pihak__partner").order_by("agreement_id", "order"),
            to_attr="party_list",
        ),
        Prefetch("urusan", queryset=Urusan.objects.only("pk", "code", "name").order_by("code"), to_attr="urusan_list"),
        Prefetch(
            "service_types",
            queryset=ServiceType.objects.only("pk", "code", "name").order_by("code"),
            to_attr="service_list",
        ),
        Prefetch("service_areas", queryset=Region.objects.only("code").order_by("code"), to_attr="area_list"),
    ]


def detail_url(ctx: Context) -> Callable[[int], str]:
    """The address of an agreement's page by id (one ``reverse`` for all rows)."""
    pattern = reverse("kerjasama-detail", args=[987654321]).replace("987654321", "{}")
    return lambda pk: ctx.url(pattern.format(pk))


def agreement_rows(ctx: Context) -> Iterator[dict]:
    """One row per published agreement."""
    queryset = public_agreements().select_related("perangkat_daerah").prefetch_related(*related_lists())
    window = expiring_window()
    url = detail_url(ctx)
    for chunk in agreement_chunks(queryset):
        for agreement in chunk:
            parties = agreement.party_list
            urusan = agreement.urusan_list
            yield {
                "id": agreement.pk,
                "url": url(agreement.pk),
                "nomor": [party.number for party in parties if party.number],
                "judul": agreement.title,
                "jenis_dokumen": agreement.document_type,
                "kategori": agreement.category,
                "objek": agreement.subject,
                "ruang_lingkup": agreement.scope,
                "tanggal_ttd": agreement.signed_on,
                "tanggal_mulai": agreement.start_on,
                "tanggal_berakhir": agreement.end_on,
                "tanggal_diakhiri": agreement.terminated_on,
                "status_berlaku": agreement.validity_on(ctx.today, window),
                "status_berlaku_per": ctx.today,
                "tahap": agreement.stage,
                "kode_urusan": _codes(urusan),
                "nama_urusan": _codes(urusan, "name"),
                "perangkat_daerah": agreement.perangkat_daerah.name if agreement.perangkat_daerah else "",
                "pihak": [party.pihak.name for party in parties],
                "induk_id": agreement.parent_id,
                "mengubah_id": agreement.amends_id,
                "jenis_perubahan": agreement.change_kind,
                "layanan": _codes(agreement.service_list),
                "wilayah_layanan": _codes(agreement.area_list),
                "sumber_dana": agreement.funding_source,
                "nilai": agreement.funding_amount,
                "perlu_persetujuan_dprd": agreement.dprd_approval_required,
                "referensi_dprd": agreement.dprd_approval_reference,
                "sumber": agreement.source,
                "catatan_sumber": agreement.source_note,
                "diperbarui": agreement.updated_at,
            }


AGREEMENTS = Dataset(
    slug="kerja-sama",
    name="kerja_sama",
    title=_("Agreements"),
    description=_(
        "The public cooperation agreements of the register (KB, PKS, NK, MoU, LoI, addenda): numbers, "
        "title, type, dates, validity, stage, urusan, services opened, funding and source."
    ),
    row_unit=_("one agreement"),
    columns=(
        Column("id", "integer", _("Id of the agreement in this register; stable and never reused."), 101),
        Column("url", "url", _("The agreement's page on this site."), "https://kerjasama.example/kerja-sama/101/"),
        Column(
            "nomor",
            "list",
            _("The agreement's numbers, one per party that numbered its copy, in party order."),
            ["100.3.7/0456/B.Pem-Otda/2025", "180/112/HK/2025"],
        ),
        Column("judul", "string", _("Title of the agreement."), "Kerja sama pelayanan administrasi kependudukan"),
        Column("jenis_dokumen", "string", _("Kind of document."), "PKS", DocumentType),
        Column("kategori", "string", _("Kind of cooperation by counterpart (PP 28/2018)."), "KSDD", Category),
        Column("objek", "string", _("Object of the cooperation."), "Pelayanan KTP-el bagi penduduk perbatasan"),
        Column("ruang_lingkup", "string", _("Scope of the cooperation."), "Perekaman dan pencetakan KTP-el"),
        Column("tanggal_ttd", "date", _("Signing date; blank while not signed."), "2025-03-01"),
        Column("tanggal_mulai", "date", _("First day in force."), "2025-03-01"),
        Column("tanggal_berakhir", "date", _("Last day in force as agreed."), "2027-02-28"),
        Column("tanggal_diakhiri", "date", _("Last day in force when ended before the end date."), "2026-06-30"),
        Column(
            "status_berlaku",
            "string",
            _(
                "Validity on the day in status_berlaku_per, derived from the dates: not yet in force, in force, "
                "expiring (ends within the configured number of days, 90 by default) or expired."
            ),
            "berlaku",
            Validity,
        ),
        Column(
            "status_berlaku_per",
            "date",
            _("The day status_berlaku describes: the day the file was made."),
            "2025-11-18",
        ),
        Column("tahap", "string", _("Lifecycle stage of the agreement."), "pelaksanaan", Stage),
        Column("kode_urusan", "list", _("Codes of the urusan pemerintahan (UU 23/2014) it covers."), ["1.01"]),
        Column("nama_urusan", "list", _("Names of those urusan, in the same order."), ["Pendidikan"]),
        Column("perangkat_daerah", "string", _("Perangkat daerah (OPD) that owns the agreement."), "Biro Pemerintahan"),
        Column(
            "pihak",
            "list",
            _("Names of the parties, in party order (details: dataset pihak)."),
            ["Pemerintah Provinsi Kalimantan Timur", "Pemerintah Kota Balikpapan"],
        ),
        Column(
            "induk_id",
            "integer",
            _("Id of the KB this agreement implements; that KB may be non-public and then is not published."),
            88,
        ),
        Column(
            "mengubah_id",
            "integer",
            _("Id of the earlier agreement this one amends or extends (may be non-public)."),
            57,
        ),
        Column("jenis_perubahan", "string", _("How it changes that earlier agreement."), "perpanjangan", ChangeKind),
        Column(
            "layanan", "list", _("Codes of the public services it opens to other regions' residents."), ["adminduk"]
        ),
        Column(
            "wilayah_layanan",
            "list",
            _("Kemendagri codes of the kecamatan or desa whose residents may use those services; blank: all."),
            ["64.02.13"],
        ),
        Column("sumber_dana", "string", _("Who pays for carrying it out."), "apbd_provinsi", FundingSource),
        Column("nilai", "number", _("Amount in rupiah, when stated."), 1500000000),
        Column("perlu_persetujuan_dprd", "boolean", _("Whether DPRD approval is needed."), False),
        Column("referensi_dprd", "string", _("Reference of the DPRD approval."), "Keputusan DPRD Nomor 12 Tahun 2025"),
        Column(
            "sumber",
            "string",
            _("Where the record comes from; contoh_sintetis rows are synthetic demo data, not real agreements."),
            "arsip",
            Source,
        ),
        Column("catatan_sumber", "string", _("Note on the source."), "Daftar Biro Pemerintahan 2025"),
        Column(
            "diperbarui", "datetime", _("When the record (or its parties) last changed."), "2025-11-18T08:00:00+08:00"
        ),
    ),
    rows=agreement_rows,
    stats=lambda: _totals(public_agreements(), "updated_at"),
    primary_key=("id",),
)


# Parties ----------------------------------------------------------------------------------------------------


def party_rows(ctx: Context) -> Iterator[dict]:
    """One row per party of a published agreement, in agreement and party order."""
    parties = AgreementParty.objects.select_related("pihak__partner").order_by("agreement_id", "order")
    queryset = public_agreements().only("pk", "source")
    for chunk in agreement_chunks(queryset):
        sources = {agreement.pk: agreement.source for agreement in chunk}
        for party in parties.filter(agreement_id__in=sources):
            pihak = party.pihak
            partner = pihak.partner if pihak.partner_id else None
            yield {
                "kerja_sama_id": party.agreement_id,
                "urutan": party.order,
                "pihak_id": pihak.pk,
                "nama": pihak.name,
                "jenis": pihak.kind,
                "kode_wilayah": pihak.region_id or "",
                "mitra_id": pihak.partner_id,
                "jenis_mitra": partner.partner_type if partner else "",
                "peran": party.role,
                "nomor": party.number,
                "jabatan_penandatangan": party.signatory_title,
                "peran_layanan": party.service_role,
                "sumber": sources[party.agreement_id],
            }


PARTIES = Dataset(
    slug="pihak",
    name="pihak",
    title=_("Parties"),
    description=_(
        "The parties to each public agreement: regional governments by Kemendagri code and partners by id, "
        "with their role, their number for the document and the position of their signatory."
    ),
    row_unit=_("one party to one agreement"),
    columns=(
        Column("kerja_sama_id", "integer", _("Id of the agreement (dataset kerja-sama)."), 101),
        Column("urutan", "integer", _("Order of the party in the agreement."), 1),
        Column("pihak_id", "integer", _("Id of the party in this register (the same for all its agreements)."), 12),
        Column("nama", "string", _("Name of the party."), "Pemerintah Kota Balikpapan"),
        Column("jenis", "string", _("Regional government or partner."), "wilayah", PihakKind),
        Column("kode_wilayah", "string", _("Kemendagri region code of a regional government."), "64.71"),
        Column("mitra_id", "integer", _("Id of a partner (university, ministry, company...) in this register."), 4),
        Column("jenis_mitra", "string", _("Kind of partner."), "perguruan_tinggi", PartnerType),
        Column("peran", "string", _("Role of the party in the agreement."), "mitra", PartyRole),
        Column("nomor", "string", _("The party's own number for the agreement."), "180/112/HK/2025"),
        Column("jabatan_penandatangan", "string", _("Position of the party's signatory."), "Wali Kota Balikpapan"),
        Column(
            "peran_layanan",
            "string",
            _("For agreements that open services: who serves whom."),
            "timbal_balik",
            ServiceRole,
        ),
        Column(
            "sumber", "string", _("Source of the agreement; contoh_sintetis: synthetic demo data."), "arsip", Source
        ),
    ),
    rows=party_rows,
    # Parties are rewritten with their agreement, which then gets a new updated_at.
    stats=lambda: (
        AgreementParty.objects.filter(agreement__in=public_agreements().values("pk")).count(),
        _totals(public_agreements(), "updated_at")[1],
    ),
    primary_key=("kerja_sama_id", "urutan"),
    foreign_keys=(("kerja_sama_id", "kerja-sama", "id"),),
)


# Activities -----------------------------------------------------------------------------------------------


def activity_rows(ctx: Context) -> Iterator[dict]:
    """One row per activity of the work plans of published agreements; progress rolled up as on the site."""
    activities = (
        public_rows(Activity).select_related("pihak", "perangkat_daerah").order_by("agreement_id", "order", "pk")
    )
    queryset = public_agreements().only("pk", "source")
    for chunk in agreement_chunks(queryset):
        sources = {agreement.pk: agreement.source for agreement in chunk}
        rows = list(activities.filter(agreement_id__in=sources))
        progress = activity_progress(ActivityRow(*(getattr(row, name) for name in ROW_FIELDS)) for row in rows)
        for activity in rows:
            yield {
                "kerja_sama_id": activity.agreement_id,
                "id": activity.pk,
                "induk_id": activity.parent_id,
                "urutan": activity.order,
                "judul": activity.title,
                "deskripsi": activity.description,
                "status": activity.status,
                "progres": progress.get(activity.pk),
                "rencana_mulai": activity.planned_start,
                "rencana_selesai": activity.planned_end,
                "mulai": activity.actual_start,
                "selesai": activity.actual_end,
                "pihak_penanggung_jawab_id": activity.pihak_id,
                "pihak_penanggung_jawab": activity.pihak.name if activity.pihak else "",
                "perangkat_daerah_penanggung_jawab": activity.perangkat_daerah.name
                if activity.perangkat_daerah
                else "",
                "progres_terakhir": activity.last_progress_on,
                "sumber": row_source(sources[activity.agreement_id], activity.source),
                "diperbarui": activity.updated_at,
            }


ACTIVITIES = Dataset(
    slug="kegiatan",
    name="kegiatan",
    title=_("Activities"),
    description=_(
        "The work plans of the public agreements: each activity with its status, progress, planned and actual "
        "dates and the party responsible. Activities nest (induk_id); a parent's progress is its children's."
    ),
    row_unit=_("one activity of an agreement's work plan"),
    columns=(
        Column("kerja_sama_id", "integer", _("Id of the agreement (dataset kerja-sama)."), 101),
        Column("id", "integer", _("Id of the activity."), 5001),
        Column("induk_id", "integer", _("Id of the activity this one is part of."), 5000),
        Column("urutan", "integer", _("Order within the work plan."), 1),
        Column("judul", "string", _("The activity."), "Sosialisasi layanan kepada kecamatan perbatasan"),
        Column("deskripsi", "string", _("Description."), "Tatap muka di 4 kecamatan"),
        Column("status", "string", _("Where the activity stands."), "berjalan", ActivityStatus),
        Column(
            "progres",
            "number",
            _("Progress in percent: entered on an activity without parts, the weighted mean of its parts otherwise."),
            40,
        ),
        Column("rencana_mulai", "date", _("Planned start."), "2025-04-01"),
        Column("rencana_selesai", "date", _("Planned end."), "2025-06-30"),
        Column("mulai", "date", _("Actual start."), "2025-04-07"),
        Column("selesai", "date", _("Actual end."), "2025-06-28"),
        Column("pihak_penanggung_jawab_id", "integer", _("Id of the responsible party (dataset pihak)."), 12),
        Column("pihak_penanggung_jawab", "string", _("Name of the responsible party."), "Pemerintah Kota Balikpapan"),
        Column("perangkat_daerah_penanggung_jawab", "string", _("Responsible perangkat daerah."), "Disdukcapil"),
        Column("progres_terakhir", "date", _("Day of the latest progress or status report."), "2025-05-20"),
        Column(
            "sumber",
            "string",
            _("Source of the row; contoh_sintetis when the row or its agreement is synthetic demo data."),
            "input",
            Source,
        ),
        Column("diperbarui", "datetime", _("When the activity last changed."), "2025-05-20T10:12:00+08:00"),
    ),
    rows=activity_rows,
    stats=lambda: _totals(public_rows(Activity), "updated_at"),
    primary_key=("id",),
    foreign_keys=(("kerja_sama_id", "kerja-sama", "id"), ("induk_id", "kegiatan", "id")),
)


# Indicators ------------------------------------------------------------------------------------------------


def _indicator_row(indicator: Indicator, source: str, result, value: IndicatorValue | None) -> dict:
    return {
        "kerja_sama_id": indicator.agreement_id,
        "indikator_id": indicator.pk,
        "indikator": indicator.name,
        "satuan": indicator.unit,
        "cara_hitung": indicator.aggregation,
        "baseline": indicator.baseline,
        "target": indicator.target,
        "hasil": result.result,
        "capaian_persen": round(result.percent, 2) if result.percent is not None else None,
        "periode_mulai": value.period_start if value else None,
        "periode_selesai": value.period_end if value else None,
        "nilai": value.value if value else None,
        "dicatat_pada": value.recorded_on if value else None,
        "catatan": value.note if value else "",
        "sumber": row_source(source, indicator.source),
        "diperbarui": indicator.updated_at,
    }


def indicator_rows(ctx: Context) -> Iterator[dict]:
    """One row per value of an indicator of a published agreement; an indicator without values gets one
    row with the period and value blank."""
    indicators = public_rows(Indicator).order_by("agreement_id", "order", "pk")
    queryset = public_agreements().only("pk", "source")
    for chunk in agreement_chunks(queryset):
        sources = {agreement.pk: agreement.source for agreement in chunk}
        found = list(indicators.filter(agreement_id__in=sources))
        values: dict[int, list[IndicatorValue]] = defaultdict(list)
        for value in IndicatorValue.objects.filter(indicator__in=found).order_by("indicator", "period_start"):
            values[value.indicator_id].append(value)
        for indicator in found:
            own = values[indicator.pk]
            result = achievement(indicator, own)
            source = sources[indicator.agreement_id]
            for value in own or [None]:
                yield _indicator_row(indicator, source, result, value)


INDICATORS = Dataset(
    slug="indikator",
    name="indikator",
    title=_("Indicators"),
    description=_(
        "What the public agreements are meant to achieve and what they achieved: each indicator with unit, "
        "baseline and target, and its measured value per period (as IATI results: baseline, target, actual)."
    ),
    row_unit=_("one value of an indicator for one period (an indicator without values: one row, period blank)"),
    columns=(
        Column("kerja_sama_id", "integer", _("Id of the agreement (dataset kerja-sama)."), 101),
        Column("indikator_id", "integer", _("Id of the indicator; rows with the same id belong together."), 301),
        Column("indikator", "string", _("The indicator."), "Penduduk perbatasan yang menerima KTP-el"),
        Column("satuan", "string", _("Unit of the values."), "orang"),
        Column(
            "cara_hitung",
            "string",
            _("Whether the periods' values add up to the result, or the latest value is the result."),
            "jumlah",
            IndicatorAggregation,
        ),
        Column("baseline", "number", _("Value before the agreement."), 0),
        Column("target", "number", _("Target value."), 1200),
        Column("hasil", "number", _("Result so far (sum of the values, or the latest one)."), 450),
        Column(
            "capaian_persen",
            "number",
            _("Result as a percentage of the target (from the baseline when the latest value counts)."),
            37.5,
        ),
        Column("periode_mulai", "date", _("First day of the period measured."), "2025-01-01"),
        Column("periode_selesai", "date", _("Last day of the period measured."), "2025-06-30"),
        Column("nilai", "number", _("Value measured for the period."), 450),
        Column("dicatat_pada", "date", _("Day the value was recorded."), "2025-07-10"),
        Column("catatan", "string", _("Note on the value."), "Data Disdukcapil semester I"),
        Column(
            "sumber",
            "string",
            _("Source of the indicator; contoh_sintetis when it or its agreement is synthetic demo data."),
            "input",
            Source,
        ),
        Column("diperbarui", "datetime", _("When the indicator last changed."), "2025-07-10T09:00:00+08:00"),
    ),
    rows=indicator_rows,
    stats=lambda: (
        public_rows(IndicatorValue, "indicator__agreement").count()
        + public_rows(Indicator).filter(values__isnull=True).count(),
        _totals(public_rows(Indicator), "updated_at")[1],
    ),
    foreign_keys=(("kerja_sama_id", "kerja-sama", "id"),),
)


DATASETS: dict[str, Dataset] = {dataset.slug: dataset for dataset in (AGREEMENTS, PARTIES, ACTIVITIES, INDICATORS)}


def dictionary_signature() -> str:
    """The columns of every dataset as text: part of the files' version, so a new column means new files."""
    return "|".join(f"{dataset.slug}:{','.join(dataset.column_names)}" for dataset in DATASETS.values())


def plain_number(value: Decimal | float | int | None):
    """A number for JSON: whole amounts as int (exact), others as float; None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
