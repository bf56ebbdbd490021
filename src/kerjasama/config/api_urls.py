"""The REST API under /api/: one router for every app, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from kerjasama.access.api import views as access
from kerjasama.agreements.api import views as agreements
from kerjasama.monitoring.api import health
from kerjasama.monitoring.api import views as monitoring
from kerjasama.regions.api import views as regions

router = DefaultRouter()
router.register("regions", regions.RegionViewSet)
router.register("partners", regions.PartnerViewSet)
router.register("pihak", regions.PihakViewSet)
router.register("urusan", regions.UrusanViewSet)
router.register("service-types", regions.ServiceTypeViewSet)
router.register("perangkat-daerah", regions.PerangkatDaerahViewSet)
router.register("agreements", agreements.AgreementViewSet)
router.register("transitions", agreements.TransitionViewSet)
router.register("activities", monitoring.ActivityViewSet)
router.register("reporting-schedules", monitoring.ScheduleViewSet)
router.register("reporting-periods", monitoring.PeriodViewSet)
router.register("reports", monitoring.ReportViewSet)
router.register("evidence", monitoring.EvidenceViewSet, basename="evidence")
router.register("indicators", monitoring.IndicatorViewSet)
router.register("indicator-values", monitoring.IndicatorValueViewSet)
router.register("evaluations", monitoring.EvaluationViewSet)
router.register("follow-up-actions", monitoring.ActionViewSet)
router.register("problems", monitoring.ProblemViewSet)
router.register("access/points", access.ServicePointViewSet)

urlpatterns = [
    path("", include(router.urls)),
    path("stats/agreements-by-year/", agreements.AgreementsByYearView.as_view(), name="stats-by-year"),
    path("stats/agreements-by-urusan/", agreements.AgreementsByUrusanView.as_view(), name="stats-by-urusan"),
    path("stats/agreements-by-category/", agreements.AgreementsByCategoryView.as_view(), name="stats-by-category"),
    path(
        "stats/agreements-by-partner-type/",
        agreements.AgreementsByPartnerTypeView.as_view(),
        name="stats-by-partner-type",
    ),
    path("health/flags/", health.FlagListView.as_view(), name="health-flags"),
    path("health/scores/", health.ScoreListView.as_view(), name="health-scores"),
    path("health/rollups/", health.RollupView.as_view(), name="health-rollups"),
    path("access/nearest/", access.NearestView.as_view(), name="access-nearest"),
    path("access/gaps/", access.GapsView.as_view(), name="access-gaps"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]
