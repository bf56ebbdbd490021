"""Fixtures shared by the agreement tests."""

import pytest

from kerjasama.agreements.demo import build_demo, remove_demo_agreements
from kerjasama.core.choices import Source
from kerjasama.core.models import ObjectChange
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo register for the default seed; everything it made is removed after the module."""
    with django_db_blocker.unblock():
        offices = set(PerangkatDaerah.objects.values_list("pk", flat=True))
        last_change = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        summary = build_demo()
        try:
            yield summary
        finally:
            remove_demo_agreements()
            Pihak.objects.filter(partner__source=Source.SINTETIS).delete()
            Partner.objects.filter(source=Source.SINTETIS).delete()
            PerangkatDaerah.objects.exclude(pk__in=offices).delete()
            ObjectChange.objects.filter(pk__gt=last_change).delete()
