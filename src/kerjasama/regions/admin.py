"""Django admin for reference data."""

from django.contrib import admin

from kerjasama.core.admin import ChangeLoggedAdmin
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak, Region, ServiceType, Urusan


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "population")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "parent", "level")
    list_select_related = ("parent",)


@admin.register(Partner)
class PartnerAdmin(ChangeLoggedAdmin):
    list_display = ("name", "short_name", "partner_type", "region", "source")
    list_filter = ("partner_type", "source")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("region",)


@admin.register(Pihak)
class PihakAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "partner")
    list_filter = ("kind",)
    search_fields = ("name",)

    def has_add_permission(self, request):
        return False  # parties are made with their region or partner


@admin.register(Urusan)
class UrusanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "group")
    list_filter = ("group",)
    search_fields = ("name", "short_name")


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "urusan")


@admin.register(PerangkatDaerah)
class PerangkatDaerahAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "region")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("region",)
