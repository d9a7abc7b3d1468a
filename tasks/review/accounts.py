"""Reviewer and editor accounts: argon2id password hashes, API tokens stored as their SHA-256.

A token is 32 random bytes (URL-safe base64) shown once; only its digest is kept, so a copy of the
database does not hand out working tokens, and a fast digest is enough for a random secret."""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from schemas.review import Account, Role
from tasks.errors import (
    AuthenticationFailed,
    ConstraintViolation,
    InputError,
    NotAllowed,
    NotFound,
)
from tasks.review.sql import REVIEW_SQL, audit, run
from tasks.storage import store
from tasks.storage.database import AsyncConnection, Connection

MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 64
_NAME = re.compile(r"[\w.-]+")
_HASHER = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so that a wrong name costs as long as a wrong
    password (made on first use: hashing takes a tenth of a second)."""
    return _HASHER.hash("claimtrack-no-such-account")


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or not _NAME.fullmatch(name):
        raise InputError(
            f"account name {name[:40]!r}: use 1-{MAX_NAME_LENGTH} letters, digits, '.', '-' or '_'"
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def _editor(by: Account | None) -> None:
    """Accounts are managed by editors (and by whoever runs the CLI on the server: `by` None)."""
    if by is not None and not by.is_editor:
        raise NotAllowed("only editors manage accounts")


def add_account(
    conn: Connection, name: str, role: Role, password: str, by: Account | None = None
) -> Account:
    _editor(by)
    name = check_name(name)
    if role not in ("reviewer", "editor"):
        raise InputError(f"role {role!r}: use reviewer or editor")
    check_password(password)
    try:
        with conn.transaction():
            rows = run(
                conn,
                "add_account",
                {"name": name, "role": role, "password_hash": _HASHER.hash(password)},
            )
            audit(conn, by, "add account", None, None, {"account": name, "role": role})
    except ConstraintViolation as exc:
        if exc.constraint == "accounts_name_key":
            raise InputError(f"an account named {name} exists already") from exc
        raise
    return Account.from_row(rows[0])


def set_disabled(conn: Connection, name: str, disabled: bool, by: Account | None = None) -> Account:
    """Disable an account (its sessions and tokens stop working at once) or enable it again."""
    _editor(by)
    if by is not None and by.name == name and disabled:
        raise InputError("you cannot disable your own account")
    account = get_account(conn, name)
    with conn.transaction():
        rows = run(conn, "set_disabled", {"id": account.id, "disabled": disabled})
        audit(
            conn,
            by,
            "disable account" if disabled else "enable account",
            None,
            None,
            {"account": name},
        )
    return Account.from_row(rows[0])


def get_account(conn: Connection, name: str) -> Account:
    rows = run(conn, "account_by_name", {"name": name})
    store.end_read(conn)
    if not rows:
        raise NotFound(f"no account named {name} (claimtrack users add {name} --role reviewer)")
    return Account.from_row(rows[0])


def list_accounts(conn: Connection) -> list[tuple[Account, int]]:
    rows = run(conn, "list_accounts", {})
    store.end_read(conn)
    return [(Account.from_row(row), int(row["tokens"])) for row in rows]


def sign_in(conn: Connection, name: str, password: str) -> Account:
    """The account, when the name and password are right and it is not disabled."""
    rows = run(conn, "account_by_name", {"name": name.strip()})
    store.end_read(conn)
    stored = rows[0]["password_hash"] if rows else _dummy_hash()
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        raise AuthenticationFailed("wrong name or password") from None
    if not rows or rows[0]["disabled"]:
        raise AuthenticationFailed("wrong name or password")
    if _HASHER.check_needs_rehash(stored):
        with conn.transaction():
            fresh = _HASHER.hash(password)
            run(conn, "set_password", {"id": rows[0]["id"], "password_hash": fresh})
    return Account.from_row(rows[0])


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(conn: Connection, name: str, by: Account | None = None) -> str:
    """A new API token for the account (shown once; only its digest is stored)."""
    _editor(by)
    account = get_account(conn, name)
    token = secrets.token_urlsafe(32)
    with conn.transaction():
        run(conn, "add_token", {"account_id": account.id, "token_sha256": token_digest(token)})
        audit(conn, by, "new token", None, None, {"account": name})
    return token


def revoke_tokens(conn: Connection, name: str, by: Account | None = None) -> int:
    _editor(by)
    account = get_account(conn, name)
    with conn.transaction():
        revoked = len(run(conn, "revoke_tokens", {"account_id": account.id}))
        audit(conn, by, "revoke tokens", None, None, {"account": name, "revoked": revoked})
    return revoked


def account_for_token(conn: Connection, token: str) -> Account:
    rows = run(conn, "account_by_token", {"token_sha256": token_digest(token)})
    store.end_read(conn)
    return _token_holder(rows)


async def account_for_token_async(conn: AsyncConnection, token: str) -> Account:
    """account_for_token on an asyncio connection in autocommit mode (the web app's)."""
    params = {"token_sha256": token_digest(token)}
    return _token_holder(await store.run_query_async(conn, "account_by_token", params, REVIEW_SQL))


def _token_holder(rows: list[dict[str, Any]]) -> Account:
    if not rows:
        raise AuthenticationFailed("unknown or revoked token")
    return Account.from_row(rows[0])
