"""docs/open-data.md documents every dataset and column the files contain."""

from pathlib import Path

from kerjasama.opendata.datasets import DATASETS

DOC = Path(__file__).resolve().parents[2] / "docs" / "open-data.md"


def test_every_dataset_and_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for slug, dataset in DATASETS.items():
        assert f"(`{slug}`)" in text, slug
        section = text.split(f"(`{slug}`)", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        documented = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
        assert documented == dataset.column_names, slug
