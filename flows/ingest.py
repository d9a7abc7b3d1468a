"""The `ingest` and `ingest_sources` flows: thin Prefect wrappers around tasks.ingest.

Fetch retries (with backoff and Retry-After) live in tasks.fetching.fetch.Fetcher, where they can
honour the server's Retry-After; Prefect adds run records, names and one task per source.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from datetime import datetime
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import TaskRunner

from flows.runners import (
    analysis_runner_for,
    describe_runs,
    ingest_run_name,
    name_flow_run,
    sources_run_name,
    task_runner_for,
)
from schemas.records import FetchedDocument, IngestReport, Source, TargetOutcome
from schemas.settings import Settings, get_settings
from tasks.errors import ClaimtrackError
from tasks.fetching.fetch import Fetcher
from tasks.ingest import (
    AnalyseAll,
    AnalysedArticle,
    AnalysedChunk,
    analyse_in_process,
    analyse_later,
    claim_and_ingest,
    ingest_source,
    ingest_targets,
)
from tasks.logs import log_line
from tasks.storage import store
from tasks.storage.database import Connection, open_database


def print_outcome(outcome: TargetOutcome) -> None:
    """One progress line on stderr per target, so stdout stays clean for data."""
    reason = outcome.reason.removeprefix(f"{outcome.target}: ")
    if outcome.status == "failed":
        line = f"failed     {outcome.target}: {reason}"
    elif outcome.status == "unchanged":
        line = f"unchanged  {outcome.target} ({outcome.reason or 'already stored'})"
    else:
        line = (
            f"ingested   {outcome.target}: {outcome.claims_added} claims, "
            f"{outcome.flags_added} flags" + (f" ({outcome.reason})" if outcome.reason else "")
        )
    log_line(
        line,
        event=f"target.{outcome.status}",
        level="warning" if outcome.status == "failed" else "info",
        target=outcome.target,
        reason=reason or None,
        article_id=outcome.article_id,
        claims_added=outcome.claims_added,
        flags_added=outcome.flags_added,
        http_status=outcome.http_status,
    )


@flow(name="ingest", flow_run_name=ingest_run_name)
def ingest_flow(
    targets: list[str],
    source: str | None = None,
    published: datetime | None = None,
    show_progress: bool = False,
) -> IngestReport:
    """Fetch articles, extract their claims, store them and flag repeats and contradictions."""
    report = ingest_and_publish(targets, source, published, show_progress)
    name_flow_run(describe_runs([report], "articles"))
    return report


def ingest_and_publish(
    targets: list[str],
    source: str | None = None,
    published: datetime | None = None,
    show_progress: bool = False,
) -> IngestReport:
    """An ingest run, its summary artifact and events, then its alerts (the `ingest` flow's
    work, and the `ingest-now` task's)."""
    settings = get_settings()
    with ExitStack() as stack:
        conn = stack.enter_context(open_database(settings))
        fetcher = stack.enter_context(Fetcher(settings))
        analyse_all = None
        if settings.analysis_workers > 1:
            workers = settings.analysis_workers
            runner = stack.enter_context(analysis_runner_for(settings, workers))
            analyse_all = analyse_on(runner, workers)
        report = ingest_targets(
            conn,
            targets,
            settings=settings,
            fetch=fetcher.fetch,
            source=source,
            published=published,
            progress=print_outcome if show_progress else None,
            analyse_all=analyse_all,
        )
        publish_run(conn, report)
    send_alerts_if_any()
    return report


@task(name="analyse-articles", cache_policy=NO_CACHE)
def analyse_task(
    documents: list[FetchedDocument],
    settings: Settings,
    source: str | None,
    published: datetime | None,
) -> list[AnalysedArticle | ClaimtrackError]:
    return analyse_in_process(documents, settings, source, published)


def analyse_on(runner: TaskRunner[Any], workers: int) -> AnalyseAll:
    """Analyse a chunk of documents as `workers` tasks on the runner (one share each, so that a
    task's overhead is paid per share, not per article); the results come in the documents'
    order."""

    def analyse_all(
        documents: Sequence[FetchedDocument],
        settings: Settings,
        source: str | None,
        published: datetime | None,
    ) -> AnalysedChunk:
        if len(documents) <= 1:
            return analyse_later(documents, settings, source, published)
        shares = [list(documents[k::workers]) for k in range(min(workers, len(documents)))]
        futures = [
            runner.submit(
                analyse_task,
                {
                    "documents": share,
                    "settings": settings,
                    "source": source,
                    "published": published,
                },
            )
            for share in shares
        ]

        def results() -> list[AnalysedArticle | ClaimtrackError]:
            done = [future.result() for future in futures]
            return [done[i % len(shares)][i // len(shares)] for i in range(len(documents))]

        return results

    return analyse_all


def send_alerts_if_any() -> None:
    """The run's alerts go out at once, when channels are configured."""
    if get_settings().alert_channels.strip():
        from flows.alerts import send_alerts_flow

        send_alerts_flow()


def publish_run(conn: Connection, report: IngestReport) -> None:
    """The run's summary as a Prefect markdown artifact, and its events (repeats of rated
    claims, new contradictions) for Prefect automations."""
    from prefect.artifacts import create_markdown_artifact
    from prefect.events import emit_event

    from tasks.reporting import run_summary

    found = run_summary.findings(conn, report)
    create_markdown_artifact(
        key="ingest-run-summary",
        markdown=run_summary.markdown(found),
        description=f"claimtrack ingestion run {report.run_id}: what it stored and flagged",
    )
    for event in run_summary.events(found):
        emit_event(**event)


@task(cache_policy=NO_CACHE, task_run_name="source {source.name}")
def ingest_source_task(
    conn: Connection, fetcher: Fetcher, source: Source, show_progress: bool
) -> IngestReport:
    """Fetch one source's listing and articles."""
    progress = print_outcome if show_progress else None
    return ingest_source(conn, fetcher, source, get_settings(), progress)


@task(cache_policy=NO_CACHE, task_run_name="lane {lane}")
def ingest_lane_task(
    lane: int,
    names: list[str] | None,
    all_sources: bool,
    show_progress: bool,
    checked_before: datetime | None = None,
) -> list[IngestReport]:
    """One lane of a run: claim sources one at a time and ingest each, until none is left."""
    settings = get_settings()
    with open_database(settings) as conn, Fetcher(settings) as fetcher:
        return claim_and_ingest(
            conn,
            settings,
            lambda source: ingest_source_task(conn, fetcher, source, show_progress),
            names=names,
            every_source=all_sources,
            checked_before=checked_before,
        )


@flow(name="ingest_sources", flow_run_name=sources_run_name)
def ingest_sources_flow(
    names: list[str] | None = None, all_sources: bool = False, show_progress: bool = False
) -> list[IngestReport]:
    """Fetch every due source (or the named ones, or all) and the articles each lists. Sources
    are claimed under row locks, so runs and workers at once never fetch one twice; with
    CLAIMTRACK_PARALLEL_SOURCES above 1, lanes on CLAIMTRACK_TASK_RUNNER fetch them side by
    side."""
    settings = get_settings()
    lanes = settings.parallel_sources
    with open_database(settings) as conn:  # each lane claims and ingests on its own connection
        started = store.database_now(conn)
        if lanes <= 1:
            reports = ingest_lane_task.fn(1, names, all_sources, show_progress, started)
        else:
            with task_runner_for(settings, lanes) as runner:
                futures = [
                    runner.submit(
                        ingest_lane_task,
                        {
                            "lane": lane,
                            "names": names,
                            "all_sources": all_sources,
                            "show_progress": show_progress,
                            "checked_before": started,
                        },
                    )
                    for lane in range(1, lanes + 1)
                ]
                reports = [report for future in futures for report in future.result()]
        for report in reports:
            publish_run(conn, report)
        if names:
            for name in store.held_sources(conn, names):
                log_line(
                    f"skipped    {name}: another run is fetching it",
                    event="source.skipped",
                    source=name,
                )
    name_flow_run(describe_runs(reports, "sources"))
    send_alerts_if_any()
    return reports
