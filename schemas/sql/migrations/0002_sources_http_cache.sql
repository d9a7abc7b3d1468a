-- 0002: sources (feeds, sitemaps, single URLs) with schedules; HTTP validators for conditional GET;
-- modified dates and ClaimReview JSON-LD kept with articles; retry counts in the fetch log.
CREATE TABLE sources (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT sources_name_key UNIQUE,
    kind text NOT NULL CONSTRAINT sources_kind_check CHECK (kind IN ('feed', 'sitemap', 'url')),
    url text NOT NULL,
    schedule_minutes integer NOT NULL DEFAULT 60
        CONSTRAINT sources_schedule_minutes_check CHECK (schedule_minutes > 0),
    max_articles integer NOT NULL DEFAULT 50
        CONSTRAINT sources_max_articles_check CHECK (max_articles > 0),
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_checked_at timestamptz,
    next_due_at timestamptz,
    last_status text,
    last_error text
);

CREATE TABLE http_cache (
    url text PRIMARY KEY,
    etag text,
    last_modified text,
    status integer NOT NULL,
    fetched_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE articles ADD COLUMN modified_at timestamptz;
ALTER TABLE articles ADD COLUMN source_id bigint REFERENCES sources (id) ON DELETE SET NULL;
ALTER TABLE article_revisions ADD COLUMN claim_reviews jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE ingest_runs ADD COLUMN source_id bigint REFERENCES sources (id) ON DELETE SET NULL;
ALTER TABLE fetch_log ADD COLUMN attempts integer NOT NULL DEFAULT 1;
ALTER TABLE fetch_log ADD COLUMN conditional boolean NOT NULL DEFAULT false;
ALTER TABLE fetch_log ADD COLUMN source_id bigint REFERENCES sources (id) ON DELETE SET NULL;
CREATE INDEX fetch_log_source_idx ON fetch_log (source_id, created_at);
