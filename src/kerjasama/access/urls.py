"""Web UI URLs of service access (Indonesian paths)."""

from django.urls import path

from kerjasama.access import views

urlpatterns = [
    path("layanan-terdekat/", views.NearestPageView.as_view(), name="access-nearest-page"),
    path("layanan-terdekat/wilayah.json", views.PlaceSuggestView.as_view(), name="access-place-suggest"),
    path("layanan-terdekat/batas.geojson", views.BoundaryView.as_view(), name="access-boundaries"),
    path("peta-celah-layanan/", views.GapsPageView.as_view(), name="access-gaps-page"),
]
