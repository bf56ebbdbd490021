"""Synthetic implementation monitoring for the demo register: work plans, reports, indicators, monev, problems.

Built by ``kerjasama demo`` right after :func:`kerjasama.agreements.demo.build_demo`, in the same
transaction: monitoring depends on agreements, never the reverse, so ``agreements.demo`` knows nothing of
this module and the command (the place where both apps meet) calls both. Running it on its own rebuilds
the monitoring of the demo agreements that are there.

Like the agreements it hangs on, everything here describes the register as of the demo's reference date
(``settings.KERJASAMA["DEMO_REFERENCE_DATE"]``, 18 Nov 2025) and says it is synthetic: ``source =
contoh_sintetis`` where the model has a source, and every free text ends in "(contoh sintetis)". No
evidence of life is dated after the reference date (activities' progress and actual dates, reports'
submission, indicator values, evaluations), so the health rules judge the demo as of that day.

The mix, drawn from ``random.Random`` seeded from the demo seed (same seed, same data), follows the
failure modes of the domain brief (5.1): most agreements in force are carried out (a work plan whose
activities nest and carry weights, reports each period of their schedule, indicators moving towards
their targets, monev with follow-up actions); a visible minority is ceremonial (signed, then nothing
for more than ``DORMANT_DAYS`` or nothing at all), lagging (reports overdue), blocked by a serious
problem (land with Kanwil BPN, budget, coordination, the Kaltim–Jawa Timur signatures still pending
since 2022) or needs a DPRD approval found missing at a monev. Some agreements of Kutai Barat, Paser,
Penajam Paser Utara, Kutai Timur and Berau are linked to the REAL unsettled boundary segments that
``kerjasama setup`` loads (``monitoring/loaders.py``): the link is the only change to those records, and
the synthetic agreement's note says so. Anchored agreements get their own indicators: the Gratispol PKS
count new students against the intake reported for 16 Jun 2025 (used only as targets of synthetic
values) and the UKT paid; the Samboja and Anggana arrangements count the documents and visits of their
residents.

Everything is written with bulk inserts and logged in the change log as the services would log it.
"""

import datetime as dt
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kerjasama.agreements.choices import DocumentType, FundingSource, PartyRole, Stage
from kerjasama.agreements.demo import (
    ANGGANA,
    DEFAULT_SEED,
    GRATISPOL_NEW_STUDENTS,
    HISTORY_MARK,
    KALTIM,
    KALTIM_SHORT,
    SAMBOJA,
    SAMBOJA_BARAT,
    SYNTHETIC_NOTE,
    reference_date,
)
from kerjasama.agreements.lifecycle import FINAL
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.core.choices import Source
from kerjasama.monitoring.choices import (
    FREQUENCY_MONTHS,
    ActionStatus,
    ActivityStatus,
    EscalationLevel,
    EvaluatorKind,
    IndicatorAggregation,
    ProblemStatus,
    ProblemType,
    Recommendation,
    ReportFrequency,
    ReportStatus,
    Severity,
)
from kerjasama.monitoring.health import health_setting
from kerjasama.monitoring.models import (
    Activity,
    Evaluation,
    FollowUpAction,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Problem,
    ReportingPeriod,
    ReportingSchedule,
)
from kerjasama.monitoring.schedules import add_months, expected_periods
from kerjasama.regions.models import Pihak

__all__ = ("MARK", "MonitoringSummary", "build_demo_monitoring", "remove_demo_monitoring")

MARK = HISTORY_MARK  # "(contoh sintetis)": every free text of a demo monitoring record ends with it
ONE_DAY = dt.timedelta(days=1)

# Profiles: how an agreement's implementation went (see _Planner.profile).
NONE = "none"  # nothing recorded: signed only, not yet in force, or signed too recently
PLANNED = "planned"  # signed recently: a work plan, the first steps under way
ACTIVE = "active"  # carried out: recent progress, reports on time, indicators moving
ACTIVE_LATE = "active_late"  # carried out, but the latest report is missing
LAGGING = "lagging"  # progress stalled 3 to 6 months ago; later reports missing
DORMANT = "dormant"  # a work plan made at the start, then nothing for more than DORMANT_DAYS
PAST = "past"  # completed or extended: carried out during its term
PAST_LATE = "past_late"  # completed, the final report never came
STOPPED = "stopped"  # terminated: stalled before the end
LAPSED = "lapsed"  # expired but still marked as in implementation: work stopped before the end

GROUND_PROFILES = (ACTIVE, ACTIVE_LATE, LAGGING, DORMANT, NONE)
GROUND_WEIGHTS = (62, 7, 13, 10, 8)  # agreements in force for more than DORMANT_DAYS

SEMESTER_NAMES = ("I", "II")
QUARTER_NAMES = ("I", "II", "III", "IV")

# Indicators by the agreement's first urusan: (name, unit, target low, high, aggregation). A "terakhir"
# indicator in % runs from a baseline of 0 to a target of 100.
SUM, LATEST = IndicatorAggregation.SUM, IndicatorAggregation.LATEST
INDICATORS = {
    "1.01": (("Peserta didik dan mahasiswa yang terlibat dalam program", "orang", 60, 900, SUM),
             ("Guru, dosen dan aparatur yang mengikuti pelatihan", "orang", 30, 300, SUM)),
    "1.02": (("Pasien dari wilayah mitra yang dilayani", "orang", 400, 6000, SUM),
             ("Rujukan yang ditangani sesuai standar", "kasus", 80, 900, SUM)),
    "1.03": (("Progres fisik pekerjaan", "%", 100, 100, LATEST),
             ("Panjang ruas jalan yang ditangani", "km", 4, 60, SUM)),
    "1.04": (("Sambungan rumah air minum baru", "SR", 200, 3000, SUM),
             ("Kawasan permukiman yang ditangani", "ha", 5, 80, SUM)),
    "1.05": (("Latihan dan operasi bersama yang terlaksana", "kali", 4, 16, SUM),),
    "1.06": (("Penyandang masalah kesejahteraan sosial yang ditangani", "orang", 50, 600, SUM),),
    "2.07": (("Tenaga kerja lokal yang dilatih dan bersertifikat", "orang", 60, 800, SUM),
             ("Tenaga kerja lokal yang ditempatkan", "orang", 30, 400, SUM)),
    "2.08": (("Korban kekerasan yang didampingi", "orang", 20, 250, SUM),),
    "2.09": (("Bahan pangan pokok yang disalurkan antarwilayah", "ton", 100, 2500, SUM),),
    "2.10": (("Bidang tanah yang bersertipikat", "bidang", 50, 900, SUM),),
    "2.11": (("Sampah yang diangkut dan diolah", "ton", 500, 12000, SUM),
             ("Titik pantau kualitas air yang memenuhi baku mutu", "%", 100, 100, LATEST)),
    "2.12": (("Dokumen kependudukan yang diterbitkan", "dokumen", 500, 9000, SUM),
             ("Penduduk yang direkam KTP-el", "orang", 200, 3000, SUM)),
    "2.13": (("Desa dan BUMDes yang didampingi", "desa", 5, 60, SUM),),
    "2.14": (("Keluarga berisiko yang didampingi", "keluarga", 100, 2000, SUM),),
    "2.15": (("Penumpang angkutan antarwilayah", "orang", 5000, 90000, SUM),),
    "2.16": (("Layanan publik yang terintegrasi", "layanan", 4, 40, SUM),),
    "2.17": (("UMKM yang dibina", "unit usaha", 50, 800, SUM),),
    "2.18": (("Calon investor yang difasilitasi", "calon investor", 5, 40, SUM),),
    "2.19": (("Atlet dan pemuda yang dibina", "orang", 30, 300, SUM),),
    "2.20": (("Set data sektoral yang dipertukarkan", "set data", 10, 120, SUM),),
    "2.21": (("Sertifikat elektronik yang diterbitkan", "sertifikat", 50, 800, SUM),),
    "2.22": (("Kegiatan pertukaran budaya", "kegiatan", 2, 12, SUM),),
    "2.23": (("Arsip yang dialihmediakan", "berkas", 1000, 20000, SUM),),
    "3.25": (("Nelayan dan pembudidaya yang dilatih", "orang", 40, 500, SUM),),
    "3.26": (("Paket wisata bersama yang dipasarkan", "paket", 3, 20, SUM),
             ("Wisatawan dari daerah mitra", "orang", 1000, 25000, SUM)),
    "3.27": (("Kelompok tani dan ternak yang didampingi", "kelompok", 10, 120, SUM),),
    "3.28": (("Lahan kritis yang direhabilitasi", "ha", 50, 1500, SUM),),
    "3.29": (("Rumah tangga yang tersambung energi baru terbarukan", "rumah tangga", 100, 2500, SUM),),
    "3.30": (("Nilai transaksi misi dagang", "Rp juta", 500, 15000, SUM),),
    "3.31": (("Industri kecil yang dibina", "unit usaha", 20, 250, SUM),),
    "3.32": (("Transmigran yang mengikuti pelatihan", "KK", 20, 300, SUM),),
}  # fmt: skip
FRAMEWORK_PLAN = (  # the work plan of a KB, NK, MoU or LoI: its PKS and coordination
    ("Penyusunan dan penandatanganan perjanjian kerja sama turunan", 40),
    ("Rapat koordinasi para pihak", 30),
    ("Monitoring dan evaluasi pelaksanaan kesepakatan", 30),
)
OPENING = "Penyusunan rencana kerja dan pembentukan tim teknis"
CLOSING = "Monitoring, evaluasi dan pelaporan pelaksanaan"
OBSTACLES = (
    "Jadwal rapat tim teknis para pihak sulit diselaraskan.",
    "Pencairan anggaran kegiatan baru terlaksana pada akhir triwulan.",
    "Data sasaran dari mitra terlambat diterima.",
    "Pergantian pejabat penanggung jawab di salah satu pihak.",
    "Akses ke lokasi terkendala cuaca dan kondisi jalan.",
    "Tidak ada kendala berarti.",
)
ACTIONS = {
    "good": (
        "Memperluas sasaran kegiatan pada tahun anggaran berikutnya",
        "Menyusun usulan anggaran lanjutan dalam RKA perangkat daerah",
        "Mendokumentasikan praktik baik untuk dibagikan dalam forum TKKSD",
    ),
    "fair": (
        "Menyusun jadwal rapat tim teknis triwulanan bersama mitra",
        "Melengkapi data capaian indikator dalam laporan berikutnya",
        "Menyelaraskan rencana kerja dengan RKPD tahun berjalan",
    ),
    "poor": (
        "Menyusun ulang rencana kerja dengan target yang terukur",
        "Menunjuk penanggung jawab kegiatan di setiap pihak",
        "Menyampaikan laporan pelaksanaan yang tertunggak kepada TKKSD",
        "Mengusulkan pengakhiran kerja sama bila tidak ada kegiatan dalam enam bulan",
    ),
}
FINDINGS = {
    5: "Seluruh kegiatan berjalan sesuai rencana dan target indikator terlampaui; kerja sama layak diperluas.",
    4: "Kegiatan berjalan sesuai rencana, laporan diterima tepat waktu dan capaian indikator mendekati target.",
    3: "Sebagian kegiatan terlambat dari jadwal; koordinasi antarpihak perlu diperkuat.",
    2: "Sebagian besar kegiatan tertunda dan laporan tidak lengkap; rencana kerja perlu disusun ulang.",
    1: "Tidak ditemukan kegiatan pelaksanaan sejak penandatanganan; kerja sama hanya seremonial.",
}
BOUNDARY_URUSAN = ("2.12", "1.02", "1.03", "1.05", "1.01")  # services whose responsibility a boundary decides


def _marked(text: str) -> str:
    """``text`` ending in the synthetic mark."""
    return f"{text.rstrip()} {MARK}"


def _number(value: Decimal) -> str:
    """``12.500`` (Indonesian thousands), decimals only where there are any."""
    whole = f"{int(value):,}".replace(",", ".")
    return whole if value == int(value) else f"{whole},{str(value).split('.')[-1].rstrip('0')}"


def _change_message(seed: int) -> str:
    return f"{SYNTHETIC_NOTE} (kerjasama demo, seed {seed})"


@dataclass
class MonitoringSummary:
    """What :func:`build_demo_monitoring` wrote, and the health of the demo agreements on the reference date."""

    reference_date: dt.date
    agreements_with_plan: int = 0
    activities: int = 0
    schedules: int = 0
    periods: int = 0
    reports: int = 0
    indicators: int = 0
    values: int = 0
    evaluations: int = 0
    actions: int = 0
    problems: int = 0
    real_problem_links: int = 0
    dprd_missing_added: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    flagged_agreements: int = 0
    healthy: int = 0
    removed: int = 0


@dataclass
class _Party:
    pihak_id: int
    region: str | None
    role: str
    short_name: str


@dataclass
class _Agreement:
    """What the planner reads of a demo agreement."""

    pk: int
    title: str
    document_type: str
    stage: str
    signed_on: dt.date | None
    start_on: dt.date | None
    end_on: dt.date | None
    terminated_on: dt.date | None
    scope: str
    perangkat_daerah_id: int | None
    funding_source: str
    funding_amount: Decimal | None
    dprd_required: bool
    parent_id: int | None
    source_note: str
    parties: list[_Party] = field(default_factory=list)
    urusan: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    reviews: list[dt.date] = field(default_factory=list)
    ended_note: str = ""  # why it was terminated
    signed_children: int = 0
    profile: str = NONE
    last: dt.date | None = None  # the day of the latest evidence of life
    cap: dt.date | None = None  # no report or value after this day

    @property
    def end(self) -> dt.date | None:
        ends = [day for day in (self.end_on, self.terminated_on) if day is not None]
        return min(ends) if ends else None

    def model(self) -> Agreement:
        """An unsaved stand-in with the dates ``schedules.expected_periods`` reads."""
        return Agreement(pk=self.pk, start_on=self.start_on, end_on=self.end_on, terminated_on=self.terminated_on)

    def regions(self) -> set[str]:
        return {party.region for party in self.parties if party.region}

    def party_with_partner(self, short: str) -> bool:
        return any(party.short_name == short for party in self.parties)


def _load(day: dt.date) -> list[_Agreement]:
    """Every demo agreement with its parties, urusan, service areas and evaluation days, in creation order."""
    fields = (
        "pk", "title", "document_type", "stage", "signed_on", "start_on", "end_on", "terminated_on", "scope",
        "perangkat_daerah_id", "funding_source", "funding_amount", "dprd_approval_required", "parent_id",
        "source_note",
    )  # fmt: skip
    demo = Agreement.objects.filter(source=Source.SINTETIS, archived_at__isnull=True)
    rows = {values[0]: _Agreement(*values) for values in demo.order_by("pk").values_list(*fields)}
    parties = (
        AgreementParty.objects.filter(agreement__in=demo)
        .order_by("agreement_id", "order", "pk")
        .values_list("agreement_id", "pihak_id", "pihak__region_id", "role", "pihak__partner__short_name")
    )
    for agreement_id, pihak_id, region, role, short in parties:
        rows[agreement_id].parties.append(_Party(pihak_id, region, role, short or ""))
    links = Agreement.urusan.through.objects.filter(agreement__in=demo).order_by("agreement_id", "urusan__code")
    for agreement_id, code in links.values_list("agreement_id", "urusan__code"):
        rows[agreement_id].urusan.append(code)
    areas = Agreement.service_areas.through.objects.filter(agreement__in=demo).order_by("agreement_id", "region_id")
    for agreement_id, code in areas.values_list("agreement_id", "region_id"):
        rows[agreement_id].areas.append(code)
    moves = AgreementTransition.objects.filter(agreement__in=demo, to_stage__in=(Stage.EVALUASI, Stage.DIAKHIRI))
    for agreement_id, stage, at, note in moves.order_by("at", "pk").values_list(
        "agreement_id", "to_stage", "at", "note"
    ):
        if stage == Stage.EVALUASI:
            rows[agreement_id].reviews.append(timezone.localtime(at).date())
        else:
            rows[agreement_id].ended_note = note
    children = demo.filter(parent__isnull=False, signed_on__lte=day).exclude(document_type=DocumentType.ADENDUM)
    for parent_id in children.values_list("parent_id", flat=True):
        if parent_id in rows:
            rows[parent_id].signed_children += 1
    return list(rows.values())


def _scope_items(scope: str) -> list[str]:
    """The items of "Ruang lingkup: a; b; c." as activity titles."""
    text = re.sub(r"^\s*Ruang lingkup:\s*", "", scope or "").strip().rstrip(".")
    # Reporting is the closing activity of every plan already.
    items = [item.strip() for item in text.split(";") if item.strip() and item.strip().lower() != "pelaporan"]
    return [item[0].upper() + item[1:] for item in items][:5]


def _aligned_start(start: dt.date, months: int) -> dt.date:
    """The first reporting period start on or after ``start``: ``start`` itself on the 1st of a month,
    else the next calendar boundary of the frequency (semesters start in January and July)."""
    if start.day == 1:
        return start
    first = dt.date(start.year, 1, 1)
    while first < start:
        first = add_months(first, months)
    return first


def _period_label(start: dt.date, months: int) -> str:
    if months == 6:
        return f"semester {SEMESTER_NAMES[(start.month - 1) // 6]} {start.year}"
    if months == 3:
        return f"triwulan {QUARTER_NAMES[(start.month - 1) // 3]} {start.year}"
    if months == 12:
        return f"tahun {start.year}"
    return f"bulan {start:%m/%Y}"


class _Planner:
    """Draws the monitoring of the demo agreements and collects the unsaved rows."""

    def __init__(self, seed: int, day: dt.date, agreements: list[_Agreement]) -> None:
        self.rng = random.Random(f"kerjasama-monitoring-{seed}")
        self.seed = seed
        self.day = day
        self.agreements = agreements
        self.by_pk = {agreement.pk: agreement for agreement in agreements}
        self.dormant_days = int(health_setting("DORMANT_DAYS"))
        self.no_plan_days = int(health_setting("NO_WORKPLAN_DAYS"))
        self.recent_days = int(health_setting("RECENT_DAYS") or 90)
        self.activities: list[list[Activity]] = [[], [], []]  # by depth
        self.schedules: list[tuple[ReportingSchedule, list[int]]] = []
        self.periods: list[ReportingPeriod] = []
        self.reports: list[ImplementationReport] = []
        self.indicators: list[Indicator] = []
        self.values: list[IndicatorValue] = []
        self.evaluations: list[Evaluation] = []
        self.actions: list[FollowUpAction] = []
        self.problems: list[tuple[Problem, list[int], list[str]]] = []  # (problem, agreement ids, regions)
        self.real_links: list[tuple[int, int]] = []  # (real problem id, agreement id)
        self.notes: dict[int, str] = {}  # agreement id -> note to add to its source note
        self.dprd: list[int] = []  # agreements found to need DPRD approval at a monev
        self.titles: dict[int, list[str]] = defaultdict(list)  # the work plan's top-level titles, for reports
        # Reports print their party: the rows are given their Pihak so the change log needs no query per row.
        self.pihak = Pihak.objects.in_bulk(sorted({p.pihak_id for a in agreements for p in a.parties}))

    # Small helpers ---------------------------------------------------------------------------------

    def between(self, low: dt.date, high: dt.date) -> dt.date:
        return low + dt.timedelta(days=self.rng.randint(0, max(0, (high - low).days)))

    def ago(self, low: int, high: int) -> dt.date:
        return self.day - dt.timedelta(days=self.rng.randint(low, high))

    # Profiles --------------------------------------------------------------------------------------

    def profile(self, a: _Agreement) -> str:
        """How ``a``'s implementation went, from its stage and dates (and the seed)."""
        rng, day = self.rng, self.day
        if a.signed_on is None or a.start_on is None or a.stage == Stage.PENANDATANGANAN or a.start_on > day:
            return NONE  # not signed, signed but never implemented, or not in force yet
        end = a.end
        if a.stage in (Stage.SELESAI, Stage.DIPERPANJANG):
            return PAST_LATE if rng.random() < 0.05 else PAST
        if a.stage == Stage.DIAKHIRI:
            return STOPPED
        if end is not None and end < day:
            return LAPSED
        signed_days, started_days = (day - a.signed_on).days, (day - a.start_on).days
        if signed_days < self.no_plan_days:
            return PLANNED if rng.random() < 0.65 else NONE
        if signed_days < self.dormant_days or started_days < self.dormant_days:
            return ACTIVE if rng.random() < 0.85 else NONE
        if a.document_type == DocumentType.KB and not a.signed_children:
            return rng.choices((DORMANT, NONE, LAGGING), weights=(5, 3, 2))[0]  # a KB that no PKS followed
        if a.reviews or a.stage == Stage.EVALUASI:
            return ACTIVE if rng.random() < 0.7 else LAGGING  # the TKKSD is evaluating it: there is something
        chosen = rng.choices(GROUND_PROFILES, weights=GROUND_WEIGHTS)[0]
        if chosen == DORMANT and started_days < self.dormant_days + 40:
            chosen = NONE
        return chosen

    def horizon(self, a: _Agreement) -> None:
        """Set the day of the latest evidence (``last``) and the last day a report or value may carry (``cap``)."""
        day, start, end = self.day, a.start_on, a.end
        profile = a.profile
        if profile in (ACTIVE, ACTIVE_LATE):
            a.last = max(start, self.ago(2, self.recent_days - 15))
            a.cap = day
        elif profile == PLANNED:
            a.last = max(start, self.ago(0, 20))
            a.cap = day
        elif profile == LAGGING:
            a.last = max(start + dt.timedelta(days=20), self.ago(self.recent_days + 5, self.dormant_days - 10))
            a.cap = a.last
        elif profile == DORMANT:
            latest = day - dt.timedelta(days=self.dormant_days + 20)
            a.last = min(latest, start + dt.timedelta(days=self.rng.randint(30, 400)))
            a.cap = a.last
        elif profile in (PAST, PAST_LATE):
            a.last = max(start, min(end, day) - dt.timedelta(days=self.rng.randint(0, 30)))
            a.cap = min(day, end + dt.timedelta(days=75))  # the final report comes after the end
        elif profile == STOPPED:
            a.last = max(start + dt.timedelta(days=15), end - dt.timedelta(days=self.rng.randint(20, 120)))
            a.last = min(a.last, end)
            a.cap = min(day, end + dt.timedelta(days=75))  # work stalled, the reports still came
        elif profile == LAPSED:
            # Nobody closed it: some ran to their end and reported, others had stopped well before.
            ran_out = self.rng.random() < 0.6
            back = self.rng.randint(0, 30) if ran_out else self.rng.randint(60, 240)
            a.last = min(end, max(start + dt.timedelta(days=30), end - dt.timedelta(days=back)))
            a.cap = min(day, end + dt.timedelta(days=75)) if ran_out else a.last

    # Planning --------------------------------------------------------------------------------------

    def plan(self) -> None:
        for a in self.agreements:
            a.profile = self.profile(a)
        self.anchor_profiles()
        for a in self.agreements:
            if a.profile == NONE:
                continue
            self.horizon(a)
            self.work_plan(a)
            schedule = self.schedule(a)
            self.indicators_of(a, schedule)
            self.evaluations_of(a)
        self.dprd_findings()
        self.synthetic_problems()
        self.boundary_links()

    def anchor_profiles(self) -> None:
        """The anchored agreements modelled on reported ones are carried out (the point of showing them)."""
        for a in self.agreements:
            if self.anchor_kind(a) and self.in_force_live(a) and a.stage != Stage.PENANDATANGANAN:
                a.profile = ACTIVE

    def in_force_live(self, a: _Agreement) -> bool:
        """Signed, in force on the reference day, and its stage still runs."""
        return (
            a.signed_on is not None
            and a.start_on is not None
            and a.start_on <= self.day
            and (a.end is None or a.end >= self.day)
            and a.stage not in FINAL
        )

    def anchor_kind(self, a: _Agreement) -> str:
        if a.title.startswith("Perjanjian Kerja Sama Pembiayaan UKT Program Gratispol"):
            return "gratispol"
        if a.document_type == DocumentType.PKS and set(a.areas) & {SAMBOJA, SAMBOJA_BARAT, ANGGANA}:
            return "adminduk" if "2.12" in a.urusan else "kesehatan"
        if a.party_with_partner("Kanwil BPN Kaltim") and a.signed_on == dt.date(2025, 8, 7):
            return "bpn"
        if "Apau Kayan" in a.title:
            return "apau_kayan"
        return ""

    # Work plans ------------------------------------------------------------------------------------

    def work_plan(self, a: _Agreement) -> None:
        """Nested activities with weights, their progress judged on ``a.last`` (the latest evidence)."""
        rng = self.rng
        start, end = a.start_on, a.end or a.start_on + dt.timedelta(days=365 * 5)
        kaltim_side = a.parties[0] if a.parties else None
        partner_side = a.parties[1] if len(a.parties) > 1 else kaltim_side
        span = max(60, (end - start).days)
        tops: list[tuple[str, int, dt.date, dt.date, list[tuple[str, dt.date, dt.date]]]] = []
        if a.document_type in (DocumentType.KB, DocumentType.NK, DocumentType.MOU, DocumentType.LOI):
            for title, weight in FRAMEWORK_PLAN:
                tops.append((title, weight, start, end, []))
        else:
            opening_end = min(end, start + dt.timedelta(days=min(75, span // 4)))
            tops.append((OPENING, 10, start, opening_end, []))
            items = _scope_items(a.scope) or ["Pelaksanaan kegiatan sesuai ruang lingkup kerja sama"]
            body_start = min(end, start + dt.timedelta(days=min(30, span // 8)))
            body_end = max(body_start, end - dt.timedelta(days=min(30, span // 8)))
            weights = [rng.choice((20, 25, 30, 35)) for _item in items]
            for item, weight in zip(items, weights, strict=True):
                years = list(range(body_start.year, body_end.year + 1))
                children = []
                if len(years) >= 2 and rng.random() < 0.6:
                    for year in years[:5]:
                        low = max(body_start, dt.date(year, 1, 1))
                        high = min(body_end, dt.date(year, 12, 31))
                        if high > low:
                            children.append((f"{item} tahun {year}", low, high))
                tops.append((item, weight, body_start, body_end, children))
            tops.append((CLOSING, 10, start, end, []))
        self.titles[a.pk] = [title for title, *_rest in tops]
        families: list[tuple[Activity, list[Activity]]] = []
        order = 0
        rows: list[tuple[Activity, dt.date, dt.date]] = []
        for title, weight, low, high, children in tops:
            order += 1
            parent = Activity(
                agreement_id=a.pk,
                title=title[:300],
                description=_marked(f"Bagian rencana kerja: {title[0].lower()}{title[1:]}."),
                pihak_id=kaltim_side.pihak_id if kaltim_side else None,
                perangkat_daerah_id=a.perangkat_daerah_id,
                planned_start=low,
                planned_end=high,
                weight=Decimal(weight),
                order=order,
                source=Source.SINTETIS,
            )
            self.activities[0].append(parent)
            family: list[Activity] = []
            families.append((parent, family))
            if not children:
                rows.append((parent, low, high))
                continue
            for index, (child_title, child_low, child_high) in enumerate(children, start=1):
                child = Activity(
                    agreement_id=a.pk,
                    parent=parent,
                    title=child_title[:300],
                    description=_marked(f"Kegiatan tahunan: {child_title[0].lower()}{child_title[1:]}."),
                    pihak_id=(partner_side if index % 2 == 0 else kaltim_side).pihak_id if kaltim_side else None,
                    perangkat_daerah_id=a.perangkat_daerah_id,
                    planned_start=child_low,
                    planned_end=child_high,
                    weight=Decimal(max(1, (child_high - child_low).days // 30)),
                    order=index,
                    source=Source.SINTETIS,
                )
                self.activities[1].append(child)
                family.append(child)
                rows.append((child, child_low, child_high))
        self.progress(a, rows)
        for parent, family in families:
            if family:
                self.roll_up(parent, family)

    def progress(self, a: _Agreement, leaves: list[tuple[Activity, dt.date, dt.date]]) -> None:
        """Each leaf's status, progress and dates as of ``a.last``; the latest one carries ``a.last`` itself."""
        rng, last = self.rng, a.last
        pace = {
            ACTIVE: (0.9, 1.1), ACTIVE_LATE: (0.85, 1.05), PLANNED: (0.8, 1.2), PAST: (0.95, 1.1),
            PAST_LATE: (0.9, 1.05), LAGGING: (0.45, 0.8), DORMANT: (0.3, 0.7), STOPPED: (0.35, 0.7),
            LAPSED: (0.5, 0.9),
        }[a.profile]  # fmt: skip
        latest: Activity | None = None
        for activity, low, high in leaves:
            if low > last:
                continue  # not started by the last evidence: planned
            elapsed = min(1.0, ((last - low).days + 1) / max(1, (high - low).days + 1))
            done = min(100, round(100 * elapsed * rng.uniform(*pace)))
            started = min(last, low + dt.timedelta(days=rng.randint(0, 14)))
            activity.actual_start = started
            activity.progress = max(5, done)
            if activity.progress >= 100 or (elapsed >= 1.0 and a.profile in (ACTIVE, PAST) and rng.random() < 0.8):
                activity.progress = 100
                activity.status = ActivityStatus.SELESAI
                finished = min(last, high + dt.timedelta(days=rng.randint(-10, 20)))
                activity.actual_end = max(started, finished)
                activity.last_progress_on = activity.actual_end
            else:
                behind = elapsed * 100 - activity.progress > 25
                activity.status = ActivityStatus.TERTUNDA if behind else ActivityStatus.BERJALAN
                update = last - dt.timedelta(days=rng.randint(0, 45))
                activity.last_progress_on = max(started, update)
            if latest is None or activity.last_progress_on > latest.last_progress_on:
                latest = activity
        if latest is not None and latest.status != ActivityStatus.SELESAI:
            latest.last_progress_on = last
        elif latest is not None:
            latest.actual_end = latest.last_progress_on = max(latest.actual_start, last)

    def roll_up(self, parent: Activity, kids: list[Activity]) -> None:
        """A parent's status, dates and (displayed) progress from its children."""
        total = sum(float(kid.weight) for kid in kids)
        parent.progress = round(sum(kid.progress * float(kid.weight) for kid in kids) / total)
        starts = [kid.actual_start for kid in kids if kid.actual_start]
        parent.actual_start = min(starts) if starts else None
        updates = [kid.last_progress_on for kid in kids if kid.last_progress_on]
        parent.last_progress_on = max(updates) if updates else None
        if all(kid.status == ActivityStatus.SELESAI for kid in kids):
            parent.status = ActivityStatus.SELESAI
            parent.actual_end = max(kid.actual_end for kid in kids)
        elif any(kid.status == ActivityStatus.TERTUNDA for kid in kids):
            parent.status = ActivityStatus.TERTUNDA
        elif starts:
            parent.status = ActivityStatus.BERJALAN

    # Reporting -------------------------------------------------------------------------------------

    def schedule(self, a: _Agreement) -> ReportingSchedule | None:
        """A reporting schedule with its expected reports, and the reports that came."""
        rng = self.rng
        kind = self.anchor_kind(a)
        if not kind and rng.random() < 0.15:
            return None  # no schedule agreed: reports are not asked for
        if kind in ("gratispol", "adminduk", "kesehatan"):
            frequency = ReportFrequency.TRIWULANAN
        else:
            frequency = rng.choices(
                (ReportFrequency.SEMESTERAN, ReportFrequency.TRIWULANAN, ReportFrequency.TAHUNAN), weights=(7, 2, 1)
            )[0]
        months = FREQUENCY_MONTHS[frequency]
        first = _aligned_start(a.start_on, months)
        if a.end is not None and first > a.end:
            return None
        everyone = [party.pihak_id for party in a.parties]
        ids = [party.pihak_id for party in a.parties if party.role != PartyRole.FASILITATOR]
        if kind == "gratispol":
            reporting = ids[1:2]  # the university reports on its students
        else:
            roll = rng.random()
            reporting = ids[:1] if roll < 0.55 else ids[1:2] if roll < 0.75 else []
            if not reporting and len(ids) < len(everyone):
                reporting = ids[:1]  # a blank list would make the facilitator report too
        due_days = 30 if frequency != ReportFrequency.TAHUNAN else 60
        schedule = ReportingSchedule(
            agreement_id=a.pk, frequency=frequency, first_period_start=first, due_days=due_days
        )
        self.schedules.append((schedule, reporting))
        periods = expected_periods(schedule, a.model(), reporting or everyone)
        late_missing = self.missing_on_purpose(a, periods)
        for period in periods:
            self.periods.append(
                ReportingPeriod(
                    agreement_id=a.pk,
                    pihak_id=period.pihak_id,
                    period_start=period.period_start,
                    period_end=period.period_end,
                    due_on=period.due_on,
                )
            )
            if period.period_end >= self.day or (period.pihak_id, period.period_start) in late_missing:
                continue
            submitted = self.submitted_on(a, period.period_end, period.due_on)
            if submitted is not None:
                self.report(a, period.pihak_id, period.period_start, period.period_end, submitted, months)
        return schedule

    def missing_on_purpose(self, a: _Agreement, periods) -> set[tuple[int, dt.date]]:
        """The reports an ``active_late`` or ``past_late`` agreement still owes: its latest due one."""
        if a.profile not in (ACTIVE_LATE, PAST_LATE):
            return set()
        due = [period for period in periods if period.due_on < self.day]
        if not due:
            return set()
        latest = max(period.period_start for period in due)
        return {(period.pihak_id, period.period_start) for period in due if period.period_start == latest}

    def submitted_on(self, a: _Agreement, end: dt.date, due: dt.date) -> dt.date | None:
        """When the report for a period ending ``end`` came, or None when it never did (by ``a.cap``)."""
        rng = self.rng
        on_time = max(end + dt.timedelta(days=3), due - dt.timedelta(days=rng.randint(0, 25)))
        late = due + dt.timedelta(days=rng.randint(3, 40))
        chosen = late if rng.random() < 0.12 else on_time
        if chosen > a.cap:
            chosen = on_time
        if chosen > a.cap:
            return None
        return chosen

    def report(self, a: _Agreement, pihak_id: int, start: dt.date, end: dt.date, submitted: dt.date, months: int):
        rng = self.rng
        label = _period_label(start, months)
        titles = self.titles.get(a.pk) or ["pelaksanaan kegiatan"]
        worked = "; ".join(title[0].lower() + title[1:] for title in titles[1:3] or titles[:1])
        if (self.day - submitted).days > 45:
            status = ReportStatus.PERLU_PERBAIKAN if rng.random() < 0.06 else ReportStatus.DITERIMA
        else:
            status = ReportStatus.DIAJUKAN
        self.reports.append(
            ImplementationReport(
                agreement_id=a.pk,
                pihak=self.pihak[pihak_id],
                period_start=start,
                period_end=end,
                submitted_on=submitted,
                summary=_marked(f"Laporan pelaksanaan {label}: {worked}."),
                achievements=_marked("Kegiatan pada periode ini terlaksana sesuai rencana kerja."),
                obstacles=_marked(rng.choice(OBSTACLES)),
                status=status,
                source=Source.SINTETIS,
            )
        )

    # Indicators ------------------------------------------------------------------------------------

    def indicators_of(self, a: _Agreement, schedule: ReportingSchedule | None) -> None:
        """One or two indicators with targets, and a value for each period that ended by ``a.cap``."""
        rng = self.rng
        kind = self.anchor_kind(a)
        if kind:
            specs = self.anchor_indicators(a, kind)
        else:
            if a.document_type in (DocumentType.KB, DocumentType.NK, DocumentType.MOU, DocumentType.LOI):
                target = Decimal(rng.randint(2, 5))
                specs = [("Perjanjian kerja sama turunan yang ditandatangani", "dokumen", None, target, SUM, None)]
            else:
                if rng.random() < 0.12:
                    return  # no measurable target was agreed
                catalogue = INDICATORS.get(a.urusan[0] if a.urusan else "", INDICATORS["1.01"])
                picked = catalogue[: rng.choice((1, 2))] if len(catalogue) > 1 else catalogue
                specs = []
                for name, unit, low, high, aggregation in picked:
                    target = Decimal(rng.randint(low, high))
                    baseline = Decimal(0) if aggregation == LATEST else None
                    specs.append((name, unit, baseline, target, aggregation, None))
        # Values per reporting period; without a schedule, per semester.
        if schedule is None:
            first = _aligned_start(a.start_on, 6)
            schedule = ReportingSchedule(frequency=ReportFrequency.SEMESTERAN, first_period_start=first, due_days=0)
        periods = [(p.period_start, p.period_end) for p in expected_periods(schedule, a.model(), [0])]
        pace = {ACTIVE: (0.85, 1.15), ACTIVE_LATE: (0.8, 1.1), PLANNED: (0.8, 1.1), PAST: (0.9, 1.15),
                PAST_LATE: (0.85, 1.1), LAGGING: (0.4, 0.75), DORMANT: (0.2, 0.6), STOPPED: (0.3, 0.6),
                LAPSED: (0.5, 0.9)}[a.profile]  # fmt: skip
        for order, (name, unit, baseline, target, aggregation, values) in enumerate(specs, start=1):
            indicator = Indicator(
                agreement_id=a.pk,
                name=name[:300],
                unit=unit,
                aggregation=aggregation,
                baseline=baseline,
                target=target,
                description=_marked(f"Target selama jangka waktu kerja sama: {_number(target)} {unit}."),
                order=order,
                source=Source.SINTETIS,
            )
            self.indicators.append(indicator)
            if values is None:
                values = self.drawn_values(a, periods, target, aggregation, pace)
            for start, end, amount, recorded in values:
                self.values.append(
                    IndicatorValue(
                        indicator=indicator,
                        period_start=start,
                        period_end=end,
                        value=amount,
                        recorded_on=recorded,
                        note=_marked("Angka dari laporan pelaksanaan para pihak."),
                    )
                )

    def drawn_values(self, a: _Agreement, periods, target: Decimal, aggregation: str, pace) -> list[tuple]:
        """Values for the periods that ended by ``a.cap``: shares of the target as time passes."""
        rng = self.rng
        total_days = max(1, (a.end - a.start_on).days + 1) if a.end else 365 * 5
        speed = rng.uniform(*pace)
        values = []
        for start, end in periods:
            recorded = end + dt.timedelta(days=rng.randint(3, 25))
            if recorded > a.cap:
                break
            if aggregation == LATEST:
                elapsed = ((end - a.start_on).days + 1) / total_days
                amount = Decimal(min(100, round(100 * elapsed * speed)))
            else:
                share = ((end - start).days + 1) / total_days
                amount = Decimal(max(0, round(float(target) * share * speed * rng.uniform(0.85, 1.15))))
            values.append((start, end, amount, recorded))
        return values

    def anchor_indicators(self, a: _Agreement, kind: str) -> list[tuple]:
        """The indicators of the anchored agreements, with their values."""
        rng, day = self.rng, self.day
        if kind == "gratispol":
            reported = dict(GRATISPOL_NEW_STUDENTS)
            partner = a.parties[1].short_name if len(a.parties) > 1 else ""
            if partner in reported:
                students = reported[partner]
            else:  # the fictitious private universities: the scope and the amount give their intake
                students = int((a.funding_amount or Decimal(0)) / 5_000_000) or 300
            verified = []
            months = ((dt.date(2025, 8, 1), 0.55), (dt.date(2025, 9, 1), 0.86), (dt.date(2025, 10, 1), 0.96))
            for first, share in months:
                if first < a.start_on:
                    continue
                last_day = add_months(first, 1) - ONE_DAY
                count = round(students * min(1.0, share * rng.uniform(0.97, 1.02)))
                verified.append((first, last_day, Decimal(count), last_day + dt.timedelta(days=rng.randint(4, 10))))
            public = partner in reported
            paid = []
            if public or rng.random() < 0.5:
                # The first tranche; the reported disbursement (Rp44.15 bn by Nov 2025) bounds the demo's sum.
                share = rng.uniform(0.42, 0.52) if public else rng.uniform(0.15, 0.3)
                quarter = (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
                amount = Decimal(round(students * 5_000_000 * share, -6))
                paid.append((*quarter, amount, dt.date(2025, 10, rng.randint(8, 24))))
            return [
                ("Mahasiswa baru penerima Gratispol", "orang", None, Decimal(students), LATEST, verified),
                ("UKT dibayarkan", "Rp", None, Decimal(students * 5_000_000), SUM, paid),
            ]
        if kind in ("adminduk", "kesehatan"):
            names = " dan ".join(
                {SAMBOJA: "Samboja", SAMBOJA_BARAT: "Samboja Barat", ANGGANA: "Anggana"}[code]
                for code in a.areas
                if code in (SAMBOJA, SAMBOJA_BARAT, ANGGANA)
            )
            half = (a.start_on, a.start_on + dt.timedelta(days=14))
            recorded = min(day, half[1] + dt.timedelta(days=2))
            if kind == "adminduk":
                return [
                    ("Dokumen kependudukan diterbitkan bagi penduduk " + names, "dokumen", None,
                     Decimal(rng.choice((4800, 6000, 7200))), SUM, [(*half, Decimal(rng.randint(150, 260)), recorded)]),
                ]  # fmt: skip
            return [
                ("Kunjungan penduduk " + names + " ke puskesmas dan rumah sakit mitra", "kunjungan", None,
                 Decimal(rng.choice((18000, 24000))), SUM, [(*half, Decimal(rng.randint(420, 700)), recorded)]),
            ]  # fmt: skip
        if kind == "bpn":
            values = [
                (dt.date(2025, 8, 7), dt.date(2025, 9, 30), Decimal(rng.randint(30, 45)), dt.date(2025, 10, 9)),
                (dt.date(2025, 10, 1), dt.date(2025, 10, 31), Decimal(rng.randint(18, 30)), dt.date(2025, 11, 10)),
            ]
            return [("Bidang tanah aset daerah yang bersertipikat", "bidang", None, Decimal(402), SUM, values)]
        # Apau Kayan road access
        values = [(dt.date(2025, 8, 7), dt.date(2025, 10, 31), Decimal(rng.randint(6, 11)), dt.date(2025, 11, 12))]
        return [("Progres fisik peningkatan jalan akses Apau Kayan", "%", Decimal(0), Decimal(100), LATEST, values)]

    # Evaluations -----------------------------------------------------------------------------------

    def evaluations_of(self, a: _Agreement) -> None:
        """Monev: at every move into the evaluation stage, yearly for active ones, and telling ones otherwise."""
        rng, day = self.rng, self.day
        profile = a.profile
        for index, reviewed in enumerate(a.reviews):
            if not a.start_on <= reviewed <= day:
                continue
            still = a.stage == Stage.EVALUASI and index == len(a.reviews) - 1
            score = rng.choice((3, 4)) if profile not in (LAGGING, DORMANT, LAPSED) else rng.choice((2, 3))
            recommendation = Recommendation.LANJUTKAN
            self.evaluation(a, reviewed, score, recommendation, EvaluatorKind.TKKSD, in_stage=still)
        if profile in (ACTIVE, ACTIVE_LATE) and (day - a.start_on).days >= 300 and rng.random() < 0.5:
            low = max(a.start_on + dt.timedelta(days=180), day - dt.timedelta(days=300))
            when = self.between(low, day - dt.timedelta(days=20))
            score = rng.choices((3, 4, 5), weights=(15, 60, 25))[0]
            recommendation = Recommendation.PERLUAS if score == 5 and rng.random() < 0.5 else Recommendation.LANJUTKAN
            kind = EvaluatorKind.TKKSD if rng.random() < 0.55 else EvaluatorKind.PIHAK
            self.evaluation(a, when, score, recommendation, kind)
        elif profile == LAGGING and rng.random() < 0.45:
            when = max(a.start_on + dt.timedelta(days=60), a.last - dt.timedelta(days=rng.randint(0, 60)))
            self.evaluation(a, min(when, day), rng.choice((2, 3)), Recommendation.LANJUTKAN, EvaluatorKind.TKKSD)
        elif profile == DORMANT and rng.random() < 0.35:
            # A recent monev found nothing done: a low score, and sometimes the advice to stop.
            when = max(a.start_on, self.ago(20, 150))
            recommendation = Recommendation.HENTIKAN if rng.random() < 0.4 else Recommendation.LANJUTKAN
            self.evaluation(a, when, rng.choice((1, 2)), recommendation, EvaluatorKind.TKKSD)
        elif profile in (PAST, PAST_LATE) and rng.random() < 0.35:
            when = max(a.start_on, min(a.end, day) - dt.timedelta(days=rng.randint(0, 60)))
            score = rng.choices((3, 4, 5), weights=(2, 5, 3))[0]
            if a.stage == Stage.DIPERPANJANG:
                recommendation = Recommendation.PERLUAS if score == 5 else Recommendation.LANJUTKAN
            else:
                recommendation = Recommendation.HENTIKAN if rng.random() < 0.5 else Recommendation.LANJUTKAN
            self.evaluation(a, when, score, recommendation, EvaluatorKind.TKKSD)
        elif profile == STOPPED:
            when = max(a.start_on, a.end - dt.timedelta(days=rng.randint(10, 60)))
            self.evaluation(a, when, rng.choice((1, 2)), Recommendation.HENTIKAN, EvaluatorKind.TKKSD)

    def evaluation(
        self,
        a: _Agreement,
        when: dt.date,
        score: int,
        recommendation: str,
        kind: str,
        in_stage: bool = False,
        findings: str = "",
        actions: list[tuple[str, int, str]] | None = None,
    ) -> Evaluation:
        """An evaluation of ``a`` on ``when`` with follow-up actions fitting its score."""
        rng, day = self.rng, self.day
        pihak = None
        if kind == EvaluatorKind.PIHAK:
            pihak = a.parties[0].pihak_id if a.parties else None
            if pihak is None:
                kind = EvaluatorKind.TKKSD
        period_end = min(when, a.end) if a.end else when
        period_start = max(a.start_on, period_end - dt.timedelta(days=365))
        text = findings or FINDINGS[score]
        if in_stage:
            text = f"{text} Pelaksanaan sedang dievaluasi oleh TKKSD."
        evaluation = Evaluation(
            agreement_id=a.pk,
            evaluator_kind=kind,
            pihak_id=pihak,
            evaluated_on=when,
            period_start=period_start,
            period_end=period_end,
            score=score,
            findings=_marked(text),
            recommendation=recommendation,
            source=Source.SINTETIS,
        )
        self.evaluations.append(evaluation)
        if actions is None:
            pool = ACTIONS["good"] if score >= 4 else ACTIONS["fair"] if score == 3 else ACTIONS["poor"]
            count = 2 if score <= 2 else 1 if score == 3 or rng.random() < 0.3 else 0
            actions = [(text, rng.randint(30, 120), "") for text in rng.sample(pool, count)]
        owner = a.parties[0].pihak_id if a.parties else None
        for description, days, status in actions:
            due = when + dt.timedelta(days=days)
            if not status:
                if due < day:
                    status = rng.choices(
                        (ActionStatus.SELESAI, ActionStatus.BERJALAN, ActionStatus.TERBUKA), weights=(60, 25, 15)
                    )[0]
                else:
                    status = ActionStatus.BERJALAN if rng.random() < 0.5 else ActionStatus.TERBUKA
            done = None
            if status == ActionStatus.SELESAI:
                done = min(day, max(when + ONE_DAY, due - dt.timedelta(days=rng.randint(-15, 20))))
            self.actions.append(
                FollowUpAction(
                    evaluation=evaluation,
                    description=_marked(description),
                    owner_pihak_id=owner,
                    owner_perangkat_daerah_id=a.perangkat_daerah_id,
                    due_on=due,
                    status=status,
                    done_on=done,
                )
            )
        return evaluation

    # DPRD approvals found missing -------------------------------------------------------------------

    def dprd_findings(self) -> None:
        """A monev found that a few running multi-year PKS funded from the APBD need DPRD approval (PP 28/2018)."""
        rng, day = self.rng, self.day
        candidates = [
            a
            for a in self.agreements
            if a.profile in (ACTIVE, LAGGING)
            and not self.anchor_kind(a)
            and a.document_type == DocumentType.PKS
            and not a.dprd_required
            and a.stage == Stage.PELAKSANAAN
            and a.funding_source
            in (FundingSource.APBD_PROVINSI, FundingSource.APBD_KABKOTA, FundingSource.APBD_BERSAMA)
            and a.end is not None
            and (a.end - a.start_on).days > 700
            and (day - a.signed_on).days > 300
        ]
        for a in rng.sample(candidates, min(len(candidates), 4)):
            when = self.ago(30, 120)
            self.evaluation(
                a,
                max(when, a.start_on),
                3,
                Recommendation.LANJUTKAN,
                EvaluatorKind.TKKSD,
                findings="Pembiayaan tahun jamak membebani APBD tahun berikutnya dan belum dianggarkan; kerja sama "
                "ini memerlukan persetujuan DPRD yang belum diperoleh.",
                actions=[("Mengajukan permohonan persetujuan DPRD atas kerja sama ini", 75, ActionStatus.BERJALAN)],
            )
            self.dprd.append(a.pk)

    # Problems --------------------------------------------------------------------------------------

    def problem(
        self,
        title: str,
        problem_type: str,
        severity: str,
        opened: dt.date,
        description: str,
        agreements: list[_Agreement],
        *,
        status: str = ProblemStatus.TERBUKA,
        escalation: str = EscalationLevel.PERANGKAT_DAERAH,
        resolved: dt.date | None = None,
        region: str | None = None,
        actions: tuple[tuple[str, int, str], ...] = (),
        is_public: bool = True,
    ) -> None:
        first = agreements[0] if agreements else None
        regions = sorted({code for a in agreements for code in a.regions() if code})
        owner = first.parties[0].pihak_id if first and first.parties else None
        problem = Problem(
            title=_marked(title)[:300],
            problem_type=problem_type,
            severity=severity,
            description=_marked(description),
            region_id=region or (regions[0] if regions else None),
            owner_pihak_id=owner,
            owner_perangkat_daerah_id=first.perangkat_daerah_id if first else None,
            status=status,
            escalation_level=escalation,
            opened_on=opened,
            resolved_on=resolved,
            is_public=is_public,
            source=Source.SINTETIS,
            source_note=f"{_change_message(self.seed)}."[:500],
        )
        self.problems.append((problem, [a.pk for a in agreements], regions))
        for description_, days, status_ in actions:
            due = opened + dt.timedelta(days=days)
            done = None
            if status_ == ActionStatus.SELESAI:
                done = min(self.day, resolved or due)
            self.actions.append(
                FollowUpAction(
                    problem=problem,
                    description=_marked(description_),
                    owner_pihak_id=owner,
                    owner_perangkat_daerah_id=first.perangkat_daerah_id if first else None,
                    due_on=due,
                    status=status_,
                    done_on=done,
                )
            )

    def pick(self, test, count: int, prefer=None) -> list[_Agreement]:
        """Up to ``count`` agreements passing ``test``, preferring those passing ``prefer``, not picked before."""
        taken = {pk for _problem, pks, _regions in self.problems for pk in pks}
        found = [a for a in self.agreements if a.pk not in taken and test(a)]
        if prefer is not None:
            preferred = [a for a in found if prefer(a)]
            if len(preferred) >= count:
                found = preferred
        return self.rng.sample(found, min(count, len(found)))

    def running(self, a: _Agreement) -> bool:
        """Live, in force on the reference day, with something recorded."""
        return (
            a.profile not in (NONE, PLANNED, PAST, PAST_LATE, STOPPED, LAPSED)
            and a.stage not in FINAL
            and a.signed_on is not None
        )

    def synthetic_problems(self) -> None:
        """Problems that block agreements (domain brief 5.1): land, budget, coordination, signatures, documents."""
        rng, day, d = self.rng, self.day, dt.date
        by_kind: dict[str, list[_Agreement]] = defaultdict(list)
        for a in self.agreements:
            kind = self.anchor_kind(a)
            if kind:
                by_kind[kind].append(a)
        # Land: the PKS with Kanwil BPN on the province's 402 land assets.
        if by_kind["bpn"]:
            self.problem(
                "Sebagian bidang tanah aset Pemprov Kaltim dikuasai pihak lain dan belum dapat diukur",
                ProblemType.PERTANAHAN, Severity.TINGGI, d(2025, 10, 6),
                "Pengukuran terhenti pada bidang yang dikuasai warga dan badan usaha; penyelesaian memerlukan "
                "mediasi dan dokumen perolehan aset yang belum ditemukan.",
                by_kind["bpn"], status=ProblemStatus.DITANGANI, escalation=EscalationLevel.TKKSD,
                actions=(("Menelusuri dokumen perolehan aset pada BPKAD", 40, ActionStatus.BERJALAN),
                         ("Memfasilitasi mediasi dengan pihak yang menguasai bidang tanah", 60, ActionStatus.TERBUKA)),
            )  # fmt: skip
        land = self.pick(lambda a: self.running(a) and "2.10" in a.urusan, 1, prefer=lambda a: a.profile == LAGGING)
        if land:
            self.problem(
                "Objek tanah tumpang tindih dengan kawasan hutan dan klaim masyarakat",
                ProblemType.PERTANAHAN, Severity.TINGGI, self.ago(100, 200),
                "Bidang yang akan disertipikatkan sebagian berada dalam kawasan hutan; menunggu pelepasan kawasan.",
                land, escalation=EscalationLevel.GUBERNUR,
                actions=(("Mengajukan permohonan pelepasan kawasan hutan", 90, ActionStatus.BERJALAN),),
            )  # fmt: skip
        # Budget: the Apau Kayan road and a few costly works.
        if by_kind["apau_kayan"]:
            self.problem(
                "Anggaran tahap lanjutan peningkatan jalan akses Apau Kayan belum dialokasikan",
                ProblemType.ANGGARAN, Severity.TINGGI, d(2025, 10, 20),
                "Alokasi tahun berjalan hanya mencukupi tahap awal; kebutuhan tahap berikutnya belum masuk "
                "rancangan APBD.", by_kind["apau_kayan"], status=ProblemStatus.DITANGANI,
                escalation=EscalationLevel.GUBERNUR,
                actions=(("Mengusulkan tambahan alokasi dalam pembahasan APBD", 45, ActionStatus.BERJALAN),),
            )  # fmt: skip
        works = self.pick(
            lambda a: (
                self.running(a)
                and a.document_type == DocumentType.PKS
                and bool({"1.03", "1.04", "2.11"} & set(a.urusan))
                and a.funding_amount
            ),
            2,
            prefer=lambda a: a.profile == LAGGING,
        )
        for a in works:
            self.problem(
                "Dana bagi hasil pembiayaan bersama tidak dianggarkan salah satu pihak",
                ProblemType.ANGGARAN, Severity.TINGGI, max(a.start_on, self.ago(90, 260)),
                "Porsi pembiayaan yang disepakati tidak tercantum dalam APBD salah satu pihak; pekerjaan fisik "
                "tertunda.", [a], escalation=EscalationLevel.TKKSD,
                actions=(("Menyepakati ulang jadwal dan porsi pembiayaan dalam rapat TKKSD", 45,
                          ActionStatus.TERBUKA),),
            )  # fmt: skip
        # Coordination between two kabupaten/kota (domain brief 5.1.6).
        pairs = self.pick(
            lambda a: self.running(a) and len({p.region for p in a.parties if p.region and p.region != KALTIM}) >= 2,
            3,
            prefer=lambda a: a.profile in (LAGGING, DORMANT),
        )
        for index, a in enumerate(pairs):
            self.problem(
                "Tim teknis para pihak tidak pernah bertemu sejak penandatanganan"
                if index else "Para pihak tidak menyepakati data sasaran dan jadwal pelaksanaan",
                ProblemType.KOORDINASI, Severity.KRITIS if index == 0 else Severity.TINGGI,
                max(a.start_on, self.ago(60, 240)),
                "Rapat koordinasi dua kali batal; masing-masing pihak menunggu pihak lain menyusun rencana kerja.",
                [a], escalation=EscalationLevel.TKKSD if index else EscalationLevel.GUBERNUR,
                actions=(("Menjadwalkan rapat koordinasi difasilitasi Biro Pemerintahan dan Otonomi Daerah", 30,
                          ActionStatus.TERBUKA),),
                is_public=index != 2,
            )  # fmt: skip
        # Signatures: the Kaltim–Jawa Timur PKS still unsigned since 2022 (domain brief 4.3, 5.1.7).
        unsigned = [
            a
            for a in self.agreements
            if a.signed_on is None and a.stage == Stage.PENANDATANGANAN and a.parent_id in self.by_pk
            and "35" in self.by_pk[a.parent_id].regions()
        ]  # fmt: skip
        if unsigned:
            self.problem(
                "Tanda tangan pihak Pemerintah Provinsi Jawa Timur atas PKS turunan belum diperoleh",
                ProblemType.TANDA_TANGAN, Severity.TINGGI, d(2022, 8, 12),
                "Naskah telah disepakati dan ditandatangani pihak Kalimantan Timur; penandatanganan pihak Jawa "
                "Timur tertunda sejak 2022.", unsigned, status=ProblemStatus.DITANGANI,
                escalation=EscalationLevel.GUBERNUR, region="35",
                actions=(("Menyurati Sekretariat Daerah Provinsi Jawa Timur untuk penjadwalan tanda tangan", 30,
                          ActionStatus.SELESAI),
                         ("Mengagendakan penandatanganan pada kunjungan kerja berikutnya", 1200, ActionStatus.TERBUKA)),
            )  # fmt: skip
        # Documents (medium: a concern, not a block) on agreements with nothing recorded.
        for a in self.pick(lambda a: a.profile == NONE and self.in_force_live(a) and a.stage == Stage.PELAKSANAAN, 2):
            self.problem(
                "Kerangka acuan kerja dan rencana kerja belum disusun",
                ProblemType.DOKUMEN, Severity.SEDANG, max(a.signed_on, self.ago(30, 120)),
                "Perangkat daerah pemrakarsa belum menyampaikan KAK dan rencana kerja kepada TKKSD.", [a],
                actions=(("Menyampaikan KAK dan rencana kerja kepada TKKSD", 30, ActionStatus.TERBUKA),),
            )  # fmt: skip
        # Resolved ones: a budget problem settled last year, and those that ended in termination.
        settled = self.pick(lambda a: self.running(a) and a.profile == ACTIVE and (day - a.start_on).days > 500, 2)
        for a in settled:
            opened = max(a.start_on, self.ago(330, 480))
            self.problem(
                "Pencairan anggaran kegiatan tertunda karena perubahan nomenklatur perangkat daerah",
                ProblemType.ANGGARAN, Severity.SEDANG, opened,
                "Dokumen pelaksanaan anggaran disesuaikan dengan nomenklatur baru; kegiatan kembali berjalan.", [a],
                status=ProblemStatus.SELESAI, resolved=opened + dt.timedelta(days=rng.randint(40, 90)),
            )  # fmt: skip
        for a in self.agreements:
            if a.profile != STOPPED or a.terminated_on is None:
                continue
            opened = max(a.start_on, a.terminated_on - dt.timedelta(days=rng.randint(90, 200)))
            if "anggaran" in a.ended_note:
                title, problem_type = "Anggaran pelaksanaan tidak tersedia pada tahun berjalan", ProblemType.ANGGARAN
            elif "kewajiban" in a.ended_note:
                title, problem_type = "Mitra tidak melaksanakan kewajiban sesuai perjanjian", ProblemType.KOORDINASI
            else:
                continue
            self.problem(
                title, problem_type, Severity.TINGGI, opened,
                "Kegiatan tidak dapat dilanjutkan; para pihak sepakat mengakhiri kerja sama.", [a],
                status=ProblemStatus.SELESAI, resolved=a.terminated_on, escalation=EscalationLevel.TKKSD,
            )  # fmt: skip

    def boundary_links(self) -> None:
        """Link running agreements between the regions of each REAL unsettled boundary segment to it."""
        segments = Problem.objects.filter(source=Source.REFERENSI, problem_type=ProblemType.BATAS_WILAYAH).order_by(
            "pk"
        )
        for problem in segments.prefetch_related("related_regions"):
            codes = sorted(region.pk for region in problem.related_regions.all()) or [problem.region_id]
            codes = [code for code in codes if code]
            if not codes:
                continue

            live = self.in_force_live
            if len(codes) >= 2:
                found = [a for a in self.agreements if live(a) and set(codes) <= a.regions()]
            else:
                found = [
                    a
                    for a in self.agreements
                    if live(a) and codes[0] in a.regions() and set(a.urusan) & set(BOUNDARY_URUSAN)
                ]
            if not found:
                found = [
                    a
                    for a in self.agreements
                    if live(a) and a.regions() & set(codes) and set(a.urusan) & set(BOUNDARY_URUSAN)
                ]
            sensitive = [a for a in found if set(a.urusan) & set(BOUNDARY_URUSAN)]
            chosen = self.rng.sample(sensitive or found, min(2 if len(codes) >= 2 else 1, len(sensitive or found)))
            names = "–".join(KALTIM_SHORT.get(code, code) for code in codes)
            for a in sorted(chosen, key=lambda item: item.pk):
                self.real_links.append((problem.pk, a.pk))
                note = f"Terkait permasalahan nyata (data referensi): segmen batas {names} belum ditetapkan."
                self.notes[a.pk] = f"{self.notes[a.pk]} {note}" if a.pk in self.notes else note


# Writing -------------------------------------------------------------------------------------------


def remove_demo_monitoring() -> int:
    """Delete the monitoring of the demo agreements and the synthetic problems; returns the rows removed.

    The demo agreements' monitoring rows also go with the agreements themselves (cascade); REAL problems
    stay, only their links to demo agreements go.
    """
    demo = Agreement.objects.filter(source=Source.SINTETIS).values("pk")
    removed = 0
    for model in (Activity, ImplementationReport, Indicator, Evaluation, ReportingPeriod, ReportingSchedule):
        removed += model.objects.filter(agreement__in=demo).delete()[0]
    removed += Problem.agreements.through.objects.filter(agreement__in=demo).delete()[0]
    removed += Problem.objects.filter(source=Source.SINTETIS).delete()[0]
    return removed


def _log(planner: _Planner, seed: int) -> None:
    """Change-log entries for what was written, as the services write them (related to the agreement)."""
    from kerjasama.core import changelog
    from kerjasama.core.changelog import snapshot_fields
    from kerjasama.core.choices import ChangeAction

    message = _change_message(seed)
    stand_ins: dict[int, Agreement] = {}

    def agreement(pk: int) -> Agreement:
        if pk not in stand_ins:
            stand_ins[pk] = Agreement(pk=pk)
        return stand_ins[pk]

    entries = []
    for level in planner.activities:
        entries += [changelog.ChangeEntry(row, ChangeAction.CREATE, after=row.snapshot(), related=agreement(
            row.agreement_id), message=message) for row in level]  # fmt: skip
    for schedule, parties in planner.schedules:
        after = snapshot_fields(schedule, ("agreement", "frequency", "first_period_start", "due_days"))
        after["parties"] = sorted(parties)
        entries.append(
            changelog.ChangeEntry(
                schedule, ChangeAction.CREATE, after=after, related=agreement(schedule.agreement_id), message=message
            )
        )
    for rows in (planner.reports, planner.indicators, planner.evaluations):
        entries += [changelog.ChangeEntry(row, ChangeAction.CREATE, after=row.snapshot(), related=agreement(
            row.agreement_id), message=message) for row in rows]  # fmt: skip
    for value in planner.values:
        entries.append(
            changelog.ChangeEntry(
                value,
                ChangeAction.CREATE,
                after=value.snapshot(),
                related=agreement(value.indicator.agreement_id),
                message=message,
            )
        )
    for problem, pks, regions in planner.problems:
        after = snapshot_fields(problem, _problem_fields())
        after["agreements"], after["related_regions"] = sorted(pks), sorted(regions)
        entries.append(changelog.ChangeEntry(problem, ChangeAction.CREATE, after=after, message=message))
    for action in planner.actions:
        related = agreement(action.evaluation.agreement_id) if action.evaluation is not None else action.problem
        entries.append(
            changelog.ChangeEntry(
                action, ChangeAction.CREATE, after=action.snapshot(), related=related, message=message
            )
        )
    changelog.log_changes(entries)


def _problem_fields() -> tuple[str, ...]:
    from kerjasama.monitoring.models import SNAPSHOT_FIELDS

    return SNAPSHOT_FIELDS["problem"]


def _update_agreements(planner: _Planner, seed: int) -> None:
    """The few changes to demo agreements: DPRD approval found needed, and notes on links to real problems."""
    from kerjasama.agreements.services import snapshot
    from kerjasama.core import changelog
    from kerjasama.core.choices import ChangeAction

    pks = sorted(set(planner.dprd) | set(planner.notes))
    if not pks:
        return
    message = _change_message(seed)
    agreements = Agreement.objects.filter(pk__in=pks).prefetch_related(
        "urusan", "service_types", "service_areas", "parties__pihak"
    )
    entries, changed = [], []
    for item in agreements.order_by("pk"):
        before = snapshot(item)
        why = []
        if item.pk in planner.dprd:
            item.dprd_approval_required = True
            why.append("Hasil monev TKKSD: kerja sama ini memerlukan persetujuan DPRD")
        if item.pk in planner.notes:
            note = f" {planner.notes[item.pk]}"
            item.source_note = item.source_note[: max(0, 300 - len(note))] + note
            why.append("Dikaitkan dengan permasalahan nyata")
        changed.append(item)
        reason = _marked(f"{'; '.join(why)}. {message}.")
        entries.append(
            changelog.ChangeEntry(item, ChangeAction.UPDATE, before=before, after=snapshot(item), message=reason)
        )
    Agreement.objects.bulk_update(changed, ["dprd_approval_required", "source_note"])
    changelog.log_changes(entries)


def _write(planner: _Planner) -> None:
    """Bulk-insert the planned rows, parents before children."""
    Activity.objects.bulk_create(planner.activities[0], batch_size=1000)
    Activity.objects.bulk_create(planner.activities[1], batch_size=1000)
    ReportingSchedule.objects.bulk_create([schedule for schedule, _parties in planner.schedules], batch_size=1000)
    Through = ReportingSchedule.parties.through
    Through.objects.bulk_create(
        [Through(reportingschedule_id=schedule.pk, pihak_id=pk) for schedule, parties in planner.schedules
         for pk in parties],
        batch_size=2000,
    )  # fmt: skip
    ReportingPeriod.objects.bulk_create(planner.periods, batch_size=2000)
    ImplementationReport.objects.bulk_create(planner.reports, batch_size=1000)
    Indicator.objects.bulk_create(planner.indicators, batch_size=1000)
    IndicatorValue.objects.bulk_create(planner.values, batch_size=2000)
    Evaluation.objects.bulk_create(planner.evaluations, batch_size=1000)
    Problem.objects.bulk_create([problem for problem, _pks, _regions in planner.problems])
    FollowUpAction.objects.bulk_create(planner.actions, batch_size=1000)
    Links = Problem.agreements.through
    links = [Links(problem_id=problem.pk, agreement_id=pk) for problem, pks, _regions in planner.problems for pk in pks]
    links += [Links(problem_id=problem_id, agreement_id=pk) for problem_id, pk in planner.real_links]
    Links.objects.bulk_create(links)
    Regions = Problem.related_regions.through
    Regions.objects.bulk_create(
        [Regions(problem_id=problem.pk, region_id=code) for problem, _pks, regions in planner.problems
         for code in regions]
    )  # fmt: skip


def _log_real_links(planner: _Planner, seed: int) -> None:
    """The real problems' links to demo agreements, logged on the problem (its only change)."""
    from kerjasama.core import changelog
    from kerjasama.core.choices import ChangeAction

    added: dict[int, list[int]] = defaultdict(list)
    for problem_id, pk in planner.real_links:
        added[problem_id].append(pk)
    entries = []
    for problem in Problem.objects.filter(pk__in=sorted(added)).prefetch_related("agreements", "related_regions"):
        after = problem.snapshot()
        before = {**after, "agreements": sorted(set(after["agreements"]) - set(added[problem.pk]))}
        entries.append(
            changelog.ChangeEntry(
                problem, ChangeAction.UPDATE, before=before, after=after,
                message=_marked(f"Dikaitkan dengan kerja sama demo. {_change_message(seed)}"),
            )
        )  # fmt: skip
    changelog.log_changes(entries)


def summarise(day: dt.date | None = None) -> MonitoringSummary:
    """Counts of the demo's monitoring and the health of the demo agreements on ``day`` (default the reference date)."""
    from kerjasama.monitoring import health, scores

    day = day or reference_date()
    demo = Agreement.objects.filter(source=Source.SINTETIS)
    flags = health.evaluate(day, demo)
    flagged = {flag.agreement_id for flag in flags}
    found = scores.scores(day, demo)
    # Healthy: running (in force, stage still live), scoring at least 50 and without any flag.
    running = demo.in_force_on(day).exclude(stage__in=FINAL).values_list("pk", flat=True)
    healthy = sum(1 for pk in running if pk in found and found[pk].score >= 50 and pk not in flagged)
    return MonitoringSummary(
        reference_date=day,
        agreements_with_plan=Activity.objects.filter(agreement__in=demo).values("agreement").distinct().count(),
        activities=Activity.objects.filter(agreement__in=demo).count(),
        schedules=ReportingSchedule.objects.filter(agreement__in=demo).count(),
        periods=ReportingPeriod.objects.filter(agreement__in=demo).count(),
        reports=ImplementationReport.objects.filter(agreement__in=demo).count(),
        indicators=Indicator.objects.filter(agreement__in=demo).count(),
        values=IndicatorValue.objects.filter(indicator__agreement__in=demo).count(),
        evaluations=Evaluation.objects.filter(agreement__in=demo).count(),
        actions=FollowUpAction.objects.filter(
            Q(evaluation__agreement__in=demo) | Q(problem__source=Source.SINTETIS)
        ).count(),
        problems=Problem.objects.filter(source=Source.SINTETIS).count(),
        real_problem_links=Problem.agreements.through.objects.filter(
            agreement__in=demo, problem__source=Source.REFERENSI
        ).count(),
        dprd_missing_added=0,
        flags=dict(sorted(Counter(flag.rule for flag in flags).items())),
        flagged_agreements=len(flagged),
        healthy=healthy,
    )


def build_demo_monitoring(seed: int = DEFAULT_SEED) -> MonitoringSummary:
    """Build the monitoring of the demo agreements for ``seed`` in one transaction, replacing earlier demo monitoring.

    Call it after :func:`kerjasama.agreements.demo.build_demo` (the ``demo`` command does, in the same
    transaction): the draw depends on the agreements, so the same seed gives the same monitoring.
    """
    day = reference_date()
    with transaction.atomic():
        removed = remove_demo_monitoring()
        planner = _Planner(seed, day, _load(day))
        planner.plan()
        _write(planner)
        _log(planner, seed)
        _log_real_links(planner, seed)
        _update_agreements(planner, seed)
        summary = summarise(day)
    summary.removed = removed
    summary.dprd_missing_added = len(planner.dprd)
    return summary
