"""A small register for the report tests: every kind of agreement the report counts, made through the services."""

import datetime as dt
from dataclasses import dataclass

from kerjasama.agreements.choices import ChangeKind, DocumentType, Stage
from kerjasama.core.choices import Source
from kerjasama.monitoring.choices import ActionStatus, ProblemStatus, ProblemType, Severity
from kerjasama.monitoring.models import Activity, FollowUpAction, Problem
from tests.builders import make_agreement

START = dt.date(2025, 1, 1)
END = dt.date(2025, 11, 18)


@dataclass
class Register:
    """The agreements made, by what they stand for in the period ``START``–``END``."""

    in_force: object  # signed in the period, implemented
    addendum: object  # signed in the period, amends ``in_force``
    expired: object  # ended in the period by its end date, stage still pelaksanaan
    terminated: object  # ended in the period by termination
    expiring: object  # signed in the period, ends within 90 days after END
    dormant: object  # signed long before, nothing recorded (Kukar–Samarinda)
    draft: object  # not signed
    problem: Problem


def build_register(synthetic: bool = False) -> Register:
    """Seven agreements, one open problem with a follow-up action; ``synthetic`` marks one agreement as demo data."""
    in_force = make_agreement(title="PKS layanan adminduk Balikpapan", signed_on=dt.date(2025, 3, 1))
    Activity.objects.create(
        agreement=in_force, title="Pelayanan bersama", progress=60, last_progress_on=dt.date(2025, 10, 1)
    )
    addendum = make_agreement(
        title="Adendum PKS layanan adminduk",
        document_type=DocumentType.ADENDUM,
        signed_on=dt.date(2025, 8, 1),
        amends_id=in_force.pk,
        change_kind=ChangeKind.ADENDUM,
    )
    expired = make_agreement(
        title="PKS pelatihan aparatur Samarinda",
        parties=("Pemprov Kaltim", "Kota Samarinda"),
        urusan=("2.16",),
        signed_on=dt.date(2023, 5, 1),
        end_on=dt.date(2025, 6, 30),
    )
    terminated = make_agreement(
        title="PKS jalan perbatasan Kutai Barat",
        parties=("Pemprov Kaltim", "Kabupaten Kutai Barat"),
        urusan=("1.03",),
        signed_on=dt.date(2023, 2, 1),
        end_on=dt.date(2026, 1, 31),
        terminated_on=dt.date(2025, 4, 30),
        stage=Stage.DIAKHIRI,
    )
    expiring = make_agreement(
        title="PKS promosi wisata Bontang",
        parties=("Pemprov Kaltim", "Kota Bontang"),
        urusan=("3.26",),
        signed_on=dt.date(2025, 10, 1),
        end_on=dt.date(2026, 1, 15),
        source=Source.SINTETIS if synthetic else Source.INPUT,
    )
    dormant = make_agreement(
        title="KB pelayanan kesehatan Kukar Samarinda",
        document_type=DocumentType.KB,
        parties=("Kabupaten Kutai Kartanegara", "Kota Samarinda"),
        urusan=("1.02",),
        signed_on=dt.date(2022, 6, 1),
        end_on=dt.date(2027, 5, 31),
    )
    draft = make_agreement(
        title="Rancangan PKS air minum",
        parties=("Pemprov Kaltim", "Kabupaten Paser"),
        signed_on=None,
        end_on=None,
        stage=Stage.PERSIAPAN,
        numbered=False,
    )
    problem = Problem.objects.create(
        title="Lahan layanan belum dibebaskan",
        problem_type=ProblemType.PERTANAHAN,
        severity=Severity.TINGGI,
        region_id="64.71",
        status=ProblemStatus.DITANGANI,
        opened_on=dt.date(2025, 9, 1),
    )
    problem.agreements.add(in_force)
    FollowUpAction.objects.create(
        problem=problem, description="Rapat koordinasi pembebasan lahan", due_on=dt.date(2025, 10, 15)
    )
    FollowUpAction.objects.create(
        problem=problem,
        description="Surat ke BPN",
        due_on=dt.date(2025, 9, 30),
        status=ActionStatus.SELESAI,
        done_on=dt.date(2025, 9, 20),
    )
    return Register(in_force, addendum, expired, terminated, expiring, dormant, draft, problem)
