"""Synthetic demo data: a deterministic, clearly labelled set of agreements and demo log-ins.

Every record made here carries ``source = contoh_sintetis`` and says "SINTETIS" in its notes;
nothing in it is a real agreement. Regions and partners are the real reference data.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from kerjasama.users.choices import Role
from kerjasama.users.models import Profile

DEMO_PASSWORD = "kaltim-demo-2025"  # noqa: S105  (published demo log-in, synthetic data only)
DEMO_EMAIL_DOMAIN = "contoh.invalid"
# (username, role, label, party code or partner short name)
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("biropod", Role.ADMIN, "Admin provinsi (Biro POD)"),
    ("operator.kukar", Role.OPERATOR_WILAYAH, "Operator Kabupaten Kutai Kartanegara"),
    ("operator.balikpapan", Role.OPERATOR_WILAYAH, "Operator Kota Balikpapan"),
    ("operator.samarinda", Role.OPERATOR_WILAYAH, "Operator Kota Samarinda"),
    ("operator.unmul", Role.OPERATOR_MITRA, "Operator mitra Universitas Mulawarman"),
    ("tkksd", Role.TKKSD, "Tim Koordinasi Kerja Sama Daerah"),
    ("peninjau", Role.PENINJAU, "Peninjau (hanya baca)"),
)
DEMO_USER_PARTIES = {
    "operator.kukar": "64.02",
    "operator.balikpapan": "64.71",
    "operator.samarinda": "64.72",
    "operator.unmul": "Unmul",
}


@transaction.atomic
def create_demo_users() -> list[str]:
    """Create the demo log-ins (idempotent); returns the usernames created."""
    from kerjasama.regions.resolver import PihakResolver

    User = get_user_model()
    resolver = PihakResolver()
    created = []
    for username, role, label in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(
            username,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            password=DEMO_PASSWORD,
            first_name=label[:150],
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        party = DEMO_USER_PARTIES.get(username)
        Profile.objects.create(user=user, role=role, pihak_id=resolver.resolve(party) if party else None)
        created.append(username)
    return created
