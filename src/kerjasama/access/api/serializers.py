"""API representations of service points, nearest-point answers and gap reports.

The answers are built by ``nearest.py`` and ``gaps.py`` as plain dicts (``to_dict``); the serializers
here describe those dicts for the OpenAPI schema and render them unchanged.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kerjasama.access.choices import Basis, OriginMatch
from kerjasama.access.models import ServicePoint
from kerjasama.access.services import FIELD_COLUMNS, PointChecker, PointData
from kerjasama.core.choices import Source
from kerjasama.core.text import fold


class ServicePointSerializer(serializers.ModelSerializer):
    """A service point with the names of its regions."""

    service_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_name = serializers.CharField(source="service_type.name", read_only=True)
    area = serializers.SerializerMethodField(help_text=_("The desa/kelurahan, else the kecamatan, it stands in."))
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    kecamatan = serializers.CharField(source="kecamatan_id", read_only=True)
    kecamatan_name = serializers.CharField(source="kecamatan.name", read_only=True)
    desa = serializers.CharField(source="desa_id", read_only=True, allow_null=True)
    desa_name = serializers.CharField(source="desa.name", read_only=True, allow_null=True, default=None)
    operator = serializers.CharField(source="operator_id", read_only=True)
    operator_name = serializers.CharField(source="operator.name", read_only=True)

    class Meta:
        model = ServicePoint
        fields = (
            "id",
            "name",
            "service_type",
            "service_name",
            "area",
            "region",
            "region_name",
            "kecamatan",
            "kecamatan_name",
            "desa",
            "desa_name",
            "operator",
            "operator_name",
            "lat",
            "lon",
            "is_approximate",
            "address",
            "contact",
            "opening_hours",
            "source",
            "source_note",
            "updated_at",
        )

    def get_area(self, point: ServicePoint) -> str:
        return point.desa_id or point.kecamatan_id


class ServicePointWriteSerializer(serializers.Serializer):
    """A service point as entered; checked by the same rules as the import (``services.PointChecker``)."""

    name = serializers.CharField(max_length=200)
    service_type = serializers.CharField(help_text=_("Service type code, e.g. adminduk."))
    area = serializers.CharField(help_text=_("Code of the kecamatan or desa/kelurahan the point stands in."))
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    is_approximate = serializers.BooleanField(default=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    opening_hours = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=Source.choices, default=Source.INPUT)
    source_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    operator = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Province or kabupaten/kota running the point; blank: the usual one (see docs/access.md)."),
    )

    def validate(self, attrs: dict) -> dict:
        values = {FIELD_COLUMNS[name]: value for name, value in attrs.items()}
        data, problems = PointChecker().check(values, default_source=attrs["source"])
        if problems:
            columns = {column: field for field, column in FIELD_COLUMNS.items()}
            errors: dict[str, list[str]] = {}
            for problem in problems:
                errors.setdefault(columns.get(problem.column, "non_field_errors"), []).append(problem.message)
            raise serializers.ValidationError(errors)
        self._check_unique(data)
        return {"data": data}

    def _check_unique(self, data: PointData) -> None:
        others = ServicePoint.objects.filter(service_type_id=data.service_type_id, region_id=data.region)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if any(fold(name) == fold(data.name) for name in others.values_list("name", flat=True)):
            raise serializers.ValidationError(
                {"name": [_("This kabupaten/kota already has a point of this service with this name.")]}
            )


# Nearest -----------------------------------------------------------------------------------------


class NearestQuerySerializer(serializers.Serializer):
    """Where the resident lives (one of desa, kecamatan, or lat and lon), the service and the day."""

    layanan = serializers.CharField(help_text=_("Service type code, e.g. adminduk."))
    desa = serializers.CharField(required=False, help_text=_("Desa/kelurahan code, e.g. 64.02.13.1008."))
    kecamatan = serializers.CharField(required=False, help_text=_("Kecamatan code, e.g. 64.02.13."))
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    tanggal = serializers.DateField(required=False, help_text=_("The day that counts (default today)."))


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OriginSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("What was asked: desa, kecamatan or titik (a coordinate)."))
    code = serializers.CharField()
    name = serializers.CharField()
    kecamatan = CodeNameSerializer()
    region = CodeNameSerializer()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    match = serializers.ChoiceField(choices=OriginMatch.choices)
    match_distance_km = serializers.FloatField()


class AgreementRefSerializer(serializers.Serializer):
    """The agreement that opens a point; title and number are blank when the user may not see it."""

    id = serializers.IntegerField(allow_null=True)
    number = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)
    redacted = serializers.BooleanField()


class ReachSerializer(serializers.Serializer):
    """A service point with its distance and the reason (basis) the resident may use it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    service = serializers.CharField()
    service_name = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    address = serializers.CharField(allow_blank=True)
    contact = serializers.CharField(allow_blank=True)
    opening_hours = serializers.CharField(allow_blank=True)
    region = CodeNameSerializer()
    kecamatan = CodeNameSerializer()
    operator = CodeNameSerializer()
    is_approximate = serializers.BooleanField()
    source = serializers.ChoiceField(choices=Source.choices)
    source_note = serializers.CharField(allow_blank=True)
    distance_km = serializers.FloatField()
    eligible = serializers.BooleanField()
    basis = serializers.ChoiceField(choices=Basis.choices, allow_null=True)
    agreement = AgreementRefSerializer(allow_null=True)


class NearestAnswerSerializer(serializers.Serializer):
    """The nearest eligible point, the nearest without an agreement, the nearest overall, and a sentence."""

    origin = OriginSerializer()
    service = CodeNameSerializer()
    date = serializers.DateField()
    distance_method = serializers.CharField()
    found = serializers.BooleanField()
    nearest = ReachSerializer(allow_null=True)
    home = ReachSerializer(allow_null=True)
    nearest_overall = ReachSerializer(allow_null=True)
    saved_km = serializers.FloatField(allow_null=True)
    message = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())


# Gaps --------------------------------------------------------------------------------------------


class GapsQuerySerializer(serializers.Serializer):
    """Which service, on which day, over which region; whether to list the desa of each candidate."""

    layanan = serializers.CharField(help_text=_("Service type code, e.g. adminduk."))
    tanggal = serializers.DateField(required=False, help_text=_("The day that counts (default today)."))
    wilayah = serializers.CharField(
        required=False, default="64", help_text=_("Region code to analyse (default 64, Kaltim); 'semua' for all.")
    )
    desa = serializers.BooleanField(required=False, default=True, help_text=_("List the desa of each candidate."))


class PointNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GapDesaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kecamatan = CodeNameSerializer()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    nearest_point = PointNameSerializer()
    nearest_km = serializers.FloatField()
    eligible_point = PointNameSerializer(allow_null=True)
    eligible_km = serializers.FloatField(allow_null=True)
    saved_km = serializers.FloatField(allow_null=True)
    residents_estimate = serializers.IntegerField(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    """A candidate agreement: ``provider`` opening the service to residents of ``home``."""

    rank = serializers.IntegerField()
    home = CodeNameSerializer()
    provider = CodeNameSerializer()
    service = serializers.CharField()
    desa_count = serializers.IntegerField()
    unserved_desa = serializers.IntegerField()
    residents_estimate = serializers.IntegerField(allow_null=True)
    saved_km_total = serializers.FloatField()
    resident_km = serializers.IntegerField(allow_null=True)
    saved_km_per_resident = serializers.FloatField(allow_null=True)
    desa = GapDesaSerializer(many=True, required=False)


class GapReportSerializer(serializers.Serializer):
    """Gaps of one service on one day, grouped into ranked candidate agreements."""

    service = CodeNameSerializer()
    date = serializers.DateField()
    within = serializers.CharField(allow_null=True)
    distance_method = serializers.CharField()
    points = serializers.IntegerField()
    desa_checked = serializers.IntegerField()
    desa_with_gap = serializers.IntegerField()
    population_basis = serializers.ChoiceField(choices=[("penduduk", "penduduk"), ("desa", "desa")])
    candidates = CandidateSerializer(many=True)
