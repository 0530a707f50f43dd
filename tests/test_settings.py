"""Settings come from the environment; a bad value stops start-up with one clear line (SPEC 5).

Each case runs ``manage.py`` in a fresh process with a crafted environment, as an operator would.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from wsr import env

ROOT = Path(__file__).resolve().parent.parent


def base_env(**overrides: str | None) -> dict[str, str]:
    """A minimal production-like environment; ``None`` removes a variable."""
    values: dict[str, str | None] = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "wsr.example.org",
        "PUBLIC_BASE_URL": "https://wsr.example.org",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def manage(*args: str, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    """The process failed, printed no traceback, and said what is wrong on a single line."""
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"SECRET_KEY": None}, "SECRET_KEY is required but not set"),
        ({"DATABASE_URL": "mysql://root@localhost/wsr"}, "DATABASE_URL must be a postgres://"),
        ({"DATABASE_URL": "postgres://user@host:port/db"}, "DATABASE_URL is not a valid URL"),
        ({"DATABASE_URL": None}, "DATABASE_URL is required but not set"),
        ({"REDIS_URL": "memcached://localhost"}, "REDIS_URL must be a redis://"),
        ({"REDIS_URL": "redis://localhost:six/0"}, "REDIS_URL is not valid"),
        ({"FIELD_ENCRYPTION_KEY": "short"}, "FIELD_ENCRYPTION_KEY must be comma-separated Fernet keys"),
        ({"FIELD_ENCRYPTION_KEY": None}, "FIELD_ENCRYPTION_KEY is required"),
        ({"SMS_BACKEND": "pigeon"}, "SMS_BACKEND must be one of twilio, console, memory"),
        ({"SMS_BACKEND": "twilio"}, "TWILIO_ACCOUNT_SID is required when SMS_BACKEND=twilio"),
        ({"PUBLIC_BASE_URL": "wsr.example.org"}, "PUBLIC_BASE_URL must start with http:// or https://"),
        ({"DB_CONN_MAX_AGE": "forever"}, "DB_CONN_MAX_AGE must be a whole number"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE must be an IANA time zone"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"HEALTHZ_CELERY_TIMEOUT": "soon"}, "HEALTHZ_CELERY_TIMEOUT must be a number"),
        ({"PROXY_COUNT": "-1"}, "PROXY_COUNT must be 0 or more"),
        ({"SECRET_KEY": None, "SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE: cannot read"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_a_bad_setting_stops_manage_py_with_one_line_naming_the_variable(overrides, expected):
    line = one_clear_line(manage("check", **overrides))
    assert line.startswith("Configuration error: ")
    assert expected in line


def test_a_secret_never_appears_in_the_error_about_it():
    line = one_clear_line(manage("check", DATABASE_URL="postgres://user:hunter2-secret@host:port/db"))
    assert "hunter2-secret" not in line


def test_secrets_can_come_from_files(tmp_path):
    (tmp_path / "secret_key").write_text(secrets.token_urlsafe(50) + "\n")
    (tmp_path / "field_key").write_text(Fernet.generate_key().decode())
    result = manage(
        "check",
        SECRET_KEY=None,
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        FIELD_ENCRYPTION_KEY=None,
        FIELD_ENCRYPTION_KEY_FILE=str(tmp_path / "field_key"),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_with_production_variables_prints_no_unexplained_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    # security.W021 (HSTS preload) is silenced on purpose and explained in settings.py.
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    assert result.stderr == ""


def test_check_deploy_with_preload_enabled_needs_no_silencing():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_debug_mode_starts_without_a_secret_key_for_laptops():
    result = manage("check", DEBUG="true", SECRET_KEY=None)
    assert result.returncode == 0, result.stderr


def test_daily_schedules_run_in_the_configured_time_zone():
    code = "from wsr.celery import app; print(app.conf.timezone, app.timezone)"
    result = manage("shell", "-v", "0", "-c", code, TIME_ZONE="America/New_York")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["America/New_York", "America/New_York"]


def test_seed_demo_refuses_to_install_known_passwords_without_debug():
    result = manage("seed_demo")
    line = one_clear_line(result)
    assert "DEBUG" in line and "--force" in line


# --- The typed readers themselves --------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("TRUE", True), ("yes", True), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("WSR_TEST_FLAG", raw)
    assert env.env_bool("WSR_TEST_FLAG", not value) is value


def test_env_readers_fall_back_to_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("WSR_TEST_UNSET", raising=False)
    assert env.env_bool("WSR_TEST_UNSET", True) is True
    assert env.env_int("WSR_TEST_UNSET", 7) == 7
    assert env.env_float("WSR_TEST_UNSET", 1.5) == 1.5
    assert env.env_list("WSR_TEST_UNSET", ["a"]) == ["a"]
    assert env.env_str("WSR_TEST_UNSET", "x") == "x"


def test_env_list_splits_on_commas_and_ignores_blanks(monkeypatch):
    monkeypatch.setenv("WSR_TEST_LIST", " a.example.org, ,b.example.org ")
    assert env.env_list("WSR_TEST_LIST", []) == ["a.example.org", "b.example.org"]


def test_file_variant_wins_and_is_stripped(monkeypatch, tmp_path):
    secret = tmp_path / "token"
    secret.write_text("from-file\n")
    monkeypatch.setenv("WSR_TEST_TOKEN", "from-env")
    monkeypatch.setenv("WSR_TEST_TOKEN_FILE", str(secret))
    assert env.env_str("WSR_TEST_TOKEN") == "from-file"


def test_required_value_that_is_empty_counts_as_missing(monkeypatch):
    monkeypatch.setenv("WSR_TEST_REQUIRED", "")
    with pytest.raises(ImproperlyConfigured, match="WSR_TEST_REQUIRED is required"):
        env.env_str("WSR_TEST_REQUIRED")


@pytest.mark.parametrize(
    ("redis_url", "worker", "cache_url", "broker_url"),
    [
        ("redis://127.0.0.1:6379/8", "gw1", "redis://127.0.0.1:6379/10", "redis://127.0.0.1:6379/10"),
        (
            "unix:///srv/wsr/redis.sock?db=0",
            "gw0",
            "unix:///srv/wsr/redis.sock?db=1",
            "redis+socket:///srv/wsr/redis.sock?virtual_host=1",
        ),
    ],
)
def test_each_parallel_test_worker_gets_its_own_redis_database(redis_url, worker, cache_url, broker_url):
    code = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['LOCATION']); print(settings.CELERY_BROKER_URL)"
    )
    result = manage("shell", "-c", code, REDIS_URL=redis_url, PYTEST_XDIST_WORKER=worker)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [cache_url, broker_url]
