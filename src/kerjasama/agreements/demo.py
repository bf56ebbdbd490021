"""Synthetic demo data: a deterministic, clearly labelled set of agreements and demo log-ins.

Every record made here carries ``source = contoh_sintetis`` and says "SINTETIS" in its notes;
nothing in it is a real agreement. Regions, urusan, service types and the eight reference partners
(the seven Gratispol universities and Kanwil BPN Kaltim) are the real reference data loaded by
``kerjasama setup``; every other partner is fictitious and named "... (contoh)".

The data set describes the register as of ``settings.KERJASAMA["DEMO_REFERENCE_DATE"]`` (18 Nov
2025, the day Biro POD counted 208 agreements for 2025): 60 to 95 agreements signed in each year
from 2020, exactly 208 in 2025 up to that day and none after it, plus agreements still being
prepared. A few anchors follow reported Kaltim agreements (domain brief 4.3: Gratispol, Kanwil
BPN, Kaltara, Jawa Timur, DIY, Kutai Timur) and the Samboja and Anggana service arrangements;
the rest is drawn from ``random.Random(seed)``, so the same seed always gives the same data.
"""

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kerjasama.agreements.choices import ChangeKind, DocumentType, FundingSource, PartyRole, ServiceRole, Stage
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.core.choices import Source
from kerjasama.search.index import rebuild_index
from kerjasama.users.choices import Role
from kerjasama.users.models import Profile

DEMO_PASSWORD = "kaltim-demo-2025"  # noqa: S105  (published demo log-in, synthetic data only)
DEMO_EMAIL_DOMAIN = "contoh.invalid"
# (username, role, label, party code or partner short name)
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("biropod", Role.ADMIN, "Admin provinsi (Biro POD)"),
    ("operator.kukar", Role.OPERATOR_WILAYAH, "Operator Kabupaten Kutai Kartanegara"),
    ("operator.balikpapan", Role.OPERATOR_WILAYAH, "Operator Kota Balikpapan"),
    ("operator.samarinda", Role.OPERATOR_WILAYAH, "Operator Kota Samarinda"),
    ("operator.unmul", Role.OPERATOR_MITRA, "Operator mitra Universitas Mulawarman"),
    ("tkksd", Role.TKKSD, "Tim Koordinasi Kerja Sama Daerah"),
    ("peninjau", Role.PENINJAU, "Peninjau (hanya baca)"),
)
DEMO_USER_PARTIES = {
    "operator.kukar": "64.02",
    "operator.balikpapan": "64.71",
    "operator.samarinda": "64.72",
    "operator.unmul": "Unmul",
}


@transaction.atomic
def create_demo_users() -> list[str]:
    """Create the demo log-ins (idempotent); returns the usernames created."""
    from kerjasama.regions.resolver import PihakResolver

    User = get_user_model()
    resolver = PihakResolver()
    created = []
    hashed = None
    for username, role, label in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        # One hash for every log-in: the password is published anyway, and hashing is slow on purpose.
        hashed = hashed or make_password(DEMO_PASSWORD)
        user = User.objects.create_user(
            username,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            first_name=label[:150],
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.password = hashed
        user.save(update_fields=["password"])
        party = DEMO_USER_PARTIES.get(username)
        Profile.objects.create(user=user, role=role, pihak_id=resolver.resolve(party) if party else None)
        created.append(username)
    return created


# The demo agreements ------------------------------------------------------------------------------

DEFAULT_SEED = 2025
FIRST_YEAR = 2020
YEARLY_SIGNED = (60, 95)  # agreements signed per year before the reference year ("never over 100")
REFERENCE_YEAR_SIGNED = 208  # Biro POD's count for 2025 up to 18 Nov 2025 (domain brief 4.2)
SYNTHETIC_NOTE = "SINTETIS: data contoh, bukan perjanjian nyata"
NUMBER_MARKER = "CONTOH"  # in every demo number, so none can pass for a real one
HISTORY_USER = "demo"
HISTORY_MARK = "(contoh sintetis)"
KALTIM = "64"
KUKAR, BALIKPAPAN, SAMARINDA = "64.02", "64.71", "64.72"
SAMBOJA, SAMBOJA_BARAT, ANGGANA = "64.02.13", "64.02.20", "64.02.04"

Progress = Callable[[Iterable], Iterable]


def _identity(items: Iterable) -> Iterable:
    return items


def reference_date() -> dt.date:
    """The day the demo register describes (settings ``KERJASAMA["DEMO_REFERENCE_DATE"]``)."""
    return dt.date.fromisoformat(str(settings.KERJASAMA["DEMO_REFERENCE_DATE"]))


class DemoError(Exception):
    """The demo data cannot be built (e.g. the reference data is missing); the message says why."""


@dataclass
class DemoSummary:
    """What :func:`build_demo` wrote, counted from the database afterwards."""

    seed: int
    reference_date: dt.date
    agreements: int = 0
    signed_by_year: dict[int, int] = field(default_factory=dict)
    in_preparation: int = 0
    rejected: int = 0
    in_force: int = 0
    expiring: int = 0
    expired: int = 0
    expired_still_running: int = 0
    never_implemented: int = 0
    terminated: int = 0
    extended: int = 0
    extensions: int = 0
    addenda: int = 0
    kb_with_children: int = 0
    children: int = 0
    not_public: int = 0
    dprd_required: int = 0
    later_date: dt.date | None = None
    expiring_later: int = 0
    parties: int = 0
    transitions: int = 0
    partners_created: int = 0
    perangkat_daerah_created: int = 0
    replaced: int = 0


# Reference catalogues -----------------------------------------------------------------------------

# Short names of the Kaltim regions, for perangkat daerah short names.
KALTIM_SHORT = {
    "64": "Kaltim", "64.01": "Paser", "64.02": "Kukar", "64.03": "Berau", "64.07": "Kubar", "64.08": "Kutim",
    "64.09": "PPU", "64.11": "Mahulu", "64.71": "Balikpapan", "64.72": "Samarinda", "64.74": "Bontang",
}  # fmt: skip
# Kabupaten/kota of Kaltim that share a border (for the mandatory cooperation of PP 28/2018).
KALTIM_NEIGHBOURS = (
    ("64.01", "64.09"), ("64.01", "64.07"), ("64.02", "64.71"), ("64.02", "64.72"), ("64.02", "64.74"),
    ("64.02", "64.08"), ("64.02", "64.07"), ("64.02", "64.11"), ("64.02", "64.09"), ("64.03", "64.08"),
    ("64.07", "64.11"), ("64.07", "64.09"), ("64.08", "64.74"), ("64.09", "64.71"),
)  # fmt: skip
# Pairs whose service agreements are the fixed Samboja and Anggana anchors.
ANCHORED_SERVICE_PAIRS = ((KUKAR, BALIKPAPAN), (KUKAR, SAMARINDA))
# Kaltim kabupaten bordering kabupaten/kota of another province.
CROSS_BORDER = (
    ("64.01", "63.09"), ("64.01", "63.02"), ("64.03", "65.01"), ("64.08", "65.02"), ("64.11", "65.02"),
    ("64.11", "61.06"), ("64.11", "62.12"), ("64.07", "62.05"), ("64.07", "62.12"),
)  # fmt: skip
OTHER_PROVINCES = ("65", "63", "62", "61", "35", "33", "34", "73", "76", "51", "52", "31")
OUTSIDE_CITIES = ("35.78", "34.71", "33.74", "73.71", "51.71", "63.71", "65.71")
GRATISPOL_NEW_STUDENTS = (  # reported new-student numbers of the 16 Jun 2025 PKS (domain brief 4.3)
    ("Unmul", 7714), ("UINSI", 2225), ("Polnes", 2122), ("Poltekkes Kemenkes Kaltim", 997),
    ("Politani", 465), ("Poltekba", 1020), ("ITK", 2280),
)  # fmt: skip
REFERENCE_PARTNERS = tuple(short for short, _count in GRATISPOL_NEW_STUDENTS) + ("Kanwil BPN Kaltim",)

# Kinds of perangkat daerah: (provincial name, provincial short, kabupaten/kota name, short).
# Real kinds of offices; the rows are created for the demo where the register lacks them.
OPD_KINDS = {
    "pod": ("Biro Pemerintahan dan Otonomi Daerah Sekretariat Daerah", "Biro POD",
            "Bagian Tata Pemerintahan Sekretariat Daerah", "Bag. Tapem"),
    "kesra": ("Biro Kesejahteraan Rakyat Sekretariat Daerah", "Biro Kesra",
              "Bagian Kesejahteraan Rakyat Sekretariat Daerah", "Bag. Kesra"),
    "bappeda": ("Badan Perencanaan Pembangunan Daerah", "Bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda"),
    "dukcapil": ("Dinas Kependudukan, Pemberdayaan Perempuan dan Perlindungan Anak", "DKP3A",
                 "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    "dinkes": ("Dinas Kesehatan", "Dinkes", "Dinas Kesehatan", "Dinkes"),
    "disdik": ("Dinas Pendidikan dan Kebudayaan", "Disdikbud", "Dinas Pendidikan dan Kebudayaan", "Disdikbud"),
    "pupr": ("Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat", "DPUPR-PERA",
             "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"),
    "perkim": ("Dinas Perumahan dan Kawasan Permukiman", "Disperkim",
               "Dinas Perumahan dan Kawasan Permukiman", "Disperkim"),
    "bpbd": ("Badan Penanggulangan Bencana Daerah", "BPBD", "Badan Penanggulangan Bencana Daerah", "BPBD"),
    "dinsos": ("Dinas Sosial", "Dinsos", "Dinas Sosial", "Dinsos"),
    "naker": ("Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans", "Dinas Tenaga Kerja", "Disnaker"),
    "p3a": ("Dinas Kependudukan, Pemberdayaan Perempuan dan Perlindungan Anak", "DKP3A",
            "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A"),
    "pangan": ("Dinas Pangan, Tanaman Pangan dan Hortikultura", "DPTPH", "Dinas Ketahanan Pangan", "Disketapang"),
    "bpkad": ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD",
              "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD"),
    "dlh": ("Dinas Lingkungan Hidup", "DLH", "Dinas Lingkungan Hidup", "DLH"),
    "pmd": ("Dinas Pemberdayaan Masyarakat dan Pemerintahan Desa", "DPMPD",
            "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD"),
    "kb": ("Dinas Kependudukan, Pemberdayaan Perempuan dan Perlindungan Anak", "DKP3A",
           "Dinas Pengendalian Penduduk dan Keluarga Berencana", "DPPKB"),
    "dishub": ("Dinas Perhubungan", "Dishub", "Dinas Perhubungan", "Dishub"),
    "kominfo": ("Dinas Komunikasi dan Informatika", "Diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo"),
    "koperasi": ("Dinas Koperasi dan Usaha Kecil dan Menengah", "Diskop UKM",
                 "Dinas Koperasi dan Usaha Kecil dan Menengah", "Diskop UKM"),
    "investasi": ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP",
                  "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    "dispora": ("Dinas Pemuda dan Olahraga", "Dispora", "Dinas Pemuda dan Olahraga", "Dispora"),
    "budaya": ("Dinas Pendidikan dan Kebudayaan", "Disdikbud", "Dinas Kebudayaan dan Pariwisata", "Disbudpar"),
    "arsip": ("Dinas Perpustakaan dan Kearsipan", "DPK", "Dinas Perpustakaan dan Kearsipan", "DPK"),
    "dkp": ("Dinas Kelautan dan Perikanan", "DKP", "Dinas Perikanan", "Diskan"),
    "dispar": ("Dinas Pariwisata", "Dispar", "Dinas Pariwisata", "Dispar"),
    "distan": ("Dinas Pangan, Tanaman Pangan dan Hortikultura", "DPTPH", "Dinas Pertanian", "Distan"),
    "disnak": ("Dinas Peternakan dan Kesehatan Hewan", "Disnakkeswan",
               "Dinas Peternakan dan Kesehatan Hewan", "Disnakkeswan"),
    "dishut": ("Dinas Kehutanan", "Dishut", "Dinas Lingkungan Hidup", "DLH"),
    "esdm": ("Dinas Energi dan Sumber Daya Mineral", "Dinas ESDM",
             "Dinas Perindustrian dan Perdagangan", "Disperindag"),
    "perindag": ("Dinas Perindustrian dan Perdagangan", "Disperindag",
                 "Dinas Perindustrian dan Perdagangan", "Disperindag"),
    "bkd": ("Badan Kepegawaian Daerah", "BKD", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM"),
}  # fmt: skip


@dataclass(frozen=True)
class SyntheticPartner:
    """A fictitious third party created for the demo (its name ends in "(contoh)")."""

    name: str
    short_name: str
    partner_type: str
    region: str | None
    signatory: str
    sectors: tuple[str, ...] = ()
    country: str = "Indonesia"


_PT, _KL, _BUMN, _SWASTA, _ORMAS, _LN = (
    "perguruan_tinggi", "kementerian_lembaga", "bumn_bumd", "swasta", "organisasi_masyarakat", "luar_negeri",
)  # fmt: skip
# (name, short name, type, location, signatory's position, urusan it works in, country)
SYNTHETIC_PARTNERS = tuple(SyntheticPartner(*row) for row in (
    ("Universitas Contoh Mahakam (contoh)", "UCM", _PT, "64.72", "Rektor"),
    ("Institut Contoh Teknologi Borneo (contoh)", "ICTB", _PT, "64.71", "Rektor"),
    ("Sekolah Tinggi Contoh Ilmu Kesehatan Tenggarong (contoh)", "STCIKT", _PT, "64.02", "Ketua"),
    ("Universitas Contoh Khatulistiwa Bontang (contoh)", "UCKB", _PT, "64.74", "Rektor"),
    ("Politeknik Contoh Sangatta (contoh)", "PCS", _PT, "64.08", "Direktur"),
    ("Universitas Contoh Tanah Grogot (contoh)", "UCTG", _PT, "64.01", "Rektor"),
    ("Balai Contoh Pengelolaan Sumber Daya Air Kalimantan (contoh)", "BCPSDA", _KL, "64.72", "Kepala Balai",
     ("1.03", "2.11")),
    ("Balai Contoh Pelatihan Vokasi dan Produktivitas (contoh)", "BCPVP", _KL, "64.72", "Kepala Balai",
     ("2.07", "3.32")),
    ("Kantor Contoh Statistik Daerah (contoh)", "KCSD", _KL, "64.72", "Kepala Kantor",
     ("2.20", "2.16", "2.21", "2.14")),
    ("Balai Contoh Karantina Hewan, Ikan dan Tumbuhan (contoh)", "BCKHIT", _KL, "64.71", "Kepala Balai",
     ("3.27", "3.25")),
    ("Balai Contoh Pengelolaan Hutan Lestari (contoh)", "BCPHL", _KL, "64.72", "Kepala Balai", ("3.28", "2.11")),
    ("PT Contoh Energi Mahakam (contoh)", "CEM", _BUMN, "64.72", "Direktur Utama", ("3.29", "3.31", "2.07")),
    ("PT Bank Contoh Pembangunan Daerah (contoh)", "BCPD", _BUMN, "64.72", "Direktur Utama", ("2.17", "2.18", "2.12")),
    ("Perumda Contoh Air Minum Lintas Kota (contoh)", "PCAM", _BUMN, "64.71", "Direktur Utama", ("1.04",)),
    ("PT Contoh Pelabuhan Etam (contoh)", "CPE", _BUMN, "64.71", "Direktur Utama", ("2.15", "3.30", "2.18")),
    ("PT Contoh Sawit Lestari (contoh)", "CSL", _SWASTA, "64.08", "Direktur", ("3.27", "2.07", "2.13", "3.28")),
    ("PT Contoh Tambang Sejahtera (contoh)", "CTS", _SWASTA, "64.02", "Direktur", ("2.11", "2.07", "3.29", "1.04")),
    ("PT Contoh Digital Nusantara (contoh)", "CDN", _SWASTA, "64.71", "Direktur", ("2.16", "2.17")),
    ("CV Contoh Wisata Derawan (contoh)", "CWD", _SWASTA, "64.03", "Direktur", ("3.26", "3.25")),
    ("PT Contoh Logistik Khatulistiwa (contoh)", "CLK", _SWASTA, "64.71", "Direktur", ("2.15", "3.30", "3.31")),
    ("Yayasan Contoh Peduli Mahakam (contoh)", "YCPM", _ORMAS, "64.72", "Ketua Pengurus", ("2.11", "1.02", "1.06")),
    ("Perkumpulan Contoh Konservasi Hutan Borneo (contoh)", "PCKHB", _ORMAS, "64.03", "Ketua", ("3.28", "2.11")),
    ("Lembaga Contoh Pemberdayaan Desa Mandiri (contoh)", "LCPDM", _ORMAS, "64.02", "Direktur Eksekutif",
     ("2.13", "2.17")),
    ("Yayasan Contoh Perlindungan Anak Etam (contoh)", "YCPAE", _ORMAS, "64.72", "Ketua Pengurus",
     ("2.08", "1.02", "1.06")),
    ("Pemerintah Kota Kembar Contoh (contoh)", "KKC", _LN, None, "Wali Kota", ("3.26", "2.22", "1.01"), "Malaysia"),
    ("Contoh Prefectural Government (contoh)", "CPG", _LN, None, "Governor", ("2.18", "3.27", "3.26", "2.11"),
     "Jepang"),
    ("Contoh University of Applied Sciences (contoh)", "CUAS", _LN, None, "President", ("1.01", "1.03", "2.11"),
     "Belanda"),
    ("Contoh Regional Development Agency (contoh)", "CRDA", _LN, None, "Chief Executive Officer",
     ("2.18", "3.29", "3.28", "2.07"), "Australia"),
))  # fmt: skip
# Partner pools a theme can draw its counterpart from.
PARTNER_POOLS = {"ptn", "pts", "bpn", "kl", "bumn", "swasta", "ormas", "ln"}
POOL_TYPES = {"pts": _PT, "kl": _KL, "bumn": _BUMN, "swasta": _SWASTA, "ormas": _ORMAS, "ln": _LN}


@dataclass(frozen=True)
class Theme:
    """A kind of cooperation: its urusan, topic, owning office, usual counterparts and scope."""

    key: str
    urusan: tuple[str, ...]
    stem: str
    opd: str
    counterparts: tuple[str, ...]
    scope: tuple[str, ...]
    services: tuple[str, ...] = ()
    areas: bool = False  # the services are open only to the kecamatan nearest the provider
    weight: float = 1.0
    boost: float = 1.0  # weight factor in the reference year (JosPol service integration, Gratispol)
    dprd: float = 0.0  # share needing DPRD approval
    province_only: bool = False  # a provincial competence: the Kaltim party is the province
    campus: tuple[str, ...] = ()  # preferred real universities (short names)


# Counterpart kinds: neighbour, cross_border, prov_kabkota, pair, province, city_outside, or a partner pool.
THEMES = (
    Theme("adminduk_batas", ("2.12",), "Pelayanan Administrasi Kependudukan bagi Penduduk di Wilayah Perbatasan",
          "dukcapil", ("neighbour",),
          ("perekaman dan pencetakan KTP-el", "penerbitan kartu keluarga", "penerbitan akta kelahiran dan kematian",
           "pelayanan pindah datang penduduk", "pertukaran data kependudukan"),
          services=("adminduk",), areas=True, weight=7, boost=3),
    Theme("adminduk_integrasi", ("2.12",), "Integrasi Layanan Administrasi Kependudukan dan Pemanfaatan Data",
          "dukcapil", ("prov_kabkota", "pair", "bumn"),
          ("integrasi aplikasi layanan", "pemanfaatan data kependudukan", "jemput bola perekaman KTP-el",
           "peningkatan kapasitas petugas"), weight=4, boost=2),
    Theme("rujukan_batas", ("1.02",), "Pelayanan Kesehatan Rujukan bagi Penduduk di Wilayah Perbatasan",
          "dinkes", ("neighbour", "cross_border"),
          ("pelayanan rawat jalan dan rawat inap", "rujukan pasien antarfasilitas", "pelayanan gawat darurat",
           "pertukaran data pasien rujukan", "pembiayaan pelayanan bagi peserta jaminan kesehatan"),
          services=("rumah_sakit", "puskesmas"), areas=True, weight=6, boost=3),
    Theme("rsud", ("1.02",), "Pelayanan Kesehatan Rujukan dan Penguatan Rumah Sakit Umum Daerah",
          "dinkes", ("prov_kabkota",),
          ("rujukan ke rumah sakit umum daerah provinsi", "pendampingan dokter spesialis", "penguatan sistem rujukan"),
          services=("rumah_sakit",), weight=3, boost=2),
    Theme("nakes", ("1.02", "1.01"), "Pendidikan dan Pelatihan Tenaga Kesehatan", "dinkes", ("ptn", "pts"),
          ("praktik kerja lapangan mahasiswa", "pelatihan tenaga kesehatan", "penelitian kesehatan masyarakat"),
          weight=3, campus=("Poltekkes Kemenkes Kaltim", "Unmul")),
    Theme("stunting", ("1.02", "2.14"), "Percepatan Penurunan Stunting", "dinkes", ("ormas", "ptn", "prov_kabkota"),
          ("pendampingan keluarga berisiko stunting", "pemberian makanan tambahan", "pemantauan tumbuh kembang"),
          weight=3, boost=1.5, campus=("Unmul", "Poltekkes Kemenkes Kaltim")),
    Theme("tridharma", ("1.01",), "Pengembangan Sumber Daya Manusia dan Pelaksanaan Tri Dharma Perguruan Tinggi",
          "bappeda", ("ptn", "pts"),
          ("pendidikan dan pelatihan", "penelitian dan kajian kebijakan", "pengabdian kepada masyarakat",
           "magang mahasiswa"), weight=5, boost=2),
    Theme("sma_smk", ("1.01",), "Peningkatan Mutu Pendidikan Menengah dan Pendidikan Khusus", "disdik",
          ("prov_kabkota", "province"),
          ("penerimaan peserta didik dari wilayah perbatasan", "peningkatan kompetensi guru", "sarana dan prasarana"),
          services=("sma_smk",), weight=3, boost=1.5, province_only=True),
    Theme("kkn", ("1.01", "2.13"), "Kuliah Kerja Nyata Tematik dan Pendampingan Desa", "pmd", ("ptn", "pts"),
          ("penempatan mahasiswa KKN", "pendampingan perencanaan desa", "pemetaan potensi desa"), weight=3),
    Theme("jalan", ("1.03",), "Pembangunan dan Pemeliharaan Jalan Penghubung Antarwilayah", "pupr",
          ("prov_kabkota", "neighbour", "cross_border", "province"),
          ("pembangunan ruas jalan penghubung", "pemeliharaan jalan dan jembatan", "pembagian pembiayaan",
           "pengawasan teknis"), weight=5, dprd=0.35),
    Theme("banjir", ("1.03",), "Pengendalian Banjir dan Pengelolaan Sumber Daya Air", "pupr",
          ("neighbour", "kl", "prov_kabkota"),
          ("normalisasi sungai", "pembangunan polder dan pintu air", "sistem peringatan dini banjir"),
          weight=3, dprd=0.1),
    Theme("tata_ruang", ("1.03",), "Penyelarasan Rencana Tata Ruang di Wilayah Perbatasan", "pupr",
          ("neighbour", "cross_border"),
          ("sinkronisasi rencana tata ruang", "pemetaan kawasan perbatasan", "pengendalian pemanfaatan ruang"),
          weight=2),
    Theme("air_minum", ("1.04",), "Penyediaan Air Minum Lintas Wilayah", "perkim", ("neighbour", "bumn"),
          ("penyediaan air baku", "jaringan distribusi air minum", "tarif dan pembagian biaya"), weight=2, dprd=0.2),
    Theme("kumuh", ("1.04",), "Penanganan Kawasan Permukiman Kumuh", "perkim", ("prov_kabkota", "swasta"),
          ("pendataan kawasan kumuh", "peningkatan kualitas permukiman", "penyediaan prasarana dasar"), weight=2),
    Theme("bencana", ("1.05",), "Penanggulangan Bencana dan Pemadaman Kebakaran di Wilayah Perbatasan", "bpbd",
          ("neighbour",), ("bantuan personel dan peralatan", "latihan bersama", "posko bersama"), weight=2),
    Theme("sosial", ("1.06",), "Penanganan Penyandang Masalah Kesejahteraan Sosial", "dinsos",
          ("prov_kabkota", "province", "ormas"),
          ("pemulangan penyandang masalah sosial", "rehabilitasi sosial", "pendataan terpadu kesejahteraan sosial"),
          weight=2),
    Theme("naker", ("2.07",), "Pelatihan Vokasi dan Penempatan Tenaga Kerja Lokal", "naker",
          ("swasta", "bumn", "kl", "province"),
          ("pelatihan berbasis kompetensi", "sertifikasi tenaga kerja", "penempatan tenaga kerja lokal"), weight=3),
    Theme("anak", ("2.08",), "Pelindungan Perempuan dan Anak", "p3a", ("ormas", "prov_kabkota"),
          ("layanan pengaduan dan pendampingan korban", "rumah aman", "edukasi pencegahan kekerasan"), weight=2),
    Theme("pangan", ("2.09",), "Penguatan Cadangan dan Distribusi Pangan Antarwilayah", "pangan",
          ("province", "pair", "cross_border"),
          ("pasokan bahan pangan pokok", "cadangan pangan daerah", "pemantauan harga pangan"), weight=3),
    Theme("aset_tanah", ("2.10",), "Percepatan Pendaftaran dan Sertipikasi Tanah Aset Pemerintah Daerah", "bpkad",
          ("bpn",), ("inventarisasi aset tanah", "pengukuran dan pemetaan bidang", "penerbitan sertipikat"),
          weight=3),
    Theme("ptsl", ("2.10",), "Dukungan Pendaftaran Tanah Sistematis Lengkap", "perkim", ("bpn",),
          ("penyuluhan PTSL", "pengumpulan data yuridis", "dukungan anggaran desa"), weight=2),
    Theme("sampah", ("2.11",), "Pengelolaan Sampah Regional", "dlh", ("neighbour", "pair"),
          ("tempat pemrosesan akhir regional", "pengangkutan sampah", "pembagian biaya operasional"),
          weight=2, dprd=0.3),
    Theme("mahakam", ("2.11",), "Pengendalian Pencemaran dan Pemulihan Daerah Aliran Sungai Mahakam", "dlh",
          ("prov_kabkota", "ormas", "swasta"),
          ("pemantauan kualitas air", "penanaman vegetasi sempadan", "penegakan baku mutu limbah"), weight=2),
    Theme("desa", ("2.13",), "Pemberdayaan Masyarakat dan Pengembangan Desa Mandiri", "pmd",
          ("ormas", "ptn", "swasta"),
          ("pendampingan BUMDes", "pelatihan aparatur desa", "pengembangan produk unggulan desa"), weight=2),
    Theme("kb", ("2.14",), "Pengendalian Penduduk dan Keluarga Berencana", "kb", ("prov_kabkota", "kl"),
          ("pelayanan keluarga berencana", "pendataan keluarga", "kampung keluarga berkualitas"), weight=1),
    Theme("angkutan", ("2.15",), "Penyelenggaraan Angkutan Umum Antarwilayah", "dishub",
          ("neighbour", "pair", "bumn"), ("trayek angkutan antarwilayah", "terminal dan halte", "tarif terpadu"),
          weight=2),
    Theme("spbe", ("2.16",), "Penyelenggaraan Sistem Pemerintahan Berbasis Elektronik dan Integrasi Layanan Publik",
          "kominfo", ("prov_kabkota", "pair", "province", "swasta"),
          ("integrasi aplikasi layanan publik", "pusat data bersama", "jaringan intra pemerintah",
           "peningkatan kapasitas SDM TIK"), weight=5, boost=1.5),
    Theme("satu_data", ("2.20", "2.16"), "Penyelenggaraan Statistik Sektoral dan Satu Data", "kominfo",
          ("prov_kabkota", "kl"), ("standar data", "pertukaran data sektoral", "portal satu data"), weight=2),
    Theme("persandian", ("2.21",), "Pengamanan Informasi dan Persandian", "kominfo", ("prov_kabkota", "kl"),
          ("sertifikat elektronik", "pengamanan informasi", "tanggap insiden siber"), weight=1),
    Theme("umkm", ("2.17",), "Pengembangan Koperasi dan Usaha Mikro, Kecil dan Menengah", "koperasi",
          ("bumn", "swasta", "province", "pair"),
          ("pembiayaan usaha mikro", "pelatihan kewirausahaan", "pemasaran produk UMKM"), weight=3),
    Theme("investasi", ("2.18",), "Promosi dan Fasilitasi Penanaman Modal", "investasi", ("province", "ln", "bumn"),
          ("promosi peluang investasi", "fasilitasi perizinan", "pertukaran informasi investasi"),
          weight=2, dprd=0.1),
    Theme("olahraga", ("2.19",), "Pembinaan Olahraga Prestasi dan Kepemudaan", "dispora", ("pair", "province"),
          ("pembinaan atlet", "penyelenggaraan kejuaraan", "pertukaran pemuda"), weight=1),
    Theme("budaya", ("2.22",), "Pelestarian dan Pengembangan Kebudayaan Daerah", "budaya",
          ("province", "city_outside", "ln"),
          ("pertukaran misi kesenian", "pelestarian cagar budaya", "festival budaya bersama"), weight=2),
    Theme("arsip", ("2.23", "2.24"), "Pengembangan Perpustakaan dan Pengelolaan Arsip Daerah", "arsip",
          ("prov_kabkota", "ptn"), ("layanan perpustakaan digital", "alih media arsip", "pembinaan kearsipan"),
          weight=1),
    Theme("perikanan", ("3.25",), "Pengembangan Perikanan Tangkap dan Budidaya", "dkp",
          ("province", "neighbour", "swasta"),
          ("pengembangan budidaya perikanan", "pemasaran hasil perikanan", "pelatihan nelayan"), weight=3),
    Theme("pariwisata", ("3.26",), "Pengembangan Destinasi dan Promosi Pariwisata", "dispar",
          ("pair", "province", "city_outside", "swasta", "ln"),
          ("promosi pariwisata bersama", "paket wisata lintas daerah", "peningkatan kapasitas pelaku wisata"),
          weight=4),
    Theme("pertanian", ("3.27",), "Pengembangan Pertanian Tanaman Pangan dan Hortikultura", "distan",
          ("province", "ptn", "pair"),
          ("pengembangan benih unggul", "pendampingan kelompok tani", "alih teknologi pertanian"),
          weight=3, campus=("Politani", "Unmul")),
    Theme("peternakan", ("3.27",), "Pengembangan Peternakan dan Kesehatan Hewan", "disnak", ("province", "ptn", "kl"),
          ("pengadaan bibit ternak", "pelayanan kesehatan hewan", "inseminasi buatan"),
          weight=2, campus=("Politani",)),
    Theme("kehutanan", ("3.28",), "Perhutanan Sosial dan Rehabilitasi Hutan dan Lahan", "dishut",
          ("ormas", "kl", "swasta", "ln"),
          ("pendampingan kelompok perhutanan sosial", "rehabilitasi lahan kritis", "pencegahan kebakaran hutan"),
          weight=2, province_only=True),
    Theme("energi", ("3.29",), "Pemanfaatan Energi Baru Terbarukan dan Jaringan Gas Rumah Tangga", "esdm",
          ("bumn", "swasta", "ln"),
          ("pembangkit listrik tenaga surya desa", "jaringan gas rumah tangga", "kajian energi terbarukan"),
          weight=2, dprd=0.1, province_only=True),
    Theme("dagang", ("3.30",), "Perdagangan Antarwilayah dan Pengendalian Harga Kebutuhan Pokok", "perindag",
          ("province", "city_outside", "pair"),
          ("misi dagang", "pasokan kebutuhan pokok", "pemasaran produk unggulan daerah"), weight=3),
    Theme("industri", ("3.31",), "Pengembangan Kawasan Industri dan Hilirisasi Produk Unggulan", "perindag",
          ("swasta", "bumn", "ptn"),
          ("kajian kawasan industri", "hilirisasi produk unggulan", "pelatihan industri kecil"),
          weight=2, campus=("ITK", "Poltekba", "Polnes")),
    Theme("transmigrasi", ("3.32",), "Pengembangan Kawasan Transmigrasi", "naker", ("province", "kl"),
          ("penyiapan permukiman transmigrasi", "pengembangan usaha transmigran", "pelatihan transmigran"),
          weight=1, province_only=True),
    Theme("kota_kembar", ("1.01", "2.22"), "Kerja Sama Kota Kembar di Bidang Pendidikan dan Kebudayaan", "budaya",
          ("ln",), ("pertukaran pelajar dan guru", "pertukaran budaya", "kunjungan kerja"), weight=1),
)  # fmt: skip
KB_FRAMES = {  # topic of a Kesepakatan Bersama by its counterpart
    "province": "Kerja Sama Pembangunan Antardaerah",
    "prov_kabkota": "Sinergi Pembangunan Daerah dan Pelayanan Publik",
    "pair": "Kerja Sama Pembangunan Daerah",
    "neighbour": "Kerja Sama Pelayanan Publik dan Pembangunan di Wilayah Perbatasan",
    "ptn": "Kerja Sama di Bidang Pendidikan, Penelitian dan Pengabdian kepada Masyarakat",
}
DOC_TITLES = {
    DocumentType.KB: "Kesepakatan Bersama",
    DocumentType.PKS: "Perjanjian Kerja Sama",
    DocumentType.NK: "Nota Kesepakatan",
    DocumentType.MOU: "Memorandum of Understanding",
    DocumentType.LOI: "Letter of Intent",
    DocumentType.ADENDUM: "Adendum",
}
FRAMEWORK_DOCS = (DocumentType.KB, DocumentType.NK, DocumentType.MOU, DocumentType.LOI)
AMOUNTS_MILLION = (50, 75, 100, 150, 200, 250, 350, 500, 750, 1000, 1500, 2500, 5000)
TERMINATION_REASONS = (
    "Diakhiri atas kesepakatan para pihak karena program tidak lagi menjadi prioritas daerah",
    "Diakhiri karena kewenangan urusan beralih setelah perubahan peraturan",
    "Diakhiri karena mitra tidak memenuhi kewajiban sesuai perjanjian",
    "Diakhiri karena anggaran pelaksanaan tidak tersedia",
)
REJECTION_REASONS = (
    "Ditolak: hasil kajian TKKSD menyatakan kerja sama belum layak",
    "Ditolak: objek kerja sama bukan kewenangan daerah",
    "Ditolak: rancangan tidak memuat rincian pembiayaan",
    "Ditolak: tumpang tindih dengan kerja sama yang masih berlaku",
)


# Planning -----------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Party:
    pihak_id: int
    role: str = PartyRole.MITRA
    service_role: str = ServiceRole.TIMBAL_BALIK
    signatory_title: str = ""
    number: str = ""


@dataclass(eq=False)
class _Spec:
    """One planned agreement; links to other specs are resolved to ids when written."""

    title: str
    document_type: str
    parties: list[_Party]
    urusan: tuple[str, ...]
    stem: str = ""
    subject: str = ""
    scope: str = ""
    opd: tuple[str, str, str] | None = None  # (region code, name, short name)
    signed_on: dt.date | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    terminated_on: dt.date | None = None
    funding_source: str = ""
    funding_amount: Decimal | None = None
    dprd_required: bool = False
    dprd_reference: str = ""
    parent: "_Spec | None" = None
    amends: "_Spec | None" = None
    change_kind: str = ""
    services: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    is_public: bool = True
    note: str = ""
    anchor: bool = False
    offer: bool = False
    # For agreements not yet signed: the stage reached and when preparation began.
    prep_stage: str = ""
    prepared_on: dt.date | None = None
    rejected_note: str = ""
    # What happened after signing.
    unimplemented: bool = False
    keep_running: bool = False  # expired but nobody closed it (a real failure mode)
    finished_on: dt.date | None = None
    evaluated_on: dt.date | None = None
    reviewed_on: dt.date | None = None  # evaluated and sent back to implementation
    terminated_note: str = ""
    children: list = field(default_factory=list)
    successors: list = field(default_factory=list)
    stage: str = Stage.PERSIAPAN
    history: list = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return self.signed_on is not None

    @property
    def linked(self) -> bool:
        return bool(self.children or self.successors or self.parent or self.amends)

    @property
    def extended_on(self) -> dt.date | None:
        dates = [spec.signed_on for spec in self.successors if spec.change_kind == ChangeKind.PERPANJANGAN]
        dates = [day for day in dates if day is not None]
        return min(dates) if dates else None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _rupiah(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


class _Reference:
    """The reference data the planner needs, read once."""

    def __init__(self) -> None:
        from kerjasama.regions.choices import GOVERNMENT_LEVELS, RegionLevel
        from kerjasama.regions.models import Pihak, Region, ServiceType, Urusan

        self.regions = {
            code: (name, level, lat, lon)
            for code, name, level, lat, lon in Region.objects.filter(level__in=GOVERNMENT_LEVELS)
            .order_by("code")
            .values_list("code", "name", "level", "lat", "lon")
        }
        self.kecamatan: dict[str, list[tuple[str, str, float | None, float | None]]] = {}
        for code, name, lat, lon in (
            Region.objects.filter(level=RegionLevel.KECAMATAN, code__startswith=f"{KALTIM}.")
            .order_by("code")
            .values_list("code", "name", "lat", "lon")
        ):
            self.kecamatan.setdefault(code.rsplit(".", 1)[0], []).append((code, name, lat, lon))
        self.kecamatan_names = {code: name for rows in self.kecamatan.values() for code, name, _a, _b in rows}
        self.pihak_by_region = dict(Pihak.objects.filter(region__isnull=False).values_list("region_id", "pk"))
        # Partners by short name and by full name: (pihak id, name, type, location code).
        self.partners: dict[str, tuple[int, str, str, str | None]] = {}
        self.partner_names: dict[int, str] = {}
        self.partner_short: dict[int, str] = {}
        for pk, name, short, ptype, region in Pihak.objects.filter(partner__isnull=False).values_list(
            "pk", "partner__name", "partner__short_name", "partner__partner_type", "partner__region_id"
        ):
            self.partners[name] = (pk, name, ptype, region)
            self.partners.setdefault(short or name, (pk, name, ptype, region))
            self.partner_names[pk] = name
            self.partner_short[pk] = short or name
        self.region_of_pihak = {pk: code for code, pk in self.pihak_by_region.items()}
        self.urusan = dict(Urusan.objects.values_list("code", "pk"))
        self.services = dict(ServiceType.objects.values_list("code", "pk"))
        self.kaltim_kabkota = sorted(
            code for code, (_n, level, _a, _b) in self.regions.items() if code.startswith(f"{KALTIM}.")
        )
        wanted_regions = {KALTIM, *OTHER_PROVINCES, *OUTSIDE_CITIES, *(b for _a, b in CROSS_BORDER)}
        missing = [code for code in sorted(wanted_regions) if code not in self.pihak_by_region]
        missing += [short for short in REFERENCE_PARTNERS if short not in self.partners]
        if not self.urusan or not self.services or len(self.kaltim_kabkota) < 10 or missing:
            raise DemoError(
                _("The reference data is missing (%(missing)s): run “kerjasama setup” first.")
                % {"missing": ", ".join(missing) or _("regions, urusan or service types")}
            )

    def region_code(self, pihak_id: int) -> str | None:
        return self.region_of_pihak.get(pihak_id)

    def name(self, pihak_id: int) -> str:
        """How a party is named in a title: "Pemerintah Kabupaten Paser", "Universitas Mulawarman"."""
        code = self.region_code(pihak_id)
        if code is None:
            return self.partner_names[pihak_id]
        name, level, _lat, _lon = self.regions[code]
        return f"Pemerintah Provinsi {name}" if level == "provinsi" else f"Pemerintah {name}"

    def head(self, pihak_id: int) -> str:
        """The title of the head of a region, or of the leader of a partner."""
        code = self.region_code(pihak_id)
        if code is None:
            name = self.partner_names[pihak_id]
            for synthetic in SYNTHETIC_PARTNERS:
                if synthetic.name == name:
                    return f"{synthetic.signatory} {name}"
            if name.startswith("Kanwil BPN"):
                return "Kepala Kantor Wilayah Badan Pertanahan Nasional Provinsi Kalimantan Timur"
            if name.startswith(("Universitas", "Institut", "UIN")):
                return f"Rektor {name}"
            return f"Direktur {name}"
        name, level, _lat, _lon = self.regions[code]
        if level == "provinsi":
            return f"Gubernur {name}"
        if level == "kabupaten":
            return f"Bupati {name.removeprefix('Kabupaten ')}"
        return f"Wali Kota {name.removeprefix('Kota ')}"

    def opd(self, kind: str, region: str) -> tuple[str, str, str]:
        """The perangkat daerah of ``kind`` in a Kaltim ``region``: (region, name, short name)."""
        prov_name, prov_short, kab_name, kab_short = OPD_KINDS[kind]
        name, level, _lat, _lon = self.regions[region]
        if level == "provinsi":
            return (region, f"{prov_name} Provinsi {name}", f"{prov_short} {KALTIM_SHORT.get(region, name)}")
        return (region, f"{kab_name} {name}", f"{kab_short} {KALTIM_SHORT.get(region, name)}")

    def nearest_kecamatan(self, receiver: str, provider: str, count: int) -> tuple[str, ...]:
        """The ``count`` kecamatan of ``receiver`` closest to the centre of ``provider``."""
        _name, _level, lat, lon = self.regions[provider]
        rows = [row for row in self.kecamatan.get(receiver, []) if row[2] is not None and row[3] is not None]
        if lat is None or lon is None or not rows:
            return ()
        rows.sort(key=lambda row: ((row[2] - lat) ** 2 + (row[3] - lon) ** 2, row[0]))
        return tuple(row[0] for row in rows[:count])


class _Planner:
    """Draws the demo register from the seed: anchors first, then each year filled to its count."""

    def __init__(self, seed: int, day: dt.date, ref: _Reference) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.day = day
        self.ref = ref
        self.specs: list[_Spec] = []
        self.counts: Counter = Counter()
        self.targets: dict[int, int] = {}
        self.current_year = 0
        self.kaltim = ref.pihak_by_region[KALTIM]

    # Bookkeeping ----------------------------------------------------------------------------------

    def add(self, spec: _Spec) -> _Spec:
        if spec.signed_on is not None:
            if spec.signed_on > self.day:
                raise DemoError(f"Planned signing after the reference date: {spec.title}")
            self.counts[spec.signed_on.year] += 1
        self.specs.append(spec)
        return spec

    def room(self, year: int) -> int:
        """Signed agreements that may still be placed in ``year`` (later years keep room to fill)."""
        reserve = 0 if year <= self.current_year else 25
        return self.targets.get(year, 0) - self.counts[year] - reserve

    def workday(self, day: dt.date, low: dt.date | None = None) -> dt.date:
        """``day`` moved back to a weekday (forward when that would go below ``low``)."""
        moved = day
        while moved.weekday() >= 5:
            moved -= dt.timedelta(days=1)
        if low is not None and moved < low:
            moved = day
            while moved.weekday() >= 5:
                moved += dt.timedelta(days=1)
        return moved

    def between(self, low: dt.date, high: dt.date) -> dt.date:
        return low + dt.timedelta(days=self.rng.randint(0, max(0, (high - low).days)))

    def signing_day(self, year: int) -> dt.date:
        low = dt.date(year, 1, 6)
        high = min(dt.date(year, 12, 23), self.day)
        return min(self.workday(self.between(low, high), low), self.day)

    # Building blocks -------------------------------------------------------------------------------

    def party_ids(self, kind: str, theme: Theme | None = None) -> list[int]:
        """The parties for a counterpart kind, the Kaltim side first."""
        rng, ref = self.rng, self.ref
        by_region = ref.pihak_by_region
        if kind == "neighbour":
            pairs = list(KALTIM_NEIGHBOURS)
            if theme is not None and theme.areas:
                pairs = [pair for pair in pairs if pair not in ANCHORED_SERVICE_PAIRS]
            first, second = rng.choice(pairs)
            if rng.random() < 0.5:
                first, second = second, first
            return [by_region[first], by_region[second]]
        if kind == "cross_border":
            first, second = rng.choice(CROSS_BORDER)
            return [by_region[first], by_region[second]]
        if kind == "prov_kabkota":
            return [self.kaltim, by_region[rng.choice(ref.kaltim_kabkota)]]
        if kind == "pair":
            first, second = rng.sample(ref.kaltim_kabkota, 2)
            return [by_region[first], by_region[second]]
        if kind == "province":
            # A new framework KB with Jatim, DIY or Kaltara would duplicate their anchored KB.
            provinces = (
                OTHER_PROVINCES if theme is not None else [p for p in OTHER_PROVINCES if p not in ("35", "34", "65")]
            )
            return [self.kaltim, by_region[rng.choice(provinces)]]
        if kind == "city_outside":
            return [by_region[rng.choice(ref.kaltim_kabkota)], by_region[rng.choice(OUTSIDE_CITIES)]]
        partner, region = self.partner(kind, theme)
        if theme is not None and theme.province_only:
            side = KALTIM
        else:
            roll = rng.random()
            if roll < 0.45 or region is None:
                side = KALTIM
            elif roll < 0.75 and region.startswith(f"{KALTIM}."):
                side = region
            else:
                side = rng.choice(ref.kaltim_kabkota)
        return [by_region[side], partner]

    def partner(self, pool: str, theme: Theme | None) -> tuple[int, str | None]:
        """A partner of ``pool`` suited to ``theme``: (pihak id, location code)."""
        rng, ref = self.rng, self.ref
        if pool == "bpn":
            pihak, _name, _type, region = ref.partners["Kanwil BPN Kaltim"]
            return pihak, region
        if pool == "ptn":
            names = list(theme.campus) if theme is not None and theme.campus else list(REFERENCE_PARTNERS[:7])
            pihak, _name, _type, region = ref.partners[rng.choice(names)]
            return pihak, region
        candidates = [p for p in SYNTHETIC_PARTNERS if p.partner_type == POOL_TYPES[pool]]
        if theme is not None:
            suited = [p for p in candidates if set(p.sectors) & set(theme.urusan)]
            candidates = suited or candidates
        chosen = rng.choice(candidates)
        pihak, _name, _type, region = ref.partners[chosen.name]
        return pihak, region

    def document_type(self, kind: str) -> str:
        if kind == "ln":
            return DocumentType.MOU if self.rng.random() < 0.7 else DocumentType.LOI
        if kind == "kl":
            return DocumentType.NK
        return DocumentType.KB if self.rng.random() < 0.08 else DocumentType.PKS

    def dates(self, signed: dt.date, document_type: str, limit: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """Start and end for an agreement signed on ``signed`` (at most five years, ``limit`` at most)."""
        rng = self.rng
        start = signed
        if rng.random() < 0.2:
            start = (signed.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        if document_type in (DocumentType.KB, DocumentType.NK, DocumentType.MOU):
            years = rng.choice((3, 5, 5))
        elif document_type == DocumentType.LOI:
            years = 1
        else:
            years = rng.choices((1, 2, 3, 5), weights=(2, 3, 3, 2))[0]
        if start.month <= 3 and rng.random() < 0.5:
            end = dt.date(start.year + years - 1, 12, 31)  # to the end of a budget year
        else:
            end = _add_years(start, years) - dt.timedelta(days=1)
        end = max(end, start + dt.timedelta(days=180))
        return start, min(end, limit) if limit is not None else end

    def funding(self, kind: str, document_type: str, theme: Theme | None) -> tuple[str, Decimal | None]:
        rng = self.rng
        if document_type in (DocumentType.KB, DocumentType.LOI) or rng.random() < 0.2:
            return FundingSource.TANPA_BIAYA, None
        if kind == "kl":
            source = rng.choice((FundingSource.APBN, FundingSource.APBN, FundingSource.APBD_PROVINSI))
        elif kind in PARTNER_POOLS:
            source = rng.choice((FundingSource.MITRA, FundingSource.APBD_PROVINSI, FundingSource.APBD_KABKOTA))
        else:
            source = rng.choice((FundingSource.APBD_BERSAMA, FundingSource.APBD_PROVINSI, FundingSource.APBD_KABKOTA))
        if rng.random() < 0.35:
            return source, None
        millions = rng.choice(AMOUNTS_MILLION)
        if theme is not None and theme.key in ("jalan", "banjir", "air_minum", "sampah"):
            millions *= 10
        return source, Decimal(millions * 1_000_000)

    def dprd_reference(self, spec: _Spec, signed: dt.date) -> str:
        """A DPRD approval reference of the first (Kaltim) party, dated before signing."""
        code = self.ref.region_code(spec.parties[0].pihak_id) or KALTIM
        name, level, _lat, _lon = self.ref.regions[code]
        body = f"DPRD Provinsi {name}" if level == "provinsi" else f"DPRD {name}"
        year = (signed - dt.timedelta(days=30)).year
        return f"Keputusan {body} Nomor {self.rng.randint(2, 40)} Tahun {year} ({NUMBER_MARKER.lower()})"

    def title(self, document_type: str, parties: list[_Party], stem: str) -> str:
        names = [self.ref.name(p.pihak_id) for p in parties if p.role != PartyRole.FASILITATOR]
        joined = " dan ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
        return f"{DOC_TITLES[document_type]} antara {joined} tentang {stem}"[:500]

    def services(self, theme: Theme, kind: str, parties: list[_Party]) -> tuple[tuple[str, ...], str]:
        """Set service roles on ``parties``; returns the service areas and a sentence on who serves whom."""
        codes = [self.ref.region_code(p.pihak_id) for p in parties]
        if not theme.services:
            return (), ""
        if not theme.areas or kind not in ("neighbour", "cross_border") or None in codes:
            if kind == "prov_kabkota":
                parties[0].service_role = ServiceRole.PENYEDIA
                parties[1].service_role = ServiceRole.PENERIMA
            return (), ""
        if kind == "cross_border":
            receiver, provider = 0, 1  # residents of the Kaltim kabupaten use the neighbour's services
        elif self.rng.random() < 0.25:
            first = self.ref.nearest_kecamatan(codes[0], codes[1], 1)
            second = self.ref.nearest_kecamatan(codes[1], codes[0], 1)
            return first + second, "Layanan timbal balik bagi penduduk kecamatan yang berbatasan."
        else:
            receiver, provider = self.rng.sample((0, 1), 2)
        parties[receiver].service_role = ServiceRole.PENERIMA
        parties[provider].service_role = ServiceRole.PENYEDIA
        areas = self.ref.nearest_kecamatan(codes[receiver], codes[provider], self.rng.choice((1, 1, 2)))
        names = " dan ".join(f"Kecamatan {self.ref.kecamatan_names[code]}" for code in areas)
        provider_name = self.ref.regions[codes[provider]][0]
        return areas, f"{provider_name} membuka layanan bagi penduduk {names}."

    def make(
        self,
        theme: Theme,
        kind: str,
        signed: dt.date | None,
        pihak_ids: list[int] | None = None,
        document_type: str | None = None,
        parent: _Spec | None = None,
    ) -> _Spec:
        """A spec for ``theme`` (signed on ``signed``, or in preparation when ``None``)."""
        rng = self.rng
        ids = pihak_ids or self.party_ids(kind, theme)
        document_type = document_type or self.document_type(kind)
        parties = [
            _Party(pihak_id, PartyRole.PEMRAKARSA if i == 0 else PartyRole.MITRA) for i, pihak_id in enumerate(ids)
        ]
        areas, service_note = self.services(theme, kind, parties)
        owner = self.ref.region_code(ids[0]) or KALTIM
        if not owner.startswith(KALTIM):
            owner = KALTIM
        if theme.province_only:
            owner = KALTIM
        scope_items = [item for item in theme.scope if rng.random() < 0.7] or list(theme.scope[:2])
        spec = _Spec(
            title=self.title(document_type, parties, theme.stem),
            document_type=document_type,
            parties=parties,
            urusan=theme.urusan,
            stem=theme.stem,
            subject=f"{theme.stem}. {service_note}".strip(),
            scope="Ruang lingkup: " + "; ".join(scope_items) + ".",
            opd=self.ref.opd(theme.opd, owner),
            services=theme.services,
            areas=areas,
            parent=parent,
            offer=rng.random() < 0.5,
        )
        spec.funding_source, spec.funding_amount = self.funding(kind, document_type, theme)
        spec.dprd_required = kind == "ln" or rng.random() < theme.dprd
        if signed is not None:
            self.sign(spec, signed, limit=parent.end_on if parent is not None else None)
        return spec

    def sign(self, spec: _Spec, signed: dt.date, limit: dt.date | None = None) -> None:
        spec.signed_on = signed
        spec.start_on, spec.end_on = self.dates(signed, spec.document_type, limit)
        if spec.dprd_required:
            spec.dprd_reference = self.dprd_reference(spec, signed)
        self.signatories(spec)

    def signatories(self, spec: _Spec) -> None:
        """Heads of region sign frameworks; an office head may sign a PKS for its own region."""
        for index, party in enumerate(spec.parties):
            if (
                index == 0
                and spec.opd is not None
                and spec.document_type in (DocumentType.PKS, DocumentType.ADENDUM)
                and self.ref.region_code(party.pihak_id) == spec.opd[0]
                and self.rng.random() < 0.6
            ):
                party.signatory_title = f"Kepala {spec.opd[1]}"
            else:
                party.signatory_title = self.ref.head(party.pihak_id)

    def theme(self, year: int) -> Theme:
        boost = year == self.day.year
        weights = [theme.weight * (theme.boost if boost else 1.0) for theme in THEMES]
        return self.rng.choices(THEMES, weights=weights)[0]

    # Plan ------------------------------------------------------------------------------------------

    def plan(self) -> list[_Spec]:
        rng = self.rng
        years = range(FIRST_YEAR, self.day.year + 1)
        self.targets = {year: rng.randint(*YEARLY_SIGNED) for year in years if year < self.day.year}
        self.targets[self.day.year] = REFERENCE_YEAR_SIGNED
        self.anchors()
        for year in years:
            self.current_year = year
            while self.counts[year] < self.targets[year]:
                if rng.random() < 0.08:
                    self.kb_family(year)
                else:
                    self.generic(year)
        self.current_year = self.day.year
        self.pipeline()
        self.fates()
        for spec in self.specs:
            self.settle_stage(spec)
        self.number()
        for spec in self.specs:
            spec.history = self.history(spec)
        wrong = {year: self.counts[year] for year in years if self.counts[year] != self.targets[year]}
        if wrong:
            raise DemoError(f"Planned counts {wrong} differ from the targets {self.targets}")
        return self.specs

    def generic(self, year: int) -> None:
        theme = self.theme(year)
        kind = self.rng.choice(theme.counterparts)
        spec = self.add(self.make(theme, kind, self.signing_day(year)))
        roll = self.rng.random()
        if spec.document_type == DocumentType.PKS and roll < 0.08:
            self.extend(spec)
        elif spec.document_type == DocumentType.PKS and roll < 0.13:
            self.addendum(spec)

    def kb_family(self, year: int) -> None:
        """A Kesepakatan Bersama and the PKS that implement it (sometimes none yet)."""
        rng = self.rng
        kind = rng.choice(tuple(KB_FRAMES))
        ids = self.party_ids(kind)
        has_province = self.kaltim in ids
        themes = [
            theme
            for theme in THEMES
            if kind in theme.counterparts and (has_province or not theme.province_only) and not theme.areas
        ]
        if kind == "neighbour":
            themes += [
                theme
                for theme in THEMES
                if theme.areas and tuple(sorted(self.codes(ids))) not in ANCHORED_SERVICE_PAIRS
            ]
        chosen = rng.sample(themes, min(len(themes), rng.choice((1, 2, 3, 3))))
        children = rng.choice((0, 1, 1, 2, 2, 3))
        parties = [
            _Party(pihak_id, PartyRole.PEMRAKARSA if i == 0 else PartyRole.MITRA) for i, pihak_id in enumerate(ids)
        ]
        if kind in ("neighbour", "pair") and rng.random() < 0.3:
            parties.append(_Party(self.kaltim, PartyRole.FASILITATOR))
        owner = self.ref.region_code(ids[0]) or KALTIM
        stem = KB_FRAMES[kind]
        kb = _Spec(
            title=self.title(DocumentType.KB, parties, stem),
            document_type=DocumentType.KB,
            parties=parties,
            urusan=tuple(sorted({code for theme in chosen for code in theme.urusan})),
            stem=stem,
            subject=f"{stem}: " + "; ".join(theme.stem for theme in chosen) + ".",
            scope="Ruang lingkup: " + "; ".join(theme.scope[0] for theme in chosen) + ".",
            opd=self.ref.opd("pod", owner),
            funding_source=FundingSource.TANPA_BIAYA,
            offer=rng.random() < 0.6,
        )
        signed = self.signing_day(year)
        self.sign(kb, signed)
        kb.end_on = max(kb.end_on, _add_years(kb.start_on, 3) - dt.timedelta(days=1))
        self.add(kb)
        for theme in chosen[:children]:
            day = self.workday(self.between(signed, signed + dt.timedelta(days=150)), signed)
            day = min(day, dt.date(year, 12, 31), self.day)
            if self.room(year) <= 0:
                break
            child = self.make(theme, kind, day, pihak_ids=list(ids), document_type=DocumentType.PKS, parent=kb)
            kb.children.append(child)
            self.add(child)

    def codes(self, ids: list[int]) -> list[str | None]:
        return [self.ref.region_code(pihak_id) for pihak_id in ids]

    def extend(self, old: _Spec) -> None:
        """An extension signed shortly before ``old`` ends (still in preparation when that is after today)."""
        rng = self.rng
        day = self.workday(old.end_on - dt.timedelta(days=rng.randint(5, 60)))
        if day <= old.signed_on:
            return
        stem = f"Perpanjangan {old.stem}"
        new = _Spec(
            title=self.title(old.document_type, old.parties, stem),
            document_type=old.document_type,
            parties=[_Party(p.pihak_id, p.role, p.service_role) for p in old.parties],
            urusan=old.urusan,
            stem=stem,
            subject=old.subject,
            scope=old.scope,
            opd=old.opd,
            funding_source=old.funding_source,
            funding_amount=old.funding_amount,
            dprd_required=old.dprd_required,
            amends=old,
            change_kind=ChangeKind.PERPANJANGAN,
            services=old.services,
            areas=old.areas,
        )
        if day > self.day:
            if (old.end_on - self.day).days > 120:
                return
            new.prep_stage = Stage.PERJANJIAN_KERJA_SAMA
            new.prepared_on = max(old.signed_on, self.day - dt.timedelta(days=rng.randint(20, 90)))
        else:
            if self.room(day.year) <= 0:
                return
            self.sign(new, day)
            new.start_on = old.end_on + dt.timedelta(days=1)
            new.end_on = _add_years(new.start_on, rng.choice((2, 3))) - dt.timedelta(days=1)
        old.successors.append(new)
        self.add(new)

    def addendum(self, old: _Spec) -> None:
        """An addendum changing ``old`` during its term; it ends with it."""
        low = old.start_on + dt.timedelta(days=180)
        high = min(old.end_on - dt.timedelta(days=60), self.day)
        if high <= low:
            return
        day = self.workday(self.between(low, high), low)
        if day > self.day or self.room(day.year) <= 0:
            return
        new = _Spec(
            title=f"Adendum Pertama atas {old.title}"[:500],
            document_type=DocumentType.ADENDUM,
            parties=[_Party(p.pihak_id, p.role, p.service_role) for p in old.parties],
            urusan=old.urusan,
            stem=old.stem,
            subject=f"Perubahan ruang lingkup dan rincian pelaksanaan: {old.stem}.",
            scope=old.scope,
            opd=old.opd,
            funding_source=old.funding_source,
            funding_amount=old.funding_amount,
            amends=old,
            change_kind=ChangeKind.ADENDUM,
            services=old.services,
            areas=old.areas,
        )
        self.sign(new, day)
        new.start_on, new.end_on = day, old.end_on
        old.successors.append(new)
        self.add(new)

    def pipeline(self) -> None:
        """Agreements still being prepared, and some rejected ones: none has a signing date."""
        rng = self.rng
        stages = (
            (Stage.PERSIAPAN, 6), (Stage.PENAWARAN, 5), (Stage.KESEPAKATAN_BERSAMA, 4),
            (Stage.PERSETUJUAN_DPRD, 3), (Stage.PERJANJIAN_KERJA_SAMA, 6), (Stage.PENANDATANGANAN, 4),
        )  # fmt: skip
        for index in range(rng.randint(25, 40) + rng.randint(5, 9)):
            rejected = index < 5 or rng.random() < 0.05
            theme = self.theme(self.day.year)
            kind = rng.choice(theme.counterparts)
            spec = self.make(theme, kind, None)
            stage = rng.choices([s for s, _w in stages], weights=[w for _s, w in stages])[0]
            if stage == Stage.KESEPAKATAN_BERSAMA and spec.document_type not in FRAMEWORK_DOCS:
                stage = Stage.PERJANJIAN_KERJA_SAMA
            elif stage == Stage.PERJANJIAN_KERJA_SAMA and spec.document_type in FRAMEWORK_DOCS:
                stage = Stage.KESEPAKATAN_BERSAMA
            if stage == Stage.PENAWARAN:
                spec.offer = True
            if stage == Stage.PERSETUJUAN_DPRD:
                spec.dprd_required = True  # waiting for the approval, so no reference yet
            spec.prep_stage = stage
            spec.prepared_on = self.day - dt.timedelta(days=rng.randint(20, 420))
            if spec.dprd_required and stage == Stage.PENANDATANGANAN:
                spec.dprd_reference = self.dprd_reference(spec, self.day)  # approved before signing is prepared
            if rejected:
                spec.rejected_note = rng.choice(REJECTION_REASONS)
            self.add(spec)

    def fates(self) -> None:
        """What became of signed agreements: terminated, never implemented, in evaluation, completed."""
        rng, day = self.rng, self.day
        signed = [s for s in self.specs if s.signed and not s.anchor and s.start_on is not None]
        free = [s for s in signed if not s.linked]
        terminable = [s for s in free if (day - s.start_on).days > 150]
        for spec in rng.sample(terminable, min(len(terminable), rng.randint(4, 8))):
            last = min(spec.end_on, day) - dt.timedelta(days=1)
            spec.terminated_on = self.between(spec.start_on + dt.timedelta(days=120), last)
            spec.terminated_note = rng.choice(TERMINATION_REASONS)
        open_ = [s for s in signed if s.terminated_on is None and not s.children and not s.successors and not s.amends]
        for spec in rng.sample(open_, min(len(open_), rng.randint(8, 14))):
            spec.unimplemented = True
        for spec in signed:
            if spec.terminated_on or spec.unimplemented:
                continue
            if spec.start_on <= day - dt.timedelta(days=300) and rng.random() < 0.2:
                high = min(spec.end_on, day) - dt.timedelta(days=60)
                low = spec.start_on + dt.timedelta(days=180)
                if high > low:
                    spec.reviewed_on = self.between(low, high)
        running = [
            s
            for s in signed
            if not (s.terminated_on or s.unimplemented or s.successors)
            and s.start_on <= day - dt.timedelta(days=200)
            and s.end_on >= day
        ]
        for spec in rng.sample(running, min(len(running), rng.randint(12, 25))):
            low = max(
                spec.start_on + dt.timedelta(days=180), (spec.reviewed_on or spec.start_on) + dt.timedelta(days=60)
            )
            if low < day:
                spec.evaluated_on = self.between(low, day - dt.timedelta(days=1))
        for spec in self.specs:  # completion, in list order so an addendum follows what it amends
            if not spec.signed or spec.terminated_on or spec.unimplemented or spec.extended_on:
                continue
            if spec.change_kind == ChangeKind.ADENDUM and spec.amends is not None:
                spec.finished_on = spec.amends.finished_on
                spec.keep_running = spec.amends.keep_running
                continue
            finished = spec.end_on + dt.timedelta(days=rng.randint(1, 60))
            if spec.end_on >= day or finished > day or spec.keep_running:
                continue
            if not spec.anchor and rng.random() < 0.2:
                spec.keep_running = True
            else:
                spec.finished_on = finished
        candidates = [s for s in self.specs if not s.anchor]
        for spec in rng.sample(candidates, min(len(candidates), rng.randint(15, 28))):
            spec.is_public = False

    def settle_stage(self, spec: _Spec) -> None:
        if not spec.signed:
            spec.stage = Stage.DITOLAK if spec.rejected_note else spec.prep_stage
        elif spec.unimplemented:
            spec.stage = Stage.PENANDATANGANAN
        elif spec.terminated_on:
            spec.stage = Stage.DIAKHIRI
        elif spec.extended_on:
            spec.stage = Stage.DIPERPANJANG
        elif spec.finished_on:
            spec.stage = Stage.SELESAI
        elif spec.evaluated_on and not spec.keep_running:
            spec.stage = Stage.EVALUASI
        else:
            spec.stage = Stage.PELAKSANAAN

    def number(self) -> None:
        """Each party numbers its signed agreements in signing order: ``180/017/KSD-6402/CONTOH/2025``."""
        sequence: Counter = Counter()
        order = sorted((s for s in self.specs if s.signed), key=lambda s: s.signed_on)
        for spec in order:
            year = spec.signed_on.year
            for party in spec.parties:
                if party.role == PartyRole.FASILITATOR:
                    continue
                sequence[party.pihak_id, year] += 1
                seq = sequence[party.pihak_id, year]
                code = self.ref.region_code(party.pihak_id)
                if code is not None:
                    party.number = f"180/{seq:03d}/KSD-{code.replace('.', '')}/{NUMBER_MARKER}/{year}"
                else:
                    short = self.ref.partner_short[party.pihak_id]
                    party.number = f"{seq:03d}/{short.replace(' ', '.')}/HK/{NUMBER_MARKER}/{year}"

    # Anchors ---------------------------------------------------------------------------------------

    def anchor(self, spec: _Spec) -> _Spec:
        spec.anchor = True
        return self.add(spec)

    def anchor_spec(
        self,
        document_type: str,
        codes: list[str],
        stem: str,
        urusan: tuple[str, ...],
        opd: str,
        signed: dt.date | None,
        end: dt.date | None,
        *,
        start: dt.date | None = None,
        parent: _Spec | None = None,
        note: str = "",
        **fields,
    ) -> _Spec:
        """A hand-placed agreement; ``codes`` are region codes or partner (short) names, Kaltim side first."""
        ids = [self.ref.pihak_by_region.get(code) or self.ref.partners[code][0] for code in codes]
        parties = [
            _Party(pihak_id, PartyRole.PEMRAKARSA if i == 0 else PartyRole.MITRA) for i, pihak_id in enumerate(ids)
        ]
        owner = self.ref.region_code(ids[0]) or KALTIM
        spec = _Spec(
            title=fields.pop("title", None) or self.title(document_type, parties, stem),
            document_type=document_type,
            parties=parties,
            urusan=urusan,
            stem=stem,
            subject=fields.pop("subject", f"{stem}."),
            opd=self.ref.opd(opd, owner),
            signed_on=signed,
            start_on=(start or signed) if signed else None,
            end_on=end,
            parent=parent,
            note=note,
            offer=True,
            **fields,
        )
        if spec.funding_source == "":
            spec.funding_source = (
                FundingSource.TANPA_BIAYA if document_type == DocumentType.KB else FundingSource.APBD_BERSAMA
            )
        if signed is not None:
            self.signatories(spec)
        if parent is not None:
            parent.children.append(spec)
        return self.anchor(spec)

    def anchors(self) -> None:
        """Agreements modelled on reported Kaltim agreements, and the Samboja and Anggana services."""
        d, one_day, rng = dt.date, dt.timedelta(days=1), self.rng
        # Gratispol: Pemprov Kaltim and the seven public universities, 16 Jun 2025 (domain brief 4.3, 4.4), and
        # private universities on 7 Jul 2025, for which fictitious ones stand in (the 46 real PTS are not named).
        public = [(self.ref.partners[short][1], students, d(2025, 6, 16)) for short, students in GRATISPOL_NEW_STUDENTS]
        private = [(p.name, rng.randint(150, 900), d(2025, 7, 7)) for p in SYNTHETIC_PARTNERS if p.partner_type == _PT]
        for name, students, signed in public + private:
            self.anchor_spec(
                DocumentType.PKS, [KALTIM, name], "", ("1.01",), "kesra", signed, _add_years(signed, 5) - one_day,
                title="Perjanjian Kerja Sama Pembiayaan UKT Program Gratispol bagi Mahasiswa Baru Tahun Akademik "
                f"2025/2026 antara Pemerintah Provinsi Kalimantan Timur dan {name}",
                subject="Pembiayaan uang kuliah tunggal (UKT) mahasiswa baru program Gratispol.",
                scope=f"Ruang lingkup: pembebasan UKT bagi {_rupiah(students)} mahasiswa baru penduduk Kalimantan "
                "Timur; verifikasi data mahasiswa; penyaluran dana; pelaporan.",
                services=("perguruan_tinggi",), funding_source=FundingSource.APBD_PROVINSI,
                funding_amount=Decimal(students * 5_000_000),
                note="Meniru PKS Gratispol yang diberitakan (jumlah mahasiswa PTN seperti diberitakan); "
                "nomor dan isi rekaan.",
            )  # fmt: skip
        # Land assets with Kanwil BPN Kaltim, 7 Aug 2025.
        self.anchor_spec(
            DocumentType.PKS, [KALTIM, "Kanwil BPN Kaltim"],
            "Percepatan Pendaftaran dan Sertipikasi Tanah Aset Milik Pemerintah Provinsi Kalimantan Timur", ("2.10",),
            "bpkad", d(2025, 8, 7), d(2027, 8, 6),
            scope="Ruang lingkup: sertipikasi 402 bidang tanah aset daerah (jumlah seperti diberitakan); "
            "pengukuran dan pemetaan; penyelesaian permasalahan aset.",
            funding_source=FundingSource.APBD_PROVINSI,
            note="Meniru PKS aset tanah dengan Kanwil BPN 7 Agustus 2025 yang diberitakan; nomor dan isi rekaan.",
        )  # fmt: skip
        # Kaltim and Kaltara, Tarakan, 7 Aug 2025: KB with PKS on border roads (Apau Kayan) and social affairs.
        kaltara = self.anchor_spec(
            DocumentType.KB, [KALTIM, "65"], "Kerja Sama Pembangunan Daerah Perbatasan Kalimantan Timur dan "
            "Kalimantan Utara", ("1.03", "1.06"), "pod", d(2025, 8, 7), d(2030, 8, 6),
            note="Meniru KB Kaltim–Kaltara 7 Agustus 2025 yang diberitakan; nomor dan isi rekaan.",
        )  # fmt: skip
        self.anchor_spec(
            DocumentType.PKS, [KALTIM, "65"], "Peningkatan Akses Jalan di Wilayah Perbatasan Apau Kayan", ("1.03",),
            "pupr", d(2025, 8, 7), d(2027, 12, 31), parent=kaltara,
            scope="Ruang lingkup: pembangunan dan peningkatan ruas jalan akses Apau Kayan; pembagian pembiayaan; "
            "pengawasan teknis.",
            funding_source=FundingSource.APBD_PROVINSI, funding_amount=Decimal(28_000_000_000), dprd_required=True,
            dprd_reference=f"Keputusan DPRD Provinsi Kalimantan Timur Nomor 18 Tahun 2025 ({NUMBER_MARKER.lower()})",
        )  # fmt: skip
        self.anchor_spec(
            DocumentType.PKS, [KALTIM, "65"], "Penanganan Permasalahan Sosial di Wilayah Perbatasan", ("1.06",),
            "dinsos", d(2025, 8, 7), d(2026, 12, 31), parent=kaltara,
        )  # fmt: skip
        # Kaltim and Jawa Timur, 28 Jul 2022: KB and seven OPD-level PKS, the Jatim side signing late.
        jatim = self.anchor_spec(
            DocumentType.KB, [KALTIM, "35"], "Kerja Sama Pembangunan Daerah",
            ("1.01", "2.16", "3.25", "3.26", "3.27", "3.28", "3.30"), "pod", d(2022, 7, 28), d(2027, 7, 27),
            note="Meniru KB Kaltim–Jatim 28 Juli 2022 yang diberitakan; nomor dan isi rekaan.",
        )  # fmt: skip
        stuck = {"prep_stage": Stage.PENANDATANGANAN, "prepared_on": d(2022, 7, 1),
                 "note": "Tanda tangan pihak Jawa Timur belum diperoleh sejak 2022."}  # fmt: skip
        rows = (
            ("Pengembangan Sektor Kelautan dan Perikanan", "3.25", "dkp", d(2022, 8, 22), d(2025, 8, 21), {}),
            ("Pengembangan Kompetensi Aparatur Sipil Negara", "1.01", "bkd", d(2022, 8, 22), d(2024, 8, 21), {}),
            ("Pengelolaan Hutan Lestari dan Perhutanan Sosial", "3.28", "dishut", d(2022, 9, 5), d(2025, 9, 4),
             {"keep_running": True}),  # expired, still marked as in implementation
            ("Pengembangan Peternakan dan Kesehatan Hewan", "3.27", "disnak", d(2022, 9, 5), d(2025, 12, 31), {}),
            ("Pengembangan Komunikasi dan Informatika", "2.16", "kominfo", d(2022, 9, 19), d(2024, 9, 18), {}),
            ("Perdagangan Antarwilayah", "3.30", "perindag", d(2022, 10, 3), d(2027, 7, 27), {}),
            ("Promosi Pariwisata Bersama", "3.26", "dispar", None, None, stuck),
        )  # fmt: skip
        fisheries, _bkd, _forest, _livestock, kominfo, _trade, _tourism = (
            self.anchor_spec(DocumentType.PKS, [KALTIM, "35"], stem, (code,), opd, signed, end, parent=jatim, **extra)
            for stem, code, opd, signed, end, extra in rows
        )
        kominfo.successors.append(
            self.anchor_spec(
                DocumentType.ADENDUM,
                [KALTIM, "35"],
                "",
                ("2.16",),
                "kominfo",
                d(2023, 10, 9),
                d(2024, 9, 18),
                title=f"Adendum Pertama atas {kominfo.title}",
                amends=kominfo,
                change_kind=ChangeKind.ADENDUM,
                subject="Perubahan ruang lingkup: penambahan integrasi layanan pengaduan publik.",
            )  # fmt: skip
        )
        fisheries.successors.append(
            self.anchor_spec(
                DocumentType.PKS,
                [KALTIM, "35"],
                "Perpanjangan Pengembangan Sektor Kelautan dan Perikanan",
                ("3.25",),
                "dkp",
                d(2025, 8, 11),
                d(2028, 8, 21),
                start=d(2025, 8, 22),
                amends=fisheries,
                change_kind=ChangeKind.PERPANJANGAN,
            )  # fmt: skip
        )
        # Kaltim and DIY: a KB renewed in 2020 that ends soon after the reference date; its extension is drafted.
        diy_urusan = ("1.01", "3.26", "3.27", "3.30")
        diy = self.anchor_spec(
            DocumentType.KB, [KALTIM, "34"], "Kerja Sama Pembangunan Daerah", diy_urusan, "pod",
            d(2020, 12, 14), d(2025, 12, 13),
            note="Meniru kerja sama Kaltim–DIY yang diberitakan (sejak 2002); nomor dan isi rekaan.",
        )  # fmt: skip
        diy.successors.append(
            self.anchor_spec(
                DocumentType.KB,
                [KALTIM, "34"],
                "Perpanjangan Kerja Sama Pembangunan Daerah",
                diy_urusan,
                "pod",
                None,
                None,
                amends=diy,
                change_kind=ChangeKind.PERPANJANGAN,
                prep_stage=Stage.KESEPAKATAN_BERSAMA,
                prepared_on=d(2025, 9, 8),
            )  # fmt: skip
        )
        rows = (
            ("Pengembangan Pertanian Terpadu", "3.27", "distan", d(2021, 3, 15), d(2024, 3, 14)),
            ("Peningkatan Mutu Pendidikan", "1.01", "disdik", d(2021, 3, 15), d(2023, 12, 31)),
            ("Pengembangan Perdagangan Produk Unggulan", "3.30", "perindag", d(2021, 4, 19), d(2024, 4, 18)),
            ("Pengembangan Peternakan Sapi Potong", "3.27", "disnak", d(2021, 6, 7), d(2025, 12, 13)),
            ("Pengembangan Pariwisata", "3.26", "dispar", d(2021, 4, 19), d(2024, 4, 18)),
        )
        *_others, tourism = (
            self.anchor_spec(DocumentType.PKS, [KALTIM, "34"], stem, (code,), opd, signed, end, parent=diy)
            for stem, code, opd, signed, end in rows
        )
        tourism.successors.append(
            self.anchor_spec(
                DocumentType.PKS,
                [KALTIM, "34"],
                "Perpanjangan Pengembangan Pariwisata",
                ("3.26",),
                "dispar",
                d(2024, 3, 25),
                d(2025, 12, 13),
                start=d(2024, 4, 19),
                parent=diy,
                amends=tourism,
                change_kind=ChangeKind.PERPANJANGAN,
            )  # fmt: skip
        )
        # Kaltim and Kutai Timur, 5 Jul 2021: KB on regional development with two PKS.
        kutim = self.anchor_spec(
            DocumentType.KB, [KALTIM, "64.08"], "Sinergi Pembangunan Daerah", ("1.02", "1.03"), "pod",
            d(2021, 7, 5), d(2026, 7, 4),
            note="Meniru KB Pemprov Kaltim–Kutai Timur 5 Juli 2021 yang diberitakan; nomor dan isi rekaan.",
        )  # fmt: skip
        rows = (
            ("Pembangunan Jalan Penghubung Antarkecamatan", "1.03", "pupr", d(2021, 9, 13), d(2024, 9, 12)),
            ("Penguatan Pelayanan Kesehatan Rujukan", "1.02", "dinkes", d(2022, 2, 14), d(2026, 7, 4)),
        )
        for stem, code, opd, signed, end in rows:
            self.anchor_spec(DocumentType.PKS, [KALTIM, "64.08"], stem, (code,), opd, signed, end, parent=kutim)
        # Kukar with Balikpapan (Samboja, Samboja Barat) and Samarinda (Anggana): nearest-city services.
        for city, areas, kb_day, pks_day, end in (
            (BALIKPAPAN, (SAMBOJA, SAMBOJA_BARAT), d(2025, 9, 23), d(2025, 10, 14), d(2027, 10, 31)),
            (SAMARINDA, (ANGGANA,), d(2025, 9, 30), d(2025, 10, 21), d(2028, 10, 31)),
        ):
            self.service_anchor(city, areas, kb_day, pks_day, end)

    def service_anchor(
        self, city: str, areas: tuple[str, ...], kb_day: dt.date, pks_day: dt.date, end: dt.date
    ) -> None:
        """A KB between Kukar and ``city`` and two PKS opening the city's adminduk and health services."""
        names = " dan ".join(f"Kecamatan {self.ref.kecamatan_names[code]}" for code in areas)
        city_name = self.ref.regions[city][0]
        note = (
            f"Peran layanan: {city_name} penyedia, Kukar penerima (penduduk {names}); "
            "pola layanan oleh kab/kota terdekat (Biro POD, FKP 2025)."
        )
        kb = self.anchor_spec(
            DocumentType.KB,
            [KUKAR, city],
            "Kerja Sama Pelayanan Publik bagi Penduduk di Wilayah Perbatasan",
            ("1.02", "2.12"),
            "pod",
            kb_day,
            _add_years(kb_day, 5) - dt.timedelta(days=1),
            note=note,
        )
        for stem, urusan, opd, services in (
            (f"Pelayanan Administrasi Kependudukan bagi Penduduk {names}", ("2.12",), "dukcapil", ("adminduk",)),
            (f"Pelayanan Kesehatan bagi Penduduk {names}", ("1.02",), "dinkes", ("rumah_sakit", "puskesmas")),
        ):
            spec = self.anchor_spec(
                DocumentType.PKS,
                [KUKAR, city],
                stem,
                urusan,
                opd,
                pks_day,
                end,
                start=dt.date(2025, 11, 1),
                parent=kb,
                services=services,
                areas=areas,
                note=note,
                subject=f"{stem}: layanan {city_name} yang terdekat dengan tempat tinggal mereka.",
                scope="Ruang lingkup: "
                + (
                    "perekaman KTP-el, kartu keluarga, akta kelahiran dan kematian, pindah datang"
                    if "adminduk" in services
                    else "pelayanan puskesmas dan rumah sakit, rujukan, gawat darurat"
                )
                + "; pertukaran data; pembiayaan oleh Kabupaten Kutai Kartanegara.",
                funding_source=FundingSource.APBD_KABKOTA,
            )
            spec.parties[0].service_role = ServiceRole.PENERIMA
            spec.parties[1].service_role = ServiceRole.PENYEDIA

    # History ---------------------------------------------------------------------------------------

    def history(self, spec: _Spec) -> list[tuple[str, str, dt.datetime, str]]:
        """Plausible stage changes (from, to, time, note) that follow the lifecycle rules and end in ``spec.stage``."""
        rng = self.rng
        drafting = Stage.KESEPAKATAN_BERSAMA if spec.document_type in FRAMEWORK_DOCS else Stage.PERJANJIAN_KERJA_SAMA
        path = [Stage.PERSIAPAN]
        if spec.offer:
            path.append(Stage.PENAWARAN)
        path.append(drafting)
        if spec.dprd_required:
            path.append(Stage.PERSETUJUAN_DPRD)
        path.append(Stage.PENANDATANGANAN)
        events: list[tuple[str, dt.date, str]] = []  # (to stage, day, note)
        if not spec.signed:
            path = path[: path.index(spec.prep_stage) + 1]
            span = min((self.day - spec.prepared_on).days, 150)
            days = self.spread(spec.prepared_on, spec.prepared_on + dt.timedelta(days=span), len(path) + 1)
            events += [(stage, day, STAGE_NOTES[stage]) for stage, day in zip(path, days, strict=False)]
            if spec.rejected_note:
                events.append((Stage.DITOLAK, days[-1], spec.rejected_note))
        else:
            begin = spec.signed_on - dt.timedelta(days=rng.randint(60, 300))
            days = self.spread(begin, spec.signed_on - dt.timedelta(days=1), len(path))
            events += [(stage, day, STAGE_NOTES[stage]) for stage, day in zip(path, days, strict=True)]
            if not spec.unimplemented:
                events.append((Stage.PELAKSANAAN, spec.signed_on, STAGE_NOTES[Stage.PELAKSANAAN]))
                final = self.final_event(spec)
                if spec.reviewed_on and (final is None or spec.reviewed_on + dt.timedelta(days=30) < final[1]):
                    events.append((Stage.EVALUASI, spec.reviewed_on, STAGE_NOTES[Stage.EVALUASI]))
                    events.append((Stage.PELAKSANAAN, spec.reviewed_on + dt.timedelta(days=30), RESUMED_NOTE))
                if final is not None:
                    events.append(final)
        steps = []
        previous_stage, previous_at = "", None
        zone = timezone.get_default_timezone()
        for stage, day, note in events:
            at = dt.datetime.combine(day, dt.time(8, 0), tzinfo=zone) + dt.timedelta(minutes=rng.randint(0, 480))
            if previous_at is not None and at <= previous_at:
                at = previous_at + dt.timedelta(minutes=7)
            steps.append((previous_stage, stage, at, f"{note} {HISTORY_MARK}"))
            previous_stage, previous_at = stage, at
        return steps

    def final_event(self, spec: _Spec) -> tuple[str, dt.date, str] | None:
        if spec.terminated_on:
            return (Stage.DIAKHIRI, spec.terminated_on, spec.terminated_note or TERMINATION_REASONS[0])
        if spec.extended_on:
            return (Stage.DIPERPANJANG, spec.extended_on, STAGE_NOTES[Stage.DIPERPANJANG])
        if spec.finished_on:
            return (Stage.SELESAI, spec.finished_on, STAGE_NOTES[Stage.SELESAI])
        if spec.stage == Stage.EVALUASI:
            return (Stage.EVALUASI, spec.evaluated_on, STAGE_NOTES[Stage.EVALUASI])
        return None

    def spread(self, low: dt.date, high: dt.date, count: int) -> list[dt.date]:
        """``count`` days from ``low`` (the first) to ``high``, in order."""
        span = max(0, (high - low).days)
        offsets = sorted(self.rng.randint(1, span) if span else 0 for _ in range(count - 1))
        return [low] + [low + dt.timedelta(days=offset) for offset in offsets]


STAGE_NOTES = {
    Stage.PERSIAPAN: "Rencana kerja sama dicatat; kerangka acuan kerja disusun",
    Stage.PENAWARAN: "Surat penawaran kerja sama dikirim",
    Stage.KESEPAKATAN_BERSAMA: "Rancangan kesepakatan bersama dibahas bersama TKKSD",
    Stage.PERSETUJUAN_DPRD: "Permohonan persetujuan DPRD diajukan",
    Stage.PERJANJIAN_KERJA_SAMA: "Rancangan perjanjian kerja sama dibahas bersama TKKSD",
    Stage.PENANDATANGANAN: "Naskah final disepakati; menunggu penandatanganan",
    Stage.PELAKSANAAN: "Ditandatangani para pihak; pelaksanaan dimulai",
    Stage.EVALUASI: "Monitoring dan evaluasi pelaksanaan oleh TKKSD",
    Stage.SELESAI: "Jangka waktu berakhir; kerja sama dinyatakan selesai",
    Stage.DIPERPANJANG: "Diperpanjang dengan perjanjian baru",
}
RESUMED_NOTE = "Hasil evaluasi: pelaksanaan dilanjutkan"


# Writing ------------------------------------------------------------------------------------------


def _change_message(seed: int) -> str:
    return f"{SYNTHETIC_NOTE} (kerjasama demo, seed {seed})"


def _ensure_partners(seed: int) -> int:
    """Create the fictitious partners that are missing; returns how many were created."""
    from kerjasama.core import changelog
    from kerjasama.core.choices import ChangeAction
    from kerjasama.regions.models import Partner

    existing = set(Partner.objects.filter(name__in=[p.name for p in SYNTHETIC_PARTNERS]).values_list("name", flat=True))
    created = []
    for item in SYNTHETIC_PARTNERS:
        if item.name in existing:
            continue
        partner = Partner(
            name=item.name,
            short_name=item.short_name,
            partner_type=item.partner_type,
            region_id=item.region,
            country=item.country,
            source=Source.SINTETIS,
        )
        partner.save()  # also creates its party row
        created.append(partner)
    changelog.log_changes(
        changelog.ChangeEntry(partner, ChangeAction.CREATE, after=partner.snapshot(), message=_change_message(seed))
        for partner in created
    )
    return len(created)


def _ensure_perangkat_daerah(specs: list[_Spec]) -> tuple[dict[tuple[str, str], int], int]:
    """Ids of the offices the specs name, creating missing ones: ({(region, name): id}, created)."""
    from kerjasama.regions.models import PerangkatDaerah

    wanted = {}
    for spec in specs:
        if spec.opd is not None:
            wanted.setdefault(spec.opd[:2], spec.opd[2])
    regions = sorted({region for region, _name in wanted})
    ids = {
        (region, name): pk
        for pk, region, name in PerangkatDaerah.objects.filter(region_id__in=regions).values_list(
            "pk", "region_id", "name"
        )
    }
    missing = [
        PerangkatDaerah(region_id=region, name=name, short_name=short)
        for (region, name), short in sorted(wanted.items())
        if (region, name) not in ids
    ]
    PerangkatDaerah.objects.bulk_create(missing)
    ids.update({(office.region_id, office.name): office.pk for office in missing})
    return ids, len(missing)


def _write(
    specs: list[_Spec], ref: _Reference, offices: dict[tuple[str, str], int], seed: int, progress: Progress
) -> None:
    """Bulk-insert the planned agreements with their parties, links, history and change log."""
    from kerjasama.agreements.services import AgreementData, Lookups, PartyData, apply_fields, party_snapshot, snapshot
    from kerjasama.core import changelog
    from kerjasama.core.choices import ChangeAction

    lookups = Lookups()
    lookups.preload_pihak(sorted({party.pihak_id for spec in specs for party in spec.parties}))
    message = _change_message(seed)
    agreements = []
    for spec in specs:
        data = AgreementData(
            title=spec.title,
            document_type=spec.document_type,
            parties=[
                PartyData(
                    pihak_id=party.pihak_id,
                    role=party.role,
                    number=party.number,
                    signatory_title=party.signatory_title,
                    service_role=party.service_role,
                )
                for party in spec.parties
            ],
            urusan_ids=[ref.urusan[code] for code in spec.urusan],
            subject=spec.subject,
            scope=spec.scope,
            perangkat_daerah_id=offices[spec.opd[:2]] if spec.opd else None,
            signed_on=spec.signed_on,
            start_on=spec.start_on,
            end_on=spec.end_on,
            terminated_on=spec.terminated_on,
            funding_source=spec.funding_source,
            funding_amount=spec.funding_amount,
            dprd_approval_required=spec.dprd_required,
            dprd_approval_reference=spec.dprd_reference,
            stage=spec.stage,
            change_kind=spec.change_kind,
            is_public=spec.is_public,
            source=Source.SINTETIS,
            source_note=f"{message}. {spec.note}".strip()[:300],
        )
        agreement = Agreement(stage=spec.stage)
        apply_fields(agreement, data, lookups)
        agreements.append(agreement)
    Agreement.objects.bulk_create(agreements, batch_size=1000)
    by_spec = {id(spec): agreement for spec, agreement in zip(specs, agreements, strict=True)}
    linked = []
    for spec, agreement in zip(specs, agreements, strict=True):
        if spec.parent is not None or spec.amends is not None:
            agreement.parent_id = by_spec[id(spec.parent)].pk if spec.parent is not None else None
            agreement.amends_id = by_spec[id(spec.amends)].pk if spec.amends is not None else None
            linked.append(agreement)
    Agreement.objects.bulk_update(linked, ["parent", "amends"], batch_size=1000)

    UrusanLink = Agreement.urusan.through
    ServiceLink = Agreement.service_types.through
    AreaLink = Agreement.service_areas.through
    parties, urusan, services, areas, transitions = [], [], [], [], []
    for spec, agreement in progress(list(zip(specs, agreements, strict=True))):
        for order, party in enumerate(spec.parties, start=1):
            parties.append(
                AgreementParty(
                    agreement=agreement,
                    pihak_id=party.pihak_id,
                    order=order,
                    role=party.role,
                    number=party.number,
                    signatory_title=party.signatory_title,
                    service_role=party.service_role,
                )
            )
        urusan += [UrusanLink(agreement_id=agreement.pk, urusan_id=ref.urusan[code]) for code in spec.urusan]
        services += [
            ServiceLink(agreement_id=agreement.pk, servicetype_id=ref.services[code]) for code in spec.services
        ]
        areas += [AreaLink(agreement_id=agreement.pk, region_id=code) for code in spec.areas]
        transitions += [
            AgreementTransition(
                agreement=agreement, from_stage=source, to_stage=target, user_name=HISTORY_USER, at=at, note=note
            )
            for source, target, at, note in spec.history
        ]
    AgreementParty.objects.bulk_create(parties, batch_size=2000)
    UrusanLink.objects.bulk_create(urusan, batch_size=2000)
    ServiceLink.objects.bulk_create(services, batch_size=2000)
    AreaLink.objects.bulk_create(areas, batch_size=2000)
    AgreementTransition.objects.bulk_create(transitions, batch_size=2000)

    ids = [agreement.pk for agreement in agreements]
    for start in range(0, len(ids), 1000):
        chunk = Agreement.objects.filter(pk__in=ids[start : start + 1000]).prefetch_related(
            "urusan", "service_types", "service_areas", "parties__pihak"
        )
        entries = []
        for agreement in chunk:
            entries.append(
                changelog.ChangeEntry(agreement, ChangeAction.CREATE, after=snapshot(agreement), message=message)
            )
            entries += [
                changelog.ChangeEntry(
                    party, ChangeAction.CREATE, after=party_snapshot(party), related=agreement, message=message
                )
                for party in agreement.parties.all()
            ]
        changelog.log_changes(entries)


# Public functions ---------------------------------------------------------------------------------


def demo_agreements() -> QuerySet:
    """Every agreement the demo made (``source = contoh_sintetis``)."""
    return Agreement.objects.filter(source=Source.SINTETIS)


def real_agreement_count() -> int:
    """Agreements that are not demo data: the demo must not be mixed into them silently."""
    return Agreement.objects.exclude(source=Source.SINTETIS).count()


def remove_demo_agreements(message: str = "") -> int:
    """Delete every demo agreement (with its parties and history), logging each; returns how many.

    Raises ``ProtectedError`` when a non-demo agreement still refers to a demo one.
    """
    from kerjasama.core import changelog
    from kerjasama.core.choices import ChangeAction

    demo = demo_agreements()
    entries = [
        changelog.ChangeEntry(agreement, ChangeAction.DELETE, message=message or "Demo data replaced")
        for agreement in demo.only("pk", "title").order_by("pk")
    ]
    if not entries:
        return 0
    with transaction.atomic():
        # Links between demo agreements are protected: cut them so the set can go at once.
        demo.update(parent=None, amends=None)
        demo.delete()
        changelog.log_changes(entries)
    return len(entries)


def summarise(seed: int, day: dt.date | None = None) -> DemoSummary:
    """Counts of the demo agreements in the database as of ``day`` (default the reference date)."""
    from kerjasama.agreements import stats
    from kerjasama.agreements.choices import Validity

    day = day or reference_date()
    later = day + dt.timedelta(days=365)
    demo = demo_agreements()
    expired = demo.validity_on(Validity.KEDALUWARSA, day)
    return DemoSummary(
        seed=seed,
        reference_date=day,
        agreements=demo.count(),
        signed_by_year={row["year"]: row["count"] for row in stats.by_year(demo)},
        in_preparation=demo.filter(signed_on__isnull=True).exclude(stage=Stage.DITOLAK).count(),
        rejected=demo.filter(stage=Stage.DITOLAK).count(),
        in_force=demo.in_force_on(day).count(),
        expiring=demo.validity_on(Validity.AKAN_BERAKHIR, day).count(),
        expired=expired.count(),
        expired_still_running=expired.filter(stage__in=(Stage.PELAKSANAAN, Stage.EVALUASI)).count(),
        never_implemented=demo.filter(signed_on__isnull=False, stage=Stage.PENANDATANGANAN).count(),
        terminated=demo.filter(stage=Stage.DIAKHIRI).count(),
        extended=demo.filter(stage=Stage.DIPERPANJANG).count(),
        extensions=demo.filter(change_kind=ChangeKind.PERPANJANGAN).count(),
        addenda=demo.filter(change_kind=ChangeKind.ADENDUM).count(),
        kb_with_children=demo.filter(document_type=DocumentType.KB, children__isnull=False).distinct().count(),
        children=demo.filter(parent__isnull=False).count(),
        not_public=demo.filter(is_public=False).count(),
        dprd_required=demo.filter(dprd_approval_required=True).count(),
        later_date=later,
        expiring_later=demo.validity_on(Validity.AKAN_BERAKHIR, later).count(),
        parties=AgreementParty.objects.filter(agreement__source=Source.SINTETIS).count(),
        transitions=AgreementTransition.objects.filter(agreement__source=Source.SINTETIS).count(),
    )


def build_demo(seed: int = DEFAULT_SEED, progress: Progress = _identity) -> DemoSummary:
    """Build the synthetic demo register for ``seed`` in one transaction, replacing earlier demo agreements.

    Only agreements marked ``contoh_sintetis`` are replaced; whether demo data may be added next to
    real agreements at all is the caller's decision (the ``demo`` command refuses without --force).
    """
    day = reference_date()
    with transaction.atomic():
        _Reference()  # fails early, before anything is written, when ``kerjasama setup`` has not run
        replaced = remove_demo_agreements(_change_message(seed))
        partners_created = _ensure_partners(seed)
        ref = _Reference()
        specs = _Planner(seed, day, ref).plan()
        offices, offices_created = _ensure_perangkat_daerah(specs)
        _write(specs, ref, offices, seed, progress)
        rebuild_index()  # a full rebuild also forgets the replaced demo agreements
        summary = summarise(seed, day)
    summary.replaced = replaced
    summary.partners_created = partners_created
    summary.perangkat_daerah_created = offices_created
    return summary
