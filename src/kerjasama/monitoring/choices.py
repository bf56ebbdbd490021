"""Choice sets of implementation monitoring."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityStatus(models.TextChoices):
    """Where an activity of a work plan stands."""

    DIRENCANAKAN = "direncanakan", _("Planned")
    BERJALAN = "berjalan", _("Under way")
    SELESAI = "selesai", _("Done")
    TERTUNDA = "tertunda", _("Delayed")
    DIBATALKAN = "dibatalkan", _("Cancelled")


class ReportFrequency(models.TextChoices):
    """How often implementation reports are due."""

    BULANAN = "bulanan", _("Monthly")
    TRIWULANAN = "triwulanan", _("Quarterly")
    SEMESTERAN = "semesteran", _("Each semester")
    TAHUNAN = "tahunan", _("Yearly")


FREQUENCY_MONTHS = {
    ReportFrequency.BULANAN: 1,
    ReportFrequency.TRIWULANAN: 3,
    ReportFrequency.SEMESTERAN: 6,
    ReportFrequency.TAHUNAN: 12,
}


class ReportStatus(models.TextChoices):
    """Review state of an implementation report."""

    DIAJUKAN = "diajukan", _("Submitted")
    DITERIMA = "diterima", _("Accepted")
    PERLU_PERBAIKAN = "perlu_perbaikan", _("Needs revision")


class IndicatorAggregation(models.TextChoices):
    """How an indicator's values per period make its result (IATI's cumulative or not)."""

    SUM = "jumlah", _("Each period adds to the result")
    LATEST = "terakhir", _("The latest value is the result so far")


class EvaluatorKind(models.TextChoices):
    """Who evaluates: the coordination team or one of the parties."""

    TKKSD = "tkksd", _("TKKSD")
    PIHAK = "pihak", _("Party")


class Recommendation(models.TextChoices):
    """The outcome of an evaluation (as in Samarinda's SIKERJA monev)."""

    LANJUTKAN = "lanjutkan", _("Continue")
    PERLUAS = "perluas", _("Expand")
    HENTIKAN = "hentikan", _("Stop")


class ActionStatus(models.TextChoices):
    """State of a follow-up action."""

    TERBUKA = "terbuka", _("Open")
    BERJALAN = "berjalan", _("In progress")
    SELESAI = "selesai", _("Done")
    DIBATALKAN = "dibatalkan", _("Cancelled")


class ProblemType(models.TextChoices):
    """Kinds of problems that block agreements (domain.md 5.1)."""

    PERTANAHAN = "pertanahan", _("Land")
    BATAS_WILAYAH = "batas_wilayah", _("Regional boundary")
    ANGGARAN = "anggaran", _("Budget")
    KOORDINASI = "koordinasi", _("Coordination")
    TANDA_TANGAN = "tanda_tangan", _("Signatures")
    DOKUMEN = "dokumen", _("Documents")
    LAINNYA = "lainnya", _("Other")


class Severity(models.TextChoices):
    """How badly a problem blocks implementation."""

    RENDAH = "rendah", _("Low")
    SEDANG = "sedang", _("Medium")
    TINGGI = "tinggi", _("High")
    KRITIS = "kritis", _("Critical")


HIGH_SEVERITIES = (Severity.TINGGI, Severity.KRITIS)


class ProblemStatus(models.TextChoices):
    """State of a problem."""

    TERBUKA = "terbuka", _("Open")
    DITANGANI = "ditangani", _("Being handled")
    SELESAI = "selesai", _("Resolved")


OPEN_PROBLEM_STATUSES = (ProblemStatus.TERBUKA, ProblemStatus.DITANGANI)


class EscalationLevel(models.TextChoices):
    """Who is handling a problem now, from the office up to the Ministry."""

    PERANGKAT_DAERAH = "perangkat_daerah", _("Perangkat daerah")
    TKKSD = "tkksd", _("TKKSD")
    GUBERNUR = "gubernur", _("Governor")
    KEMENDAGRI = "kemendagri", _("Ministry of Home Affairs")
