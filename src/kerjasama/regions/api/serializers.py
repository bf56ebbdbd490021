"""API representations of the reference data."""

from rest_framework import serializers

from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak, Region, ServiceType, Urusan


class RegionSerializer(serializers.ModelSerializer):
    """A region under its Kemendagri code."""

    parent = serializers.CharField(source="parent_id", read_only=True)

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

    pihak = serializers.IntegerField(source="pihak.pk", read_only=True)
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
    partner_type = serializers.CharField(source="partner.partner_type", read_only=True, default=None)

    class Meta:
        model = Pihak
        fields = ("id", "kind", "name", "region", "partner", "partner_type")


class UrusanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Urusan
        fields = ("code", "name", "short_name", "group")


class ServiceTypeSerializer(serializers.ModelSerializer):
    urusan = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ServiceType
        fields = ("code", "name", "description", "urusan")


class PerangkatDaerahSerializer(serializers.ModelSerializer):
    class Meta:
        model = PerangkatDaerah
        fields = ("id", "name", "short_name", "region")
