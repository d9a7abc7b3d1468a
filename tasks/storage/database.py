"""Connections, migrations, and the one place where psycopg errors become ours."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from schemas.settings import Settings
from tasks.errors import ConstraintViolation, DatabaseError, DatabaseUnavailable, ValueTooLarge
from tasks.storage import embedded_server
from tasks.storage.sizing import ServerSizing, machine_memory_mb, sizing_for

Connection = psycopg.Connection[dict[str, Any]]
AsyncConnection = psycopg.AsyncConnection[dict[str, Any]]

MIGRATIONS_LOCK_ID = 0x636C61696D  # "claim": serialises concurrent migrators
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@contextmanager
def wrap_exceptions() -> Iterator[None]:
    """Turn psycopg errors into claimtrack's DatabaseError family."""
    try:
        yield
    except psycopg.errors.IntegrityError as exc:
        constraint = exc.diag.constraint_name
        raise ConstraintViolation(
            f"database constraint {constraint} violated: {exc}", constraint
        ) from exc
    except psycopg.errors.ProgramLimitExceeded as exc:  # an OperationalError, but not an outage
        raise ValueTooLarge(
            f"a value is too large for the database ({str(exc).strip().splitlines()[0]}); "
            "shorten it"
        ) from exc
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(f"database unavailable: {str(exc).strip()}") from exc
    except psycopg.Error as exc:
        raise DatabaseError(f"database error: {str(exc).strip()}") from exc


def resolve_database_url(settings: Settings) -> str:
    """DATABASE_URL when set; otherwise the embedded server's URL, starting it if needed."""
    if settings.database_url:
        return settings.database_url
    state = embedded_server.start(
        settings.postgres_dir,
        allow_parent_chmod=settings.allow_parent_chmod,
        sizing=embedded_sizing(settings),
    )
    ensure_database(state.uri("postgres"), settings.database_name)
    return state.uri(settings.database_name)


def embedded_sizing(settings: Settings) -> ServerSizing:
    """The embedded server's memory settings for this machine (or CLAIMTRACK_DATABASE_MEMORY_MB)."""
    return sizing_for(settings.database_memory_mb or machine_memory_mb())


def running_database_url(settings: Settings) -> str | None:
    """DATABASE_URL, or the embedded server's URL when it runs: never starts anything (for
    commands that only look); None when the embedded server is stopped."""
    if settings.database_url:
        return settings.database_url
    state = embedded_server.read_state(settings.postgres_dir)
    return state.uri(settings.database_name) if state.running else None


def ensure_database(admin_url: str, name: str) -> None:
    """Create database `name` on the server if it does not exist yet."""
    with wrap_exceptions(), psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            # another process may create it between our check and our CREATE: its "already
            # exists" is a success (PostgreSQL reports the race as a unique violation)
            with suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def connect(url: str, *, migrate: bool = True) -> Connection:
    """Open a connection with dict rows; bring the schema up to date first unless told not to."""
    with wrap_exceptions():
        conn: Connection = psycopg.connect(url, row_factory=dict_row, connect_timeout=10)
        # psycopg prepares a query run five times; PostgreSQL may then plan it once for any
        # parameters, and a generic plan for candidate retrieval scans every claim. JIT
        # compiling costs more than our short queries take (tens of ms at a million claims).
        conn.execute("SET plan_cache_mode = force_custom_plan")
        conn.execute("SET jit = off")
        conn.commit()
    if migrate:
        apply_migrations(conn)
    return conn


def open_database(settings: Settings) -> Connection:
    """The usual way in: resolve the server, connect, migrate."""
    return connect(resolve_database_url(settings))


def migration_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration shipped with claimtrack, in order."""
    folder = resources.files("schemas") / "sql" / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def schema_sql() -> str:
    """The whole current schema, as one SQL script."""
    return (resources.files("schemas") / "sql" / "schema.sql").read_text(encoding="utf-8")


def applied_versions(conn: Connection) -> set[int]:
    with wrap_exceptions():
        exists = conn.execute("SELECT to_regclass('schema_migrations') AS t").fetchone()
        if not exists or exists["t"] is None:
            conn.rollback()
            return set()
        rows = conn.execute("SELECT version FROM schema_migrations").fetchall()
        conn.rollback()
    return {row["version"] for row in rows}


def apply_migrations(conn: Connection) -> list[str]:
    """Apply every migration not yet applied, all in one locked transaction; idempotent."""
    pending = [m for m in migration_files() if m[0] not in applied_versions(conn)]
    if not pending:
        return []
    applied: list[str] = []
    with wrap_exceptions(), conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATIONS_LOCK_ID,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in conn.execute("SELECT version FROM schema_migrations")}
        for version, name, script in migration_files():
            if version in done:
                continue
            conn.execute(script.encode())
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name)
            )
            applied.append(name)
    return applied
