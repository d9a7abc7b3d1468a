"""`ingest-now`: an ingestion handed to the stack's warm scheduler process.

While `claimtrack up` runs, `claimtrack ingest` does not read and match in a fresh process (about
4.5 s here, most of it importing Prefect and loading spaCy and pint): it submits this task, and
the task worker inside `claimtrack serve`, where every model is loaded already, runs it at once
(Prefect background tasks: the server queues the run, the worker receives it over a websocket).
The result comes back through Prefect's result storage, shared on this machine.
"""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from schemas.records import IngestReport


@task(name="ingest-now", cache_policy=NO_CACHE, persist_result=True)
def ingest_now(
    targets: list[str], source: str | None = None, published: datetime | None = None
) -> IngestReport:
    """Ingest these files and URLs as `claimtrack ingest` does, with the run's summary and
    alerts, in the process that serves this task."""
    from flows.ingest import ingest_and_publish

    return ingest_and_publish(targets, source, published)


def warm_up() -> None:
    """Load what the first article would wait for: the spaCy pipeline and the unit table."""
    from schemas.settings import get_settings
    from tasks.claims.quantities import preload_units
    from tasks.claims.syntax import load_pipeline
    from tasks.matching.semantic import embedder_for

    settings = get_settings()
    load_pipeline(settings.speaker_model)
    preload_units()
    embedder_for(settings)
