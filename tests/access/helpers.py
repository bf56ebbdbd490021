"""Builders for access tests: service points at region centres and service-opening agreements."""

import datetime as dt

from kerjasama.access.models import ServicePoint, default_operator
from kerjasama.agreements.choices import ServiceRole
from kerjasama.agreements.services import PartyData, create_agreement
from kerjasama.core.choices import Source
from kerjasama.regions.models import Region, ServiceType
from tests.builders import agreement_data, make_user

_counter = iter(range(1, 1_000_000))


def make_point(service: str, kecamatan: str, name: str | None = None, operator: str | None = None, **fields):
    """A point of ``service`` at the centre of ``kecamatan`` (or at ``lat``/``lon`` when given)."""
    region = Region.objects.get(code=kecamatan)
    values = {
        "name": name or f"Titik uji {next(_counter)}",
        "service_type": ServiceType.objects.get(code=service),
        "region_id": kecamatan[:5],
        "kecamatan_id": kecamatan[:8],
        "desa_id": kecamatan if len(kecamatan) > 8 else None,
        "operator_id": operator or default_operator(service, kecamatan[:5]),
        "lat": region.lat,
        "lon": region.lon,
        "source": Source.INPUT,
    }
    values.update(fields)
    return ServicePoint.objects.create(**values)


def make_service_agreement(
    parties: tuple[str, ...],
    services: tuple[str, ...] = ("adminduk",),
    areas: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
    party_roles: tuple[str, ...] = (),
    start: dt.date = dt.date(2025, 11, 1),
    end: dt.date = dt.date(2027, 10, 31),
    user=None,
    **fields,
):
    """A signed PKS in force from ``start`` to ``end`` opening ``services`` between ``parties``.

    ``roles`` are the parties' service roles (default reciprocal); ``party_roles`` their party roles.
    """
    fields.setdefault("signed_on", start - dt.timedelta(days=14))
    data = agreement_data(parties=parties, start_on=start, end_on=end, **fields)
    data.parties = [
        PartyData(
            pihak_id=party.pihak_id,
            number=party.number,
            role=party_roles[index] if index < len(party_roles) else party.role,
            service_role=roles[index] if index < len(roles) else ServiceRole.TIMBAL_BALIK,
        )
        for index, party in enumerate(data.parties)
    ]
    data.service_type_ids = list(ServiceType.objects.filter(code__in=services).values_list("pk", flat=True))
    data.service_area_codes = list(areas)
    user = user or make_user(f"access-admin-{next(_counter)}", "admin")
    return create_agreement(data, user=user).agreement
