# Written by hand from makemigrations' output: the document table is an FTS5 virtual table on
# SQLite and a table with a GIN index on PostgreSQL (kerjasama.search.operations).

import django.db.models.deletion
from django.db import migrations, models

import kerjasama.search.models
import kerjasama.search.operations


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agreements', '0002_covering_list_index'),
    ]

    operations = [
        kerjasama.search.operations.CreateDocumentModel(
            name='AgreementDocument',
            fields=[
                ('agreement', models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='agreements.agreement', verbose_name='agreement')),
                ('head', kerjasama.search.models.IndexedText(blank=True, verbose_name='numbers, title and parties')),
                ('body', kerjasama.search.models.IndexedText(blank=True, verbose_name='subject, scope, urusan and unit')),
                ('vector', kerjasama.search.models.IndexVector(blank=True, editable=False, null=True, verbose_name='text search vector')),
            ],
            options={
                'verbose_name': 'search document',
                'verbose_name_plural': 'search documents',
            },
        ),
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('term', models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name='word')),
                ('reversed', models.CharField(db_index=True, max_length=64, verbose_name='word reversed')),
                ('length', models.PositiveSmallIntegerField(verbose_name='length')),
                ('stem', models.CharField(blank=True, db_index=True, max_length=64, verbose_name='stem')),
            ],
            options={
                'verbose_name': 'search term',
                'verbose_name_plural': 'search terms',
            },
        ),
    ]
