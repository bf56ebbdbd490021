"""The spreadsheet template officials fill in: its columns, in one place for import and export."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    """One column of the agreement template."""

    name: str
    help: object
    required: bool = False
    multi: bool = False  # several values separated by ";"


COLUMNS: tuple[Column, ...] = (
    Column("nomor", _("Agreement number(s), one per party in the order of 'pihak', separated by ;"), multi=True),
    Column("judul", _("Title"), required=True),
    Column("jenis_dokumen", _("KB, PKS, NK, MoU, LoI or Adendum"), required=True),
    Column("kategori", _("KSDD, KSDPK or KSDLN; blank: derived from the parties")),
    Column(
        "pihak",
        _("Parties: region codes, names or short names (Kukar, Pemprov Kaltim, Unmul), separated by ;"),
        required=True,
        multi=True,
    ),
    Column("urusan", _("Urusan names or short names (Kesehatan; Adminduk), separated by ;"), required=True, multi=True),
    Column("perangkat_daerah", _("Owning perangkat daerah (OPD)")),
    Column("tanggal_ttd", _("Signing date: 2025-11-18, 18/11/2025, 18-11-2025, 18 November 2025 or 18 Nov 2025")),
    Column("tanggal_mulai", _("Start date; blank: the signing date")),
    Column("tanggal_berakhir", _("End date")),
    Column("induk", _("Number of the parent KB (for a PKS)")),
    Column(
        "layanan",
        _(
            "Services opened to the other parties' residents: adminduk; rumah_sakit; puskesmas; sma_smk; "
            "perguruan_tinggi; samsat"
        ),
        multi=True,
    ),
    Column(
        "wilayah_layanan",
        _("Only for residents of these kecamatan or desa (codes or names), separated by ;"),
        multi=True,
    ),
    Column("tahap", _("Lifecycle stage (persiapan ... pelaksanaan, selesai); blank: pelaksanaan when signed")),
    Column("publik", _("ya or tidak (default ya)")),
    Column("objek", _("Object of cooperation")),
    Column("ruang_lingkup", _("Scope")),
    Column("peran_pihak", _("Role per party: pemrakarsa, mitra, fasilitator; separated by ;"), multi=True),
    Column("penandatangan", _("Signatory per party, separated by ;"), multi=True),
    Column("jabatan_penandatangan", _("Signatory's position per party, separated by ;"), multi=True),
    Column("peran_layanan", _("Service role per party: timbal_balik, penyedia, penerima; separated by ;"), multi=True),
    Column("sumber_dana", _("apbd_provinsi, apbd_kabkota, apbd_bersama, apbn, mitra or tanpa_biaya")),
    Column("nilai", _("Amount in rupiah")),
    Column("perlu_persetujuan_dprd", _("ya or tidak (default tidak)")),
    Column("referensi_dprd", _("Reference of the DPRD approval")),
    Column("mengubah", _("Number of the agreement this one extends or amends")),
    Column("jenis_perubahan", _("perpanjangan or adendum")),
    Column("tanggal_diakhiri", _("Termination date, when ended early")),
    Column("sumber", _("Source of the record: arsip, input, impor, contoh_sintetis (default impor)")),
    Column("catatan_sumber", _("Note on the source")),
)
COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)
REQUIRED: tuple[str, ...] = tuple(column.name for column in COLUMNS if column.required)

# Where each field of AgreementData is written in the template, for naming columns in errors.
FIELD_COLUMNS = {
    "title": "judul",
    "document_type": "jenis_dokumen",
    "category": "kategori",
    "parties": "pihak",
    "numbers": "nomor",
    "urusan": "urusan",
    "perangkat_daerah": "perangkat_daerah",
    "signed_on": "tanggal_ttd",
    "start_on": "tanggal_mulai",
    "end_on": "tanggal_berakhir",
    "terminated_on": "tanggal_diakhiri",
    "parent": "induk",
    "amends": "mengubah",
    "change_kind": "jenis_perubahan",
    "service_types": "layanan",
    "service_areas": "wilayah_layanan",
    "stage": "tahap",
    "is_public": "publik",
    "funding_source": "sumber_dana",
    "funding_amount": "nilai",
    "dprd_approval_required": "perlu_persetujuan_dprd",
    "dprd_approval_reference": "referensi_dprd",
    "source": "sumber",
}


def normalise_header(text) -> str:
    """``Tanggal TTD`` and `` tanggal_ttd`` both become ``tanggal_ttd``."""
    return "_".join(str(text or "").strip().lower().replace("-", " ").split())
