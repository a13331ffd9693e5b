import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRINT_SETTINGS = (
    "from django.conf import settings as s;"
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
    " s.DATABASES['default']['ENGINE'])"
)


# As on a server: no checkout set up for a local run (the one running the tests may be).
NOWHERE = str(ROOT / "no-such-var-directory")


def run_settings(script=PRINT_SETTINGS, **env):
    """Load the settings in a new process with these variables alone, and run a line of Python with them."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "HTTPS", "DATABASE_URL"}}
    clean.update({"VAR_DIR": NOWHERE, **env}, DJANGO_SETTINGS_MODULE="kremlin_archive.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_settings_are_strict_when_debug_is_off():
    result = run_settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://root@127.0.0.1:5432/archive")
    assert result.stdout.split() == ["True", "True", "True", "31536000", "django.db.backends.postgresql"]


def test_settings_refuse_to_start_without_secret_key_in_production():
    result = run_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_checkout_set_up_for_a_local_run_finds_its_own_secret_key(tmp_path):
    (tmp_path / "secret_key").write_text("a-local-key-of-this-checkout\n")
    (tmp_path / "local-run").write_text("")
    script = "from django.conf import settings as s; print(s.SECRET_KEY, s.HTTPS, s.SECURE_SSL_REDIRECT)"
    result = run_settings(script, VAR_DIR=str(tmp_path))
    # Plain HTTP on the loopback address, as `make run` serves it.
    assert result.stdout.split() == ["a-local-key-of-this-checkout", "False", "False"]


def test_a_key_file_without_the_local_run_mark_is_not_used(tmp_path):
    (tmp_path / "secret_key").write_text("a-key-someone-left-here\n")
    result = run_settings(VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_reject_a_malformed_boolean():
    result = run_settings(DEBUG="maybe")
    assert "DEBUG must be one of 1/0, true/false" in result.stderr


def test_settings_embedded_default_is_sqlite():
    result = run_settings(DEBUG="1")
    assert result.stdout.split() == ["False", "False", "False", "0", "django.db.backends.sqlite3"]


def test_settings_reject_a_search_time_budget_that_is_not_a_positive_number():
    assert (
        "SEARCH_TIME_BUDGET must be a number of seconds; got 'soon'"
        in run_settings(DEBUG="1", SEARCH_TIME_BUDGET="soon").stderr
    )
    assert (
        "SEARCH_TIME_BUDGET must be more than 0 and less than 3600 seconds; got '0'"
        in run_settings(DEBUG="1", SEARCH_TIME_BUDGET="0").stderr
    )


def run_command(*args, **env):
    # As a deployment would run it: none of the test run's own variables (pytest allows unsafe async calls).
    unset = {"DEBUG", "SECRET_KEY", "HTTPS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env, DJANGO_SETTINGS_MODULE="kremlin_archive.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_deployment_check_finds_nothing_in_the_production_settings(tmp_path):
    result = run_command(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        SECRET_KEY="kV3q-8sLr_2Zp0xYw7Tn5Gm1Hb4Jc6Fd9Ae2Uo8Ii3Kl7Pq0Rs5Tv1Wx4Yz6Bn_Cm",
        ALLOWED_HOSTS="archive.example",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    # The one silenced check is HSTS preloading, a commitment of the whole domain left to its owner.
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


def test_database_connections_time_out_in_seconds():
    script = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    result = run_settings(
        script, SECRET_KEY="x", DATABASE_URL="postgres://root@127.0.0.1:5432/archive", DB_STATEMENT_TIMEOUT="7.5"
    )
    assert result.stdout.strip() == "{'connect_timeout': 3, 'options': '-c statement_timeout=7500'}"
