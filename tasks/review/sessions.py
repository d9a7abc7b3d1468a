"""Browser sessions, kept in PostgreSQL: the cookie holds a random token, the table its SHA-256
and the session's CSRF token; signing out ends the row. Failed sign-ins are counted per name and
per address, and past SIGN_IN_LIMIT in SIGN_IN_WINDOW_S more attempts are refused unchecked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from schemas.review import Account
from tasks.errors import AuthenticationFailed, ReviewError
from tasks.review.accounts import sign_in, token_digest
from tasks.review.sql import run
from tasks.storage import store
from tasks.storage.database import Connection

SESSION_LIFETIME_S = 12 * 3600
SIGN_IN_LIMIT = 10
SIGN_IN_WINDOW_S = 600


class TooManyAttempts(ReviewError):
    """Too many failed sign-ins for this name or address; wait before trying again."""


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str


def start_session(conn: Connection, name: str, password: str, address: str) -> tuple[str, Session]:
    """Check the password (unless this name or address failed too often lately) and open a
    session; the cookie's token and the session."""
    name = name.strip()[:200]
    failures = run(
        conn,
        "recent_sign_in_failures",
        {"name": name, "address": address, "window_s": SIGN_IN_WINDOW_S},
    )
    store.end_read(conn)
    if int(failures[0]["n"]) >= SIGN_IN_LIMIT:
        raise TooManyAttempts(
            f"too many failed sign-ins; try again in {SIGN_IN_WINDOW_S // 60} minutes"
        )
    try:
        account = sign_in(conn, name, password)
    except AuthenticationFailed:
        with conn.transaction():
            run(conn, "record_sign_in_failure", {"name": name, "address": address})
        raise
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with conn.transaction():
        run(
            conn,
            "start_session",
            {
                "token_sha256": token_digest(token),
                "account_id": account.id,
                "csrf_token": csrf,
                "lifetime_s": SESSION_LIFETIME_S,
            },
        )
    return token, Session(account, csrf)


def session_for(conn: Connection, token: str) -> Session:
    rows = run(conn, "session_account", {"token_sha256": token_digest(token)})
    store.end_read(conn)
    if not rows:
        raise AuthenticationFailed("your session ended; sign in again")
    return Session(Account.from_row(rows[0]), rows[0]["csrf_token"])


def end_session(conn: Connection, token: str) -> None:
    with conn.transaction():
        run(conn, "end_session", {"token_sha256": token_digest(token)})
