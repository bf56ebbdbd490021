"""The public portal's figures: headline, dashboard charts, cooperation network and region pages.

Every function computes from the register on a reference day and returns plain data (numbers,
strings, lists), so that :func:`kerjasama.core.cache.cached` can keep it until the register changes.
The views call the ``cached_*`` wrappers; tests call the plain functions.

Counts cover every registered agreement that is not archived, public or not, as
:mod:`kerjasama.agreements.stats` does: an aggregate reveals no agreement's content. Lists of
agreements (region pages) show only what the visitor may see.
"""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from kerjasama.access.gaps import find_gaps
from kerjasama.agreements import stats
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.cache import cached
from kerjasama.monitoring.health import default_as_of, evaluate
from kerjasama.monitoring.scores import rollups, scores
from kerjasama.regions.models import Pihak, Region, ServiceType

KALTIM = "64"
PREVIOUS_YEARS = 5  # the headline compares this year with the mean of this many years before
TIMES_WORDS = {
    2: gettext_noop("twice"),
    3: gettext_noop("three times"),
    4: gettext_noop("four times"),
    5: gettext_noop("five times"),
    6: gettext_noop("six times"),
    7: gettext_noop("seven times"),
    8: gettext_noop("eight times"),
    9: gettext_noop("nine times"),
    10: gettext_noop("ten times"),
}


def reference_day() -> tuple[dt.date, bool]:
    """The day the portal describes and whether it is the synthetic demo's day (see ``default_as_of``).

    Cached: on a demo-only register, telling that every row is synthetic reads them all.
    """

    def compute() -> tuple[dt.date, bool]:
        default = default_as_of()
        return default.day, default.demo

    return cached("portal.reference_day", compute, timezone.localdate())


def kaltim_regions() -> list[tuple[str, str]]:
    """``(code, name)`` of the province and its kabupaten/kota, the province first."""
    rows = Region.objects.filter(Q(code=KALTIM) | Q(parent_id=KALTIM)).order_by("code").values_list("code", "name")
    return [(code, _("Province of %(name)s") % {"name": name} if code == KALTIM else name) for code, name in rows]


# Headline -------------------------------------------------------------------------------------------


@dataclass
class Headline:
    """This year's signings to ``day`` against the mean of the full years before."""

    day: str  # ISO date
    year: int
    count: int
    previous: list[dict] = field(default_factory=list)  # [{"year": 2020, "count": 41}, ...]
    mean: float | None = None
    ratio: float | None = None
    sentence: str = ""
    comparison: str = ""


def _times(ratio: float) -> str:
    whole = min(int(math.floor(ratio)), max(TIMES_WORDS))
    return _(TIMES_WORDS[whole])


def compare_with_mean(ratio: float) -> str:
    """How a count compares with a mean, in words ("more than twice the mean", "12% below the mean")."""
    if ratio >= 2:
        return _("more than %(times)s the mean") % {"times": _times(ratio)}
    if ratio >= 1.05:
        return _("%(percent)s%% above the mean") % {"percent": round((ratio - 1) * 100)}
    if ratio > 0.95:
        return _("about the mean")
    return _("%(percent)s%% below the mean") % {"percent": round((1 - ratio) * 100)}


def headline(day: dt.date) -> Headline:
    """The agreements signed in ``day``'s year up to ``day``, compared with the mean of the five full years before."""
    per_year = {row["year"]: row["count"] for row in stats.by_year(Agreement.objects.filter(signed_on__lte=day))}
    result = Headline(day=day.isoformat(), year=day.year, count=per_year.get(day.year, 0))
    years = range(day.year - PREVIOUS_YEARS, day.year)
    result.previous = [{"year": year, "count": per_year.get(year, 0)} for year in years]
    recorded = [row for row in result.previous if row["count"]]
    count_words = ngettext(
        "%(count)s agreement signed up to %(day)s",
        "%(count)s agreements signed up to %(day)s",
        result.count,
    ) % {"count": formats.number_format(result.count, force_grouping=True), "day": formats.date_format(day, "j F Y")}
    if recorded:
        # Years before the register's first record count as zero only when a later one has records:
        # a register that starts in 2022 should not halve its mean with two empty years.
        first = recorded[0]["year"]
        counted_years = [row for row in result.previous if row["year"] >= first]
        result.mean = sum(row["count"] for row in counted_years) / len(counted_years)
        result.ratio = result.count / result.mean if result.mean else None
    if result.ratio is not None:
        result.comparison = compare_with_mean(result.ratio)
        result.sentence = _("%(count_words)s, %(comparison)s of %(first)s–%(last)s (%(mean)s a year).") % {
            "count_words": count_words,
            "comparison": result.comparison,
            "first": counted_years[0]["year"],
            "last": counted_years[-1]["year"],
            "mean": formats.number_format(round(result.mean), force_grouping=True),
        }
    else:
        result.sentence = _("%(count_words)s.") % {"count_words": count_words}
    return result


# Dashboard charts -------------------------------------------------------------------------------------


def dashboard(day: dt.date) -> dict:
    """The data of the home page's charts and tables on ``day`` (plain data for JSON)."""
    counted = Agreement.objects.filter(signed_on__lte=day) | Agreement.objects.filter(signed_on__isnull=True)
    by_year = stats.by_year(counted)
    urusan = [row for row in stats.by_urusan(counted) if row["count"]]  # all of them: "other" would hide most
    partner_types = stats.by_partner_type(counted)
    for row in partner_types:
        if row["key"] == "antar_daerah":
            row["label"] = _("Between regions only")

    results = scores(day)
    signed_year = dict(Agreement.objects.filter(pk__in=list(results)).values_list("pk", "signed_on"))
    per_year: dict[int, Counter] = defaultdict(Counter)
    for pk, score in results.items():
        year = signed_year[pk].year
        per_year[year]["signed"] += 1
        per_year[year]["in_force"] += score.in_force
        per_year[year]["implemented"] += score.implemented
    implementation = [{"year": year, **per_year[year]} for year in sorted(per_year)]

    regions = dict(kaltim_regions())
    region_rows = [row for row in rollups("region", day) if row["key"] in regions]
    for row in region_rows:
        row["label"] = regions[row["key"]]
    return {
        "by_year": by_year,
        "by_urusan": urusan,
        "by_partner_type": partner_types,
        "by_region": region_rows,
        "implementation": implementation,
        "totals": {
            "registered": stats.counted(counted).count(),
            "signed": len(results),
            "in_force": sum(1 for score in results.values() if score.in_force),
            "implemented": sum(1 for score in results.values() if score.implemented),
            "in_force_implemented": sum(1 for score in results.values() if score.in_force and score.implemented),
        },
    }


# Cooperation network ----------------------------------------------------------------------------------


def _offset(seed: int, index: int, radius: float = 0.18) -> tuple[float, float]:
    # Partners seated in the same town would sit on one spot: spread them on a small ring around it.
    angle = (seed * 0.618 + index * 2.399) % (2 * math.pi)
    return radius * math.sin(angle), radius * math.cos(angle)


def network(day: dt.date) -> dict:
    """Regions and partners as nodes, agreements as links between every two of their parties.

    A node sits at its region's centre; a partner at its seat's centre, spread on a small ring (the
    register keeps no street address). Partners without a seat are nodes without a position: they
    are listed, not drawn. Counted: agreements signed by ``day`` and not archived.
    """
    agreements = stats.counted(Agreement.objects.filter(signed_on__lte=day))
    parties = (
        AgreementParty.objects.filter(agreement__in=agreements.values("pk"))
        .order_by("agreement_id", "pihak_id")
        .values_list("agreement_id", "pihak_id")
    )
    by_agreement: dict[int, list[int]] = defaultdict(list)
    for agreement_id, pihak_id in parties:
        if pihak_id not in by_agreement[agreement_id]:
            by_agreement[agreement_id].append(pihak_id)
    links: Counter[tuple[int, int]] = Counter()
    agreements_of: Counter[int] = Counter()
    for members in by_agreement.values():
        for pihak_id in members:
            agreements_of[pihak_id] += 1
        for first_index, first in enumerate(members):
            for second in members[first_index + 1 :]:
                links[(min(first, second), max(first, second))] += 1

    rows = Pihak.objects.filter(pk__in=list(agreements_of)).values_list(
        "pk",
        "name",
        "region_id",
        "region__level",
        "region__lat",
        "region__lon",
        "partner__partner_type",
        "partner__short_name",
        "partner__region__lat",
        "partner__region__lon",
    )
    nodes = []
    seated: Counter[tuple[float, float]] = Counter()
    counterparts: dict[int, set[int]] = defaultdict(set)
    for first, second in links:
        counterparts[first].add(second)
        counterparts[second].add(first)
    for pk, name, code, level, lat, lon, partner_type, short_name, seat_lat, seat_lon in rows:
        node = {
            "id": pk,
            "name": name,
            "short_name": short_name or "",
            "kind": "region" if code else "partner",
            "code": code or "",
            "level": level or "",
            "partner_type": partner_type or "",
            "agreements": agreements_of[pk],
            "counterparts": len(counterparts[pk]),
            "lat": lat,
            "lon": lon,
            "in_kaltim": bool(code) and (code == KALTIM or code.startswith(KALTIM + ".")),
        }
        if not code and seat_lat is not None:
            index = seated[(seat_lat, seat_lon)]
            seated[(seat_lat, seat_lon)] += 1
            d_lat, d_lon = _offset(pk, index)
            node["lat"], node["lon"] = round(seat_lat + d_lat, 5), round(seat_lon + d_lon, 5)
        nodes.append(node)
    nodes.sort(key=lambda node: (-node["agreements"], node["name"]))
    return {
        "nodes": nodes,
        "links": [
            {"source": first, "target": second, "agreements": count}
            for (first, second), count in sorted(links.items(), key=lambda item: (-item[1], item[0]))
        ],
        "agreements": len(by_agreement),
    }


def connectedness(network_data: dict) -> list[dict]:
    """Kaltim's province and kabupaten/kota ranked by how many distinct parties they cooperate with."""
    by_code = {node["code"]: node for node in network_data["nodes"] if node["kind"] == "region"}
    rows = []
    for code, name in kaltim_regions():
        node = by_code.get(code)
        rows.append(
            {
                "code": code,
                "name": name,
                "counterparts": node["counterparts"] if node else 0,
                "agreements": node["agreements"] if node else 0,
            }
        )
    rows.sort(key=lambda row: (-row["counterparts"], -row["agreements"], row["code"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


# Region pages ----------------------------------------------------------------------------------------


def region_summary(code: str, day: dt.date) -> dict:
    """A Kaltim region's cooperation on ``day``: counts, partners, health flags and service-access gaps."""
    involving = stats.counted(Agreement.objects.involving_region(code))
    signed = involving.filter(signed_on__lte=day)
    rollup = next((row for row in rollups("region", day, signed) if row["key"] == code), None)

    partners: Counter[int] = Counter()
    inside = Q(region_id=code) | Q(region__code__startswith=code + ".")
    own = set(Pihak.objects.filter(inside).values_list("pk", flat=True))
    for pihak_id in AgreementParty.objects.filter(agreement__in=signed.values("pk")).values_list("pihak_id", flat=True):
        if pihak_id not in own:
            partners[pihak_id] += 1
    known = {
        pk: (name, kind)
        for pk, name, kind in Pihak.objects.filter(pk__in=list(partners)).values_list("pk", "name", "kind")
    }
    partner_rows = [
        {"id": pk, "name": known[pk][0], "kind": known[pk][1], "agreements": count}
        for pk, count in sorted(partners.items(), key=lambda item: (-item[1], known[item[0]][0]))
    ]

    flags: Counter[tuple[str, str]] = Counter()
    flagged: set[int] = set()
    for flag in evaluate(day, signed):
        flags[(flag.rule, flag.rule_label)] += 1
        flagged.add(flag.agreement_id)

    gaps = []
    for service, service_name in ServiceType.objects.order_by("code").values_list("code", "name"):
        report = find_gaps(service, day, within=code)
        best = report.candidates[0] if report.candidates else None
        gaps.append(
            {
                "service": service,
                "name": service_name,
                "points": report.points,
                "desa_checked": report.desa_checked,
                "desa_with_gap": report.desa_with_gap,
                "candidates": len(report.candidates),
                "best": None
                if best is None
                else {
                    "provider": best.provider_name,
                    "desa": best.desa_count,
                    "saved_km": round(best.saved_km_total, 1),
                },
            }
        )
    return {
        "code": code,
        "agreements": involving.count(),
        "signed": rollup["signed"] if rollup else 0,
        "in_force": rollup["in_force"] if rollup else 0,
        "implemented": rollup["implemented"] if rollup else 0,
        "mean_score": rollup["mean_score"] if rollup else None,
        "flagged": len(flagged),
        "flags": [
            {"rule": rule, "label": label, "count": count}
            for (rule, label), count in sorted(flags.items(), key=lambda item: (-item[1], item[0]))
        ],
        "partners": partner_rows,
        "gaps": gaps,
    }


def region_index(day: dt.date) -> list[dict]:
    """Every Kaltim kabupaten/kota (and the province) with its counts, for the region list."""
    rows = {row["key"]: row for row in rollups("region", day)}
    regions = dict(kaltim_regions())
    facts = {
        code: (level, population)
        for code, level, population in Region.objects.filter(code__in=list(regions)).values_list(
            "code", "level", "population"
        )
    }
    result = []
    for code, name in regions.items():
        row = rows.get(code, {})
        level, population = facts[code]
        result.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "population": population,
                "signed": row.get("signed", 0),
                "in_force": row.get("in_force", 0),
                "implemented": row.get("implemented", 0),
                "mean_score": row.get("mean_score"),
            }
        )
    return result


# Cached wrappers (what the views call) -----------------------------------------------------------------


def cached_headline(day: dt.date) -> dict:
    """:func:`headline` as plain data, kept until the register changes."""
    return cached("portal.headline", lambda: asdict(headline(day)), day)


def cached_dashboard(day: dt.date) -> dict:
    """:func:`dashboard`, kept until the register changes."""
    return cached("portal.dashboard", lambda: dashboard(day), day)


def cached_network(day: dt.date) -> dict:
    """:func:`network` with the :func:`connectedness` table, kept until the register changes."""

    def compute() -> dict:
        data = network(day)
        data["ranking"] = connectedness(data)
        return data

    return cached("portal.network", compute, day)


def cached_region_summary(code: str, day: dt.date) -> dict:
    """:func:`region_summary`, kept until the register changes."""
    return cached("portal.region", lambda: region_summary(code, day), code, day)


def cached_region_index(day: dt.date) -> list[dict]:
    """:func:`region_index`, kept until the register changes."""
    return cached("portal.regions", lambda: region_index(day), day)
