"""Shared fixtures: the real reference data is loaded once per test session."""

import pytest
from django.utils import translation

from tests.builders import make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load regions, urusan, service types and partners into the test database once."""
    from kerjasama.monitoring.loaders import load_boundary_segments
    from kerjasama.regions.loaders import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()
        load_boundary_segments()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a third of a second per user; tests do not need its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_and_var(settings, tmp_path):
    """Render static URLs without a collectstatic manifest, and keep uploads in a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.VAR_DIR = tmp_path


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: aggregates of an earlier test's data must not leak in."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code a test calls directly (services, forms, commands) speaks the English msgids.

    Assertions on messages then do not depend on the wording of the Indonesian catalogue, which
    tests/core/test_translations.py checks on its own. Requests still get the language the
    LanguageMiddleware picks: Indonesian unless the client chose another (see ``english``).
    """
    with translation.override("en"):
        yield


@pytest.fixture
def english(client, settings):
    """The test client has chosen English with the language switch (the cookie /i18n/setlang/ sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def admin_user(db):
    return make_user("admin", "admin")


@pytest.fixture
def kukar_operator(db):
    return make_user("op-kukar", "operator_wilayah", "64.02")


@pytest.fixture
def balikpapan_operator(db):
    return make_user("op-bpp", "operator_wilayah", "64.71")


@pytest.fixture
def unmul_operator(db):
    return make_user("op-unmul", "operator_mitra", "Unmul")


@pytest.fixture
def tkksd_user(db):
    return make_user("tkksd", "tkksd")


@pytest.fixture
def viewer(db):
    return make_user("viewer", "peninjau")
