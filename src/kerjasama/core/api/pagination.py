"""API pagination: page-number pages that always carry ``count``."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class CountedPaginator(Paginator):
    """A paginator that reuses a count already taken (``queryset.known_count``, set by
    :class:`~kerjasama.core.api.conditional.ConditionalGetMixin`) instead of counting again."""

    @cached_property
    def count(self) -> int:
        known = getattr(self.object_list, "known_count", None)
        return known if known is not None else Paginator.count.func(self)


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 500); responses carry count, next, previous, results.

    ``next`` and ``previous`` repeat the request's other parameters, so a harvester that asks for a
    stable order (``?ordering=id``) walks every row once by following them.
    """

    django_paginator_class = CountedPaginator
    page_size_query_param = "page_size"
    max_page_size = 500
