"""A time budget for the work on one article, checked between steps (each step is linear in
its input, so no single one runs away); past it the article fails with a reason that says which
step it was in and which setting to raise."""

from __future__ import annotations

import time

from tasks.errors import OverBudget


class Deadline:
    """Seconds allowed from now; `check` raises OverBudget once they are spent."""

    def __init__(self, seconds: float | None, what: str = "the article"):
        self.seconds = seconds
        self.what = what
        self.started = time.monotonic()
        self.ends = None if seconds is None else self.started + seconds

    def check(self, doing: str) -> None:
        if self.ends is not None and time.monotonic() > self.ends:
            raise OverBudget(
                f"{self.what}: gave up while {doing}, over the time budget of {self.seconds:g} s "
                "per article (CLAIMTRACK_TARGET_TIME_BUDGET_S)"
            )


NO_DEADLINE = Deadline(None)
