"""The editors' accounts page: add reviewers and editors, disable and enable them, issue and
revoke API tokens. Every change goes through tasks/review/accounts.py, which checks the role and
writes the audit log; a reviewer who opens the page is told it is for editors."""

from __future__ import annotations

from typing import Annotated, Any, cast
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from schemas.review import Role
from tasks.errors import InputError, ReviewError
from tasks.review import accounts, sessions
from tasks.storage.database import Connection
from web.app import Db, status_of
from web.pages import Me, check_csrf, render

router = APIRouter(include_in_schema=True, tags=["pages"])


def accounts_page(
    conn: Connection, me: sessions.Session, status: int = 200, **extra: Any
) -> Response:
    listed = accounts.list_accounts(conn) if me.account.is_editor else []
    if not me.account.is_editor:
        status, extra = 403, {"error": "Only editors manage accounts."}
    return render("accounts.html", status, me=me.account, csrf=me.csrf_token, accounts=listed,
                  **extra)  # fmt: skip


@router.get("/accounts", response_class=HTMLResponse)
def show_accounts(conn: Db, me: Me, notice: str = "") -> Response:
    return accounts_page(conn, me, notice=notice[:200])


@router.post("/accounts")
def add_account_page(
    conn: Db,
    me: Me,
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form()],
    password: Annotated[str, Form(max_length=1_000)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(me, csrf)

    def add() -> None:  # add_account refuses a role that is neither
        accounts.add_account(conn, name, cast(Role, role), password, by=me.account)

    return _change(conn, me, add, f"Added {name.strip()}.")


@router.post("/accounts/{name}/{change}")
def change_account_page(
    name: str, change: str, conn: Db, me: Me, csrf: Annotated[str, Form()] = ""
) -> Response:
    """disable, enable, token (a new API token, shown once on the page) or revoke (its tokens)."""
    check_csrf(me, csrf)
    if change == "token":
        try:
            token = accounts.new_token(conn, name, by=me.account)
        except (ReviewError, InputError) as exc:
            return accounts_page(conn, me, status_of(exc), error=str(exc))
        return accounts_page(conn, me, new_token=token, token_for=name)
    changes = {
        "disable": lambda: accounts.set_disabled(conn, name, True, by=me.account),
        "enable": lambda: accounts.set_disabled(conn, name, False, by=me.account),
        "revoke": lambda: accounts.revoke_tokens(conn, name, by=me.account),
    }
    if change not in changes:
        return accounts_page(conn, me, 404, error=f"no such change to an account: {change[:40]}")
    done = {"disable": "Disabled", "enable": "Enabled", "revoke": "Revoked the tokens of"}
    return _change(conn, me, changes[change], f"{done[change]} {name}.")


def _change(conn: Connection, me: sessions.Session, change: Any, done: str) -> Response:
    try:
        change()
    except (ReviewError, InputError) as exc:
        return accounts_page(conn, me, status_of(exc), error=str(exc))
    return RedirectResponse(f"/accounts?notice={quote(done)}", status_code=303)
