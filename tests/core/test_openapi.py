"""The committed OpenAPI schema (docs/openapi.yaml) is the schema the code generates.

API changes then show up in review as a diff of docs/openapi.yaml, and clients can be generated from
the repository without running the server.
"""

import difflib
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.test import APIClient

from tests.builders import make_agreement, pihak

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = "run `kerjasama spectacular --file docs/openapi.yaml` and commit the result"


def generate(path: Path, *options: str) -> str:
    """Run the same command as the developer does, in the same (default) language."""
    GENERATOR_STATS.reset()  # warnings of schema requests in earlier tests must not count here
    with translation.override(settings.LANGUAGE_CODE):
        call_command("spectacular", "--file", str(path), *options)
    return path.read_text(encoding="utf-8")


def test_committed_schema_matches_the_code(tmp_path):
    assert COMMITTED.exists(), f"docs/openapi.yaml is missing: {REGENERATE}"
    generated = generate(tmp_path / "openapi.yaml")
    committed = COMMITTED.read_text(encoding="utf-8")
    if generated != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), generated.splitlines(), "docs/openapi.yaml", "generated", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"docs/openapi.yaml is out of date with the API code; {REGENERATE}.\n{shown}", pytrace=False)


def test_schema_is_valid_and_generates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (an untyped field, a clashing enum name) into a failure.
    generate(tmp_path / "openapi.yaml", "--validate", "--fail-on-warn")


@pytest.mark.django_db
def test_responses_have_the_fields_the_schema_promises(admin_user):
    """The schema is generated from serializers; this checks the views really answer with those serializers."""
    components = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))["components"]["schemas"]

    def fields(name: str) -> set[str]:
        return set(components[name]["properties"])

    client = APIClient()
    client.force_login(admin_user)
    agreement = make_agreement()
    base = f"/api/agreements/{agreement.pk}/"
    body = {
        "title": "PKS uji skema",
        "document_type": "PKS",
        "parties": [{"pihak": pihak("Kukar")}, {"pihak": pihak("Unmul")}],
        "urusan": ["1.01"],
    }
    created = client.post("/api/agreements/", body, format="json").json()
    assert set(created) == fields("AgreementSaved")
    assert set(created["parties"][0]) == fields("PartyRead")
    assert set(client.get(base).json()) == fields("Agreement")
    assert set(client.get("/api/agreements/").json()) == fields("PaginatedAgreementList")
    assert set(client.post(f"{base}transition/", {"to": "evaluasi"}, format="json").json()) == fields("Transition")
    assert set(client.get(f"{base}history/").json()["results"][0]) == fields("Change")
    assert client.delete(base).status_code == 204
    assert set(client.post(f"{base}restore/").json()) == fields("Agreement")
    assert set(client.get("/api/stats/agreements-by-year/").json()[0]) == fields("YearCount")
    assert set(client.get("/api/stats/agreements-by-urusan/").json()[0]) == fields("KeyCount")
    assert set(client.get("/api/partners/").json()["results"][0]) == fields("Partner")
    assert set(client.get("/api/regions/64.02/").json()) == fields("Region")
    assert set(client.get(f"/api/pihak/{pihak('Kukar')}/").json()) == fields("Pihak")
