"""The report's annex as XLSX: one sheet per table of :class:`~kerjasama.reports.data.ReportData`.

Every sheet has the same layout, so it can be filtered and read back by a program: row 1 the sheet's
title (with the synthetic-data banner when the report counts demo records), row 2 the column headers
(styled, filtered, frozen with the rows above), data from row 3. Sheet names are stable Indonesian
keys, like the import template's (``kerja_sama``); headers and labels are in the report's language.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kerjasama.reports.data import ReportData, ended_labels, format_day, in_report_language
from kerjasama.reports.pdf import SYNTHETIC_BANNER

__all__ = ("CONTENT_TYPE", "SHEETS", "render_report_xlsx")

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The sheets in workbook order; tests and users find tables by these names.
SHEETS = (
    "ringkasan",
    "kerja_sama",
    "baru",
    "berakhir",
    "perhatian",
    "permasalahan",
    "per_wilayah",
    "per_urusan",
)
FIRST_DATA_ROW = 3
FORMATS = {
    "int": "#,##0",
    "score": "0.0",
    "pct": "0.0%",
    "date": "DD/MM/YYYY",
}
HEADER_FILL = PatternFill("solid", fgColor="0B3A5B")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=12, color="0B3A5B")
BANNER_FONT = Font(bold=True, size=12, color="B00020")


@dataclass(frozen=True)
class Column:
    """A column of a sheet: header, width in characters, value kind (text, wrap, int, score, pct, date)."""

    header: str
    width: float
    kind: str = "text"
    value: Callable | None = None


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _write_sheet(
    workbook: Workbook,
    name: str,
    title: str,
    report: ReportData,
    columns: list[Column],
    rows: Iterable[list],
    freeze: str = "A3",
) -> None:
    sheet = workbook.create_sheet(name)
    heading = f"{title} — {report.region_name} — {report.period_label}"
    sheet.cell(row=1, column=1, value=f"{heading}  ·  {SYNTHETIC_BANNER}" if report.synthetic else heading)
    sheet.cell(row=1, column=1).font = BANNER_FONT if report.synthetic else TITLE_FONT
    for index, column in enumerate(columns, 1):
        cell = sheet.cell(row=2, column=index, value=column.header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[2].height = 32
    last = 2
    for last, values in enumerate(rows, FIRST_DATA_ROW):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), 1):
            cell = sheet.cell(row=last, column=index, value=value)
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            elif column.kind == "wrap":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(last, 2)}"
    sheet.sheet_view.zoomScale = 90


def _agreement_columns() -> list[Column]:
    return [
        Column("ID", 7, "int"),
        Column(_("Title"), 60, "wrap"),
        Column(_("Number"), 36, "wrap"),
        Column(_("Document type"), 14),
        Column(_("Category"), 10),
        Column(_("Parties"), 40, "wrap"),
        Column(_("Urusan"), 30, "wrap"),
        Column(_("Owning perangkat daerah"), 30, "wrap"),
        Column(_("Signing date"), 12, "date"),
        Column(_("Start date"), 12, "date"),
        Column(_("End date"), 12, "date"),
        Column(_("Terminated on"), 12, "date"),
        Column(_("Stage"), 16),
    ]


def _agreement_values(row) -> list:
    return [
        row.id,
        row.title,
        row.number,
        row.document_code,
        row.category,
        row.parties_text,
        row.urusan_text,
        row.perangkat_daerah,
        row.signed_on,
        row.start_on,
        row.end_on,
        row.terminated_on,
        row.stage,
    ]


def render_report_xlsx(report: ReportData) -> bytes:
    """The annex workbook as bytes, in the report's language."""
    with in_report_language():
        workbook = _workbook(report)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _workbook(report: ReportData) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary = report.summary
    workbook.properties.title = _("Inter-regional cooperation report") + f" {report.period_label}"
    workbook.properties.creator = "kerjasama"

    # Summary: what, period and scope, then the figures.
    ended_names = ended_labels()
    figures: list[tuple[str, object, str]] = [
        (_("Period"), report.period_label, "text"),
        (_("Scope"), report.region_name, "text"),
        (_("Produced on"), report.generated_at.replace(tzinfo=None), "datetime"),
        (_("Registered agreements (not archived, every stage)"), summary.registered, "int"),
        (_("Signed by the end of the period"), summary.signed_by_end, "int"),
        (_("Signed in the period"), summary.signed_in_period, "int"),
        (_("new cooperation"), summary.new, "int"),
        (_("addenda and extensions of earlier agreements"), summary.changes, "int"),
        (_("Ended in the period"), summary.ended, "int"),
        *((f"  {ended_names[how]}", count, "int") for how, count in summary.ended_by.items()),
        (_("In force before the period") + f" ({format_day(report.opening.day)})", summary.in_force_at_start, "int"),
        (_("In force at the end of the period"), summary.in_force_at_end, "int"),
        (
            _("ending within %(days)s days after the period") % {"days": summary.expiring_days},
            summary.expiring,
            "int",
        ),
        (_("Implemented (of those signed by the end of the period)"), summary.implemented, "int"),
        (_("Share implemented"), summary.implemented_share, "pct"),
        (_("Mean implementation score (0–100)"), summary.mean_score, "score"),
        (_("Agreements needing attention at the end of the period"), summary.flagged_agreements, "int"),
        (_("Flags at the end of the period"), summary.flags, "int"),
        (_("Problems open at the end of the period"), summary.open_problems, "int"),
        (_("of high or critical severity"), summary.open_high_problems, "int"),
        (_("Problems recorded in the period"), summary.problems_opened, "int"),
        (_("Problems resolved in the period"), summary.problems_resolved, "int"),
        (_("Follow-up actions done in the period"), summary.actions_done, "int"),
        (_("Follow-up actions open"), summary.actions_open, "int"),
        (_("Synthetic demo records counted"), report.synthetic_records, "int"),
    ]
    sheet_columns = [Column(_("Figure"), 70, "wrap"), Column(_("Value"), 28)]
    _write_sheet(
        workbook,
        "ringkasan",
        _("Summary"),
        report,
        sheet_columns,
        ([label, value] for label, value, _kind in figures),
        freeze="A3",
    )
    sheet = workbook["ringkasan"]
    for row, (_label, _value, kind) in enumerate(figures, FIRST_DATA_ROW):
        cell = sheet.cell(row=row, column=2)
        cell.number_format = {"datetime": "DD/MM/YYYY HH:MM", **FORMATS}.get(kind, "General")
        cell.alignment = Alignment(horizontal="right" if kind != "text" else "left")

    # Agreements of the period, with their state at its end.
    columns = [
        *_agreement_columns(),
        Column(_("Validity at the end of the period"), 16),
        Column(_("Signed in the period"), 11),
        Column(_("New cooperation"), 11),
        Column(_("Ended in the period"), 14),
        Column(_("Implementation score"), 12, "int"),
        Column(_("Implemented"), 12),
        Column(_("Public"), 9),
        Column(_("Source"), 24, "wrap"),
    ]
    _write_sheet(
        workbook,
        "kerja_sama",
        _("Agreements in the period"),
        report,
        columns,
        (
            [
                *_agreement_values(row),
                row.validity,
                _yes_no(row.signed_in_period),
                _yes_no(row.is_new),
                row.ended_label,
                row.score,
                _yes_no(row.implemented),
                _yes_no(row.is_public),
                row.source,
            ]
            for row in report.agreements
        ),
        freeze="C3",
    )

    # New cooperation first, then the addenda and extensions signed in the period.
    columns = [
        *_agreement_columns(),
        Column(_("New cooperation"), 11),
        Column(_("Kind of change"), 16),
        Column(_("Source"), 24, "wrap"),
    ]
    _write_sheet(
        workbook,
        "baru",
        _("Agreements signed in the period"),
        report,
        columns,
        (
            [*_agreement_values(row), _yes_no(row.is_new), row.change_kind, row.source]
            for row in [*report.new, *report.changes]
        ),
        freeze="C3",
    )

    columns = [
        *_agreement_columns(),
        Column(_("Last day in force"), 12, "date"),
        Column(_("How it ended"), 14),
        Column(_("Implementation score"), 12, "int"),
        Column(_("Source"), 24, "wrap"),
    ]
    _write_sheet(
        workbook,
        "berakhir",
        _("Agreements that ended"),
        report,
        columns,
        ([*_agreement_values(row), row.last_day, row.ended_label, row.score, row.source] for row in report.ended),
        freeze="C3",
    )

    columns = [
        Column("ID", 7, "int"),
        Column(_("Title"), 60, "wrap"),
        Column(_("Number"), 36, "wrap"),
        Column(_("Rule"), 26),
        Column(_("Severity"), 12),
        Column(_("Explanation"), 70, "wrap"),
        Column(_("Flag key"), 30),
    ]
    _write_sheet(
        workbook,
        "perhatian",
        _("Needs attention"),
        report,
        columns,
        (
            [
                flag.agreement.id,
                flag.agreement.title,
                flag.agreement.number,
                flag.rule_label,
                flag.severity_label,
                flag.message,
                flag.key,
            ]
            for flag in report.flags
        ),
        freeze="C3",
    )

    columns = [
        Column("ID", 7, "int"),
        Column(_("Problem"), 50, "wrap"),
        Column(_("Type"), 16),
        Column(_("Severity"), 12),
        Column(_("Escalation level"), 20),
        Column(_("Status"), 16),
        Column(_("Location"), 24),
        Column(_("Other regions concerned"), 30, "wrap"),
        Column(_("Opened on"), 12, "date"),
        Column(_("Agreements affected"), 11, "int"),
        Column(_("Numbers of the agreements"), 40, "wrap"),
        Column(_("Follow-up actions"), 11, "int"),
        Column(_("Follow-up actions open"), 11, "int"),
        Column(_("Public"), 9),
        Column(_("Source"), 28, "wrap"),
    ]
    _write_sheet(
        workbook,
        "permasalahan",
        _("Problems open at the end of the period"),
        report,
        columns,
        (
            [
                row.id,
                row.title,
                row.type_label,
                row.severity_label,
                row.escalation_label,
                row.status_label,
                row.location,
                "; ".join(row.related_regions),
                row.opened_on,
                len(row.agreements),
                "; ".join(row.agreements),
                len(row.actions),
                row.open_actions,
                _yes_no(row.is_public),
                row.source,
            ]
            for row in report.problems
        ),
        freeze="C3",
    )

    for name, title, rows, key_header, with_problems in (
        ("per_wilayah", _("By region"), report.regions, _("Region code"), True),
        ("per_urusan", _("By urusan"), report.urusan, _("Urusan code"), False),
    ):
        columns = [
            Column(key_header, 10),
            Column(_("Name"), 38),
            Column(_("Signed in the period"), 12, "int"),
            Column(_("New cooperation"), 12, "int"),
            Column(_("Ended in the period"), 12, "int"),
            Column(_("In force at the end of the period"), 12, "int"),
            Column(_("Ending within %(days)s days") % {"days": report.summary.expiring_days}, 12, "int"),
            Column(_("Signed by the end of the period"), 12, "int"),
            Column(_("Implemented"), 12, "int"),
            Column(_("Share implemented"), 12, "pct"),
            Column(_("Mean implementation score"), 12, "score"),
            Column(_("Agreements needing attention"), 12, "int"),
        ]
        if with_problems:
            columns.append(Column(_("Open problems"), 12, "int"))

        def values(row, with_problems=with_problems) -> list:
            found = [
                row.key,
                row.label,
                row.signed_in_period,
                row.new,
                row.ended,
                row.in_force,
                row.expiring,
                row.signed,
                row.implemented,
                row.implemented_share,
                row.mean_score,
                row.flagged,
            ]
            return [*found, row.open_problems] if with_problems else found

        _write_sheet(workbook, name, title, report, columns, (values(row) for row in rows), freeze="C3")

    return workbook
