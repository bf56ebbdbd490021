"""Service points: where residents get a public service (Disdukcapil office, RSUD, puskesmas, SMA/SMK...)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kerjasama.access.choices import PROVINCE_RUN_SERVICES
from kerjasama.core.choices import Source
from kerjasama.core.querysets import RestrictedQuerySet
from kerjasama.regions.models import within_code

__all__ = ("IndexVersion", "ServicePoint")


class ServicePointQuerySet(RestrictedQuerySet):
    """Service points; the default policy applies: everyone reads, only the province admin writes."""

    def of_service(self, code: str) -> "ServicePointQuerySet":
        return self.filter(service_type__code=code)

    def within(self, code: str) -> "ServicePointQuerySet":
        """Points standing in region ``code`` (province, kabupaten/kota, kecamatan or desa)."""
        return self.filter(within_code(code, "kecamatan__code") | Q(desa_id=code))

    def with_related(self) -> "ServicePointQuerySet":
        return self.select_related("service_type", "region", "kecamatan", "desa", "operator")


class ServicePoint(models.Model):
    """A place where a public service is given, with its coordinates and the government that runs it.

    ``region`` is the kabupaten/kota the point stands in and follows from ``kecamatan`` (and ``desa``
    when known). ``operator`` (penyelenggara) is the government whose residents may use the point
    without any agreement and which an agreement must name to open it to others: the kabupaten/kota
    by default, the province for provincial services (``PROVINCE_RUN_SERVICES``).
    """

    name = models.CharField(verbose_name=_("name"), max_length=200)
    service_type = models.ForeignKey(
        to="regions.ServiceType",
        on_delete=models.PROTECT,
        related_name="service_points",
        verbose_name=_("service type"),
    )
    region = models.ForeignKey(
        to="regions.Region",
        on_delete=models.PROTECT,
        related_name="service_points",
        verbose_name=_("kabupaten/kota"),
    )
    kecamatan = models.ForeignKey(
        to="regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan")
    )
    desa = models.ForeignKey(
        to="regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    operator = models.ForeignKey(
        to="regions.Region",
        on_delete=models.PROTECT,
        related_name="operated_service_points",
        verbose_name=_("operator (penyelenggara)"),
        help_text=_("The province or kabupaten/kota that runs the point."),
    )
    lat = models.FloatField(verbose_name=_("latitude"))
    lon = models.FloatField(verbose_name=_("longitude"))
    is_approximate = models.BooleanField(
        verbose_name=_("approximate location"),
        default=False,
        help_text=_("The coordinates are an estimate (lokasi perkiraan), not the surveyed address."),
    )
    address = models.CharField(verbose_name=_("address"), max_length=300, blank=True)
    contact = models.CharField(verbose_name=_("contact"), max_length=200, blank=True)
    opening_hours = models.CharField(verbose_name=_("opening hours"), max_length=200, blank=True)
    source = models.CharField(
        verbose_name=_("source of the record"), max_length=20, choices=Source.choices, default=Source.INPUT
    )
    source_note = models.CharField(verbose_name=_("source note"), max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True, db_index=True)

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        ordering = ("region", "service_type", "name")
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        constraints = [
            models.UniqueConstraint(fields=["service_type", "region", "name"], name="access_point_unique_name"),
        ]
        indexes = [models.Index(fields=["service_type", "operator"], name="access_point_service_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.operator_id is None and self.region_id and self.service_type_id:
            self.operator_id = default_operator(self.service_type.code, self.region_id)
        super().save(*args, **kwargs)

    def snapshot(self, service_code: str | None = None) -> dict:
        """Plain field values for the change log (``service_code`` saves reading the service type)."""
        return {
            "name": self.name,
            "service_type": service_code or self.service_type.code,
            "region": self.region_id,
            "kecamatan": self.kecamatan_id,
            "desa": self.desa_id,
            "operator": self.operator_id,
            "lat": self.lat,
            "lon": self.lon,
            "is_approximate": self.is_approximate,
            "address": self.address,
            "contact": self.contact,
            "opening_hours": self.opening_hours,
            "source": self.source,
            "source_note": self.source_note,
        }


def default_operator(service_code: str, region_code: str) -> str:
    """The government that runs a point unless told otherwise: the province for provincial services."""
    if service_code in PROVINCE_RUN_SERVICES:
        return region_code.split(".")[0]
    return region_code


class IndexVersion(models.Model):
    """A counter bumped whenever service points change, so every process knows its cached index is stale.

    Saving or deleting a point bumps it (signals in ``apps.py``); bulk writers (import, demo, benchmark
    helpers) call :func:`kerjasama.access.index.touch_points` themselves. Reading one row by key is
    far cheaper than counting the points before every answer.
    """

    name = models.CharField(verbose_name=_("name"), max_length=40, primary_key=True)
    counter = models.BigIntegerField(verbose_name=_("counter"), default=0)

    class Meta:
        verbose_name = _("index version")
        verbose_name_plural = _("index versions")

    def __str__(self) -> str:
        return f"{self.name}: {self.counter}"
