import pytest

# Browser fixtures (Chromium through Playwright) for the test_browser_* modules.
pytest_plugins = ["tests.browser"]


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


@pytest.fixture
def search_index(db, settings):
    """A Whoosh index built from the test database, as `rebuild_index` leaves a new installation."""
    from speeches import search

    settings.SEARCH_BACKEND = "whoosh"
    search.rebuild()
