-- 0005: runs that survive hostile pages, dead processes and two runs at once.
-- A run remembers the database session that runs it, so a run whose session is gone (the
-- process died) is closed as failed the next time a run starts; it records why it failed.
ALTER TABLE ingest_runs ADD COLUMN backend_pid integer;
ALTER TABLE ingest_runs ADD COLUMN backend_started_at timestamptz;
ALTER TABLE ingest_runs ADD COLUMN error text;
CREATE INDEX ingest_runs_running_idx ON ingest_runs (id) WHERE status = 'running';

-- A source keeps its own listing validators (two sources on one feed URL no longer share them),
-- saved only once every article the listing named is stored or recorded as failed.
ALTER TABLE sources ADD COLUMN listing_etag text;
ALTER TABLE sources ADD COLUMN listing_last_modified text;

-- Articles a source listed that failed: retried on later runs with backoff, up to a limit;
-- next_attempt_at is NULL once the article is given up.
CREATE TABLE source_retries (
    source_id bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    url text NOT NULL,
    attempts integer NOT NULL DEFAULT 1,
    last_error text NOT NULL DEFAULT '',
    first_failed_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz,
    CONSTRAINT source_retries_pkey PRIMARY KEY (source_id, url)
);

-- How many claim sentences an article's revision had beyond CLAIMTRACK_MAX_CLAIMS_PER_ARTICLE.
ALTER TABLE article_revisions ADD COLUMN claims_dropped integer NOT NULL DEFAULT 0;
