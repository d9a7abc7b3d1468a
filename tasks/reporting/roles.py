"""`claimtrack db reader-role NAME`: a login role that reads the `reporting` views and nothing
else, for Metabase, Grafana or Superset pointed at the database. The views run with their owner's
rights, so the role needs no grant on any table; it owns nothing and may create nothing."""

from __future__ import annotations

import re

from psycopg import sql

from tasks.errors import InputError
from tasks.storage import store
from tasks.storage.database import Connection, wrap_exceptions

ROLES_SQL = "reporting/roles.sql"
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def create_reader_role(conn: Connection, name: str, password: str) -> bool:
    """Create the role (or give an existing one this password) with read access to the
    reporting views of this database; whether it was created."""
    if not _ROLE_NAME.fullmatch(name):
        raise InputError(
            f"role name {name[:70]!r}: use lower-case letters, digits and _ (at most 63)"
        )
    if len(password) < 10:
        raise InputError("the password must have at least 10 characters")
    statements = store.queries(ROLES_SQL)
    names = {
        "role": sql.Identifier(name),
        "password": sql.Literal(password),
        "database": sql.Identifier(conn.info.dbname),
    }
    with wrap_exceptions(), conn.transaction():
        exists = bool(store.run_query(conn, "role_exists", {"name": name}, ROLES_SQL))
        for step in ("set_password" if exists else "create_role", "grant_reading"):
            conn.execute(sql.SQL(statements[step]).format(**names))
    return not exists
