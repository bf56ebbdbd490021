"""A new visitor's tour: the dashboard, the language switch, open data, the nearest service, the PDF report."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from pypdf import PdfReader

from kerjasama.agreements.demo import DEMO_PASSWORD
from tests.browser.helpers import PLAYWRIGHT_MISSING, api_all, api_get, first_number, long_date, reference_day

expect = pytest.importorskip("playwright.sync_api", reason=PLAYWRIGHT_MISSING).expect

pytestmark = pytest.mark.browser

# A canvas Chart.js has drawn on: it has a chart instance and at least one pixel that is not transparent.
CHART_DRAWN = """canvas => {
  if (!window.Chart || !window.Chart.getChart(canvas) || !canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
}"""


def nav_link(page, name: str):
    return page.get_by_role("navigation").get_by_role("link", name=name, exact=True)


def test_dashboard_shows_the_headline_and_draws_its_charts(page, server):
    year = reference_day().year
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    headline = page.locator("[data-headline]")
    expect(headline).to_be_visible()
    expect(headline).to_contain_text(str(year))
    assert first_number(headline.inner_text()) > 0

    canvases = page.locator("main canvas")
    expect(canvases.first).to_be_visible()
    for index in range(canvases.count()):
        canvas = canvases.nth(index)
        canvas.scroll_into_view_if_needed()
        page.wait_for_function(f"({CHART_DRAWN})(document.querySelectorAll('main canvas')[{index}])")
        expect(canvas).to_have_attribute("aria-label", re.compile(r"\S"))  # the chart's name for screen readers


def test_network_map_draws_the_parties_and_ranks_the_regions(page, server):
    page.goto("/")
    nav_link(page, "Jejaring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jejaring kerja sama")
    expect(page.locator("#network-map")).to_have_attribute("data-ready", "true")  # boundaries drawn
    markers = page.locator("#network-map path.leaflet-interactive")
    expect(markers.first).to_be_visible()
    shown = markers.count()
    page.get_by_label(re.compile("Tampilkan mitra")).uncheck()  # partners and their links leave the map
    expect(markers).not_to_have_count(shown)
    rows = page.locator("main table").first.locator("tbody tr")
    expect(rows).to_have_count(11)  # the province and its ten kabupaten/kota
    counts = [first_number(rows.nth(index).locator("td").nth(1).inner_text()) for index in range(rows.count())]
    assert counts == sorted(counts, reverse=True)  # most connected first


def test_language_switch_to_english_and_back(page, server):
    page.goto("/kerja-sama/?q=Samboja")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(nav_link(page, "Kerja sama")).to_be_visible()

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/kerja-sama/\?q=Samboja$"))  # the switch keeps the visitor's place
    expect(nav_link(page, "Agreements")).to_be_visible()
    expect(page.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements")

    # The choice holds on the next pages: an agreement's dates in English.
    page.locator("#results tbody a[href^='/kerja-sama/']").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    pk = int(re.search(r"/kerja-sama/(\d+)/", page.url).group(1))
    signed_on = api_get(page, server, f"/api/agreements/{pk}/")["signed_on"]
    if signed_on:
        expect(page.locator("main")).to_contain_text(long_date(dt.date.fromisoformat(signed_on), "en"))

    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(nav_link(page, "Kerja sama")).to_be_visible()
    expect(page.get_by_role("link", name="Bahasa Indonesia")).to_have_attribute("aria-current", "true")


def test_open_data_downloads_parse(page, server, tmp_path):
    page.goto("/")
    page.locator("footer a[href='/data/']").click()
    expect(page).to_have_url(re.compile(r"/data/$"))
    row = page.locator("tbody tr").filter(has=page.locator("a[href='/data/kerja-sama.csv']"))
    published = first_number(row.locator("td.num").inner_text())
    assert published > 0

    files = {}
    for fmt in ("csv", "xlsx"):
        with page.expect_download() as started:
            row.get_by_role("link", name=fmt.upper(), exact=True).click()
        files[fmt] = tmp_path / started.value.suggested_filename
        started.value.save_as(files[fmt])

    reader = csv.DictReader(io.StringIO(files["csv"].read_text(encoding="utf-8"), newline=""))
    records = list(reader)
    assert len(records) == published
    workbook = openpyxl.load_workbook(files["xlsx"], read_only=True)
    header, *rows = workbook.worksheets[0].iter_rows(values_only=True)
    assert len(rows) == published
    column = header.index("id")
    assert sorted(row[column] for row in rows) == sorted(int(record["id"]) for record in records)
    assert "kamus_data" in workbook.sheetnames

    # What the visitor found by search is in the published data.
    samboja = {row["id"] for row in api_all(page, server, "/api/agreements/?q=Samboja")}
    assert samboja
    assert samboja <= {int(record["id"]) for record in records}


def test_nearest_service_for_a_desa_in_samboja(page, server):
    page.goto("/")
    page.get_by_role("navigation").locator("a[href='/layanan-terdekat/']").click()
    expect(page).to_have_url(re.compile(r"/layanan-terdekat/$"))
    expect(page.locator("html")).to_have_attribute("lang", "id")

    place = page.locator("#id_wilayah")
    place.press_sequentially("Samboja Kuala", delay=30)
    suggestion = page.get_by_role("option", name=re.compile(r"Samboja Kuala"))
    expect(suggestion.first).to_be_visible()
    place.press("ArrowDown")
    place.press("Enter")  # takes the highlighted suggestion
    expect(place).to_have_value(re.compile(r"Samboja Kuala"))
    page.locator("#id_layanan").select_option("rumah_sakit")
    page.locator("#id_tanggal").fill(reference_day().isoformat())
    page.locator("form.access-form button[type=submit]").click()

    answer = page.locator("#answer-sentence")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("Samboja Kuala")
    # In the demo, Balikpapan's hospital is opened to Samboja by an agreement; the answer links to it.
    agreement = page.locator(".answer-card--nearest a[href^='/kerja-sama/']")
    expect(agreement).to_be_visible()
    pk = int(re.search(r"/kerja-sama/(\d+)/", agreement.get_attribute("href")).group(1))
    assert pk in {row["id"] for row in api_all(page, server, "/api/agreements/?q=Samboja")}
    expect(page.locator("#access-map.leaflet-container")).to_be_visible()  # the map drew


def test_staff_reader_downloads_the_pdf_report(page, server, tmp_path):
    page.goto("/")
    page.locator("header a[href^='/akun/masuk/']").click()
    page.locator("#id_username").fill("peninjau")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".user-name")).to_be_visible()

    page.get_by_role("navigation").locator("a[href='/laporan/']").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("input[name=format][value=pdf]")).to_be_checked()
    with page.expect_download(timeout=120_000) as started:
        # The click waits for the form's navigation, which lasts until the PDF is rendered: as long
        # as the download may take (a slow or busy host needs more than the default 15 s).
        page.locator("main form button[type=submit]").click(timeout=120_000)
    download = started.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    reader = PdfReader(path)
    assert len(reader.pages) > 1
    text = "\n".join(pdf_page.extract_text() for pdf_page in reader.pages[:3])
    assert "Laporan Kerja Sama Daerah" in text
    assert "DATA CONTOH SINTETIS" in reader.pages[0].extract_text()  # demo data says so on every page
    assert "DATA CONTOH SINTETIS" in reader.pages[-1].extract_text()
