"""The command line as a user runs it: a separate process, real database, one-line errors."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from subprocess import PIPE

import pytest

from schemas.settings import Settings
from tasks.fetching.fetch import fetch_document
from tasks.ingest import ingest_targets
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
CLAIM_KEYS = {
    "id",
    "article_id",
    "article_url",
    "source",
    "published_at",
    "text",
    "speaker",
    "quantities",
    "polarity",
    "checkworthiness",
}
FLAG_KEYS = {
    "id",
    "kind",
    "claim_id",
    "claim_text",
    "matched_claim_id",
    "matched_claim_text",
    "score",
    "reason",
    "status",
}


def claimtrack(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    """Run the CLI as a user would. A run past its timeout is aborted with every thread's
    stack printed (faulthandler), so that a hang says where it hung."""
    full_env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PYTHONFAULTHANDLER": "1",
        **(env or {}),
    }
    command = [sys.executable, "-m", "cli", *args]
    with subprocess.Popen(
        command, cwd=ROOT, env=full_env, stdout=PIPE, stderr=PIPE, text=True
    ) as running:
        try:
            stdout, stderr = running.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            running.send_signal(signal.SIGABRT)
            stdout, stderr = running.communicate()
            pytest.fail(f"claimtrack {' '.join(args)} hung for {timeout} s:\n{stderr[-8000:]}")
    return subprocess.CompletedProcess(command, running.returncode, stdout, stderr)


def assert_one_line_error(result, words: str):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("claimtrack: error:"), result.stderr
    assert words in lines[0]
    assert "Traceback" not in result.stderr


@pytest.fixture
def filled_db(db_url: str) -> str:
    settings = Settings(database_url=db_url)
    articles = sorted(str(p) for p in (FIXTURES / "articles").glob("*.html"))
    from tasks.storage.database import connect

    with connect(db_url) as conn:
        ingest_targets(
            conn,
            articles,
            settings=settings,
            fetch=lambda t, _validators: fetch_document(t, settings),
            source="fixtures",
        )
    return db_url


def test_claims_jsonl_has_the_documented_fields(filled_db):
    result = claimtrack("claims", "--format", "jsonl", env={"DATABASE_URL": filled_db})
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(row.keys() >= CLAIM_KEYS for row in rows)
    assert {row["source"] for row in rows} == {"fixtures"}
    assert any(q["kind"] == "count" for row in rows for q in row["quantities"])


def test_flags_jsonl_has_the_documented_fields(filled_db):
    result = claimtrack("flags", "--format", "jsonl", env={"DATABASE_URL": filled_db})
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["kind"] for row in rows} == {"repeat", "contradiction"}
    assert all(row.keys() >= FLAG_KEYS for row in rows)


def test_table_output_and_listing_do_not_import_prefect(filled_db):
    code = (
        "import sys; from cli.main import main; main(['flags']); "
        "print('PREFECT' if 'prefect' in sys.modules else 'NO-PREFECT')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": filled_db},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "contradiction" in result.stdout
    assert result.stdout.strip().endswith("NO-PREFECT")


def test_missing_file_is_one_clear_line():
    assert_one_line_error(claimtrack("ingest", "no/such/article.html"), "no such file")


def test_unreachable_database_is_one_clear_line():
    result = claimtrack("claims", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"})
    assert_one_line_error(result, "database unavailable")


def test_embedded_database_that_cannot_start_is_one_clear_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = claimtrack(
        "claims", env={"DATABASE_URL": "", "CLAIMTRACK_HOME": str(blocker / "home")}
    )
    assert_one_line_error(result, "CLAIMTRACK_HOME")


def test_invalid_setting_is_one_clear_line():
    result = claimtrack("claims", env={"CLAIMTRACK_CHECKWORTHINESS_THRESHOLD": "2"})
    assert_one_line_error(result, "CLAIMTRACK_CHECKWORTHINESS_THRESHOLD")


def test_db_status_does_not_start_anything(tmp_path):
    result = claimtrack("db", "status", env={"DATABASE_URL": "", "CLAIMTRACK_HOME": str(tmp_path)})
    assert result.returncode == 0
    assert "not initialised" in result.stdout
    assert not (tmp_path / "postgres").exists()


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        env = "DATABASE_URL" if name == "database_url" else f"CLAIMTRACK_{name.upper()}"
        assert env in readme, f"{env} is not documented in README.md"


def test_readme_defaults_agree_with_the_settings():
    """Each settings row of the README whose default is a literal shows the code's default."""
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `(CLAIMTRACK_[A-Z_]+)` \| `([^`]*)` \|", readme, flags=re.MULTILINE)
    checked = 0
    for env, shown in rows:
        field = Settings.model_fields[env.removeprefix("CLAIMTRACK_").lower()]
        default = field.default
        if default is None or callable(field.default_factory) or "…" in shown:
            continue
        if isinstance(default, bool):
            assert shown == str(default).lower(), env
        elif isinstance(default, int | float):
            assert float(shown.replace("_", "")) == float(default), (env, shown, default)
        else:
            assert shown == str(default), env
        checked += 1
    assert checked >= 20


def test_flags_can_be_listed_by_kind(filled_db):
    result = claimtrack(
        "flags", "--format", "jsonl", "--kind", "contradiction", env={"DATABASE_URL": filled_db}
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {row["kind"] for row in rows} == {"contradiction"}
