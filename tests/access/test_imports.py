"""Importing service points from CSV and GeoJSON: good files, every kind of bad row, all or nothing."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from kerjasama.access.geo import distance_to_geometry_km, region_index
from kerjasama.access.imports import import_points, template_csv
from kerjasama.access.models import ServicePoint
from kerjasama.access.services import COLUMNS, TOLERANCE_KM
from kerjasama.core.choices import ChangeAction, Source
from kerjasama.core.models import ObjectChange
from kerjasama.regions.choices import RegionLevel
from kerjasama.regions.models import Region

SAMBOJA, TENGGARONG, BALIKPAPAN_KOTA = "64.02.13", "64.02.06", "64.71.06"


def inside(code: str) -> tuple[float, float]:
    """A (lat, lon) surely inside region ``code``."""
    point = region_index().boundary(code).representative_point()
    return round(point.y, 6), round(point.x, 6)


def row(**values) -> dict:
    code = values.get("kode_wilayah", SAMBOJA)
    lat, lon = inside(code if region_index().boundary(code) is not None else SAMBOJA)
    base = {
        "nama": "Puskesmas Uji",
        "layanan": "puskesmas",
        "kode_wilayah": SAMBOJA,
        "lat": lat,
        "lon": lon,
        "alamat": "Jl. Uji No. 1",
        "kontak": "0541-000000",
        "jam_layanan": "Senin–Jumat 08.00–16.00",
        "sumber": "",
    }
    base.update(values)
    return base


def csv_bytes(*rows: dict, columns=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or list(rows[0]), extrasaction="ignore")
    writer.writeheader()
    for values in rows:
        writer.writerow(values)
    return buffer.getvalue().encode("utf-8")


def geojson_bytes(*rows: dict) -> bytes:
    features = []
    for values in rows:
        properties = {key: value for key, value in values.items() if key not in ("lat", "lon")}
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [values["lon"], values["lat"]]},
                "properties": properties,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def problems(report) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.message) for error in report.errors]


def test_good_csv(db):
    desa = Region.objects.filter(parent_id=TENGGARONG).order_by("code").first().code
    content = csv_bytes(
        row(),
        row(
            nama="Disdukcapil Uji",
            layanan="Administrasi kependudukan",  # by name as well as by code
            kode_wilayah=desa,
            sumber="Dinas Kesehatan Kab. Kutai Kartanegara, 2025",
            lokasi_perkiraan="ya",
        ),
        row(
            nama="SMA Negeri Uji", layanan="sma_smk", sumber="referensi", lat=str(inside(SAMBOJA)[0]).replace(".", ",")
        ),
        columns=[*COLUMNS, "lokasi_perkiraan"],
    )
    report = import_points(content, "titik.csv")
    assert problems(report) == [] and report.rows == 3 and report.created == 3 and report.updated == 0
    puskesmas = ServicePoint.objects.get(name="Puskesmas Uji")
    assert (puskesmas.region_id, puskesmas.kecamatan_id, puskesmas.desa_id) == ("64.02", SAMBOJA, None)
    assert puskesmas.operator_id == "64.02" and puskesmas.source == Source.IMPOR and not puskesmas.is_approximate
    assert (puskesmas.lat, puskesmas.lon) == inside(SAMBOJA)
    office = ServicePoint.objects.get(name="Disdukcapil Uji")
    assert office.service_type.code == "adminduk" and office.desa_id == desa and office.kecamatan_id == TENGGARONG
    assert office.is_approximate and office.source == Source.IMPOR
    assert office.source_note == "Dinas Kesehatan Kab. Kutai Kartanegara, 2025"
    school = ServicePoint.objects.get(name="SMA Negeri Uji")
    assert school.operator_id == "64"  # SMA/SMK are run by the province
    assert school.source == Source.REFERENSI
    assert ObjectChange.objects.filter(action=ChangeAction.CREATE, object_repr="Puskesmas Uji").exists()


def test_importing_again_updates(db):
    import_points(csv_bytes(row()), "titik.csv")
    lat, lon = inside(SAMBOJA)
    report = import_points(csv_bytes(row(nama="PUSKESMAS  uji", alamat="Alamat baru", lat=lat + 0.001)), "titik.csv")
    assert problems(report) == [] and report.created == 0 and report.updated == 1
    point = ServicePoint.objects.get()
    assert point.address == "Alamat baru" and point.lat == pytest.approx(lat + 0.001)
    assert ObjectChange.objects.filter(action=ChangeAction.UPDATE, object_repr=point.name).exists()


def test_good_geojson(db):
    report = import_points(geojson_bytes(row(), row(nama="RSUD Uji", layanan="rumah_sakit")), "titik.geojson")
    assert problems(report) == [] and report.created == 2
    assert set(ServicePoint.objects.values_list("name", flat=True)) == {"Puskesmas Uji", "RSUD Uji"}
    point = ServicePoint.objects.get(name="RSUD Uji")
    assert (point.lat, point.lon) == inside(SAMBOJA)


def test_dry_run_writes_nothing(db):
    report = import_points(csv_bytes(row()), "titik.csv", dry_run=True)
    assert report.ok and report.rows == 1 and report.preview[0]["nama"] == "Puskesmas Uji"
    assert not ServicePoint.objects.exists()


def kaltim_kecamatan_outside_province() -> str:
    """A kecamatan of another province (the tests load Kaltim's kecamatan only)."""
    Region.objects.create(code="65.01.01", parent_id="65.01", level=RegionLevel.KECAMATAN, name="Kecamatan Uji")
    return "65.01.01"


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"lat": -7.25, "lon": 112.75}, "lat", "lies outside Kalimantan Timur"),
        ({"lat": -95}, "lat", "is impossible"),
        ({"lon": 200}, "lon", "is impossible"),
        ({"lat": "selatan"}, "lat", "is not a number"),
        ({"lat": "nan"}, "lat", "is impossible"),
        ({"lat": 117.1, "lon": -0.95}, "lat", "look swapped"),
        ({"lat": 0, "lon": 0}, "lat", "0, 0 is not a location"),
        ({"lat": ""}, "lat", "required"),
        ({"layanan": "kantor_pos"}, "layanan", "Unknown service"),
        ({"layanan": ""}, "layanan", "required"),
        ({"kode_wilayah": "64.02.99"}, "kode_wilayah", "No region has the code 64.02.99"),
        ({"kode_wilayah": "64.02"}, "kode_wilayah", "is not a kecamatan or desa/kelurahan"),
        ({"kode_wilayah": "64"}, "kode_wilayah", "is not a kecamatan or desa/kelurahan"),
        ({"kode_wilayah": "Samboja"}, "kode_wilayah", "is not a region code"),
        ({"kode_wilayah": ""}, "kode_wilayah", "required"),
        ({"nama": ""}, "nama", "required"),
        ({"nama": "x" * 201}, "nama", "At most 200"),
        ({"lokasi_perkiraan": "mungkin"}, "lokasi_perkiraan", "is not ya or tidak"),
        ({"penyelenggara": "Unmul"}, "penyelenggara", "must be a province or a kabupaten/kota"),
        ({"penyelenggara": "Kabupaten Antah"}, "penyelenggara", "Unknown party"),
    ],
)
def test_bad_rows(db, values, column, message):
    good = row(nama="Baris baik")
    bad = row(**values)
    report = import_points(csv_bytes(good, bad, columns=[*COLUMNS, "lokasi_perkiraan", "penyelenggara"]), "titik.csv")
    assert report.created == 0 and not ServicePoint.objects.exists()  # all or nothing
    assert any(r == 3 and c == column and message in m for r, c, m in problems(report)), problems(report)
    assert all(r == 3 for r, _c, _m in problems(report))


def test_code_outside_kaltim(db):
    code = kaltim_kecamatan_outside_province()
    report = import_points(csv_bytes(row(kode_wilayah=SAMBOJA), row(nama="Lain", kode_wilayah=code)), "titik.csv")
    assert [(r, c) for r, c, _m in problems(report)] == [(3, "kode_wilayah")]
    assert "outside Kalimantan Timur" in report.errors[0].message


def test_point_far_from_its_kecamatan(db):
    lat, lon = inside(BALIKPAPAN_KOTA)  # in Kaltim, but tens of km from Samboja
    report = import_points(csv_bytes(row(lat=lat, lon=lon)), "titik.csv")
    (error,) = report.errors
    assert (error.row, error.column) == (2, "kode_wilayah")
    assert "km outside Kecamatan Samboja (64.02.13)" in error.message and "check lat/lon or the code" in error.message


def test_point_just_outside_its_kecamatan_is_accepted(db):
    geometry = region_index().boundary(TENGGARONG)
    ring = geometry.buffer(0.008).exterior  # about 0.9 km beyond the simplified boundary
    lat, lon = ring.coords[0][1], ring.coords[0][0]
    away = distance_to_geometry_km(geometry, lat, lon)
    assert 0 < away < TOLERANCE_KM
    report = import_points(csv_bytes(row(kode_wilayah=TENGGARONG, lat=lat, lon=lon)), "titik.csv")
    assert problems(report) == [] and report.created == 1


def test_same_point_twice_in_a_file(db):
    report = import_points(csv_bytes(row(), row(nama=" puskesmas UJI ")), "titik.csv")
    assert [(r, c) for r, c, _m in problems(report)] == [(3, "nama")]
    assert "also in row 2" in report.errors[0].message


def test_missing_required_column(db):
    content = csv_bytes(row(), columns=["nama", "layanan", "kode_wilayah", "lat"])
    report = import_points(content, "titik.csv")
    assert [(r, c) for r, c, _m in problems(report)] == [(1, "lon")]


def test_unknown_column_is_a_warning(db):
    values = row()
    values["warna"] = "merah"
    report = import_points(csv_bytes(values), "titik.csv")
    assert report.ok and report.created == 1
    assert [(w.row, w.column) for w in report.warnings] == [(1, "warna")]


def test_geojson_problems(db):
    data = json.loads(geojson_bytes(row(), row(nama="Garis")))
    data["features"][1]["geometry"] = {"type": "LineString", "coordinates": [[117, -1], [117.1, -1]]}
    report = import_points(json.dumps(data).encode(), "titik.geojson")
    assert [(r, c) for r, c, _m in problems(report)] == [(2, "geometry")]
    assert "must be a Point" in report.errors[0].message
    assert not ServicePoint.objects.exists()
    report = import_points(b'{"type": "Feature"}', "titik.geojson")
    assert "FeatureCollection" in report.errors[0].message
    report = import_points(b"not json", "titik.geojson")
    assert "not valid GeoJSON" in report.errors[0].message


def test_template_has_the_columns(db):
    header = template_csv().splitlines()[0].split(",")
    assert header[: len(COLUMNS)] == list(COLUMNS)


class TestCommand:
    def test_import_and_dry_run(self, db, tmp_path):
        path = tmp_path / "titik.csv"
        path.write_bytes(csv_bytes(row()))
        out = io.StringIO()
        call_command("access", "import", str(path), "--dry-run", stdout=out, verbosity=0)
        assert "would be imported" in out.getvalue() and not ServicePoint.objects.exists()
        call_command("access", "import", str(path), stdout=out, verbosity=0)
        assert "Imported 1 new service point(s), updated 0." in out.getvalue()
        assert ServicePoint.objects.count() == 1

    def test_bad_file_fails_and_names_the_row(self, db, tmp_path):
        path = tmp_path / "titik.csv"
        path.write_bytes(csv_bytes(row(), row(nama="Lain", lat=99)))
        err = io.StringIO()
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command("access", "import", str(path), stderr=err, verbosity=0)
        assert "Row 3, column lat" in err.getvalue()
        assert not ServicePoint.objects.exists()

    def test_template(self, db, tmp_path):
        path = tmp_path / "template.csv"
        call_command("access", "template", str(path), stdout=io.StringIO())
        assert path.read_bytes().decode("utf-8") == template_csv()
