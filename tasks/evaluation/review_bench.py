"""`claimtrack bench review`: many reviewers working one queue through the real web app.

Fills its own database (claimtrack_bench_review on the same server) with N check items, adds R
reviewer accounts with API tokens, starts `claimtrack web` on a loopback port as its own process,
and runs R reviewers at once (asyncio, one HTTP connection each): next, then a verdict, until the
queue answers 204. It counts items handed to two reviewers and items left undecided (both must
be 0) and times both requests."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import httpx

from tasks.evaluation.benchmark import bench_database, percentile
from tasks.review import accounts
from tasks.storage import store
from tasks.storage.database import connect

Say = Callable[[str], None]
SQL = "evaluation/review_bench.sql"
DATABASE = "claimtrack_bench_review"
PASSWORD = "bench reviewer password"


@dataclass(frozen=True)
class ReviewBenchResult:
    items: int
    reviewers: int
    next_ms: list[float]
    decide_ms: list[float]
    seconds: float
    handed_twice: int
    lost: int

    def figures(self) -> str:
        decided = len(self.decide_ms)
        return (
            f"items={self.items} reviewers={self.reviewers} "
            f"next_p50_ms={statistics.median(self.next_ms):.1f} "
            f"next_p95_ms={percentile(self.next_ms, 0.95):.1f} "
            f"decide_p95_ms={percentile(self.decide_ms, 0.95):.1f} "
            f"decisions_per_s={decided / self.seconds:.1f} "
            f"handed_twice={self.handed_twice} lost={self.lost}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str, items: int, reviewers: int, say: Say) -> list[str]:
    """The database filled and queued; the reviewers' tokens."""
    with connect(url) as conn:
        say(f"filling {conn.info.dbname} with {items:,} queued claims")
        with conn.transaction():
            store.run_query(conn, "clear", {}, SQL)
            store.run_query(conn, "fill", {"items": items}, SQL)
            store.run_query(conn, "queue_all", {}, SQL)
        conn.commit()
        # as on a queue that has stood a while: rows vacuumed, hint bits set (the first read of
        # a fresh row writes its page again, and that is no part of handing it out)
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
        conn.autocommit = False
        tokens = []
        for n in range(reviewers):
            accounts.add_account(conn, f"reviewer{n}", "reviewer", PASSWORD)
            tokens.append(accounts.new_token(conn, f"reviewer{n}"))
    return tokens


def start_web(url: str, port: int, pool_size: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CLAIMTRACK_WEB_POOL_SIZE": str(pool_size),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    command = [sys.executable, "-m", "cli", "web", "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until_healthy(base: str, server: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise RuntimeError(f"claimtrack web stopped: {error.strip()[-500:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("claimtrack web did not answer /healthz in time")


async def _reviewer(
    base: str, token: str, handed: list[int], next_ms: list[float], decide_ms: list[float]
) -> None:
    # aiohttp, not httpx: httpx spent 1.1 ms of CPU a request here, as much as a third of what
    # the server spends, and the bench shares the machine's two cores with the server it times
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base, headers=headers, timeout=timeout) as client:
        while True:
            started = time.perf_counter()
            async with client.post("/api/queue/next") as answer:
                answer.raise_for_status()
                item = await answer.json() if answer.status != 204 else None
            next_ms.append((time.perf_counter() - started) * 1000)
            if item is None:
                return
            handed.append(item["id"])
            started = time.perf_counter()
            async with client.post(
                f"/api/queue/{item['id']}/decision",
                json={"action": "verdict", "rating": "unverifiable", "note": "bench"},
            ) as decided:
                decided.raise_for_status()
                await decided.read()
            decide_ms.append((time.perf_counter() - started) * 1000)


async def _work(base: str, tokens: list[str]) -> tuple[list[int], list[float], list[float]]:
    handed: list[int] = []
    next_ms: list[float] = []
    decide_ms: list[float] = []
    await asyncio.gather(*(_reviewer(base, t, handed, next_ms, decide_ms) for t in tokens))
    return handed, next_ms, decide_ms


def run(
    server_url: str, items: int, reviewers: int, say: Say, workers: int = 1
) -> ReviewBenchResult:
    url = bench_database(server_url, DATABASE)
    tokens = prepare(url, items, reviewers, say)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    pool_size = min(reviewers // workers + 2, 50)
    server = start_web(url, port, pool_size, workers)
    try:
        wait_until_healthy(base, server)
        say(f"{reviewers} reviewers working the queue through {base}")
        started = time.perf_counter()
        handed, next_ms, decide_ms = asyncio.run(_work(base, tokens))
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    with connect(url) as conn:
        lost = int(store.run_query(conn, "undecided", {}, SQL)[0]["n"])
    twice = sum(count - 1 for count in Counter(handed).values() if count > 1)
    return ReviewBenchResult(items, reviewers, next_ms, decide_ms, seconds, twice, lost)
