import contextlib
import copy

import pytest

# Browser fixtures (Chromium through Playwright) for the test_browser_* modules, and the real transcripts.
pytest_plugins = ["tests.browser", "tests.corpus"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Pages render in tests without a prior collectstatic; production keeps the manifest storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The test client speaks plain HTTP; the HTTPS redirect is covered by test_settings.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _search_index_dir(settings, tmp_path):
    # Every test gets its own index directory; the Whoosh backend is the default.
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"


@pytest.fixture(autouse=True)
def _page_cache(settings, tmp_path):
    # Every test starts with no cached page and no change stamp, shared by nothing else. One process and one
    # clock: no margin for other servers' clocks, so a page rendered just after a change can be served.
    settings.PAGE_CACHE_CLOCK_MARGIN = 0
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"pages-{tmp_path}"},
        "page-tags": {"BACKEND": "speeches.page_cache.StampCache", "LOCATION": tmp_path / "tags"},
    }
    yield
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture
def search_index(db, settings):
    """A Whoosh index built from the test database, as `rebuild_index` leaves a new installation."""
    from speeches import search

    settings.SEARCH_BACKEND = "whoosh"
    search.rebuild()


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request, settings, search_index):
    """Each search backend in turn; the PostgreSQL one where the test database is PostgreSQL."""
    from django.db import connection

    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL test database (set DATABASE_URL)")
    settings.SEARCH_BACKEND = request.param
    return request.param


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run a block as one committed transaction would: the index is updated when it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def database_moved_away(tmp_path):
    """A block in which the default database is moved where nothing answers: a real connection that fails."""
    from django.db import connections

    @contextlib.contextmanager
    def moved():
        kept = connections["default"]
        settings_dict = copy.deepcopy(kept.settings_dict)
        if kept.vendor == "sqlite":
            settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "archive.sqlite3")
        else:
            settings_dict.update(HOST="127.0.0.1", PORT="1")
        broken = type(kept)(settings_dict, "default")
        connections["default"] = broken
        try:
            yield
        finally:
            broken.close()
            connections["default"] = kept

    return moved
