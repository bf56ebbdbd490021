"""Portal figures: headline, dashboard, network and region summaries, computed from the register."""

import datetime as dt

import pytest
from django.utils import translation

from kerjasama.agreements.models import Agreement
from kerjasama.portal import services
from tests.builders import make_agreement, pihak

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 11, 18)


def signed(year: int, month: int = 3, **fields):
    day = dt.date(year, month, 1)
    return make_agreement(signed_on=day, start_on=day, end_on=day.replace(year=year + 5), **fields)


def test_headline_compares_the_year_to_date_with_the_mean_of_the_five_years_before():
    for year, count in ((2020, 2), (2021, 1), (2022, 1), (2023, 2), (2024, 4)):
        for _ in range(count):
            signed(year)
    for month in (1, 5, 9, 10, 11):
        signed(2025, month)
    signed(2025, 12)  # after the day: not counted yet
    headline = services.headline(DAY)
    assert headline.count == 5
    assert [row["count"] for row in headline.previous] == [2, 1, 1, 2, 4]
    assert headline.mean == pytest.approx(2.0)
    assert headline.ratio == pytest.approx(2.5)
    assert "more than twice the mean" in headline.sentence
    assert "18 November 2025" in headline.sentence
    assert "2020–2024" in headline.sentence


def test_headline_mean_starts_at_the_first_recorded_year():
    signed(2023)
    signed(2024)
    signed(2024)
    signed(2025)
    headline = services.headline(DAY)
    # 2020-2022 precede the register's first record: the mean is over 2023 and 2024 only.
    assert headline.mean == pytest.approx(1.5)
    assert "2023–2024" in headline.sentence


def test_headline_without_history_states_the_count_only():
    signed(2025)
    headline = services.headline(DAY)
    assert headline.ratio is None
    assert headline.sentence.startswith("1 agreement signed up to 18 November 2025")


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (2.0, "more than twice the mean"),
        (3.4, "more than three times the mean"),
        (1.5, "50% above the mean"),
        (1.0, "about the mean"),
        (0.6, "40% below the mean"),
    ],
)
def test_compare_with_mean(ratio, words):
    assert services.compare_with_mean(ratio) == words


def test_headline_speaks_indonesian():
    for year in (2020, 2021, 2022, 2023, 2024):
        signed(year)
    signed(2025)
    signed(2025, 6)
    signed(2025, 7)
    with translation.override("id"):
        sentence = services.headline(DAY).sentence
    assert sentence.startswith("3 kerja sama ditandatangani hingga 18 November 2025")
    assert "lebih dari tiga kali rata-rata" in sentence


def test_dashboard_counts_per_region_and_implementation_agree_with_the_register():
    signed(2024, parties=("Pemprov Kaltim", "Kukar"))
    signed(2025, parties=("Kukar", "Kota Samarinda"))
    signed(2025, parties=("Kota Samarinda", "Unmul"))
    data = services.dashboard(DAY)
    regions = {row["key"]: row["signed"] for row in data["by_region"]}
    kukar = Agreement.objects.involving_region("64.02").filter(signed_on__lte=DAY).count()
    assert regions["64.02"] == kukar == 2
    assert regions["64.72"] == 2
    assert regions["64"] == 1
    years = {row["year"]: row["signed"] for row in data["implementation"]}
    assert years == {2024: 1, 2025: 2}
    assert data["totals"]["signed"] == 3
    partner_types = {row["key"]: row["count"] for row in data["by_partner_type"]}
    assert partner_types["perguruan_tinggi"] == 1
    assert partner_types["antar_daerah"] == 2


def test_network_links_every_two_parties_of_an_agreement():
    signed(2024, parties=("Pemprov Kaltim", "Kukar", "Kota Samarinda"))
    signed(2025, parties=("Kukar", "Kota Samarinda"))
    signed(2025, parties=("Kota Balikpapan", "Unmul"))
    data = services.network(DAY)
    links = {(link["source"], link["target"]): link["agreements"] for link in data["links"]}
    kukar, samarinda, kaltim = pihak("Kukar"), pihak("Kota Samarinda"), pihak("Pemprov Kaltim")
    assert links[(min(kukar, samarinda), max(kukar, samarinda))] == 2
    assert links[(min(kaltim, kukar), max(kaltim, kukar))] == 1
    assert len(links) == 4
    nodes = {node["id"]: node for node in data["nodes"]}
    assert nodes[kukar]["counterparts"] == 2 and nodes[kukar]["agreements"] == 2
    unmul = nodes[pihak("Unmul")]
    assert unmul["kind"] == "partner" and unmul["lat"] is not None  # placed near its seat, Samarinda

    ranking = services.connectedness(data)
    assert len(ranking) == 11  # the province and its ten kabupaten/kota, connected or not
    assert ranking[0]["code"] in ("64.02", "64.72")
    assert ranking[-1]["counterparts"] == 0


def test_region_summary_lists_partners_flags_and_gaps():
    signed(2024, parties=("Kukar", "Kota Samarinda"))
    signed(2025, parties=("Kukar", "Unmul"))
    signed(2025, parties=("Kota Balikpapan", "Unmul"))
    summary = services.region_summary("64.02", DAY)
    assert summary["agreements"] == 2
    assert {row["name"] for row in summary["partners"]} == {"Kota Samarinda", "Universitas Mulawarman"}
    assert {row["service"] for row in summary["gaps"]} >= {"adminduk", "rumah_sakit"}
    assert summary["flagged"] <= summary["agreements"]
