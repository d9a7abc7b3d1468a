"""The local stack of `claimtrack up`: PostgreSQL, a Prefect server keeping its state in that
PostgreSQL, the scheduler (`claimtrack serve`) and the web app, each a process of its own.

The processes are Prefect's and claimtrack's own commands, started detached with their logs in
CLAIMTRACK_HOME/logs; this module only starts, checks and stops them, and remembers their process
ids in CLAIMTRACK_HOME/run/stack.json. Scheduling, queues and retries are Prefect's.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import psycopg

from schemas.settings import Settings
from tasks.errors import ConfigurationError, DatabaseUnavailable
from tasks.fetching.credentials import mask_password
from tasks.storage import embedded_server
from tasks.storage.database import (
    connect,
    embedded_sizing,
    ensure_database,
    resolve_database_url,
)

PREFECT_DATABASE = "prefect"
PARTS = ("postgres", "prefect-server", "scheduler", "web")
PROCESSES = PARTS[1:]  # the parts `up` starts as processes of their own, in order
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class PartStatus:
    """One part of the stack as `claimtrack status` shows it."""

    name: str
    state: str  # running, stopped, unhealthy, external
    pid: int | None
    address: str
    detail: str = ""

    @property
    def healthy(self) -> bool:
        return self.state in ("running", "external")


def state_file(settings: Settings) -> Path:
    return settings.home / "run" / "stack.json"


def logs_dir(settings: Settings) -> Path:
    return settings.home / "logs"


def result_storage(settings: Settings) -> Path:
    """Where the stack's Prefect processes, and the CLI handing them work, keep task results."""
    return settings.home / "prefect" / "storage"


def database_fingerprint(database_url: str) -> str:
    """Which database a process uses, without writing its password down."""
    return hashlib.sha256(database_url.encode()).hexdigest()[:16]


def warm_scheduler(settings: Settings, database_url: str) -> tuple[str, int] | None:
    """(API URL, pid) of the stack's scheduler when it runs, its Prefect server answers from the
    API this process would use, and it works on this very database; else None."""
    recorded = _read_state(settings)
    pid = recorded.get("pids", {}).get("scheduler")
    api = prefect_api_url(settings)
    if not alive(pid) or os.environ.get("PREFECT_API_URL", api) != api:
        return None
    if recorded.get("database") != database_fingerprint(database_url):
        return None
    return api, int(pid)


def prefect_api_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.prefect_port}/api"


def web_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.web_port}/"


def _read_state(settings: Settings) -> dict[str, Any]:
    try:
        recorded: dict[str, Any] = json.loads(state_file(settings).read_text())
    except (OSError, ValueError):
        return {}
    return recorded


def read_pids(settings: Settings) -> dict[str, int]:
    """The process ids `up` started, by part (an empty dict when nothing was started)."""
    return {name: int(pid) for name, pid in _read_state(settings).get("pids", {}).items()}


def _write_pids(
    settings: Settings, pids: Mapping[str, int], database_url: str | None = None
) -> None:
    path = state_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    recorded = _read_state(settings)
    recorded["pids"] = dict(pids)
    if database_url is not None:
        recorded["database"] = database_fingerprint(database_url)
    path.write_text(json.dumps(recorded, indent=2))


def alive(pid: int | None) -> bool:
    if not pid or not embedded_server.pid_alive(pid):
        return False
    # a zombie (ended, not yet reaped by its parent) is not running
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def running_prefect_api(settings: Settings) -> str | None:
    """The API URL of the stack's Prefect server when `up` started it and it still runs."""
    pid = read_pids(settings).get("prefect-server")
    return prefect_api_url(settings) if alive(pid) else None


def prefect_database_url(settings: Settings) -> str:
    """Where the Prefect server keeps its state: CLAIMTRACK_PREFECT_DATABASE_URL, or database
    `prefect` on claimtrack's own server (created if missing)."""
    if settings.prefect_database_url:
        return settings.prefect_database_url
    if settings.database_url:
        parts = urlsplit(settings.database_url)
        if parts.query or not parts.hostname:
            raise ConfigurationError(
                "cannot derive the Prefect server's database from a DATABASE_URL with options "
                "or a socket folder: set CLAIMTRACK_PREFECT_DATABASE_URL "
                "(postgresql+asyncpg://USER:PASSWORD@HOST:PORT/prefect)"
            )
        try:
            ensure_database(settings.database_url, PREFECT_DATABASE)
        except DatabaseUnavailable as exc:
            raise ConfigurationError(
                f"could not create database {PREFECT_DATABASE!r} for the Prefect server ({exc}); "
                "create it yourself or set CLAIMTRACK_PREFECT_DATABASE_URL"
            ) from exc
        return urlunsplit(("postgresql+asyncpg", parts.netloc, f"/{PREFECT_DATABASE}", "", ""))
    state = embedded_server.start(
        settings.postgres_dir,
        allow_parent_chmod=settings.allow_parent_chmod,
        sizing=embedded_sizing(settings),
    )
    ensure_database(state.uri("postgres"), PREFECT_DATABASE)
    socket = quote(str(state.socket_dir), safe="/")
    return (
        f"postgresql+asyncpg://{embedded_server.POSTGRES_USER}@/{PREFECT_DATABASE}"
        f"?host={socket}&port={state.port}"
    )


def child_environment(settings: Settings) -> dict[str, str]:
    """What every process of the stack runs with: the user's environment, this home, and the
    stack's Prefect server."""
    env = dict(os.environ)
    env.update(
        {
            "CLAIMTRACK_HOME": str(settings.home),
            "PREFECT_API_URL": prefect_api_url(settings),
            "PREFECT_HOME": str(settings.home / "prefect"),
            "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(result_storage(settings)),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
    )
    return env


def _command(*args: str) -> list[str]:
    """A claimtrack or prefect command, run by this very Python."""
    return [sys.executable, "-m", *args]


def part_commands(settings: Settings) -> dict[str, list[str]]:
    return {
        "prefect-server": _command(
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(settings.prefect_port),
        ),
        "scheduler": _command("cli", "serve"),
        "web": _command("cli", "web", "--host", "127.0.0.1", "--port", str(settings.web_port)),
    }


def health_urls(settings: Settings) -> dict[str, str]:
    return {
        "prefect-server": prefect_api_url(settings) + "/health",
        "web": web_url(settings) + "healthz",
    }


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        return httpx.get(url, timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def _log_tail(path: Path, lines: int = 5) -> str:
    try:
        tail = path.read_text(errors="replace").strip().splitlines()[-lines:]
    except OSError:
        return ""
    return " | ".join(line.strip() for line in tail if line.strip())


def _start(name: str, argv: Sequence[str], env: Mapping[str, str], log: Path) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=dict(env),
            start_new_session=True,  # its own process group: `down` stops it and its children
        )
    return process.pid


def _wait_until(check: Callable[[], bool], pid: int, name: str, log: Path) -> None:
    ends = time.monotonic() + START_TIMEOUT_S
    while not check():
        if not alive(pid):
            raise ConfigurationError(f"{name} ended as it started: {_log_tail(log)} (see {log})")
        if time.monotonic() > ends:
            raise ConfigurationError(
                f"{name} did not answer within {START_TIMEOUT_S:.0f} s; see {log}"
            )
        time.sleep(0.3)


Say = Callable[[str], None]


def up(settings: Settings, say: Say, *, parts: Sequence[str] = PARTS) -> list[PartStatus]:
    """Start every part that is not running (keeping those that are), in order; each part is
    checked before the next starts. Idempotent: run again, it restarts only what died."""
    pids = read_pids(settings)
    database_url = resolve_database_url(settings)
    with connect(database_url):  # migrated before anything reads it
        pass
    say(f"postgres        ready: {mask_password(database_url)}")
    env = child_environment(settings)
    commands = part_commands(settings)
    health = health_urls(settings)
    for name in PROCESSES:
        if name not in parts:
            continue
        log = logs_dir(settings) / f"{name}.log"
        if alive(pids.get(name)):
            say(f"{name:<15} already running (pid {pids[name]})")
            continue
        part_env = dict(env)
        if name == "prefect-server":
            part_env["PREFECT_API_DATABASE_CONNECTION_URL"] = prefect_database_url(settings)
            if http_ok(health[name]):
                raise ConfigurationError(
                    f"port {settings.prefect_port} already answers as a Prefect server that "
                    "this stack did not start; stop it or set CLAIMTRACK_PREFECT_PORT"
                )
        pid = _start_and_wait(name, commands[name], part_env, log, health.get(name))
        pids[name] = pid
        _write_pids(settings, pids, database_url)
        say(f"{name:<15} started (pid {pid}), log {log}")
    return status(settings)


def _start_and_wait(
    name: str, argv: Sequence[str], env: Mapping[str, str], log: Path, health: str | None
) -> int:
    """Start a part, and wait until its health URL answers (or, without one, until it writes
    that it is serving); its pid."""
    log_start = log.stat().st_size if log.exists() else 0
    pid = _start(name, argv, env, log)

    def ready() -> bool:
        if health is not None:
            return http_ok(health)
        return "serving" in _log_text(log, log_start)

    _wait_until(ready, pid, name, log)
    return pid


def _log_text(path: Path, start: int = 0) -> str:
    """What a log holds from byte `start` on (what the process just started wrote)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            return handle.read().decode(errors="replace")[-4000:]
    except OSError:
        return ""


def _stop_process(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    ends = time.monotonic() + STOP_TIMEOUT_S
    while alive(pid) and time.monotonic() < ends:
        time.sleep(0.2)
    if alive(pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            return


def down(settings: Settings, say: Say, *, keep_database: bool = False) -> None:
    """Stop every part `up` started, the web app first and PostgreSQL last."""
    pids = read_pids(settings)
    for name in reversed(PROCESSES):
        pid = pids.pop(name, None)
        if alive(pid):
            assert pid is not None
            _stop_process(pid)
            say(f"{name:<15} stopped (pid {pid})")
        _write_pids(settings, pids)
    if settings.database_url:
        say("postgres        external (DATABASE_URL): left running")
    elif keep_database:
        say("postgres        left running (--keep-database)")
    elif embedded_server.stop(settings.postgres_dir):
        say(f"postgres        stopped ({settings.postgres_dir})")
    else:
        say("postgres        was not running")


def status(settings: Settings) -> list[PartStatus]:
    """Each part: running (and answering), unhealthy (running, not answering) or stopped."""
    found = [_postgres_status(settings)]
    pids = read_pids(settings)
    health = health_urls(settings)
    addresses = {
        "prefect-server": prefect_api_url(settings).removesuffix("/api"),
        "scheduler": f"serves deployments to {prefect_api_url(settings)}",
        "web": web_url(settings),
    }
    for name in PROCESSES:
        pid = pids.get(name)
        log = logs_dir(settings) / f"{name}.log"
        if not alive(pid):
            found.append(PartStatus(name, "stopped", None, addresses[name], f"log {log}"))
            continue
        answering = http_ok(health[name]) if name in health else True
        state = "running" if answering else "unhealthy"
        detail = f"log {log}" if answering else f"not answering {health[name]}; see {log}"
        found.append(PartStatus(name, state, pid, addresses[name], detail))
    return found


def _postgres_status(settings: Settings) -> PartStatus:
    if settings.database_url:
        try:
            with psycopg.connect(settings.database_url, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
            return PartStatus("postgres", "external", None, mask_password(settings.database_url))
        except psycopg.Error as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreachable"
            masked = mask_password(settings.database_url)
            return PartStatus("postgres", "unhealthy", None, masked, detail)
    state = embedded_server.read_state(settings.postgres_dir)
    if not state.running:
        return PartStatus("postgres", "stopped", None, str(settings.postgres_dir))
    return PartStatus(
        "postgres", "running", state.pid, state.uri(settings.database_name), "embedded"
    )


def as_records(found: Sequence[PartStatus]) -> list[dict[str, object]]:
    return [asdict(part) | {"healthy": part.healthy} for part in found]
