"""Facets of the agreement list: how many of the current results fall under each filter value.

Convention: counts are *within the current results*. Every facet is counted on the list as it is
filtered now (restricted to what the user may see, every active filter and the search text
included), so a count never promises more rows than clicking would show for a value that narrows
further; a single-valued facet's other values count the results that also involve them.

Counting is set-based: a few grouped queries over the filtered agreements, their parties and their
urusan links, whatever the number of values. The counts are kept as plain data by
:func:`kerjasama.core.cache.cached` until the register changes, keyed by the filter values, the
validity day and who is asking (different users see different rows).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, Model, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Substr
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_filters.constants import EMPTY_VALUES

from kerjasama.agreements.choices import Category, DocumentType, Stage, Validity
from kerjasama.agreements.filtersets import PARTNER_TYPE_CHOICES, REGIONS_ONLY, AgreementFilterSet
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.api.conditional import visibility_key
from kerjasama.core.cache import cached
from kerjasama.regions.choices import RegionLevel
from kerjasama.regions.models import Region, Urusan, within_code

KALTIM = "64"
# Filters of which several values may be chosen at once: their facet values toggle.
MULTIPLE = ("category", "document_type", "stage")
# Filters that do not change which agreements are listed, so they stay out of the cache key.
NOT_COUNTED = ("ordering",)
# How many values a long facet shows before the rest is folded away.
URUSAN_SHOWN = 8
YEARS_SHOWN = 8


# Counting ----------------------------------------------------------------------------------------


# The choice fields counted in one pass over the agreements (validity is added on the day asked for).
CHOICE_FACETS = (("category", Category), ("document_type", DocumentType), ("stage", Stage))


def _grouped(rows) -> dict[str, int]:
    """``{value: count}`` from ``(value, count)`` rows, with values as strings (the query string's form)."""
    return {str(value): count for value, count in rows if value is not None and count}


def _agreement_counts(base: QuerySet, day: dt.date) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and the counts per category, document type, stage and validity: one pass, no sorting.

    Each value is a filtered count of its own; grouping by the fields instead would make SQLite sort
    every row, once per field.
    """
    slots: list[tuple[str, str]] = []
    aggregates = {"total": Count("pk")}
    for name, choices in (*CHOICE_FACETS, ("validity", Validity)):
        for value in choices.values:
            aggregates[f"c{len(slots)}"] = Count("pk", filter=Q(**{name: value}))
            slots.append((name, value))
    row = base.with_validity(day).aggregate(**aggregates)
    counts: dict[str, dict[str, int]] = {name: {} for name in ("category", "document_type", "stage", "validity")}
    for index, (name, value) in enumerate(slots):
        if row[f"c{index}"]:
            counts[name][value] = row[f"c{index}"]
    return row["total"], counts


def _party_counts(ids: QuerySet, total: int) -> tuple[dict[str, int], dict[str, int]]:
    """Counts per region and per partner type, from the parties of the agreements ``ids``: two passes.

    An agreement counts once for each province, each Kaltim kabupaten/kota and each partner type among
    its parties, including parties inside a region (``involving_region``: 64 includes 64.02).
    """
    parties = AgreementParty.objects.filter(agreement__in=ids)
    region = "pihak__region__code"
    # One group per party kind: a partner's type, a Kaltim kabupaten/kota (one party each), or another
    # province (its own and its kabupaten/kota's parties: hence the distinct count).
    key = Case(
        When(pihak__partner__isnull=False, then=Concat(Value("type:"), "pihak__partner__partner_type")),
        When(**{f"{region}__startswith": KALTIM + "."}, then=Substr(region, 1, len(KALTIM) + 3)),
        default=Substr(region, 1, len(KALTIM)),
        output_field=CharField(),
    )
    grouped = parties.annotate(key=key).values_list("key").annotate(count=Count("agreement_id", distinct=True))
    regions: dict[str, int] = {}
    partner_types: dict[str, int] = {}
    for value, count in grouped.order_by():
        if value is None or not count:
            continue
        if value.startswith("type:"):
            partner_types[value.removeprefix("type:")] = count
        else:
            regions[value] = count
    # Kaltim as a whole (its province government or any of its kabupaten/kota) and agreements with any
    # partner cut across those groups: counted apart, in one more pass.
    row = parties.aggregate(
        kaltim=Count("agreement_id", distinct=True, filter=within_code(KALTIM, region)),
        with_partner=Count("agreement_id", distinct=True, filter=Q(pihak__partner__isnull=False)),
    )
    regions.pop(KALTIM, None)
    if row["kaltim"]:
        regions[KALTIM] = row["kaltim"]
    if total - row["with_partner"]:
        partner_types[REGIONS_ONLY] = total - row["with_partner"]
    return regions, partner_types


def count_facets(queryset: QuerySet, day: dt.date) -> dict:
    """The facet counts of ``queryset`` (already restricted and filtered) as plain data.

    ``{"total": n, "counts": {facet: {value: n}}, "names": {"region": {code: name}, "urusan": {code: name}}}``;
    values are the filter's query-string values; validity is judged on ``day``.
    """
    base = queryset.order_by()
    ids = base.values("pk")
    total, counts = _agreement_counts(base, day)

    # Per signing day, added up per year here: the database reads the days in index order, where
    # grouping by the year itself would make it sort every row (as ``stats.by_year``).
    years: Counter[int] = Counter()
    per_day = base.filter(signed_on__isnull=False).values_list("signed_on").annotate(count=Count("pk"))
    for day_signed, count in per_day.order_by("signed_on"):
        years[day_signed.year] += count
    counts["year"] = _grouped(years.items())

    counts["region"], counts["partner_type"] = _party_counts(ids, total)

    # An agreement has each urusan once (the link table is unique), so links count agreements.
    links = Agreement.urusan.through.objects.filter(agreement__in=ids)
    per_urusan = dict(links.values_list("urusan_id").annotate(count=Count("pk")).order_by())
    urusan_rows = list(Urusan.objects.order_by().values_list("pk", "code", "name"))
    counts["urusan"] = _grouped((code, per_urusan.get(pk, 0)) for pk, code, _name in urusan_rows)

    regions = Region.objects.filter(Q(level=RegionLevel.PROVINSI) | Q(parent_id=KALTIM)).order_by("code")
    names = {
        "region": dict(regions.values_list("code", "name")),
        "urusan": {code: name for _pk, code, name in urusan_rows},
    }
    return {"total": total, "counts": counts, "names": names}


def cache_key(filterset: AgreementFilterSet) -> str:
    """The filter values that decide which agreements are listed, normalized (order, blanks, spelling).

    Taken from the validated values, so ``year=2025`` and ``year=2025.0`` share an entry and an
    unreadable value (ignored by the filter) does not make one.
    """
    cleaned = getattr(filterset.form, "cleaned_data", None) or {}
    parts = []
    for name in sorted(filterset.filters):
        value = cleaned.get(name)
        if name in NOT_COUNTED or value in EMPTY_VALUES:
            continue
        if isinstance(value, Model):
            value = value.pk
        elif isinstance(value, (list, tuple)):
            value = ",".join(sorted(str(item) for item in value))
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")  # 2024 and 2024.0 are one year
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        parts.append(f"{name}={value}")
    return "&".join(parts)


def facet_counts(filterset: AgreementFilterSet, user, day: dt.date) -> dict:
    """:func:`count_facets` of the filterset's agreements, cached until the register changes."""
    queryset = filterset.qs  # validates the filters first: the key is made of their cleaned values
    return cached(
        "agreement-facets",
        lambda: count_facets(queryset, day),
        cache_key(filterset),
        day.isoformat(),
        visibility_key(user),
    )


# Presentation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetItem:
    """One value of a facet: its label, count, whether it is an active filter and the link that toggles it."""

    value: str
    label: str
    count: int
    active: bool
    url: str
    spoken_count: str = ""  # "12 agreements", for screen readers (the figure alone says nothing)


@dataclass
class Facet:
    """A facet: the filter it sets, a title, the values shown and the values folded away under ``more_label``."""

    name: str
    title: str
    items: list[FacetItem] = field(default_factory=list)
    more: list[FacetItem] = field(default_factory=list)
    more_label: str = ""

    @property
    def more_active(self) -> bool:
        """Whether an active value is folded away (the fold then opens)."""
        return any(item.active for item in self.more)


class FacetLinks:
    """Links of the list with one filter value added, replaced or removed, the other filters kept."""

    def __init__(self, path: str, data: QueryDict, active: dict[str, set[str]]):
        self.path = path
        self.data = data.copy()
        self.data.pop("page", None)  # another filter, another first page
        self.active = active

    def item(self, name: str, value: str, label: str, count: int) -> FacetItem:
        """The facet value with its link: toggled for multiple-value filters, set or removed otherwise."""
        active = value in self.active.get(name, set())
        query = self.data.copy()
        if name in MULTIPLE:
            chosen = [chosen for chosen in query.getlist(name) if chosen and chosen != value]
            query.setlist(name, chosen if active else [*chosen, value])
        elif active:
            query.pop(name, None)
        else:
            query[name] = value
        for key in [key for key, values in query.lists() if not any(values)]:
            del query[key]
        encoded = query.urlencode()
        url = f"{self.path}?{encoded}" if encoded else self.path
        spoken = ngettext("%(counter)s agreement", "%(counter)s agreements", count) % {"counter": count}
        return FacetItem(value, label, count, active, url, spoken)


def active_values(filterset: AgreementFilterSet) -> dict[str, set[str]]:
    """The facet filters in effect, as query-string values (unreadable values are ignored by the filter too)."""
    cleaned = getattr(filterset.form, "cleaned_data", None) or {}
    active: dict[str, set[str]] = {}
    for name in ("region", "partner_type", "urusan", "validity", "year", *MULTIPLE):
        value = cleaned.get(name)
        if value in EMPTY_VALUES:
            continue
        if name in MULTIPLE:
            active[name] = {str(item) for item in value}
        elif name == "urusan":
            active[name] = {value.code}
        elif name == "year":
            active[name] = {str(int(value))}
        else:
            active[name] = {str(value).strip()}
    return active


def _choice_facet(name: str, title: str, choices, counts: dict[str, int], links: FacetLinks) -> Facet:
    facet = Facet(name, title)
    for value, label in choices:
        count = counts.get(value, 0)
        if count or value in links.active.get(name, set()):
            facet.items.append(links.item(name, value, str(label), count))
    return facet


def _region_facet(data: dict, links: FacetLinks, title: str) -> Facet:
    counts, names = data["counts"]["region"], data["names"]["region"]
    facet = Facet("region", title, more_label=_("Other provinces"))
    active = links.active.get("region", set())
    for code, name in names.items():
        if code != KALTIM and not code.startswith(KALTIM + "."):
            continue
        label = _("Province of %(name)s") % {"name": name} if code == KALTIM else name
        if counts.get(code) or code in active:
            facet.items.append(links.item("region", code, label, counts.get(code, 0)))
    others = [
        links.item("region", code, name, counts.get(code, 0))
        for code, name in names.items()
        if "." not in code and code != KALTIM and (counts.get(code) or code in active)
    ]
    facet.more = sorted(others, key=lambda item: (-item.count, item.label))
    # A region the lists do not offer (a kecamatan, a kabupaten elsewhere) may still be the filter:
    # every result involves it, so it counts them all.
    for code in active - set(names):
        region = Region.objects.filter(code=code).values_list("name", flat=True).first()
        facet.items.insert(0, links.item("region", code, region or code, data["total"]))
    return facet


def _folded(facet: Facet, shown: int) -> Facet:
    """Fold away the values after the first ``shown``, but keep active ones in view."""
    head, tail = facet.items[:shown], facet.items[shown:]
    facet.items = head + [item for item in tail if item.active]
    facet.more = [item for item in tail if not item.active]
    return facet


def build_facets(data: dict, filterset: AgreementFilterSet, query: QueryDict, path: str) -> list[Facet]:
    """The facets to show, from :func:`facet_counts` data; values without results are left out unless active."""
    links = FacetLinks(path, query, active_values(filterset))
    counts = data["counts"]
    facets = [
        _region_facet(data, links, _("Region")),
        _choice_facet("partner_type", _("Partner type"), PARTNER_TYPE_CHOICES, counts["partner_type"], links),
    ]
    urusan = sorted(data["names"]["urusan"].items(), key=lambda row: (-counts["urusan"].get(row[0], 0), row[1]))
    urusan_facet = _choice_facet("urusan", _("Urusan"), urusan, counts["urusan"], links)
    urusan_facet.more_label = _("More urusan")
    facets.append(_folded(urusan_facet, URUSAN_SHOWN))
    facets += [
        _choice_facet("category", _("Category"), Category.choices, counts["category"], links),
        _choice_facet("document_type", _("Document type"), DocumentType.choices, counts["document_type"], links),
        _choice_facet("stage", _("Stage"), Stage.choices, counts["stage"], links),
        _choice_facet("validity", _("Validity"), Validity.choices, counts["validity"], links),
    ]
    known_years = set(counts["year"]) | links.active.get("year", set())
    years = [(year, year) for year in sorted(known_years, key=int, reverse=True)]
    year_facet = _choice_facet("year", _("Year signed"), years, counts["year"], links)
    year_facet.more_label = _("Earlier years")
    facets.append(_folded(year_facet, YEARS_SHOWN))
    return [facet for facet in facets if facet.items or facet.more]
