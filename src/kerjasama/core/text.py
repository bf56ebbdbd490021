"""Indonesian text toolkit: dates, yes/no, lists and name normalisation.

Import, forms, search and (later) document extraction all parse Indonesian input here, so one
set of tests covers every place a user types a date or a name.
"""

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
WEEKDAYS = r"(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)"
# Excel's day zero for the 1900 date system (it counts the fictitious 29 Feb 1900).
EXCEL_EPOCH = dt.date(1899, 12, 30)

_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORDS = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")


class ParseError(ValueError):
    """Input that cannot be read; the message is meant for the person who typed it."""


def parse_date(value) -> dt.date | None:
    """Read a date written the Indonesian way, or an Excel date cell; ``None`` for blank.

    Accepts ``2025-11-18``, ``18/11/2025``, ``18-11-2025``, ``18.11.2025``, ``18 November 2025``,
    ``18 Nov 2025``, ``Selasa, 18 Nopember 2025``, ``date``/``datetime`` objects and Excel serial
    day numbers. Two-digit years are refused: ``18/11/25`` could be 1925 or 2025.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # 9999-12-31
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ParseError(_("“%(value)s” is not a date.") % {"value": value})
    text = " ".join(str(value).strip().lower().split())
    if not text:
        return None
    text = re.sub(rf"^{WEEKDAYS},?\s+", "", text)
    try:
        if match := _ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if match := _NUMERIC.match(text):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if match := _WORDS.match(text):
            day, month_name, year = match.groups()
            month = MONTHS.get(month_name)
            if month is None:
                raise ParseError(_("Unknown month name “%(month)s”.") % {"month": month_name})
            return dt.date(int(year), month, int(day))
    except ValueError as exc:
        if isinstance(exc, ParseError):
            raise
        raise ParseError(_("“%(value)s” is not a valid calendar date.") % {"value": value}) from exc
    raise ParseError(
        _("Unrecognised date “%(value)s”: write it as 2025-11-18, 18/11/2025 or 18 November 2025.") % {"value": value}
    )


TRUE_WORDS = {"ya", "y", "iya", "yes", "true", "benar", "1", "publik", "v", "x"}
FALSE_WORDS = {"tidak", "t", "tdk", "no", "n", "false", "salah", "0", "bukan"}


def parse_bool(value, default: bool | None = None) -> bool | None:
    """Read ya/tidak (also yes/no, true/false, 1/0); blank gives ``default``."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = str(value).strip().lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ParseError(_("“%(value)s” is not ya or tidak.") % {"value": value})


def parse_amount(value) -> Decimal | None:
    """Read a rupiah amount: ``1.250.000.000,00``, ``Rp 1.250.000``, ``1250000`` or a number cell."""
    if value is None:
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value).strip().lower().replace("rp", "").replace(" ", "")
    if not text:
        return None
    if "," in text:  # Indonesian: dots group thousands, a comma marks decimals
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ParseError(_("“%(value)s” is not an amount of money.") % {"value": value}) from exc
    if amount < 0:
        raise ParseError(_("An amount cannot be negative."))
    return amount


def split_list(value, separator: str = ";") -> list[str]:
    """Split a cell such as ``Kaltim; Unmul`` into trimmed, non-empty parts."""
    if value is None:
        return []
    return [part.strip() for part in str(value).split(separator) if part.strip()]


_NON_WORD = re.compile(r"[^\w]+")


@functools.lru_cache(maxsize=4096)  # an import folds the same few hundred names tens of thousands of times
def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces, for matching names."""
    text = str(text)
    if not text.isascii():  # ASCII has nothing to decompose; imports fold tens of thousands of cells
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.lower().replace("’", "'").replace("'", "")
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())
