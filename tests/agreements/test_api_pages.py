"""Pages of the agreement list read in two steps (keys, then rows by key) equal pages read at once.

PostgreSQL reads a page's keys first (``core.api.pagination.CountedPaginator``: its signing-date
index covers what the filters test); SQLite reads whole rows at once. Both ways are forced here on
whichever database runs the suite, over the demo register, and must give the same bytes.
"""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from kerjasama.core.api import pagination
from tests.builders import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

QUERIES = (
    "",
    "page=2",
    "page_size=7&page=5",
    "urusan=1.02&validity=berlaku&on=2025-11-18&page_size=50",
    "region=64.02&year=2024&page_size=50",
    "region=64&page_size=100&page=3",
    "ordering=title&page_size=30&page=2",
    "ordering=-end_on&page_size=25",
    "ordering=id&page_size=500",
    "ordering=id&page_size=500&page=2",
    "q=samboja",
    "validity=kedaluwarsa&on=2025-11-18&page_size=10&page=2",
)


def pages(client: APIClient, two_steps: bool, monkeypatch) -> dict[str, bytes]:
    monkeypatch.setattr(connection.features, "supports_covering_indexes", two_steps)
    answers = {}
    for query in QUERIES:
        response = client.get(f"/api/agreements/?{query}")
        assert response.status_code == 200, (query, response.content[:300])
        answers[query] = response.content
    return answers


@pytest.mark.parametrize("reader", ["anonymous", "operator", "admin"])
def test_two_step_pages_equal_one_step_pages(reader, monkeypatch):
    client = APIClient()
    if reader == "operator":
        client.force_authenticate(make_user("op-pages", "operator_wilayah", "64.02"))
    elif reader == "admin":
        client.force_authenticate(make_user("admin-pages", "admin"))
    steps = []
    original = pagination._in_order
    monkeypatch.setattr(pagination, "_in_order", lambda keys, rows: steps.append(len(keys)) or original(keys, rows))

    at_once = pages(client, False, monkeypatch)
    assert steps == []
    in_two_steps = pages(client, True, monkeypatch)
    assert len(steps) == len(QUERIES) and sum(steps) > 500  # every page went through the keys

    for query in QUERIES:
        assert in_two_steps[query] == at_once[query], query


def test_a_row_gone_between_the_two_steps_is_left_out(monkeypatch):
    monkeypatch.setattr(connection.features, "supports_covering_indexes", True)
    client = APIClient()
    whole = client.get("/api/agreements/?page_size=5").json()
    first = whole["results"][0]["id"]
    real = pagination._in_order

    def without_the_first(keys, rows):
        return real(keys, {key: row for key, row in rows.items() if key != first})

    monkeypatch.setattr(pagination, "_in_order", without_the_first)
    thinner = client.get("/api/agreements/?page_size=5").json()
    assert [row["id"] for row in thinner["results"]] == [row["id"] for row in whole["results"]][1:]
    assert thinner["count"] == whole["count"]
