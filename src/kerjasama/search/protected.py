"""Words PostgreSQL's Indonesian stemmer must not touch.

PostgreSQL's ``indonesian`` snowball stemmer (like Sastrawi) strips affixes without a dictionary,
so it merges words that mean different things and mangles others. Checked on PostgreSQL 15 with
``SELECT ts_lexize('indonesian_stem', word)``; the stem it produces is given with each reason.

Every word is indexed as written (the ``simple`` configuration). On PostgreSQL a query word also
matches the indexed words that share its ``indonesian`` stem, looked up in the vocabulary, where
each word carries its stem (``backends.py``). A protected word carries none: it is searched only
as written, and a query word stemming to the same root does not reach it ("memerintahkan" ->
perintah does not find "pemerintah"). An inflected protected word ("pemerintahnya") is protected
too. SQLite's FTS5 has no stemmer, so there every word is matched as written anyway.
"""

# word -> why it is protected (with the stem the indonesian stemmer produces)
PROTECTED: dict[str, str] = {
    # The pair the issue names: government and command must never find each other.
    "pemerintah": "government; stemmed to 'perintah' (command), the same stem as 'memerintahkan'",
    "pemerintahan": "government (the function); stemmed to 'perintah' (command) as well",
    "perintah": "command; mangled to 'intah', and kept whole so it stays apart from 'pemerintah'",
    # Words of nearly every record: a derived word stemming to them would match the whole register.
    "kerja": "in 'kerja sama' of nearly every record; 'pekerjaan' (Pekerjaan Umum) and 'bekerja' stem to it",
    "sama": "in 'kerja sama' of nearly every record; 'bersama' (Kesepakatan Bersama) stems to it",
    "kerjasama": "the one-word spelling; mangled to 'rjasama' (the 'ke' taken for a prefix)",
    "daerah": "in 'kerja sama daerah' and 'perangkat daerah' of nearly every record; 'kedaerahan' stems to it",
    # Terms of art of the register whose stems are everyday words.
    "pelayanan": "public service delivery; stemmed to 'layan', the stem of 'pelayan' (waiter)",
    "layanan": "a service (jenis layanan); stemmed to 'layan' with 'pelayan' (waiter) and 'melayani'",
    "perjanjian": "agreement (the PKS document); stemmed to 'janji' (promise)",
    "kesepakatan": "Kesepakatan Bersama (KB), a document type; stemmed to 'sepakat' (to agree, 'disepakati')",
    "penduduk": "residents (adminduk services); stemmed to 'duduk' (to sit)",
    "kependudukan": "population administration; mangled to 'nduduk', unlike 'penduduk' -> 'duduk'",
    # Names of urusan (sectors): kept whole so a sector search finds the sector, not the root word.
    "pendidikan": "urusan Pendidikan (education); stemmed to 'didik', while 'didikan' becomes 'dikan'",
    "kesehatan": "urusan Kesehatan (health); stemmed to 'sehat' (healthy), an everyday adjective",
    "pertanahan": "urusan Pertanahan (land affairs); stemmed to 'tanah', which names Tanah Grogot, Tanah Bumbu...",
    "perbatasan": "border areas; stemmed to 'batas' (limit), as in 'batas waktu' (deadline)",
    "pembangunan": "development (Bappeda); stemmed to 'bangun' (to wake up), the stem of 'bangunan' (a building)",
    "pendapatan": "revenue (Bapenda); stemmed to 'dapat' ('can'), one of the commonest words of any text",
    "pengadaan": "procurement; stemmed to 'ada' ('there is'), one of the commonest words of any text",
    "pemberdayaan": "empowerment (urusan PMD, PPPA); stemmed to 'daya', as in 'sumber daya' (resources)",
    # A place name the stemmer cuts into another place name.
    "kutai": "Kutai (Kukar, Kutim, Kubar); stemmed to 'kuta', which is Kuta in Bali",
}

# Particles and possessive endings that do not change the word they are attached to.
_ENDINGS = ("nya", "lah", "kah", "pun", "ku", "mu")


def protected_base(word: str) -> str | None:
    """The protected word ``word`` is (``pemerintah``) or inflects (``pemerintahnya``); else ``None``."""
    if word in PROTECTED:
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and word[: -len(ending)] in PROTECTED:
            return word[: -len(ending)]
    return None


def is_protected(word: str) -> bool:
    """Whether ``word`` (folded) must stay out of the stemmer."""
    return protected_base(word) is not None
