"""`claimtrack doctor`: each part claimtrack needs, checked, with what to do when it fails.

Nothing is started or changed: a stopped server is reported, not started.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from schemas.settings import Settings
from tasks.errors import ClaimtrackError
from tasks.operations import stack
from tasks.storage.database import (
    Connection,
    applied_versions,
    connect,
    migration_files,
    running_database_url,
)

MIN_SERVER_VERSION = 150000
MIN_FREE_BYTES = 1 << 30
REQUIRED_EXTENSIONS = ("pg_trgm", "intarray")
CHECKS = ("settings", "database", "migrations", "prefect-server", "prefect-worker", "disk")


@dataclass(frozen=True)
class Finding:
    """One check: ok, warn (works, but worth a look) or fail, what was seen, and the fix."""

    check: str
    status: str
    detail: str
    fix: str = ""


def run_checks(settings: Settings, skip: Sequence[str] = ()) -> list[Finding]:
    findings: list[Finding] = []
    checks: dict[str, Callable[[Settings], list[Finding]]] = {
        "settings": _settings,
        "database": _database,
        "migrations": _migrations,
        "prefect-server": _prefect_server,
        "prefect-worker": _prefect_worker,
        "disk": _disk,
    }
    for name, check in checks.items():
        if name in skip:
            continue
        try:
            findings.extend(check(settings))
        except Exception as exc:  # a check that breaks is itself a finding
            findings.append(Finding(name, "fail", f"the check itself failed: {exc}"))
    return findings


def _settings(settings: Settings) -> list[Finding]:
    from tasks.alerts.channels import parse_channels

    found = [Finding("settings", "ok", "every CLAIMTRACK_ setting is valid")]
    try:
        parse_channels(settings.alert_channels)
    except Exception as exc:
        found.append(
            Finding(
                "settings",
                "fail",
                f"CLAIMTRACK_ALERT_CHANNELS: {exc}",
                "fix the channel URL (see `claimtrack settings`)",
            )
        )
    return found


def _connect(settings: Settings) -> Connection | Finding:
    url = running_database_url(settings)
    if url is None:
        return Finding(
            "database",
            "fail",
            f"the embedded PostgreSQL in {settings.postgres_dir} is not running",
            "start it: `claimtrack db start` (or the whole stack: `claimtrack up`)",
        )
    try:
        return connect(url, migrate=False)  # only looks: never migrates
    except ClaimtrackError as exc:
        first = str(exc).strip().splitlines()[0].removeprefix("database unavailable: ")
        fix = (
            "check DATABASE_URL (host, port, user, password) and that the server runs"
            if settings.database_url
            else f"see {settings.postgres_dir / 'log'}, then `claimtrack db start`"
        )
        return Finding("database", "fail", f"cannot connect: {first}", fix)


def _database(settings: Settings) -> list[Finding]:
    conn = _connect(settings)
    if isinstance(conn, Finding):
        return [conn]
    with conn:
        version = conn.info.server_version
        # installed extensions are listed too: their control files are on the server
        rows = conn.execute("SELECT name FROM pg_available_extensions").fetchall()
        available = {row["name"] for row in rows}
    major = f"{version // 10000}.{version % 10000}"
    found = [Finding("database", "ok", f"reachable, PostgreSQL {major}")]
    if version < MIN_SERVER_VERSION:
        found.append(
            Finding(
                "database",
                "fail",
                f"PostgreSQL {major} is older than 15",
                "upgrade the server to PostgreSQL 15 or later",
            )
        )
    for extension in REQUIRED_EXTENSIONS:
        if extension not in available:
            found.append(
                Finding(
                    "database",
                    "fail",
                    f"extension {extension} is not available",
                    "install PostgreSQL's contrib modules on the server (postgresql-contrib)",
                )
            )
    if "vector" not in available:
        found.append(
            Finding(
                "database",
                "fail" if settings.embedding_model.strip().lower() != "none" else "warn",
                "extension vector (pgvector) is not available: no semantic matching",
                "install pgvector on the server (or set CLAIMTRACK_EMBEDDING_MODEL=none)",
            )
        )
    return found


def _migrations(settings: Settings) -> list[Finding]:
    conn = _connect(settings)
    if isinstance(conn, Finding):
        return [Finding("migrations", "fail", "database unreachable", conn.fix)]
    with conn:
        applied = applied_versions(conn)
    shipped = {version for version, _, _ in migration_files()}
    pending = sorted(shipped - applied)
    newer = sorted(applied - shipped)
    if newer:
        return [
            Finding(
                "migrations",
                "fail",
                f"the database has migrations this claimtrack does not know: {newer}",
                "upgrade claimtrack to the version that migrated this database",
            )
        ]
    if pending:
        return [
            Finding(
                "migrations",
                "fail",
                f"{len(pending)} migrations not applied (from {pending[0]:04d})",
                "apply them: `claimtrack db migrate`",
            )
        ]
    return [Finding("migrations", "ok", f"all {len(shipped)} migrations applied")]


def prefect_api(settings: Settings) -> str | None:
    return os.environ.get("PREFECT_API_URL") or stack.running_prefect_api(settings)


def _prefect_server(settings: Settings) -> list[Finding]:
    api = prefect_api(settings)
    if api is None:
        return [
            Finding(
                "prefect-server",
                "fail",
                "no Prefect server: PREFECT_API_URL is unset and `claimtrack up` is not running",
                "start the stack (`claimtrack up`) or set PREFECT_API_URL; without one, flow "
                "commands start a temporary server and nothing is scheduled",
            )
        ]
    try:
        answer = httpx.get(api.rstrip("/") + "/health", timeout=5)
        healthy = answer.status_code == 200
        detail = f"HTTP {answer.status_code}"
    except httpx.HTTPError as exc:
        healthy, detail = False, str(exc) or type(exc).__name__
    if not healthy:
        return [
            Finding(
                "prefect-server",
                "fail",
                f"{api} does not answer ({detail})",
                "start it (`claimtrack up`), or fix PREFECT_API_URL",
            )
        ]
    return [Finding("prefect-server", "ok", f"{api} answers")]


def _prefect_worker(settings: Settings) -> list[Finding]:
    from flows.deployments import WORK_POOL

    scheduler = stack.read_pids(settings).get("scheduler")
    if stack.alive(scheduler):
        return [
            Finding(
                "prefect-worker", "ok", f"`claimtrack serve` runs the schedules (pid {scheduler})"
            )
        ]
    api = prefect_api(settings)
    if api is None:
        return [
            Finding(
                "prefect-worker",
                "fail",
                "no Prefect server, so no worker",
                "start the stack (`claimtrack up`)",
            )
        ]
    try:
        pool = httpx.get(f"{api.rstrip('/')}/work_pools/{WORK_POOL}", timeout=5)
        workers = httpx.post(
            f"{api.rstrip('/')}/work_pools/{WORK_POOL}/workers/filter", json={}, timeout=5
        )
    except httpx.HTTPError as exc:
        return [Finding("prefect-worker", "fail", f"cannot ask {api}: {exc}", "")]
    if pool.status_code == 404:
        return [
            Finding(
                "prefect-worker",
                "fail",
                f"no work pool {WORK_POOL!r} and no `claimtrack serve` running",
                f"`prefect work-pool create {WORK_POOL} --type process`, `prefect deploy --all "
                "--prefect-file deploy/prefect.yaml` and `prefect worker start --pool "
                f"{WORK_POOL}`; or, on one machine, `claimtrack up`",
            )
        ]
    online = [w for w in workers.json() if w.get("status") == "ONLINE"]
    if not online:
        return [
            Finding(
                "prefect-worker",
                "fail",
                f"work pool {WORK_POOL!r} has no worker online: scheduled runs wait",
                f"start one: `prefect worker start --pool {WORK_POOL}`",
            )
        ]
    names = ", ".join(w["name"] for w in online[:5])
    return [Finding("prefect-worker", "ok", f"{len(online)} workers online ({names})")]


def _disk(settings: Settings) -> list[Finding]:
    folder = settings.home
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    usage = shutil.disk_usage(folder)
    free_gib = usage.free / (1 << 30)
    detail = f"{free_gib:.1f} GiB free of {usage.total / (1 << 30):.1f} GiB at {folder}"
    if usage.free < MIN_FREE_BYTES or usage.free < usage.total * 0.05:
        return [
            Finding(
                "disk",
                "fail",
                detail,
                "free space (PostgreSQL stops writing on a full disk); `claimtrack db backup` "
                "then prune old fetch logs (the prune-fetch-log deployment)",
            )
        ]
    writable = os.access(folder, os.W_OK)
    if not writable:
        return [Finding("disk", "fail", f"{folder} is not writable", "set CLAIMTRACK_HOME")]
    return [Finding("disk", "ok", detail)]
