"""Turning what people write ("Pemkab Kukar", "Unmul", "64.72", "Kec. Samboja") into records.

Officials write parties and areas many ways. The party resolver loads the names once and answers
from memory; the area resolver looks each distinct name up once (by its indexed folded form) and
remembers it. Either way an import of 10,000 rows does not query per cell.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from kerjasama.core.text import fold
from kerjasama.regions.choices import AREA_LEVELS, RegionLevel
from kerjasama.regions.loaders import region_aliases
from kerjasama.regions.models import Pihak, Region

# Prefixes that name the level of government; longest first so "pemerintah kabupaten" wins.
LEVEL_PREFIXES: list[tuple[str, str]] = sorted(
    [
        ("pemerintah provinsi", RegionLevel.PROVINSI),
        ("provinsi", RegionLevel.PROVINSI),
        ("pemprov", RegionLevel.PROVINSI),
        ("prov", RegionLevel.PROVINSI),
        ("pemerintah kabupaten", RegionLevel.KABUPATEN),
        ("kabupaten", RegionLevel.KABUPATEN),
        ("pemkab", RegionLevel.KABUPATEN),
        ("kab", RegionLevel.KABUPATEN),
        ("pemerintah kota", RegionLevel.KOTA),
        ("pemkot", RegionLevel.KOTA),
        ("kota", RegionLevel.KOTA),
    ],
    key=lambda item: -len(item[0]),
)
AREA_PREFIXES: list[tuple[str, tuple[str, ...]]] = [
    ("kecamatan", (RegionLevel.KECAMATAN,)),
    ("kec", (RegionLevel.KECAMATAN,)),
    ("kelurahan", (RegionLevel.KELURAHAN,)),
    ("kel", (RegionLevel.KELURAHAN,)),
    ("desa", (RegionLevel.DESA,)),
]
CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
COMPACT_CODE_PATTERN = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$")


class ResolveError(ValueError):
    """A name that matches nothing, or more than one thing; the message says which."""


def normalise_code(text: str) -> str | None:
    """``64.02``, ``6402`` and ``64.02.13.1008`` style codes in dotted form; ``None`` if not a code."""
    text = text.strip()
    if CODE_PATTERN.match(text):
        return text
    if COMPACT_CODE_PATTERN.match(text):
        parts = [text[:2], text[2:4], text[4:6], text[6:]]
        return ".".join(part for part in parts if part)
    return None


def _strip_prefix(folded: str, prefixes) -> tuple[str, object]:
    for prefix, level in prefixes:
        if folded == prefix:
            continue
        if folded.startswith(prefix + " "):
            return folded[len(prefix) + 1 :], level
    return folded, None


@dataclass(frozen=True)
class _Entry:
    pihak_id: int
    level: str | None  # region level, or None for a partner


class PihakResolver:
    """Resolves party names, codes, short names and aliases to :class:`Pihak` ids."""

    def __init__(self) -> None:
        self.index: dict[str, set[_Entry]] = defaultdict(set)
        self.by_code: dict[str, int] = {}
        self.names: dict[int, str] = {}
        rows = Pihak.objects.values_list(
            "pk", "name", "region_id", "region__level", "partner__short_name", "partner__aliases"
        )
        for pk, name, region_code, level, short_name, aliases in rows:
            self.names[pk] = name
            if region_code:
                self.by_code[region_code] = pk
                entry = _Entry(pk, level)
                self.index[fold(name)].add(entry)
                bare, _level = _strip_prefix(fold(name), LEVEL_PREFIXES)
                self.index[bare].add(entry)
            else:
                entry = _Entry(pk, None)
                for text in [name, short_name, *(aliases or [])]:
                    if text:
                        self.index[fold(text)].add(entry)
        levels = {pk: level for pk, _n, _c, level, _s, _a in rows}
        for code, alias in region_aliases():
            pk = self.by_code.get(code)
            if pk is not None:
                self.index[fold(alias)].add(_Entry(pk, levels[pk]))

    def resolve(self, text: str) -> int:
        """The party id for ``text``; raises :class:`ResolveError` naming the problem."""
        raw = str(text).strip()
        if not raw:
            raise ResolveError(_("Empty party name."))
        code = normalise_code(raw)
        if code is not None:
            if code in self.by_code:
                return self.by_code[code]
            raise ResolveError(_("No province or kabupaten/kota has the code %(code)s.") % {"code": code})
        folded = fold(raw)
        candidates = self.index.get(folded, set())
        if not candidates:
            rest, level = _strip_prefix(folded, LEVEL_PREFIXES)
            if level is not None:
                candidates = {entry for entry in self.index.get(rest, set()) if entry.level == level}
        if len(candidates) == 1:
            return next(iter(candidates)).pihak_id
        if len(candidates) > 1:
            names = sorted(self.names[entry.pihak_id] for entry in candidates)
            raise ResolveError(
                _("“%(text)s” is ambiguous: %(names)s. Write the full name or the code.")
                % {"text": raw, "names": ", ".join(names)}
            )
        suggestions = difflib.get_close_matches(folded, self.index.keys(), n=3, cutoff=0.8)
        hint = ""
        if suggestions:
            names = sorted({self.names[e.pihak_id] for key in suggestions for e in self.index[key]})
            hint = " " + _("Did you mean: %(names)s?") % {"names": ", ".join(names)}
        raise ResolveError(_("Unknown party “%(text)s”.") % {"text": raw} + hint)


class AreaResolver:
    """Resolves kecamatan and desa/kelurahan names or codes, preferring those inside given regions.

    Indonesia has about 91,000 of them, so names are looked up as they come (by ``Region.name_key``,
    one indexed query per distinct name) and remembered, rather than loaded all at once.
    """

    def __init__(self, within: tuple[str, ...] = ()) -> None:
        self.within = within
        self._by_key: dict[str, list[tuple[str, str]]] = {}
        self._known_codes: dict[str, bool] = {}

    def _areas(self):
        queryset = Region.objects.filter(level__in=AREA_LEVELS)
        if self.within:
            condition = Q()
            for code in self.within:
                condition |= Q(code__startswith=f"{code}.")
            queryset = queryset.filter(condition)
        return queryset

    def named(self, key: str) -> list[tuple[str, str]]:
        """(code, level) of the areas whose folded name is ``key``, by code."""
        if key not in self._by_key:
            self._by_key[key] = list(self._areas().filter(name_key=key).order_by("code").values_list("code", "level"))
        return self._by_key[key]

    def has_code(self, code: str) -> bool:
        """Whether ``code`` is a kecamatan or desa/kelurahan (inside ``within``)."""
        if code not in self._known_codes:
            self._known_codes[code] = self._areas().filter(code=code).exists()
        return self._known_codes[code]

    def resolve(self, text: str, prefer: tuple[str, ...] = ()) -> str:
        """The region code for a kecamatan or desa; ``prefer`` lists kabupaten/kota codes to look in first."""
        raw = str(text).strip()
        code = normalise_code(raw)
        if code is not None:
            if self.has_code(code):
                return code
            raise ResolveError(_("No kecamatan or desa/kelurahan has the code %(code)s.") % {"code": code})
        folded, levels = _strip_prefix(fold(raw), AREA_PREFIXES)
        matches = self.named(folded)
        if levels:
            matches = [match for match in matches if match[1] in levels]
        elif any(level == RegionLevel.KECAMATAN for _c, level in matches):
            # A kecamatan and a desa often share a name (Anggana); the kecamatan is meant unless
            # the text says "Desa".
            matches = [match for match in matches if match[1] == RegionLevel.KECAMATAN]
        if prefer and len(matches) > 1:
            preferred = [m for m in matches if any(m[0].startswith(f"{p}.") for p in prefer)]
            matches = preferred or matches
        if len(matches) == 1:
            return matches[0][0]
        if not matches:
            raise ResolveError(_("Unknown kecamatan or desa/kelurahan “%(text)s”.") % {"text": raw})
        raise ResolveError(
            _("“%(text)s” is ambiguous: %(codes)s. Write the code.")
            % {"text": raw, "codes": ", ".join(sorted(code for code, _l in matches))}
        )
