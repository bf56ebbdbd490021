"""Exporting agreements in the import template (XLSX, CSV) or as JSON.

Export and import use the same columns, so an export imported into an empty database gives the
same agreements back.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from kerjasama.agreements.models import Agreement
from kerjasama.agreements.template import COLUMN_NAMES, COLUMNS

FORMATS = ("xlsx", "csv", "json")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def export_queryset(queryset: QuerySet) -> QuerySet:
    """The agreements with everything an export row needs, fetched in a few queries."""
    return queryset.select_related("perangkat_daerah", "parent", "amends").prefetch_related(
        "urusan", "service_types", "service_areas", "parties__pihak", "parent__parties", "amends__parties"
    )


def _first_number(agreement: Agreement | None) -> str:
    if agreement is None:
        return ""
    numbers = [party.number for party in agreement.parties.all() if party.number]
    return numbers[0] if numbers else ""


def _amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def agreement_values(agreement: Agreement) -> dict[str, object]:
    """One agreement as template values; multi-valued cells as lists."""
    parties = list(agreement.parties.all())
    return {
        "nomor": [party.number for party in parties],
        "judul": agreement.title,
        "jenis_dokumen": agreement.document_type,
        "kategori": agreement.category,
        "pihak": [party.pihak.name for party in parties],
        "urusan": [urusan.name for urusan in agreement.urusan.all()],
        "perangkat_daerah": agreement.perangkat_daerah.name if agreement.perangkat_daerah else "",
        "tanggal_ttd": agreement.signed_on,
        "tanggal_mulai": agreement.start_on,
        "tanggal_berakhir": agreement.end_on,
        "induk": _first_number(agreement.parent),
        "layanan": [service.code for service in agreement.service_types.all()],
        "wilayah_layanan": [region.code for region in agreement.service_areas.all()],
        "tahap": agreement.stage,
        "publik": "ya" if agreement.is_public else "tidak",
        "objek": agreement.subject,
        "ruang_lingkup": agreement.scope,
        "peran_pihak": [party.role for party in parties],
        "penandatangan": [party.signatory_name for party in parties],
        "jabatan_penandatangan": [party.signatory_title for party in parties],
        "peran_layanan": [party.service_role for party in parties],
        "sumber_dana": agreement.funding_source,
        "nilai": _amount(agreement.funding_amount),
        "perlu_persetujuan_dprd": "ya" if agreement.dprd_approval_required else "tidak",
        "referensi_dprd": agreement.dprd_approval_reference,
        "mengubah": _first_number(agreement.amends),
        "jenis_perubahan": agreement.change_kind,
        "tanggal_diakhiri": agreement.terminated_on,
        "sumber": agreement.source,
        "catatan_sumber": agreement.source_note,
    }


def _flat(value) -> object:
    """A cell value: lists joined with ";" (trailing blanks dropped), dates as ISO text, None as ""."""
    if isinstance(value, list):
        while value and not value[-1]:
            value = value[:-1]
        return ";".join(value)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def rows(agreements: Iterable[Agreement]) -> Iterator[list[object]]:
    """Template rows (without the header)."""
    for agreement in agreements:
        values = agreement_values(agreement)
        yield [_flat(values[name]) for name in COLUMN_NAMES]


def _chunked(queryset: QuerySet, size: int = 2000) -> Iterator[Agreement]:
    # iterator(chunk_size) keeps memory flat on 100,000 agreements and still prefetches.
    yield from export_queryset(queryset).iterator(chunk_size=size)


def write_xlsx(queryset: QuerySet, stream) -> None:
    """Write the template as an XLSX workbook, one row per agreement, with a column guide sheet."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("kerja_sama")
    sheet.append(list(COLUMN_NAMES))
    for row in rows(_chunked(queryset)):
        sheet.append(row)
    guide = workbook.create_sheet("petunjuk")
    guide.append(["kolom", "wajib", "keterangan"])
    for column in COLUMNS:
        guide.append([column.name, "ya" if column.required else "", str(column.help)])
    workbook.save(stream)


def write_csv(queryset: QuerySet, stream) -> None:
    """Write the template as UTF-8 CSV with a byte-order mark, so spreadsheet programs read it right."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(COLUMN_NAMES)
    writer.writerows(rows(_chunked(queryset)))
    text.flush()
    text.detach()


def write_json(queryset: QuerySet, stream) -> None:
    """Write a JSON array of objects keyed by the template columns; multi-valued columns as lists."""
    text = io.TextIOWrapper(stream, encoding="utf-8")
    text.write("[")
    for index, agreement in enumerate(_chunked(queryset)):
        if index:
            text.write(",\n")
        text.write(json.dumps(agreement_values(agreement), cls=DjangoJSONEncoder, ensure_ascii=False))
    text.write("]\n")
    text.flush()
    text.detach()


WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "json": write_json}


def format_for(path: str | Path) -> str:
    """The export format named by a file's extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in WRITERS:
        raise ValueError(f"Unsupported export format “.{suffix}”: use .xlsx, .csv or .json.")
    return suffix


def export_agreements(queryset: QuerySet, stream, fmt: str) -> None:
    """Write ``queryset`` to the binary ``stream`` in ``fmt`` (xlsx, csv or json)."""
    WRITERS[fmt](queryset, stream)


def empty_template(fmt: str = "xlsx") -> bytes:
    """The template with headers only (and the column guide in XLSX), for download."""
    buffer = io.BytesIO()
    export_agreements(Agreement.objects.none(), buffer, fmt)
    return buffer.getvalue()
