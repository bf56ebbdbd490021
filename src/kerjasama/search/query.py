"""Reading a search box: what a user typed, as clauses of alternative terms.

Every clause must match (AND, as before: each word must be found somewhere); a clause matches when
one of its terms does (OR). Terms are database-neutral; ``backends.py`` writes them as a
PostgreSQL tsquery or an FTS5 query.

- Words are folded like the index ("Pemerintah," -> ``pemerintah``).
- On PostgreSQL a word also matches the indexed words with the same Indonesian stem
  ("dilaksanakan" -> pelaksanaan), unless it is protected (:mod:`~kerjasama.search.protected`).
- A name with aliases becomes all its names: "Kukar" -> Kukar or "Kutai Kartanegara"; "Smd" ->
  Smd or Samarinda (:mod:`~kerjasama.search.aliases`).
- A word the index has never seen is corrected to the closest indexed words: one edit away, two
  for words of eight letters or more ("Samarnda" -> samarinda, "Balikapan" -> balikpapan).
- The last word also matches as a beginning, so results follow the typing ("Samb" -> Samboja).
- A token with digits and punctuation ("180/023/KSD") is a number: its parts in a row, or the
  squashed number (``180023ksd``) at the beginning of an indexed number.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Q

from kerjasama.core.text import fold
from kerjasama.search.aliases import AliasTable
from kerjasama.search.index import MAX_TERM, TOKEN
from kerjasama.search.models import SearchTerm
from kerjasama.search.protected import is_protected

MAX_TOKENS = 12  # longer queries are cut: every token adds a clause the database must satisfy
MIN_PREFIX = 2  # a single letter as a beginning would match nearly everything
MIN_TYPO = 4  # shorter words have too many neighbours to guess from
LONG_WORD = 8  # from this length on, two edits are forgiven
MAX_CORRECTIONS = 5
MAX_VARIANTS = 30  # indexed words sharing a stem taken into one clause


@dataclass(frozen=True)
class Word:
    """A whole word, as written."""

    text: str


@dataclass(frozen=True)
class Prefix:
    """Any indexed word beginning with ``text``."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Words in a row."""

    words: tuple[str, ...]


Term = Word | Prefix | Phrase


@dataclass
class ParsedQuery:
    """Clauses that must all match; each clause is a tuple of alternative terms."""

    clauses: list[tuple[Term, ...]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.clauses)


def edit_distance(first: str, second: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap of neighbours) from ``first`` to ``second``; ``limit + 1`` when more."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(second) + 1))
    for i in range(1, len(first) + 1):
        current = [i] + [0] * len(second)
        for j in range(1, len(second) + 1):
            cost = first[i - 1] != second[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


class Vocabulary:
    """The indexed words (``SearchTerm``): which are known, and which are close to an unknown one."""

    def __init__(self, using: str = "default") -> None:
        self.terms = SearchTerm.objects.using(using)
        self.connection = connections[using]

    def variants(self, words: Iterable[str]) -> dict[str, list[str]]:
        """Indexed words sharing each word's Indonesian stem (PostgreSQL only; protected words have none)."""
        words = sorted({word for word in words if word.isalpha() and not is_protected(word)})
        if not words or self.connection.vendor != "postgresql":
            return {}
        found: dict[str, list[str]] = {}
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT q.w, t.term FROM unnest(%s::text[]) AS q(w)
                    JOIN "{SearchTerm._meta.db_table}" t ON t.stem = (ts_lexize('indonesian_stem', q.w))[1]
                    WHERE t.stem <> '' ORDER BY q.w, t.term""",  # noqa: S608 (the table name comes from the model)
                [words],
            )
            for word, term in cursor.fetchall():
                found.setdefault(word, []).append(term)
        return {word: terms[:MAX_VARIANTS] for word, terms in found.items()}

    @staticmethod
    def _starting(field_name: str, start: str) -> Q:
        # A key range any B-tree index serves on both databases (LIKE needs special indexes): words are
        # [a-z0-9] only, so every word beginning with ``start`` lies between it and start + "zzz...".
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": start + "z" * MAX_TERM})

    def known(self, candidates: Iterable[str]) -> set[str]:
        return set(self.terms.filter(term__in=set(candidates)).values_list("term", flat=True))

    def has_longer(self, start: str) -> bool:
        """Whether some indexed word begins with ``start``."""
        return self.terms.filter(self._starting("term", start)).exists()

    def near(self, word: str, distance: int) -> list[str]:
        """The indexed words closest to ``word``, at most ``distance`` edits away.

        A word within ``distance`` edits keeps one of ``distance + 1`` equal parts of ``word``
        intact; the candidates are read by the first part (from the start) or the last (from the
        end, through the reversed words). Only the case where the edits spare just a middle part
        is missed, an acceptable loss for two typos in one word.
        """
        size = max(1, len(word) // (distance + 1))
        condition = self._starting("term", word[:size]) | self._starting("reversed", word[-size:][::-1])
        candidates = self.terms.filter(condition, length__gte=len(word) - distance, length__lte=len(word) + distance)
        scored = sorted(
            (found, term)
            for term in candidates.values_list("term", flat=True)
            if (found := edit_distance(word, term, distance)) <= distance
        )
        if not scored:
            return []
        best = scored[0][0]
        return [term for found, term in scored if found == best][:MAX_CORRECTIONS]


def _group_terms(phrases: Iterable[str]) -> list[Term]:
    return [Word(text) if " " not in text else Phrase(tuple(text.split())) for text in sorted(phrases)]


def _unique(terms: list[Term]) -> tuple[Term, ...]:
    """The terms once each, in order, leaving out a word its own beginning already matches."""
    beginnings = {term.text for term in terms if isinstance(term, Prefix)}
    return tuple(term for term in dict.fromkeys(terms) if not (isinstance(term, Word) and term.text in beginnings))


def parse(text: str, vocabulary: Vocabulary, aliases: AliasTable) -> ParsedQuery:
    """The clauses of the search ``text``; empty when it has no words."""
    items: list[list[str]] = []  # one list of folded parts per typed token
    for raw in str(text).split()[:MAX_TOKENS]:
        parts = TOKEN.findall(fold(raw))
        if parts:
            items.append(parts)
    query = ParsedQuery()
    if not items:
        return query
    last = len(items) - 1
    single = {parts[0] for parts in items if len(parts) == 1}
    known = vocabulary.known(single)
    variants = vocabulary.variants(single)
    index = 0
    while index < len(items):
        parts = items[index]
        if len(parts) > 1:
            squashed = "".join(parts)
            query.clauses.append(_unique([Phrase(tuple(parts)), Prefix(squashed) if index == last else Word(squashed)]))
            index += 1
            continue
        # The longest run of single words starting here that names something with aliases.
        stop = index
        while stop < len(items) and len(items[stop]) == 1 and stop - index < aliases.longest:
            stop += 1
        for end in range(stop, index, -1):
            group = aliases.get(" ".join(items[position][0] for position in range(index, end)))
            if group:
                query.clauses.append(_unique(_group_terms(group)))
                index = end
                break
        else:
            query.clauses.append(_word_clause(parts[0], index == last, known, variants, vocabulary, aliases))
            index += 1
    return query


def _word_clause(
    word: str,
    is_last: bool,
    known: set[str],
    variants: dict[str, list[str]],
    vocabulary: Vocabulary,
    aliases: AliasTable,
) -> tuple[Term, ...]:
    terms: list[Term] = [Word(word), *(Word(variant) for variant in variants.get(word, []))]
    if is_last and len(word) >= MIN_PREFIX:
        terms.append(Prefix(word))
    # Not a typo: a word of the index, another form of one, a protected word (meant exactly:
    # "perintah" must not be corrected into "pemerintah"), or the beginning of one being typed.
    typo = word not in known and word not in variants and len(word) >= MIN_TYPO and word.isalpha()
    if typo and not is_protected(word) and not (is_last and vocabulary.has_longer(word)):
        candidates = vocabulary.near(word, 1 if len(word) < LONG_WORD else 2)
        more = vocabulary.variants(candidates)
        for candidate in candidates:
            terms += [Word(candidate), *(Word(variant) for variant in more.get(candidate, []))]
            terms += _group_terms(aliases.get(candidate))
    return _unique(terms)
