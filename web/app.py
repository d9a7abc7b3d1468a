"""`claimtrack web`: the reviewers' JSON API (and, later, its pages) on FastAPI.

Requests run in FastAPI's thread pool on connections from a psycopg pool; every queue change goes
through tasks/review/queue.py, whose errors become HTTP answers here, in one place: a decided item
or a lost lease is 409, a role that may not is 403, a wrong token 401, a missing item 404, bad
input 422, and a database that cannot be reached 503. Nothing but /healthz and /openapi.json
answers without an API token, and of the pages only the sign-in form without a session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, ConnectionPool

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
    # (whose candidate retrieval needs plans made for its parameters), PostgreSQL's own choice of
    # plan: psycopg prepares a query run five times, and the queue's queries, which join up to
    # eight tables by key, then run on a generic plan (planning them anew cost 2 ms a request)
    conn.execute("SET jit = off")


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
            # autocommit: a read is one round trip, not BEGIN, query and COMMIT; every change
            # runs in its own `with conn.transaction()` block all the same
            kwargs={"row_factory": dict_row, "autocommit": True},
            configure=_configure,
            open=False,
        )
        # the dashboards' side queries (tasks.reporting.dashboards.dashboard) run on their own
        # pool: a request waiting for one never holds one, so dashboards cannot starve each other
        side_pool = ConnectionPool(
            database_url,
            min_size=1,
            max_size=max(2, settings.web_pool_size // 2),
            kwargs={"row_factory": dict_row, "autocommit": True},
            configure=_configure,
            open=False,
        )
        # API tokens are checked on the event loop, before the request's body is looked at:
        # a query there costs less than a trip to a worker thread
        token_pool = AsyncConnectionPool(
            database_url,
            min_size=1,
            max_size=4,
            kwargs={"row_factory": dict_row, "autocommit": True},
            open=False,
        )
        with wrap_exceptions():
            pool.open(wait=True, timeout=30)
            side_pool.open(wait=True, timeout=30)
            await token_pool.open(wait=True, timeout=30)
        app.state.pool = pool
        app.state.side_pool = side_pool
        app.state.token_pool = token_pool
        try:
            yield
        finally:
            await token_pool.close()
            side_pool.close()
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

    from web import account_pages, api, dashboard_pages, pages

    @app.exception_handler(pages.SignInRequired)
    async def sign_in_first(request: Request, _exc: pages.SignInRequired) -> RedirectResponse:
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/signin?next={target}", status_code=303)

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(account_pages.router)
    app.include_router(dashboard_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def app_from_environment() -> FastAPI:
    """The app of one of `claimtrack web --workers N`'s processes, set up from the environment."""
    from schemas.settings import get_settings
    from tasks.storage.database import resolve_database_url

    settings = get_settings()
    return create_app(settings, resolve_database_url(settings))


def database(request: Request) -> Iterator[Connection]:
    """A pooled connection for one request (committed when the request succeeds)."""
    with wrap_exceptions(), request.app.state.pool.connection() as conn:
        yield conn


Db = Annotated[Connection, Depends(database)]
bearer = HTTPBearer(auto_error=False, description="an API token from `claimtrack users token`")


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
Result = TypeVar("Result")


async def signed_in(request: Request, credentials: Credentials) -> Account:
    """The account of the request's bearer token; 401 without a valid one. A dependency, so that
    a request without a valid token is refused before its body is looked at (no 422 to it)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationFailed("sign in: send 'Authorization: Bearer TOKEN'")
    with wrap_exceptions():
        async with request.app.state.token_pool.connection() as conn:
            return await accounts.account_for_token_async(conn, credentials.credentials)


async def in_worker_thread(request: Request, work: Callable[[Connection], Result]) -> Result:
    """`work` done on one pooled connection in one trip to a worker thread. The API's routes use
    this rather than the Db dependency: FastAPI runs a sync dependency, and the start and the end
    of one that yields, in worker threads of their own, and under many reviewers those trips
    cost a quarter of the server's time."""

    def on_pooled_connection() -> Result:
        with wrap_exceptions(), request.app.state.pool.connection() as conn:
            return work(conn)

    return await run_in_threadpool(on_pooled_connection)
