"""Cached aggregates and conditional pages, both keyed by the change log's high-water mark.

Every writer of the register (services, imports, the demo, monitoring and access) records what it
changed in :class:`~kerjasama.core.models.ObjectChange`, in the same transaction. The id of the
newest entry therefore changes with every committed change and never otherwise, which makes it a
data version that costs one primary-key lookup to read:

- :func:`cached` keeps an aggregate (dashboard counts, scores roll-ups, network, facet counts)
  under a key holding that mark, so a change makes every older entry unreachable at once, in every
  process (each gunicorn worker reads the mark from the shared database; the cache itself may be
  per process). Nothing has to be deleted when data change.
- :class:`ConditionalPageMixin` gives public pages an ``ETag`` and ``Last-Modified`` from the same
  mark, answers ``304 Not Modified`` before rendering anything, sets ``Cache-Control``, and keeps
  the rendered page of anonymous visitors under its ETag (the page cache): the next anonymous
  visitor asking for the same page in the same language on the same data gets it without a query
  beyond the mark.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache as default_cache
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from kerjasama.core.api.conditional import (
    change_log_mark,
    etag_of,
    latest,
    query_key,
    set_validators,
    start_of_today,
    timestamp,
    visibility_key,
)

T = TypeVar("T")

# An entry outlives its data version at most this long (the mark makes it unreachable at once;
# the timeout only returns the memory).
TIMEOUT = 6 * 3600
# Seconds a browser may reuse an anonymous page before asking again (it then gets a cheap 304).
PAGE_MAX_AGE = 60


def data_version(mark: tuple[int, dt.datetime | None] | None = None) -> str:
    """The id and time of the newest change-log entry: changes with every committed change of the register.

    The time is part of it because SQLite hands out the id of a rolled-back entry again. Pass the
    ``mark`` (:func:`change_log_mark`) when the caller has just read it.
    """
    mark_id, mark_time = mark if mark is not None else change_log_mark()
    return f"{mark_id}:{mark_time.isoformat() if mark_time else ''}"


def cached(
    name: str,
    compute: Callable[[], T],
    *key: object,
    timeout: int = TIMEOUT,
    mark: tuple[int, dt.datetime | None] | None = None,
) -> T:
    """``compute()``, kept until the register changes: keyed by ``name``, ``key``, the language and the data version.

    Pass in ``key`` everything else the result depends on (the day, the user's visibility...).
    The language is part of the key because results may hold translated labels. ``mark`` is the
    change-log mark when the caller has already read it in this request.
    """
    parts = "\x1f".join(str(part) for part in (name, *key, translation.get_language(), data_version(mark)))
    cache_key = "aggregate:" + hashlib.sha256(parts.encode()).hexdigest()
    value = default_cache.get(cache_key)
    if value is None:
        value = compute()
        default_cache.set(cache_key, value, timeout)
    return value


class ConditionalPageMixin:
    """ETag, Last-Modified, Cache-Control, 304 answers and a page cache for a public Django page (GET, HEAD).

    The ETag covers the path and query, the language, who is asking (what they may see differs),
    whether htmx asks for a fragment, today's date when ``date_dependent`` (validity changes at
    midnight) and the data version; it is computed before the page is rendered, so a revalidation
    costs one query. Anonymous visitors may reuse a page for ``PAGE_MAX_AGE`` seconds in their own
    browser; signed-in users always revalidate.

    Page cache: an anonymous visitor's page is kept under its ETag, unless rendering it asked for a
    CSRF token (the page holds a form of the visitor's own) or set a cookie. A request with pending
    flash messages is rendered in full and never cached, so that the messages are shown once.
    """

    date_dependent: bool = True

    def page_validators(self, request) -> tuple[str, dt.datetime | None]:
        """The page's ETag and Last-Modified."""
        mark_id, mark_time = change_log_mark()
        query = query_key(request.GET)
        today = timezone.localdate() if self.date_dependent else ""
        etag = etag_of(
            request.path,
            query,
            translation.get_language(),
            visibility_key(request.user),
            today,
            request.headers.get("HX-Request", ""),
            mark_id,
            mark_time.isoformat() if mark_time else "",
            weak=True,
        )
        return etag, latest(mark_time, start_of_today() if self.date_dependent else None)

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _has_messages(request):
            return super().dispatch(request, *args, **kwargs)
        etag, last_modified = self.page_validators(request)
        answer = get_conditional_response(request, etag=etag, last_modified=timestamp(last_modified))
        anonymous = not request.user.is_authenticated
        if answer is None and anonymous:
            answer = _cached_page(etag)
        if answer is None:
            answer = super().dispatch(request, *args, **kwargs)
            if answer.status_code != 200:
                return answer
            if anonymous:
                _keep_page(request, answer, etag)
        set_validators(answer, etag, last_modified)
        if request.user.is_authenticated:
            patch_cache_control(answer, private=True, no_cache=True)
        else:
            patch_cache_control(answer, private=True, max_age=PAGE_MAX_AGE)
        patch_vary_headers(answer, ("Cookie",))
        return answer


def _page_key(etag: str) -> str:
    return "page:" + etag


def _cached_page(etag: str) -> HttpResponse | None:
    stored = default_cache.get(_page_key(etag))
    if stored is None:
        return None
    content, content_type, vary = stored
    response = HttpResponse(content, content_type=content_type)
    if vary:
        response.headers["Vary"] = vary
    return response


def _keep_page(request, response, etag: str) -> None:
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.streaming or response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return  # a page with a token or a cookie of this visitor's own is not for the next one
    stored = (response.content, response.headers.get("Content-Type"), response.headers.get("Vary", ""))
    default_cache.set(_page_key(etag), stored, TIMEOUT)


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    # Peek without consuming: the messages stay for the page that shows them.
    return bool(getattr(storage, "_queued_messages", None)) or bool(storage._loaded_messages)
