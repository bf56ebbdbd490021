"""Small builders for tests: real users with roles, and agreements made through the services."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model

from kerjasama.agreements.choices import DocumentType, Stage
from kerjasama.agreements.services import AgreementData, PartyData, create_agreement
from kerjasama.regions.models import Urusan
from kerjasama.regions.resolver import PihakResolver
from kerjasama.users.choices import Role
from kerjasama.users.models import Profile
from kerjasama.users.roles import Actor

_numbers = itertools.count(1)
ADMIN = Actor(role=Role.ADMIN)


def pihak(text: str) -> int:
    """The party id of a region code, name or alias ("64.71", "Kukar", "Unmul")."""
    return PihakResolver().resolve(text)


def make_user(username: str, role: str, party: str | None = None):
    """A user with a profile; ``party`` names the region or partner of an operator."""
    user = get_user_model().objects.create_user(username, password="test-pass-123", is_superuser=role == "admin")
    Profile.objects.create(user=user, role=role, pihak_id=pihak(party) if party else None)
    return user


def agreement_data(
    parties=("Pemprov Kaltim", "Kota Balikpapan"),
    urusan=("2.12",),
    numbered: bool = True,
    **fields,
) -> AgreementData:
    """Valid input for a signed PKS in force, unless ``fields`` say otherwise."""
    values = {
        "title": "PKS pelayanan administrasi kependudukan",
        "document_type": DocumentType.PKS,
        "signed_on": dt.date(2025, 3, 1),
        "end_on": dt.date(2027, 2, 28),
        "stage": Stage.PELAKSANAAN,
    }
    values.update(fields)
    party_list = [
        PartyData(pihak_id=pihak(name), number=f"T-{next(_numbers)}/2025" if numbered else "") for name in parties
    ]
    urusan_ids = list(Urusan.objects.filter(code__in=urusan).values_list("pk", flat=True))
    return AgreementData(parties=party_list, urusan_ids=urusan_ids, **values)


def make_agreement(user=None, **kwargs):
    """An agreement registered through ``create_agreement`` (admin by default)."""
    if user is None:
        user = get_user_model().objects.filter(is_superuser=True).first() or make_user(
            f"builder-admin-{next(_numbers)}", "admin"
        )
    return create_agreement(agreement_data(**kwargs), user=user).agreement
