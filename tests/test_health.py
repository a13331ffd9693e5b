import copy

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_database(tmp_path):
    """The default database, moved where nothing answers: a real connection that fails, not a stand-in."""
    kept = connections["default"]
    moved = copy.deepcopy(kept.settings_dict)
    if kept.vendor == "sqlite":
        moved["NAME"] = str(tmp_path / "no-such-directory" / "archive.sqlite3")
    else:
        moved.update(HOST="127.0.0.1", PORT="1")
    broken = type(kept)(moved, "default")
    connections["default"] = broken
    yield
    broken.close()
    connections["default"] = kept


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_stays_live_when_the_database_cannot_be_reached(client, unreachable_database):
    # Liveness: restarting the process would not bring the database back; /readyz says it is gone.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_is_not_ready_when_the_database_cannot_be_reached(client, unreachable_database):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "database unavailable: OperationalError" in response.content.decode()
