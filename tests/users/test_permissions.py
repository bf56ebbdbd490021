"""The role walk: every role against every API endpoint and action, and against the querysets.

Fixture: four agreements, all signed and in implementation (``pelaksanaan``), registered by the admin:

    A  public,     parties Kukar (64.02) + Kota Samarinda
    B  not public, parties Kukar (64.02) + Pemprov Kaltim
    C  public,     parties Pemprov Kaltim + Kota Balikpapan (no Kukar)
    D  not public, parties Pemprov Kaltim + Universitas Mulawarman (Unmul)

Roles: anonymous; admin (province, Biro POD); regional operator of Kukar (64.02); regional operator of
Kota Bontang (64.74, a party to none of them); partner operator of Unmul; TKKSD; viewer (peninjau).

Rules the tables are derived from (``AgreementQuerySet.restrict_actor`` and ``lifecycle.TRANSITIONS``):

- admin: sees, changes, archives, restores and moves everything;
- operators: see public agreements plus every agreement (archived or not) where their own party is a
  party; change, archive, restore and move only those; register only agreements that list their party;
- TKKSD and viewer: see everything, including non-public and archived agreements; change nothing;
- TKKSD and stage moves (decision): the TKKSD monitors and evaluates all cooperation (domain.md 1.11),
  so ``restrict(user, "transition")`` gives it every agreement, and ``lifecycle.TRANSITIONS`` lets it
  make exactly pelaksanaan <-> evaluasi. Any other move by the TKKSD is a 400 keyed ``to`` ("your role
  may not make this change"), not a 403: the row is reachable for moves, that particular move is not;
- anonymous: sees public, non-archived agreements only; any write is 401;
- reference data (regions, pihak, urusan, service types, perangkat daerah) is read by everyone and
  has no write endpoints (405 for everyone); partners are written by the admin only (others 403);
- statistics count every non-archived agreement, public or not, for every reader (``agreements/stats.py``).

HTTP outcomes (``core/api/permissions.py``), the same on PUT, DELETE, /restore/ and /transition/:
a row the user may not see answers 404 (as if it did not exist); a row the user may see but not act on
answers 403; a write without a signed-in user answers 401. A registration that does not list the
operator's own party is a 400 keyed ``parties`` (the body is wrong, not the role).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from kerjasama.agreements import lifecycle, services
from kerjasama.agreements.api.serializers import AgreementWriteSerializer
from kerjasama.agreements.choices import Stage
from kerjasama.agreements.models import Agreement
from kerjasama.regions.models import Partner
from tests.builders import make_agreement, make_user, pihak

ROLES = {
    "anonymous": None,
    "admin": ("admin", None),
    "op_kukar": ("operator_wilayah", "64.02"),
    "op_bontang": ("operator_wilayah", "64.74"),
    "op_unmul": ("operator_mitra", "Unmul"),
    "tkksd": ("tkksd", None),
    "viewer": ("peninjau", None),
}

OBJECTS = {
    "A": {"parties": ("Kukar", "Kota Samarinda"), "is_public": True},
    "B": {"parties": ("Kukar", "Pemprov Kaltim"), "is_public": False},
    "C": {"parties": ("Pemprov Kaltim", "Kota Balikpapan"), "is_public": True},
    "D": {"parties": ("Pemprov Kaltim", "Unmul"), "is_public": False},
}

# Expected HTTP status per role for objects A, B, C, D.
# fmt: off
OBJECT_TABLE = {
    # GET /api/agreements/{id}/
    "retrieve": {
        "anonymous":  (200, 404, 200, 404),
        "admin":      (200, 200, 200, 200),
        "op_kukar":   (200, 200, 200, 404),
        "op_bontang": (200, 404, 200, 404),
        "op_unmul":   (200, 404, 200, 200),
        "tkksd":      (200, 200, 200, 200),
        "viewer":     (200, 200, 200, 200),
    },
    # GET /api/agreements/{id}/transitions/ (the timeline, as public as the agreement)
    "transitions": {
        "anonymous":  (200, 404, 200, 404),
        "admin":      (200, 200, 200, 200),
        "op_kukar":   (200, 200, 200, 404),
        "op_bontang": (200, 404, 200, 404),
        "op_unmul":   (200, 404, 200, 200),
        "tkksd":      (200, 200, 200, 200),
        "viewer":     (200, 200, 200, 200),
    },
    # GET /api/agreements/{id}/history/ (change log: signed-in users only)
    "history": {
        "anonymous":  (401, 401, 401, 401),
        "admin":      (200, 200, 200, 200),
        "op_kukar":   (200, 200, 200, 404),
        "op_bontang": (200, 404, 200, 404),
        "op_unmul":   (200, 404, 200, 200),
        "tkksd":      (200, 200, 200, 200),
        "viewer":     (200, 200, 200, 200),
    },
    # PUT /api/agreements/{id}/ with a new title
    "update": {
        "anonymous":  (401, 401, 401, 401),
        "admin":      (200, 200, 200, 200),
        "op_kukar":   (200, 200, 403, 404),
        "op_bontang": (403, 404, 403, 404),
        "op_unmul":   (403, 404, 403, 200),
        "tkksd":      (403, 403, 403, 403),
        "viewer":     (403, 403, 403, 403),
    },
    # DELETE /api/agreements/{id}/ (archives)
    "delete": {
        "anonymous":  (401, 401, 401, 401),
        "admin":      (204, 204, 204, 204),
        "op_kukar":   (204, 204, 403, 404),
        "op_bontang": (403, 404, 403, 404),
        "op_unmul":   (403, 404, 403, 204),
        "tkksd":      (403, 403, 403, 403),
        "viewer":     (403, 403, 403, 403),
    },
    # POST /api/agreements/{id}/restore/ on the archived agreement: archived rows are hidden from
    # operators unless their party is a party, so C answers 404 here where DELETE answered 403.
    "restore": {
        "anonymous":  (401, 401, 401, 401),
        "admin":      (200, 200, 200, 200),
        "op_kukar":   (200, 200, 404, 404),
        "op_bontang": (404, 404, 404, 404),
        "op_unmul":   (404, 404, 404, 200),
        "tkksd":      (403, 403, 403, 403),
        "viewer":     (403, 403, 403, 403),
    },
    # POST /api/agreements/{id}/transition/ {"to": "evaluasi"}: the move the TKKSD may make
    "transition_evaluasi": {
        "anonymous":  (401, 401, 401, 401),
        "admin":      (201, 201, 201, 201),
        "op_kukar":   (201, 201, 403, 404),
        "op_bontang": (403, 404, 403, 404),
        "op_unmul":   (403, 404, 403, 201),
        "tkksd":      (201, 201, 201, 201),
        "viewer":     (403, 403, 403, 403),
    },
    # POST /api/agreements/{id}/transition/ {"to": "selesai"}: a move the TKKSD may not make
    "transition_selesai": {
        "anonymous":  (401, 401, 401, 401),
        "admin":      (201, 201, 201, 201),
        "op_kukar":   (201, 201, 403, 404),
        "op_bontang": (403, 404, 403, 404),
        "op_unmul":   (403, 404, 403, 201),
        "tkksd":      (400, 400, 400, 400),
        "viewer":     (403, 403, 403, 403),
    },
}

# Which of A-D each role reaches through the querysets (the UI) and through the API lists.
QUERYSET_TABLE = {
    "view": {
        "anonymous": "AC", "admin": "ABCD", "op_kukar": "ABC", "op_bontang": "AC",
        "op_unmul": "ACD", "tkksd": "ABCD", "viewer": "ABCD",
    },
    "change": {
        "anonymous": "", "admin": "ABCD", "op_kukar": "AB", "op_bontang": "",
        "op_unmul": "D", "tkksd": "", "viewer": "",
    },
    "delete": {
        "anonymous": "", "admin": "ABCD", "op_kukar": "AB", "op_bontang": "",
        "op_unmul": "D", "tkksd": "", "viewer": "",
    },
    "transition": {
        "anonymous": "", "admin": "ABCD", "op_kukar": "AB", "op_bontang": "",
        "op_unmul": "D", "tkksd": "ABCD", "viewer": "",
    },
}

# Which of A-D each role still sees once all four are archived (restore looks rows up here).
ARCHIVED_VIEW_TABLE = {
    "anonymous": "", "admin": "ABCD", "op_kukar": "AB", "op_bontang": "",
    "op_unmul": "D", "tkksd": "ABCD", "viewer": "ABCD",
}

# Endpoints without an object of the fixture: expected HTTP status per role.
COLLECTION_TABLE = {
    # POST /api/agreements/ listing Kukar + Pemprov Kaltim
    "create_with_kukar": {
        "anonymous": 401, "admin": 201, "op_kukar": 201, "op_bontang": 400,
        "op_unmul": 400, "tkksd": 403, "viewer": 403,
    },
    # POST /api/agreements/ listing Unmul + Pemprov Kaltim
    "create_with_unmul": {
        "anonymous": 401, "admin": 201, "op_kukar": 400, "op_bontang": 400,
        "op_unmul": 201, "tkksd": 403, "viewer": 403,
    },
    # GET /api/stats/agreements-by-year/ and the other three
    "stats": dict.fromkeys(ROLES, 200),
    # POST /api/partners/
    "partner_create": {
        "anonymous": 401, "admin": 201, "op_kukar": 403, "op_bontang": 403,
        "op_unmul": 403, "tkksd": 403, "viewer": 403,
    },
    # PUT /api/partners/{unmul}/: reference data belongs to the province, even Unmul's own row
    "partner_update": {
        "anonymous": 401, "admin": 200, "op_kukar": 403, "op_bontang": 403,
        "op_unmul": 403, "tkksd": 403, "viewer": 403,
    },
    # DELETE /api/partners/{unmul}/: partners are never deleted through the API
    "partner_delete": dict.fromkeys(ROLES, 405),
    # GET lists and one row of regions, pihak, urusan, service types, perangkat daerah
    "reference_read": dict.fromkeys(ROLES, 200),
    # POST/PUT/DELETE on regions, pihak, urusan, service types, perangkat daerah
    "reference_write": dict.fromkeys(ROLES, 405),
}
# fmt: on


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Hundreds of cases each create a user; the default PBKDF2 rounds would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def builder(db):
    """The admin who registers the fixture (not one of the walking users)."""
    return make_user("builder-admin", "admin")


@pytest.fixture
def world(builder):
    """The four agreements A-D."""
    return {key: make_agreement(user=builder, title=f"Agreement {key}", **spec) for key, spec in OBJECTS.items()}


def user_for(role: str):
    if ROLES[role] is None:
        return AnonymousUser()
    kind, party = ROLES[role]
    return make_user(f"walker-{role}", kind, party)


def client_for(user) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        client.force_login(user)  # session authentication, as the browser and browsable API use
    return client


def put_body(agreement: Agreement, **changes) -> dict:
    """The body that PUTs ``agreement`` back unchanged, with ``changes`` applied."""
    return {**AgreementWriteSerializer(agreement).data, **changes}


def case_id(*parts) -> str:
    return "-".join(str(part) for part in parts)


OBJECT_CASES = [
    pytest.param(action, role, key, expected, id=case_id(action, role, key))
    for action, rows in OBJECT_TABLE.items()
    for role, codes in rows.items()
    for key, expected in zip(OBJECTS, codes, strict=True)
]


def send(client: APIClient, action: str, agreement_id: int, body: dict | None = None):
    """Make the request of ``action`` on agreement ``agreement_id``."""
    url = f"/api/agreements/{agreement_id}/"
    if action == "retrieve":
        return client.get(url)
    if action in ("transitions", "history"):
        return client.get(f"{url}{action}/")
    if action == "update":
        return client.put(url, body, format="json")
    if action == "delete":
        return client.delete(url)
    if action == "restore":
        return client.post(f"{url}restore/")
    return client.post(f"{url}transition/", {"to": action.removeprefix("transition_")}, format="json")


@pytest.mark.parametrize(("action", "role", "key", "expected"), OBJECT_CASES)
def test_object_action(action, role, key, expected, world, builder):
    agreement = world[key]
    client = client_for(user_for(role))
    if action == "restore":
        services.archive_agreement(agreement, user=builder)
    before = Agreement.objects.get(pk=agreement.pk)
    body = put_body(agreement, title="Judul diubah") if action == "update" else None

    response = send(client, action, agreement.pk, body)

    assert response.status_code == expected, response.content
    after = Agreement.objects.get(pk=agreement.pk)
    succeeded = expected in (200, 201, 204)
    # The effect happened exactly when the status says so; refused requests leave the row alone.
    if action == "retrieve" and succeeded:
        assert response.json()["id"] == agreement.pk and response.json()["title"] == f"Agreement {key}"
    elif action == "transitions" and succeeded:
        assert [row["to_stage"] for row in response.json()] == [Stage.PELAKSANAAN]
    elif action == "history" and succeeded:
        assert "create" in {row["action"] for row in response.json()["results"]}
    elif action == "update":
        assert after.title == ("Judul diubah" if succeeded else before.title)
    elif action == "delete":
        assert after.is_archived is succeeded
    elif action == "restore":
        assert after.is_archived is not succeeded
    elif action.startswith("transition_"):
        assert after.stage == (action.removeprefix("transition_") if succeeded else Stage.PELAKSANAAN)
        if expected == 400:
            assert list(response.json()) == ["to"]
    if expected == 404:
        # A forbidden row answers exactly like an id that does not exist: nothing about it leaks.
        missing = send(client, action, Agreement.objects.order_by("-pk").first().pk + 1000, body)
        assert (missing.status_code, missing.json()) == (404, response.json())


LIST_CASES = [pytest.param(role, id=role) for role in ROLES]


@pytest.mark.parametrize("role", LIST_CASES)
def test_list_shows_exactly_the_visible_agreements(role, world):
    expected = QUERYSET_TABLE["view"][role]
    client = client_for(user_for(role))
    names = {agreement.pk: key for key, agreement in world.items()}
    listed = client.get("/api/agreements/", {"page_size": 500}).json()
    assert "".join(sorted(names[row["id"]] for row in listed["results"] if row["id"] in names)) == expected
    log = client.get("/api/transitions/", {"page_size": 500}).json()
    assert "".join(sorted({names[row["agreement"]] for row in log["results"] if row["agreement"] in names})) == (
        expected
    )
    # An id the user may not see filters the log to nothing, exactly like an id that does not exist.
    for key, agreement in world.items():
        rows = client.get("/api/transitions/", {"agreement": agreement.pk}).json()["results"]
        assert bool(rows) is (key in expected)


QUERYSET_CASES = [
    pytest.param(action, role, id=case_id(action, role)) for action, rows in QUERYSET_TABLE.items() for role in rows
]


@pytest.mark.parametrize(("action", "role"), QUERYSET_CASES)
def test_queryset_restrict(action, role, world):
    """The same rules straight from ``Agreement.objects.restrict``, which the web UI uses."""
    user = user_for(role)
    names = {agreement.pk: key for key, agreement in world.items()}
    reached = Agreement.objects.restrict(user, action).filter(pk__in=names)
    assert "".join(sorted(names[pk] for pk in reached.values_list("pk", flat=True))) == QUERYSET_TABLE[action][role]


@pytest.mark.parametrize("role", [pytest.param(role, id=role) for role in ROLES])
def test_ui_offers_the_moves_the_api_accepts(role, world):
    """``lifecycle.available`` (the buttons on the agreement page) agrees with the transition table."""
    user = user_for(role)
    for key, agreement in world.items():
        offered = {rule.target for rule, _reasons in lifecycle.available(agreement, user)}
        evaluasi, selesai = (
            OBJECT_TABLE["transition_evaluasi"][role][list(OBJECTS).index(key)],
            OBJECT_TABLE["transition_selesai"][role][list(OBJECTS).index(key)],
        )
        assert (Stage.EVALUASI in offered) is (evaluasi == 201), key
        assert (Stage.SELESAI in offered) is (selesai == 201), key


def test_tables_agree():
    """The API table and the queryset table describe the same rules (so UI and API cannot drift apart).

    A success on an object action means the row is in the queryset for that action; 403 means it is
    visible but not in it; 404 means it is not visible at all.
    """
    needs = {
        "retrieve": "view",
        "transitions": "view",
        "update": "change",
        "delete": "delete",
        "restore": "delete",
        "transition_evaluasi": "transition",
    }
    for action, queryset_action in needs.items():
        for role, codes in OBJECT_TABLE[action].items():
            for key, code in zip(OBJECTS, codes, strict=True):
                if code == 401:
                    assert role == "anonymous"
                    continue
                allowed = key in QUERYSET_TABLE[queryset_action][role]
                seen = ARCHIVED_VIEW_TABLE if action == "restore" else QUERYSET_TABLE["view"]
                visible = key in seen[role]
                assert (code in (200, 201, 204)) is allowed, (action, role, key)
                assert (code == 404) is (not visible), (action, role, key)


COLLECTION_CASES = [
    pytest.param(action, role, expected, id=case_id(action, role))
    for action, rows in COLLECTION_TABLE.items()
    for role, expected in rows.items()
]


def _create_body(*party_names: str) -> dict:
    return {
        "title": "Kerja sama baru",
        "document_type": "PKS",
        "parties": [{"pihak": pihak(name)} for name in party_names],
        "urusan": ["2.12"],
        "signed_on": "2025-06-01",
        "end_on": "2027-05-31",
        "stage": "pelaksanaan",
    }


REFERENCE_READS = (
    "/api/regions/",
    "/api/regions/64.02/",
    "/api/pihak/",
    "/api/urusan/",
    "/api/urusan/2.12/",
    "/api/service-types/",
    "/api/perangkat-daerah/",
    "/api/partners/",
)
REFERENCE_WRITES = (
    ("post", "/api/regions/"),
    ("put", "/api/regions/64.02/"),
    ("delete", "/api/regions/64.02/"),
    ("post", "/api/pihak/"),
    ("post", "/api/urusan/"),
    ("put", "/api/urusan/2.12/"),
    ("post", "/api/service-types/"),
    ("post", "/api/perangkat-daerah/"),
    ("post", "/api/transitions/"),
    ("post", "/api/stats/agreements-by-year/"),
)


@pytest.mark.parametrize(("action", "role", "expected"), COLLECTION_CASES)
def test_collection_action(action, role, expected, world):
    user = user_for(role)
    client = client_for(user)
    unmul = Partner.objects.get(pihak__pk=pihak("Unmul"))

    if action.startswith("create_with_"):
        parties = ("Kukar", "Pemprov Kaltim") if action == "create_with_kukar" else ("Unmul", "Pemprov Kaltim")
        count = Agreement.objects.count()
        response = client.post("/api/agreements/", _create_body(*parties), format="json")
        assert response.status_code == expected, response.content
        assert Agreement.objects.count() == count + (expected == 201)
        if expected == 400:
            assert list(response.json()) == ["parties"]
    elif action == "stats":
        for path in ("by-year", "by-urusan", "by-category", "by-partner-type"):
            response = client.get(f"/api/stats/agreements-{path}/")
            assert response.status_code == expected
        by_year = client.get("/api/stats/agreements-by-year/").json()
        assert by_year == [{"year": 2025, "count": 4}]  # non-public B and D count for everyone
    elif action == "partner_create":
        body = {"name": "Yayasan Uji Coba Kerja Sama", "partner_type": "perguruan_tinggi"}
        response = client.post("/api/partners/", body, format="json")
        assert response.status_code == expected, response.content
        assert Partner.objects.filter(name=body["name"]).exists() is (expected == 201)
    elif action == "partner_update":
        body = {"name": unmul.name, "partner_type": unmul.partner_type, "website": "https://www.unmul.ac.id/"}
        response = client.put(f"/api/partners/{unmul.pk}/", body, format="json")
        assert response.status_code == expected, response.content
        unmul.refresh_from_db()
        assert (unmul.website == body["website"]) is (expected == 200)
    elif action == "partner_delete":
        response = client.delete(f"/api/partners/{unmul.pk}/")
        assert response.status_code == expected
        assert Partner.objects.filter(pk=unmul.pk).exists()
    elif action == "reference_read":
        for path in REFERENCE_READS:
            assert client.get(path).status_code == expected, path
        urusan = client.get("/api/urusan/").json()
        assert len(urusan) == 32 and "2.12" in {row["code"] for row in urusan}
        assert client.get("/api/regions/64.02/").json()["name"] == "Kabupaten Kutai Kartanegara"
    elif action == "reference_write":
        for method, path in REFERENCE_WRITES:
            response = getattr(client, method)(path, {}, format="json")
            assert response.status_code == expected, (method, path)


def test_table_covers_every_role_and_action():
    """A role or action added to one table and forgotten in another fails here, not silently."""
    for table in (OBJECT_TABLE, QUERYSET_TABLE, COLLECTION_TABLE):
        for action, rows in table.items():
            assert set(rows) == set(ROLES), action
    assert set(ARCHIVED_VIEW_TABLE) == set(ROLES)


@pytest.mark.parametrize("role", [pytest.param(role, id=role) for role in ROLES])
def test_archived_agreements_are_seen_as_the_table_says(role, world, builder):
    """With A-D archived: the querysets and ``GET /api/agreements/?archived=true`` reach the same rows."""
    for agreement in world.values():
        services.archive_agreement(agreement, user=builder)
    user = user_for(role)
    names = {agreement.pk: key for key, agreement in world.items()}
    reached = Agreement.objects.restrict(user, "view").filter(pk__in=names).values_list("pk", flat=True)
    assert "".join(sorted(names[pk] for pk in reached)) == ARCHIVED_VIEW_TABLE[role]
    client = client_for(user)
    listed = client.get("/api/agreements/", {"archived": "true", "page_size": 500}).json()["results"]
    assert "".join(sorted(names[row["id"]] for row in listed if row["id"] in names)) == ARCHIVED_VIEW_TABLE[role]
    assert not [row for row in client.get("/api/agreements/").json()["results"] if row["id"] in names]
