"""Implementation-monitoring data for the 100,000 seeded agreements: about a million activity and report rows.

Every signed agreement (signed by :data:`AS_OF`) gets a profile that decides how much evidence of
implementation it leaves and until when:

- ``healthy``: work plan, reports and indicator values up to shortly before its last day (or AS_OF);
- ``fading``: the evidence stops 90-179 days before that day;
- ``dormant``: the evidence stops 180 days or more before it (a "ceremonial" agreement);
- ``empty``: a work plan of planned activities, nothing ever recorded;
- ``none``: no work plan at all.

Work plans nest up to three levels; leaf activities carry dates, status and progress up to the
day the evidence stops. Reporting schedules produce their periods with ``schedules.expected_periods``
(the application's own period logic) and reports answer most of the periods due by then, some
late, some never. Indicators get values per period; some agreements are evaluated; problems of every
severity and status are linked to running agreements. Dates are relative to the fixed day
:data:`AS_OF` (2025-11-18), and one random seed makes the same data on both databases. Rows are
written with ``core.db.insert_many`` (COPY on PostgreSQL), 5,000 agreements per transaction.
"""

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q

from bench.seed import REFERENCE_DAY
from kerjasama.agreements.choices import Stage
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.choices import Source
from kerjasama.core.db import insert_many, reserve_keys
from kerjasama.monitoring.choices import (
    FREQUENCY_MONTHS,
    HIGH_SEVERITIES,
    OPEN_PROBLEM_STATUSES,
    ActivityStatus,
    EvaluatorKind,
    IndicatorAggregation,
    ProblemStatus,
    ProblemType,
    Recommendation,
    ReportFrequency,
    ReportStatus,
    Severity,
)
from kerjasama.monitoring.models import (
    Activity,
    AlertDelivery,
    Evaluation,
    FollowUpAction,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Problem,
    ReportEvidence,
    ReportingPeriod,
    ReportingSchedule,
)
from kerjasama.monitoring.schedules import add_months, expected_periods
from kerjasama.regions.models import Region

AS_OF = REFERENCE_DAY  # 2025-11-18, the day the registry data set is built around
SEED_NOTE = "SINTETIS: data uji kinerja pemantauan (bench)"
CREATED_AT = dt.datetime(2025, 11, 18, 8, 0, tzinfo=dt.UTC)
BATCH = 5000
PROBLEMS = 3000
LIVE = (Stage.PELAKSANAAN, Stage.EVALUASI)

# Profile: weight. Shares of the signed agreements; see the module docstring.
PROFILES = {"healthy": 58, "fading": 8, "dormant": 20, "empty": 6, "none": 8}
FREQUENCIES = {
    ReportFrequency.SEMESTERAN: 50,
    ReportFrequency.TRIWULANAN: 25,
    ReportFrequency.TAHUNAN: 20,
    ReportFrequency.BULANAN: 5,
}
ACTIVITY_VERBS = (
    "Rapat koordinasi",
    "Sosialisasi",
    "Pelatihan aparatur",
    "Pertukaran data",
    "Penyusunan petunjuk teknis",
    "Pendampingan lapangan",
    "Pembangunan sarana",
    "Monitoring bersama",
    "Pelayanan terpadu",
    "Studi kelayakan",
)
INDICATORS = (
    ("Penduduk terlayani", "orang"),
    ("Dokumen kependudukan terbit", "dokumen"),
    ("Aparatur terlatih", "orang"),
    ("Kegiatan bersama terlaksana", "kegiatan"),
    ("Cakupan layanan", "persen"),
    ("Panjang jalan tertangani", "km"),
)
SEVERITIES = {Severity.RENDAH: 30, Severity.SEDANG: 35, Severity.TINGGI: 25, Severity.KRITIS: 10}
PROBLEM_STATUSES = {ProblemStatus.TERBUKA: 35, ProblemStatus.DITANGANI: 25, ProblemStatus.SELESAI: 40}


@dataclass
class Target:
    """A seeded agreement as the monitoring seeder needs it."""

    pk: int
    signed_on: dt.date
    start_on: dt.date
    end_on: dt.date | None
    terminated_on: dt.date | None
    stage: str
    perangkat_daerah_id: int | None
    parties: list[int] = field(default_factory=list)

    @property
    def end(self) -> dt.date | None:
        ends = [day for day in (self.end_on, self.terminated_on) if day is not None]
        return min(ends) if ends else None

    def model(self) -> Agreement:
        """An unsaved stand-in with the dates ``schedules.expected_periods`` reads."""
        return Agreement(pk=self.pk, start_on=self.start_on, end_on=self.end_on, terminated_on=self.terminated_on)


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A random day in ``first``..``last`` (``first`` when the range is empty)."""
    span = (last - first).days
    return first + dt.timedelta(days=rng.randrange(span + 1)) if span > 0 else first


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def targets() -> list[Target]:
    """The signed, started (on paper), not rejected agreements up to AS_OF, with their parties, by id."""
    rows = (
        Agreement.objects.filter(signed_on__lte=AS_OF, start_on__isnull=False)
        .exclude(stage=Stage.DITOLAK)
        .order_by("pk")
        .values_list("pk", "signed_on", "start_on", "end_on", "terminated_on", "stage", "perangkat_daerah_id")
    )
    found = {row[0]: Target(*row) for row in rows}
    parties = AgreementParty.objects.filter(
        agreement_id__in=Agreement.objects.filter(signed_on__lte=AS_OF).values("pk")
    )
    for agreement_id, pihak_id in parties.order_by("agreement_id", "order").values_list("agreement_id", "pihak_id"):
        if agreement_id in found:
            found[agreement_id].parties.append(pihak_id)
    return list(found.values())


class Batch:
    """The rows of one batch of agreements, keyed by model, ready for ``insert_many``."""

    def __init__(self) -> None:
        self.rows: dict[type, list[dict]] = {}

    def add(self, model: type, **values) -> dict:
        self.rows.setdefault(model, []).append(values)
        return values


class MonitoringSeeder:
    """Builds the monitoring rows of agreements batch by batch (deterministic for one seed)."""

    def __init__(self, seed: int = 2025) -> None:
        self.rng = random.Random(seed)
        self.counts: Counter = Counter()

    # Profiles and the day evidence stops ----------------------------------------------------------

    def last_day(self, target: Target) -> dt.date:
        """The last day evidence can have: AS_OF, or the last day in force when earlier."""
        end = target.end
        return min(end, AS_OF) if end is not None else AS_OF

    def evidence_until(self, target: Target, profile: str) -> dt.date | None:
        """The day the agreement's evidence stops, by profile; None when it never had any."""
        rng = self.rng
        first, last = target.start_on, self.last_day(target)
        if profile in ("empty", "none") or first > last:
            return None
        if profile == "healthy":
            day = last - _days(rng.randrange(0, 76))
        elif profile == "fading":
            day = last - _days(rng.randrange(90, 180))
        else:  # dormant: somewhere in the first part of its life, at least 180 days before the last day
            latest = last - _days(180)
            if latest < first:
                return None
            day = _day(rng, first, latest) if rng.random() < 0.8 else None
        return day if day is not None and day >= first else None

    # Work plans -----------------------------------------------------------------------------------

    def work_plan(self, batch: Batch, target: Target, until: dt.date | None, keys: list[int]) -> None:
        """Activities in up to three levels; leaves carry dates, status and progress up to ``until``."""
        rng = self.rng
        plan_end = target.end or add_months(target.start_on, 36)
        tops = rng.choice((1, 2, 2, 3, 3, 4))
        order = 0
        leaves: list[dict] = []

        def make(parent: dict | None, first: dt.date, last: dt.date) -> dict:
            nonlocal order
            order += 1
            planned_start = _day(rng, first, last)
            planned_end = _day(rng, planned_start, last)
            row = batch.add(
                Activity,
                id=keys.pop(),
                created_at=CREATED_AT,
                updated_at=CREATED_AT,
                agreement_id=target.pk,
                parent_id=parent["id"] if parent else None,
                title=f"{rng.choice(ACTIVITY_VERBS)} tahap {order}",
                description="",
                pihak_id=rng.choice(target.parties) if target.parties else None,
                perangkat_daerah_id=target.perangkat_daerah_id,
                planned_start=planned_start,
                planned_end=planned_end,
                actual_start=None,
                actual_end=None,
                status=ActivityStatus.DIRENCANAKAN,
                progress=0,
                weight=Decimal(rng.randrange(1, 6)) if parent and rng.random() < 0.3 else None,
                last_progress_on=None,
                order=order,
                source=Source.SINTETIS,
            )
            return row

        for _ in range(tops):
            top = make(None, target.start_on, plan_end)
            kids = [make(top, top["planned_start"], top["planned_end"]) for _ in range(rng.choice((0, 0, 1, 2, 2, 3)))]
            if not kids:
                self.leaf(top, until)
                leaves.append(top)
                continue
            for kid in kids:
                grandchildren = rng.randrange(1, 4) if rng.random() < 0.1 else 0
                subs = [make(kid, kid["planned_start"], kid["planned_end"]) for _ in range(grandchildren)]
                for row in subs or [kid]:
                    self.leaf(row, until)
                    leaves.append(row)
                if subs:
                    self.roll_up(kid, subs)
            self.roll_up(top, kids)
        if until is not None:
            started = [leaf for leaf in leaves if leaf["last_progress_on"] is not None]
            if started:
                rng.choice(started)["last_progress_on"] = until  # the latest evidence is the day it stops

    def leaf(self, row: dict, until: dt.date | None) -> None:
        """Status, progress and actual dates of a leaf activity as they stood on ``until``."""
        rng = self.rng
        if until is None or row["planned_start"] > until:
            return
        if rng.random() < 0.04:
            row["status"] = ActivityStatus.DIBATALKAN
            return
        start = min(row["planned_start"] + _days(rng.randrange(0, 31)), until)
        row["actual_start"] = start
        if row["planned_end"] <= until and rng.random() < 0.85:
            row["actual_end"] = min(max(row["planned_end"] + _days(rng.randrange(-10, 31)), start), until)
            row.update(status=ActivityStatus.SELESAI, progress=100, last_progress_on=row["actual_end"])
            return
        planned = max((row["planned_end"] - row["planned_start"]).days, 1)
        share = min((until - row["planned_start"]).days / planned, 1.0)
        row["progress"] = max(1, min(95, int(share * 100 * rng.uniform(0.5, 1.1))))
        row["status"] = ActivityStatus.TERTUNDA if rng.random() < 0.1 else ActivityStatus.BERJALAN
        row["last_progress_on"] = _day(rng, start, until)

    def roll_up(self, parent: dict, children: list[dict]) -> None:
        """A parent's status and dates follow its children (its progress is derived, never read)."""
        starts = [child["actual_start"] for child in children if child["actual_start"]]
        if not starts:
            return
        progress_days = [child["last_progress_on"] for child in children if child["last_progress_on"]]
        parent["actual_start"] = min(starts)
        parent["last_progress_on"] = max(progress_days) if progress_days else None
        done = all(child["status"] in (ActivityStatus.SELESAI, ActivityStatus.DIBATALKAN) for child in children)
        parent["status"] = ActivityStatus.SELESAI if done else ActivityStatus.BERJALAN
        ends = [child["actual_end"] for child in children if child["actual_end"]]
        if done and ends:
            parent["actual_end"] = max(ends)

    # Reporting ------------------------------------------------------------------------------------

    def reporting(self, batch: Batch, target: Target, profile: str, until: dt.date | None, key: int) -> None:
        """A schedule, its periods (the application's own rule) and the reports answering them."""
        rng = self.rng
        frequency = _pick(rng, FREQUENCIES)
        months = FREQUENCY_MONTHS[frequency]
        start = target.start_on
        first = dt.date(start.year, (start.month - 1) // months * months + 1, 1)  # calendar-aligned periods
        schedule = ReportingSchedule(
            frequency=frequency, first_period_start=first, due_days=rng.choice((14, 30, 30, 60))
        )
        batch.add(
            ReportingSchedule,
            id=key,
            agreement_id=target.pk,
            frequency=frequency,
            first_period_start=first,
            due_days=schedule.due_days,
        )
        parties = target.parties  # no parties listed: every party reports
        if len(target.parties) > 1 and rng.random() < 0.3:
            parties = target.parties[:1]
            batch.add(ReportingSchedule.parties.through, reportingschedule_id=key, pihak_id=parties[0])
        # Reports stop with the evidence, except on healthy agreements (evidence of life in their own right).
        limit = AS_OF if profile == "healthy" else until
        careless = rng.random() < (0.3 if profile == "healthy" else 0.6)
        for period in expected_periods(schedule, target.model(), parties):
            batch.add(
                ReportingPeriod,
                agreement_id=target.pk,
                pihak_id=period.pihak_id,
                period_start=period.period_start,
                period_end=period.period_end,
                due_on=period.due_on,
            )
            if limit is None or period.period_end >= limit:
                continue
            if careless and rng.random() < 0.15:
                continue  # never reported
            if rng.random() < 0.75:
                submitted = _day(rng, period.period_end + _days(1), period.due_on)
            else:
                submitted = period.due_on + _days(rng.randrange(1, 121))
            if submitted > limit:
                continue
            batch.add(
                ImplementationReport,
                created_at=CREATED_AT,
                updated_at=CREATED_AT,
                agreement_id=target.pk,
                pihak_id=period.pihak_id,
                period_start=period.period_start,
                period_end=period.period_end,
                submitted_on=submitted,
                summary=f"Laporan pelaksanaan periode {period.period_start:%m/%Y} (data sintetis)",
                achievements="Kegiatan berjalan sesuai rencana kerja." if rng.random() < 0.7 else "",
                obstacles="Keterbatasan anggaran." if rng.random() < 0.2 else "",
                status=rng.choice((ReportStatus.DITERIMA, ReportStatus.DITERIMA, ReportStatus.DIAJUKAN))
                if rng.random() < 0.95
                else ReportStatus.PERLU_PERBAIKAN,
                source=Source.SINTETIS,
            )

    # Indicators and evaluations -------------------------------------------------------------------

    def indicators(self, batch: Batch, target: Target, until: dt.date | None, keys: list[int]) -> None:
        """One to three indicators with a target, and values per half year up to ``until``."""
        rng = self.rng
        for order in range(1, rng.choice((1, 1, 2, 3)) + 1):
            name, unit = rng.choice(INDICATORS)
            aggregation = IndicatorAggregation.LATEST if rng.random() < 0.3 else IndicatorAggregation.SUM
            baseline = Decimal(rng.randrange(0, 50)) if aggregation == IndicatorAggregation.LATEST else None
            target_value = Decimal(rng.randrange(100, 10_000)) if rng.random() < 0.9 else None
            key = keys.pop()
            batch.add(
                Indicator,
                id=key,
                created_at=CREATED_AT,
                updated_at=CREATED_AT,
                agreement_id=target.pk,
                name=name,
                unit=unit,
                aggregation=aggregation,
                baseline=baseline,
                target=target_value,
                description="",
                order=order,
                source=Source.SINTETIS,
            )
            if until is None:
                continue
            start = dt.date(target.start_on.year, 1 if target.start_on.month <= 6 else 7, 1)
            reached = baseline or Decimal(0)
            for index in range(12):
                period_start = add_months(start, 6 * index)
                period_end = add_months(start, 6 * (index + 1)) - _days(1)
                recorded = period_end + _days(rng.randrange(5, 41))
                if recorded > until:
                    break
                step = Decimal(rng.randrange(1, 30)) * (target_value or Decimal(100)) / 100
                reached += step
                batch.add(
                    IndicatorValue,
                    indicator_id=key,
                    period_start=period_start,
                    period_end=period_end,
                    value=(reached if aggregation == IndicatorAggregation.LATEST else step).quantize(Decimal("0.01")),
                    recorded_on=recorded,
                    note="",
                )

    def evaluations(self, batch: Batch, target: Target, profile: str) -> None:
        """One or two TKKSD evaluations over the agreement's life; scores follow its profile."""
        rng = self.rng
        first, last = target.start_on + _days(180), self.last_day(target)
        if first > last:
            return
        for _ in range(rng.choice((1, 1, 2))):
            score = rng.randint(3, 5) if profile in ("healthy", "fading") else rng.randint(1, 3)
            recommendation = (
                Recommendation.HENTIKAN
                if score == 1
                else rng.choice((Recommendation.LANJUTKAN, Recommendation.LANJUTKAN, Recommendation.PERLUAS))
            )
            batch.add(
                Evaluation,
                created_at=CREATED_AT,
                updated_at=CREATED_AT,
                agreement_id=target.pk,
                evaluator_kind=EvaluatorKind.TKKSD,
                pihak_id=None,
                evaluated_on=_day(rng, first, last),
                period_start=None,
                period_end=None,
                score=score,
                findings="Temuan monev (data sintetis).",
                recommendation=recommendation,
                source=Source.SINTETIS,
            )

    # One batch ------------------------------------------------------------------------------------

    def build(self, chunk: list[Target]) -> Batch:
        """The rows of ``chunk``; keys are reserved here, so call inside the writing transaction."""
        rng = self.rng
        batch = Batch()
        activity_keys = reserve_keys(Activity, 20 * len(chunk))[::-1]
        indicator_keys = reserve_keys(Indicator, 3 * len(chunk))[::-1]
        schedule_keys = reserve_keys(ReportingSchedule, len(chunk))[::-1]
        for target in chunk:
            profile = _pick(rng, PROFILES)
            self.counts[profile] += 1
            until = self.evidence_until(target, profile)
            if profile != "none":
                self.work_plan(batch, target, until, activity_keys)
            if rng.random() < (0.55 if profile != "none" else 0.2):
                self.reporting(batch, target, profile, until, schedule_keys.pop())
            if profile != "none" and rng.random() < 0.4:
                self.indicators(batch, target, until, indicator_keys)
            if rng.random() < 0.3:
                self.evaluations(batch, target, profile)
        return batch

    # Problems -------------------------------------------------------------------------------------

    def problems(self, running: list[int]) -> Batch:
        """Problems of every type, severity and status, each linked to one to three running agreements."""
        rng = self.rng
        batch = Batch()
        kaltim = list(Region.objects.filter(code__startswith="64").order_by("code").values_list("code", flat=True))
        keys = reserve_keys(Problem, PROBLEMS)
        for key in keys:
            status = _pick(rng, PROBLEM_STATUSES)
            opened = _day(rng, dt.date(2020, 1, 1), AS_OF)
            resolved = _day(rng, opened, AS_OF) if status == ProblemStatus.SELESAI else None
            problem_type = rng.choice(ProblemType.values)
            batch.add(
                Problem,
                id=key,
                created_at=CREATED_AT,
                updated_at=CREATED_AT,
                title=f"Permasalahan {ProblemType(problem_type).label} nomor {key} (data sintetis)",
                problem_type=problem_type,
                severity=_pick(rng, SEVERITIES),
                description="",
                region_id=rng.choice(kaltim),
                owner_name="",
                status=status,
                escalation_level="perangkat_daerah",
                opened_on=opened,
                resolved_on=resolved,
                is_public=rng.random() < 0.8,
                source=Source.SINTETIS,
                source_note=SEED_NOTE,
            )
            for agreement_id in rng.sample(running, rng.choice((1, 1, 1, 2, 3))):
                batch.add(Problem.agreements.through, problem_id=key, agreement_id=agreement_id)
        return batch


# Writing, counting and clearing --------------------------------------------------------------------

WRITE_ORDER = (
    Activity,
    ReportingSchedule,
    ReportingSchedule.parties.through,
    ReportingPeriod,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Evaluation,
    Problem,
    Problem.agreements.through,
)


def write(batch: Batch) -> None:
    for model in WRITE_ORDER:
        rows = batch.rows.get(model)
        if rows:
            insert_many(model, rows)


def seed_monitoring(log=print) -> float:
    """Seed the monitoring rows of every signed agreement; returns the seconds it took."""
    began = time.perf_counter()
    seeder = MonitoringSeeder()
    chunk_targets = targets()
    written: Counter = Counter()
    for start in range(0, len(chunk_targets), BATCH):
        chunk = chunk_targets[start : start + BATCH]
        with transaction.atomic():
            batch = seeder.build(chunk)
            write(batch)
        written.update({model: len(rows) for model, rows in batch.rows.items()})
        if (start // BATCH) % 4 == 3 or start + BATCH >= len(chunk_targets):
            done = written[Activity] + written[ImplementationReport]
            log(
                f"  monitoring of {start + len(chunk):,} agreements: {done:,} activity and report rows "
                f"({time.perf_counter() - began:.0f} s)"
            )
    running = [target.pk for target in chunk_targets if target.stage in LIVE and (target.end or AS_OF) >= AS_OF]
    with transaction.atomic():
        write(seeder.problems(running))
    log(f"  profiles: {dict(sorted(seeder.counts.items()))}")
    return time.perf_counter() - began


def monitoring_count() -> int:
    """Activities and reports in the database (the seeded data set, when it is there)."""
    return Activity.objects.count() + ImplementationReport.objects.count()


def clear_monitoring() -> None:
    """Remove every monitoring row that hangs off an agreement, and the seeded problems (before a reseed).

    Plain DELETE statements: the ORM would first load the 550,000 nested activities to cascade.
    The real problems of the reference data (``kerjasama setup``) stay.
    """
    quote = connection.ops.quote_name
    seeded = Problem.objects.filter(source_note=SEED_NOTE).values("pk")
    with transaction.atomic():
        FollowUpAction.objects.filter(Q(evaluation__isnull=False) | Q(problem__in=seeded)).delete()
        for model in (
            AlertDelivery,
            ReportEvidence,
            IndicatorValue,
            Indicator,
            Evaluation,
            Problem.agreements.through,
            ReportingPeriod,
            ReportingSchedule.parties.through,
            ReportingSchedule,
            ImplementationReport,
            Activity,
        ):
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608 (names from the model)
        Problem.related_regions.through.objects.filter(problem_id__in=seeded).delete()
        Problem.objects.filter(pk__in=seeded).delete()


def dataset_counts() -> dict:
    """What the monitoring tables hold, for the report."""
    activities = Activity.objects.all()
    periods = ReportingPeriod.objects.all()
    open_high = Problem.objects.filter(severity__in=HIGH_SEVERITIES, status__in=OPEN_PROBLEM_STATUSES)
    return {
        "activities": activities.count(),
        "nested_activities": activities.filter(parent__isnull=False).count(),
        "work_plans": activities.values("agreement_id").distinct().count(),
        "reports": ImplementationReport.objects.count(),
        "schedules": ReportingSchedule.objects.count(),
        "periods": periods.count(),
        "periods_due": periods.filter(due_on__lt=AS_OF).count(),
        "indicators": Indicator.objects.count(),
        "indicator_values": IndicatorValue.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "problems": Problem.objects.filter(source_note=SEED_NOTE).count(),
        "open_high_problems": open_high.filter(source_note=SEED_NOTE).count(),
        "problem_links": Problem.agreements.through.objects.count(),
        "agreements_with_open_high_problem": Problem.agreements.through.objects.filter(problem__in=open_high)
        .values("agreement_id")
        .distinct()
        .count(),
    }
