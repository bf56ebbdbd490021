"""What text each agreement contributes to the search index, and keeping the index current.

An agreement's document is folded words (lower case, no accents or punctuation):

- head: every party's number (also squashed, ``180/023/KSD/2025`` -> ``180023ksd2025``, so a number
  is found as typed), the document type, the title, and each party's name with its short names and
  aliases (``Kukar``, ``Unmul``, ``Pemkab``...);
- body: subject, scope, urusan (name, short name, aliases) and the owning perangkat daerah.

The services call :func:`index_agreements` after every change to an agreement; bulk writers (the
import, the demo, the bench seeding) call it once for all they wrote, or :func:`rebuild_index`.
"""

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import Q

from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.core.text import fold
from kerjasama.regions.loaders import region_aliases
from kerjasama.regions.models import PerangkatDaerah, Pihak, Urusan
from kerjasama.regions.resolver import LEVEL_PREFIXES
from kerjasama.search.models import AgreementDocument, SearchTerm

TOKEN = re.compile(r"[a-z0-9]{1,100}")  # a longer run is cut into words of 100 (nobody searches those)
DIGIT = re.compile(r"[0-9]")
# "180/023/ksd/2025", "2025/2026", "7.714": possessive, so that plain words fail fast
COMPOUND = re.compile(r"(?<![a-z0-9])[a-z0-9]++(?:[^\sa-z0-9]++[a-z0-9]++)+")
_fold = getattr(fold, "__wrapped__", fold)  # fold() without its cache: long texts would only push names out
CHUNK = 2000  # agreements read and written per round trip
MAX_WORDS = 5000  # words of a document's head and of its body (PostgreSQL positions stop at 16,383)
MAX_TERM = 64  # longer words are indexed but not kept in the vocabulary

Progress = Callable[[Iterable], Iterable]


def _identity(items: Iterable) -> Iterable:
    return items


def tokens(text: str) -> list[str]:
    """The folded words of ``text``, as ``core.text.fold`` would give them."""
    if text.isascii():  # the common case, without fold's extra passes (and without filling its cache)
        return TOKEN.findall(text.lower().replace("'", ""))
    return TOKEN.findall(_fold(text))


def words(text: str) -> list[str]:
    """Folded words of ``text``; a token joining letters and digits with punctuation (a number such
    as ``180/023/KSD/2025``) also gives its parts squashed together (``180023ksd2025``)."""
    text = str(text)
    found = tokens(text)
    if DIGIT.search(text):
        found += ["".join(TOKEN.findall(match)) for match in COMPOUND.findall(text.lower()) if DIGIT.search(match)]
    return found


def vocabulary_words(tokens: Iterable[str]) -> set[str]:
    """The words worth correcting typos towards: letters only, two characters or more."""
    return {token for token in set(tokens) if 2 <= len(token) <= MAX_TERM and token.isalpha()}


@dataclass(frozen=True)
class Document:
    """One agreement's indexed text: space-separated folded words."""

    agreement_id: int
    head: str
    body: str

    def tokens(self) -> list[str]:
        return self.head.split() + self.body.split()


@functools.lru_cache(maxsize=1)
def _aliases_by_code() -> dict[str, tuple[str, ...]]:
    by_code: dict[str, list[str]] = defaultdict(list)
    for code, alias in region_aliases():
        by_code[code].append(alias)
    return {code: tuple(names) for code, names in by_code.items()}


def _level_words(level: str | None) -> list[str]:
    # "Pemkab", "Kab", "Pemprov"... as people write them; "pemerintah kabupaten" is left out so that
    # the protected word "pemerintah" is found only where a record really says it.
    return [prefix for prefix, prefix_level in LEVEL_PREFIXES if prefix_level == level and " " not in prefix]


class References:
    """Words of parties, urusan and perangkat daerah, read once per rebuild (or per batch) and reused."""

    def __init__(self) -> None:
        self.pihak: dict[int, list[str]] = {}
        self.urusan: dict[int, list[str]] = {}
        self.units: dict[int, list[str]] = {}

    def load(self, pihak_ids: set[int], urusan_ids: set[int], unit_ids: set[int]) -> None:
        missing = pihak_ids - self.pihak.keys()
        if missing:
            aliases = _aliases_by_code()
            rows = Pihak.objects.filter(pk__in=missing).values_list(
                "pk", "name", "region_id", "region__level", "partner__short_name", "partner__aliases"
            )
            for pk, name, code, level, short_name, partner_aliases in rows:
                texts = [name]
                if code:
                    texts += [*aliases.get(code, ()), *_level_words(level)]
                else:
                    texts += [short_name or "", *(partner_aliases or [])]
                # Short name and alias are often the same ("Unmul"): count each name once.
                self.pihak[pk] = words(" ".join(dict.fromkeys(fold(text) for text in texts if text)))
        missing = urusan_ids - self.urusan.keys()
        if missing:
            for pk, name, short_name, urusan_aliases in Urusan.objects.filter(pk__in=missing).values_list(
                "pk", "name", "short_name", "aliases"
            ):
                self.urusan[pk] = words(" ".join([name, short_name, *(urusan_aliases or [])]))
        missing = unit_ids - self.units.keys()
        if missing:
            for pk, name, short_name in PerangkatDaerah.objects.filter(pk__in=missing).values_list(
                "pk", "name", "short_name"
            ):
                self.units[pk] = words(f"{name} {short_name}")


@dataclass
class Sources:
    """What the documents of some agreements are built from: their own columns (id, document type,
    title, subject, scope, perangkat daerah id) by id, their parties (pihak id, number) in party
    order, and their urusan ids in ascending order. Read from the database, or handed over by a writer that has them."""

    rows: list[tuple[int, str, str, str, str, int | None]]
    parties: dict[int, list[tuple[int, str]]]
    urusan: dict[int, list[int]]


def read_sources(ids: list[int], whole_range: bool = False) -> Sources:
    """The :class:`Sources` of the agreements ``ids`` (sorted), as stored.

    ``whole_range`` says every agreement between the first and the last id is wanted (a full
    rebuild), which reads by key range instead of a list of keys.
    """
    if whole_range:
        own, linked = Q(pk__gte=ids[0], pk__lte=ids[-1]), Q(agreement_id__gte=ids[0], agreement_id__lte=ids[-1])
    else:
        own, linked = Q(pk__in=ids), Q(agreement_id__in=ids)
    rows = list(
        Agreement.objects.filter(own)
        .order_by("pk")
        .values_list("pk", "document_type", "title", "subject", "scope", "perangkat_daerah_id")
    )
    parties: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for agreement_id, pihak_id, number in (
        AgreementParty.objects.filter(linked)
        .order_by("agreement_id", "order")
        .values_list("agreement_id", "pihak_id", "number")
    ):
        parties[agreement_id].append((pihak_id, number))
    urusan: dict[int, list[int]] = defaultdict(list)
    for agreement_id, urusan_id in (
        Agreement.urusan.through.objects.filter(linked)
        .order_by("agreement_id", "urusan_id")
        .values_list("agreement_id", "urusan_id")
    ):
        urusan[agreement_id].append(urusan_id)
    return Sources(rows, parties, urusan)


def compose_documents(sources: Sources, references: References) -> list[Document]:
    """The documents built from ``sources``, in the order of its rows."""
    parties, urusan = sources.parties, sources.urusan
    references.load(
        {pihak_id for rows_ in parties.values() for pihak_id, _n in rows_},
        {pk for pks in urusan.values() for pk in pks},
        {row[5] for row in sources.rows if row[5] is not None},
    )
    documents = []
    for pk, document_type, title, subject, scope, unit_id in sources.rows:
        own_parties = parties.get(pk, [])
        head = [number for _p, number in own_parties if number]
        head.append(document_type)
        head.append(title)
        head_words = words(" ".join(head))
        for pihak_id, _number in own_parties:
            head_words += references.pihak.get(pihak_id, [])
        body_words = words(f"{subject} {scope}")
        for urusan_id in urusan.get(pk, []):
            body_words += references.urusan.get(urusan_id, [])
        if unit_id is not None:
            body_words += references.units.get(unit_id, [])
        documents.append(Document(pk, " ".join(head_words[:MAX_WORDS]), " ".join(body_words[:MAX_WORDS])))
    return documents


def build_documents(ids: list[int], references: References, whole_range: bool = False) -> list[Document]:
    """The documents of the agreements ``ids`` (sorted) as stored; ids without an agreement give none."""
    if not ids:
        return []
    return compose_documents(read_sources(ids, whole_range), references)


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def index_agreements(ids: Iterable[int], sources: Sources | None = None) -> int:
    """Write (or rewrite) the index documents of the agreements ``ids``; returns how many were written.

    An id whose agreement no longer exists loses its document. Runs in the caller's transaction,
    so a rolled-back change leaves the index as it was. A writer that has just written the
    agreements (the import) passes their ``sources`` rather than have them read back.
    """
    from kerjasama.search.backends import backend_for

    ids = sorted(set(ids))
    if not ids:
        return 0
    using = router.db_for_write(AgreementDocument)
    backend = backend_for(connections[using])
    references = References()
    written = 0
    with transaction.atomic(using=using):
        for chunk in _chunks(ids):
            if sources is None:
                documents = build_documents(chunk, references)
            else:
                wanted = set(chunk)
                rows = [row for row in sources.rows if row[0] in wanted]
                documents = compose_documents(Sources(rows, sources.parties, sources.urusan), references)
            backend.replace(connections[using], chunk, documents)
            backend.add_terms(connections[using], vocabulary_words(t for d in documents for t in d.tokens()))
            written += len(documents)
    return written


class _AllDocuments:
    """Every agreement's document, in key order, with a length for the progress bar."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self.terms: set[str] = set()

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Document]:
        references = References()
        tokens: set[str] = set()
        for chunk in _chunks(self.ids):
            documents = build_documents(chunk, references, whole_range=True)
            for document in documents:
                tokens.update(document.head.split())
                tokens.update(document.body.split())
            yield from documents
        self.terms = vocabulary_words(tokens)


def rebuild_index(progress: Progress = _identity) -> int:
    """Rebuild the whole index and vocabulary from the agreements; returns the number of documents."""
    from kerjasama.search.backends import backend_for

    using = router.db_for_write(AgreementDocument)
    connection = connections[using]
    ids = list(Agreement.objects.using(using).order_by("pk").values_list("pk", flat=True))
    documents = _AllDocuments(ids)
    backend = backend_for(connection)
    with transaction.atomic(using=using):
        count = backend.rebuild(connection, progress(documents))
        SearchTerm.objects.using(using).all().delete()
        backend.add_terms(connection, documents.terms)
    return count


def index_is_complete() -> bool:
    """Whether every agreement has its document (false after upgrading a register that predates search)."""
    return AgreementDocument.objects.count() == Agreement.objects.count()
