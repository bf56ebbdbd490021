"""Stable addresses of the open data (docs/open-data.md lists them; they do not change).

The names are stable too: ``opendata-file`` with ``slug`` and ``fmt`` gives every dataset file.
"""

from django.urls import path, re_path

from kerjasama.opendata import views

urlpatterns = [
    path("data/", views.IndexView.as_view(), name="opendata-index"),
    re_path(
        r"^data/(?P<slug>kerja-sama|pihak|kegiatan|indikator)\.(?P<fmt>csv|xlsx|json)$",
        views.DatasetFileView.as_view(),
        name="opendata-file",
    ),
    path("data/datapackage.json", views.DataPackageView.as_view(), name="opendata-datapackage"),
    path("data/kamus-data.csv", views.DictionaryCsvView.as_view(), name="opendata-dictionary"),
    path("data/ocds.json", views.OcdsPackageView.as_view(), name="opendata-ocds"),
    path("data/ocds/<int:pk>.json", views.OcdsReleaseView.as_view(), name="opendata-ocds-release"),
    path(
        "data/ocds/profile-schema.json",
        views.SchemaFileView.as_view(),
        {"name": "profile"},
        name="opendata-ocds-schema",
    ),
    path(
        "data/ocds/extension.json",
        views.SchemaFileView.as_view(),
        {"name": "extension"},
        name="opendata-ocds-extension",
    ),
    path(
        "data/ocds/release-schema.json",
        views.SchemaFileView.as_view(),
        {"name": "extension-schema"},
        name="opendata-ocds-extension-schema",
    ),
]
