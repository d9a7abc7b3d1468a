"""The Prefect flow itself, in Prefect's local mode, and `claimtrack ingest` end to end."""

import json

import pytest

from flows.cli import sample_articles
from schemas.settings import get_settings
from tests.conftest import FIXTURES
from tests.integration.test_cli import claimtrack

pytestmark = [pytest.mark.integration, pytest.mark.prefect]


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def env_database(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def test_ingest_flow_runs_the_demo_articles(prefect_harness, env_database):
    from flows.ingest import ingest_flow

    report = ingest_flow(sample_articles())
    assert [o.status for o in report.outcomes] == ["ingested"] * len(sample_articles())
    kinds = {o.flags_added > 0 for o in report.outcomes[1:]}
    assert kinds == {True}
    again = ingest_flow(sample_articles())
    assert {o.status for o in again.outcomes} == {"unchanged"}


def test_ingest_command_then_flags_jsonl(db_url):
    articles = sorted(str(p) for p in (FIXTURES / "articles").glob("*.html"))
    env = {"DATABASE_URL": db_url}
    result = claimtrack("ingest", *articles, "--source", "fixtures", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "3 ingested" in result.stderr
    flags = claimtrack("flags", "--format", "jsonl", env=env)
    kinds = [json.loads(line)["kind"] for line in flags.stdout.splitlines()]
    assert "repeat" in kinds and "contradiction" in kinds


def test_ingest_command_reports_failures_with_a_non_zero_exit(db_url):
    env = {"DATABASE_URL": db_url}
    result = claimtrack("ingest", "http://127.0.0.1:9/gone", env=env, timeout=300)
    assert result.returncode == 1
    assert "failed     http://127.0.0.1:9/gone: " in result.stderr
    assert "Traceback" not in result.stderr
