import pytest

from kerjasama.regions.choices import RegionLevel
from kerjasama.regions.loaders import load_reference_data
from kerjasama.regions.models import Partner, Pihak, Region, RegionBoundary, ServiceType, Urusan

pytestmark = pytest.mark.django_db


def test_kaltim_counts_match_kepmendagri():
    kaltim = Region.objects.within("64")
    assert kaltim.filter(level__in=[RegionLevel.KABUPATEN, RegionLevel.KOTA]).count() == 10
    assert kaltim.filter(level=RegionLevel.KECAMATAN).count() == 105
    assert kaltim.filter(level__in=[RegionLevel.DESA, RegionLevel.KELURAHAN]).count() == 1038
    assert kaltim.filter(level=RegionLevel.KELURAHAN).count() == 197


def test_codes_are_not_sequential_and_are_kept_as_text():
    kabkota = list(Region.objects.filter(parent_id="64").values_list("code", flat=True))
    assert "64.04" not in kabkota and "64.73" not in kabkota
    assert "64.11" in kabkota and "64.74" in kabkota
    samboja = Region.objects.get(code="64.02.13")
    assert samboja.name == "Samboja"
    assert samboja.parent_id == "64.02"


def test_population_boundaries_and_partners_loaded():
    assert Region.objects.get(code="64.72").population == 881225
    assert Region.objects.get(code="64").population == 4123303
    assert RegionBoundary.objects.filter(region__code__startswith="64").count() == 1 + 10 + 105 + 1038
    assert Urusan.objects.count() == 32
    assert set(ServiceType.objects.values_list("code", flat=True)) == {
        "adminduk", "rumah_sakit", "puskesmas", "sma_smk", "perguruan_tinggi", "samsat"
    }  # fmt: skip
    assert Partner.objects.filter(partner_type="perguruan_tinggi").count() == 7
    assert Partner.objects.get(short_name="Unmul").pihak.name == "Universitas Mulawarman"


def test_other_provinces_are_parties_but_kecamatan_are_not():
    assert Pihak.objects.filter(region__code="65").exists()  # Kalimantan Utara
    assert Pihak.objects.filter(region__code="35.78").exists()  # Kota Surabaya
    assert not Pihak.objects.filter(region__level=RegionLevel.KECAMATAN).exists()
    assert Pihak.objects.filter(region__isnull=False).count() == 552


def test_loading_again_changes_nothing():
    before = (Region.objects.count(), Pihak.objects.count(), Partner.objects.count(), Urusan.objects.count())
    load_reference_data()
    after = (Region.objects.count(), Pihak.objects.count(), Partner.objects.count(), Urusan.objects.count())
    assert before == after
