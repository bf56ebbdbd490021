"""Access tests start from empty in-process caches: each test's points and agreements are its own.

Modules that need the synthetic demo ask for the module-scoped ``demo`` fixture."""

import pytest

from kerjasama.access.demo import build_demo_points, demo_points
from kerjasama.access.eligibility import clear_reference_cache
from kerjasama.access.index import clear_point_index
from kerjasama.agreements.demo import build_demo, remove_demo_agreements
from kerjasama.core.choices import Source
from kerjasama.core.models import ObjectChange
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak


@pytest.fixture(autouse=True)
def fresh_access_caches():
    clear_point_index()
    clear_reference_cache()
    yield
    clear_point_index()
    clear_reference_cache()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo agreements and demo service points, removed after the module."""
    with django_db_blocker.unblock():
        offices = set(PerangkatDaerah.objects.values_list("pk", flat=True))
        last_change = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        build_demo()
        build_demo_points()
        try:
            yield
        finally:
            demo_points().delete()
            remove_demo_agreements()
            Pihak.objects.filter(partner__source=Source.SINTETIS).delete()
            Partner.objects.filter(source=Source.SINTETIS).delete()
            PerangkatDaerah.objects.exclude(pk__in=offices).delete()
            ObjectChange.objects.filter(pk__gt=last_change).delete()
