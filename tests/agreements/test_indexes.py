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


def test_the_signing_date_index_leads_with_the_date_and_id_and_covers_the_list_filters_where_it_can():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Agreement._meta.db_table)
    index = constraints["agreements_signed_cover_idx"]
    assert index["columns"][:2] == ["signed_on", "id"]
    if connection.features.supports_covering_indexes:
        # The INCLUDE columns: what validity on a day, archive and the public flag read.
        assert set(index["columns"][2:]) == {"archived_at", "is_public", "start_on", "end_on", "terminated_on"}
    else:
        assert index["columns"] == ["signed_on", "id"]
    assert ["signed_on"] not in index_columns(Agreement)  # the old single-column index is gone
