"""Being a good guest on other people's servers: per-host pacing and robots.txt."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.robotparser import RobotFileParser


class HostThrottle:
    """At most `per_host` requests in flight to one host, and `delay_s` between their starts."""

    def __init__(
        self,
        per_host: int,
        delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.per_host = per_host
        self.delay_s = delay_s
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def set_delay(self, host: str, delay_s: float) -> None:
        """A host-specific delay, such as robots.txt's Crawl-delay, when longer than ours."""
        with self._lock:
            self._delays[host] = max(delay_s, self.delay_s)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.Semaphore(self.per_host))
        with semaphore:
            with self._lock:
                now = self.clock()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._delays.get(host, self.delay_s)
            if start > now:
                self.sleep(start - now)
            yield


class RobotsRules:
    """robots.txt for one site, parsed once."""

    def __init__(self, text: str | None, user_agent: str):
        self.user_agent = user_agent
        self.parser = RobotFileParser()
        self.parser.parse((text or "").splitlines())

    def allows(self, url: str) -> bool:
        return self.parser.can_fetch(self.user_agent, url)

    def crawl_delay(self) -> float | None:
        delay = self.parser.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None
