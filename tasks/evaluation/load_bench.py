"""`claimtrack bench load`: reviewers and dashboard readers on the real web app while an
ingestion run goes on, all on loopback.

Fills its own database (claimtrack_bench_load on the same server) with a queue of check items
(as `bench review` does) and an editor, starts `claimtrack web` as its own process, and an
ingestion run in a process of its own that ingests generated news articles (sentences of #5's
corpus) for the whole time. Then U users at once for S seconds, half reviewers (take the next
item, decide it) and half dashboard readers (the dashboard's pages, filtered and not), each
pausing 0.5-1.5 s between requests as a person does. Every request counts; an HTTP error or a
failed connection is an error. Bounded in users, time and requests; loopback only."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import queue
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from tasks.evaluation.bench_corpus import base_sentences
from tasks.evaluation.benchmark import bench_database, percentile
from tasks.evaluation.dashboard_bench import pages
from tasks.evaluation.review_bench import _free_port, start_web, wait_until_healthy
from tasks.evaluation.review_bench import prepare as fill_queue
from tasks.reporting import summaries
from tasks.review import accounts
from tasks.storage.database import connect

Say = Callable[[str], None]
DATABASE = "claimtrack_bench_load"
EDITOR, PASSWORD = "load-editor", "load bench editor password"
MAX_REQUESTS = 200_000
THINK_S = (0.5, 1.5)


@dataclass
class Tally:
    reviewer_ms: list[float] = field(default_factory=list)
    reader_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.reviewer_ms) + len(self.reader_ms) + len(self.errors)


@dataclass(frozen=True)
class LoadBenchResult:
    users: int
    seconds: float
    tally: Tally
    ingested: int
    ingest_seconds: float

    def figures(self) -> str:
        every = self.tally.reviewer_ms + self.tally.reader_ms
        return (
            f"users={self.users} seconds={self.seconds:.0f} "
            f"reviewer_p95_ms={percentile(self.tally.reviewer_ms, 0.95):.1f} "
            f"reader_p95_ms={percentile(self.tally.reader_ms, 0.95):.1f} "
            f"p50_ms={statistics.median(every):.1f} "
            f"requests={self.tally.requests} errors={len(self.tally.errors)} "
            f"p95_ms={percentile(every, 0.95):.1f} "
            f"ingest_articles_per_s={self.ingested / max(self.ingest_seconds, 1e-9):.2f}"
        )


def write_articles(folder: Path, sentences: list[str], count: int, seed: int = 11) -> list[str]:
    """`count` news-like HTML pages of 12 corpus sentences each (some shared between pages, as
    stories repeat each other), in `folder`; their paths."""
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        chosen = rng.sample(sentences, min(12, len(sentences)))
        body = "".join(f"<p>{s}</p>" for s in chosen)
        page = folder / f"load-{n:05d}.html"
        page.write_text(
            f"<html><head><title>Load story {n}</title></head><body><article>"
            f"<h1>Load story {n}</h1>{body}</article></body></html>",
            encoding="utf-8",
        )
        paths.append(str(page))
    return paths


def ingest_until(url: str, paths: list[str], stop: Event, result: Any) -> None:
    """In a process of its own: ingest the pages, ten per run, until told to stop; puts
    (articles ingested, seconds)."""
    from schemas.settings import Settings
    from tasks.fetching.fetch import read_file
    from tasks.ingest import ingest_targets

    settings = Settings(database_url=url)
    ingested = 0
    started = time.perf_counter()
    with connect(url) as conn:
        for start in range(0, len(paths), 10):
            if stop.is_set():
                break
            report = ingest_targets(
                conn,
                paths[start : start + 10],
                settings=settings,
                fetch=lambda target, _v: read_file(target, settings),
            )
            ingested += sum(1 for o in report.outcomes if o.status == "ingested")
    result.put((ingested, time.perf_counter() - started))


async def _reviewer(base: str, token: str, ends: float, tally: Tally, rng: random.Random) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, headers=headers, timeout=timeout) as client:
        while time.monotonic() < ends and tally.requests < MAX_REQUESTS:
            item = await _timed(client, "POST", "/api/queue/next", None, tally.reviewer_ms, tally)
            await asyncio.sleep(rng.uniform(*THINK_S))
            if isinstance(item, dict) and time.monotonic() < ends:
                decision = {"action": "verdict", "rating": "unverifiable", "note": "load"}
                path = f"/api/queue/{item['id']}/decision"
                await _timed(client, "POST", path, decision, tally.reviewer_ms, tally)
                await asyncio.sleep(rng.uniform(*THINK_S))


async def _reader(
    base: str, cookies: dict[str, str], ends: float, tally: Tally, rng: random.Random
) -> None:
    targets = [p for name, p in pages(date.today(), "", "").items() if "csv" not in name]
    targets = [p for p in targets if "speaker=" not in p and "source=" not in p]
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, cookies=cookies, timeout=timeout) as client:
        while time.monotonic() < ends and tally.requests < MAX_REQUESTS:
            await _timed(client, "GET", rng.choice(targets), None, tally.reader_ms, tally)
            await asyncio.sleep(rng.uniform(*THINK_S))


async def _timed(
    client: aiohttp.ClientSession,
    method: str,
    path: str,
    body: dict[str, str] | None,
    into: list[float],
    tally: Tally,
) -> Any:
    started = time.perf_counter()
    try:
        async with client.request(method, path, json=body, allow_redirects=False) as answer:
            payload = await answer.read()
            if answer.status >= 400:
                tally.errors.append(f"{method} {path}: HTTP {answer.status}")
                return None
            into.append((time.perf_counter() - started) * 1000)
            if answer.status == 200 and answer.content_type == "application/json":
                return json.loads(payload)
            return None
    except (aiohttp.ClientError, TimeoutError) as exc:
        tally.errors.append(f"{method} {path}: {type(exc).__name__}")
        return None


def _reader_cookies(base: str) -> dict[str, str]:
    with httpx.Client(base_url=base, timeout=30) as client:
        client.get("/signin").raise_for_status()
        csrf = client.cookies.get("claimtrack_signin") or ""
        answer = client.post(
            "/signin", data={"name": EDITOR, "password": PASSWORD, "csrf": csrf, "next": "/"}
        )
        if answer.status_code != 303:
            raise RuntimeError(f"the load bench could not sign in ({answer.status_code})")
        return {name: value for name, value in client.cookies.items()}


async def _users(base: str, tokens: list[str], readers: int, seconds: float) -> Tally:
    tally = Tally()
    cookies = [_reader_cookies(base) for _ in range(readers)]
    ends = time.monotonic() + seconds
    rng = random.Random(5)
    await asyncio.gather(
        *(_reviewer(base, t, ends, tally, random.Random(rng.random())) for t in tokens),
        *(_reader(base, c, ends, tally, random.Random(rng.random())) for c in cookies),
    )
    return tally


def _ingestion_result(ingestion: Any, result: Any) -> tuple[int, float]:
    """What the ingestion process reports once it finishes its batch; a clear error when it
    died instead."""
    ends = time.monotonic() + 600
    while time.monotonic() < ends:
        try:
            found: tuple[int, float] = result.get(timeout=1)
            ingestion.join(timeout=60)
            return found
        except queue.Empty:
            if not ingestion.is_alive():
                raise RuntimeError(
                    f"the ingestion process ended with exit code {ingestion.exitcode} "
                    "before reporting"
                ) from None
    raise RuntimeError("the ingestion process did not finish its last batch in 10 minutes")


def run(
    server_url: str,
    users: int,
    seconds: float,
    data_dir: Path | None,
    say: Say,
    workers: int = 2,
) -> LoadBenchResult:
    url = bench_database(server_url, DATABASE)
    reviewers = users // 2
    readers = users - reviewers
    items = max(2000, reviewers * int(seconds) * 2)
    tokens = fill_queue(url, items, reviewers, say)
    with connect(url) as conn:
        accounts.add_account(conn, EDITOR, "editor", PASSWORD)
        summaries.refresh(conn, full=True)
    spawn = multiprocessing.get_context("spawn")
    stop, result = spawn.Event(), spawn.Queue()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_web(url, port, pool_size=max(4, users // workers + 2), workers=workers)
    with tempfile.TemporaryDirectory(prefix="claimtrack-load-") as folder:
        sentences = base_sentences(data_dir)
        paths = write_articles(Path(folder), sentences, max(200, int(seconds * 10)))
        ingestion = spawn.Process(target=ingest_until, args=(url, paths, stop, result))
        try:
            wait_until_healthy(base, server)
            ingestion.start()
            say(
                f"{reviewers} reviewers and {readers} dashboard readers on {base} for "
                f"{seconds:.0f} s, while an ingestion run goes on"
            )
            started = time.perf_counter()
            tally = asyncio.run(_users(base, tokens, readers, seconds))
            elapsed = time.perf_counter() - started
            stop.set()
            ingested, ingest_seconds = _ingestion_result(ingestion, result)
        finally:
            stop.set()
            if ingestion.is_alive():
                ingestion.terminate()
            server.terminate()
            server.wait(timeout=30)
    for error in sorted(set(tally.errors))[:5]:
        say(f"error: {error}")
    return LoadBenchResult(users, elapsed, tally, ingested, ingest_seconds)
