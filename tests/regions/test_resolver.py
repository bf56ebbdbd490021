import pytest

from kerjasama.regions.models import Pihak, Region
from kerjasama.regions.resolver import AreaResolver, PihakResolver, ResolveError, normalise_code

pytestmark = pytest.mark.django_db


def name_of(pk: int) -> str:
    return Pihak.objects.get(pk=pk).name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kaltim", "Kalimantan Timur"),
        ("Pemprov Kaltim", "Kalimantan Timur"),
        ("Provinsi Kalimantan Timur", "Kalimantan Timur"),
        ("64", "Kalimantan Timur"),
        ("Kaltara", "Kalimantan Utara"),
        ("Jatim", "Jawa Timur"),
        ("DIY", "Daerah Istimewa Yogyakarta"),
        ("Kukar", "Kabupaten Kutai Kartanegara"),
        ("Pemkab Kukar", "Kabupaten Kutai Kartanegara"),
        ("Kab. Kutai Kartanegara", "Kabupaten Kutai Kartanegara"),
        ("kabupaten kutai kartanegara", "Kabupaten Kutai Kartanegara"),
        ("6402", "Kabupaten Kutai Kartanegara"),
        ("Kubar", "Kabupaten Kutai Barat"),
        ("Kutim", "Kabupaten Kutai Timur"),
        ("PPU", "Kabupaten Penajam Paser Utara"),
        ("Paser", "Kabupaten Paser"),
        ("Mahulu", "Kabupaten Mahakam Ulu"),
        ("Pemkot Balikpapan", "Kota Balikpapan"),
        ("Kota Samarinda", "Kota Samarinda"),
        ("Samarinda", "Kota Samarinda"),
        ("Kota Surabaya", "Kota Surabaya"),
        ("Unmul", "Universitas Mulawarman"),
        ("UINSI", "UIN Sultan Aji Muhammad Idris Samarinda"),
        ("Polnes", "Politeknik Negeri Samarinda"),
        ("Poltekkes Kemenkes Kaltim", "Poltekkes Kemenkes Kaltim"),
        ("Politani", "Politeknik Pertanian Negeri Samarinda"),
        ("Poltekba", "Politeknik Negeri Balikpapan"),
        ("ITK", "Institut Teknologi Kalimantan"),
        ("Kanwil BPN Provinsi Kalimantan Timur", "Kanwil BPN Provinsi Kalimantan Timur"),
        ("Kanwil BPN Kaltim", "Kanwil BPN Provinsi Kalimantan Timur"),
    ],
)
def test_short_names_prefixes_and_aliases_resolve(text, expected):
    assert name_of(PihakResolver().resolve(text)) == expected


def test_prefix_picks_the_level_when_a_name_is_shared():
    resolver = PihakResolver()
    assert name_of(resolver.resolve("Kota Bandung")) == "Kota Bandung"
    assert name_of(resolver.resolve("Kab. Bandung")) == "Kabupaten Bandung"
    with pytest.raises(ResolveError, match="Kabupaten Bandung, Kota Bandung"):
        resolver.resolve("Bandung")


def test_unknown_names_and_codes_are_reported_with_suggestions():
    resolver = PihakResolver()
    with pytest.raises(ResolveError, match="Kota Balikpapan"):
        resolver.resolve("Balikpapn")
    with pytest.raises(ResolveError, match="64.05"):
        resolver.resolve("64.05")


def test_codes_in_compact_and_dotted_form():
    assert normalise_code("6402131008") == "64.02.13.1008"
    assert normalise_code("64.02.13") == "64.02.13"
    assert normalise_code("Kukar") is None


def test_areas_prefer_kecamatan_and_the_parties_regions():
    resolver = AreaResolver()
    assert resolver.resolve("Samboja") == "64.02.13"
    assert resolver.resolve("Kec. Anggana") == "64.02.04"
    desa = resolver.resolve("Desa Anggana")
    assert desa.startswith("64.02.04.") and desa != "64.02.04"
    assert resolver.resolve("64.02.20") == "64.02.20"
    with pytest.raises(ResolveError):
        resolver.resolve("Atlantis")


def test_areas_are_found_by_the_folded_name_that_save_keeps_current():
    kecamatan = Region.objects.get(code="64.02.13")
    kecamatan.name = "Sambója Pesisir"  # a rename through save() refolds the key
    kecamatan.save(update_fields=["name"])
    assert Region.objects.get(code="64.02.13").name_key == "samboja pesisir"
    resolver = AreaResolver(within=("64.02",))
    assert resolver.resolve("kec. SAMBOJA-pesisir") == "64.02.13"
    with pytest.raises(ResolveError, match="Samboja"):
        resolver.resolve("Samboja")  # the old name is gone
    with pytest.raises(ResolveError, match="64.72.01"):
        resolver.resolve("64.72.01")  # a real kecamatan, but outside the region asked for
