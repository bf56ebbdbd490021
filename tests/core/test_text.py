import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kerjasama.core.text import ParseError, fold, parse_amount, parse_bool, parse_date, split_list

DAY = dt.date(2025, 11, 18)


@pytest.mark.parametrize(
    "text",
    [
        "2025-11-18",
        "18/11/2025",
        "18-11-2025",
        "18.11.2025",
        "18 November 2025",
        "18 Nov 2025",
        "18 nopember 2025",
        "18 NOP 2025",
        "Selasa, 18 November 2025",
        "  18   November   2025 ",
        "2025-11-18 00:00:00",
    ],
)
def test_indonesian_dates(text):
    assert parse_date(text) == DAY


def test_month_names_cover_every_month_in_indonesian():
    names = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember"]  # fmt: skip
    assert [parse_date(f"1 {name} 2024").month for name in names] == list(range(1, 13))
    assert parse_date("5 Agt 2024") == dt.date(2024, 8, 5)
    assert parse_date("5 Des 2024") == dt.date(2024, 12, 5)


def test_excel_cells():
    assert parse_date(45979) == DAY  # Excel serial day of 2025-11-18
    assert parse_date(dt.datetime(2025, 11, 18, 9, 30)) == DAY
    assert parse_date(None) is None
    assert parse_date("") is None


@pytest.mark.parametrize("text", ["18/11/25", "31/02/2025", "18 Brumaire 2025", "besok", "2025-13-01"])
def test_bad_dates_are_refused_with_a_reason(text):
    with pytest.raises(ParseError) as caught:
        parse_date(text)
    assert text.split()[0] in str(caught.value) or "Brumaire".lower() in str(caught.value).lower()


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2999, 12, 31)))
def test_every_written_form_reads_back(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.strftime("%d-%m-%Y")) == day


def test_yes_no():
    assert parse_bool("ya") is True
    assert parse_bool("Tidak") is False
    assert parse_bool("", default=True) is True
    with pytest.raises(ParseError):
        parse_bool("mungkin")


def test_amounts_in_indonesian_notation():
    assert parse_amount("1.250.000.000,00") == Decimal("1250000000.00")
    assert parse_amount("Rp 28.000.000") == Decimal("28000000")
    assert parse_amount(1500000.0) == Decimal("1500000.0")
    assert parse_amount("") is None
    with pytest.raises(ParseError):
        parse_amount("banyak")


def test_lists_and_folding():
    assert split_list(" Kaltim ; Unmul;; ") == ["Kaltim", "Unmul"]
    assert fold("  Kab.  Kutai-Kartanegara ") == "kab kutai kartanegara"
    assert fold("Pasi Kuala Ba’u") == fold("Pasi Kuala Ba'u")
