"""The signing-date index also carries what list filters read, so a page's keys come from it alone.

Lists are ordered by signing date, newest first, and filtered by validity on a day (start, end and
termination dates), archive and public flag. Walking the plain ``signed_on`` index, PostgreSQL
visited the table row of every agreement it passed to test those dates: some 6,000 rows for a page
of 50 by urusan and validity. ``(signed_on, id) INCLUDE (...)`` holds those columns in the index,
so reading a page's keys (``core.api.pagination``, which then reads the 50 rows by key) never visits
the table. SQLite has no INCLUDE; its index on ``(signed_on, id)`` is what its plain ``signed_on``
index already was (every SQLite index ends with the row id).
"""

from django.db import migrations, models

INDEX = "agreements_signed_cover_idx"
TABLE = "agreements_agreement"
COVERED = ("archived_at", "is_public", "start_on", "end_on", "terminated_on")


def create(apps, schema_editor) -> None:
    quote = schema_editor.quote_name
    statement = f"CREATE INDEX {quote(INDEX)} ON {quote(TABLE)} ({quote('signed_on')}, {quote('id')})"
    if schema_editor.connection.features.supports_covering_indexes:
        statement += f" INCLUDE ({', '.join(quote(column) for column in COVERED)})"
    schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_link_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agreement",
            name="signed_on",
            field=models.DateField(blank=True, null=True, verbose_name="signing date"),
        ),
        migrations.RunPython(create, drop),
    ]
