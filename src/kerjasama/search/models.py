"""The stored search index: one document per agreement, and the vocabulary of indexed words.

:class:`AgreementDocument` is one model on both databases, stored differently (see
``migrations/0001_initial.py``): on PostgreSQL a plain table whose ``vector`` column is a
``tsvector`` with a GIN index; on SQLite an FTS5 virtual table whose rowid is the agreement id
(``vector`` is an unindexed, always empty column there). A later schema change to this model
therefore needs a hand-written migration for SQLite: FTS5 tables cannot be altered.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Lookup
from django.utils.translation import gettext_lazy as _


class IndexedText(models.TextField):
    """A text column of the index; on SQLite it can be searched with the ``fts5`` lookup."""


class IndexVector(SearchVectorField):
    """The PostgreSQL ``tsvector`` of a document (its words as written); searched with ``matches``."""


@IndexedText.register_lookup
class Fts5Match(Lookup):
    """``<document table> MATCH <FTS5 query>``: the whole FTS5 row, whichever column the lookup names.

    Written against the table's hidden column under the join's alias, so the join stays an inner
    join that SQLite drives from the full-text index.
    """

    lookup_name = "fts5"

    def as_sql(self, compiler, connection):
        rhs, rhs_params = self.process_rhs(compiler, connection)
        table = connection.ops.quote_name(AgreementDocument._meta.db_table)
        return f"{compiler.quote_name_unless_alias(self.lhs.alias)}.{table} MATCH {rhs}", rhs_params


@IndexVector.register_lookup
class TsMatch(Lookup):
    """``vector @@ tsquery`` with a ready tsquery expression on the right."""

    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ {rhs}", (*lhs_params, *rhs_params)


class AgreementDocument(models.Model):
    """What one agreement contributes to the search index, as folded words (see ``index.py``).

    ``head`` holds what names the agreement (numbers, document type, title, parties and their short
    names); ``body`` what describes it (subject, scope, urusan, perangkat daerah). Matches in the
    head rank higher.
    """

    # The column is called rowid so that on SQLite the key is the FTS5 table's own rowid. No foreign
    # key in the database (an FTS5 table has none either): the index is derived data, deleting an
    # agreement deletes its document through the ORM, and bulk writes skip a check per row.
    agreement = models.OneToOneField(
        to="agreements.Agreement",
        on_delete=models.CASCADE,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="search_document",
        verbose_name=_("agreement"),
    )
    head = IndexedText(verbose_name=_("numbers, title and parties"), blank=True)
    body = IndexedText(verbose_name=_("subject, scope, urusan and unit"), blank=True)
    vector = IndexVector(verbose_name=_("text search vector"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return str(self.agreement_id)


class SearchTerm(models.Model):
    """A word of the index, for typo tolerance, search-as-you-type and (on PostgreSQL) stemming.

    ``reversed`` lets a word be found by its ending with an index range scan, as ``term`` finds it
    by its beginning. ``stem`` is the word's stem from PostgreSQL's ``indonesian`` stemmer, empty
    for protected words and on SQLite: a query word matches every indexed word with its stem.
    Words are only added between full rebuilds, so a word no agreement uses any more can linger
    until ``kerjasama search_reindex``; it then only widens a query harmlessly.
    """

    term = models.CharField(verbose_name=_("word"), max_length=64, primary_key=True)
    reversed = models.CharField(verbose_name=_("word reversed"), max_length=64, db_index=True)
    length = models.PositiveSmallIntegerField(verbose_name=_("length"))
    stem = models.CharField(verbose_name=_("stem"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term
