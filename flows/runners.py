"""What Prefect runs ingestion on, and what its flow runs are called.

The task runner comes from CLAIMTRACK_TASK_RUNNER: Prefect's own thread or process pool, or
Dask or Ray through their Prefect integrations when installed. Flow runs start with a name that
says what they were asked to do, and are renamed to what they did when they end.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from schemas.records import IngestReport
from schemas.settings import Settings
from tasks.errors import ConfigurationError


def task_runner_for(settings: Settings, workers: int) -> TaskRunner[Any]:
    """A new (not yet entered) task runner of the configured kind, `workers` wide."""
    kind = settings.task_runner
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    try:
        if kind == "dask":
            from prefect_dask import DaskTaskRunner  # type: ignore[import-not-found]

            runner: TaskRunner[Any] = DaskTaskRunner(
                cluster_kwargs={"n_workers": workers, "processes": True}
            )
            return runner
        from prefect_ray import RayTaskRunner  # type: ignore[import-not-found]

        ray_runner: TaskRunner[Any] = RayTaskRunner()
        return ray_runner
    except ImportError as exc:
        raise ConfigurationError(
            f"CLAIMTRACK_TASK_RUNNER={kind} needs the prefect-{kind} package: "
            f"pip install prefect-{kind}, or set CLAIMTRACK_TASK_RUNNER=processes"
        ) from exc


def analysis_runner_for(settings: Settings, workers: int) -> TaskRunner[Any]:
    """The task runner that analyses articles side by side: processes (threads would share one
    core for this work), or the dask or ray runner when CLAIMTRACK_TASK_RUNNER names one."""
    if settings.task_runner == "threads":
        return ProcessPoolTaskRunner(max_workers=workers)
    return task_runner_for(settings, workers)


def ingest_run_name() -> str:
    """An `ingest` flow run's first name: what it was given."""
    from prefect.runtime import flow_run

    targets = flow_run.parameters.get("targets") or []
    first = str(targets[0]).rsplit("/", 1)[-1] if targets else "nothing"
    more = f" and {len(targets) - 1} more" if len(targets) > 1 else ""
    return f"ingest {first}{more}"


def sources_run_name() -> str:
    """An `ingest_sources` flow run's first name: which sources it was asked to fetch."""
    from prefect.runtime import flow_run

    names = flow_run.parameters.get("names") or []
    if names:
        return "sources " + ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
    return "every source" if flow_run.parameters.get("all_sources") else "due sources"


def describe_runs(reports: Sequence[IngestReport], what: str) -> str:
    """What ingest runs did, in a flow run's name: 'due sources: 3 sources, 12 ingested ...'."""
    ingested = sum(1 for r in reports for o in r.outcomes if o.status == "ingested")
    failed = sum(len(r.failed) for r in reports)
    claims = sum(r.claims_added for r in reports)
    flags = sum(r.flags_added for r in reports)
    scope = f"{len(reports)} sources, " if what == "sources" else ""
    return f"{scope}{ingested} articles ingested, {failed} failed, {claims} claims, {flags} flags"


def name_flow_run(result: str) -> None:
    """Rename the current flow run to its first name and what it did; a server that cannot be
    reached only leaves the first name."""
    from prefect import get_client
    from prefect.runtime import flow_run

    if not flow_run.id:
        return
    with suppress(Exception), get_client(sync_client=True) as client:
        client.update_flow_run(flow_run.id, name=f"{flow_run.name}: {result}"[:200])
