"""The review pages: sign-in, the queue, an item with its two claims side by side, a family,
the reviewer's history. Server-rendered (Jinja2, autoescaped) with one small script for the
keyboard shortcuts; every form carries the session's CSRF token, and every page but the sign-in
form needs a session (otherwise: 303 to /signin)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape
from markupsafe import Markup, escape

from schemas.review import RATINGS, ReviewItem
from tasks.errors import (
    AuthenticationFailed,
    InputError,
    NotAllowed,
    NotFound,
    ReviewError,
)
from tasks.review import queue, sessions, views
from tasks.storage.database import Connection
from web.app import Db, status_of

router = APIRouter(include_in_schema=True, tags=["pages"])
SESSION_COOKIE = "claimtrack_session"
SIGN_IN_COOKIE = "claimtrack_signin"


class _ShownUndefined(Undefined):
    """A missing value may be tested (`{% if notice %}`) but not shown: a misspelt or renamed
    field fails the page (and its tests) instead of printing nothing."""

    def __str__(self) -> str:
        self._fail_with_undefined_error()
        return ""


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=_ShownUndefined,
)


class SignInRequired(Exception):
    """A page asked for without a live session."""


def highlight(text: str, marks: list[str], kind: str) -> Markup:
    """The text, escaped, with the first occurrence of each mark wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for mark in marks:
        start = lowered.find(mark.lower()) if mark else -1
        if start >= 0 and not any(a < start + len(mark) and start < b for a, b in spans):
            spans.append((start, start + len(mark)))
    out, last = Markup(""), 0
    for start, end in sorted(spans):
        out += escape(text[last:start]) + Markup(f'<mark class="{kind}">')
        out += escape(text[start:end]) + Markup("</mark>")
        last = end
    return out + escape(text[last:])


def safe_link(url: str) -> str:
    """The URL when it is http(s) or a local file; '#' for anything else (javascript:, data:)."""
    return url if urlsplit(url).scheme.lower() in ("http", "https", "file") else "#"


_TEMPLATES.filters["highlight"] = highlight
_TEMPLATES.filters["safe_link"] = safe_link


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_TEMPLATES.get_template(name).render(**context), status_code=status)


def differing(item: ReviewItem) -> tuple[list[str], list[str]]:
    """What to mark in each claim: the two sides of each "...: A vs B" difference."""
    new, old = [], []
    for difference in item.differences:
        parts = difference.split(": ", 1)[-1].split(" vs ")
        if len(parts) == 2:
            new.append(parts[0].strip())
            old.append(parts[1].strip())
    return new, old


def page_session(request: Request, conn: Db) -> sessions.Session:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired
    try:
        return sessions.session_for(conn, token)
    except AuthenticationFailed:
        raise SignInRequired from None


Me = Annotated[sessions.Session, Depends(page_session)]


def check_csrf(session: sessions.Session, sent: str) -> None:
    if not secrets.compare_digest(session.csrf_token, sent):
        raise NotAllowed("the form is stale or forged (CSRF token); reload the page")


def local_path(target: str) -> str:
    """`target` when it is a path on this site; "/" otherwise (no open redirects)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = render("signin.html", me=None, csrf=token, next=local_path(next))
    response.set_cookie(
        SIGN_IN_COOKIE, token, httponly=True, samesite="strict", secure=_https(request)
    )
    return response


@router.post("/signin", response_class=HTMLResponse)
def signin(
    request: Request,
    conn: Db,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf):
        return render("signin.html", 403, me=None, csrf=expected, next="/",
                      error="The form is stale; reload the page and sign in again.")  # fmt: skip
    address = request.client.host if request.client else "unknown"
    try:
        token, _session = sessions.start_session(conn, name, password, address)
    except sessions.TooManyAttempts as exc:
        return render("signin.html", 429, me=None, csrf=expected, next="/", error=str(exc))
    except AuthenticationFailed:
        return render("signin.html", 401, me=None, csrf=expected, next=local_path(next),
                      error="Wrong name or password.")  # fmt: skip
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_https(request),
        max_age=sessions.SESSION_LIFETIME_S,
    )
    response.delete_cookie(SIGN_IN_COOKIE)
    return response


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


@router.post("/signout")
def signout(request: Request, conn: Db, me: Me, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(me, csrf)
    sessions.end_session(conn, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def queue_page(conn: Db, me: Me, notice: str = "") -> Response:
    counts = queue.counts(conn)
    open_items = [i for i in queue.list_items(conn, None, 100) if i.status != "decided"]
    return render("queue.html", me=me.account, csrf=me.csrf_token, items=open_items,
                  notice=notice[:200], **counts)  # fmt: skip


@router.post("/queue/next")
def next_page(request: Request, conn: Db, me: Me, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(me, csrf)
    item = queue.next_item(conn, me.account, request.app.state.settings.review_lease_s)
    if item is None:
        return RedirectResponse("/?notice=" + quote("Nothing is waiting."), status_code=303)
    return RedirectResponse(f"/items/{item.id}", status_code=303)


def item_page(
    conn: Connection, me: sessions.Session, item_id: int, status: int = 200, **extra: Any
) -> Response:
    item = queue.view_item(conn, item_id)
    claim = views.claim_detail(conn, item.claim.id)
    new_marks, old_marks = differing(item)
    mine = item.status == "leased" and item.leased_by == me.account.name
    return render("item.html", status, me=me.account, csrf=me.csrf_token, item=item, claim=claim,
                  mine=mine, ratings=RATINGS, new_marks=new_marks, old_marks=old_marks,
                  **extra)  # fmt: skip


@router.get("/items/{item_id}", response_class=HTMLResponse)
def show_item(item_id: int, conn: Db, me: Me, notice: str = "") -> Response:
    return item_page(conn, me, item_id, notice=notice[:200])


@router.post("/items/{item_id}/decide")
def decide_page(
    item_id: int,
    request: Request,
    conn: Db,
    me: Me,
    action: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    rating: Annotated[str | None, Form()] = None,
    note: Annotated[str, Form(max_length=10_000)] = "",
    evidence: Annotated[str, Form(max_length=2_000)] = "",
    whole_family: Annotated[bool, Form()] = False,
    publish: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(me, csrf)
    decision = queue.Decision(
        action,
        rating if action == "verdict" else None,
        note,
        (evidence.strip(),) if evidence.strip() else (),
        whole_family,
        publish,
    )
    return _act(conn, me, item_id, lambda: queue.decide(conn, me.account, item_id, decision),
                "Decided item")  # fmt: skip


@router.post("/items/{item_id}/skip")
def skip_page(
    item_id: int,
    conn: Db,
    me: Me,
    csrf: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2_000)] = "",
) -> Response:
    check_csrf(me, csrf)
    return _act(conn, me, item_id, lambda: queue.skip(conn, me.account, item_id, reason),
                "Skipped item")  # fmt: skip


@router.post("/items/{item_id}/release")
def release_page(item_id: int, conn: Db, me: Me, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(me, csrf)
    return _act(conn, me, item_id, lambda: queue.release(conn, me.account, item_id),
                "Released item")  # fmt: skip


@router.post("/items/{item_id}/reopen")
def reopen_page(item_id: int, conn: Db, me: Me, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(me, csrf)
    queue.reopen(conn, me.account, item_id, "reopened in the web app")
    return RedirectResponse(f"/items/{item_id}?notice=" + quote("Reopened."), status_code=303)


def _act(conn: Connection, me: sessions.Session, item_id: int, change: Any, done: str) -> Response:
    """Make the change and go back to the queue; a conflict shows the item with the reason."""
    try:
        change()
    except NotFound:
        raise
    except (ReviewError, InputError) as exc:
        return item_page(conn, me, item_id, status_of(exc), error=str(exc))
    notice = quote(f"{done} {item_id}. Press n for the next one.")
    return RedirectResponse(f"/?notice={notice}", status_code=303)


@router.get("/families/{family_id}", response_class=HTMLResponse)
def family_page(family_id: int, conn: Db, me: Me, notice: str = "") -> Response:
    family = views.family_detail(conn, family_id)
    return render("family.html", me=me.account, csrf=me.csrf_token, family=family,
                  ratings=RATINGS, notice=notice[:200])  # fmt: skip


@router.post("/families/{family_id}/decide")
def decide_family_page(
    family_id: int,
    conn: Db,
    me: Me,
    action: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    rating: Annotated[str | None, Form()] = None,
    note: Annotated[str, Form(max_length=10_000)] = "",
    publish: Annotated[bool, Form()] = False,
) -> Response:
    """One decision on every undecided item of the family (bulk)."""
    check_csrf(me, csrf)
    whole_family = action == "verdict"
    decision = queue.Decision(action, rating if whole_family else None, note, (), whole_family,
                              publish)  # fmt: skip
    try:
        decided, held = queue.decide_family(conn, me.account, family_id, decision)
    except (ReviewError, InputError, NotFound) as exc:  # NotFound: nothing left to decide
        family = views.family_detail(conn, family_id)
        return render("family.html", status_of(exc), me=me.account, csrf=me.csrf_token,
                      family=family, ratings=RATINGS, error=str(exc))  # fmt: skip
    notice = f"Decided {len(decided)} item(s) of this family."
    if held:
        notice += f" Left {len(held)} that other reviewers hold: {', '.join(map(str, held))}."
    return RedirectResponse(f"/families/{family_id}?notice={quote(notice)}", status_code=303)


@router.get("/history", response_class=HTMLResponse)
def history_page(conn: Db, me: Me) -> Response:
    entries = queue.history(conn, me.account, limit=200)
    return render("history.html", me=me.account, csrf=me.csrf_token, entries=entries)
