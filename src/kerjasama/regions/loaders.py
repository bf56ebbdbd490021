"""Loading the bundled reference data into the database. Every loader is idempotent (upserts)."""

import csv
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import transaction

from kerjasama.core.choices import Source
from kerjasama.core.text import fold
from kerjasama.regions.choices import GOVERNMENT_LEVELS, PihakKind, RegionLevel
from kerjasama.regions.models import Partner, Pihak, Region, RegionBoundary, ServiceType, Urusan

DATA_DIR = Path(__file__).resolve().parent / "data"
KALTIM_DIR = DATA_DIR / "kaltim"
INDONESIA_DIR = DATA_DIR / "indonesia"
KEPMENDAGRI = "Kepmendagri 300.2.2-2138/2025 (cahyadsn/wilayah)"
DUKCAPIL = "Ditjen Dukcapil Kemendagri"
REGION_UPDATE_FIELDS = ["parent", "level", "name", "name_key", "lat", "lon", "source"]

Progress = Callable[[Iterable], Iterable]


def _identity(items: Iterable) -> Iterable:
    return items


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _float(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def _parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def _upsert_regions(regions: list[Region], fields: list[str] = REGION_UPDATE_FIELDS, batch: int = 2000) -> None:
    # Rows come parent-first, so each batch's parents already exist.
    for start in range(0, len(regions), batch):
        Region.objects.bulk_create(
            regions[start : start + batch],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=fields,
        )


def _ensure_pihak() -> int:
    """Create the party row of every province and kabupaten/kota that lacks one; sync names."""
    existing = dict(Pihak.objects.filter(region__isnull=False).values_list("region_id", "name"))
    missing, renamed = [], []
    for code, name in Region.objects.filter(level__in=GOVERNMENT_LEVELS).values_list("code", "name"):
        if code not in existing:
            missing.append(Pihak(kind=PihakKind.WILAYAH, region_id=code, name=name))
        elif existing[code] != name:
            renamed.append((code, name))
    Pihak.objects.bulk_create(missing, batch_size=1000)
    for code, name in renamed:
        Pihak.objects.filter(region_id=code).update(name=name)
    return len(missing)


def _apply_population(path: Path, period: str | None = None) -> None:
    rows = _read_csv(path)
    codes = {row["kode"] for row in rows}
    regions = {region.code: region for region in Region.objects.filter(code__in=codes)}
    for row in rows:
        region = regions.get(row["kode"])
        if region is not None:
            region.population = int(row["total"])
            region.population_period = row.get("periode") or period or ""
    Region.objects.bulk_update(regions.values(), ["population", "population_period"], batch_size=1000)


@transaction.atomic
def load_national(all_levels: bool = False, progress: Progress = _identity) -> int:
    """Load Indonesia's provinces and kabupaten/kota (every level with ``all_levels``).

    Partners of Kaltim include other provinces (Kaltara, Jawa Timur, DIY), so every province and
    kabupaten/kota is a possible party. Kecamatan and desa of all Indonesia (about 91,000 rows) are
    only needed for national-scale work and benchmarks.
    """
    wanted = None if all_levels else {RegionLevel.PROVINSI, RegionLevel.KABUPATEN, RegionLevel.KOTA}
    regions = []
    with (INDONESIA_DIR / "wilayah.csv").open(encoding="utf-8", newline="") as handle:
        for row in progress(csv.DictReader(handle)):
            if wanted is not None and row["level"] not in wanted:
                continue
            regions.append(
                Region(
                    code=row["kode"],
                    parent_id=row["kode_induk"] or None,
                    level=row["level"],
                    name=row["nama"],
                    name_key=fold(row["nama"]),
                    lat=_float(row["lat"]),
                    lon=_float(row["lon"]),
                    source=KEPMENDAGRI,
                )
            )
    _upsert_regions(regions)
    _apply_population(INDONESIA_DIR / "penduduk.csv", f"{DUKCAPIL}, Semester II (Desember) 2024")
    _ensure_pihak()
    return len(regions)


@transaction.atomic
def load_kaltim(progress: Progress = _identity) -> int:
    """Load Kalimantan Timur down to desa/kelurahan, with centroids, postcodes, areas and boundaries."""
    regions: list[Region] = []
    with (KALTIM_DIR / "batas_provinsi.geojson").open(encoding="utf-8") as handle:
        province = json.load(handle)["features"][0]["properties"]
    regions.append(
        Region(
            code=province["kode"],
            parent=None,
            level=RegionLevel.PROVINSI,
            name=province["nama"],
            name_key=fold(province["nama"]),
            lat=province["lat"],
            lon=province["lon"],
            source=KEPMENDAGRI,
        )
    )
    for row in _read_csv(KALTIM_DIR / "kabupaten_kota.csv"):
        regions.append(
            Region(
                code=row["kode"],
                parent_id="64",
                level=row["jenis"],
                name=row["nama"],
                name_key=fold(row["nama"]),
                lat=_float(row["lat"]),
                lon=_float(row["lon"]),
                area_km2=_float(row["luas_km2"]),
                source=KEPMENDAGRI,
            )
        )
    for row in _read_csv(KALTIM_DIR / "kecamatan.csv"):
        regions.append(
            Region(
                code=row["kode"],
                parent_id=row["kode_kabkota"],
                level=RegionLevel.KECAMATAN,
                name=row["nama"],
                name_key=fold(row["nama"]),
                lat=_float(row["lat"]),
                lon=_float(row["lon"]),
                source=KEPMENDAGRI,
            )
        )
    for row in _read_csv(KALTIM_DIR / "desa_kelurahan.csv"):
        regions.append(
            Region(
                code=row["kode"],
                parent_id=row["kode_kecamatan"],
                level=row["jenis"],
                name=row["nama"],
                name_key=fold(row["nama"]),
                lat=_float(row["lat"]),
                lon=_float(row["lon"]),
                postal_code=row["kodepos"],
                source=KEPMENDAGRI,
            )
        )
    _upsert_regions(regions, REGION_UPDATE_FIELDS + ["area_km2", "postal_code"])
    _apply_population(KALTIM_DIR / "penduduk_kabupaten_kota.csv")
    boundaries = []
    for name in ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan"):
        with (KALTIM_DIR / f"batas_{name}.geojson").open(encoding="utf-8") as handle:
            for feature in progress(json.load(handle)["features"]):
                boundaries.append(RegionBoundary(region_id=feature["properties"]["kode"], geometry=feature["geometry"]))
    for start in range(0, len(boundaries), 500):
        RegionBoundary.objects.bulk_create(
            boundaries[start : start + 500],
            update_conflicts=True,
            unique_fields=["region"],
            update_fields=["geometry"],
        )
    _ensure_pihak()
    return len(regions)


@transaction.atomic
def load_urusan() -> int:
    """The 32 urusan pemerintahan of UU 23/2014 (codes as in Permendagri 90/2019)."""
    rows = _read_csv(DATA_DIR / "urusan.csv")
    for row in rows:
        Urusan.objects.update_or_create(
            code=row["kode"],
            defaults={
                "name": row["nama"],
                "short_name": row["singkatan"],
                "group": row["kelompok"],
                "aliases": [alias.strip() for alias in row["alias"].split(";") if alias.strip()],
            },
        )
    return len(rows)


@transaction.atomic
def load_service_types() -> int:
    """Service types that agreements can open (adminduk, rumah_sakit, puskesmas, ...)."""
    rows = _read_csv(DATA_DIR / "jenis_layanan.csv")
    urusan = dict(Urusan.objects.values_list("code", "pk"))
    for row in rows:
        ServiceType.objects.update_or_create(
            code=row["kode"],
            defaults={
                "name": row["nama"],
                "description": row["keterangan"],
                "urusan_id": urusan.get(row["urusan"]),
            },
        )
    return len(rows)


@transaction.atomic
def load_partners() -> int:
    """The seven Gratispol public universities and Kanwil BPN Kaltim, with their aliases."""
    rows = _read_csv(DATA_DIR / "mitra.csv")
    for row in rows:
        partner = Partner.objects.filter(name=row["nama"]).first() or Partner(name=row["nama"])
        partner.short_name = row["singkatan"]
        partner.partner_type = row["jenis"]
        partner.aliases = [alias.strip() for alias in row["alias"].split(";") if alias.strip()]
        partner.region_id = row["kode_wilayah"] or None
        partner.website = row["situs"]
        partner.source = Source.REFERENSI
        partner.save()
    return len(rows)


def region_aliases() -> list[tuple[str, str]]:
    """Short names of regions (Kaltim, Kukar, PPU...) as (code, alias)."""
    return [(row["kode"], row["alias"]) for row in _read_csv(DATA_DIR / "alias_wilayah.csv")]


def load_reference_data(progress: Progress = _identity) -> dict[str, int]:
    """Everything ``kerjasama setup`` loads: regions, urusan, service types, partners."""
    counts = {"wilayah_nasional": load_national(progress=progress)}
    counts["wilayah_kaltim"] = load_kaltim(progress=progress)
    counts["urusan"] = load_urusan()
    counts["jenis_layanan"] = load_service_types()
    counts["mitra"] = load_partners()
    return counts
