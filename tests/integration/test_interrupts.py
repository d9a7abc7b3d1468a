"""The command line under signals and with secrets: Ctrl-C to the whole process group or a
SIGTERM ends a run with "interrupted" and exit 130, the run recorded as failed; passwords are
masked in what the CLI prints; as root, closed parent folders are not opened behind the user's
back."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from tasks.errors import DatabaseUnavailable
from tasks.storage import embedded_server
from tasks.storage.database import connect
from tests.integration.test_cli import ROOT, claimtrack
from tests.scriptedserver import Handler, scripted_site

pytestmark = pytest.mark.integration


def hang(handler: Handler) -> None:
    time.sleep(30)
    handler.send(503, b"too late")


def start_ingest(db_url: str, url: str, port: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DATABASE_URL": db_url,
        "CLAIMTRACK_ALLOW_HOSTS": f"127.0.0.1:{port}",
        "CLAIMTRACK_RESPECT_ROBOTS": "false",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "ingest", url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a foreground job
    )


def wait_for(condition, seconds: float) -> None:
    ends = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError("timed out waiting")
        time.sleep(0.2)


@pytest.mark.prefect
@pytest.mark.parametrize("how", ["ctrl-c to the group", "sigterm"])
def test_an_interrupted_ingest_says_so_and_closes_its_run(db_url, how):
    with scripted_site({"/hang": hang}) as site:
        process = start_ingest(db_url, site.url("/hang"), site.port)
        try:
            wait_for(lambda: site.hits.get("/hang"), 120)  # the flow is fetching
            if how == "sigterm":
                process.send_signal(signal.SIGTERM)
            else:
                os.killpg(process.pid, signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("claimtrack: error: interrupted"), stderr
    assert "Traceback" not in stderr and "ConnectError" not in stderr
    with connect(db_url) as conn:
        runs = conn.execute("SELECT status, error FROM ingest_runs").fetchall()
    assert [(r["status"], r["error"]) for r in runs] == [("failed", "interrupted")]


def test_passwords_are_masked_in_settings_and_db_url():
    env = {"DATABASE_URL": "postgresql://ann:s3cret-pw@db.invalid:5432/claims"}
    shown = claimtrack("settings", env=env)
    assert shown.returncode == 0 and "s3cret-pw" not in shown.stdout
    assert "DATABASE_URL=postgresql://ann:***@db.invalid:5432/claims" in shown.stdout
    masked = claimtrack("db", "url", env=env)
    assert masked.stdout.strip() == "postgresql://ann:***@db.invalid:5432/claims"
    revealed = claimtrack("db", "url", "--show-password", env=env)
    assert "s3cret-pw" in revealed.stdout


def test_a_source_url_with_credentials_is_refused(db_url):
    result = claimtrack(
        "sources",
        "add",
        "private",
        "https://ann:s3cret-pw@example.org/feed.xml",
        env={"DATABASE_URL": db_url},
    )
    assert result.returncode == 2
    assert "s3cret-pw" not in result.stderr and "plain text" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="only root's embedded server changes parents")
def test_closed_parent_folders_are_not_opened_without_permission(tmp_path):
    closed = tmp_path / "private"
    closed.mkdir(mode=0o700)
    closed.chmod(0o700)
    data_dir = closed / "claimtrack" / "postgres"
    with pytest.raises(DatabaseUnavailable) as caught:
        embedded_server.start(data_dir)
    message = str(caught.value)
    assert f"chmod go+rx {tmp_path}" in message or f"{closed}" in message
    assert "CLAIMTRACK_ALLOW_PARENT_CHMOD" in message
    assert stat.S_IMODE(closed.stat().st_mode) == 0o700  # untouched
    result = claimtrack(
        "db", "start", env={"DATABASE_URL": "", "CLAIMTRACK_HOME": str(closed / "claimtrack")}
    )
    assert result.returncode == 2 and "CLAIMTRACK_ALLOW_PARENT_CHMOD" in result.stderr
    assert stat.S_IMODE(closed.stat().st_mode) == 0o700
