"""API representations of agreements. Writes go through ``services``; serializers only translate."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kerjasama.agreements.choices import (
    Category,
    ChangeKind,
    DocumentType,
    FundingSource,
    PartyRole,
    ServiceRole,
    Stage,
    Validity,
)
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.agreements.services import AgreementData, PartyData
from kerjasama.core.choices import Source
from kerjasama.core.models import ObjectChange
from kerjasama.core.querysets import VIEW
from kerjasama.regions.choices import PartnerType, PihakKind
from kerjasama.regions.models import PerangkatDaerah, ServiceType, Urusan


class LinkVisibility:
    """Which linked agreements (``parent``, ``amends``) the reader may see, cached per request.

    A public PKS may implement a non-public KB: the link keeps its id, but the KB's title is shown
    only to those who may see the KB itself.
    """

    def __init__(self, user) -> None:
        self.user = user
        self._known: dict[int, bool] = {}

    def preload(self, ids) -> None:
        """Look up many links with one query (a page of a list)."""
        missing = {pk for pk in ids if pk is not None and pk not in self._known}
        if not missing:
            return
        visible = set(Agreement.objects.restrict(self.user, VIEW).filter(pk__in=missing).values_list("pk", flat=True))
        self._known.update({pk: pk in visible for pk in missing})

    def __call__(self, pk: int) -> bool:
        self.preload([pk])
        return self._known[pk]


class PartyReadSerializer(serializers.ModelSerializer):
    """A party of an agreement with its own number and signatory."""

    pihak = serializers.IntegerField(source="pihak_id", read_only=True)
    name = serializers.CharField(source="pihak.name", read_only=True)
    kind = serializers.ChoiceField(source="pihak.kind", choices=PihakKind.choices, read_only=True)
    region = serializers.CharField(source="pihak.region_id", read_only=True, allow_null=True)
    partner_type = serializers.ChoiceField(
        source="pihak.partner.partner_type", choices=PartnerType.choices, read_only=True, allow_null=True, default=None
    )

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
        read_only_fields = fields


class LinkSerializer(serializers.Serializer):
    """Another agreement this one points at; title and type are null when the reader may not see it."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True, allow_null=True)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, read_only=True, allow_null=True)

    def to_representation(self, instance):
        visible = self.context.get("link_visibility")
        if visible is not None and not visible(instance.pk):
            return {"id": instance.pk, "title": None, "document_type": None}
        return super().to_representation(instance)


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement as read; ``validity`` and ``days_left`` are derived for today (or ``?on=``)."""

    numbers = serializers.SerializerMethodField()
    parties = PartyReadSerializer(many=True, read_only=True)
    urusan = serializers.SerializerMethodField()
    service_types = serializers.SerializerMethodField()
    service_areas = serializers.SerializerMethodField()
    perangkat_daerah = serializers.StringRelatedField(allow_null=True)
    parent = LinkSerializer(read_only=True, allow_null=True)
    amends = LinkSerializer(read_only=True, allow_null=True)
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

    @staticmethod
    def _links(agreement, relation: str) -> list:
        # AgreementViewSet prefetches the links into plain lists (``<relation>_list``), which is much
        # cheaper for a page of 50 than Django's per-agreement related managers.
        prefetched = getattr(agreement, f"{relation}_list", None)
        return prefetched if prefetched is not None else list(getattr(agreement, relation).all())

    def get_urusan(self, agreement) -> list[str]:
        return [urusan.code for urusan in self._links(agreement, "urusan")]

    def get_service_types(self, agreement) -> list[str]:
        return [service.code for service in self._links(agreement, "service_types")]

    def get_service_areas(self, agreement) -> list[str]:
        return [region.code for region in self._links(agreement, "service_areas")]

    def get_numbers(self, agreement) -> list[str]:
        return agreement.numbers()

    @extend_schema_field(serializers.ChoiceField(choices=Validity.choices))
    def get_validity(self, agreement) -> str:
        return agreement.validity_on(self._day())

    def get_days_left(self, agreement) -> int | None:
        return agreement.days_left(self._day())

    def get_archived(self, agreement) -> bool:
        return agreement.is_archived


class ProblemSerializer(serializers.Serializer):
    """A warning that did not stop saving, on one field."""

    field = serializers.CharField()
    message = serializers.CharField()


class AgreementSavedSerializer(AgreementSerializer):
    """The answer to a create or update: the agreement as read, plus the warnings of the validation."""

    warnings = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = (*AgreementSerializer.Meta.fields, "warnings")

    @extend_schema_field(ProblemSerializer(many=True))
    def get_warnings(self, agreement):
        problems = self.context.get("warnings", [])
        return [{"field": problem.field, "message": problem.message} for problem in problems]


class PartyWriteSerializer(serializers.Serializer):
    """A party in a create or update request."""

    pihak = serializers.IntegerField(help_text=gettext_lazy("Party id (see /api/pihak/)."))
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.MITRA)
    number = serializers.CharField(required=False, allow_blank=True, default="")
    signatory_name = serializers.CharField(required=False, allow_blank=True, default="")
    signatory_title = serializers.CharField(required=False, allow_blank=True, default="")
    service_role = serializers.ChoiceField(choices=ServiceRole.choices, default=ServiceRole.TIMBAL_BALIK)


def _codes_to_ids(model, codes: list[str], message: str) -> list[int]:
    found = dict(model.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise serializers.ValidationError(message % {"codes": ", ".join(unknown)})
    return [found[code] for code in codes]


class AgreementWriteSerializer(serializers.Serializer):
    """The body of a create (POST) or full update (PUT); rules are checked by ``services.validate``.

    Given an agreement, it renders the body that would PUT the agreement back unchanged (the
    browsable API prefills its form with it).
    """

    title = serializers.CharField(max_length=500)
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    category = serializers.ChoiceField(
        choices=Category.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Derived from the parties when blank."),
    )
    parties = PartyWriteSerializer(many=True)
    urusan = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("Urusan codes, e.g. 2.12 (see /api/urusan/).")
    )
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    perangkat_daerah = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=gettext_lazy("Id (see /api/perangkat-daerah/).")
    )
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    start_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=gettext_lazy("Defaults to the signing date.")
    )
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
        help_text=gettext_lazy("Only on create; later changes go through /transition/."),
    )
    parent = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=gettext_lazy("Id of the KB this agreement implements.")
    )
    amends = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Id of the agreement this one extends or amends."),
    )
    change_kind = serializers.ChoiceField(choices=ChangeKind.choices, required=False, allow_blank=True, default="")
    service_types = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text=gettext_lazy("Service type codes.")
    )
    service_areas = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text=gettext_lazy("Kecamatan or desa codes inside a party's region."),
    )
    is_public = serializers.BooleanField(required=False, default=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False, default=Source.INPUT)
    source_note = serializers.CharField(required=False, allow_blank=True, default="")

    def to_representation(self, instance):
        if isinstance(instance, Agreement):
            instance = self._as_body(instance)
        return super().to_representation(instance)

    @staticmethod
    def _as_body(agreement: Agreement) -> dict:
        data = AgreementData.from_agreement(agreement)
        body = {name: getattr(data, name) for name in ("title", "document_type", "category", "subject", "scope")}
        body.update(
            {name: getattr(data, name) for name in ("signed_on", "start_on", "end_on", "terminated_on")},
            funding_source=data.funding_source,
            funding_amount=data.funding_amount,
            dprd_approval_required=data.dprd_approval_required,
            dprd_approval_reference=data.dprd_approval_reference,
            stage=data.stage,
            parent=data.parent_id,
            amends=data.amends_id,
            change_kind=data.change_kind,
            perangkat_daerah=data.perangkat_daerah_id,
            parties=[{**vars(party), "pihak": party.pihak_id} for party in data.parties],
            urusan=sorted(urusan.code for urusan in agreement.urusan.all()),
            service_types=sorted(service.code for service in agreement.service_types.all()),
            service_areas=data.service_area_codes,
            is_public=data.is_public,
            source=data.source,
            source_note=data.source_note,
        )
        return body

    def validate_urusan(self, codes):
        return _codes_to_ids(Urusan, codes, _("Unknown urusan code(s): %(codes)s."))

    def validate_service_types(self, codes):
        return _codes_to_ids(ServiceType, codes, _("Unknown service type(s): %(codes)s."))

    def validate_perangkat_daerah(self, pk):
        if pk is not None and not PerangkatDaerah.objects.filter(pk=pk).exists():
            raise serializers.ValidationError(_("Unknown perangkat daerah id %(id)s.") % {"id": pk})
        return pk

    def _visible_link(self, pk, name: str):
        """A link may point only at an agreement the user can see (or keep the one it has)."""
        if pk is None or (self.instance is not None and getattr(self.instance, f"{name}_id") == pk):
            return pk
        request = self.context.get("request")
        user = request.user if request is not None else None
        if not Agreement.objects.restrict(user, VIEW).filter(pk=pk).exists():
            raise serializers.ValidationError(_("Agreement %(id)s does not exist.") % {"id": pk})
        return pk

    def validate_parent(self, pk):
        return self._visible_link(pk, "parent")

    def validate_amends(self, pk):
        return self._visible_link(pk, "amends")

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


class StageMoveSerializer(serializers.Serializer):
    """Body of ``POST /api/agreements/{id}/transition/``."""

    to = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Required to reject or terminate."),
    )
    date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Signing date (to pelaksanaan) or termination date (to diakhiri)."),
    )


class TransitionSerializer(serializers.ModelSerializer):
    """A recorded stage change."""

    class Meta:
        model = AgreementTransition
        fields = ("id", "agreement", "from_stage", "to_stage", "user_name", "at", "note")


class ChangeSerializer(serializers.ModelSerializer):
    """A change-log row."""

    object_type = serializers.CharField(source="changed_object_type.model", read_only=True)

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
    """Agreements signed in one year."""

    year = serializers.IntegerField()
    count = serializers.IntegerField()


class KeyCountSerializer(serializers.Serializer):
    """Agreements of one category, urusan or partner type."""

    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
