"""Conditional GET for the API: ``ETag``, ``Last-Modified``, ``Cache-Control`` and 304 answers.

Harvesters poll the same URLs again and again; a 304 costs them and us next to nothing. The rules
(also in docs/open-data.md, "Syncing"):

- **Lists of a viewset with ``last_modified_field``** (agreements) get a weak ETag computed *before*
  the page is serialized, from: the path and the whole query string (page, page_size, filters), who
  is asking (anonymous, or the user with role and party: what they may see differs), the negotiated
  format and the language, the day the answer describes (``?on=`` or today: validity and days left
  change at midnight), the number of rows that match and their latest ``updated_at``, and the
  change-log high-water mark (the id of the newest :class:`~kerjasama.core.models.ObjectChange`).
  The count and the latest ``updated_at`` are kept until the register changes (``_totals``, through
  :func:`kerjasama.core.cache.cached`, keyed by the newest change-log entry like every aggregate).
  The count catches rows leaving or joining the list; ``updated_at`` catches edits of the rows,
  including their parties (the services rewrite the parties and save the agreement in one
  transaction); the change log catches what lies in other rows yet shows in these ones: a parent
  agreement's title, a partner's new name, a row made non-public or archived. On a match the list
  answers 304 without being serialized, and its count is reused by the paginator.
- **Every other GET answer** (details, actions, lists of reference data) gets a strong ETag: the
  SHA-256 of the rendered body. Always exact; it saves the transfer, not the work.
- ``Last-Modified`` (only where ``last_modified_field`` is set): the latest of the rows'
  ``updated_at``, the newest change-log entry and, when the answer depends on today, the start of
  today. It is never earlier than a change that shows in the answer, and one-second coarse: use the
  ETag. Reference data keeps no modification time, so it gets no Last-Modified rather than a guess.
- ``Cache-Control``: ``public, max-age=60`` for anonymous requests (everyone gets the same answer),
  ``private, no-cache`` for signed-in users (only their browser may keep it, and must revalidate);
  ``Vary: Accept, Authorization, Cookie`` so shared caches never mix the two.
"""

import datetime as dt
import hashlib
from calendar import timegm

from django.db.models import Count, Max
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from kerjasama.core.models import ObjectChange
from kerjasama.users.roles import actor_for

# Seconds a shared cache may reuse an anonymous answer without asking again.
PUBLIC_MAX_AGE = 60
# Query parameters that change which rows a list page shows but not how many match, nor the latest change.
NOT_COUNTED = ("page", "page_size", "ordering", "format")
SAFE = ("GET", "HEAD")


def visibility_key(user) -> str:
    """Who is asking, as far as it decides what the answer contains."""
    actor = actor_for(user)
    if actor.is_anonymous:
        return "anonymous"
    return f"user:{user.pk}:{actor.role}:{actor.pihak_id or ''}"


def change_log_mark() -> tuple[int, dt.datetime | None]:
    """The id and time of the newest change-log entry (one primary-key lookup), or ``(0, None)``."""
    row = ObjectChange.objects.order_by("-pk").values_list("pk", "time").first()
    return row if row is not None else (0, None)


def query_key(params, leave_out: tuple[str, ...] = ()) -> list[tuple[str, list[str]]]:
    """A request's query parameters in a stable order (for ETags and cache keys), less ``leave_out``."""
    return sorted((key, sorted(values)) for key, values in params.lists() if key not in leave_out)


def start_of_today() -> dt.datetime:
    """Midnight of today in the site's time zone (answers that depend on today change then)."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


def latest(*moments: dt.datetime | None) -> dt.datetime | None:
    """The latest of the given times, ignoring blanks."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def timestamp(moment: dt.datetime | None) -> int | None:
    """Seconds since the epoch, as ``get_conditional_response`` compares them."""
    return timegm(moment.utctimetuple()) if moment is not None else None


def etag_of(*parts: object, weak: bool = False) -> str:
    """A quoted ETag from ``parts`` (``W/`` prefixed when weak)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:40]
    return f'{"W/" if weak else ""}"{digest}"'


def set_validators(response, etag: str | None, last_modified: dt.datetime | None) -> None:
    """Put ``ETag`` and ``Last-Modified`` on ``response``."""
    if etag:
        response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(timestamp(last_modified))


def set_cache_headers(request, response, public: bool | None = None) -> None:
    """``Cache-Control`` for anonymous (public) or signed-in (private) readers, and ``Vary``."""
    if public is None:
        public = actor_for(getattr(request, "user", None)).is_anonymous
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))


class ConditionalGetMixin:
    """ETag, Last-Modified, Cache-Control and 304 answers for a DRF viewset (rules: module docstring).

    Set ``last_modified_field`` (e.g. ``"updated_at"``) to get cheap list ETags and Last-Modified;
    set ``date_dependent`` when answers change with today's date (``?on=`` then pins the day).
    """

    last_modified_field: str | None = None
    date_dependent: bool = False

    def _depends_on_today(self) -> bool:
        return self.date_dependent and not self.request.query_params.get("on")

    def _last_modified(self, rows_latest: dt.datetime | None, mark_time: dt.datetime | None) -> dt.datetime | None:
        today = start_of_today() if self._depends_on_today() else None
        return latest(rows_latest, mark_time, today)

    def list(self, request, *args, **kwargs):
        if self.last_modified_field is None or request.method not in SAFE:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        mark_id, mark_time = mark = change_log_mark()
        totals = self._totals(queryset, mark)
        query = query_key(request.query_params)
        renderer = getattr(request, "accepted_renderer", None)
        etag = etag_of(
            request.path,
            query,
            visibility_key(request.user),
            getattr(renderer, "format", ""),
            translation.get_language(),
            timezone.localdate() if self._depends_on_today() else "",
            totals["count"],
            totals["last"].isoformat() if totals["last"] else "",
            mark_id,
            weak=True,
        )
        last_modified = self._last_modified(totals["last"], mark_time)
        self._validators = (etag, last_modified)
        probe = HttpResponse()
        set_validators(probe, etag, last_modified)
        set_cache_headers(request, probe)
        answer = get_conditional_response(request, etag=etag, last_modified=timestamp(last_modified), response=probe)
        if answer is not probe:
            return answer  # 304: nothing serialized
        self._known_count = totals["count"]
        self._filtered = queryset  # the list below filters again otherwise: a FilterSet and its form per call
        return super().list(request, *args, **kwargs)

    def _totals(self, queryset, mark: tuple[int, dt.datetime | None]) -> dict:
        """How many rows match and their latest modification, kept until the register changes.

        Counting is the dearest part of a filtered list (it finds every matching row, where the page
        needs 50); a reader paging through the results or many visitors asking for the same public
        filter get it from the cache, keyed like the list's facet counts: the filters (the page,
        its size and the order change nothing here), who is asking and the day.
        """
        from kerjasama.core.cache import cached  # core.cache builds on this module

        return cached(
            f"api-list-totals:{self.request.path}",
            lambda: queryset.order_by().aggregate(count=Count("pk"), last=Max(self.last_modified_field)),
            query_key(self.request.query_params, NOT_COUNTED),
            visibility_key(self.request.user),
            timezone.localdate() if self._depends_on_today() else "",
            mark=mark,
        )

    def filter_queryset(self, queryset):
        filtered = getattr(self, "_filtered", None)
        return filtered if filtered is not None else super().filter_queryset(queryset)

    def paginate_queryset(self, queryset):
        known = getattr(self, "_known_count", None)
        if known is not None:
            queryset.known_count = known  # read by core.api.pagination.CountedPaginator
        return super().paginate_queryset(queryset)

    def get_object(self):
        obj = super().get_object()
        self._object = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in SAFE or response.status_code != 200:
            return response
        etag, last_modified = getattr(self, "_validators", (None, None))
        if etag is None:
            if not callable(getattr(response, "render", None)):
                return response  # not a serializer's answer (a file, a stream): left as it is
            response.render()
            etag = etag_of(hashlib.sha256(response.content).hexdigest())
            obj = getattr(self, "_object", None)
            if self.last_modified_field and obj is not None:
                last_modified = self._last_modified(getattr(obj, self.last_modified_field), change_log_mark()[1])
        set_validators(response, etag, last_modified)
        set_cache_headers(request, response)
        return get_conditional_response(request, etag=etag, last_modified=timestamp(last_modified), response=response)
