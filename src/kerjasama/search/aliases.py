"""Names that mean the same party: "Kukar" and "Kutai Kartanegara", "Smd" and "Samarinda", "Unmul"...

The groups come from the reference data: the region short names of ``alias_wilayah.csv`` with the
region's own name, and each partner's name with its short name and aliases. A query naming one
member of a group searches for any of them, so "Kutai Kartanegara" also finds a record whose text
only says "Kukar".
"""

from collections import defaultdict
from dataclasses import dataclass, field

from kerjasama.core.text import fold
from kerjasama.regions.loaders import region_aliases
from kerjasama.regions.models import Partner, Region
from kerjasama.regions.resolver import LEVEL_PREFIXES
from kerjasama.search.index import TOKEN

# Spellings of the same words that are not names of anything.
SPELLINGS: tuple[tuple[str, ...], ...] = (("kerjasama", "kerja sama"),)


def phrase(text: str) -> str:
    """``text`` as the index spells it: folded words separated by single spaces."""
    return " ".join(TOKEN.findall(fold(text or "")))


def _bare(name: str) -> str:
    """A region's name without its level ("Kota Samarinda" -> "samarinda")."""
    folded = phrase(name)
    for prefix, _level in LEVEL_PREFIXES:
        if folded.startswith(prefix + " "):
            return folded[len(prefix) + 1 :]
    return folded


@dataclass
class AliasTable:
    """Folded phrase -> every phrase meaning the same (itself included)."""

    groups: dict[str, set[str]] = field(default_factory=dict)
    longest: int = 0  # words in the longest phrase

    def add_group(self, phrases) -> None:
        group = {item for item in phrases if item}
        if len(group) < 2:
            return
        for item in group:
            self.groups.setdefault(item, set()).update(group)
            self.longest = max(self.longest, len(item.split()))

    def get(self, text: str) -> set[str]:
        return self.groups.get(text, set())


def load_aliases() -> AliasTable:
    """The alias groups from the reference data (two small queries)."""
    table = AliasTable()
    by_code: dict[str, set[str]] = defaultdict(set)
    for code, alias in region_aliases():
        by_code[code].add(phrase(alias))
    for code, name in Region.objects.filter(code__in=list(by_code)).values_list("code", "name"):
        by_code[code].add(_bare(name))
    for phrases in by_code.values():
        table.add_group(phrases)
    for name, short_name, aliases in Partner.objects.values_list("name", "short_name", "aliases"):
        table.add_group([phrase(name), phrase(short_name), *(phrase(alias) for alias in aliases or [])])
    for phrases in SPELLINGS:
        table.add_group(phrases)
    return table
