"""Choice sets of the reference data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    """Administrative level of a region, as in the Kemendagri code list."""

    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")
    KOTA = "kota", _("City (kota)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA = "desa", _("Village (desa)")


# Levels whose governments sign agreements (and so are parties).
GOVERNMENT_LEVELS = (RegionLevel.PROVINSI, RegionLevel.KABUPATEN, RegionLevel.KOTA)
KABKOTA_LEVELS = (RegionLevel.KABUPATEN, RegionLevel.KOTA)
VILLAGE_LEVELS = (RegionLevel.KELURAHAN, RegionLevel.DESA)
# Areas inside a kabupaten/kota that an agreement's services can be limited to, and residents live in.
AREA_LEVELS = (RegionLevel.KECAMATAN, *VILLAGE_LEVELS)


class PartnerType(models.TextChoices):
    """Kinds of third parties (pihak ketiga) a region cooperates with."""

    PERGURUAN_TINGGI = "perguruan_tinggi", _("University (perguruan tinggi)")
    KEMENTERIAN_LEMBAGA = "kementerian_lembaga", _("Ministry or agency (instansi vertikal)")
    BUMN_BUMD = "bumn_bumd", _("State or regional enterprise (BUMN/BUMD)")
    SWASTA = "swasta", _("Private company")
    ORMAS = "organisasi_masyarakat", _("Civil-society organisation")
    LUAR_NEGERI = "luar_negeri", _("Foreign government or institution")


class PihakKind(models.TextChoices):
    """Whether a party is a regional government or a third-party partner."""

    WILAYAH = "wilayah", _("Regional government")
    MITRA = "mitra", _("Partner")


class UrusanGroup(models.TextChoices):
    """The three groups of government affairs of UU 23/2014."""

    WAJIB_DASAR = "wajib_pelayanan_dasar", _("Mandatory, basic services")
    WAJIB_NON_DASAR = "wajib_non_pelayanan_dasar", _("Mandatory, non-basic services")
    PILIHAN = "pilihan", _("Optional")
