"""Web UI URLs of implementation monitoring (Indonesian paths)."""

from django.urls import path

from kerjasama.monitoring import views, views_attention

urlpatterns = [
    # Health: the "needs attention" list and the calendar feeds (monitoring/views_attention.py).
    path("perlu-perhatian/", views_attention.AttentionView.as_view(), name="monitoring-attention"),
    path(
        "kalender/wilayah/<str:code>.ics",
        views_attention.RegionCalendarView.as_view(),
        name="monitoring-calendar-region",
    ),
    path("kalender/<str:token>.ics", views_attention.UserCalendarView.as_view(), name="monitoring-calendar-user"),
    # Recording: work plans, schedules, reports with evidence, indicators, evaluations (monitoring/views.py).
    path("kerja-sama/<int:pk>/kegiatan/tambah/", views.ActivityCreateView.as_view(), name="monitoring-activity-add"),
    path(
        "kerja-sama/<int:pk>/kegiatan/<int:activity>/ubah/",
        views.ActivityUpdateView.as_view(),
        name="monitoring-activity-edit",
    ),
    path(
        "kerja-sama/<int:pk>/kegiatan/<int:activity>/progres/",
        views.ActivityProgressView.as_view(),
        name="monitoring-activity-progress",
    ),
    path(
        "kerja-sama/<int:pk>/kegiatan/<int:activity>/hapus/",
        views.ActivityDeleteView.as_view(),
        name="monitoring-activity-delete",
    ),
    path("kerja-sama/<int:pk>/jadwal-laporan/", views.ScheduleView.as_view(), name="monitoring-schedule"),
    path("kerja-sama/<int:pk>/laporan/tambah/", views.ReportCreateView.as_view(), name="monitoring-report-add"),
    path("kerja-sama/<int:pk>/laporan/<int:report>/", views.ReportDetailView.as_view(), name="monitoring-report"),
    path(
        "kerja-sama/<int:pk>/laporan/<int:report>/ubah/",
        views.ReportUpdateView.as_view(),
        name="monitoring-report-edit",
    ),
    path(
        "kerja-sama/<int:pk>/laporan/<int:report>/tinjau/",
        views.ReportReviewView.as_view(),
        name="monitoring-report-review",
    ),
    path(
        "kerja-sama/<int:pk>/laporan/<int:report>/bukti/tambah/",
        views.EvidenceAddView.as_view(),
        name="monitoring-evidence-add",
    ),
    path(
        "kerja-sama/<int:pk>/laporan/<int:report>/bukti/<int:evidence>/",
        views.EvidenceDownloadView.as_view(),
        name="monitoring-evidence",
    ),
    path(
        "kerja-sama/<int:pk>/laporan/<int:report>/bukti/<int:evidence>/hapus/",
        views.EvidenceDeleteView.as_view(),
        name="monitoring-evidence-delete",
    ),
    path("kerja-sama/<int:pk>/indikator/tambah/", views.IndicatorCreateView.as_view(), name="monitoring-indicator-add"),
    path(
        "kerja-sama/<int:pk>/indikator/<int:indicator>/ubah/",
        views.IndicatorUpdateView.as_view(),
        name="monitoring-indicator-edit",
    ),
    path(
        "kerja-sama/<int:pk>/indikator/<int:indicator>/nilai/tambah/",
        views.IndicatorValueCreateView.as_view(),
        name="monitoring-value-add",
    ),
    path(
        "kerja-sama/<int:pk>/indikator/<int:indicator>/nilai/<int:value>/ubah/",
        views.IndicatorValueUpdateView.as_view(),
        name="monitoring-value-edit",
    ),
    path(
        "kerja-sama/<int:pk>/evaluasi/tambah/", views.EvaluationCreateView.as_view(), name="monitoring-evaluation-add"
    ),
    path(
        "kerja-sama/<int:pk>/evaluasi/<int:evaluation>/ubah/",
        views.EvaluationUpdateView.as_view(),
        name="monitoring-evaluation-edit",
    ),
    path(
        "kerja-sama/<int:pk>/evaluasi/<int:evaluation>/tindak-lanjut/tambah/",
        views.EvaluationActionCreateView.as_view(),
        name="monitoring-evaluation-action-add",
    ),
    path("tindak-lanjut/<int:action>/ubah/", views.ActionUpdateView.as_view(), name="monitoring-action-edit"),
    # The problem register.
    path("permasalahan/", views.ProblemListView.as_view(), name="monitoring-problems"),
    path("permasalahan/tambah/", views.ProblemCreateView.as_view(), name="monitoring-problem-add"),
    path("permasalahan/<int:problem>/", views.ProblemDetailView.as_view(), name="monitoring-problem"),
    path("permasalahan/<int:problem>/ubah/", views.ProblemUpdateView.as_view(), name="monitoring-problem-edit"),
    path(
        "permasalahan/<int:problem>/tindak-lanjut/tambah/",
        views.ProblemActionCreateView.as_view(),
        name="monitoring-problem-action-add",
    ),
]
