"""API representations of agreements. Writes go through ``services``; serializers only translate."""

import functools

from django.db import connection
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
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak, ServiceType, Urusan


class LinkVisibility:
    """Which linked agreements (``parent``, ``amends``) the reader may see, cached per request.

    A public PKS may implement a non-public KB: the link keeps its id, but the KB's title is shown
    only to those who may see the KB itself.
    """

    def __init__(self, user) -> None:
        self.user = user
        self._known: dict[int, tuple[str, str] | None] = {}  # id: (title, document type) when visible

    def preload(self, ids) -> None:
        """Look up many links with one query (a page of a list)."""
        missing = {pk for pk in ids if pk is not None and pk not in self._known}
        if not missing:
            return
        visible = Agreement.objects.restrict(self.user, VIEW).filter(pk__in=missing)
        found = {pk: (title, kind) for pk, title, kind in visible.values_list("pk", "title", "document_type")}
        self._known.update({pk: found.get(pk) for pk in missing})

    def __call__(self, pk: int) -> bool:
        self.preload([pk])
        return self._known[pk] is not None

    def link(self, pk: int | None) -> dict | None:
        """What :class:`LinkSerializer` gives for the linked agreement ``pk``."""
        if pk is None:
            return None
        self.preload([pk])
        title, kind = self._known[pk] or (None, None)
        return {"id": pk, "title": title, "document_type": kind}


# What the API shows of a party, in order, and where ``load_for_reading`` reads it: (table, field).
PARTY_FIELDS = {
    "pihak": (AgreementParty, "pihak"),
    "name": (Pihak, "name"),
    "kind": (Pihak, "kind"),
    "region": (Pihak, "region"),
    "partner_type": (Partner, "partner_type"),
    "order": (AgreementParty, "order"),
    "role": (AgreementParty, "role"),
    "number": (AgreementParty, "number"),
    "signatory_name": (AgreementParty, "signatory_name"),
    "signatory_title": (AgreementParty, "signatory_title"),
    "service_role": (AgreementParty, "service_role"),
}
# Links to reference rows that the API shows as codes: the relation, and the attribute it is loaded into.
CODE_LINKS = {"urusan": "api_urusan", "service_types": "api_service_types", "service_areas": "api_service_areas"}


def _column(model, field: str) -> str:
    """``table.column`` of a model field, quoted for the database in use."""
    quote = connection.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Built once per page size: the names come from the models and do not change while the process runs.
@functools.lru_cache(maxsize=16)
def _parties_sql(keys: str) -> str:
    """Every party of the agreements ``keys`` (placeholders) with its pihak and partner, in party order."""
    party = AgreementParty
    columns = ", ".join(_column(model, field) for model, field in PARTY_FIELDS.values())
    # Names come from the models, values are parameters: nothing a reader sends is spliced in.
    return (
        f"SELECT {_column(party, 'agreement')}, {columns} FROM {_table(party)}"  # noqa: S608
        f" INNER JOIN {_table(Pihak)} ON {_column(Pihak, 'id')} = {_column(party, 'pihak')}"
        f" LEFT OUTER JOIN {_table(Partner)} ON {_column(Partner, 'id')} = {_column(Pihak, 'partner')}"
        f" WHERE {_column(party, 'agreement')} IN ({keys})"
        f" ORDER BY {_column(party, 'agreement')}, {_column(party, 'order')}, {_column(party, 'id')}"
    )


@functools.lru_cache(maxsize=16)
def _codes_sql(keys: str) -> str:
    """The codes linked to the agreements ``keys`` by each relation of ``CODE_LINKS``, numbered in its order."""
    parts = []
    for number, relation in enumerate(CODE_LINKS):
        field = Agreement._meta.get_field(relation)
        through, target = field.remote_field.through, field.related_model
        agreement = _column(through, field.m2m_field_name())
        linked = _column(through, field.m2m_reverse_field_name())
        join = ""
        if target._meta.pk.name != "code":  # Region's key is its code; urusan and services have ids
            join = f" INNER JOIN {_table(target)} ON {_column(target, target._meta.pk.name)} = {linked}"
            linked = _column(target, "code")
        select = f"SELECT {number}, {agreement}, {linked} FROM {_table(through)}{join}"  # noqa: S608 (model names)
        parts.append(f"{select} WHERE {agreement} IN ({keys})")
    return " UNION ALL ".join(parts) + " ORDER BY 1, 2, 3"


def load_for_reading(agreements: list[Agreement], links: "LinkVisibility | None" = None) -> None:
    """Fetch what the API shows beyond the agreement rows, for a whole page at once.

    Parties come with their pihak and partner in one statement, the urusan, service and area codes
    in another, the linked agreements' titles with the reader's visibility in a third: all plain
    values. Model instances for every party, its pihak and partner and every urusan, and the ORM
    compiling five querysets, cost a page of 50 more than the queries themselves.
    """
    ids = [agreement.pk for agreement in agreements]
    if not ids:
        return
    keys = ", ".join(["%s"] * len(ids))
    parties: dict[int, list[dict]] = {pk: [] for pk in ids}
    codes: dict[int, dict[int, list[str]]] = {pk: {number: [] for number in range(len(CODE_LINKS))} for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(_parties_sql(keys), ids)
        for agreement_id, *values in cursor.fetchall():
            parties[agreement_id].append(dict(zip(PARTY_FIELDS, values, strict=True)))
        cursor.execute(_codes_sql(keys), ids * len(CODE_LINKS))
        for number, agreement_id, code in cursor.fetchall():
            codes[agreement_id][number].append(code)
    for agreement in agreements:
        agreement.api_parties = parties[agreement.pk]
        for number, attribute in enumerate(CODE_LINKS.values()):
            setattr(agreement, attribute, codes[agreement.pk][number])
    if links is not None:
        links.preload(pk for agreement in agreements for pk in (agreement.parent_id, agreement.amends_id))


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


class AgreementListSerializer(serializers.ListSerializer):
    """A page of agreements, its parties, codes and links loaded at once (:func:`load_for_reading`)."""

    def to_representation(self, data) -> list:
        agreements = list(data.all() if hasattr(data, "all") else data)
        load_for_reading(agreements, self.child.context.get("link_visibility"))
        return super().to_representation(agreements)


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
        list_serializer_class = AgreementListSerializer
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

    def _loaded(self, agreement) -> Agreement:
        # A list loads its page at once (AgreementListSerializer); a single agreement loads here.
        if not hasattr(agreement, "api_parties"):
            load_for_reading([agreement], self.context.get("link_visibility"))
        return agreement

    def get_urusan(self, agreement) -> list[str]:
        return self._loaded(agreement).api_urusan

    def get_service_types(self, agreement) -> list[str]:
        return self._loaded(agreement).api_service_types

    def get_service_areas(self, agreement) -> list[str]:
        return self._loaded(agreement).api_service_areas

    def get_numbers(self, agreement) -> list[str]:
        return [party["number"] for party in self._loaded(agreement).api_parties if party["number"]]

    @extend_schema_field(serializers.ChoiceField(choices=Validity.choices))
    def get_validity(self, agreement) -> str:
        return agreement.validity_on(self._day())

    def get_days_left(self, agreement) -> int | None:
        return agreement.days_left(self._day())

    def get_archived(self, agreement) -> bool:
        return agreement.is_archived

    def to_representation(self, agreement) -> dict:
        """The agreement as read, built directly rather than field by field.

        The declared fields above still describe the answer (OpenAPI, the browsable API); this gives
        the same dict as the generic ModelSerializer walk, which for a page of 50 agreements and their
        parties costs several times more. ``tests/agreements/test_api_representation.py`` compares the
        two over every demo agreement, for readers who may and may not see the linked agreements.
        """
        day = self._day()
        parties = self._loaded(agreement).api_parties
        links = self.context.get("link_visibility") or LinkVisibility(None)
        perangkat_daerah = agreement.perangkat_daerah
        funding_amount = agreement.funding_amount
        return {
            "id": agreement.pk,
            "numbers": self.get_numbers(agreement),
            "title": agreement.title,
            "document_type": agreement.document_type,
            "category": agreement.category,
            "subject": agreement.subject,
            "scope": agreement.scope,
            "urusan": agreement.api_urusan,
            "perangkat_daerah": str(perangkat_daerah) if perangkat_daerah is not None else None,
            "signed_on": _iso_date(agreement.signed_on),
            "start_on": _iso_date(agreement.start_on),
            "end_on": _iso_date(agreement.end_on),
            "terminated_on": _iso_date(agreement.terminated_on),
            "validity": agreement.validity_on(day),
            "days_left": agreement.days_left(day),
            "funding_source": agreement.funding_source,
            "funding_amount": (_AMOUNT.to_representation(funding_amount) if funding_amount is not None else None),
            "dprd_approval_required": agreement.dprd_approval_required,
            "dprd_approval_reference": agreement.dprd_approval_reference,
            "stage": agreement.stage,
            "parent": links.link(agreement.parent_id),
            "amends": links.link(agreement.amends_id),
            "change_kind": agreement.change_kind,
            "parties": [dict(party) for party in parties],
            "service_types": agreement.api_service_types,
            "service_areas": agreement.api_service_areas,
            "is_public": agreement.is_public,
            "source": agreement.source,
            "source_note": agreement.source_note,
            "archived": agreement.is_archived,
            "created_at": _MOMENT.to_representation(agreement.created_at),
            "updated_at": _MOMENT.to_representation(agreement.updated_at),
        }


# The declared fields are built anew for every serializer (a tenth of a page's time); the hand-built
# representation converts amounts and moments with these, as the model's fields map to them.
_AMOUNT = serializers.DecimalField(max_digits=18, decimal_places=2)
_MOMENT = serializers.DateTimeField()


def _iso_date(day) -> str | None:
    """A date as DRF's DateField writes it (ISO 8601), or None."""
    return day.isoformat() if day else None


class ProblemSerializer(serializers.Serializer):
    """A warning that did not stop saving, on one field."""

    field = serializers.CharField()
    message = serializers.CharField()


class AgreementSavedSerializer(AgreementSerializer):
    """The answer to a create or update: the agreement as read, plus the warnings of the validation."""

    warnings = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = (*AgreementSerializer.Meta.fields, "warnings")

    def to_representation(self, agreement) -> dict:
        return {**super().to_representation(agreement), "warnings": self.get_warnings(agreement)}

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
