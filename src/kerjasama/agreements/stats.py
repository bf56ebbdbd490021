"""Counts of agreements for the start page, the API and (later) the dashboard.

Counts cover every registered, non-archived agreement, public or not: an aggregate reveals no
agreement's content, and Biro POD publishes such totals (208 agreements up to 18 Nov 2025).
"""

from collections import Counter

from django.db.models import Count, Exists, OuterRef, QuerySet

from kerjasama.agreements.choices import Category
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.regions.choices import PartnerType
from kerjasama.regions.models import Urusan


def counted(queryset: QuerySet | None = None) -> QuerySet:
    """The agreements that statistics count: not archived."""
    return (queryset if queryset is not None else Agreement.objects.all()).filter(archived_at__isnull=True)


def by_year(queryset: QuerySet | None = None) -> list[dict]:
    """``[{"year": 2025, "count": 208}, ...]`` by signing year, oldest first."""
    # Counted per signing day, which the database reads in index order, then added up per year
    # here: grouping by the year itself makes SQLite sort 100,000 rows (a few thousand days are
    # cheaper to add up than that).
    per_day = (
        counted(queryset)
        .filter(signed_on__isnull=False)
        .values_list("signed_on")
        .annotate(count=Count("id"))
        .order_by("signed_on")
    )
    years: Counter[int] = Counter()
    for day, count in per_day:
        years[day.year] += count
    return [{"year": year, "count": count} for year, count in sorted(years.items())]


def by_category(queryset: QuerySet | None = None) -> list[dict]:
    """Counts per category (KSDD, KSDPK, KSDLN)."""
    counts = dict(counted(queryset).values_list("category").annotate(count=Count("id")).order_by())
    return [{"key": value, "label": str(label), "count": counts.get(value, 0)} for value, label in Category.choices]


def by_urusan(queryset: QuerySet | None = None) -> list[dict]:
    """Counts per urusan (an agreement with two urusan counts in both), largest first."""
    links = Agreement.urusan.through.objects.filter(agreement__in=counted(queryset).values("pk"))
    counts = dict(links.values_list("urusan_id").annotate(count=Count("id")).order_by())
    rows = [
        {"key": code, "label": name, "count": counts.get(pk, 0)}
        for pk, code, name in Urusan.objects.values_list("pk", "code", "name")
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["key"]))


def by_partner_type(queryset: QuerySet | None = None) -> list[dict]:
    """Agreements with at least one partner of each type, plus those between regions only."""
    base = counted(queryset)
    parties = AgreementParty.objects.filter(agreement__in=base.values("pk"), pihak__partner__isnull=False)
    counts = dict(
        parties.values_list("pihak__partner__partner_type")
        .annotate(count=Count("agreement_id", distinct=True))
        .order_by()
    )
    any_partner = AgreementParty.objects.filter(agreement=OuterRef("pk"), pihak__partner__isnull=False)
    regions_only = base.exclude(Exists(any_partner)).count()
    rows = [{"key": "antar_daerah", "label": "Antar daerah", "count": regions_only}]
    rows += [{"key": value, "label": str(label), "count": counts.get(value, 0)} for value, label in PartnerType.choices]
    return rows
