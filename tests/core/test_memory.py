"""Pausing the garbage collector for bulk work (core.memory) and the import that relies on it."""

import gc

import pytest

from kerjasama.agreements import imports
from kerjasama.core.memory import collector_paused
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor
from tests.agreements.test_imports import xlsx


def test_the_collector_is_paused_inside_and_restored_after_even_on_error():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: still paused when the inner block ends
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.django_db
def test_the_import_parses_and_writes_with_the_collector_paused(monkeypatch):
    seen = []
    parse = imports.RowParser.parse

    def recording(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return parse(self, *args, **kwargs)

    monkeypatch.setattr(imports.RowParser, "parse", recording)
    header = ["nomor", "judul", "jenis_dokumen", "pihak", "urusan", "tanggal_ttd"]
    rows = [["KB-9/2025", "Uji", "KB", "Kukar; Kota Samarinda", "Adminduk", "2 Mei 2025"]]
    report = imports.import_agreements(xlsx(rows, header), "uji.xlsx", actor=Actor(role=Role.ADMIN))
    assert report.errors == [] and report.created == 1
    assert seen == [False] and gc.isenabled()
