"""The link tables carry the indexes migration 0004 gives them (filters by urusan read them alone)."""

import pytest
from django.db import connection

from kerjasama.agreements.models import Agreement

pytestmark = pytest.mark.django_db


def index_columns(model) -> list[list[str]]:
    """The column lists of every index and unique constraint of ``model``'s table.

    PostgreSQL's ``..._like`` twin of a text key (for ``LIKE 'prefix%'``) is left out: it serves
    another kind of lookup than the plain indexes checked here.
    """
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        c["columns"]
        for name, c in constraints.items()
        if (c["index"] or c["unique"]) and not c["primary_key"] and not name.endswith("_like")
    ]


@pytest.mark.parametrize(
    ("relation", "column"),
    [("urusan", "urusan_id"), ("service_types", "servicetype_id"), ("service_areas", "region_id")],
)
def test_links_are_indexed_from_the_other_side_with_the_agreement(relation, column):
    columns = index_columns(getattr(Agreement, relation).through)
    assert [column, "agreement_id"] in columns
    assert ["agreement_id", column] in columns  # Django's unique pair serves lookups by agreement
    assert [column] not in columns and ["agreement_id"] not in columns  # covered by the two above
