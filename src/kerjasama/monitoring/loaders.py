"""Real monitoring reference data: the unsettled boundary segments of Kaltim, loaded by ``kerjasama setup``."""

import csv
import datetime as dt
from pathlib import Path

from django.db import transaction

from kerjasama.core.choices import Source
from kerjasama.monitoring.choices import ProblemStatus, ProblemType, Severity
from kerjasama.monitoring.models import Problem

DATA_DIR = Path(__file__).resolve().parent / "data"
# The day Biro POD reported the six segments as unsettled (FKP 2025).
REPORTED_ON = dt.date(2025, 11, 18)


@transaction.atomic
def load_boundary_segments() -> int:
    """The six boundary segments still unsettled on 18 Nov 2025, as open problems (idempotent by title)."""
    with (DATA_DIR / "segmen_batas.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        facts = {
            "problem_type": ProblemType.BATAS_WILAYAH,
            "severity": Severity.TINGGI,
            "description": f"Tahap: {row['tahap']}. Batas daerah menentukan kewenangan dan tanggung jawab layanan.",
            "region_id": row["wilayah"],
            "opened_on": REPORTED_ON,
            "is_public": True,
            "source_note": row["sumber"],
        }
        # Status and escalation are set only when the record is made, so later handling is kept.
        problem, _created = Problem.objects.update_or_create(
            title=row["judul"],
            source=Source.REFERENSI,
            create_defaults={**facts, "status": ProblemStatus.TERBUKA, "escalation_level": row["tingkat_eskalasi"]},
            defaults=facts,
        )
        problem.related_regions.set([code for code in (row["wilayah"], row["wilayah_lain"]) if code])
    return len(rows)
