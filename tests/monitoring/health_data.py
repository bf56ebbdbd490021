"""Builders for the health tests: agreements through tests/builders.py, monitoring rows created directly."""

import datetime as dt
import itertools

from kerjasama.monitoring.choices import ProblemStatus, ProblemType, Severity
from kerjasama.monitoring.models import (
    Activity,
    Evaluation,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Problem,
    ReportingPeriod,
)
from tests.builders import make_agreement, pihak

AS_OF = dt.date(2025, 11, 18)
LONG_AGO = dt.date(2023, 1, 2)
FAR_END = dt.date(2027, 12, 31)
_counter = itertools.count(1)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def in_force(**fields):
    """An agreement signed and started long before AS_OF, ending long after it, in implementation."""
    values = {"signed_on": LONG_AGO, "end_on": FAR_END, "title": f"PKS uji kesehatan {next(_counter)}"}
    values.update(fields)
    return make_agreement(**values)


def activity(agreement, **fields) -> Activity:
    values = {"title": f"Kegiatan {next(_counter)}"}
    values.update(fields)
    return Activity.objects.create(agreement=agreement, **values)


def period(agreement, party: str, start: dt.date, end: dt.date, due: dt.date) -> ReportingPeriod:
    return ReportingPeriod.objects.create(
        agreement=agreement, pihak_id=pihak(party), period_start=start, period_end=end, due_on=due
    )


def report(agreement, party: str, start: dt.date, end: dt.date, submitted: dt.date) -> ImplementationReport:
    return ImplementationReport.objects.create(
        agreement=agreement,
        pihak_id=pihak(party),
        period_start=start,
        period_end=end,
        submitted_on=submitted,
        summary="Laporan uji",
    )


def indicator(agreement, target=None, baseline=None, aggregation="jumlah") -> Indicator:
    return Indicator.objects.create(
        agreement=agreement,
        name=f"Indikator {next(_counter)}",
        unit="orang",
        target=target,
        baseline=baseline,
        aggregation=aggregation,
    )


def value(item: Indicator, amount, start: dt.date, recorded: dt.date | None = None) -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=item,
        period_start=start,
        period_end=start + days(29),
        value=amount,
        recorded_on=recorded or start + days(30),
    )


def evaluation(agreement, score: int, on: dt.date) -> Evaluation:
    return Evaluation.objects.create(
        agreement=agreement,
        evaluator_kind="tkksd",
        evaluated_on=on,
        score=score,
        findings="-",
        recommendation="lanjutkan",
    )


def problem(*agreements, severity=Severity.TINGGI, opened=dt.date(2025, 6, 1), **fields) -> Problem:
    values = {
        "title": f"Masalah uji {next(_counter)}",
        "problem_type": ProblemType.KOORDINASI,
        "severity": severity,
        "status": ProblemStatus.TERBUKA,
        "opened_on": opened,
    }
    values.update(fields)
    made = Problem.objects.create(**values)
    made.agreements.set(agreements)
    return made
