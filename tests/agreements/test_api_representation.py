"""The agreement API's hand-built representation gives what DRF's generic field walk gives.

``AgreementSerializer.to_representation`` builds its dict directly, for speed; the declared fields
remain the description. These tests render both ways, byte for byte, over the whole demo register
and over agreements made for the edge cases (amounts, archive, termination, hidden links).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers as drf
from rest_framework.renderers import JSONRenderer

from kerjasama.agreements.api.serializers import (
    AgreementSavedSerializer,
    AgreementSerializer,
    LinkVisibility,
    load_for_reading,
)
from kerjasama.agreements.api.views import AgreementViewSet
from kerjasama.agreements.choices import ChangeKind, DocumentType, FundingSource, Stage
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import Problem, archive_agreement
from kerjasama.regions.models import PerangkatDaerah, ServiceType
from tests.builders import make_agreement, make_user

pytestmark = pytest.mark.django_db

READERS = ("anonymous", "operator", "admin")
DAYS = (None, dt.date(2025, 11, 18), dt.date(2031, 1, 1))


def reader(kind: str):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "operator":
        return make_user("op-representation", "operator_wilayah", "64.02")
    return make_user("admin-representation", "admin")


def rendered_both_ways(serializer: drf.ModelSerializer, agreement: Agreement, plain: Agreement) -> tuple[bytes, bytes]:
    """``agreement`` rendered by the serializer, and ``plain`` (the same row) by DRF's generic walk.

    The generic walk reads the parties and links through the ORM (the nested serializers); the
    method fields (urusan, services, areas, numbers) are shared by both.
    """
    fast = serializer.to_representation(agreement)
    generic = drf.ModelSerializer.to_representation(serializer, plain)
    if "warnings" in serializer.fields:
        generic["warnings"] = serializer.fields["warnings"].to_representation(agreement)
    return JSONRenderer().render(fast), JSONRenderer().render(generic)


def assert_same_for_every_agreement(user, ids=None) -> int:
    """Render every agreement (or those of ``ids``) both ways for ``user`` on each of ``DAYS``; how many."""
    queryset = AgreementViewSet.queryset.all() if ids is None else AgreementViewSet.queryset.filter(pk__in=ids)
    plain = Agreement.objects.select_related("parent", "amends", "perangkat_daerah").prefetch_related(
        "parties__pihak__partner"
    )
    plain = plain.in_bulk([agreement.pk for agreement in queryset])
    checked = 0
    for day in DAYS:
        links = LinkVisibility(user)
        serializer = AgreementSerializer(context={"on": day, "link_visibility": links})
        agreements = list(queryset)
        load_for_reading(agreements, links)  # what a list page does
        for agreement in agreements:
            fast, generic = rendered_both_ways(serializer, agreement, plain[agreement.pk])
            assert fast == generic, (agreement.pk, day)
            checked += 1
    return checked


@pytest.mark.parametrize("kind", READERS)
def test_every_demo_agreement_renders_as_the_generic_walk(demo, kind):
    assert assert_same_for_every_agreement(reader(kind)) == len(DAYS) * Agreement.objects.count() > 1200


@pytest.fixture
def edge_cases(db):
    """A hidden KB with a public PKS, an archived and terminated one, odd amounts, service areas."""
    admin = make_user("admin-edge-cases", "admin")
    office = PerangkatDaerah.objects.create(name="Dinas Uji Representasi")
    adminduk = ServiceType.objects.get(code="adminduk")
    kb = make_agreement(
        title="KB rahasia", document_type=DocumentType.KB, is_public=False, parties=("Pemprov Kaltim", "Kukar")
    )
    pks = make_agreement(
        title="PKS turunan",
        parent_id=kb.pk,
        parties=("Kukar", "Unmul"),
        funding_source=FundingSource.APBD_BERSAMA,
        funding_amount=Decimal("1234.5"),
        perangkat_daerah_id=office.pk,
        service_type_ids=[adminduk.pk],
        service_area_codes=["64.02.13"],
    )
    ended = make_agreement(
        title="Adendum berakhir",
        document_type=DocumentType.ADENDUM,
        amends_id=pks.pk,
        change_kind=ChangeKind.ADENDUM,
        terminated_on=dt.date(2025, 6, 30),
        funding_amount=Decimal("0"),
        numbered=False,
        stage=Stage.SELESAI,
    )
    archive_agreement(ended, user=admin)
    return [kb.pk, pks.pk, ended.pk]


@pytest.mark.parametrize("kind", READERS)
def test_edge_cases_render_as_the_generic_walk(edge_cases, kind):
    assert assert_same_for_every_agreement(reader(kind), edge_cases) == len(DAYS) * len(edge_cases)


def test_the_hidden_parent_shows_only_its_id_to_the_public(edge_cases):
    kb, pks, _ended = edge_cases
    serializer = AgreementSerializer(context={"on": None, "link_visibility": LinkVisibility(AnonymousUser())})
    data = serializer.to_representation(AgreementViewSet.queryset.get(pk=pks))
    assert data["parent"] == {"id": kb, "title": None, "document_type": None}
    assert data["funding_amount"] == "1234.50"
    assert [party["partner_type"] for party in data["parties"]] == [None, "perguruan_tinggi"]


def test_the_saved_answer_adds_the_warnings(edge_cases):
    warning = Problem("end_on", "Lebih dari lima tahun.", warning=True)
    context = {"on": None, "link_visibility": LinkVisibility(AnonymousUser()), "warnings": [warning]}
    serializer = AgreementSavedSerializer(context=context)
    agreement = AgreementViewSet.queryset.get(pk=edge_cases[1])
    fast, generic = rendered_both_ways(serializer, agreement, Agreement.objects.get(pk=agreement.pk))
    assert fast == generic
    assert serializer.to_representation(agreement)["warnings"] == [{"field": "end_on", "message": warning.message}]
