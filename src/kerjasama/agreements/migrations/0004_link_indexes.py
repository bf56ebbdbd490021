"""Indexes of the agreement links (urusan, services opened, service areas) that filters read alone.

Django gives each link table an index per column and a unique (agreement, other) pair. A filter by
urusan reads the agreements of one urusan: with ``(urusan_id, agreement_id)`` it reads them from
the index alone instead of visiting every link row (5,000 for one urusan among 100,000 agreements).
The single-column index of the agreement leads the unique pair already, so it goes; one index
fewer for every import to write.
"""

from django.db import migrations

# (table, other column, Django's index on the other column, Django's index on agreement_id)
LINK_TABLES = (
    (
        "agreements_agreement_urusan",
        "urusan_id",
        "agreements_agreement_urusan_urusan_id_21c8db96",
        "agreements_agreement_urusan_agreement_id_6fa92a45",
    ),
    (
        "agreements_agreement_service_types",
        "servicetype_id",
        "agreements_agreement_service_types_servicetype_id_96390297",
        "agreements_agreement_service_types_agreement_id_a023c5e6",
    ),
    (
        "agreements_agreement_service_areas",
        "region_id",
        "agreements_agreement_service_areas_region_id_f32f5378",
        "agreements_agreement_service_areas_agreement_id_7f5f9234",
    ),
)


def _forward() -> list[str]:
    statements = []
    for table, column, other_index, agreement_index in LINK_TABLES:
        statements += [
            f'CREATE INDEX "{table}_by_{column}" ON "{table}" ("{column}", "agreement_id")',
            f'DROP INDEX IF EXISTS "{other_index}"',
            f'DROP INDEX IF EXISTS "{agreement_index}"',
        ]
    return statements


def _backward() -> list[str]:
    statements = []
    for table, column, other_index, agreement_index in LINK_TABLES:
        statements += [
            f'CREATE INDEX "{other_index}" ON "{table}" ("{column}")',
            f'CREATE INDEX "{agreement_index}" ON "{table}" ("agreement_id")',
            f'DROP INDEX IF EXISTS "{table}_by_{column}"',
        ]
    return statements


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_leaner_indexes"),
    ]

    operations = [migrations.RunSQL(sql=_forward(), reverse_sql=_backward())]
