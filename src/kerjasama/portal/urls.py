"""Web UI URLs of the public portal (Indonesian paths)."""

from django.urls import path

from kerjasama.portal import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("jejaring/", views.NetworkView.as_view(), name="portal-network"),
    path("wilayah/", views.RegionListView.as_view(), name="portal-regions"),
    path("wilayah/<str:code>/", views.RegionDetailView.as_view(), name="portal-region"),
]
