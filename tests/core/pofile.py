"""A small reader of gettext .po files, enough for checking the project's catalogue.

The catalogue tests need msgctxt, msgid, msgid_plural, msgstr[n] and the flags; polib would do, but
a dependency for forty lines of parsing is not worth it.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import kerjasama

# The project's Indonesian catalogue.
PO_FILE = Path(kerjasama.__file__).resolve().parent / "locale" / "id" / "LC_MESSAGES" / "django.po"
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')
# Python's %-placeholders (%(name)s, %(seconds).1f, %s; %% is a literal percent sign) and str.format fields.
PERCENT = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
BRACE = re.compile(r"\{\w*\}")


@dataclass
class Entry:
    """One message of a .po file."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def catalog_items(self) -> dict:
        """The entry as ``gettext.GNUTranslations._catalog`` holds it after compiling."""
        msgid = self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"
        if self.msgid_plural is None:
            return {msgid: self.msgstr[0]}
        return {(msgid, index): text for index, text in self.msgstr.items()}

    def __str__(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgid} (context {self.msgctxt!r})"


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file in file order, the header first."""
    entries: list[Entry] = []
    entry = Entry()
    started = False  # a keyword line was read for ``entry``
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if started:  # comments open the next entry
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, text = match.groups()
            value = ast.literal_eval(text)
            started = True
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = value
            else:
                target = (keyword, None)
                setattr(entry, keyword, value)
        elif line.startswith('"') and target is not None:
            value = ast.literal_eval(line)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += value
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + value)
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def placeholders(entry: Entry, text: str) -> list[str]:
    """The placeholders of ``text`` in the format the entry is flagged with, sorted."""
    found: list[str] = []
    if "python-format" in entry.flags:
        found += [match for match in PERCENT.findall(text) if match != "%%"]
    if "python-brace-format" in entry.flags:
        found += BRACE.findall(text)
    return sorted(found)
