import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_database(database_moved_away):
    with database_moved_away():
        yield


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
