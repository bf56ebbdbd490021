"""The agreements that open a service, read through the query compiled once, match the ORM's own answer."""

import datetime as dt

import pytest

from kerjasama.access import eligibility
from kerjasama.regions.models import Pihak, ServiceType

DAYS = (dt.date(2024, 3, 1), dt.date(2025, 12, 1), dt.date(2027, 6, 30))


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
def test_compiled_rows_equal_the_orm_rows_for_every_shape_service_region_and_day():
    region_parties = dict(
        Pihak.objects.filter(region__code__startswith="64", region__code__regex=r"^64(\.\d\d)?$").values_list(
            "region_id", "pk"
        )
    )
    province = region_parties.pop("64")
    compared = 0
    non_empty = 0
    for service_id in ServiceType.objects.values_list("pk", flat=True):
        for day in DAYS:
            shapes = [((), False)]
            for kabkota_party in region_parties.values():
                shapes += [
                    ((kabkota_party,), True),
                    ((kabkota_party, province), True),
                    ((kabkota_party, province), False),
                ]
            for parties, from_parties in shapes:
                expected = list(eligibility._openings_query(service_id, day, parties, from_parties))
                got = eligibility._opening_rows(service_id, day, parties, start_from_parties=from_parties)
                assert got == expected, (service_id, day, parties, from_parties)
                compared += 1
                non_empty += bool(expected)
    # The demo opens services in some regions and not in others: both kinds of answer were compared.
    assert non_empty > 10 and compared - non_empty > 10


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
def test_a_change_to_an_agreement_shows_in_the_next_compiled_answer():
    from kerjasama.agreements.models import Agreement

    service = ServiceType.objects.get(code="adminduk")
    day = dt.date(2025, 12, 1)
    before = {row[0] for row in eligibility._opening_rows(service.pk, day, ())}
    assert before
    ended = min(before)
    Agreement.objects.filter(pk=ended).update(terminated_on=day - dt.timedelta(days=1))
    after = {row[0] for row in eligibility._opening_rows(service.pk, day, ())}
    assert after == before - {ended}
