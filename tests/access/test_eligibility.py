"""Who may use which point: own region, province, agreements in force, areas, service roles, province parties."""

import datetime as dt

import pytest

from kerjasama.access.choices import Basis
from kerjasama.access.eligibility import Resident, eligible_operators, openings
from kerjasama.access.nearest import nearest_service, resolve_origin
from kerjasama.agreements.choices import PartyRole, ServiceRole
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import archive_agreement
from kerjasama.regions.models import Region
from tests.access.helpers import make_point, make_service_agreement
from tests.builders import make_user

KUKAR, BALIKPAPAN, SAMARINDA, BERAU, KALTIM = "64.02", "64.71", "64.72", "64.03", "64"
SAMBOJA, MUARA_JAWA, TENGGARONG = "64.02.13", "64.02.14", "64.02.06"
START, END = dt.date(2025, 11, 1), dt.date(2027, 10, 31)
ONE_DAY = dt.timedelta(days=1)


def desa_of(kecamatan: str, index: int = 0) -> str:
    return list(Region.objects.filter(parent_id=kecamatan).order_by("code").values_list("code", flat=True))[index]


def operators_for(code: str, service: str = "adminduk", day: dt.date = START) -> set[str]:
    resident = Resident(code)
    return set(eligible_operators(resident, openings(service, day, involving=resident.home)))


@pytest.fixture
def offices(db):
    """An adminduk office in the capital kecamatan of Kukar, Balikpapan, Samarinda and Berau."""
    return {
        KUKAR: make_point("adminduk", TENGGARONG),
        BALIKPAPAN: make_point("adminduk", "64.71.06"),
        SAMARINDA: make_point("adminduk", "64.72.09"),
        BERAU: make_point("adminduk", "64.03.05"),
    }


def test_own_region_without_any_agreement(offices):
    origin = resolve_origin(desa=desa_of(SAMBOJA))
    answer = nearest_service(origin, "adminduk", START)
    assert answer.nearest.point.id == offices[KUKAR].pk
    assert answer.nearest.basis == Basis.OWN_REGION
    assert answer.nearest.agreement is None
    # Balikpapan's office is nearer, but nothing opens it to Kukar's residents.
    assert answer.overall.point.id == offices[BALIKPAPAN].pk
    assert answer.overall.eligible is False
    assert answer.home.point.id == offices[KUKAR].pk
    assert answer.saved_km == 0


@pytest.mark.parametrize(
    ("day", "opened"),
    [(START - ONE_DAY, False), (START, True), (END, True), (END + ONE_DAY, False)],
    ids=["day-before-start", "start-day", "end-day", "day-after-end"],
)
def test_in_force_from_start_day_to_end_day(offices, day, opened):
    agreement = make_service_agreement((KUKAR, BALIKPAPAN), areas=(SAMBOJA,), start=START, end=END)
    answer = nearest_service(resolve_origin(desa=desa_of(SAMBOJA)), "adminduk", day)
    expected = offices[BALIKPAPAN] if opened else offices[KUKAR]
    assert answer.nearest.point.id == expected.pk
    if opened:
        assert answer.nearest.basis == Basis.AGREEMENT
        assert answer.nearest.agreement.id == agreement.pk
        assert answer.nearest.agreement.valid_until == END
        assert answer.saved_km == pytest.approx(answer.home.distance_km - answer.nearest.distance_km)
        assert answer.saved_km > 0


def test_terminated_agreement_ends_on_its_termination_day(offices):
    agreement = make_service_agreement((KUKAR, BALIKPAPAN), areas=(SAMBOJA,))
    last_day = dt.date(2026, 6, 30)
    Agreement.objects.filter(pk=agreement.pk).update(terminated_on=last_day)
    assert BALIKPAPAN in operators_for(desa_of(SAMBOJA), day=last_day)
    assert BALIKPAPAN not in operators_for(desa_of(SAMBOJA), day=last_day + ONE_DAY)
    found = openings("adminduk", last_day)
    assert [o.valid_until for o in found if o.agreement_id == agreement.pk] == [last_day]


def test_listed_kecamatan_covers_its_desa_only(offices):
    make_service_agreement((KUKAR, BALIKPAPAN), areas=(SAMBOJA,))
    for desa in Region.objects.filter(parent_id=SAMBOJA).values_list("code", flat=True):
        assert BALIKPAPAN in operators_for(desa)
    assert BALIKPAPAN in operators_for(SAMBOJA)  # the kecamatan asked as a whole
    # Another kecamatan of the same kabupaten is not covered.
    assert BALIKPAPAN not in operators_for(desa_of(MUARA_JAWA))
    assert BALIKPAPAN not in operators_for(MUARA_JAWA)
    answer = nearest_service(resolve_origin(desa=desa_of(MUARA_JAWA)), "adminduk", START)
    assert answer.nearest.point.operator != BALIKPAPAN


def test_listed_desa_covers_that_desa_only(offices):
    listed, other = desa_of(SAMBOJA, 0), desa_of(SAMBOJA, 1)
    make_service_agreement((KUKAR, BALIKPAPAN), areas=(listed,))
    assert BALIKPAPAN in operators_for(listed)
    assert BALIKPAPAN not in operators_for(other)
    # A kecamatan is not covered as a whole by one of its desa.
    assert BALIKPAPAN not in operators_for(SAMBOJA)


def test_reciprocal_by_default(offices):
    make_service_agreement((KUKAR, BALIKPAPAN))
    assert BALIKPAPAN in operators_for(desa_of(SAMBOJA))
    assert KUKAR in operators_for(desa_of("64.71.06"))


def test_one_way_receiver_and_provider(offices):
    make_service_agreement((KUKAR, BALIKPAPAN), roles=(ServiceRole.PENERIMA, ServiceRole.PENYEDIA))
    assert BALIKPAPAN in operators_for(desa_of(SAMBOJA))
    assert KUKAR not in operators_for(desa_of("64.71.06"))


def test_one_way_the_other_way(offices):
    make_service_agreement((KUKAR, BALIKPAPAN), roles=(ServiceRole.PENYEDIA, ServiceRole.PENERIMA))
    assert BALIKPAPAN not in operators_for(desa_of(SAMBOJA))
    assert KUKAR in operators_for(desa_of("64.71.06"))


def test_only_the_services_the_agreement_opens(offices):
    make_service_agreement((KUKAR, BALIKPAPAN), services=("rumah_sakit",))
    assert BALIKPAPAN not in operators_for(desa_of(SAMBOJA), "adminduk")
    assert BALIKPAPAN in operators_for(desa_of(SAMBOJA), "rumah_sakit")


def test_archived_and_unsigned_agreements_open_nothing(offices):
    archived = make_service_agreement((KUKAR, BALIKPAPAN))
    archive_agreement(archived, user=make_user("archiver", "admin"))
    make_service_agreement((KUKAR, SAMARINDA), signed_on=None, stage="persiapan")
    assert operators_for(desa_of(SAMBOJA)) == {KUKAR, KALTIM}


def test_province_receives_for_all_its_residents(offices):
    make_service_agreement((KALTIM, SAMARINDA), roles=(ServiceRole.PENERIMA, ServiceRole.PENYEDIA))
    assert SAMARINDA in operators_for(desa_of("64.03.05"))  # a resident of Berau
    assert SAMARINDA in operators_for(desa_of(SAMBOJA))


def test_province_provides_only_the_points_it_runs(offices):
    kabkota_hospital = make_point("rumah_sakit", "64.71.06")
    province_hospital = make_point("rumah_sakit", "64.71.04", operator=KALTIM, name="RSUD milik provinsi (uji)")
    make_service_agreement(
        (KALTIM, KUKAR), services=("rumah_sakit",), roles=(ServiceRole.PENYEDIA, ServiceRole.PENERIMA)
    )
    resident = desa_of(SAMBOJA)
    assert operators_for(resident, "rumah_sakit") == {KUKAR, KALTIM}
    answer = nearest_service(resolve_origin(desa=resident), "rumah_sakit", START)
    assert answer.nearest.point.id == province_hospital.pk
    assert answer.nearest.basis == Basis.PROVINCE  # open to every Kaltim resident, with or without agreement
    assert answer.nearest.point.id != kabkota_hospital.pk


def test_province_kabkota_reciprocal_opens_the_kabkota_to_the_whole_province(offices):
    # The documented consequence of "a province party receives for all its residents".
    make_service_agreement((KALTIM, KUKAR))
    assert KUKAR in operators_for(desa_of("64.03.05"))


def test_facilitator_neither_gives_nor_receives(offices):
    make_service_agreement(
        (KUKAR, BALIKPAPAN, KALTIM), party_roles=(PartyRole.PEMRAKARSA, PartyRole.MITRA, PartyRole.FASILITATOR)
    )
    assert BALIKPAPAN in operators_for(desa_of(SAMBOJA))
    assert BALIKPAPAN not in operators_for(desa_of("64.03.05"))  # Berau gains nothing through the witness


def test_partner_parties_are_ignored(offices):
    make_service_agreement((KALTIM, "Unmul"), services=("perguruan_tinggi",), urusan=("1.01",))
    assert operators_for(desa_of(SAMBOJA), "perguruan_tinggi") == {KUKAR, KALTIM}
    found = openings("perguruan_tinggi", START)
    assert len(found) == 1
    assert found[0].receivers == {KALTIM} and found[0].providers == {KALTIM}
