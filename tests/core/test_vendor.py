import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "vendor.py"


def test_vendored_front_end_files_match_their_checksums():
    spec = importlib.util.spec_from_file_location("vendor_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.verify() == []
    assert (module.VENDOR / "chart.js-4.6.1" / "LICENSE.md").read_text().startswith("The MIT License")


def test_collectstatic_with_the_production_storage_succeeds(tmp_path, settings):
    """`kerjasama setup` runs collectstatic with hashed names; a missing referenced file (a source map) breaks it."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        },  # no compression: fast
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_setup_collects_static_files_only_when_they_changed(tmp_path, settings, monkeypatch):
    from kerjasama.core import staticfiles

    settings.STATIC_ROOT = tmp_path
    runs = []
    monkeypatch.setattr(staticfiles, "call_command", lambda *args, **kwargs: runs.append(args))
    assert staticfiles.collect_if_changed() is True
    assert staticfiles.collect_if_changed() is False
    monkeypatch.setattr(staticfiles, "sources_fingerprint", lambda: "something else")
    assert staticfiles.collect_if_changed() is True
    assert len(runs) == 2
