"""Production, end to end on this machine: `claimtrack up` (embedded PostgreSQL, a Prefect server
keeping its state in it, the scheduler), a scheduled run completing, the Prefect server restarting
while the scheduler waits, two Prefect workers over one work pool, PostgreSQL stopped in the middle
of a run, a run killed and resumed, and `claimtrack down`.

One stack serves the module: starting a Prefect server takes 10-20 s here."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from schemas.settings import Settings
from tasks.operations import stack
from tasks.storage import embedded_server
from tasks.storage.database import connect, open_database
from tests.integration.test_cli import ROOT, claimtrack
from tests.integration.test_hostile_runs import feed, story
from tests.scriptedserver import Handler, page, scripted_site

pytestmark = [
    pytest.mark.integration,
    pytest.mark.prefect,
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="starts and stops an embedded PostgreSQL of its own",
    ),
]

TOWNS = ("Kestrel Dale", "Harlow Bay", "Fennick Point", "Ashby Moor", "Corran Vale", "Drummond")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def article(town: str, cost: int = 450) -> bytes:
    return story(
        f"The council said the {town} bridge will cost ${cost} million to build.",
        f"Work on the {town} bridge is due to start in 2026, according to the council.",
        title=f"{town} bridge",
    )


def wait_for(condition, seconds: float, what: str):
    ends = time.monotonic() + seconds
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > ends:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.5)


class Stack:
    def __init__(self, home: Path, site) -> None:
        self.home = home
        self.site = site
        self.env = {
            "CLAIMTRACK_HOME": str(home),
            "CLAIMTRACK_PREFECT_PORT": str(free_port()),
            "CLAIMTRACK_WEB_PORT": str(free_port()),
            "CLAIMTRACK_INGEST_SCHEDULE": "15",
            "CLAIMTRACK_ALLOW_HOSTS": f"127.0.0.1:{site.port}",
            "CLAIMTRACK_RESPECT_ROBOTS": "false",
            "CLAIMTRACK_FETCH_RETRIES": "0",
            "CLAIMTRACK_PROJECT_DIR": str(ROOT),
            "PREFECT_RUNNER_POLL_FREQUENCY": "2",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        self.settings = Settings(
            home=home,
            prefect_port=int(self.env["CLAIMTRACK_PREFECT_PORT"]),
            web_port=int(self.env["CLAIMTRACK_WEB_PORT"]),
        )

    @property
    def api(self) -> str:
        return stack.prefect_api_url(self.settings)

    def run(self, *args: str, timeout: float = 180, **extra: str):
        return claimtrack(*args, env={**self.env, **extra}, timeout=timeout)

    def connect(self):
        return connect(embedded_server.read_state(self.home / "postgres").uri("claimtrack"))

    def count(self, table: str) -> int:
        with self.connect() as conn:
            return int(conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"])

    def pause(self, deployment_name: str, paused: bool) -> None:
        for deployment in httpx.post(
            f"{self.api}/deployments/filter",
            json={"deployments": {"name": {"any_": [deployment_name]}}},
        ).json():
            action = "pause_deployment" if paused else "resume_deployment"
            httpx.post(f"{self.api}/deployments/{deployment['id']}/{action}").raise_for_status()

    def idle(self, deployment_name: str) -> bool:
        busy = {"RUNNING", "PENDING"}
        return not any(r["state_type"] in busy for r in self.flow_runs(deployment_name))

    def flow_runs(self, deployment_name: str) -> list[dict]:
        deployments = httpx.post(
            f"{self.api}/deployments/filter",
            json={"deployments": {"name": {"any_": [deployment_name]}}},
        ).json()
        if not deployments:
            return []
        return httpx.post(
            f"{self.api}/flow_runs/filter",
            json={"flow_runs": {"deployment_id": {"any_": [d["id"] for d in deployments]}}},
        ).json()


@pytest.fixture(scope="module")
def site():
    with scripted_site() as served:
        yield served


@pytest.fixture(scope="module")
def production(site) -> Iterator[Stack]:
    # under /tmp itself: as root the embedded server runs as another user (see conftest)
    home = Path(tempfile.mkdtemp(prefix="claimtrack-stack-"))
    running = Stack(home, site)
    try:
        started = running.run("up", "--without", "web", timeout=300)
        assert started.returncode == 0, started.stderr + started.stdout
        yield running
    finally:
        running.run("down", timeout=120)
        embedded_server.stop(home / "postgres")
        shutil.rmtree(home, ignore_errors=True)


def test_up_runs_a_scheduled_ingestion_and_survives_a_prefect_server_restart(production, site):
    site.routes["/scheduled.xml"] = page(feed(site, ["/scheduled/1"]), "application/rss+xml")
    site.routes["/scheduled/1"] = page(article("Kestrel Dale"))
    added = production.run("sources", "add", "scheduled", site.url("/scheduled.xml"))
    assert added.returncode == 0, added.stderr
    status = production.run("status", "--format", "json")
    parts = {p["name"]: p for p in json.loads(status.stdout)}
    assert parts["postgres"]["state"] == "running"
    assert parts["prefect-server"]["state"] == "running"
    assert parts["scheduler"]["state"] == "running"
    assert parts["web"]["state"] == "stopped"  # left out of this stack
    # Prefect keeps its state in the same PostgreSQL, database `prefect`
    with production.connect() as conn:
        tables = conn.execute(
            "SELECT count(*) AS n FROM pg_database WHERE datname = 'prefect'"
        ).fetchone()
        assert tables["n"] == 1

    def completed_scheduled_run():
        runs = production.flow_runs("ingest-due-sources")
        done = [r for r in runs if r["state_type"] == "COMPLETED" and r["auto_scheduled"]]
        return done and site.hits.get("/scheduled/1")

    wait_for(completed_scheduled_run, 150, "a scheduled ingest-due-sources run")
    with production.connect() as conn:
        urls = [r["url"] for r in conn.execute("SELECT url FROM articles").fetchall()]
    assert site.url("/scheduled/1") in urls
    names = [r["name"] for r in production.flow_runs("ingest-due-sources")]
    assert any(name.startswith("due sources: 1 sources, 1 articles ingested") for name in names)

    # the Prefect server goes away (a crash, a restart) while the scheduler waits
    pids = stack.read_pids(production.settings)
    os.killpg(pids["prefect-server"], signal.SIGKILL)
    wait_for(lambda: not stack.alive(pids["prefect-server"]), 30, "the server to die")
    down = production.run("status")
    assert down.returncode == 1 and "prefect-server  stopped" in down.stdout
    again = production.run("up", "--without", "web", timeout=300)
    assert again.returncode == 0, again.stderr
    assert "scheduler       already running" in again.stderr
    assert stack.read_pids(production.settings)["scheduler"] == pids["scheduler"]
    # the scheduler that waited through the restart picks up the next run
    site.routes["/scheduled.xml"] = page(
        feed(site, ["/scheduled/1", "/scheduled/2"]), "application/rss+xml"
    )
    site.routes["/scheduled/2"] = page(article("Harlow Bay"))
    with production.connect() as conn:
        conn.execute("UPDATE sources SET next_due_at = now() WHERE name = 'scheduled'")
        conn.commit()
    wait_for(lambda: site.hits.get("/scheduled/2"), 150, "a run after the restart")
    wait_for(lambda: production.count("articles") >= 2, 60, "the second article stored")
    production.pause("ingest-due-sources", True)  # every 15 s costs the other tests a core


def test_ingest_goes_to_the_warm_scheduler_and_flows_report_to_the_stacks_server(production, site):
    site.routes["/one"] = page(article("Ashby Moor", 610))
    site.routes["/two"] = page(article("Corran Vale", 620))
    handed = production.run("ingest", site.url("/one"))
    assert handed.returncode == 0, handed.stderr
    assert "handing the ingestion to the stack's scheduler" in handed.stderr
    assert f"ingested   {site.url('/one')}: " in handed.stderr
    task_runs = httpx.post(
        f"{production.api}/task_runs/filter",
        json={"task_runs": {"name": {"like_": "ingest-now"}}},
    ).json()
    assert [t["state_type"] for t in task_runs] == ["COMPLETED"]
    here = production.run("ingest", "--here", site.url("/two"))
    assert here.returncode == 0, here.stderr
    assert f"starting the ingest flow (Prefect server at {production.api})" in here.stderr
    runs = httpx.post(f"{production.api}/flow_runs/filter", json={}).json()
    assert any(r["name"].startswith("ingest two: 1 articles ingested") for r in runs)
    with production.connect() as conn:
        stored = conn.execute(
            "SELECT count(*) AS n FROM articles WHERE url = ANY(%s)",
            ([site.url("/one"), site.url("/two")],),
        ).fetchone()
        assert stored["n"] == 2


def deploy_to_pool(production: Stack, pool: str, tmp_path: Path) -> str:
    """Register deploy/prefect.yaml's ingestion deployment on a work pool, as users do with
    `prefect deploy`; renamed so that it does not replace the one the scheduler serves."""
    declared = yaml.safe_load((ROOT / "deploy" / "prefect.yaml").read_text())
    (ingest,) = [d for d in declared["deployments"] if d["name"] == "ingest-due-sources"]
    ingest["name"] = "pool-ingest"
    ingest["work_pool"]["name"] = pool
    ingest["schedules"] = []
    declared["deployments"] = [ingest]
    project = tmp_path / "prefect.yaml"
    project.write_text(yaml.safe_dump(declared))
    env = {**os.environ, **production.env, "PREFECT_API_URL": production.api}
    prefect = [sys.executable, "-m", "prefect"]
    for command in (
        [*prefect, "work-pool", "create", pool, "--type", "process"],
        [*prefect, "--no-prompt", "deploy", "--all", "--prefect-file", str(project)],
    ):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    (deployment,) = httpx.post(
        f"{production.api}/deployments/filter",
        json={"deployments": {"name": {"any_": ["pool-ingest"]}}},
    ).json()
    return deployment["id"]


def test_two_workers_on_one_pool_fetch_each_source_once(production, site, tmp_path):
    production.pause("ingest-due-sources", True)  # only the workers fetch in this test
    wait_for(lambda: production.idle("ingest-due-sources"), 120, "the scheduler's runs to end")
    paths = [f"/pool/{i}" for i in range(len(TOWNS))]
    for path, town in zip(paths, TOWNS, strict=True):
        site.routes[path] = page(article(town, 700))
    with production.connect() as conn:
        conn.execute("UPDATE sources SET enabled = false")  # the other tests' sources
        conn.commit()
    for i in range(6):
        listed = [paths[(i + k) % len(paths)] for k in (0, 1, 3)]
        site.routes[f"/pool{i}.xml"] = page(feed(site, listed), "application/rss+xml")
        added = production.run("sources", "add", f"pool{i}", site.url(f"/pool{i}.xml"))
        assert added.returncode == 0, added.stderr
    deployment_id = deploy_to_pool(production, "claimtrack-test", tmp_path)
    env = {**os.environ, **production.env, "PREFECT_API_URL": production.api}
    workers = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "prefect", "worker", "start"),
                *("--pool", "claimtrack-test", "--name", f"worker-{n}", "--limit", "1"),
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for n in (1, 2)
    ]
    try:
        runs = [
            httpx.post(f"{production.api}/deployments/{deployment_id}/create_flow_run", json={})
            .raise_for_status()
            .json()["id"]
            for _ in range(2)
        ]

        def finished():
            states = [
                httpx.get(f"{production.api}/flow_runs/{run}").json()["state_type"] for run in runs
            ]
            assert not {"FAILED", "CRASHED", "CANCELLED"} & set(states), states
            return all(s == "COMPLETED" for s in states)

        wait_for(finished, 240, "both flow runs on the workers")
        by_worker = {
            httpx.get(f"{production.api}/flow_runs/{run}").json().get("work_pool_name")
            for run in runs
        }
        assert by_worker == {"claimtrack-test"}
        names = [httpx.get(f"{production.api}/flow_runs/{run}").json()["name"] for run in runs]
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    # the two runs shared the six sources: "due sources: N sources, ..." adds up to 6
    shared = [int(name.split(": ", 1)[1].split(" sources")[0]) for name in names]
    assert sum(shared) == 6, names
    assert all(site.hits[f"/pool{i}.xml"] == 1 for i in range(6)), site.hits
    # a story two sources list may be fetched by both runs at once; it is stored once
    with production.connect() as conn:
        stored = conn.execute(
            "SELECT count(*) AS n FROM articles WHERE url LIKE %s", ("%/pool/%",)
        ).fetchone()
        assert stored["n"] == len(TOWNS)
        ingested = conn.execute(
            "SELECT count(*) AS n FROM fetch_log WHERE outcome = 'ingested' AND target LIKE %s",
            ("%/pool/%",),
        ).fetchone()
        assert ingested["n"] == len(TOWNS)


def hang_until(released: threading.Event, body: bytes):
    def answer(handler: Handler) -> None:
        released.wait(60)
        handler.send(200, body)

    return answer


def four_articles(site, prefix: str, released: threading.Event) -> list[str]:
    for n, town in enumerate(TOWNS[:4]):
        body = article(town, 800 + n)
        site.routes[f"/{prefix}/{n}"] = hang_until(released, body) if n == 2 else page(body)
    return [site.url(f"/{prefix}/{n}") for n in range(4)]


def start_cli(production: Stack, *args: str, **extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, **production.env, "CLAIMTRACK_FETCH_CONCURRENCY": "1", **extra}
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_killed_run_is_closed_and_a_rerun_resumes_it(production, site):
    released = threading.Event()
    urls = four_articles(site, "killed", released)
    process = start_cli(production, "ingest", "--here", *urls)  # this process does the work
    try:
        wait_for(lambda: site.hits.get("/killed/2"), 120, "the third article's fetch")
        os.killpg(process.pid, signal.SIGKILL)  # no handler runs: as a crash or an OOM kill
        process.wait(timeout=30)
    finally:
        released.set()
    with production.connect() as conn:
        stored = conn.execute("SELECT count(*) AS n FROM articles WHERE url LIKE '%/killed/%'")
        assert stored.fetchone()["n"] == 2  # the first chunk of two was stored
    rerun = production.run("ingest", "--here", *urls)
    assert rerun.returncode == 0, rerun.stderr
    outcomes = [line.split()[0] for line in rerun.stderr.splitlines() if "/killed/" in line]
    assert sorted(outcomes) == ["ingested", "ingested", "unchanged", "unchanged"], rerun.stderr
    with production.connect() as conn:
        articles = conn.execute(
            "SELECT url, count(*) AS n FROM articles WHERE url LIKE '%/killed/%' GROUP BY url"
        ).fetchall()
        assert sorted(a["url"] for a in articles) == urls and {a["n"] for a in articles} == {1}
        runs = conn.execute(
            "SELECT r.status, r.error FROM ingest_runs r JOIN fetch_log f ON f.run_id = r.id "
            "WHERE f.target LIKE '%/killed/%' GROUP BY r.id ORDER BY r.id"
        ).fetchall()
        assert [r["status"] for r in runs] == ["failed", "finished"]
        assert "ended without closing it" in runs[0]["error"]


def test_postgres_stopped_mid_run_fails_it_in_one_line_and_a_rerun_completes(production, site):
    # a PostgreSQL of its own: the stack's keeps the Prefect server's state
    home = Path(tempfile.mkdtemp(prefix="claimtrack-stopped-"))
    settings = Settings(home=home)
    try:
        with open_database(settings):
            pass
        released = threading.Event()
        urls = four_articles(site, "stopped", released)
        elsewhere = {"CLAIMTRACK_HOME": str(home), "PREFECT_API_URL": production.api}
        process = start_cli(production, "ingest", *urls, **elsewhere)
        try:
            wait_for(lambda: site.hits.get("/stopped/2"), 120, "the third article's fetch")
            assert embedded_server.stop(home / "postgres")
        finally:
            released.set()
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, stderr
        lines = stderr.strip().splitlines()
        assert lines[-1].startswith("claimtrack: error: database unavailable"), stderr
        assert "Traceback" not in stderr
        assert sum(1 for line in lines if "error" in line.lower()) == 1, stderr
        with open_database(settings) as conn:  # the server starts again
            (stuck,) = conn.execute("SELECT id, status FROM ingest_runs").fetchall()
            assert stuck["status"] == "running"  # nobody could write it down
        rerun = claimtrack("ingest", *urls, env={**production.env, **elsewhere}, timeout=180)
        assert rerun.returncode == 0, rerun.stderr
        with open_database(settings) as conn:
            runs = conn.execute("SELECT status, error FROM ingest_runs ORDER BY id").fetchall()
            assert [r["status"] for r in runs] == ["failed", "finished"]
            assert "ended without closing it" in runs[0]["error"]
            articles = conn.execute("SELECT url FROM articles ORDER BY url").fetchall()
            assert [a["url"] for a in articles] == urls  # every article, each once
            duplicates = conn.execute(
                "SELECT count(*) - count(DISTINCT (article_id, text)) AS n FROM claims"
            ).fetchone()
            assert duplicates["n"] == 0
    finally:
        embedded_server.stop(home / "postgres")
        shutil.rmtree(home, ignore_errors=True)


def test_down_stops_every_part(production):
    # last in this module: the fixture's own `down` then finds nothing to stop
    stopped = production.run("down", timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    status = production.run("status", "--format", "json")
    assert status.returncode == 1
    states = {p["name"]: p["state"] for p in json.loads(status.stdout)}
    assert set(states.values()) == {"stopped"}, states
    assert not embedded_server.read_state(production.home / "postgres").running
