"""Helpers of the browser tests: what the server's API says, numbers and dates as the pages write them."""

import datetime as dt
import re

from django.conf import settings

# Month names of the Indonesian and English pages (Django's date formats in each language).
MONTHS = {
    "id": [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
PLAYWRIGHT_MISSING = "browser tests need the playwright package: pip install -e '.[test]'"


def reference_day() -> dt.date:
    """The day the synthetic demo register describes (its "today")."""
    return dt.date.fromisoformat(settings.KERJASAMA["DEMO_REFERENCE_DATE"])


def long_date(day: dt.date, language: str) -> str:
    """``14 Oktober 2025``: a date as the detail page writes it."""
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def first_number(text: str) -> int:
    """The first whole number in ``text``, thousands separators (``.``, ``,``, spaces) allowed."""
    match = re.search(r"\d[\d.,\u00a0\u202f ]*", text)
    assert match, f"no number in {text!r}"
    return int(re.sub(r"\D", "", match.group()))


def api_get(page, server, path: str) -> dict:
    """GET an API address as the page's visitor (same cookies) and return the JSON."""
    response = page.request.get(server.absolute(path))
    assert response.ok, f"{path}: HTTP {response.status}"
    return response.json()


def api_all(page, server, path: str) -> list[dict]:
    """Every result of a paginated API list, following ``next``."""
    data = api_get(page, server, path)
    results = list(data["results"])
    while data["next"]:
        response = page.request.get(data["next"])
        assert response.ok, f"{data['next']}: HTTP {response.status}"
        data = response.json()
        results.extend(data["results"])
    return results


def listed_ids(page) -> list[int]:
    """Ids of the agreements the list page shows, from their detail links."""
    hrefs = page.locator("#results tbody tr a[href^='/kerja-sama/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    ids = [int(m.group(1)) for href in hrefs if (m := re.fullmatch(r"/kerja-sama/(\d+)/", href))]
    return list(dict.fromkeys(ids))  # a row may link its agreement twice
