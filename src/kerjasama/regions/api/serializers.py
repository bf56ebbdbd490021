"""API representations of the reference data."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kerjasama.regions.choices import PartnerType
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak, Region, ServiceType, Urusan


class RegionSerializer(serializers.ModelSerializer):
    """A region under its Kemendagri code."""

    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = (
            "code",
            "name",
            "level",
            "parent",
            "lat",
            "lon",
            "population",
            "population_period",
            "area_km2",
            "postal_code",
            "source",
        )


class PartnerSerializer(serializers.ModelSerializer):
    """A third-party partner with its party id."""

    pihak = serializers.IntegerField(source="pihak.pk", read_only=True, help_text=_("Party id for agreements."))
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Partner
        fields = (
            "id",
            "pihak",
            "name",
            "short_name",
            "partner_type",
            "aliases",
            "region",
            "country",
            "address",
            "website",
            "source",
        )


class PihakSerializer(serializers.ModelSerializer):
    """A party: a region government or a partner."""

    region = serializers.CharField(source="region_id", read_only=True, allow_null=True)
    partner_type = serializers.ChoiceField(
        source="partner.partner_type", choices=PartnerType.choices, read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Pihak
        fields = ("id", "kind", "name", "region", "partner", "partner_type")


class UrusanSerializer(serializers.ModelSerializer):
    """A government affair; agreements name it by ``code``."""

    class Meta:
        model = Urusan
        fields = ("code", "name", "short_name", "group")


class ServiceTypeSerializer(serializers.ModelSerializer):
    """A service an agreement can open to another region's residents."""

    urusan = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ServiceType
        fields = ("code", "name", "description", "urusan")


class PerangkatDaerahSerializer(serializers.ModelSerializer):
    """A regional government unit (OPD)."""

    class Meta:
        model = PerangkatDaerah
        fields = ("id", "name", "short_name", "region")
