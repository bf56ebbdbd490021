"""Reference data: regions keyed by Kemendagri code, partners, the party table, urusan and services."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kerjasama.core.choices import Source
from kerjasama.core.querysets import RestrictedQuerySet
from kerjasama.core.text import fold
from kerjasama.regions.choices import GOVERNMENT_LEVELS, PartnerType, PihakKind, RegionLevel, UrusanGroup

__all__ = (
    "Partner",
    "PerangkatDaerah",
    "Pihak",
    "Region",
    "RegionBoundary",
    "ServiceType",
    "Urusan",
)


def within_code(code: str, field: str = "code") -> Q:
    """Match a region code and every code beneath it (``64.02`` matches ``64.02.13.1008``).

    Codes are hierarchical strings; a prefix match on ``code + '.'`` is exact and uses the index.
    Never compare codes as numbers: they are not sequential.
    """
    return Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})


class RegionQuerySet(RestrictedQuerySet):
    """Regions with hierarchy helpers."""

    def within(self, code: str) -> "RegionQuerySet":
        """The region ``code`` and everything inside it."""
        return self.filter(within_code(code))

    def kabkota(self) -> "RegionQuerySet":
        return self.filter(level__in=(RegionLevel.KABUPATEN, RegionLevel.KOTA))


class Region(models.Model):
    """A province, kabupaten/kota, kecamatan or desa/kelurahan under its Kemendagri code.

    The code (``64.02.13.1008``) is the key; ``parent`` is the code minus its last part.
    """

    code = models.CharField(verbose_name=_("code"), max_length=13, primary_key=True)
    parent = models.ForeignKey(
        to="self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.CharField(verbose_name=_("level"), max_length=12, choices=RegionLevel.choices, db_index=True)
    name = models.CharField(verbose_name=_("name"), max_length=120, db_index=True)
    # The name as the resolvers match it (``core.text.fold``): "Kec. Samboja" finds its kecamatan with
    # one indexed lookup instead of loading every name of Indonesia first. Kept by save() and the loaders.
    name_key = models.CharField(verbose_name=_("name key"), max_length=120, editable=False, default="")
    lat = models.FloatField(verbose_name=_("latitude"), null=True, blank=True)
    lon = models.FloatField(verbose_name=_("longitude"), null=True, blank=True)
    population = models.BigIntegerField(verbose_name=_("population"), null=True, blank=True)
    population_period = models.CharField(verbose_name=_("population period"), max_length=60, blank=True)
    area_km2 = models.FloatField(verbose_name=_("area (km²)"), null=True, blank=True)
    postal_code = models.CharField(verbose_name=_("postal code"), max_length=5, blank=True)
    source = models.CharField(verbose_name=_("source"), max_length=200, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ("code",)
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        # A plain index (equality lookups only): db_index would add a LIKE-pattern twin on PostgreSQL.
        indexes = [models.Index(fields=["name_key"], name="regions_name_key_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_government(self) -> bool:
        """Province and kabupaten/kota sign agreements; kecamatan and desa do not."""
        return self.level in GOVERNMENT_LEVELS

    @property
    def kabkota_code(self) -> str | None:
        """The kabupaten/kota code this region lies in (itself for a kabupaten/kota)."""
        parts = self.code.split(".")
        return ".".join(parts[:2]) if len(parts) >= 2 else None

    @property
    def province_code(self) -> str:
        return self.code.split(".")[0]

    def label(self) -> str:
        """Name with its level where the name alone is ambiguous (kecamatan, desa)."""
        if self.level in (RegionLevel.KECAMATAN, RegionLevel.DESA, RegionLevel.KELURAHAN):
            return f"{self.get_level_display()} {self.name}"
        return self.name


class RegionBoundary(models.Model):
    """The boundary polygon of a region as a GeoJSON geometry (WGS84, [lon, lat])."""

    region = models.OneToOneField(
        to="regions.Region",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="boundary",
        verbose_name=_("region"),
    )
    geometry = models.JSONField(verbose_name=_("geometry"))

    class Meta:
        verbose_name = _("region boundary")
        verbose_name_plural = _("region boundaries")

    def __str__(self) -> str:
        return str(self.region_id)


class Partner(models.Model):
    """A third party (pihak ketiga): university, ministry or agency, enterprise, firm, NGO, foreign body."""

    name = models.CharField(verbose_name=_("name"), max_length=200, unique=True)
    short_name = models.CharField(verbose_name=_("short name"), max_length=60, blank=True)
    partner_type = models.CharField(
        verbose_name=_("partner type"), max_length=30, choices=PartnerType.choices, db_index=True
    )
    aliases = models.JSONField(
        verbose_name=_("aliases"),
        default=list,
        blank=True,
        help_text=_("Other names users write, e.g. Unmul for Universitas Mulawarman."),
    )
    region = models.ForeignKey(
        to="regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners_located",
        verbose_name=_("location"),
    )
    country = models.CharField(verbose_name=_("country"), max_length=60, default="Indonesia")
    address = models.CharField(verbose_name=_("address"), max_length=300, blank=True)
    website = models.URLField(verbose_name=_("website"), blank=True)
    source = models.CharField(verbose_name=_("source"), max_length=20, choices=Source.choices, default=Source.INPUT)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            Pihak.objects.update_or_create(partner=self, defaults={"kind": PihakKind.MITRA, "name": self.name})

    def snapshot(self) -> dict:
        """Plain field values for the change log."""
        return {
            "name": self.name,
            "short_name": self.short_name,
            "partner_type": self.partner_type,
            "aliases": list(self.aliases or []),
            "region": self.region_id,
            "country": self.country,
            "address": self.address,
            "website": self.website,
            "source": self.source,
        }


class PihakQuerySet(RestrictedQuerySet):
    """Parties: every region government and every partner, one row each."""

    def with_related(self) -> "PihakQuerySet":
        return self.select_related("region", "partner")


class Pihak(models.Model):
    """A party that can sign an agreement: one row per region government and per partner.

    Keeping regions and partners behind one table makes "all agreements of X" a single join
    whatever X is, and the cooperation network a plain edge list.
    """

    kind = models.CharField(verbose_name=_("kind"), max_length=10, choices=PihakKind.choices)
    region = models.OneToOneField(
        to="regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pihak",
        verbose_name=_("region"),
    )
    partner = models.OneToOneField(
        to="regions.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pihak",
        verbose_name=_("partner"),
    )
    name = models.CharField(verbose_name=_("name"), max_length=200, db_index=True)

    objects = PihakQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=PihakKind.WILAYAH, region__isnull=False, partner__isnull=True)
                    | Q(kind=PihakKind.MITRA, region__isnull=True, partner__isnull=False)
                ),
                name="regions_pihak_region_xor_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.region_id and self.region.level not in GOVERNMENT_LEVELS:
            raise ValidationError({"region": _("Only a province or a kabupaten/kota can be a party.")})

    @property
    def code(self) -> str:
        """The region code, or ``mitra:<id>`` for a partner."""
        return self.region_id if self.region_id else f"mitra:{self.partner_id}"


class Urusan(models.Model):
    """A government affair (urusan pemerintahan) of UU 23/2014: the controlled list of sectors."""

    code = models.CharField(verbose_name=_("code"), max_length=8, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=120, unique=True)
    short_name = models.CharField(verbose_name=_("short name"), max_length=40, blank=True)
    group = models.CharField(verbose_name=_("group"), max_length=30, choices=UrusanGroup.choices)
    aliases = models.JSONField(verbose_name=_("aliases"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("code",)
        verbose_name = _("urusan")
        verbose_name_plural = _("urusan")

    def __str__(self) -> str:
        return self.name


class ServiceType(models.Model):
    """A public service an agreement can open to another region's residents (e.g. adminduk)."""

    code = models.SlugField(verbose_name=_("code"), max_length=40, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=120)
    description = models.CharField(verbose_name=_("description"), max_length=300, blank=True)
    urusan = models.ForeignKey(
        to="regions.Urusan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_types",
        verbose_name=_("urusan"),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("code",)
        verbose_name = _("service type")
        verbose_name_plural = _("service types")

    def __str__(self) -> str:
        return self.name


class PerangkatDaerah(models.Model):
    """A regional government unit (OPD), e.g. Dinas Kesehatan of a province or kabupaten/kota."""

    name = models.CharField(verbose_name=_("name"), max_length=200)
    short_name = models.CharField(verbose_name=_("short name"), max_length=60, blank=True)
    region = models.ForeignKey(
        to="regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="perangkat_daerah",
        verbose_name=_("region"),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="regions_perangkatdaerah_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
