"""Full-text search through the agreement filters: the same answers on SQLite (FTS5) and PostgreSQL.

Every test here runs on whichever database the suite uses; run the suite on both to see them agree.
"""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from kerjasama.agreements.filtersets import AgreementFilterSet
from kerjasama.agreements.models import Agreement
from kerjasama.agreements.services import AgreementData
from kerjasama.core.querysets import VIEW
from tests.builders import agreement_data, make_agreement

pytestmark = pytest.mark.django_db

URL = "/api/agreements/"
POSTGRES = connection.vendor == "postgresql"


def found(q: str, user=None, **filters) -> set[int]:
    """Ids the list filter returns for ``q`` (admin's view unless ``user`` is given)."""
    from kerjasama.users.roles import actor_for

    queryset = Agreement.objects.restrict_actor(actor_for(user), VIEW) if user is not None else Agreement.objects
    filterset = AgreementFilterSet({"q": q, **filters}, queryset=queryset.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


def names(corpus: dict, ids: set[int]) -> set[str]:
    by_id = {agreement.pk: name for name, agreement in corpus.items()}
    return {by_id[pk] for pk in ids}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Protected words: government and command never find each other.
        ("pemerintah", {"gov"}),
        ("Pemerintah,", {"gov"}),
        ("perintah", {"command"}),
        ("memerintahkan", {"orders"}),
        # Region short names, both ways, whether the region is a party or only named in the text.
        ("Kukar", {"kukar_party", "kukar_text", "kutai_text", "samboja"}),
        ("Kutai Kartanegara", {"kukar_party", "kukar_text", "kutai_text", "samboja"}),
        ("kutai kartanegara", {"kukar_party", "kukar_text", "kutai_text", "samboja"}),
        ("Smd", {"smd_party", "smd_text"}),
        ("Samarinda", {"smd_party", "smd_text"}),
        ("Bpp", {"bpp_party"}),
        ("Balikpapan", {"bpp_party"}),
        # Partner aliases.
        ("Unmul", {"unmul_party", "unmul_text"}),
        ("Universitas Mulawarman", {"unmul_party", "unmul_text"}),
        # One-letter typos.
        ("Samarnda", {"smd_party", "smd_text"}),
        ("Balikapan", {"bpp_party"}),
        ("Kukr", {"kukar_party", "kukar_text", "kutai_text", "samboja"}),
        # Search as you type: the last word is also a beginning.
        ("Samb", {"samboja"}),
        ("pelab", {"bpp_party"}),
        # Every word must match; names and level words work together.
        ("sampah Kukar", {"kukar_party"}),
        ("Pemkab Kukar", {"kukar_party", "samboja"}),
        ("drainase Smd", {"smd_party"}),
        ("xyzzyq", set()),
    ],
)
def test_search_finds_exactly(corpus, q, expected):
    assert names(corpus, found(q)) == expected


def test_the_indonesian_stemmer_merges_government_and_command(corpus):
    """Why words are protected: PostgreSQL's own stemmer turns "pemerintah" into "perintah"."""
    if not POSTGRES:
        pytest.skip("PostgreSQL's stemmer")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_lexize('indonesian_stem', 'pemerintah'), ts_lexize('indonesian_stem', 'memerintahkan')"
        )
        assert cursor.fetchone() == (["perintah"], ["perintah"])
        # Unprotected, "memerintahkan" would therefore have found the "pemerintah" record.
        cursor.execute("SELECT to_tsvector('indonesian', 'pemerintah') @@ to_tsquery('indonesian', 'memerintahkan')")
        assert cursor.fetchone() == (True,)
    assert names(corpus, found("memerintahkan")) == {"orders"}


def test_stemming_finds_other_forms_on_postgresql_only(corpus):
    """ "dilaksanakan" and "pelaksanaan" share the stem "laksana"; SQLite's FTS5 has no Indonesian stemmer."""
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_tsvector('indonesian', 'pelaksanaan dilaksanakan')::text")
            assert cursor.fetchone()[0] == "'laksana':1,2"
        assert names(corpus, found("dilaksanakan")) == {"laksana"}
        assert names(corpus, found("dilaksanakan beasiswa")) == {"laksana"}
    else:
        assert found("dilaksanakan beasiswa") == set()
    assert names(corpus, found("pelaksanaan")) == {"laksana"}


def test_numbers_are_found_whole_partly_or_as_typed(admin_user):
    data = agreement_data(parties=("Pemprov Kaltim", "Kota Bontang"))
    data.parties[0].number = "180/023/KSD/2025"
    data.parties[1].number = "045/PKS-BTG/XI/2025"
    target = make_agreement_from(data, admin_user)
    other = make_agreement(parties=("Pemprov Kaltim", "Kota Bontang"))  # T-n/2025 numbers, also 2025
    for q in ("180/023/KSD/2025", "180/023/ksd/2025", "180/023", "023/KSD", "045/PKS-BTG/XI/2025", "PKS-BTG"):
        assert found(q) == {target.pk}, q
    assert found("2025") == {target.pk, other.pk}


def make_agreement_from(data: AgreementData, user) -> Agreement:
    from kerjasama.agreements.services import create_agreement

    return create_agreement(data, user=user).agreement


def test_results_are_ranked_unless_an_order_is_asked_for(admin_user):
    in_scope = make_agreement(parties=("Pemprov Kaltim", "Kota Bontang"), title="Kerja sama air", scope="irigasi")
    in_title = make_agreement(parties=("Pemprov Kaltim", "Kota Bontang"), title="Irigasi desa")
    api = APIClient()
    api.force_login(admin_user)
    rows = api.get(URL, {"q": "irigasi"}).json()["results"]
    assert [row["id"] for row in rows] == [in_title.pk, in_scope.pk]  # the title weighs more
    rows = api.get(URL, {"q": "irigasi", "ordering": "-title"}).json()["results"]
    assert [row["id"] for row in rows] == [in_scope.pk, in_title.pk]


def test_api_q_works_with_the_other_filters(corpus, admin_user):
    api = APIClient()
    api.force_login(admin_user)

    def listed(**params):
        response = api.get(URL, {"page_size": 500, **params})
        assert response.status_code == 200, response.content
        return names(corpus, {row["id"] for row in response.json()["results"]})

    assert listed(q="Kukar") == {"kukar_party", "kukar_text", "kutai_text", "samboja"}
    assert listed(q="Kukar", region="64.02") == {"kukar_party", "samboja"}  # Kukar as a party
    assert listed(q="Kukar", document_type="KB") == set()
    assert listed(q="Samb", region="64.02") == {"samboja"}


def test_search_never_shows_what_the_user_may_not_see(client, admin_user):
    secret = make_agreement(
        parties=("Pemprov Kaltim", "Kota Bontang"), title="Rahasia tambang batubara", is_public=False
    )
    public = make_agreement(parties=("Pemprov Kaltim", "Kota Bontang"), title="Tambang terbuka")
    api = APIClient()
    assert {row["id"] for row in api.get(URL, {"q": "tambang"}).json()["results"]} == {public.pk}
    assert api.get(URL, {"q": "rahasia"}).json()["results"] == []
    assert api.get(URL, {"q": "rahasa"}).json()["results"] == []  # nor through a typo
    page = client.get("/kerja-sama/", {"q": "rahasia batubara"}).content.decode()
    assert "Rahasia tambang" not in page
    api.force_login(admin_user)
    assert {row["id"] for row in api.get(URL, {"q": "tambang"}).json()["results"]} == {public.pk, secret.pk}


def test_list_page_searches_with_the_same_filter(client, corpus):
    page = client.get("/kerja-sama/", {"q": "Smd"}).content.decode()
    assert "Penataan drainase kota" in page and "Rapat koordinasi di Smd" in page
    assert "Pengembangan pelabuhan" not in page
