"""Fixtures of the open-data tests: a small register with public, non-public, archived and synthetic records."""

import datetime as dt
from decimal import Decimal

import pytest

from kerjasama.agreements.choices import DocumentType, Stage
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import archive_agreement
from kerjasama.core.choices import Source
from kerjasama.monitoring.models import Activity, Indicator, IndicatorValue
from tests.builders import make_agreement


def add_monitoring(agreement, user, label: str) -> tuple[Activity, Indicator]:
    """A work plan of a parent activity with two parts, and an indicator with two values."""
    from tests.monitoring.recording import activity

    parent = activity(agreement, user, title=f"{label}: rencana kerja")
    activity(agreement, user, title=f"{label}: sosialisasi", parent_id=parent.pk, progress=100, status="selesai")
    activity(agreement, user, title=f"{label}: layanan", parent_id=parent.pk, progress=50, status="berjalan")
    indicator = Indicator.objects.create(
        agreement=agreement, name=f"{label}: penduduk terlayani", unit="orang", baseline=Decimal(0), target=Decimal(400)
    )
    for start, value in ((dt.date(2025, 1, 1), 100), (dt.date(2025, 7, 1), 150)):
        IndicatorValue.objects.create(
            indicator=indicator,
            period_start=start,
            period_end=start + dt.timedelta(days=180),
            value=Decimal(value),
            recorded_on=start + dt.timedelta(days=190),
        )
    return parent, indicator


class Register:
    """The agreements of the fixture, by what they are."""

    public: Agreement
    hidden: Agreement
    archived: Agreement
    synthetic: Agreement


@pytest.fixture
def register(admin_user, settings) -> Register:
    """Four agreements with work plans and indicators: public, non-public, archived and synthetic."""
    settings.KERJASAMA = {**settings.KERJASAMA, "SITE_URL": "https://data.example"}
    found = Register()
    found.public = make_agreement(
        user=admin_user,
        parties=("Pemprov Kaltim", "Kota Balikpapan", "Unmul"),
        title="PKS adminduk Balikpapan",
        funding_source="apbd_provinsi",
        funding_amount=Decimal("1500000000"),
        dprd_approval_required=False,
    )
    found.hidden = make_agreement(
        user=admin_user, parties=("Pemprov Kaltim", "Kukar"), title="Rahasia", is_public=False
    )
    found.archived = make_agreement(user=admin_user, parties=("Pemprov Kaltim", "Kota Samarinda"), title="Diarsipkan")
    found.synthetic = make_agreement(
        user=admin_user,
        parties=("Pemprov Kaltim", "Kota Bontang"),
        title="=Contoh sintetis",
        document_type=DocumentType.PKS,
        stage=Stage.PELAKSANAAN,
        source=Source.SINTETIS,
    )
    for agreement, label in (
        (found.public, "publik"),
        (found.hidden, "rahasia"),
        (found.archived, "arsip"),
        (found.synthetic, "sintetis"),
    ):
        add_monitoring(agreement, admin_user, label)
    archive_agreement(found.archived, user=admin_user)
    return found
