"""Database helpers that behave the same on SQLite and PostgreSQL."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router


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


def insert_many(model: type[models.Model], rows: Sequence[models.Model | Mapping[str, Any]]) -> int:
    """Insert many new rows at once, faster than ``bulk_create``; returns how many.

    ``bulk_create`` compiles every value of every row through the ORM and reads the new keys back,
    which for tens of thousands of rows costs more than the database's own work. Here values are
    converted as ``save()`` converts them (``pre_save`` and ``get_db_prep_save``); PostgreSQL
    receives them through COPY, other databases through one prepared INSERT run by ``executemany``.

    Rows are unsaved model instances, or ``{attribute name: value}`` mappings whose missing values
    take the field default (``auto_now`` fields need instances). The primary key is written when the
    rows carry one (see :func:`reserve_keys`); otherwise the database assigns keys nobody learns.
    Like ``bulk_create``, no signals are sent.
    """
    if not rows:
        return 0
    meta = model._meta
    instances = isinstance(rows[0], models.Model)
    with_key = getattr(rows[0], meta.pk.attname) is not None if instances else meta.pk.attname in rows[0]
    fields = [field for field in meta.local_concrete_fields if with_key or field is not meta.pk]
    connection = connections[router.db_for_write(model)]

    def value(field: models.Field, row) -> Any:
        if instances:
            return field.pre_save(row, True)
        return row[field.attname] if field.attname in row else field.get_default()

    # Values the field would hand to the driver unchanged skip the conversion (most of the columns of
    # an import: numbers, keys, texts, flags, blanks); others (dates, decimals, JSON) are converted.
    plain = [_plain_type(field) for field in fields]

    def prepared(field: models.Field, kind: type | None, raw: Any) -> Any:
        if (raw is None and kind is not None and field.null) or (kind is not None and type(raw) is kind):
            return raw
        return field.get_db_prep_save(raw, connection)

    values = [
        [prepared(field, kind, value(field, row)) for field, kind in zip(fields, plain, strict=True)] for row in rows
    ]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is psycopg's own API: translate its errors (a duplicate number...) into Django's.
            with connection.wrap_database_errors, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from the model)
            cursor.executemany(statement, values)
    return len(values)


_TEXT_FIELDS = (models.CharField, models.TextField)
_INTEGER_FIELDS = (models.IntegerField, models.AutoField, models.BigAutoField, models.SmallAutoField)


def _plain_type(field: models.Field) -> type | None:
    """The Python type whose values ``field`` passes to the database as they are, or None."""
    target = field.target_field if field.is_relation and field.many_to_one else field
    if field.is_relation and not field.many_to_one:
        return None
    # Subclasses that convert (e.g. a JSON or custom field built on TextField) are not plain.
    if type(target).get_prep_value not in (models.CharField.get_prep_value, models.TextField.get_prep_value,
                                           models.IntegerField.get_prep_value, models.BooleanField.get_prep_value,
                                           models.AutoField.get_prep_value, models.BigAutoField.get_prep_value,
                                           models.SmallAutoField.get_prep_value):  # fmt: skip
        return None
    if type(target).get_db_prep_value is not models.Field.get_db_prep_value and not isinstance(target, _INTEGER_FIELDS):
        return None
    if isinstance(target, models.BooleanField):
        return bool
    if isinstance(target, _INTEGER_FIELDS):
        return int
    if isinstance(target, _TEXT_FIELDS):
        return str
    return None


def reserve_keys(model: type[models.Model], count: int) -> list[int]:
    """``count`` unused primary keys of ``model``, ascending, for rows to write with :func:`insert_many`.

    Call it inside the transaction that inserts the rows. PostgreSQL draws the keys from the key
    column's sequence. SQLite continues the table's AUTOINCREMENT counter: its transactions here
    take the write lock as they begin (``transaction_mode`` IMMEDIATE in the settings), so no other
    connection can use these keys first, and inserting them moves the counter past them.
    """
    if count <= 0:
        return []
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return sorted(key for (key,) in cursor.fetchall())
        if connection.vendor != "sqlite":
            raise ImproperlyConfigured(f"reserve_keys supports SQLite and PostgreSQL, not {connection.vendor}.")
        table, column = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
        cursor.execute(f"SELECT MAX({column}) FROM {table}")  # noqa: S608 (names from the model)
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        counter = cursor.fetchone()
        start = max(highest, counter[0] if counter else 0) + 1
    return list(range(start, start + count))
