"""The agreement register in a browser: filter, search, open an agreement, download the list."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from tests.browser.helpers import (
    PLAYWRIGHT_MISSING,
    api_all,
    api_get,
    first_number,
    listed_ids,
    long_date,
    reference_day,
)

expect = pytest.importorskip("playwright.sync_api", reason=PLAYWRIGHT_MISSING).expect

pytestmark = pytest.mark.browser

SEARCH_WORD = "Samboja"  # a kecamatan of Kutai Kartanegara served by Balikpapan in the demo


def expect_indonesian(page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("navigation").get_by_role("link", name="Kerja sama", exact=True)).to_be_visible()


def filters(page):
    return page.locator("form.filters[role=search]")


def test_list_filtered_by_signing_year_shows_only_that_year(page, server):
    year = reference_day().year
    page.goto("/kerja-sama/")
    expect_indonesian(page)
    everything = first_number(page.locator("#result-count").inner_text())

    filters(page).locator("input[name=year]").fill(str(year))
    filters(page).locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"[?&]year={year}\b"))
    expected = {row["id"] for row in api_all(page, server, f"/api/agreements/?year={year}&page_size=500")}
    expect(page.locator("#result-count")).to_contain_text(str(len(expected)))
    assert 0 < len(expected) < everything
    shown = listed_ids(page)
    assert shown, "the filtered list shows no agreement"
    assert set(shown) <= expected, f"rows not signed in {year}: {set(shown) - expected}"


def test_facet_link_narrows_the_list_to_its_count(page, server):
    page.goto("/kerja-sama/")
    everything = first_number(page.locator("#result-count").inner_text())
    facet = page.locator("aside a.facet-link[href*='category=']").first
    expect(facet).to_be_visible()
    count = first_number(facet.locator(".facet-count").inner_text())
    assert 0 < count < everything
    facet.click()

    expect(page).to_have_url(re.compile(r"[?&]category="))
    expect(page.locator("#result-count")).to_contain_text(str(count))
    query = page.url.split("?", 1)[1]
    matching = {row["id"] for row in api_all(page, server, f"/api/agreements/?{query}&page_size=500")}
    assert len(matching) == count  # the list page and the API share one filter
    assert set(listed_ids(page)) <= matching
    expect(page.locator("aside a.facet-link[aria-current=true][href*='category=']")).to_have_count(0)
    expect(page.locator("aside a.facet-link[aria-current=true]")).to_have_count(1)  # shown as active


def test_search_finds_the_agreements_that_mention_samboja(page, server):
    page.goto("/kerja-sama/")
    filters(page).locator("input[name=q]").fill(SEARCH_WORD)
    filters(page).locator("input[name=q]").press("Enter")

    expect(page).to_have_url(re.compile(rf"[?&]q={SEARCH_WORD}\b"))
    found = api_get(page, server, f"/api/agreements/?q={SEARCH_WORD}&page_size=500")
    assert found["count"] > 0, "the demo register should mention Samboja"
    expect(page.locator("#result-count")).to_contain_text(str(found["count"]))
    expect(page.locator("#results tbody tr")).to_have_count(min(found["count"], 50))
    assert set(listed_ids(page)) <= {row["id"] for row in found["results"]}
    expect(page.locator("#results tbody").get_by_role("link", name=re.compile(SEARCH_WORD)).first).to_be_visible()
    expect_indonesian(page)


def test_keyboard_reaches_the_search_box_and_enter_searches(page, server):
    page.goto("/kerja-sama/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')"), "first stop: the skip link"
    for _ in range(80):
        if page.evaluate("document.activeElement.name") == "q":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type(SEARCH_WORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"[?&]q={SEARCH_WORD}\b"))
    count = api_get(page, server, f"/api/agreements/?q={SEARCH_WORD}")["count"]
    expect(page.locator("#result-count")).to_contain_text(str(count))
    expect(page.locator("#results tbody").get_by_role("link", name=re.compile(SEARCH_WORD)).first).to_be_visible()


def test_open_an_agreement_from_the_list(page, server):
    page.goto(f"/kerja-sama/?q={SEARCH_WORD}")
    link = page.locator("#results tbody").get_by_role("link", name=re.compile(SEARCH_WORD)).first
    title = link.inner_text().strip()
    link.click()

    expect(page).to_have_url(re.compile(r"/kerja-sama/\d+/$"))
    pk = int(re.search(r"/kerja-sama/(\d+)/", page.url).group(1))
    agreement = api_get(page, server, f"/api/agreements/{pk}/")
    assert agreement["title"] == title
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect_indonesian(page)
    parties = page.locator("section[aria-labelledby=h-parties]")
    expect(parties).to_be_visible()
    for party in agreement["parties"]:
        expect(parties.get_by_role("rowheader", name=party["name"], exact=True)).to_be_visible()
    details = page.locator("dl.details").first
    for field in ("signed_on", "start_on", "end_on"):
        if agreement[field]:
            expect(details).to_contain_text(long_date(dt.date.fromisoformat(agreement[field]), "id"))
    for number in agreement["numbers"]:
        expect(page.locator(".record-numbers")).to_contain_text(number)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_download_the_filtered_list(page, server, tmp_path, fmt):
    year = reference_day().year
    page.goto(f"/kerja-sama/?year={year}")
    with page.expect_download() as started:
        page.locator("#results .export-links").get_by_role("link", name=fmt.upper(), exact=True).click()
    download = started.value
    assert download.suggested_filename.endswith(f".{fmt}")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True)["kerja_sama"]
        header, *rows = [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    else:
        header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    records = [dict(zip(header, row, strict=True)) for row in rows]
    expected = api_all(page, server, f"/api/agreements/?year={year}&page_size=500")
    assert sorted(record["judul"] for record in records) == sorted(row["title"] for row in expected)
    assert all(str(record["tanggal_ttd"]).startswith(str(year)) for record in records)
