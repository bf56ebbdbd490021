import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "vendor.py"


def test_vendored_front_end_files_match_their_checksums():
    spec = importlib.util.spec_from_file_location("vendor_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.verify() == []
    assert (module.VENDOR / "chart.js-4.6.1" / "LICENSE.md").read_text().startswith("The MIT License")
