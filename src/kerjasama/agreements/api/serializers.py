"""API representations of agreements. Writes go through ``services``; serializers only translate."""

from django.utils import timezone
from rest_framework import serializers

from kerjasama.agreements.choices import (
    Category,
    ChangeKind,
    DocumentType,
    FundingSource,
    PartyRole,
    ServiceRole,
    Stage,
)
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.agreements.services import AgreementData, PartyData
from kerjasama.core.choices import Source
from kerjasama.core.models import ObjectChange


class PartyReadSerializer(serializers.ModelSerializer):
    """A party of an agreement with its own number and signatory."""

    pihak = serializers.IntegerField(source="pihak_id")
    name = serializers.CharField(source="pihak.name")
    kind = serializers.CharField(source="pihak.kind")
    region = serializers.CharField(source="pihak.region_id", allow_null=True)
    partner_type = serializers.CharField(source="pihak.partner.partner_type", default=None)

    class Meta:
        model = AgreementParty
        fields = (
            "pihak",
            "name",
            "kind",
            "region",
            "partner_type",
            "order",
            "role",
            "number",
            "signatory_name",
            "signatory_title",
            "service_role",
        )


class LinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ("id", "title", "document_type")


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement as read; ``validity`` and ``days_left`` are derived for today (or ``?on=``)."""

    numbers = serializers.SerializerMethodField()
    parties = PartyReadSerializer(many=True, read_only=True)
    urusan = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    service_types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    service_areas = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    perangkat_daerah = serializers.StringRelatedField()
    parent = LinkSerializer(read_only=True)
    amends = LinkSerializer(read_only=True)
    validity = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    archived = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = (
            "id",
            "numbers",
            "title",
            "document_type",
            "category",
            "subject",
            "scope",
            "urusan",
            "perangkat_daerah",
            "signed_on",
            "start_on",
            "end_on",
            "terminated_on",
            "validity",
            "days_left",
            "funding_source",
            "funding_amount",
            "dprd_approval_required",
            "dprd_approval_reference",
            "stage",
            "parent",
            "amends",
            "change_kind",
            "parties",
            "service_types",
            "service_areas",
            "is_public",
            "source",
            "source_note",
            "archived",
            "created_at",
            "updated_at",
        )

    def _day(self):
        return self.context.get("on") or timezone.localdate()

    def get_numbers(self, agreement) -> list[str]:
        return agreement.numbers()

    def get_validity(self, agreement) -> str:
        return agreement.validity_on(self._day())

    def get_days_left(self, agreement) -> int | None:
        return agreement.days_left(self._day())

    def get_archived(self, agreement) -> bool:
        return agreement.is_archived


class PartyWriteSerializer(serializers.Serializer):
    """A party in a create or update request."""

    pihak = serializers.IntegerField()
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.MITRA)
    number = serializers.CharField(required=False, allow_blank=True, default="")
    signatory_name = serializers.CharField(required=False, allow_blank=True, default="")
    signatory_title = serializers.CharField(required=False, allow_blank=True, default="")
    service_role = serializers.ChoiceField(choices=ServiceRole.choices, default=ServiceRole.TIMBAL_BALIK)


class AgreementWriteSerializer(serializers.Serializer):
    """The body of a create (POST) or full update (PUT); rules are checked by ``services.validate``."""

    title = serializers.CharField(max_length=500)
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True, default="")
    parties = PartyWriteSerializer(many=True)
    urusan = serializers.ListField(child=serializers.CharField(), help_text="Urusan codes, e.g. 1.02")
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    perangkat_daerah = serializers.IntegerField(required=False, allow_null=True, default=None)
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    start_on = serializers.DateField(required=False, allow_null=True, default=None)
    end_on = serializers.DateField(required=False, allow_null=True, default=None)
    terminated_on = serializers.DateField(required=False, allow_null=True, default=None)
    funding_source = serializers.ChoiceField(
        choices=FundingSource.choices, required=False, allow_blank=True, default=""
    )
    funding_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
    )
    dprd_approval_required = serializers.BooleanField(required=False, default=False)
    dprd_approval_reference = serializers.CharField(required=False, allow_blank=True, default="")
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        required=False,
        default=Stage.PERSIAPAN,
        help_text="Only on create; later changes go through /transition/.",
    )
    parent = serializers.IntegerField(required=False, allow_null=True, default=None)
    amends = serializers.IntegerField(required=False, allow_null=True, default=None)
    change_kind = serializers.ChoiceField(choices=ChangeKind.choices, required=False, allow_blank=True, default="")
    service_types = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    service_areas = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    is_public = serializers.BooleanField(required=False, default=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False, default=Source.INPUT)
    source_note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_urusan(self, codes):
        from kerjasama.regions.models import Urusan

        found = dict(Urusan.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise serializers.ValidationError(f"Unknown urusan code(s): {', '.join(unknown)}")
        return [found[code] for code in codes]

    def validate_service_types(self, codes):
        from kerjasama.regions.models import ServiceType

        found = dict(ServiceType.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise serializers.ValidationError(f"Unknown service type(s): {', '.join(unknown)}")
        return [found[code] for code in codes]

    def to_data(self) -> AgreementData:
        """The validated body as :class:`AgreementData` for the services."""
        values = self.validated_data
        return AgreementData(
            title=values["title"],
            document_type=values["document_type"],
            category=values["category"],
            parties=[
                PartyData(
                    pihak_id=party["pihak"],
                    role=party["role"],
                    number=party["number"],
                    signatory_name=party["signatory_name"],
                    signatory_title=party["signatory_title"],
                    service_role=party["service_role"],
                )
                for party in values["parties"]
            ],
            urusan_ids=values["urusan"],
            subject=values["subject"],
            scope=values["scope"],
            perangkat_daerah_id=values["perangkat_daerah"],
            signed_on=values["signed_on"],
            start_on=values["start_on"],
            end_on=values["end_on"],
            terminated_on=values["terminated_on"],
            funding_source=values["funding_source"],
            funding_amount=values["funding_amount"],
            dprd_approval_required=values["dprd_approval_required"],
            dprd_approval_reference=values["dprd_approval_reference"],
            stage=values["stage"],
            parent_id=values["parent"],
            amends_id=values["amends"],
            change_kind=values["change_kind"],
            service_type_ids=values["service_types"],
            service_area_codes=values["service_areas"],
            is_public=values["is_public"],
            source=values["source"],
            source_note=values["source_note"],
        )


class TransitionRequestSerializer(serializers.Serializer):
    """Body of ``POST /api/agreements/{id}/transition/``."""

    to = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Signing date (to pelaksanaan) or termination date (to diakhiri).",
    )


class TransitionSerializer(serializers.ModelSerializer):
    """A recorded stage change."""

    class Meta:
        model = AgreementTransition
        fields = ("id", "agreement", "from_stage", "to_stage", "user_name", "at", "note")


class ChangeSerializer(serializers.ModelSerializer):
    """A change-log row."""

    object_type = serializers.CharField(source="changed_object_type.model")

    class Meta:
        model = ObjectChange
        fields = (
            "id",
            "time",
            "user_name",
            "request_id",
            "origin",
            "action",
            "object_type",
            "changed_object_id",
            "object_repr",
            "prechange_data",
            "postchange_data",
            "message",
        )


class YearCountSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField()


class KeyCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
