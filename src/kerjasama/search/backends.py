"""One search interface, two engines: PostgreSQL text search and SQLite FTS5, chosen by the database.

Both store the same :class:`~kerjasama.search.index.Document` words in ``AgreementDocument``, keep
the vocabulary (``SearchTerm``), and answer a :class:`~kerjasama.search.query.ParsedQuery` by
filtering an agreement queryset and annotating ``search_rank`` (higher is better).

PostgreSQL: a ``tsvector`` of the words as written (the ``simple`` configuration: no stemming at
index time), head words weighted A and body words B, with a GIN index; ``ts_rank`` orders. The
Indonesian stemmer works at query time instead: every indexed word carries its ``indonesian``
stem in the vocabulary, except the protected words, and a query word also matches the indexed
words that share its stem ("dilaksanakan" finds "pelaksanaan"), so "pemerintah" and "perintah"
stay apart while other words are stemmed. Word beginnings ("Samb") and phrases are matched on the
written forms the stemmer never cut.

SQLite: an FTS5 table with the ``unicode61`` tokenizer and ``bm25``; there is no Indonesian stemmer,
so words match as written.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.postgres.search import SearchQueryField
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import F, FloatField, Func, QuerySet
from django.db.models.expressions import RawSQL

from kerjasama.search.aliases import load_aliases
from kerjasama.search.index import CHUNK, Document
from kerjasama.search.models import AgreementDocument, SearchTerm
from kerjasama.search.operations import FTS5_TABLE, GIN_INDEX, GIN_NAME
from kerjasama.search.protected import is_protected
from kerjasama.search.query import ParsedQuery, Prefix, Term, Vocabulary, Word, parse

TABLE = AgreementDocument._meta.db_table
TERMS = SearchTerm._meta.db_table
HEAD_WEIGHT, BODY_WEIGHT = 2.0, 1.0  # FTS5 column weights; PostgreSQL uses weights A and B


def _batches(documents: Iterable[Document], size: int = CHUNK) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


class Backend(ABC):
    """What an engine does: write documents and vocabulary, rebuild them all, and search."""

    @abstractmethod
    def replace(self, connection, ids: list[int], documents: list[Document]) -> None:
        """Make the stored documents of ``ids`` exactly ``documents`` (ids without one lose theirs)."""

    @abstractmethod
    def rebuild(self, connection, documents: Iterable[Document]) -> int:
        """Replace every stored document by ``documents``; returns how many were written."""

    def add_terms(self, connection, terms: set[str]) -> None:
        """Add words to the vocabulary; words already there are left alone."""
        rows = [SearchTerm(term=term, reversed=term[::-1], length=len(term)) for term in sorted(terms)]
        SearchTerm.objects.using(connection.alias).bulk_create(rows, batch_size=1000, ignore_conflicts=True)

    @abstractmethod
    def search(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        """``queryset`` narrowed to the matching agreements and annotated with ``search_rank``."""


class PostgresBackend(Backend):
    """``tsvector`` of the written words with a GIN index; the vocabulary holds the Indonesian stems."""

    COLUMNS = '"rowid", "head", "body", "vector"'
    # The stem is computed where the word is stored; protected words keep an empty stem.
    ADD_TERMS = f"""
        INSERT INTO "{TERMS}" ("term", "reversed", "length", "stem")
        SELECT w, reverse(w), length(w),
            CASE WHEN protected THEN '' ELSE coalesce((ts_lexize('indonesian_stem', w))[1], '') END
        FROM unnest(%s::text[], %s::boolean[]) AS t(w, protected)
        ON CONFLICT ("term") DO NOTHING
    """  # noqa: S608 (the table name comes from the model)

    @staticmethod
    def vector(document: Document) -> str:
        """The document's ``tsvector`` as text: each word with its positions, head words weighted A and
        body words B. Words are [a-z0-9] only, so nothing needs escaping; written here rather than by
        ``to_tsvector('simple', ...)``, whose parser took most of a rebuild's time."""
        marks: dict[str, list[str]] = {}
        position = 0
        for text, weight in ((document.head, "A"), (document.body, "B")):
            for word in text.split():
                position += 1
                marks.setdefault(word, []).append(f"{position}{weight}")
        return " ".join(f"'{word}':{','.join(word_marks)}" for word, word_marks in marks.items())

    def _copy(self, connection, cursor, documents: list[Document]) -> None:
        if documents:
            with connection.wrap_database_errors, cursor.copy(f'COPY "{TABLE}" ({self.COLUMNS}) FROM STDIN') as copy:
                for document in documents:
                    copy.write_row((document.agreement_id, document.head, document.body, self.vector(document)))

    def replace(self, connection, ids: list[int], documents: list[Document]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{TABLE}" WHERE "rowid" = ANY(%s)', [ids])  # noqa: S608
            self._copy(connection, cursor, documents)

    def rebuild(self, connection, documents: Iterable[Document]) -> int:
        # TRUNCATE leaves no dead rows behind (DELETE doubled the table at every rebuild), and the GIN
        # index is built once at the end instead of row by row. Searches wait for the rebuild to commit.
        count = 0
        with connection.cursor() as cursor:
            cursor.execute(f'TRUNCATE "{TABLE}"')
            cursor.execute(f'DROP INDEX IF EXISTS "{GIN_NAME.format(table=TABLE)}"')
            for batch in _batches(documents):
                self._copy(connection, cursor, batch)
                count += len(batch)
            cursor.execute(GIN_INDEX.format(table=TABLE))
            # TRUNCATE forgot the table's statistics; without them the planner guesses how many rows match.
            cursor.execute(f'ANALYZE "{TABLE}"')
        return count

    def add_terms(self, connection, terms: set[str]) -> None:
        words = sorted(terms)
        with connection.cursor() as cursor:
            for start in range(0, len(words), 5000):
                chunk = words[start : start + 5000]
                cursor.execute(self.ADD_TERMS, [chunk, [is_protected(word) for word in chunk]])

    @staticmethod
    def _term(term: Term) -> str:
        if isinstance(term, Word):
            return f"'{term.text}'"
        if isinstance(term, Prefix):
            return f"'{term.text}':*"
        return "(" + " <-> ".join(f"'{word}'" for word in term.words) + ")"

    def tsquery(self, query: ParsedQuery) -> str:
        """The query as ``tsquery`` text (words are [a-z0-9] only, so quoting is all it needs)."""
        return " & ".join("(" + " | ".join(self._term(term) for term in clause) + ")" for clause in query.clauses)

    def search(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        # A constant: the text is cast, not parsed again, so every lexeme is matched as written.
        tsquery = RawSQL("%s::tsquery", [self.tsquery(query)], output_field=SearchQueryField())  # noqa: S611
        rank = Func(F("search_document__vector"), tsquery, function="ts_rank", output_field=FloatField())
        return queryset.filter(search_document__vector__matches=tsquery).annotate(search_rank=rank)


class Bm25(Func):
    """FTS5's bm25 relevance of the matched document row, negated so that higher is better."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        column = self.source_expressions[0]  # a column of the document table, for its join alias
        table = connection.ops.quote_name(TABLE)
        alias = compiler.quote_name_unless_alias(column.alias)
        return f"-bm25({alias}.{table}, %s, %s)", (HEAD_WEIGHT, BODY_WEIGHT)


class SqliteBackend(Backend):
    """An FTS5 table (its rowid is the agreement id) with the unicode61 tokenizer."""

    def replace(self, connection, ids: list[int], documents: list[Document]) -> None:
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f'DELETE FROM "{TABLE}" WHERE rowid IN ({marks})', ids)  # noqa: S608
            self._insert(cursor, documents)

    @staticmethod
    def _insert(cursor, documents: list[Document]) -> None:
        if documents:
            cursor.executemany(
                f'INSERT INTO "{TABLE}" (rowid, head, body) VALUES (%s, %s, %s)',  # noqa: S608
                [(document.agreement_id, document.head, document.body) for document in documents],
            )

    def rebuild(self, connection, documents: Iterable[Document]) -> int:
        count = 0
        with connection.cursor() as cursor:
            # Emptying an FTS5 table row by row costs as much as filling it; a new table costs nothing.
            cursor.execute(f'DROP TABLE "{TABLE}"')
            cursor.execute(FTS5_TABLE.format(table=TABLE))
            for batch in _batches(documents):
                self._insert(cursor, batch)
                count += len(batch)
            # Merge the index segments the inserts left into one, as a query reads them all.
            cursor.execute(f'INSERT INTO "{TABLE}" ("{TABLE}") VALUES (\'optimize\')')  # noqa: S608
        return count

    @staticmethod
    def _term(term: Term) -> str:
        if isinstance(term, Word):
            return f'"{term.text}"'
        if isinstance(term, Prefix):
            return f'"{term.text}"*'
        return '"' + " ".join(term.words) + '"'

    def match(self, query: ParsedQuery) -> str:
        """The FTS5 query: words are [a-z0-9] only, so quoting them is all the escaping needed."""
        return " AND ".join("(" + " OR ".join(self._term(term) for term in clause) + ")" for clause in query.clauses)

    def search(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        matched = queryset.filter(search_document__head__fts5=self.match(query))
        return matched.annotate(search_rank=Bm25(F("search_document__head")))


def backend_for(connection) -> Backend:
    """The engine for ``connection``'s database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise ImproperlyConfigured(f"Search supports PostgreSQL and SQLite, not {connection.vendor}.")


def search_agreements(queryset: QuerySet, text: str, ordered: bool = True) -> QuerySet:
    """Agreements of ``queryset`` matching the search ``text``, best first when ``ordered``.

    Permissions stay with the caller: pass a ``restrict()``-ed queryset, and nothing outside it is
    matched or ranked. Text without any word leaves ``queryset`` as it is.
    """
    query = parse(text, Vocabulary(queryset.db), load_aliases())
    if not query:
        return queryset
    found = backend_for(connections[queryset.db]).search(queryset, query)
    if ordered:
        found = found.order_by("-search_rank", *queryset.model._meta.ordering)
    return found
