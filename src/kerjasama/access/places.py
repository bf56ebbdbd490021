"""Finding the resident's kecamatan or desa/kelurahan by name, for the "Layanan terdekat" page.

The page lets people type a place: suggestions as they type (:meth:`PlaceIndex.search`, a JSON
endpoint) and, without JavaScript, a plain form whose text is resolved here (:func:`resolve_place`)
with :class:`~kerjasama.regions.resolver.AreaResolver`; when several places match, the page lists
them to choose from. Only Kalimantan Timur is searched: it is the province whose boundaries are
bundled and whose agreements the register holds.

The index is built from the process's :class:`~kerjasama.access.geo.RegionIndex` (about 1,150 Kaltim
kecamatan and desa) and rebuilt when that is.
"""

import threading
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kerjasama.access.geo import RegionIndex, region_index
from kerjasama.core.text import fold
from kerjasama.regions.choices import AREA_LEVELS, RegionLevel
from kerjasama.regions.resolver import AREA_PREFIXES, AreaResolver, ResolveError, normalise_code

PROVINCE = "64"
# Kecamatan first in a list of matches: a resident who types "Anggana" more often means the kecamatan.
LEVEL_ORDER = {RegionLevel.KECAMATAN: 0, RegionLevel.KELURAHAN: 1, RegionLevel.DESA: 2}
SEPARATOR = " — "
# Labels use the Indonesian level words in every UI language: they are the places' official names, and a
# label typed back (or sent by a suggestion) must resolve whatever the language of the page was.
LEVEL_WORDS = {RegionLevel.KECAMATAN: "Kecamatan", RegionLevel.KELURAHAN: "Kelurahan", RegionLevel.DESA: "Desa"}


@dataclass(frozen=True)
class Place:
    """A kecamatan or desa/kelurahan with the names that tell it apart from its namesakes."""

    code: str
    level: str
    name: str  # "Sungai Meriam"
    title: str  # with its level: "Desa Sungai Meriam"
    where: str  # "Kec. Anggana, Kab. Kutai Kartanegara" (a kecamatan: only its kabupaten/kota)
    words: tuple[str, ...] = field(repr=False, default=())  # folded words of name, kecamatan and kab/kota

    @property
    def label(self) -> str:
        """The label, e.g. "Desa Sungai Meriam — Kec. Anggana, Kab. Kutai Kartanegara": unique, and it resolves back."""
        return f"{self.title}{SEPARATOR}{self.where}"

    @property
    def is_kecamatan(self) -> bool:
        return self.level == RegionLevel.KECAMATAN

    def to_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "name": self.name, "label": self.label}


def short_kabkota(name: str) -> str:
    """The short form of a kabupaten/kota name ("Kab. Kutai Kartanegara"); a kota keeps its name."""
    return "Kab. " + name.removeprefix("Kabupaten ") if name.startswith("Kabupaten ") else name


class PlaceIndex:
    """Kaltim's kecamatan and desa/kelurahan, searchable by any part of their names."""

    def __init__(self, regions: RegionIndex, within: str = PROVINCE) -> None:
        self.regions = regions
        self.within = within
        places: list[Place] = []
        prefix = f"{within}."
        for code, level in regions.levels.items():
            if level not in AREA_LEVELS or not code.startswith(prefix):
                continue
            name = regions.names[code]
            kabkota = short_kabkota(regions.names.get(code[:5], code[:5]))
            if level == RegionLevel.KECAMATAN:
                where = kabkota
                context = (name, kabkota)
            else:
                kecamatan = regions.names.get(code[:8], code[:8])
                where = f"Kec. {kecamatan}, {kabkota}"
                context = (name, kecamatan, kabkota)
            words = tuple(fold(" ".join(context)).split())
            places.append(Place(code, level, name, f"{LEVEL_WORDS[level]} {name}", where, words))
        places.sort(key=lambda p: (LEVEL_ORDER[p.level], fold(p.name), p.code))
        self.places = places
        self.by_code = {place.code: place for place in places}
        self.by_name: dict[str, list[Place]] = {}
        self.by_label: dict[str, list[Place]] = {}
        for place in places:
            self.by_name.setdefault(fold(place.name), []).append(place)
            self.by_label.setdefault(fold(place.label), []).append(place)
        self._resolver: AreaResolver | None = None
        self._lock = threading.Lock()

    @property
    def resolver(self) -> AreaResolver:
        """The shared name resolver (the import uses the same rules), loaded on first use."""
        with self._lock:
            if self._resolver is None:
                self._resolver = AreaResolver(within=(self.within,))
            return self._resolver

    def search(self, text: str, limit: int = 10) -> list[Place]:
        """Places whose names (with their kecamatan and kab/kota) contain words starting with each typed word.

        Names that start with the text come first, then kecamatan before desa, then alphabetical order.
        """
        code = normalise_code(text.strip())
        if code is not None:
            return [place for place in self.places if place.code.startswith(code)][:limit]
        folded, levels = _strip_level(fold(text))
        tokens = folded.split()
        if not tokens:
            return []
        found = []
        for place in self.places:
            if levels and place.level not in levels:
                continue
            if all(any(word.startswith(token) for word in place.words) for token in tokens):
                name = fold(place.name)
                rank = 0 if name == folded else 1 if name.startswith(folded) else 2
                found.append((rank, LEVEL_ORDER[place.level], name, place.code, place))
        found.sort(key=lambda row: row[:4])
        return [row[-1] for row in found[:limit]]


@dataclass
class Resolution:
    """What a typed place resolved to: one place, or the places to choose from and why."""

    place: Place | None = None
    choices: list[Place] = field(default_factory=list)
    error: str = ""


def resolve_place(text: str, index: "PlaceIndex | None" = None) -> Resolution:
    """The place meant by ``text``: a suggestion's label, a code, or a name (:class:`AreaResolver`).

    Several places with that name give ``choices`` (an ambiguity list); no exact name gives the
    nearest matches by search, also as ``choices``, with an ``error`` saying so.
    """
    index = index or place_index()
    raw = " ".join(str(text).split())
    if not raw:
        return Resolution(error=_("Type the name of a desa/kelurahan or kecamatan."))
    labelled = index.by_label.get(fold(raw), [])
    if len(labelled) == 1:
        return Resolution(place=labelled[0])
    if len(labelled) > 1:
        return Resolution(choices=labelled, error=_("Several places match “%(text)s”: choose one.") % {"text": raw})
    name = raw.split(SEPARATOR)[0]
    try:
        code = index.resolver.resolve(name)
    except ResolveError:
        pass
    else:
        place = index.by_code.get(code)
        if place is not None:
            return Resolution(place=place)
    folded, levels = _strip_level(fold(name))
    same_name = [place for place in index.by_name.get(folded, []) if not levels or place.level in levels]
    if len(same_name) > 1:
        return Resolution(choices=same_name, error=_("Several places match “%(text)s”: choose one.") % {"text": raw})
    similar = index.search(name, limit=20)
    if similar:
        return Resolution(
            choices=similar,
            error=_("No kecamatan or desa/kelurahan in Kalimantan Timur is called exactly “%(text)s”: choose one.")
            % {"text": raw},
        )
    return Resolution(error=_("No kecamatan or desa/kelurahan in Kalimantan Timur matches “%(text)s”.") % {"text": raw})


def _strip_level(folded: str) -> tuple[str, tuple[str, ...]]:
    """A level word typed first narrows the search: "desa sidomulyo" → ("sidomulyo", (desa,))."""
    for prefix, levels in AREA_PREFIXES:
        if folded.startswith(prefix + " "):
            return folded[len(prefix) + 1 :], levels
    return folded, ()


_cache: dict[str, object] = {}
_cache_lock = threading.Lock()


def place_index() -> PlaceIndex:
    """The process's :class:`PlaceIndex`, rebuilt whenever the region index is."""
    regions = region_index()
    with _cache_lock:
        index: PlaceIndex | None = _cache.get("index")  # type: ignore[assignment]
        if index is None or index.regions is not regions:
            index = PlaceIndex(regions)
            _cache["index"] = index
        return index


def clear_place_index() -> None:
    """Forget the cached places (tests, and after loading regions in the same process)."""
    with _cache_lock:
        _cache.clear()
