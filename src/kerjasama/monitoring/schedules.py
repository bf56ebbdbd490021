"""Expected implementation reports: periods derived from an agreement's reporting schedule.

The schedule says how often (monthly … yearly), from which day, and how many days after a period
ends its report is due; every reporting party owes one report per period. The periods are kept as
``ReportingPeriod`` rows (see its docstring) and :func:`refresh_periods` rebuilds them whenever the
schedule, the agreement's dates or its parties change: ``monitoring.services`` calls it for the
schedule, ``agreements.services.update_agreement`` and ``agreements.lifecycle.transition`` for the
agreement.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from kerjasama.agreements.models import Agreement
from kerjasama.monitoring.choices import FREQUENCY_MONTHS
from kerjasama.monitoring.models import ReportingPeriod, ReportingSchedule

# A monthly schedule over an agreement without an end date stops here (guard against runaway loops).
MAX_PERIODS = 240


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, clipped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    """One expected report."""

    pihak_id: int
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date


def horizon(agreement: Agreement, first: dt.date) -> dt.date:
    """The last day periods cover: the agreement's effective end, or the usual maximum duration."""
    end = agreement.effective_end
    if end is not None:
        return end
    years = settings.KERJASAMA["MAX_DURATION_YEARS"]
    return add_months(first, 12 * years) - dt.timedelta(days=1)


def expected_periods(schedule: ReportingSchedule, agreement: Agreement, party_ids: list[int]) -> list[Period]:
    """Every period of ``schedule`` inside the agreement's validity, for each of ``party_ids``.

    Periods step from ``first_period_start`` (each computed from it, so month ends do not drift) and are
    cut to the agreement's start and effective end; a period wholly outside them is dropped.
    """
    months = FREQUENCY_MONTHS[schedule.frequency]
    first = schedule.first_period_start
    last_day = horizon(agreement, first)
    due = dt.timedelta(days=schedule.due_days)
    periods = []
    for index in range(MAX_PERIODS):
        start = add_months(first, index * months)
        if start > last_day:
            break
        end = min(add_months(first, (index + 1) * months) - dt.timedelta(days=1), last_day)
        if agreement.start_on is not None:
            if end < agreement.start_on:
                continue
            start = max(start, agreement.start_on)
        periods.extend(Period(pihak_id, start, end, end + due) for pihak_id in party_ids)
    return periods


@dataclass(frozen=True)
class Refreshed:
    """How many expected reports a refresh added, changed and removed."""

    created: int = 0
    updated: int = 0
    deleted: int = 0


def refresh_periods(agreement: Agreement) -> Refreshed:
    """Rebuild the agreement's expected reports from its schedule (none without a schedule).

    Rows keep their identity where the party and period start stay the same; call inside the
    transaction that changed the schedule or the agreement.
    """
    schedule = ReportingSchedule.objects.filter(agreement=agreement).prefetch_related("parties").first()
    wanted: dict[tuple[int, dt.date], Period] = {}
    if schedule is not None:
        parties = list(agreement.parties.values_list("pihak_id", flat=True))
        chosen = {party.pk for party in schedule.parties.all()}
        # Listed parties that have since left the agreement owe nothing; blank means every party.
        reporting = [pk for pk in parties if pk in chosen] if chosen else parties
        for period in expected_periods(schedule, agreement, reporting):
            wanted[(period.pihak_id, period.period_start)] = period
    existing = {(row.pihak_id, row.period_start): row for row in ReportingPeriod.objects.filter(agreement=agreement)}
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    changed = []
    for key, row in existing.items():
        period = wanted.get(key)
        if period is not None and (row.period_end, row.due_on) != (period.period_end, period.due_on):
            row.period_end, row.due_on = period.period_end, period.due_on
            changed.append(row)
    new = [
        ReportingPeriod(agreement=agreement, pihak_id=p.pihak_id, period_start=p.period_start, period_end=p.period_end,
                        due_on=p.due_on)
        for key, p in wanted.items()
        if key not in existing
    ]  # fmt: skip
    if stale:
        ReportingPeriod.objects.filter(pk__in=stale).delete()
    if changed:
        ReportingPeriod.objects.bulk_update(changed, ["period_end", "due_on"])
    if new:
        ReportingPeriod.objects.bulk_create(new)
    return Refreshed(created=len(new), updated=len(changed), deleted=len(stale))
