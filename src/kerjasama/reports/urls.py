"""Web UI URLs of the reports (Indonesian paths)."""

from django.urls import path

from kerjasama.reports import views

urlpatterns = [
    path("laporan/", views.ReportView.as_view(), name="reports-form"),
]
