"""The Indonesian catalogue (src/kerjasama/locale/id) is complete, compiled and in step with the sources.

A developer who adds or rewords a string gets a failing test naming the string and the command that
fixes it (README, "Translations").
"""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.core.pofile import PO_FILE, placeholders, read_po

PACKAGE = Path(settings.PACKAGE_DIR)
PO = PO_FILE
MO = PO_FILE.with_suffix(".mo")
FIX = (
    "run `make messages` (or, in src/kerjasama: ../../.venv/bin/kerjasama makemessages -l id --no-obsolete "
    "--ignore 'static/*'), translate the new entries of src/kerjasama/locale/id/LC_MESSAGES/django.po, "
    "then ../../.venv/bin/kerjasama compilemessages"
)
# Files makemessages reads for the "django" domain; everything else in the package is left out of the copy.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}


def listing(entries) -> str:
    return "\n".join(f"  - {entry}" for entry in entries)


@pytest.fixture(scope="module")
def entries():
    return read_po(PO)


def test_header_declares_indonesian_with_one_plural_form(entries):
    header = entries[0]
    assert header.is_header and "fuzzy" not in header.flags
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "id"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in fields["Content-Type"]


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    messages = [entry for entry in entries if not entry.is_header]
    untranslated = [entry for entry in messages if not entry.translated]
    fuzzy = [entry for entry in messages if "fuzzy" in entry.flags]
    obsolete = [entry for entry in messages if entry.obsolete]
    assert not untranslated, f"{len(untranslated)} untranslated messages:\n{listing(untranslated)}\nFix: {FIX}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy messages (check and remove the flag):\n{listing(fuzzy)}"
    assert not obsolete, f"obsolete (#~) messages are left: {FIX}"


def test_plural_entries_have_the_one_indonesian_form(entries):
    wrong = [entry for entry in entries if entry.msgid_plural is not None and sorted(entry.msgstr) != [0]]
    assert not wrong, f"plural entries need exactly msgstr[0]:\n{listing(wrong)}"


def test_translations_keep_the_placeholders(entries):
    wrong = []
    for entry in entries[1:]:
        if not entry.translated:
            continue  # reported by test_every_entry_is_translated_and_none_is_fuzzy
        if entry.msgid_plural is None:
            expected = placeholders(entry, entry.msgid)
            if placeholders(entry, entry.msgstr[0]) != expected:
                wrong.append(entry)
        else:
            # One Indonesian form stands for both English ones, so it carries the plural's placeholders.
            expected = set(placeholders(entry, entry.msgid)) | set(placeholders(entry, entry.msgid_plural))
            if any(set(placeholders(entry, text)) != expected for text in entry.msgstr.values()):
                wrong.append(entry)
    assert not wrong, f"translations that drop, add or change a placeholder:\n{listing(wrong)}"


def _without_creation_date(catalog: dict) -> dict:
    """msgfmt leaves the POT-Creation-Date out of the compiled header (it changes on every makemessages run)."""
    header = "".join(
        line for line in catalog.get("", "").splitlines(keepends=True) if not line.startswith("POT-Creation-Date:")
    )
    return {**catalog, "": header}


def test_committed_mo_matches_the_po(entries):
    with MO.open("rb") as stream:
        compiled = _without_creation_date(gettext.GNUTranslations(stream)._catalog)
    expected = {}
    for entry in entries:
        if entry.translated and "fuzzy" not in entry.flags and not entry.obsolete:
            expected.update(entry.catalog_items())
    expected = _without_creation_date(expected)
    stale = sorted(str(key) for key in expected.keys() ^ compiled.keys())
    changed = sorted(str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
    problems = [key or "(the header)" for key in stale + changed]
    assert not problems, (
        "src/kerjasama/locale/id/LC_MESSAGES/django.mo is not compiled from the current django.po; run "
        "`../../.venv/bin/kerjasama compilemessages` in src/kerjasama and commit django.mo. Differences:\n"
        + "\n".join(f"  - {key}" for key in problems[:30])
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_po_and_compiles_the_committed_mo(tmp_path):
    """msgfmt's own checks (format strings, header, plural forms), and the same result as the committed file."""
    compiled = tmp_path / "django.mo"
    msgfmt = shutil.which("msgfmt")
    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [msgfmt, "--check", "-o", str(compiled), str(PO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    with compiled.open("rb") as fresh, MO.open("rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog


def _copy_sources(source: Path, target: Path) -> None:
    """Copy the files makemessages reads, so it can run without touching the real catalogue."""
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if relative.parts[0] in {"locale", "static"} or "__pycache__" in relative.parts:
            continue
        if path.is_file() and path.suffix in SOURCE_SUFFIXES:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msguniq") is None,
    reason="GNU gettext (xgettext, msguniq) is not installed, so the sources cannot be scanned for strings",
)
def test_every_string_in_the_sources_is_in_the_catalogue(entries, tmp_path, monkeypatch, settings):
    """makemessages run on a copy of the sources finds no msgid that the committed catalogue lacks."""
    copy = tmp_path / "kerjasama"
    _copy_sources(PACKAGE, copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["id"], no_obsolete=True, ignore_patterns=["static/*"], verbosity=0)
    extracted = read_po(copy / "locale" / "id" / "LC_MESSAGES" / "django.po")

    known = {entry.key for entry in entries}
    missing = [entry for entry in extracted[1:] if entry.key not in known]
    assert not missing, (
        f"{len(missing)} strings of the sources are not in the Indonesian catalogue:\n{listing(missing)}\nFix: {FIX}"
    )
    plural = {entry.key: entry.msgid_plural for entry in entries}
    changed = [entry for entry in extracted[1:] if plural.get(entry.key) != entry.msgid_plural]
    assert not changed, f"plural forms changed in the sources:\n{listing(changed)}\nFix: {FIX}"
