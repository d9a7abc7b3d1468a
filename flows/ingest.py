"""The `ingest` flow: thin Prefect wrappers around tasks.ingest."""

from __future__ import annotations

import sys
from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun

from schemas.records import FetchedDocument, IngestReport, TargetOutcome
from schemas.settings import get_settings
from tasks.database import open_database
from tasks.errors import FetchError
from tasks.fetch import fetch_document
from tasks.ingest import ingest_targets


def is_transient(task: object, task_run: TaskRun, state: State[object]) -> bool:
    """Retry timeouts, 429 and 5xx only; a 404 or an unparseable page is final."""
    try:
        state.result()
    except FetchError as exc:
        return exc.transient
    except Exception:
        return False
    return False


@task(
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=is_transient,
    cache_policy=NO_CACHE,
    task_run_name="fetch {target}",
)
def fetch(target: str) -> FetchedDocument:
    """Fetch one path or URL."""
    return fetch_document(target, get_settings())


def print_outcome(outcome: TargetOutcome) -> None:
    """One progress line on stderr per target, so stdout stays clean for data."""
    if outcome.status == "failed":
        reason = outcome.reason.removeprefix(f"{outcome.target}: ")
        line = f"failed     {outcome.target}: {reason}"
    elif outcome.status == "unchanged":
        line = f"unchanged  {outcome.target} (already stored)"
    else:
        line = (
            f"ingested   {outcome.target}: {outcome.claims_added} claims, "
            f"{outcome.flags_added} flags"
        )
    print(line, file=sys.stderr, flush=True)


@flow(name="ingest")
def ingest_flow(
    targets: list[str],
    source: str | None = None,
    published: datetime | None = None,
    show_progress: bool = False,
) -> IngestReport:
    """Fetch articles, extract their claims, store them and flag repeats and contradictions."""
    settings = get_settings()
    with open_database(settings) as conn:
        return ingest_targets(
            conn,
            targets,
            settings=settings,
            fetch=fetch,
            source=source,
            published=published,
            progress=print_outcome if show_progress else None,
        )
