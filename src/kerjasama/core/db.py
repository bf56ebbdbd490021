"""Database helpers that behave the same on SQLite and PostgreSQL."""

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
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
    converted as ``save()`` converts them (``pre_save`` and ``get_db_prep_save``), a column at a time;
    PostgreSQL receives them through COPY, other databases through one prepared INSERT run by
    ``executemany``.

    Rows are unsaved model instances, or ``{attribute name: value}`` mappings whose missing values
    take the field default (``auto_now`` fields need instances). ``auto_now`` and ``auto_now_add``
    fields get one moment for the whole call, set on every instance as ``save()`` would. The primary
    key is written when the rows carry one (see :func:`reserve_keys`); otherwise the database assigns
    keys nobody learns. Like ``bulk_create``, no signals are sent.
    """
    if not rows:
        return 0
    meta = model._meta
    instances = isinstance(rows[0], models.Model)
    with_key = getattr(rows[0], meta.pk.attname) is not None if instances else meta.pk.attname in rows[0]
    fields = [field for field in meta.local_concrete_fields if with_key or field is not meta.pk]
    connection = connections[router.db_for_write(model)]
    columns = [_prepared_column(field, _raw_column(field, rows, instances), connection) for field in fields]
    values = list(zip(*columns, strict=True))
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is psycopg's own API: translate its errors (a duplicate number...) into Django's.
            with connection.wrap_database_errors, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            statement = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 (names from the model)
            cursor.executemany(statement, values)
    return len(values)


def _raw_column(field: models.Field, rows: Sequence, instances: bool) -> list:
    """The values of ``field`` in ``rows`` before conversion: what ``save()`` would hand to the field."""
    name = field.attname
    if not instances:
        if all(name in row for row in rows):
            return [row[name] for row in rows]
        return [row[name] if name in row else field.get_default() for row in rows]
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        moment = field.pre_save(rows[0], True)  # sets it on the first row, as save() does
        for row in rows:
            setattr(row, name, moment)
        return [moment] * len(rows)
    if type(field).pre_save is models.Field.pre_save:
        return list(map(attrgetter(name), rows))
    return [field.pre_save(row, True) for row in rows]


# Converting is deterministic for these value types, so a column converts each distinct value once
# (an import's rows share their timestamps, dates and codes).
_MEMO_TYPES = frozenset({str, int, bool, float, Decimal, dt.date, dt.datetime, uuid.UUID, type(None)})


def _prepared_column(field: models.Field, raw: list, connection) -> list:
    """``raw`` converted for the database, as ``get_db_prep_save`` converts it.

    Values the field would hand to the driver unchanged skip the conversion (most of the columns
    of an import: numbers, keys, texts, flags, blanks); others (dates, decimals, JSON) are converted.
    """
    kind = _plain_type(field)
    if kind is not None:
        nullable = field.null
        if all(type(value) is kind or (value is None and nullable) for value in raw):
            return raw
    convert = _json_converter(field) or field.get_db_prep_save
    memo: dict[tuple[type, Any], Any] = {}
    prepared = []
    for value in raw:
        value_type = type(value)
        if kind is not None and (value_type is kind or (value is None and field.null)):
            prepared.append(value)
        elif value_type in _MEMO_TYPES:
            key = (value_type, value)
            if key not in memo:
                memo[key] = convert(value, connection)
            prepared.append(memo[key])
        else:
            prepared.append(convert(value, connection))
    return prepared


def _json_converter(field: models.Field) -> Callable[[Any, Any], Any] | None:
    """For a plain JSONField, what its ``get_db_prep_save`` does with plain data (dicts, lists, None),
    minus the checks for query expressions that an import's values never are; else None.

    The change log converts a JSON snapshot per entry, tens of thousands per import.
    """
    if type(field) is not models.JSONField:
        return None
    encoder = field.encoder

    def convert(value: Any, connection) -> Any:
        if value is None:
            return None  # SQL NULL, as JSONField stores None
        return connection.ops.adapt_json_value(value, encoder)

    return convert


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


class CompiledQuery:
    """A read query compiled once by the ORM and run again with other values of its parameters.

    Building and compiling a queryset costs a few milliseconds of Python, more than the database
    takes to run a small indexed query. A query asked on every answer (the agreements that open a
    service, for the nearest service point) is built once by ``build`` with stand-in values
    (``stand_ins``: name → a value no real query uses, such as a negative key or the year 1111);
    each :meth:`rows` call runs the same SQL with the real values in their place. The rules stay in
    the queryset methods that ``build`` calls; only the compiling is saved.

    The query must be a ``values_list()``: rows come back as tuples, with the field converters the
    ORM would apply (SQLite's dates and flags). A stand-in must appear among the compiled parameters
    and must not equal a constant of the query; both are checked when compiling.
    """

    def __init__(self, build: Callable[..., models.QuerySet], **stand_ins: Any) -> None:
        queryset = build(**stand_ins)
        self.using = queryset.db
        compiler = queryset.query.get_compiler(using=self.using)
        self.sql, params = compiler.as_sql()
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        self._converters = compiler.get_converters(fields)
        self._compiler = compiler
        # A stand-in may appear among the parameters as given or as adapted for the driver.
        forms = {name: (value, _adapt(value, compiler.connection)) for name, value in stand_ins.items()}
        # Per parameter: the stand-in's name, or None and the query's own constant, kept as compiled.
        self._slots: list[tuple[str | None, Any]] = []
        for param in params:
            names = [name for name, values in forms.items() if _same(param, values)]
            if len(names) > 1:
                raise ImproperlyConfigured(f"Stand-ins {names} share the compiled value {param!r}.")
            self._slots.append((names[0], None) if names else (None, param))
        missing = set(stand_ins) - {name for name, _constant in self._slots}
        if missing:
            raise ImproperlyConfigured(f"Stand-ins {sorted(missing)} are not parameters of the query.")

    def rows(self, **values: Any) -> list[tuple]:
        """The rows of the query with ``values`` (every stand-in's name) in place of the stand-ins."""
        connection = connections[self.using]
        params = [constant if name is None else _adapt(values[name], connection) for name, constant in self._slots]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self._converters:
            return [tuple(row) for row in self._compiler.apply_converters(rows, self._converters)]
        return rows


def _adapt(value: Any, connection) -> Any:
    """A value as the ORM hands it to the driver (dates as text on SQLite)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _same(param: Any, forms: tuple) -> bool:
    # Compare type and value: True == 1 and 1.0 == 1 must not make a flag or a float a stand-in.
    return any(type(param) is type(form) and param == form for form in forms)
