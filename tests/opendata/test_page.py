"""The open-data page: datasets with rows and formats, licence, synthetic-data notice, dictionary, footer link."""

import pytest
from django.urls import reverse

from kerjasama.opendata.datasets import DATASETS

pytestmark = pytest.mark.django_db


def test_page_lists_datasets_formats_rows_licence_and_dictionary(english, register):
    response = english.get(reverse("opendata-index"))
    assert response.status_code == 200
    page = response.content.decode()
    for slug, dataset in DATASETS.items():
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="/data/{slug}.{fmt}"' in page
        assert f'id="kamus-{slug}"' in page
        for name in dataset.column_names:
            assert f"<code>{name}</code>" in page
    rows = {item["dataset"].slug: item["rows"] for item in response.context["datasets"]}
    assert rows == {"kerja-sama": 2, "pihak": 5, "kegiatan": 6, "indikator": 4}
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert "Synthetic example data" in page and "contoh_sintetis" in page
    assert 'href="/data/ocds.json"' in page and 'href="/data/datapackage.json"' in page
    assert "updated_since" in page


def test_page_without_synthetic_data_has_no_notice(english, admin_user):
    from tests.builders import make_agreement

    make_agreement(user=admin_user)
    page = english.get(reverse("opendata-index")).content.decode()
    assert "Synthetic example data" not in page


def test_footer_links_the_open_data_page(english, db):
    page = english.get(reverse("home")).content.decode()
    assert f'href="{reverse("opendata-index")}"' in page


def test_page_describes_the_catalogue_for_dataset_search_engines(client, register):
    import json
    import re

    page = client.get(reverse("opendata-index")).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    catalogue = json.loads(found.group(1))
    assert catalogue["@type"] == "DataCatalog"
    assert [item["url"].split("#")[1] for item in catalogue["dataset"]] == [f"kamus-{slug}" for slug in DATASETS]
    first = catalogue["dataset"][0]
    assert first["distribution"][0] == {
        "@type": "DataDownload",
        "encodingFormat": "text/csv",
        "contentUrl": "https://data.example/data/kerja-sama.csv",
    }
    assert first["variableMeasured"] == DATASETS["kerja-sama"].column_names
