"""Database helpers that behave the same on SQLite and PostgreSQL."""

from django.db import models


class Year(models.Func):
    """The year of a date column as an integer, computed natively on both databases.

    Django's ``ExtractYear`` calls a Python function per row on SQLite, which dominates a
    group-by over 100,000 agreements; SQLite stores dates as ``YYYY-MM-DD`` text, so the first
    four characters are the year.
    """

    output_field = models.IntegerField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(SUBSTR(%(expressions)s, 1, 4) AS INTEGER)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(YEAR FROM %(expressions)s)::integer", **extra)
