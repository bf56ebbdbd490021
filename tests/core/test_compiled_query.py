"""core.db.CompiledQuery: a values_list query compiled once and run again with other values."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from kerjasama.agreements.models import Agreement
from kerjasama.core.db import CompiledQuery
from tests.builders import make_agreement

pytestmark = pytest.mark.django_db

STAND_IN_DAY = dt.date(1111, 11, 11)


def signed_since(day: dt.date, lowest: int):
    return (
        Agreement.objects.filter(signed_on__gte=day, pk__gte=lowest, archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "signed_on", "is_public", "title")
    )


def test_rows_equal_the_orm_rows_for_every_value_with_dates_and_flags_converted():
    made = [
        make_agreement(title=f"Uji {index}", signed_on=dt.date(2024, 1 + index, 10), is_public=index % 2 == 0)
        for index in range(5)
    ]
    query = CompiledQuery(signed_since, day=STAND_IN_DAY, lowest=-1_000_001)
    for day in (dt.date(2023, 1, 1), dt.date(2024, 3, 10), dt.date(2024, 5, 11), dt.date(2030, 1, 1)):
        for lowest in (0, made[1].pk, made[-1].pk + 1):
            got = query.rows(day=day, lowest=lowest)
            assert got == list(signed_since(day, lowest))
    rows = query.rows(day=dt.date(2024, 1, 1), lowest=made[0].pk)
    assert [type(value) for value in rows[0][1:3]] == [dt.date, bool]
    assert len(rows) == 5


def test_a_stand_in_that_is_no_parameter_is_refused():
    with pytest.raises(ImproperlyConfigured, match="not parameters"):
        CompiledQuery(lambda day, lowest: signed_since(day, 0), day=STAND_IN_DAY, lowest=-1_000_001)


def test_two_stand_ins_with_one_value_are_refused():
    with pytest.raises(ImproperlyConfigured, match="share"):
        CompiledQuery(
            lambda lowest, highest: Agreement.objects.filter(pk__gte=lowest, pk__lte=highest).values_list("pk"),
            lowest=-1_000_001,
            highest=-1_000_001,
        )
