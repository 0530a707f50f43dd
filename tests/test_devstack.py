"""The laptop launcher: clear one-line errors, nothing embedded when URLs are given (SPEC 5)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def devstack(*args: str, tmp_path: Path, **env: str | None) -> subprocess.CompletedProcess[str]:
    """Run the launcher with this process's environment plus ``env`` (``None`` removes a variable)."""
    merged = {**os.environ, "WSR_VAR_DIR": str(tmp_path / "var"), **env}
    environment = {name: value for name, value in merged.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-m", "wsr.devstack", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_port_in_use_gives_a_clear_message_not_a_traceback(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = devstack("run", tmp_path=tmp_path, PORT=str(port))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert f"port {port} is already in use" in result.stdout
    assert "PORT=8001 make run" in result.stdout


def test_missing_embedded_postgres_package_gives_a_clear_message(tmp_path):
    # A stand-in 'pgserver' package that cannot be imported, first on the path.
    fake = tmp_path / "shadow" / "pgserver"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('pgserver is not installed')\n")
    result = devstack("exec", "true", tmp_path=tmp_path, DATABASE_URL="", PYTHONPATH=str(tmp_path / "shadow"))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "Embedded PostgreSQL needs the 'pgserver' package" in result.stdout
    assert "set DATABASE_URL" in result.stdout


def test_with_both_urls_set_nothing_embedded_starts_and_secrets_are_provided(tmp_path):
    result = devstack(
        "exec", sys.executable, "-c", "import os; print(os.environ['FIELD_ENCRYPTION_KEY_FILE'])",
        tmp_path=tmp_path, SECRET_KEY=None, SECRET_KEY_FILE=None, FIELD_ENCRYPTION_KEY=None,
        FIELD_ENCRYPTION_KEY_FILE=None,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "using DATABASE_URL; no embedded PostgreSQL" in result.stdout
    assert "using REDIS_URL; no embedded Redis" in result.stdout
    assert not (tmp_path / "var" / "pgdata").exists()
    assert not (tmp_path / "var" / "redis").exists()
    key_file = Path(result.stdout.strip().splitlines()[-1])
    assert key_file.is_relative_to(tmp_path / "var" / "secrets")
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_unknown_command_is_named(tmp_path):
    result = devstack("serve", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "unknown command 'serve'" in result.stdout


def test_a_malformed_port_is_named(tmp_path):
    result = devstack("run", tmp_path=tmp_path, PORT="eighty")
    assert result.returncode == 2
    assert "PORT must be a port number, not 'eighty'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
