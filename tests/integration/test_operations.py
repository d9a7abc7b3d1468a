"""Operations from the command line: `doctor` on a healthy and a broken setup, a backup and
restore round trip with PostgreSQL's own tools, JSON log lines, the task runner setting."""

from __future__ import annotations

import json
import socket

import pytest

from flows.runners import task_runner_for
from schemas.settings import Settings
from tasks.errors import ConfigurationError
from tasks.storage import store
from tasks.storage.database import connect
from tests.conftest import FIXTURES
from tests.integration.test_cli import claimtrack

pytestmark = pytest.mark.integration
ARTICLE = str(FIXTURES / "articles" / "01-valley-post-reservoir.html")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_doctor_passes_a_healthy_database(db_url, tmp_path):
    env = {"DATABASE_URL": db_url, "CLAIMTRACK_HOME": str(tmp_path), "PREFECT_API_URL": ""}
    checked = claimtrack("doctor", "--skip", "prefect-server", "--skip", "prefect-worker", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "all" in checked.stdout and "checks passed" in checked.stdout
    assert "migrations      all" in checked.stdout


def test_doctor_says_what_to_fix_and_exits_non_zero(tmp_path):
    broken = f"postgresql://nobody:secret@127.0.0.1:{closed_port()}/claimtrack"
    env = {"DATABASE_URL": broken, "CLAIMTRACK_HOME": str(tmp_path), "PREFECT_API_URL": ""}
    checked = claimtrack("doctor", "--format", "jsonl", env=env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    findings = {f["check"]: f for f in map(json.loads, checked.stdout.splitlines())}
    assert findings["database"]["status"] == "fail"
    assert "check DATABASE_URL" in findings["database"]["fix"]
    assert findings["migrations"]["status"] == "fail"
    assert findings["prefect-server"]["status"] == "fail"
    assert "claimtrack up" in findings["prefect-server"]["fix"]
    assert findings["disk"]["status"] == "ok"
    assert "secret" not in checked.stdout


def test_a_backup_restores_what_was_lost(db_url, tmp_path):
    env = {"DATABASE_URL": db_url, "CLAIMTRACK_HOME": str(tmp_path)}
    with connect(db_url) as conn:
        store.add_source(
            conn,
            name="kept",
            kind="feed",
            url="http://127.0.0.1:1/f.xml",
            schedule_minutes=5,
            max_articles=3,
        )
        conn.execute(
            "INSERT INTO articles (url, fetched_url, title) VALUES ('http://x/1', 'http://x/1', "
            "'before the backup')"
        )
        conn.commit()
    dump = tmp_path / "claimtrack.dump"
    saved = claimtrack("db", "backup", str(dump), env=env)
    assert saved.returncode == 0, saved.stderr
    assert dump.stat().st_size > 0 and not (tmp_path / "claimtrack.dump.partial").exists()
    with connect(db_url) as conn:
        conn.execute("DELETE FROM articles")
        conn.execute("DELETE FROM sources")
        conn.commit()
    refused = claimtrack("db", "restore", str(dump), env=env)  # no terminal, no --yes
    assert refused.returncode == 2 and "--yes" in refused.stderr
    restored = claimtrack("db", "restore", str(dump), "--yes", env=env)
    assert restored.returncode == 0, restored.stderr
    with connect(db_url) as conn:
        assert [s.name for s in store.list_sources(conn)] == ["kept"]
        (title,) = conn.execute("SELECT title FROM articles").fetchall()
        assert title["title"] == "before the backup"
    missing = claimtrack("db", "restore", str(tmp_path / "nope.dump"), "--yes", env=env)
    assert missing.returncode == 2 and "no such backup file" in missing.stderr


def test_json_logs_are_one_object_a_line(db_url, tmp_path):
    env = {
        "DATABASE_URL": db_url,
        "CLAIMTRACK_HOME": str(tmp_path),
        "CLAIMTRACK_LOG_FORMAT": "json",
    }
    failed = claimtrack("ingest", str(tmp_path / "missing.html"), env=env)
    assert failed.returncode == 2
    (line,) = failed.stderr.strip().splitlines()
    record = json.loads(line)
    assert record["level"] == "error" and record["event"] == "error"
    assert "missing.html: no such file" in record["message"]
    assert record["time"].endswith("+00:00")


def test_the_task_runner_setting_picks_prefects_runner():
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    assert isinstance(task_runner_for(Settings(task_runner="threads"), 2), ThreadPoolTaskRunner)
    assert isinstance(task_runner_for(Settings(task_runner="processes"), 2), ProcessPoolTaskRunner)
    with pytest.raises(ConfigurationError, match="pip install prefect-dask"):
        task_runner_for(Settings(task_runner="dask"), 2)


def test_bench_load_runs_users_and_an_ingestion_and_ends_with_its_figures(db_url, tmp_path):
    env = {"DATABASE_URL": db_url, "CLAIMTRACK_HOME": str(tmp_path)}
    ran = claimtrack("bench", "load", "--users", "4", "--seconds", "4", env=env, timeout=240)
    assert ran.returncode == 0, ran.stderr
    figures = dict(pair.split("=") for pair in ran.stdout.strip().splitlines()[-1].split())
    assert list(figures)[-4:] == ["requests", "errors", "p95_ms", "ingest_articles_per_s"]
    assert int(figures["requests"]) > 4 and figures["errors"] == "0"
    assert float(figures["ingest_articles_per_s"]) > 0
