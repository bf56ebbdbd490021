"""Access tests start from empty in-process caches: each test's points and agreements are its own."""

import pytest

from kerjasama.access.eligibility import clear_reference_cache
from kerjasama.access.index import clear_point_index


@pytest.fixture(autouse=True)
def fresh_access_caches():
    clear_point_index()
    clear_reference_cache()
    yield
    clear_point_index()
    clear_reference_cache()
