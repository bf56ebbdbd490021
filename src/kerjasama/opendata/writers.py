"""Writing a dataset as CSV, JSON or XLSX, row by row, from its definition in ``datasets.py``.

Format decisions (docs/open-data.md, "Formats"):

- **CSV**: RFC 4180 (comma, double quotes where needed, CRLF line ends), UTF-8 **without** a
  byte-order mark, one header row of the column names. Made for programs: a BOM turns the first
  column name into ``\\ufeffid`` in many of them. Spreadsheet users get the XLSX file instead.
  Lists are joined with ``;``; blanks are empty cells; booleans ``true``/``false``; numbers with a
  decimal point; dates ``YYYY-MM-DD``; times ISO 8601 with their offset (WITA, +08:00).
  Values are written as they are: a title that starts with ``=`` is not "defused" with a quote,
  which would change the data (the XLSX file stores such cells as text, so no formula runs).
- **JSON**: one object ``{"metadata": {...}, "data": [...]}``, the metadata first so a streaming
  parser (e.g. ``ijson`` on ``data.item``) meets it before the rows. Typed values: numbers, booleans,
  ``null`` for blanks, arrays for lists. Not JSON Lines: one document is easier for the many who
  open it whole; programs that stream row by row have the CSV.
- **XLSX**: a sheet of the rows (real dates and numbers, lists joined with ``;``) and a
  ``kamus_data`` sheet: the dictionary, then licence, source and the synthetic-data note.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from kerjasama.opendata.datasets import LIST_SEPARATOR, Dataset, plain_number

FLUSH_AT = 64 * 1024  # bytes gathered before a chunk is handed on


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def text_value(value) -> str:
    """A value as CSV text (rules in the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(text_value(item) for item in value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, float):
        return _decimal_text(Decimal(repr(value)))
    return str(value)


def json_value(value):
    """A value for JSON: typed, ``None`` for blanks (empty text included)."""
    if value is None or value == "":
        return None
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return plain_number(value)
    return value


def csv_chunks(dataset: Dataset, rows: Iterable[dict]) -> Iterator[bytes]:
    """The dataset as CSV, in chunks of about :data:`FLUSH_AT` bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = dataset.column_names
    writer.writerow(names)
    for row in rows:
        writer.writerow([text_value(row[name]) for name in names])
        if buffer.tell() >= FLUSH_AT:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_chunks(metadata: dict, names: list[str], rows: Iterable[dict]) -> Iterator[bytes]:
    """``{"metadata": ..., "data": [...]}`` with one row per line, in chunks."""
    head = json.dumps(metadata, ensure_ascii=False, indent=1)
    parts = ['{"metadata": ', head, ',\n"data": [']
    size = 0
    for index, row in enumerate(rows):
        line = json.dumps({name: json_value(row[name]) for name in names}, ensure_ascii=False)
        parts.append(("\n" if index == 0 else ",\n") + line)
        size += len(line)
        if size >= FLUSH_AT:
            yield "".join(parts).encode()
            parts, size = [], 0
    parts.append("\n]}\n")
    yield "".join(parts).encode()


def _xlsx_cell(sheet, value):
    """A cell value for openpyxl: lists joined, local naive times, text kept as text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(text_value(item) for item in value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones: WITA, as documented
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, never a formula
            return cell
        return value or None
    return value


def dictionary_rows(dataset: Dataset) -> Iterator[list[str]]:
    """The dictionary of ``dataset``: column, type, description, example, allowed codes."""
    for column in dataset.columns:
        allowed = "; ".join(f"{code} = {label}" for code, label in column.allowed())
        yield [column.name, column.type, str(column.description), text_value(column.example), allowed]


def write_xlsx(dataset: Dataset, metadata: dict, rows: Iterable[dict], path: Path) -> None:
    """The dataset as an XLSX workbook at ``path``: the rows, then the ``kamus_data`` sheet."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(dataset.name)
    names = dataset.column_names
    sheet.append(names)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row[name]) for name in names])
    guide = workbook.create_sheet("kamus_data")
    guide.append(["kolom", "tipe", "keterangan", "contoh", "kode_yang_mungkin"])
    for line in dictionary_rows(dataset):
        guide.append([_xlsx_cell(guide, value) for value in line])
    guide.append([])
    guide.append([_("Dataset"), metadata["title"], metadata["description"]])
    guide.append([_("One row"), metadata["row"]])
    guide.append([_("Licence"), metadata["licence"]["name"], metadata["licence"]["url"]])
    guide.append([_("Publisher"), metadata["publisher"]])
    guide.append([_("Made at"), metadata["generated_at"]])
    guide.append([_("Data dictionary"), metadata["dictionary"]])
    guide.append([_("Note"), metadata["note"]])
    workbook.save(path)
