"""A deterministic synthetic data set of agreements across every province and kabupaten/kota of Indonesia.

The shape follows a Kaltim register: the first party is the province (Pemprov Kaltim) or one of its
ten kabupaten/kota, the counterpart walks through all 552 governments of Indonesia and the partners,
and some agreements have a third party. Dates spread over 2015-2026. Every record is labelled
synthetic (``source = contoh_sintetis``), like the demo data.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min

from kerjasama.agreements.choices import DocumentType, FundingSource, PartyRole, ServiceRole, Stage
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.core.choices import Source
from kerjasama.core.models import ObjectChange
from kerjasama.regions.choices import PartnerType, PihakKind
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak, ServiceType, Urusan
from kerjasama.search.index import rebuild_index

SEED_NOTE = "SINTETIS: data uji kinerja (bench)"
REFERENCE_DAY = dt.date(2025, 11, 18)
FIRST_DAY = dt.date(2015, 1, 1)
LAST_DAY = dt.date(2026, 6, 30)
BATCH = 5000

# Synthetic partners, so that third-party (KSDPK) and foreign (KSDLN) agreements exist at scale.
SYNTHETIC_PARTNERS = [
    *[(f"PT Sintetis Nusantara {i:02d}", PartnerType.SWASTA) for i in range(1, 13)],
    *[(f"PT Sintetis Daerah (Perseroda) {i:02d}", PartnerType.BUMN_BUMD) for i in range(1, 7)],
    *[(f"Kementerian Sintetis {i:02d}", PartnerType.KEMENTERIAN_LEMBAGA) for i in range(1, 7)],
    *[(f"Yayasan Sintetis {i:02d}", PartnerType.ORMAS) for i in range(1, 5)],
    *[(f"Universitas Sintetis {i:02d}", PartnerType.PERGURUAN_TINGGI) for i in range(1, 5)],
    *[(f"Synthetic City Government {i:02d}", PartnerType.LUAR_NEGERI) for i in range(1, 7)],
]
SIGNED_STAGES_IN_FORCE = (Stage.PELAKSANAAN, Stage.PELAKSANAAN, Stage.PELAKSANAAN, Stage.EVALUASI)
UNSIGNED_STAGES = (
    Stage.PERSIAPAN,
    Stage.PENAWARAN,
    Stage.KESEPAKATAN_BERSAMA,
    Stage.PERSETUJUAN_DPRD,
    Stage.PERJANJIAN_KERJA_SAMA,
    Stage.PENANDATANGANAN,
    Stage.DITOLAK,
)
DOCUMENT_WEIGHTS = {
    DocumentType.PKS: 55,
    DocumentType.KB: 25,
    DocumentType.NK: 8,
    DocumentType.ADENDUM: 5,
}
FUNDING = list(FundingSource.values)
# Owning units of the province, so lists and imports resolve a perangkat daerah too.
PERANGKAT_DAERAH = [
    ("Dinas Kesehatan Provinsi Kalimantan Timur", "Dinkes Kaltim"),
    ("Dinas Pendidikan dan Kebudayaan Provinsi Kalimantan Timur", "Disdikbud Kaltim"),
    ("Dinas Kependudukan dan Pencatatan Sipil Provinsi Kalimantan Timur", "Disdukcapil Kaltim"),
    ("Dinas Perhubungan Provinsi Kalimantan Timur", "Dishub Kaltim"),
    ("Dinas Pariwisata Provinsi Kalimantan Timur", "Dispar Kaltim"),
    ("Dinas Lingkungan Hidup Provinsi Kalimantan Timur", "DLH Kaltim"),
    ("Badan Pendapatan Daerah Provinsi Kalimantan Timur", "Bapenda Kaltim"),
    ("Biro Pemerintahan, Otonomi Daerah dan Kerja Sama Setda Provinsi Kalimantan Timur", "Biro POD"),
]


@dataclass(frozen=True)
class Party:
    """A pihak as the seeder needs it."""

    pk: int
    name: str
    code: str  # region code, or a short tag for partners
    partner_type: str | None


def ensure_partners() -> None:
    """Create the synthetic partners (idempotent); ``Partner.save`` makes their pihak rows."""
    existing = set(Partner.objects.values_list("name", flat=True))
    for name, partner_type in SYNTHETIC_PARTNERS:
        if name not in existing:
            country = "Indonesia" if partner_type != PartnerType.LUAR_NEGERI else "Sintetis"
            Partner(name=name, partner_type=partner_type, country=country, source=Source.SINTETIS).save()


def ensure_perangkat_daerah() -> list[int]:
    """Create the province's owning units used by the data set (idempotent); returns their ids."""
    ids = []
    for name, short_name in PERANGKAT_DAERAH:
        unit, _created = PerangkatDaerah.objects.get_or_create(
            region_id="64", name=name, defaults={"short_name": short_name}
        )
        ids.append(unit.pk)
    return ids


def load_parties() -> tuple[list[Party], list[Party], list[Party]]:
    """(Kaltim governments, every government of Indonesia, partners) as :class:`Party` lists."""
    governments, partners = [], []
    rows = Pihak.objects.values_list("pk", "name", "kind", "region_id", "partner__partner_type", "partner_id")
    for pk, name, kind, region_code, partner_type, partner_id in rows.order_by("pk"):
        if kind == PihakKind.WILAYAH:
            governments.append(Party(pk, name, region_code, None))
        else:
            partners.append(Party(pk, name, f"M{partner_id}", partner_type))
    governments.sort(key=lambda party: party.code)
    kaltim = [party for party in governments if party.code == "64" or party.code.startswith("64.")]
    return kaltim, governments, partners


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


class Seeder:
    """Builds agreements, their parties, urusan and service links, and one transition each."""

    def __init__(self, total: int, seed: int = 2025) -> None:
        self.total = total
        self.rng = random.Random(seed)
        self.kaltim, self.governments, self.partners = load_parties()
        self.province = next(party for party in self.kaltim if party.code == "64")
        self.kaltim_kabkota = [party for party in self.kaltim if party is not self.province]
        self.urusan = list(Urusan.objects.values_list("pk", "name").order_by("code"))
        self.services = list(ServiceType.objects.values_list("pk", flat=True).order_by("code"))
        counterparts = self.governments + self.partners * 8  # about one counterpart in eight is a partner
        self.rng.shuffle(counterparts)
        self.counterparts = counterparts
        self.units = ensure_perangkat_daerah()
        self.number = 0

    def _counterpart(self, index: int, taken: set[int]) -> Party:
        # Walking the shuffled list makes every government a party of some agreement.
        step = 0
        while True:
            party = self.counterparts[(index + step) % len(self.counterparts)]
            if party.pk not in taken:
                return party
            step += 1

    def _parties(self, index: int) -> list[Party]:
        first = self.province if self.rng.random() < 0.45 else self.rng.choice(self.kaltim_kabkota)
        parties = [first, self._counterpart(index, {first.pk})]
        if self.rng.random() < 0.3:
            pool = self.governments if self.rng.random() < 0.7 else self.partners
            third = self.rng.choice(pool)
            if third.pk not in {party.pk for party in parties}:
                parties.append(third)
        return parties

    def _document_type(self, parties: list[Party]) -> str:
        if any(party.partner_type == PartnerType.LUAR_NEGERI for party in parties):
            return DocumentType.MOU if self.rng.random() < 0.7 else DocumentType.LOI
        types, weights = zip(*DOCUMENT_WEIGHTS.items(), strict=True)
        return self.rng.choices(types, weights)[0]

    def _dates_and_stage(self) -> tuple[dt.date | None, dt.date | None, dt.date | None, dt.date | None, str]:
        rng = self.rng
        if rng.random() < 0.06:
            return None, None, None, None, rng.choice(UNSIGNED_STAGES)
        signed = _random_day(rng, FIRST_DAY, LAST_DAY)
        start = signed + dt.timedelta(days=rng.choice((0, 0, 0, 1, 7, 14, 30)))
        years = rng.choice((1, 2, 3, 3, 5, 5))
        end = start + dt.timedelta(days=365 * years - 1)
        terminated = None
        if end < REFERENCE_DAY:
            stage = Stage.DIPERPANJANG if rng.random() < 0.1 else Stage.SELESAI
        elif start <= REFERENCE_DAY and rng.random() < 0.02:
            terminated = _random_day(rng, start, min(end, REFERENCE_DAY))
            stage = Stage.DIAKHIRI
        else:
            stage = rng.choice(SIGNED_STAGES_IN_FORCE)
        return signed, start, end, terminated, stage

    def _next_number(self, party: Party, year: int) -> str:
        self.number += 1
        return f"{self.number:06d}/{party.code}/KSD/{year}"

    def build(self, start: int, stop: int):
        """Agreements ``start``..``stop`` (unsaved) with the rows that hang off each of them."""
        rng = self.rng
        agreements, extras = [], []
        for index in range(start, stop):
            parties = self._parties(index)
            first_is_province = parties[0] is self.province
            signed, begin, end, terminated, stage = self._dates_and_stage()
            urusan = rng.sample(self.urusan, rng.choice((1, 1, 1, 2, 2, 3)))
            document_type = self._document_type(parties)
            names = " dan ".join(party.name for party in parties)
            funding = rng.choice(FUNDING)
            amount = None
            if funding not in (FundingSource.TANPA_BIAYA, FundingSource.MITRA) and rng.random() < 0.5:
                amount = Decimal(rng.randrange(50, 50_000)) * 1_000_000
            agreements.append(
                Agreement(
                    title=f"{document_type} tentang kerja sama bidang {urusan[0][1]} antara {names}",
                    document_type=document_type,
                    category="",  # derived below from the parties
                    subject=f"Kerja sama {urusan[0][1].lower()} (data sintetis nomor {index + 1})",
                    scope="Pertukaran data; peningkatan kapasitas aparatur; pelayanan bersama",
                    signed_on=signed,
                    start_on=begin,
                    end_on=end,
                    terminated_on=terminated,
                    funding_source=funding,
                    funding_amount=amount,
                    dprd_approval_required=rng.random() < 0.1,
                    stage=stage,
                    perangkat_daerah_id=rng.choice(self.units) if first_is_province else None,
                    is_public=rng.random() < 0.9,
                    source=Source.SINTETIS,
                    source_note=SEED_NOTE,
                )
            )
            services = rng.sample(self.services, rng.choice((1, 1, 2))) if rng.random() < 0.15 else []
            extras.append((parties, [pk for pk, _name in urusan], services))
        for agreement, (parties, _u, _s) in zip(agreements, extras, strict=True):
            agreement.category = _category(parties)
            if agreement.dprd_approval_required and agreement.signed_on:
                agreement.dprd_approval_reference = f"Persetujuan DPRD {agreement.signed_on.year}"
        return agreements, extras

    def write(self, agreements, extras, archived_at: dt.datetime) -> None:
        """Insert a batch: agreements first (for their ids), then parties, links and transitions."""
        rng = self.rng
        for agreement in agreements:
            if rng.random() < 0.02:
                agreement.archived_at = archived_at
        Agreement.objects.bulk_create(agreements, batch_size=1000)
        party_rows, urusan_rows, service_rows, transitions = [], [], [], []
        UrusanLink = Agreement.urusan.through
        ServiceLink = Agreement.service_types.through
        for agreement, (parties, urusan_ids, service_ids) in zip(agreements, extras, strict=True):
            year = (agreement.signed_on or REFERENCE_DAY).year
            for order, party in enumerate(parties, start=1):
                numbered = agreement.signed_on is not None and rng.random() < 0.9
                party_rows.append(
                    AgreementParty(
                        agreement_id=agreement.pk,
                        pihak_id=party.pk,
                        order=order,
                        role=PartyRole.PEMRAKARSA if order == 1 else PartyRole.MITRA,
                        number=self._next_number(party, year) if numbered else "",
                        signatory_name=f"Penandatangan {order}",
                        signatory_title="Kepala Daerah" if party.partner_type is None else "Pimpinan",
                        service_role=ServiceRole.TIMBAL_BALIK,
                    )
                )
            urusan_rows += [UrusanLink(agreement_id=agreement.pk, urusan_id=pk) for pk in urusan_ids]
            service_rows += [ServiceLink(agreement_id=agreement.pk, servicetype_id=pk) for pk in service_ids]
            transitions.append(
                AgreementTransition(
                    agreement_id=agreement.pk,
                    from_stage="",
                    to_stage=agreement.stage,
                    at=archived_at,
                    note=SEED_NOTE,
                )
            )
        AgreementParty.objects.bulk_create(party_rows, batch_size=2000)
        UrusanLink.objects.bulk_create(urusan_rows, batch_size=2000)
        ServiceLink.objects.bulk_create(service_rows, batch_size=2000)
        AgreementTransition.objects.bulk_create(transitions, batch_size=2000)


def _category(parties: list[Party]) -> str:
    types = {party.partner_type for party in parties if party.partner_type}
    if PartnerType.LUAR_NEGERI in types:
        return "KSDLN"
    return "KSDPK" if types else "KSDD"


def agreement_count() -> int:
    return Agreement.objects.count()


def dataset_counts() -> dict:
    """What the seeded database holds, for the report."""
    signed = Agreement.objects.filter(signed_on__isnull=False)
    used = AgreementParty.objects.values("pihak_id").distinct()
    return {
        "agreements": Agreement.objects.count(),
        "public": Agreement.objects.filter(is_public=True).count(),
        "archived": Agreement.objects.filter(archived_at__isnull=False).count(),
        "signed": signed.count(),
        "first_signed": str(signed.aggregate(day=Min("signed_on"))["day"]),
        "last_signed": str(signed.aggregate(day=Max("signed_on"))["day"]),
        "parties": AgreementParty.objects.count(),
        "urusan_links": Agreement.urusan.through.objects.count(),
        "service_links": Agreement.service_types.through.objects.count(),
        "governments": Pihak.objects.filter(kind=PihakKind.WILAYAH).count(),
        "governments_used": Pihak.objects.filter(kind=PihakKind.WILAYAH, pk__in=used).count(),
        "partners": Pihak.objects.filter(kind=PihakKind.MITRA).count(),
        "partners_used": Pihak.objects.filter(kind=PihakKind.MITRA, pk__in=used).count(),
    }


def clear_agreements() -> None:
    """Remove every agreement, what hangs off it and the change log (before a reseed)."""
    from bench.seed_monitoring import clear_monitoring  # it builds on this module

    clear_monitoring()  # plain DELETEs: the ORM's cascade would load a million monitoring rows first
    with transaction.atomic():
        ObjectChange.objects.all().delete()
        Agreement.objects.update(parent=None, amends=None)
        for model in (
            Agreement.urusan.through,
            Agreement.service_types.through,
            Agreement.service_areas.through,
            AgreementParty,
            AgreementTransition,
        ):
            model.objects.all().delete()
        Agreement.objects.all().delete()


def seed(total: int, log=print) -> float:
    """Insert ``total`` synthetic agreements; returns the seconds it took."""
    began = time.perf_counter()
    ensure_partners()
    seeder = Seeder(total)
    archived_at = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    for start in range(0, total, BATCH):
        stop = min(start + BATCH, total)
        agreements, extras = seeder.build(start, stop)
        with transaction.atomic():
            seeder.write(agreements, extras, archived_at)
        if stop % 20000 == 0 or stop == total:
            log(f"  seeded {stop:,} agreements ({time.perf_counter() - began:.0f} s)")
    indexing = time.perf_counter()
    rebuild_index()  # the search index, in bulk: bulk_create above bypasses the services that keep it current
    log(f"  search index rebuilt ({time.perf_counter() - indexing:.0f} s)")
    return time.perf_counter() - began
