"""The gap analysis on a small constructed example, checked against a brute-force computation."""

import csv
import datetime as dt
import io
import math
from collections import defaultdict

import pytest
from django.core.management import call_command

from kerjasama.access.distance import km_between
from kerjasama.access.eligibility import Resident, eligible_operators, openings
from kerjasama.access.gaps import CSV_COLUMNS, find_gaps, gaps_csv
from kerjasama.access.models import ServicePoint
from kerjasama.agreements.choices import ServiceRole
from kerjasama.regions.choices import VILLAGE_LEVELS
from kerjasama.regions.models import Region
from tests.access.helpers import make_point, make_service_agreement

DAY = dt.date(2025, 12, 1)


@pytest.fixture
def network(db):
    """Adminduk offices in six capitals, a province-run office, and three agreements (one area-limited)."""
    for kecamatan in ("64.02.06", "64.71.06", "64.72.09", "64.74.01", "64.09.01", "64.08.04"):
        make_point("adminduk", kecamatan)
    make_point("adminduk", "64.01.04", operator="64", name="Kantor provinsi (uji)")
    make_service_agreement(("64.02", "64.71"), areas=("64.02.13",), roles=(ServiceRole.PENERIMA, ServiceRole.PENYEDIA))
    make_service_agreement(("64.02", "64.72"), areas=("64.02.04", "64.02.15"))
    make_service_agreement(("64.09", "64.71"))
    # Not in force on DAY: opens nothing.
    make_service_agreement(("64.02", "64.74"), start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))


def brute_force(service: str, day: dt.date, within: str = "64"):
    """Every desa against every point, with the per-resident eligibility rule: {(home, provider): {desa: saved}}."""
    points = list(
        ServicePoint.objects.filter(service_type__code=service).values_list("pk", "operator_id", "lat", "lon")
    )
    villages = Region.objects.filter(level__in=VILLAGE_LEVELS, code__startswith=within + ".").values_list(
        "code", "lat", "lon"
    )
    population = dict(
        Region.objects.filter(code__in={c[:5] for c, _a, _o in villages}).values_list("code", "population")
    )
    counts = defaultdict(int)
    for code in Region.objects.filter(level__in=VILLAGE_LEVELS).values_list("code", flat=True):
        counts[code[:5]] += 1
    candidates: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
    residents: dict[str, float] = {}
    for code, lat, lon in villages:
        distances = [(km_between(lat, lon, p_lat, p_lon), operator) for _pk, operator, p_lat, p_lon in points]
        nearest_km, nearest_operator = min(distances)
        resident = Resident(code)
        allowed = set(eligible_operators(resident, openings(service, day, involving=resident.home)))
        if nearest_operator in allowed:
            continue
        usable = [km for km, operator in distances if operator in allowed]
        candidates[(code[:5], nearest_operator)][code] = (min(usable) - nearest_km) if usable else None
        residents[code] = population[code[:5]] / counts[code[:5]]
    return candidates, residents


def test_gaps_match_brute_force(network):
    report = find_gaps("adminduk", DAY)
    expected, residents = brute_force("adminduk", DAY)
    assert expected, "the example must have gaps"
    found = {(c.home, c.provider): {d.code: d.saved_km for d in c.desa} for c in report.candidates}
    assert set(found) == set(expected)
    for key, desa in expected.items():
        assert set(found[key]) == set(desa), key
        for code, saved in desa.items():
            assert found[key][code] == pytest.approx(saved, abs=1e-6), code
    # Ranking: estimated resident-kilometres saved, largest first.
    resident_km = {key: sum(saved * residents[code] for code, saved in desa.items()) for key, desa in expected.items()}
    assert [(c.home, c.provider) for c in report.candidates] == sorted(
        resident_km, key=lambda key: (-resident_km[key], key)
    )
    for candidate in report.candidates:
        assert candidate.resident_km == pytest.approx(resident_km[(candidate.home, candidate.provider)])
        assert candidate.rank == report.candidates.index(candidate) + 1
    assert report.desa_with_gap == sum(len(desa) for desa in expected.values())
    assert report.population_basis == "penduduk"


def test_agreements_close_gaps(network):
    report = find_gaps("adminduk", DAY)
    gaps = {(c.provider, d.code) for c in report.candidates for d in c.desa}
    # Samboja's desa may use Balikpapan under the first agreement: none nearest to Balikpapan is a gap
    # (its northern desa, nearer Samarinda, are); Anggana's may use Samarinda: none is a gap.
    assert not any(code.startswith("64.02.13.") and provider == "64.71" for provider, code in gaps)
    assert any(code.startswith("64.02.13.") and provider == "64.72" for provider, code in gaps)
    assert not any(code.startswith("64.02.04.") for _provider, code in gaps)
    # The agreement that starts later does not count yet: Kukar's desa nearest to Bontang are gaps.
    assert any(c.home == "64.02" and c.provider == "64.74" for c in report.candidates)
    # The province-run office in Paser is open to every Kaltim resident: never the provider of a gap.
    assert all(c.provider != "64" for c in report.candidates)


def test_within_a_kabupaten(network):
    whole = find_gaps("adminduk", DAY)
    kukar = find_gaps("adminduk", DAY, within="64.02")
    assert kukar.desa_checked == Region.objects.filter(level__in=VILLAGE_LEVELS, code__startswith="64.02.").count()
    assert {c.home for c in kukar.candidates} == {"64.02"}
    assert {(c.home, c.provider, c.desa_count) for c in kukar.candidates} == {
        (c.home, c.provider, c.desa_count) for c in whole.candidates if c.home == "64.02"
    }


def test_desa_without_any_eligible_point_rank_first(db):
    make_point("rumah_sakit", "64.71.06")
    make_point("rumah_sakit", "64.72.09")
    make_point("rumah_sakit", "64.02.06")
    Region.objects.filter(code="64.03").update(population=None)  # Berau: population unknown
    report = find_gaps("rumah_sakit", DAY)
    first = report.candidates[0]
    assert first.unserved_desa == first.desa_count > 0
    assert all(d.eligible_km is None and d.saved_km is None for d in first.desa)
    # Berau's desa are counted with the average share of the kabupaten/kota whose population is known.
    berau = [c for c in report.candidates if c.home == "64.03"]
    assert berau and all(d.residents_estimate is not None for c in berau for d in c.desa)
    served = [c for c in report.candidates if not c.unserved_desa]
    assert [c.resident_km for c in served] == sorted((c.resident_km for c in served), reverse=True)


def test_no_points_no_gaps(db):
    report = find_gaps("samsat", DAY)
    assert report.points == 0 and report.candidates == [] and report.desa_checked > 1000


def test_csv(network):
    report = find_gaps("adminduk", DAY)
    rows = list(csv.reader(io.StringIO(gaps_csv(report.to_dict()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) - 1 == report.desa_with_gap
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    top = report.candidates[0]
    assert (first["peringkat"], first["kode_wilayah_asal"], first["kode_penyedia"]) == ("1", top.home, top.provider)
    assert first["kode_desa"] == top.desa[0].code
    assert math.isclose(float(first["hemat_km"]), top.desa[0].saved_km, abs_tol=0.01)


def test_command(network, tmp_path):
    path = tmp_path / "celah.csv"
    out = io.StringIO()
    call_command("access", "gaps", "--layanan", "adminduk", "--tanggal", "2025-12-01", "--csv", str(path), stdout=out)
    report = find_gaps("adminduk", DAY)
    text = out.getvalue()
    assert f"{report.desa_with_gap} with a gap in {len(report.candidates)} candidate agreement(s)" in text
    assert f"1. {report.candidates[0].home_name} ← {report.candidates[0].provider_name}" in text
    assert path.read_bytes().decode() == gaps_csv(report.to_dict())


def test_geojson(network):
    report = find_gaps("adminduk", DAY)
    data = report.to_geojson()
    assert len(data["features"]) == report.desa_with_gap
    feature = data["features"][0]
    desa = Region.objects.get(code=feature["properties"]["code"])
    assert feature["geometry"]["coordinates"] == [desa.lon, desa.lat]
    assert feature["properties"]["rank"] == 1 and feature["properties"]["provider"]["code"]
