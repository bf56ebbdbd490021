"""Web UI URLs of the agreement register (Indonesian paths)."""

from django.urls import path, re_path

from kerjasama.agreements import views

urlpatterns = [
    path("kerja-sama/", views.AgreementListView.as_view(), name="kerjasama-list"),
    re_path(
        r"^kerja-sama/ekspor\.(?P<fmt>xlsx|csv|json)$", views.AgreementExportView.as_view(), name="kerjasama-export"
    ),
    path("kerja-sama/saran/", views.AgreementSuggestView.as_view(), name="kerjasama-suggest"),
    path("kerja-sama/tambah/", views.AgreementCreateView.as_view(), name="kerjasama-add"),
    path("kerja-sama/arsip/", views.ArchiveListView.as_view(), name="kerjasama-archive-list"),
    path("kerja-sama/impor/", views.ImportView.as_view(), name="kerjasama-import"),
    path("kerja-sama/impor/konfirmasi/", views.ImportConfirmView.as_view(), name="kerjasama-import-confirm"),
    re_path(
        r"^kerja-sama/impor/templat\.(?P<fmt>xlsx|csv)$",
        views.ImportTemplateView.as_view(),
        name="kerjasama-import-template",
    ),
    path("kerja-sama/<int:pk>/", views.AgreementDetailView.as_view(), name="kerjasama-detail"),
    path("kerja-sama/<int:pk>/ubah/", views.AgreementUpdateView.as_view(), name="kerjasama-edit"),
    path("kerja-sama/<int:pk>/tahap/", views.AgreementTransitionView.as_view(), name="kerjasama-transition"),
    path("kerja-sama/<int:pk>/arsipkan/", views.AgreementArchiveView.as_view(), name="kerjasama-archive"),
    path("kerja-sama/<int:pk>/pulihkan/", views.AgreementRestoreView.as_view(), name="kerjasama-restore"),
]
