"""A migration operation that creates the search document table for the database it runs on."""

from django.db import migrations

# SqliteBackend.rebuild recreates the table with this statement too (a fresh table is the fastest way
# to empty it): a later change of the table needs a migration that recreates it and a new statement here.
FTS5_TABLE = (
    'CREATE VIRTUAL TABLE "{table}" USING fts5('
    "head, body, vector UNINDEXED, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
)
GIN_NAME = "{table}_vector_gin"
GIN_INDEX = f'CREATE INDEX "{GIN_NAME}" ON "{{table}}" USING gin ("vector")'


class CreateDocumentModel(migrations.CreateModel):
    """``CreateModel`` whose table is an FTS5 virtual table on SQLite and a table with a GIN index on PostgreSQL.

    The model state is the same everywhere, so Django's migrations stay valid on both databases.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            schema_editor.execute(FTS5_TABLE.format(table=model._meta.db_table))
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)
        if vendor == "postgresql":
            schema_editor.execute(GIN_INDEX.format(table=model._meta.db_table))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f'DROP TABLE "{model._meta.db_table}"')
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Create model {self.name} (FTS5 table on SQLite, GIN-indexed tsvector on PostgreSQL)"
