"""A small corpus where each agreement differs in the words a test searches for."""

import pytest

from tests.builders import make_agreement

# Neutral parties (Pemprov Kaltim, Kota Bontang) name nothing the tests search for.
NEUTRAL = ("Pemprov Kaltim", "Kota Bontang")


@pytest.fixture
def corpus(admin_user) -> dict:
    """name -> agreement."""
    made = {
        "gov": make_agreement(parties=NEUTRAL, title="Dukungan pemerintah bagi nelayan pesisir"),
        "command": make_agreement(parties=NEUTRAL, title="Tindak lanjut perintah tugas penertiban"),
        "orders": make_agreement(parties=NEUTRAL, title="Gubernur memerintahkan pendataan ulang"),
        "kukar_party": make_agreement(parties=("Kukar", "Kota Bontang"), title="Pengelolaan sampah regional"),
        "kukar_text": make_agreement(parties=NEUTRAL, title="Studi banding ke Kukar tentang irigasi"),
        "kutai_text": make_agreement(parties=NEUTRAL, title="Festival budaya Kutai Kartanegara"),
        "samboja": make_agreement(parties=("Kukar", "Kota Bontang"), title="Pelayanan adminduk warga Samboja"),
        "smd_party": make_agreement(parties=("Pemprov Kaltim", "Kota Samarinda"), title="Penataan drainase kota"),
        "smd_text": make_agreement(parties=NEUTRAL, title="Rapat koordinasi di Smd"),
        "bpp_party": make_agreement(parties=("Pemprov Kaltim", "Kota Balikpapan"), title="Pengembangan pelabuhan"),
        "unmul_party": make_agreement(parties=("Pemprov Kaltim", "Unmul"), title="Riset terapan"),
        "unmul_text": make_agreement(parties=NEUTRAL, title="Magang mahasiswa Unmul di dinas"),
        "laksana": make_agreement(parties=NEUTRAL, title="Pelaksanaan program beasiswa"),
    }
    return made
