"""The admin login resists guessing: a username is locked from an address after repeated wrong passwords, for a
cool-off period, and passwords that are short or common are refused when set."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def editor_account():
    return User.objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)


def sign_in(client, password):
    return client.post("/admin/login/?next=/admin/", {"username": "editor", "password": password})


def test_wrong_passwords_lock_the_login_even_for_the_right_one(editor_account, settings):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, f"guess-{attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = sign_in(client, f"guess-{settings.AXES_FAILURE_LIMIT}")
    assert locked.status_code == 429
    assert "Sign-in locked for a while" in locked.content.decode()

    refused = sign_in(client, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_the_lock_ends_after_the_cool_off(editor_account, settings):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess-{attempt}")
    assert sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME)
    signed_in = sign_in(client, PASSWORD)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_right_password_before_the_limit_clears_the_count(editor_account, settings):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, f"guess-{attempt}")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, f"again-{attempt}").status_code == 200


@pytest.mark.parametrize(
    "password, message",
    [
        ("short-pw", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("493028174659", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused(editor_account, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, editor_account)
    assert message in refused.value.messages
