"""API pagination: page-number pages that always carry ``count``."""

from collections.abc import Callable, Iterable

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class CountedPaginator(Paginator):
    """A paginator that reuses a count already taken (``queryset.known_count``, set by
    :class:`~kerjasama.core.api.conditional.ConditionalGetMixin`) instead of counting again.

    With ``queryset.rows_by_key`` (a function from keys to ``{key: row}``, set by a view) and a
    database with covering indexes, a page is read in two steps: first the keys of its rows, in the
    list's order, then those rows by key. An index that holds the order and every column the filters
    test (PostgreSQL's ``INCLUDE``) then serves the first step alone, where reading whole rows made
    the database visit the table for every row it passed over. A row removed between the two steps
    is left out of the page.
    """

    @cached_property
    def count(self) -> int:
        known = getattr(self.object_list, "known_count", None)
        return known if known is not None else Paginator.count.func(self)

    def page(self, number):
        rows_by_key: Callable[[list], dict] | None = getattr(self.object_list, "rows_by_key", None)
        if rows_by_key is None or not connections[self.object_list.db].features.supports_covering_indexes:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list[bottom:top].values_list("pk", flat=True))
        return self._get_page(_in_order(keys, rows_by_key(keys)), number, self)


def _in_order(keys: Iterable, rows: dict) -> list:
    return [rows[key] for key in keys if key in rows]


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 500); responses carry count, next, previous, results.

    ``next`` and ``previous`` repeat the request's other parameters, so a harvester that asks for a
    stable order (``?ordering=id``) walks every row once by following them.
    """

    django_paginator_class = CountedPaginator
    page_size_query_param = "page_size"
    max_page_size = 500
