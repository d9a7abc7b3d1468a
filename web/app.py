"""`claimtrack web`: the reviewers' JSON API (and, later, its pages) on FastAPI.

Requests run in FastAPI's thread pool on connections from a psycopg pool; every queue change goes
through tasks/review/queue.py, whose errors become HTTP answers here, in one place: a decided item
or a lost lease is 409, a role that may not is 403, a wrong token 401, a missing item 404, bad
input 422, and a database that cannot be reached 503. Nothing but /healthz and /openapi.json
answers without an API token, and of the pages only the sign-in form without a session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from schemas.review import Account
from schemas.settings import Settings
from tasks.errors import (
    AuthenticationFailed,
    ClaimtrackError,
    DatabaseUnavailable,
    InputError,
    NotAllowed,
    NotFound,
    QueueConflict,
)
from tasks.review import accounts
from tasks.storage.database import Connection, apply_migrations, connect, wrap_exceptions

STATUS_OF_ERROR: tuple[tuple[type[ClaimtrackError], int], ...] = (
    (QueueConflict, 409),
    (NotAllowed, 403),
    (AuthenticationFailed, 401),
    (NotFound, 404),
    (InputError, 422),
    (DatabaseUnavailable, 503),
)


def status_of(exc: ClaimtrackError) -> int:
    """The HTTP status that answers one of our errors (400 for those not listed)."""
    return next((code for kind, code in STATUS_OF_ERROR if isinstance(exc, kind)), 400)


PUBLIC_PATHS = ("/healthz", "/openapi.json", "/signin")
STATIC = Path(__file__).parent / "static"


def _configure(conn: Any) -> None:
    # no JIT (our queries are short), as tasks.storage.database.connect; but, unlike ingestion
    # (whose candidate retrieval needs plans made for its parameters), generic plans: the queue's
    # queries join up to eight tables by key, and planning them anew cost 2 ms a request
    conn.execute("SET jit = off")
    conn.commit()


def create_app(settings: Settings, database_url: str) -> FastAPI:
    """The app, serving the database at `database_url` (migrated first)."""
    with connect(database_url) as conn:
        apply_migrations(conn)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = ConnectionPool(
            database_url,
            min_size=2,
            max_size=settings.web_pool_size,
            kwargs={"row_factory": dict_row},
            configure=_configure,
            open=False,
        )
        with wrap_exceptions():
            pool.open(wait=True, timeout=30)
        app.state.pool = pool
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="claimtrack",
        summary="The reviewers' queue of repeated and contradicted claims",
        version="0.1",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings

    @app.exception_handler(ClaimtrackError)
    async def claimtrack_error(_request: Request, exc: ClaimtrackError) -> JSONResponse:
        status = status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": str(exc)}, status_code=status, headers=headers)

    @app.get("/healthz", tags=["health"])
    def healthz(request: Request) -> dict[str, str]:
        """Answers 200 while the app can reach its database (no sign-in)."""
        with request.app.state.pool.connection() as conn, wrap_exceptions():
            conn.execute("SELECT 1")
        return {"status": "ok"}

    from web import api, pages

    @app.exception_handler(pages.SignInRequired)
    async def sign_in_first(request: Request, _exc: pages.SignInRequired) -> RedirectResponse:
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/signin?next={target}", status_code=303)

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def database(request: Request) -> Iterator[Connection]:
    """A pooled connection for one request (committed when the request succeeds)."""
    with wrap_exceptions(), request.app.state.pool.connection() as conn:
        yield conn


Db = Annotated[Connection, Depends(database)]
bearer = HTTPBearer(auto_error=False, description="an API token from `claimtrack users token`")


def signed_in(
    conn: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Account:
    """The account of the request's bearer token; 401 without a valid one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationFailed("sign in: send 'Authorization: Bearer TOKEN'")
    return accounts.account_for_token(conn, credentials.credentials)
