"""A valid 10,000-row import workbook in the official template, written the way officials write it.

Parties appear as codes, full names, short names and aliases; dates as Indonesian text in several
styles and as real date cells; urusan by name, short name or alias. Some PKS rows name a parent KB
stored in the database or in the same file. Numbers start with ``BENCH-IMP`` so they never collide
with the seeded agreements.
"""

import datetime as dt
import io
import random

from openpyxl import Workbook

from kerjasama.agreements.choices import DocumentType
from kerjasama.agreements.models import AgreementParty
from kerjasama.agreements.template import COLUMN_NAMES
from kerjasama.regions.loaders import region_aliases
from kerjasama.regions.models import Partner, Pihak, Region, Urusan

NUMBER_PREFIX = "BENCH-IMP"
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def _date_cell(rng: random.Random, day: dt.date) -> object:
    style = rng.randrange(6)
    if style == 0:
        return dt.datetime(day.year, day.month, day.day)  # a real date cell
    if style == 1:
        return day.isoformat()
    if style == 2:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == 3:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if style == 4:
        return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


class Names:
    """The ways a party can be written, each checked to mean exactly that party."""

    def __init__(self) -> None:
        from kerjasama.regions.resolver import PihakResolver

        resolver = PihakResolver()
        aliases: dict[str, list[str]] = {}
        for code, alias in region_aliases():
            aliases.setdefault(code, []).append(alias)
        self.kaltim: list[list[str]] = []
        self.indonesia: list[list[str]] = []
        self.partners: list[list[str]] = []
        for pk, name, code in Pihak.objects.filter(region__isnull=False).values_list("pk", "name", "region_id"):
            spellings = [text for text in [code, name, *aliases.get(code, [])] if _resolves(resolver, text, pk)]
            (self.kaltim if code == "64" or code.startswith("64.") else self.indonesia).append(spellings)
        for partner in Partner.objects.select_related("pihak").order_by("pk"):
            texts = [partner.name, partner.short_name, *(partner.aliases or [])]
            usable = [text for text in texts if text and _resolves(resolver, text, partner.pihak.pk)]
            spellings = list(dict.fromkeys(usable))
            self.partners.append(spellings)
        self.kaltim.sort()
        self.indonesia.sort()


def _resolves(resolver, text: str, pk: int) -> bool:
    """Whether ``text`` names exactly the party ``pk`` (some short names are ambiguous)."""
    try:
        return resolver.resolve(text) == pk
    except ValueError:
        return False


def build_workbook(rows: int = 10_000, seed: int = 7) -> tuple[bytes, int]:
    """The workbook as bytes (the template header and ``rows`` valid agreements) and its number of parties."""
    rng = random.Random(seed)
    names = Names()
    urusan = []
    for code, name, short_name, aliases in Urusan.objects.values_list("code", "name", "short_name", "aliases"):
        urusan.append([name, short_name, code, *(aliases or [])[:2]])
    stored_kb = list(
        AgreementParty.objects.filter(agreement__document_type=DocumentType.KB)
        .exclude(number="")
        .order_by("pk")
        .values_list("number", flat=True)[:500]
    )
    kecamatan = list(Region.objects.filter(code__startswith="64.02.", level="kecamatan").values_list("name", flat=True))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("kerja_sama")
    sheet.append(list(COLUMN_NAMES))
    in_file_kb: list[str] = []
    parties = 0
    for index in range(1, rows + 1):
        values = _row(rng, index, names, urusan, stored_kb, in_file_kb, kecamatan)
        parties += values["pihak"].count(";") + 1
        sheet.append([values.get(column, "") for column in COLUMN_NAMES])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), parties


def _row(rng, index, names: Names, urusan, stored_kb, in_file_kb, kecamatan) -> dict[str, object]:
    province = next(spellings for spellings in names.kaltim if spellings[0] == "64")
    first = province if rng.random() < 0.5 else rng.choice([s for s in names.kaltim if s is not province])
    if rng.random() < 0.15:
        second = rng.choice(names.partners)
    else:
        second = names.indonesia[index % len(names.indonesia)]
    parties = [first, second]
    if rng.random() < 0.25:
        third = rng.choice(names.indonesia)
        if third not in parties:
            parties.append(third)
    written = [rng.choice(spellings) for spellings in parties]
    year = rng.choice(range(2019, 2027))
    signed = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    end = signed + dt.timedelta(days=365 * rng.choice((1, 2, 3, 5)) - 1)
    document_type = rng.choice(["PKS", "PKS", "Perjanjian Kerja Sama", "kb", "Kesepakatan Bersama", "NK"])
    numbers = [f"{NUMBER_PREFIX}/{index:05d}/{order}/{year}" for order in range(1, len(parties) + 1)]
    subjects = rng.sample(urusan, rng.choice((1, 1, 2)))
    values: dict[str, object] = {
        "nomor": "; ".join(numbers),
        "judul": f"Perjanjian kerja sama bidang {subjects[0][0]} nomor uji {index}",
        "jenis_dokumen": document_type,
        "pihak": "; ".join(str(text) for text in written),
        "urusan": "; ".join(rng.choice(spellings) for spellings in subjects),
        "tanggal_ttd": _date_cell(rng, signed),
        "tanggal_berakhir": _date_cell(rng, end),
        "tahap": rng.choice(["", "", "pelaksanaan", "Pelaksanaan"]),
        "publik": rng.choice(["ya", "ya", "ya", "tidak", ""]),
        "objek": f"Objek kerja sama uji kinerja {index}",
        "ruang_lingkup": "Pertukaran data; peningkatan kapasitas; pelayanan bersama",
        "peran_pihak": ";".join(["pemrakarsa"] + ["mitra"] * (len(parties) - 1)),
        "penandatangan": ";".join(f"Penandatangan {order}" for order in range(1, len(parties) + 1)),
        "sumber_dana": rng.choice(["apbd_provinsi", "apbd_bersama", "tanpa_biaya", ""]),
        "nilai": rng.choice(["", "Rp 1.250.000.000", "750000000", "2.500.000.000,00"]),
        "sumber": "impor",
        "catatan_sumber": "SINTETIS: berkas uji kinerja impor (bench)",
    }
    if first is province and rng.random() < 0.5:
        values["perangkat_daerah"] = rng.choice(["Dinkes Kaltim", "Dinas Perhubungan Provinsi Kalimantan Timur"])
    kind = document_type.lower()
    if kind in ("kb", "kesepakatan bersama"):
        in_file_kb.append(numbers[0])
    elif kind.startswith("p") and rng.random() < 0.1:
        pool = in_file_kb if in_file_kb and rng.random() < 0.5 else stored_kb
        if pool:
            values["induk"] = rng.choice(pool)
    if rng.random() < 0.05 and "64.02" in [spellings[0] for spellings in parties] and kecamatan:
        values["layanan"] = "adminduk"
        values["wilayah_layanan"] = f"Kec. {rng.choice(kecamatan)}"
    elif rng.random() < 0.1:
        values["layanan"] = rng.choice(["adminduk", "rumah_sakit; puskesmas", "samsat"])
    return values
