"""Every flow that runs unattended, with its schedule: one list that `claimtrack serve` serves
and that deploy/prefect.yaml declares for `prefect deploy` (a test keeps the two equal)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

WORK_POOL = "claimtrack"


@dataclass(frozen=True)
class Scheduled:
    """One deployment: which flow, when (cron, UTC), with what, and how many runs at once."""

    name: str
    entrypoint: str  # path/to/file.py:function, relative to the project's root
    cron: str
    description: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    concurrency: int = 1  # runs at once; a new one past it is cancelled, not queued

    def load(self) -> Any:
        """The flow object itself (for `serve`)."""
        path, function = self.entrypoint.split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        return getattr(module, function)


DEPLOYMENTS: tuple[Scheduled, ...] = (
    Scheduled(
        "ingest-due-sources",
        "flows/ingest.py:ingest_sources_flow",
        "*/5 * * * *",
        "Fetch every source that is due and ingest the articles it lists. Sources are claimed "
        "under row locks, so two runs at once (or runs on several workers) never fetch one twice.",
        tags=("claimtrack", "ingest"),
        concurrency=2,
    ),
    Scheduled(
        "nightly-rematch",
        "flows/rematch.py:rematch_flow",
        "30 2 * * *",
        "Match the last two days' claims again with the current settings, models and the "
        "thresholds learned from reviewers (idempotent).",
        parameters={"days": 2},
        tags=("claimtrack", "matching"),
    ),
    Scheduled(
        "refresh-dashboards",
        "flows/dashboards.py:refresh_dashboards_flow",
        "*/5 * * * *",
        "Bring the dashboards' summary tables up to date, so BI tools reading the reporting "
        "views see new verdicts within minutes.",
        tags=("claimtrack", "dashboards"),
    ),
    Scheduled(
        "send-alerts",
        "flows/alerts.py:send_alerts_flow",
        "*/15 * * * *",
        "Send the alerts that are due: new ones, and failed ones with tries left.",
        tags=("claimtrack", "alerts"),
    ),
    Scheduled(
        "alert-digest",
        "flows/alerts.py:alert_digest_flow",
        "0 7 * * *",
        "Queue and send the daily digest of the last 24 hours' alerts.",
        parameters={"hours": 24},
        tags=("claimtrack", "alerts"),
    ),
    Scheduled(
        "prune-fetch-log",
        "flows/maintenance.py:prune_fetch_log_flow",
        "15 3 * * *",
        "Delete fetch-log lines older than 90 days (runs, articles and claims stay).",
        parameters={"keep_days": 90},
        tags=("claimtrack", "maintenance"),
    ),
)


def schedule(when: str) -> Any:
    """A Prefect schedule: every N seconds for a number, else a cron line in UTC."""
    from prefect.schedules import Cron, Interval

    return Interval(int(when)) if when.isdigit() else Cron(when, timezone="UTC")


def runner_deployments(
    only: set[str] | None = None, crons: Mapping[str, str] | None = None
) -> list[Any]:
    """The deployments as Prefect RunnerDeployments, for a Runner to serve; `crons` replaces
    the schedules of the deployments it names (a cron line, or a number of seconds)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    chosen = [d for d in DEPLOYMENTS if only is None or d.name in only]
    return [
        d.load().to_deployment(
            name=d.name,
            schedules=[schedule((crons or {}).get(d.name, d.cron))],
            parameters=dict(d.parameters),
            tags=list(d.tags),
            description=d.description,
            concurrency_limit=ConcurrencyLimitConfig(
                limit=d.concurrency, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
        )
        for d in chosen
    ]
