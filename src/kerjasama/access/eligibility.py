"""Who may use which service point: the resident's own governments, and agreements in force.

The rule (docs/access.md, "Eligibility"):

- A resident of desa D (kecamatan K, kabupaten/kota R, province V) may use a point of service S run by
  R or by V without any agreement (``Basis.OWN_REGION``, ``Basis.PROVINCE``).
- A point run by another government P is open to the resident when an agreement that is not archived
  and is in force on the day (``AgreementQuerySet.in_force_on``) lists S among its services, has P
  as a *providing* party (service role timbal_balik or penyedia) and R or V as a *receiving* party
  (timbal_balik or penerima), and, when the agreement lists service areas, D lies in one of them (a
  listed kecamatan covers its desa; for a kecamatan asked as a whole, a listed desa does not cover it).
- A province party stands for all its territory: as a receiver it receives for every resident of its
  kabupaten/kota; as a provider it opens the points it runs itself (provincial services such as
  SMA/SMK and Samsat, a provincial hospital), never a kabupaten/kota's points, which only that
  kabupaten/kota can open.
- Facilitators and witnesses (party role fasilitator) and third-party partners neither give nor
  receive services under an agreement; they are ignored here.

Agreements are read from the database on every call: they change, and a cached answer could name an
agreement that has just been terminated.
"""

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import router
from django.db.models import Exists, OuterRef, Q, QuerySet

from kerjasama.agreements.choices import PartyRole, ServiceRole
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.db import CompiledQuery
from kerjasama.regions.models import Pihak, ServiceType

RECEIVING_ROLES = frozenset({ServiceRole.TIMBAL_BALIK, ServiceRole.PENERIMA})
PROVIDING_ROLES = frozenset({ServiceRole.TIMBAL_BALIK, ServiceRole.PENYEDIA})


def covers(area: str, code: str) -> bool:
    """Whether region ``area`` contains region ``code`` (or is it)."""
    return code == area or code.startswith(area + ".")


@dataclass(frozen=True)
class Resident:
    """Where a resident lives: a desa/kelurahan code, or a kecamatan code when the desa is not known."""

    code: str

    @property
    def kabkota(self) -> str:
        return self.code[:5]

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def home(self) -> tuple[str, str]:
        """The governments whose points the resident may use without an agreement."""
        return (self.kabkota, self.province)


@dataclass(frozen=True)
class Opening:
    """One agreement in force that opens a service: whose residents, whose points, which areas."""

    agreement_id: int
    title: str
    number: str
    is_public: bool
    signed_on: dt.date | None
    valid_until: dt.date | None  # the last day in force (end or termination date); None: open-ended
    receivers: frozenset[str]  # region codes (province or kabupaten/kota) whose residents receive
    providers: frozenset[str]  # region codes whose own points are opened
    areas: tuple[str, ...]  # when not empty, only residents of these kecamatan/desa receive

    def opens_for(self, resident: Resident) -> frozenset[str]:
        """The operators whose points this agreement opens to ``resident`` (empty when none)."""
        if not any(code in self.receivers for code in resident.home):
            return frozenset()
        if self.areas and not any(covers(area, resident.code) for area in self.areas):
            return frozenset()
        return self.providers


def openings(service: str, day: dt.date, involving: tuple[str, ...] | None = None) -> list[Opening]:
    """Agreements in force on ``day`` that open ``service``; with ``involving``, only those with a party
    among these region codes (a resident's kabupaten/kota and province).

    One or two small queries (the agreements with their parties, then the service areas of those that
    list any), read on every call: agreements change, and a cached answer could name a terminated one.
    Joins are kept few on purpose: PostgreSQL spends longer planning a six-table join than running it.
    """
    service_id = _service_ids().get(service)
    if service_id is None:
        clear_reference_cache()  # a service type added since this process remembered them
        service_id = _service_ids().get(service)
        if service_id is None:
            return []
    if involving is None:
        rows = _opening_rows(service_id, day, ())
    else:
        if any(code not in _pihak_of_region() for code in involving):
            clear_reference_cache()  # regions loaded since this process remembered their parties
        parties = tuple(pk for code in involving if (pk := _pihak_of_region().get(code)) is not None)
        if not parties:
            return []
        few = sum(_party_rows(pk) for pk in parties) <= _link_rows(service_id)
        rows = _opening_rows(service_id, day, parties, start_from_parties=few)
    regions = _region_of_pihak()
    heads: dict[int, tuple] = {}
    numbers: dict[int, list[str]] = defaultdict(list)
    receivers: dict[int, set[str]] = defaultdict(set)
    providers: dict[int, set[str]] = defaultdict(set)
    with_areas: set[int] = set()
    for pk, title, is_public, signed_on, end_on, terminated_on, pihak_id, role, service_role, number, has_areas in rows:
        heads.setdefault(pk, (title, is_public, signed_on, end_on, terminated_on))
        if has_areas:
            with_areas.add(pk)
        if pihak_id is None:
            continue
        if number:
            numbers[pk].append(number)
        region = regions.get(pihak_id) if pihak_id in regions else _region_of_new_pihak(pihak_id)
        if region is None or role == PartyRole.FASILITATOR:
            continue
        if service_role in RECEIVING_ROLES:
            receivers[pk].add(region)
        if service_role in PROVIDING_ROLES:
            providers[pk].add(region)
    if not heads:
        return []
    areas: dict[int, list[str]] = defaultdict(list)
    if with_areas:
        through = Agreement.service_areas.through.objects.filter(agreement_id__in=sorted(with_areas))
        for agreement_id, code in through.values_list("agreement_id", "region_id"):
            areas[agreement_id].append(code)
    result = []
    for pk, (title, is_public, signed_on, end_on, terminated_on) in heads.items():
        ends = [day for day in (end_on, terminated_on) if day is not None]
        result.append(
            Opening(
                agreement_id=pk,
                title=title,
                number=" / ".join(numbers[pk]),
                is_public=is_public,
                signed_on=signed_on,
                valid_until=min(ends) if ends else None,
                receivers=frozenset(receivers[pk]),
                providers=frozenset(providers[pk]),
                areas=tuple(sorted(areas[pk])),
            )
        )
    return result


def _openings_query(service_id: int, day: dt.date, parties: tuple[int, ...], start_from_parties: bool) -> QuerySet:
    """The agreements in force that open the service, one row per party (see :func:`openings`)."""
    links = Agreement.service_types.through.objects.filter(servicetype_id=service_id)
    agreements = Agreement.objects.active().in_force_on(day)
    if not parties:
        agreements = agreements.filter(pk__in=links.values("agreement_id"))
    else:
        mine = AgreementParty.objects.filter(pihak_id__in=parties)
        if start_from_parties:
            # Few agreements name the resident's governments: start from their party rows.
            agreements = agreements.filter(pk__in=mine.values("agreement_id")).filter(
                Exists(links.filter(agreement_id=OuterRef("pk")))
            )
        else:
            # A government party to many agreements (a province): start from the service's links. The party
            # test sits in an OR with an impossible key so that PostgreSQL probes it per agreement instead of
            # hashing every party row of the province first (ten times slower on a 100,000-agreement register).
            agreements = agreements.filter(pk__in=links.values("agreement_id")).filter(
                Q(Exists(mine.filter(agreement_id=OuterRef("pk")))) | Q(pk=0)
            )
    # Whether an agreement lists service areas rides along, so the areas are only asked for when some do.
    area_links = Agreement.service_areas.through.objects.filter(agreement_id=OuterRef("pk"))
    return (
        agreements.annotate(has_areas=Exists(area_links))
        .order_by("pk", "parties__order")
        .values_list(
            "pk",
            "title",
            "is_public",
            "signed_on",
            "end_on",
            "terminated_on",
            "parties__pihak_id",
            "parties__role",
            "parties__service_role",
            "parties__number",
            "has_areas",
        )
    )


# Stand-ins for compiling the query once per shape (no key is negative, no agreement runs in 1111).
_STAND_IN_DAY = dt.date(1111, 11, 11)
_STAND_IN_SERVICE = -1_000_001
_compiled: dict[tuple[str, int, bool], CompiledQuery] = {}


def _opening_rows(
    service_id: int, day: dt.date, parties: tuple[int, ...], start_from_parties: bool = False
) -> list[tuple]:
    """The rows of :func:`_openings_query`, compiled once per database and shape of the query.

    The ORM took longer to build and compile this query than PostgreSQL took to plan and run it.
    """
    shape = (router.db_for_read(Agreement), len(parties), start_from_parties)
    query = _compiled.get(shape)
    if query is None:
        stand_in_parties = {f"party{index}": -1_000_002 - index for index in range(len(parties))}

        def build(service: int, day: dt.date, **party_keys: int):
            return _openings_query(service, day, tuple(party_keys.values()), start_from_parties)

        query = _compiled[shape] = CompiledQuery(
            build, service=_STAND_IN_SERVICE, day=_STAND_IN_DAY, **stand_in_parties
        )
    values = {f"party{index}": pk for index, pk in enumerate(parties)}
    return query.rows(service=service_id, day=day, **values)


# Reference rows that never change their keys, remembered per process (reloaded on a miss).
_cache: dict[str, dict] = {}
# Row counts that only choose a query plan (never an answer), refreshed every few minutes.
ESTIMATE_SECONDS = 300
_estimates: dict[tuple[str, int], tuple[float, int]] = {}


def _estimate(kind: str, key: int, count) -> int:
    now = time.monotonic()
    cached = _estimates.get((kind, key))
    if cached is None or now - cached[0] > ESTIMATE_SECONDS:
        cached = _estimates[(kind, key)] = (now, count())
    return cached[1]


def _party_rows(pihak_id: int) -> int:
    """About how many agreements name this party."""
    return _estimate("party", pihak_id, lambda: AgreementParty.objects.filter(pihak_id=pihak_id).count())


def _link_rows(service_id: int) -> int:
    """About how many agreements open this service."""
    links = Agreement.service_types.through.objects
    return _estimate("service", service_id, lambda: links.filter(servicetype_id=service_id).count())


def _service_ids() -> dict[str, int]:
    ids = _cache.get("services")
    if ids is None:
        ids = _cache["services"] = dict(ServiceType.objects.values_list("code", "pk"))
    return ids


def _region_of_pihak() -> dict[int, str | None]:
    regions = _cache.get("pihak")
    if regions is None:
        regions = _cache["pihak"] = dict(Pihak.objects.filter(region__isnull=False).values_list("pk", "region_id"))
        _cache["region"] = {code: pk for pk, code in regions.items()}
    return regions


def _pihak_of_region() -> dict[str, int]:
    _region_of_pihak()
    return _cache["region"]


def _region_of_new_pihak(pihak_id: int) -> str | None:
    """A party not seen when the map was loaded (a new partner, or regions loaded since)."""
    region = Pihak.objects.filter(pk=pihak_id).values_list("region_id", flat=True).first()
    _region_of_pihak()[pihak_id] = region
    if region is not None:
        _cache["region"][region] = pihak_id
    return region


def clear_reference_cache() -> None:
    """Forget remembered service and party keys and row estimates (tests load and remove reference rows)."""
    _cache.clear()
    _estimates.clear()


def eligible_operators(resident: Resident, found: list[Opening]) -> dict[str, list[Opening]]:
    """Every operator whose points ``resident`` may use, with the agreements that open each.

    The resident's own kabupaten/kota and province map to an empty list: no agreement is needed.
    """
    result: dict[str, list[Opening]] = {code: [] for code in resident.home}
    for opening in found:
        for operator in opening.opens_for(resident):
            if operator not in resident.home:
                result.setdefault(operator, []).append(opening)
    return result
