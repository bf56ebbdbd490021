"""Top-level URLs: web UI, open data, API, admin, log-in and the language switch."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kerjasama.core.views import LanguageSwitchView

urlpatterns = [
    path("", include("kerjasama.portal.urls")),
    path("", include("kerjasama.agreements.urls")),
    path("", include("kerjasama.monitoring.urls")),
    path("", include("kerjasama.reports.urls")),
    path("", include("kerjasama.opendata.urls")),
    path("", include("kerjasama.access.urls")),
    path("api/", include("kerjasama.config.api_urls")),
    path("admin/", admin.site.urls),
    path("akun/masuk/", auth_views.LoginView.as_view(), name="login"),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/<str:code>/", LanguageSwitchView.as_view(), name="language-switch"),
    path("i18n/", include("django.conf.urls.i18n")),
]
