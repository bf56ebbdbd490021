"""Choice sets of agreements. Stage colours drive the badges in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """Kinds of agreement documents (domain.md 1.6)."""

    KB = "KB", _("Kesepakatan Bersama (KB)")
    PKS = "PKS", _("Perjanjian Kerja Sama (PKS)")
    NK = "NK", _("Nota Kesepakatan (NK)")
    MOU = "MoU", _("Memorandum of Understanding (MoU)")
    LOI = "LoI", _("Letter of Intent (LoI)")
    ADENDUM = "Adendum", _("Adendum")


class Category(models.TextChoices):
    """Kind of cooperation by counterpart (PP 28/2018)."""

    KSDD = "KSDD", _("KSDD: with another region")
    KSDPK = "KSDPK", _("KSDPK: with a third party")
    KSDLN = "KSDLN", _("KSDLN: with a foreign government or institution")


class Stage(models.TextChoices):
    """Lifecycle stages (domain.md 1.5); the allowed moves live in ``lifecycle.py``."""

    PERSIAPAN = "persiapan", _("Preparation")
    PENAWARAN = "penawaran", _("Offer")
    KESEPAKATAN_BERSAMA = "kesepakatan_bersama", _("Joint agreement (KB)")
    PERSETUJUAN_DPRD = "persetujuan_dprd", _("DPRD approval")
    PERJANJIAN_KERJA_SAMA = "perjanjian_kerja_sama", _("Cooperation agreement (PKS) drafting")
    PENANDATANGANAN = "penandatanganan", _("Signing")
    PELAKSANAAN = "pelaksanaan", _("Implementation")
    EVALUASI = "evaluasi", _("Evaluation")
    SELESAI = "selesai", _("Completed")
    DIPERPANJANG = "diperpanjang", _("Extended")
    DIAKHIRI = "diakhiri", _("Terminated")
    DITOLAK = "ditolak", _("Rejected")


class Validity(models.TextChoices):
    """Whether an agreement is in force on a given day; derived from its dates, never stored."""

    BELUM_BERLAKU = "belum_berlaku", _("Not yet in force")
    BERLAKU = "berlaku", _("In force")
    AKAN_BERAKHIR = "akan_berakhir", _("Expiring")
    KEDALUWARSA = "kedaluwarsa", _("Expired")


class FundingSource(models.TextChoices):
    """Who pays for carrying out the agreement."""

    APBD_PROVINSI = "apbd_provinsi", _("Provincial budget (APBD Provinsi)")
    APBD_KABKOTA = "apbd_kabkota", _("Kabupaten/kota budget (APBD Kab/Kota)")
    APBD_BERSAMA = "apbd_bersama", _("Shared regional budgets")
    APBN = "apbn", _("State budget (APBN)")
    MITRA = "mitra", _("Partner's own funds")
    TANPA_BIAYA = "tanpa_biaya", _("No cost")


class PartyRole(models.TextChoices):
    """The part a party plays in an agreement."""

    PEMRAKARSA = "pemrakarsa", _("Initiator")
    MITRA = "mitra", _("Counterpart")
    FASILITATOR = "fasilitator", _("Facilitator or witness")


class ServiceRole(models.TextChoices):
    """For agreements that open services: who serves whose residents."""

    TIMBAL_BALIK = "timbal_balik", _("Provides and receives (reciprocal)")
    PENYEDIA = "penyedia", _("Provides the service")
    PENERIMA = "penerima", _("Its residents receive the service")


class ChangeKind(models.TextChoices):
    """How an agreement relates to the earlier agreement it changes."""

    ADENDUM = "adendum", _("Addendum")
    PERPANJANGAN = "perpanjangan", _("Extension")


STAGE_COLOURS = {
    Stage.PERSIAPAN: "grey",
    Stage.PENAWARAN: "grey",
    Stage.KESEPAKATAN_BERSAMA: "blue",
    Stage.PERSETUJUAN_DPRD: "blue",
    Stage.PERJANJIAN_KERJA_SAMA: "blue",
    Stage.PENANDATANGANAN: "purple",
    Stage.PELAKSANAAN: "green",
    Stage.EVALUASI: "teal",
    Stage.SELESAI: "dark",
    Stage.DIPERPANJANG: "dark",
    Stage.DIAKHIRI: "red",
    Stage.DITOLAK: "red",
}
VALIDITY_COLOURS = {
    Validity.BELUM_BERLAKU: "grey",
    Validity.BERLAKU: "green",
    Validity.AKAN_BERAKHIR: "orange",
    Validity.KEDALUWARSA: "red",
}
