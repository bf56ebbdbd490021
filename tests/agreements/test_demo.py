"""The synthetic demo register: counts, required cases, lifecycle sense, determinism and the command.

The register is built once for the module (it takes a second or two) and removed afterwards;
tests that change it run inside their own rolled-back transaction.
"""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from kerjasama.agreements import lifecycle, stats
from kerjasama.agreements.choices import ChangeKind, DocumentType, ServiceRole, Stage, Validity
from kerjasama.agreements.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    FIRST_YEAR,
    HISTORY_MARK,
    HISTORY_USER,
    NUMBER_MARKER,
    REFERENCE_YEAR_SIGNED,
    SYNTHETIC_NOTE,
    YEARLY_SIGNED,
    build_demo,
    create_demo_users,
    demo_agreements,
    reference_date,
    remove_demo_agreements,
)
from kerjasama.agreements.exports import agreement_values, export_queryset
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition
from kerjasama.agreements.services import AgreementData, Lookups, validate
from kerjasama.core.choices import Source
from kerjasama.core.models import ObjectChange
from kerjasama.regions.choices import PartnerType
from kerjasama.regions.models import Partner, PerangkatDaerah
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor
from tests.builders import make_agreement, pihak

KUKAR, BALIKPAPAN, SAMARINDA = "64.02", "64.71", "64.72"
SAMBOJA, SAMBOJA_BARAT, ANGGANA = "64.02.13", "64.02.20", "64.02.04"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def canonical_dump() -> list[str]:
    """Every demo agreement as export values plus its history, in a stable order (no database ids)."""
    rows = []
    queryset = export_queryset(demo_agreements()).prefetch_related("transitions")
    for agreement in queryset:
        values = agreement_values(agreement)
        values["riwayat"] = [
            (t.from_stage, t.to_stage, t.at.isoformat(), t.note, t.user_name) for t in agreement.transitions.all()
        ]
        rows.append(json.dumps(values, default=str, sort_keys=True, ensure_ascii=False))
    return sorted(rows)


def years_in_range(rows: list[dict], day: dt.date) -> dict[int, int]:
    return {row["year"]: row["count"] for row in rows if FIRST_YEAR <= row["year"] <= day.year}


# Counts ---------------------------------------------------------------------------------------------


def test_signed_per_year_as_required(demo, db):
    day = reference_date()
    counts = {row["year"]: row["count"] for row in stats.by_year()}
    assert set(counts) == set(range(FIRST_YEAR, day.year + 1))
    assert counts[day.year] == REFERENCE_YEAR_SIGNED == 208
    for year in range(FIRST_YEAR, day.year):
        assert YEARLY_SIGNED[0] <= counts[year] <= YEARLY_SIGNED[1], year
    assert demo.signed_by_year == counts


def test_nothing_signed_after_the_reference_date(demo, db):
    day = reference_date()
    assert day == dt.date(2025, 11, 18)
    assert not Agreement.objects.filter(signed_on__gt=day).exists()
    assert Agreement.objects.signed_in_year(day.year).filter(signed_on__lte=day).count() == 208
    unsigned = Agreement.objects.filter(signed_on__isnull=True)
    assert unsigned.exists()
    assert not unsigned.filter(Q(start_on__isnull=False) | Q(end_on__isnull=False)).exists()
    assert set(unsigned.values_list("stage", flat=True)) <= set(lifecycle.NOT_YET_SIGNED) | {Stage.DITOLAK}


def test_summary_matches_the_database(demo, db):
    assert demo.agreements == Agreement.objects.count() > 600
    assert demo.transitions == AgreementTransition.objects.count()
    assert demo.parties == AgreementParty.objects.count()
    assert demo.rejected == Agreement.objects.filter(stage=Stage.DITOLAK).count() > 0


# Marked as synthetic ----------------------------------------------------------------------------


def test_every_record_says_it_is_synthetic(demo, db):
    assert not Agreement.objects.exclude(source=Source.SINTETIS).exists()
    assert not Agreement.objects.exclude(source_note__contains=SYNTHETIC_NOTE).exists()
    numbers = list(AgreementParty.objects.exclude(number="").values_list("number", flat=True))
    assert numbers
    assert all(f"/{NUMBER_MARKER}/" in number for number in numbers)
    signed_without_number = Agreement.objects.filter(signed_on__isnull=False).exclude(
        parties__number__contains=NUMBER_MARKER
    )
    assert not signed_without_number.exists()


def test_partners_are_reference_or_fictitious(demo, db):
    used = Partner.objects.filter(pihak__agreement_parties__isnull=False).distinct()
    for partner in used:
        if partner.source != Source.REFERENSI:
            assert partner.source == Source.SINTETIS
            assert partner.name.endswith("(contoh)"), partner.name
    types = set(used.values_list("partner_type", flat=True))
    assert types == set(PartnerType.values)


def test_demo_offices_are_named_after_their_region(demo, db):
    offices = PerangkatDaerah.objects.filter(agreements__isnull=False).select_related("region").distinct()
    assert offices.exists()
    for office in offices:
        assert office.region is not None
        assert office.name.endswith(office.region.name), office.name
    assert offices.filter(name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kutai Kartanegara").exists()


# Required cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "areas"),
    [(BALIKPAPAN, {SAMBOJA, SAMBOJA_BARAT}), (SAMARINDA, {ANGGANA})],
)
@pytest.mark.parametrize(("urusan", "services"), [("2.12", {"adminduk"}), ("1.02", {"rumah_sakit", "puskesmas"})])
def test_kukar_residents_served_by_the_nearest_city(demo, db, city, areas, urusan, services):
    day = dt.date(2025, 12, 1)
    kukar, provider = pihak(KUKAR), pihak(city)
    found = (
        Agreement.objects.in_force_on(day)
        .with_party(kukar)
        .with_party(provider)
        .filter(urusan__code=urusan, service_areas__code__in=areas)
        .distinct()
    )
    assert found.count() == 1
    agreement = found.get()
    assert set(agreement.service_areas.values_list("code", flat=True)) == areas
    assert set(agreement.service_types.values_list("code", flat=True)) == services
    assert agreement.end_on is not None and agreement.end_on.year in (2027, 2028)
    roles = dict(agreement.parties.values_list("pihak_id", "service_role"))
    assert roles == {kukar: ServiceRole.PENERIMA, provider: ServiceRole.PENYEDIA}
    assert agreement.parent is not None and agreement.parent.document_type == DocumentType.KB


def test_gratispol_pks_with_the_seven_public_universities(demo, db):
    universities = set(
        Partner.objects.filter(source=Source.REFERENSI, partner_type=PartnerType.PERGURUAN_TINGGI).values_list(
            "name", flat=True
        )
    )
    assert len(universities) == 7
    gratispol = Agreement.objects.filter(
        signed_on=dt.date(2025, 6, 16),
        document_type=DocumentType.PKS,
        title__startswith="Perjanjian Kerja Sama Pembiayaan UKT Program Gratispol",
        urusan__code="1.01",
    )
    partners = set(
        AgreementParty.objects.filter(agreement__in=gratispol, pihak__partner__isnull=False).values_list(
            "pihak__partner__name", flat=True
        )
    )
    assert partners == universities
    assert gratispol.with_party(pihak("64")).count() == 7


def test_reported_anchor_agreements(demo, db):
    bpn = pihak("Kanwil BPN Kaltim")
    assert Agreement.objects.with_party(bpn).filter(signed_on=dt.date(2025, 8, 7), urusan__code="2.10").exists()
    kaltara = Agreement.objects.with_party(pihak("65")).filter(signed_on__year=2025, signed_on__month=8)
    assert kaltara.filter(urusan__code="1.03", document_type=DocumentType.PKS, parent__isnull=False).exists()
    jatim = Agreement.objects.with_party(pihak("35")).get(document_type=DocumentType.KB, signed_on=dt.date(2022, 7, 28))
    assert jatim.children.count() >= 5
    diy = Agreement.objects.with_party(pihak("34")).get(document_type=DocumentType.KB, signed_on=dt.date(2020, 12, 14))
    assert diy.children.exists()
    assert diy.amended_by.filter(signed_on__isnull=True, change_kind=ChangeKind.PERPANJANGAN).exists()


def test_spread_over_urusan_and_partner_types(demo, db):
    by_urusan = {row["key"]: row["count"] for row in stats.by_urusan()}
    for code in ("1.01", "1.02", "1.03", "2.10", "2.12", "2.16", "3.26", "3.27"):
        assert by_urusan[code] > 0, code
    assert sum(1 for count in by_urusan.values() if count) >= 28
    by_type = {row["key"]: row["count"] for row in stats.by_partner_type()}
    assert all(count > 0 for count in by_type.values()), by_type
    assert by_type["antar_daerah"] > by_type[PartnerType.LUAR_NEGERI]


def test_kb_with_implementing_pks(demo, db):
    parents = Agreement.objects.filter(children__isnull=False).distinct()
    assert parents.count() >= 5
    assert set(parents.values_list("document_type", flat=True)) == {DocumentType.KB}
    for child in Agreement.objects.filter(parent__isnull=False, signed_on__isnull=False).select_related("parent"):
        assert child.signed_on >= child.parent.signed_on
        assert child.end_on <= child.parent.end_on


def test_validity_cases_exist(demo, db):
    day = reference_date()
    agreements = Agreement.objects.all()
    expired = agreements.validity_on(Validity.KEDALUWARSA, day)
    assert expired.filter(stage=Stage.SELESAI).exists()
    assert expired.filter(stage=Stage.PELAKSANAAN).exists()  # expired but never closed
    assert agreements.validity_on(Validity.AKAN_BERAKHIR, day).exists()
    late_2026 = agreements.validity_on(Validity.AKAN_BERAKHIR, dt.date(2026, 11, 18))
    assert late_2026.filter(end_on__gte=dt.date(2026, 12, 1), end_on__lte=dt.date(2027, 2, 28)).exists()
    assert agreements.validity_on(Validity.BELUM_BERLAKU, day).filter(signed_on__isnull=False).exists()
    never_implemented = agreements.filter(signed_on__isnull=False, stage=Stage.PENANDATANGANAN)
    assert never_implemented.exists()
    terminated = agreements.filter(stage=Stage.DIAKHIRI)
    assert terminated.exists()
    assert not terminated.filter(Q(terminated_on__isnull=True) | Q(terminated_on__gt=day)).exists()
    assert agreements.filter(stage=Stage.DITOLAK, signed_on__isnull=True).exists()
    assert agreements.filter(is_public=False).exists()
    dprd = agreements.filter(dprd_approval_required=True)
    assert dprd.exclude(dprd_approval_reference="").count() > dprd.filter(dprd_approval_reference="").count()
    assert not dprd.filter(signed_on__isnull=False, dprd_approval_reference="").exists()


def test_extensions_and_addenda_make_lifecycle_sense(demo, db):
    extensions = Agreement.objects.filter(change_kind=ChangeKind.PERPANJANGAN).select_related("amends")
    assert extensions.filter(signed_on__isnull=False).exists()
    for extension in extensions:
        assert extension.amends is not None
        if extension.signed_on is not None:
            assert extension.amends.stage == Stage.DIPERPANJANG
            assert extension.start_on > extension.amends.signed_on
        else:
            assert extension.amends.stage != Stage.DIPERPANJANG
    for old in Agreement.objects.filter(stage=Stage.DIPERPANJANG):
        assert old.amended_by.filter(change_kind=ChangeKind.PERPANJANGAN, signed_on__isnull=False).exists()
    addenda = Agreement.objects.filter(change_kind=ChangeKind.ADENDUM).select_related("amends")
    assert addenda.exists()
    for addendum in addenda:
        assert addendum.document_type == DocumentType.ADENDUM
        assert addendum.signed_on > addendum.amends.signed_on


def test_every_agreement_passes_validation(demo, db):
    lookups = Lookups()
    lookups.preload_pihak()
    queryset = Agreement.objects.prefetch_related("parties", "urusan", "service_types", "service_areas")
    for agreement in queryset:
        problems = validate(AgreementData.from_agreement(agreement), lookups, agreement_id=agreement.pk)
        assert [p for p in problems if not p.warning] == [], agreement.title


def test_histories_follow_the_lifecycle(demo, db):
    """Each recorded move is one an admin could make under ``lifecycle`` (judged on the final record)."""
    admin = Actor(role=Role.ADMIN)
    end_of_day = dt.datetime.combine(reference_date(), dt.time.max, tzinfo=timezone.get_default_timezone())
    queryset = Agreement.objects.prefetch_related("transitions")
    for agreement in queryset:
        steps = list(agreement.transitions.all())  # ordered by time
        assert steps, agreement.title
        assert (steps[0].from_stage, steps[0].to_stage) == ("", Stage.PERSIAPAN)
        for before, after in zip(steps, steps[1:], strict=False):
            assert after.from_stage == before.to_stage
            assert after.at > before.at
        stage = agreement.stage
        for step in steps[1:]:
            agreement.stage = step.from_stage
            assert lifecycle.problems(agreement, step.to_stage, admin, step.note) == [], agreement.title
        agreement.stage = stage
        assert steps[-1].to_stage == agreement.stage
        assert steps[-1].at <= end_of_day
        if agreement.signed_on is not None and agreement.stage != Stage.PENANDATANGANAN:
            signing = next(step for step in steps if step.to_stage == Stage.PELAKSANAAN)
            assert timezone.localtime(signing.at).date() == agreement.signed_on
    assert not AgreementTransition.objects.exclude(user_name=HISTORY_USER).exists()
    assert not AgreementTransition.objects.exclude(note__endswith=HISTORY_MARK).exists()


def test_change_log_records_the_demo(demo, db):
    for agreement in Agreement.objects.order_by("pk")[::100]:
        created = ObjectChange.objects.filter(
            changed_object_type__model="agreement", changed_object_id=str(agreement.pk), action="create"
        ).get()
        assert created.postchange_data["source"] == Source.SINTETIS
        assert SYNTHETIC_NOTE in created.message


# Determinism --------------------------------------------------------------------------------------


def test_same_seed_same_data_other_seed_other_data(demo, db):
    first = canonical_dump()
    partners = Partner.objects.count()
    summary = build_demo()  # replaces the module's demo data
    assert summary.replaced == len(first)
    assert canonical_dump() == first
    assert Partner.objects.count() == partners
    assert summary.partners_created == 0
    other = build_demo(seed=7)
    assert canonical_dump() != first
    counts = years_in_range(stats.by_year(), reference_date())
    assert counts[reference_date().year] == 208
    assert other.signed_by_year == counts


# The command --------------------------------------------------------------------------------------


def test_if_empty_does_nothing_when_agreements_exist(demo, db):
    before = list(Agreement.objects.order_by("pk").values_list("pk", flat=True))
    changes = ObjectChange.objects.count()
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert list(Agreement.objects.order_by("pk").values_list("pk", flat=True)) == before
    assert ObjectChange.objects.count() == changes
    assert DEMO_PASSWORD not in out.getvalue()


def test_if_empty_builds_on_an_empty_register(demo, db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    remove_demo_agreements()
    assert not Agreement.objects.exists()
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert stats.by_year()[-1] == {"year": 2025, "count": 208}
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    usernames = [username for username, _role, _label in DEMO_USERS]
    assert get_user_model().objects.filter(username__in=usernames).count() == len(usernames)
    assert all(username in text for username in usernames)
    assert get_user_model().objects.get(username="biropod").check_password(DEMO_PASSWORD)


def test_refuses_to_mix_with_real_agreements_without_force(demo, db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    real = make_agreement(title="PKS nyata yang sudah terdaftar")
    demo_ids = list(demo_agreements().values_list("pk", flat=True))
    with pytest.raises(CommandError, match="--force"):
        call_command("demo", stdout=io.StringIO())
    assert list(demo_agreements().values_list("pk", flat=True)) == demo_ids

    out = io.StringIO()
    call_command("demo", "--force", "--seed", "11", stdout=out)
    real.refresh_from_db()
    assert real.source == Source.INPUT
    assert Agreement.objects.exclude(source=Source.SINTETIS).get() == real
    assert years_in_range(stats.by_year(demo_agreements()), reference_date())[2025] == 208
    # The published demo password must not open a register that holds real agreements.
    assert not get_user_model().objects.filter(username="biropod").exists()
    assert DEMO_PASSWORD not in out.getvalue()


def test_force_warns_about_demo_logins_left_in_a_real_register(demo, db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    assert create_demo_users()
    make_agreement(title="PKS nyata yang diimpor setelah demo")
    out = io.StringIO()
    call_command("demo", "--force", stdout=out)
    text = out.getvalue()
    assert all(username in text for username, _role, _label in DEMO_USERS)
    assert DEMO_PASSWORD not in text


# The API ------------------------------------------------------------------------------------------


def test_api_counts_208_agreements_in_2025(demo, db, client):
    response = client.get("/api/stats/agreements-by-year/")
    assert response.status_code == 200
    assert {"year": 2025, "count": 208} in response.json()
