"""`claimtrack web`: serve the reviewers' JSON API on a host and port."""

from __future__ import annotations

import argparse

from cli.terminal import positive_int
from schemas.settings import Settings


def add_web_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    web = commands.add_parser(
        "web",
        help="serve the reviewers' JSON API (and /openapi.json)",
        description="Serve the reviewers' queue over HTTP: the JSON API under /api/ (send "
        "'Authorization: Bearer TOKEN', from `claimtrack users token NAME`), its OpenAPI "
        "document at /openapi.json and /healthz. Stop with Ctrl-C.",
    )
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=positive_int, default=8000, help="port (default 8000)")
    web.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="server processes (default 1): one runs Python on one core at a time; give "
        "more on a machine with cores to spare (each holds CLAIMTRACK_WEB_POOL_SIZE connections)",
    )


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    import os

    import uvicorn

    from tasks.storage.database import resolve_database_url
    from web.app import create_app

    url = resolve_database_url(settings)
    app = create_app(settings, url)  # migrates the database and checks the settings first
    print(f"serving on http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    if args.workers == 1:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
        return 0
    # each worker process builds its app from the environment, so it must name the database
    os.environ["DATABASE_URL"] = url
    uvicorn.run(
        "web.app:app_from_environment",
        factory=True,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_level="warning",
    )
    return 0
