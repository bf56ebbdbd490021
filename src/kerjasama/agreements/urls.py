"""Web UI URLs of the agreement register (Indonesian paths)."""

from django.urls import path

from kerjasama.agreements import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]
