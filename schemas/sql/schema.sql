-- The whole current schema, for reading and for the migration test. Change it together with a new migration.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS intarray;

-- A frame term's key: the first 32 bits of its MD5 (tasks/matching/blocking.py computes the same).
CREATE FUNCTION claim_term_key(term text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ('x' || substr(md5(term), 1, 8))::bit(32)::integer;

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
    last_error text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    claimed_until timestamptz,
    claimed_by_pid integer,
    claimed_by_start timestamptz
);
COMMENT ON COLUMN sources.claimed_until IS
    'a run fetching this source holds it until then, unless its database session (claimed_by_pid, claimed_by_start) is gone';
COMMENT ON COLUMN sources.consecutive_failures IS
    'checks in a row that failed; the next check waits schedule_minutes times 2^(failures-1), at most a day';

CREATE TABLE http_cache (
    url text PRIMARY KEY,
    etag text,
    last_modified text,
    status integer NOT NULL,
    fetched_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ingest_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status text NOT NULL DEFAULT 'running'
        CONSTRAINT ingest_runs_status_check CHECK (status IN ('running', 'finished', 'failed')),
    source text,
    targets_total integer NOT NULL DEFAULT 0,
    targets_failed integer NOT NULL DEFAULT 0,
    claims_added integer NOT NULL DEFAULT 0,
    flags_added integer NOT NULL DEFAULT 0,
    source_id bigint REFERENCES sources (id) ON DELETE SET NULL
);

CREATE TABLE articles (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url text NOT NULL CONSTRAINT articles_url_key UNIQUE,
    fetched_url text NOT NULL,
    title text,
    author text,
    published_at timestamptz,
    source text,
    site_name text,
    language text,
    current_revision_id bigint,
    modified_at timestamptz,
    source_id bigint REFERENCES sources (id) ON DELETE SET NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE article_revisions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    content_sha256 text NOT NULL,
    body text NOT NULL,
    paragraph_count integer NOT NULL,
    run_id bigint REFERENCES ingest_runs (id) ON DELETE SET NULL,
    fetched_at timestamptz NOT NULL DEFAULT now(),
    claim_reviews jsonb NOT NULL DEFAULT '[]'::jsonb,
    CONSTRAINT article_revisions_article_content_key UNIQUE (article_id, content_sha256)
);

ALTER TABLE articles ADD CONSTRAINT articles_current_revision_fkey
    FOREIGN KEY (current_revision_id) REFERENCES article_revisions (id) ON DELETE SET NULL;

CREATE TABLE claims (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    revision_id bigint NOT NULL REFERENCES article_revisions (id) ON DELETE CASCADE,
    paragraph_index integer NOT NULL,
    sentence_index integer NOT NULL,
    text text NOT NULL,
    text_sha256 text NOT NULL,
    speaker text,
    quantities jsonb NOT NULL DEFAULT '[]'::jsonb,
    polarity text NOT NULL
        CONSTRAINT claims_polarity_check CHECK (polarity IN ('positive', 'negative')),
    checkworthiness real NOT NULL
        CONSTRAINT claims_checkworthiness_check CHECK (checkworthiness BETWEEN 0 AND 1),
    reasons text[] NOT NULL DEFAULT '{}',
    claim_type text NOT NULL DEFAULT 'other',
    frame text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT claims_article_text_key UNIQUE (article_id, text_sha256)
);

CREATE TABLE claim_families (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    canonical_claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    first_seen_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    claim_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE claims ADD COLUMN family_id bigint REFERENCES claim_families (id) ON DELETE SET NULL;
CREATE INDEX claims_family_idx ON claims (family_id);
CREATE INDEX claim_families_last_seen_idx ON claim_families (last_seen_at DESC);
CREATE INDEX claims_revision_idx ON claims (revision_id);

CREATE TABLE matches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    matched_claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    kind text NOT NULL
        CONSTRAINT matches_kind_check
            CHECK (kind IN ('repeat', 'contradiction', 'update', 'related')),
    score real NOT NULL CONSTRAINT matches_score_check CHECK (score BETWEEN 0 AND 1),
    reason text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    method text NOT NULL,
    status text NOT NULL DEFAULT 'open'
        CONSTRAINT matches_status_check CHECK (status IN ('open', 'confirmed', 'dismissed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    CONSTRAINT matches_claim_pair_key UNIQUE (claim_id, matched_claim_id),
    CONSTRAINT matches_not_self_check CHECK (claim_id <> matched_claim_id)
);

CREATE INDEX matches_matched_claim_idx ON matches (matched_claim_id);
CREATE INDEX matches_open_flags_idx ON matches (kind, status) WHERE kind <> 'related';

CREATE TABLE reviews (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id bigint NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    decision text NOT NULL
        CONSTRAINT reviews_decision_check CHECK (decision IN ('confirmed', 'dismissed', 'reopened')),
    reviewer text NOT NULL,
    note text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX reviews_match_idx ON reviews (match_id);

CREATE TABLE fetch_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id bigint REFERENCES ingest_runs (id) ON DELETE CASCADE,
    target text NOT NULL,
    url text,
    outcome text NOT NULL
        CONSTRAINT fetch_log_outcome_check CHECK (outcome IN ('ingested', 'unchanged', 'failed')),
    http_status integer,
    reason text NOT NULL DEFAULT '',
    article_id bigint REFERENCES articles (id) ON DELETE SET NULL,
    duration_ms integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 1,
    conditional boolean NOT NULL DEFAULT false,
    source_id bigint REFERENCES sources (id) ON DELETE SET NULL
);

CREATE INDEX fetch_log_run_idx ON fetch_log (run_id);
CREATE INDEX fetch_log_source_idx ON fetch_log (source_id, created_at);

-- Candidate retrieval: claims sharing a new claim's rarest frame terms (tasks/matching/blocking.py).
ALTER TABLE claims ADD COLUMN term_keys integer[] NOT NULL DEFAULT '{}';
CREATE INDEX claims_term_keys_idx ON claims USING gin (term_keys gin__int_ops);
-- the article's publication date, copied so that retrieval filters on it without a join
ALTER TABLE claims ADD COLUMN published_at timestamptz;

CREATE TABLE claim_terms (
    term_key integer PRIMARY KEY,
    claim_count integer NOT NULL
);

-- The claims holding every term of one blocking conjunction, before a claim, from other
-- revisions, within a time window: the inner step of candidate retrieval. A function so that
-- each conjunction is one index scan with a sane row estimate (intarray's estimates otherwise
-- lead the planner to scan every claim).
CREATE FUNCTION claims_holding(
    conjunction query_int, keys integer[], before_id bigint, other_revision bigint,
    published timestamptz, window_days integer
) RETURNS TABLE (id bigint, shared integer)
    LANGUAGE plpgsql STABLE ROWS 100 AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, icount(c.term_keys & keys)
    FROM claims c
    WHERE c.term_keys @@ conjunction
      AND c.id < before_id
      AND c.revision_id <> other_revision
      AND (window_days IS NULL OR published IS NULL OR c.published_at IS NULL
           OR c.published_at BETWEEN published - make_interval(days => window_days)
                                 AND published + make_interval(days => window_days));
END
$$;

-- speakers by surname and by whole name, for normalising speakers across articles
CREATE INDEX claims_speaker_surname_idx ON claims ((substring(speaker FROM '[^ ]+$')));
CREATE INDEX claims_speaker_idx ON claims (speaker);

-- runs remember their database session (a run whose session is gone is closed as failed)
ALTER TABLE ingest_runs ADD COLUMN backend_pid integer;
ALTER TABLE ingest_runs ADD COLUMN backend_started_at timestamptz;
ALTER TABLE ingest_runs ADD COLUMN error text;
CREATE INDEX ingest_runs_running_idx ON ingest_runs (id) WHERE status = 'running';

-- each source's own listing validators
ALTER TABLE sources ADD COLUMN listing_etag text;
ALTER TABLE sources ADD COLUMN listing_last_modified text;

-- articles a source listed that failed, retried with backoff (next_attempt_at NULL: given up)
CREATE TABLE source_retries (
    source_id bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    url text NOT NULL,
    attempts integer NOT NULL DEFAULT 1,
    last_error text NOT NULL DEFAULT '',
    first_failed_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz,
    CONSTRAINT source_retries_pkey PRIMARY KEY (source_id, url)
);

-- claim sentences beyond CLAIMTRACK_MAX_CLAIMS_PER_ARTICLE
ALTER TABLE article_revisions ADD COLUMN claims_dropped integer NOT NULL DEFAULT 0;

-- sentence embeddings of claims for semantic matching, where pgvector is available
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TABLE claim_embeddings (
            claim_id bigint PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
            model text NOT NULL,
            embedding vector(384) NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX claim_embeddings_hnsw_idx ON claim_embeddings
            USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
    END IF;
END
$$;

-- The reviewers' queue (0008): accounts, API tokens, leased work items, verdicts, audit log.
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT accounts_name_key UNIQUE,
    role text NOT NULL CONSTRAINT accounts_role_check CHECK (role IN ('reviewer', 'editor')),
    password_hash text NOT NULL,  -- argon2id
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_sha256 text NOT NULL CONSTRAINT api_tokens_token_key UNIQUE,  -- never the token itself
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- One item per open flag (kind 'match') and per check-worthy claim waiting for triage ('check').
CREATE TABLE review_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CONSTRAINT review_items_kind_check CHECK (kind IN ('match', 'check')),
    match_id bigint REFERENCES matches (id) ON DELETE CASCADE,
    claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    priority real NOT NULL DEFAULT 0,
    reasons text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'waiting'
        CONSTRAINT review_items_status_check CHECK (status IN ('waiting', 'leased', 'decided')),
    leased_by bigint REFERENCES accounts (id),
    lease_expires_at timestamptz,
    skipped_by bigint[] NOT NULL DEFAULT '{}',  -- not offered again to these reviewers
    decision text,
    decided_by bigint REFERENCES accounts (id),
    decided_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT review_items_match_key UNIQUE (match_id),
    CONSTRAINT review_items_match_kind_check CHECK ((kind = 'match') = (match_id IS NOT NULL))
);

CREATE UNIQUE INDEX review_items_check_claim_key ON review_items (claim_id) WHERE kind = 'check';
CREATE INDEX review_items_open_idx ON review_items (priority DESC, id) WHERE status <> 'decided';
CREATE INDEX review_items_decided_by_idx ON review_items (decided_by, decided_at DESC);
CREATE INDEX review_items_leased_by_idx ON review_items (leased_by) WHERE status = 'leased';

CREATE TABLE verdicts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    family_id bigint REFERENCES claim_families (id) ON DELETE SET NULL,  -- covers every repeat
    rating text NOT NULL CONSTRAINT verdicts_rating_check CHECK (rating IN (
        'true', 'mostly_true', 'mixed', 'mostly_false', 'false', 'unverifiable', 'not_checkable')),
    note text NOT NULL DEFAULT '',
    evidence text[] NOT NULL DEFAULT '{}',
    account_id bigint REFERENCES accounts (id),
    item_id bigint REFERENCES review_items (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    withdrawn_at timestamptz
);

CREATE INDEX verdicts_claim_idx ON verdicts (claim_id) WHERE withdrawn_at IS NULL;
CREATE INDEX verdicts_family_idx ON verdicts (family_id) WHERE withdrawn_at IS NULL;

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    account_id bigint REFERENCES accounts (id),
    action text NOT NULL,
    item_id bigint,
    before jsonb,
    after jsonb
);

CREATE INDEX audit_log_account_idx ON audit_log (account_id, at DESC);
CREATE INDEX audit_log_item_idx ON audit_log (item_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Browser sessions and failed sign-ins (0009).
CREATE TABLE web_sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_sha256 text NOT NULL CONSTRAINT web_sessions_token_key UNIQUE,
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    ended_at timestamptz
);

CREATE TABLE sign_in_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    address text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sign_in_failures_name_idx ON sign_in_failures (name, at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (address, at);

-- Imported fact-checks (0010).
CREATE TABLE fact_checks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    url text,
    publisher text,
    date_published text,
    rating text NOT NULL,
    mapped_from text NOT NULL CONSTRAINT fact_checks_mapped_from_check
        CHECK (mapped_from IN ('text', 'number', 'nothing')),
    original_rating text,
    rating_value real,
    best_rating real,
    worst_rating real,
    record jsonb NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fact_checks_article_key UNIQUE (article_id)
);

-- Settings stored in the database (0011).
CREATE TABLE stored_settings (
    name text PRIMARY KEY,
    value text NOT NULL,
    reason text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- 0013 and 0016: the `reporting` schema. Read-only views of the figures the dashboards show, for
-- any BI tool (Metabase, Grafana, Superset) as well as for our own pages, over summary tables
-- that triggers mark stale and tasks/reporting/summaries.py refreshes. `claimtrack db
-- reader-role NAME` creates a role that may read this schema and nothing else.
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'claimtrack figures for dashboards and BI tools (read-only views)';

-- The verdict in force for each claim family: the latest given to the whole family and not
-- withdrawn. (A verdict on one claim covers that claim alone, as in the review queue.)
CREATE VIEW reporting.family_verdicts AS
SELECT DISTINCT ON (family_id) family_id, rating AS verdict, created_at AS rated_at, published_at
FROM verdicts
WHERE family_id IS NOT NULL AND withdrawn_at IS NULL
ORDER BY family_id, created_at DESC;
COMMENT ON VIEW reporting.family_verdicts IS
    'the verdict in force for each claim family: the latest given to the whole family, not withdrawn';

-- The verdicts whose repeats alert and count as "rated false" everywhere (dashboards, summary
-- tables, alerts, a run's summary, the queue's priorities).
CREATE FUNCTION reporting.rated_false(verdict text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN verdict IN ('false', 'mostly_false', 'mixed');

-- What a claim's facts row is, computed from the live tables. The refresh copies it into
-- claim_facts; days are UTC days.
CREATE VIEW reporting.claim_facts_live AS
SELECT c.id AS claim_id, c.family_id,
       coalesce(c.published_at, c.created_at) AS said_at,
       (coalesce(c.published_at, c.created_at) AT TIME ZONE 'UTC')::date AS said_on,
       c.speaker, coalesce(a.source, a.site_name) AS source, c.claim_type,
       coalesce(own.rating, fv.verdict) AS verdict,
       c.family_id IS NOT NULL AND f.canonical_claim_id = c.id AS first_in_family
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN claim_families f ON f.id = c.family_id
LEFT JOIN reporting.family_verdicts fv ON fv.family_id = c.family_id
LEFT JOIN (
    SELECT DISTINCT ON (claim_id) claim_id, rating
    FROM verdicts
    WHERE family_id IS NULL AND withdrawn_at IS NULL
    ORDER BY claim_id, created_at DESC
) own ON own.claim_id = c.id;
COMMENT ON VIEW reporting.claim_facts_live IS
    'what reporting.claim_facts holds, computed from the claims now (slow: for the refresh and for checks)';

CREATE TABLE reporting.claim_facts (
    claim_id bigint PRIMARY KEY,
    family_id bigint,
    said_at timestamptz NOT NULL,
    said_on date NOT NULL,
    speaker text,
    source text,
    claim_type text NOT NULL,
    verdict text,
    first_in_family boolean NOT NULL
);
COMMENT ON TABLE reporting.claim_facts IS
    'one row per claim: when (said_at, said_on in UTC), who, where, its family and the verdict covering it';
CREATE INDEX claim_facts_said_on_idx ON reporting.claim_facts (said_on);
CREATE INDEX claim_facts_speaker_idx ON reporting.claim_facts (speaker, said_on);
CREATE INDEX claim_facts_source_idx ON reporting.claim_facts (source, said_on);
CREATE INDEX claim_facts_family_idx ON reporting.claim_facts (family_id, said_on);

CREATE TABLE reporting.family_totals (
    family_id bigint PRIMARY KEY,
    canonical_text text NOT NULL,
    first_speaker text,
    claims bigint NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    speakers bigint NOT NULL,
    sources bigint NOT NULL,
    speaker_names text[] NOT NULL,
    source_names text[] NOT NULL,
    verdict text
);
COMMENT ON TABLE reporting.family_totals IS
    'one row per claim family over its whole life: claims, first and last seen, speakers and sources (counts, and the first 10 names in alphabetical order), verdict';
CREATE INDEX family_totals_claims_idx
    ON reporting.family_totals (claims DESC, last_seen DESC, family_id);

-- Per speaker and source: claims, repeats (claims of a family said before), repeats of
-- families rated false, mostly false or mixed, and families started (claims said first in their
-- family), per UTC day and all time. Every column adds up over days, so that a window's figures
-- are sums of a few hundred rows.
CREATE TABLE reporting.speaker_days (
    speaker text NOT NULL,
    said_on date NOT NULL,
    claims bigint NOT NULL,
    repeats bigint NOT NULL,
    repeats_rated_false bigint NOT NULL,
    families_started bigint NOT NULL,
    last_said timestamptz NOT NULL,
    PRIMARY KEY (speaker, said_on)
);
CREATE INDEX speaker_days_said_on_idx ON reporting.speaker_days (said_on);
COMMENT ON TABLE reporting.speaker_days IS
    'per speaker and UTC day: claims, repeats, repeats rated false, families started';

CREATE TABLE reporting.source_days (LIKE reporting.speaker_days);
ALTER TABLE reporting.source_days RENAME COLUMN speaker TO source;
ALTER TABLE reporting.source_days ADD PRIMARY KEY (source, said_on);
CREATE INDEX source_days_said_on_idx ON reporting.source_days (said_on);
COMMENT ON TABLE reporting.source_days IS
    'per source and UTC day: claims, repeats, repeats rated false, families started';

CREATE TABLE reporting.speaker_totals (
    speaker text PRIMARY KEY,
    claims bigint NOT NULL,
    repeats bigint NOT NULL,
    repeats_rated_false bigint NOT NULL,
    families_started bigint NOT NULL,
    last_said timestamptz NOT NULL
);
COMMENT ON TABLE reporting.speaker_totals IS 'reporting.speaker_days summed over all time';

CREATE TABLE reporting.source_totals (LIKE reporting.speaker_totals);
ALTER TABLE reporting.source_totals RENAME COLUMN speaker TO source;
ALTER TABLE reporting.source_totals ADD PRIMARY KEY (source);
COMMENT ON TABLE reporting.source_totals IS 'reporting.source_days summed over all time';

CREATE TABLE reporting.day_totals (
    said_on date NOT NULL,
    claim_type text NOT NULL,
    verdict text NOT NULL,
    claims bigint NOT NULL,
    repeats bigint NOT NULL,
    PRIMARY KEY (said_on, claim_type, verdict)
);
COMMENT ON TABLE reporting.day_totals IS
    'claims and repeats per UTC day, claim type and verdict (unrated for none)';

-- The dashboards' contradictions waiting, best first: read in score order until enough of them
-- fall in the window, instead of every open contradiction.
CREATE INDEX matches_open_contradictions_idx ON matches (score DESC, id)
    WHERE kind = 'contradiction' AND status = 'open';

-- The queue's health on the dashboards: decisions of a window of days, without reading the queue.
CREATE INDEX review_items_decided_idx ON review_items (decided_at) WHERE status = 'decided';

-- Claims whose facts row may be out of date; duplicates are fine (no key, so that writers never
-- wait for each other here).
CREATE TABLE reporting.stale_claims (claim_id bigint NOT NULL);
COMMENT ON TABLE reporting.stale_claims IS
    'claims whose reporting.claim_facts row the next refresh recomputes';

CREATE FUNCTION reporting.claims_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting.stale_claims (claim_id) SELECT id FROM new_rows;
    RETURN NULL;
END $$;

-- Updates are row triggers with a WHEN clause: rows whose reported columns did not change cost
-- nothing, where a statement trigger joining the old and new rows of a million-row UPDATE spilled
-- to disk for minutes.
CREATE FUNCTION reporting.claim_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting.stale_claims (claim_id) VALUES (NEW.id);
    RETURN NULL;
END $$;

CREATE FUNCTION reporting.claims_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting.stale_claims (claim_id) SELECT id FROM old_rows;
    RETURN NULL;
END $$;

CREATE FUNCTION reporting.article_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting.stale_claims (claim_id) SELECT id FROM claims WHERE article_id = NEW.id;
    RETURN NULL;
END $$;

CREATE FUNCTION reporting.family_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting.stale_claims (claim_id) SELECT id FROM claims WHERE family_id = NEW.id;
    RETURN NULL;
END $$;

-- A verdict on a family covers its every claim; one on a claim, that claim.
CREATE FUNCTION reporting.verdicts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting.stale_claims (claim_id)
    SELECT v.claim_id FROM changed_verdicts v
    UNION
    SELECT c.id FROM changed_verdicts v JOIN claims c ON c.family_id = v.family_id;
    RETURN NULL;
END $$;

CREATE TRIGGER reporting_claims_inserted AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting.claims_inserted();
CREATE TRIGGER reporting_claims_updated
    AFTER UPDATE OF family_id, speaker, published_at, created_at, claim_type, article_id ON claims
    FOR EACH ROW
    WHEN ((OLD.family_id, OLD.speaker, OLD.published_at, OLD.created_at, OLD.claim_type,
           OLD.article_id)
          IS DISTINCT FROM
          (NEW.family_id, NEW.speaker, NEW.published_at, NEW.created_at, NEW.claim_type,
           NEW.article_id))
    EXECUTE FUNCTION reporting.claim_updated();
CREATE TRIGGER reporting_claims_deleted AFTER DELETE ON claims
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting.claims_deleted();
CREATE TRIGGER reporting_articles_updated AFTER UPDATE OF source, site_name ON articles
    FOR EACH ROW
    WHEN ((OLD.source, OLD.site_name) IS DISTINCT FROM (NEW.source, NEW.site_name))
    EXECUTE FUNCTION reporting.article_updated();
CREATE TRIGGER reporting_families_updated AFTER UPDATE OF canonical_claim_id ON claim_families
    FOR EACH ROW WHEN (OLD.canonical_claim_id IS DISTINCT FROM NEW.canonical_claim_id)
    EXECUTE FUNCTION reporting.family_updated();
CREATE TRIGGER reporting_verdicts_inserted AFTER INSERT ON verdicts
    REFERENCING NEW TABLE AS changed_verdicts
    FOR EACH STATEMENT EXECUTE FUNCTION reporting.verdicts_changed();
CREATE TRIGGER reporting_verdicts_updated AFTER UPDATE ON verdicts
    REFERENCING NEW TABLE AS changed_verdicts
    FOR EACH STATEMENT EXECUTE FUNCTION reporting.verdicts_changed();
CREATE TRIGGER reporting_verdicts_deleted AFTER DELETE ON verdicts
    REFERENCING OLD TABLE AS changed_verdicts
    FOR EACH STATEMENT EXECUTE FUNCTION reporting.verdicts_changed();

CREATE VIEW reporting.claim_occurrences AS
SELECT o.claim_id, o.family_id, c.text, o.speaker, o.source, a.url, a.title, o.said_at,
       o.said_on, o.claim_type, c.checkworthiness, o.verdict, o.first_in_family
FROM reporting.claim_facts o
JOIN claims c ON c.id = o.claim_id
JOIN articles a ON a.id = c.article_id;
COMMENT ON VIEW reporting.claim_occurrences IS
    'one row per stored claim: when (said_at, said_on), where (source, url), who (speaker), its family and verdict';

-- The facts of the claims said in a window of days that pass the dashboards' filters (a NULL
-- filter passes everything; verdict 'unrated' matches claims without one).
CREATE FUNCTION reporting.facts_between(
    date_from date, date_to date, speaker text DEFAULT NULL, source text DEFAULT NULL,
    verdict text DEFAULT NULL, claim_type text DEFAULT NULL
) RETURNS SETOF reporting.claim_facts
LANGUAGE sql STABLE AS $$
    SELECT o.*
    FROM reporting.claim_facts o
    WHERE o.said_on BETWEEN date_from AND date_to
      AND (facts_between.speaker IS NULL OR o.speaker = facts_between.speaker)
      AND (facts_between.source IS NULL OR o.source = facts_between.source)
      AND (facts_between.verdict IS NULL
           OR coalesce(o.verdict, 'unrated') = facts_between.verdict)
      AND (facts_between.claim_type IS NULL OR o.claim_type = facts_between.claim_type)
$$;
COMMENT ON FUNCTION reporting.facts_between IS
    'claim_facts said between two days, filtered by speaker, source, verdict (or unrated) and claim type';

CREATE FUNCTION reporting.occurrences_between(
    date_from date, date_to date, speaker text DEFAULT NULL, source text DEFAULT NULL,
    verdict text DEFAULT NULL, claim_type text DEFAULT NULL
) RETURNS SETOF reporting.claim_occurrences
LANGUAGE sql STABLE AS $$
    SELECT o.*
    FROM reporting.claim_occurrences o
    JOIN reporting.facts_between(date_from, date_to, speaker, source, verdict, claim_type) f
      ON f.claim_id = o.claim_id
$$;
COMMENT ON FUNCTION reporting.occurrences_between IS
    'claim_occurrences said between two days, filtered by speaker, source, verdict (or unrated) and claim type';

CREATE VIEW reporting.families AS
SELECT t.family_id, t.canonical_text, t.first_speaker, t.claims, t.first_seen, t.last_seen,
       t.speakers, t.sources, t.speaker_names, t.source_names, t.verdict,
       recent.last_7_days, recent.previous_7_days
FROM reporting.family_totals t
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE o.said_at >= now() - interval '7 days') AS last_7_days,
           count(*) FILTER (WHERE o.said_at < now() - interval '7 days') AS previous_7_days
    FROM reporting.claim_facts o
    WHERE o.family_id = t.family_id
      AND o.said_on >= (now() - interval '15 days')::date
      AND o.said_at >= now() - interval '14 days'
) recent;
COMMENT ON VIEW reporting.families IS
    'one row per claim family: claims, first and last seen, speakers, sources, verdict, last 7 days against the 7 before';

CREATE VIEW reporting.family_days AS
SELECT family_id, said_on, count(*) AS claims
FROM reporting.claim_facts
WHERE family_id IS NOT NULL
GROUP BY family_id, said_on;
COMMENT ON VIEW reporting.family_days IS 'claims of each family per day';

CREATE VIEW reporting.open_contradictions AS
SELECT m.id AS match_id, m.score, m.created_at AS flagged_at,
       n.text AS claim_text, n.speaker AS claim_speaker, n.source AS claim_source,
       n.said_at AS claim_said_at,
       o.text AS earlier_text, o.speaker AS earlier_speaker, o.source AS earlier_source,
       o.said_at AS earlier_said_at, coalesce(n.family_id, o.family_id) AS family_id
FROM matches m
JOIN reporting.claim_occurrences n ON n.claim_id = m.claim_id
JOIN reporting.claim_occurrences o ON o.claim_id = m.matched_claim_id
WHERE m.kind = 'contradiction' AND m.status = 'open';
COMMENT ON VIEW reporting.open_contradictions IS 'contradiction flags no reviewer has decided yet';

CREATE VIEW reporting.speakers AS
SELECT speaker, claims, families_started, repeats, repeats_rated_false, last_said
FROM reporting.speaker_totals;
COMMENT ON VIEW reporting.speakers IS
    'per speaker: claims, families started, repeats, and repeats of families rated false, mostly false or mixed';

CREATE VIEW reporting.sources AS
SELECT source, claims, families_started, repeats, repeats_rated_false, last_said
FROM reporting.source_totals;
COMMENT ON VIEW reporting.sources IS
    'per source: claims, families started, repeats, and repeats of families rated false, mostly false or mixed';

-- The queue's health: items waiting and in review now, decisions per day, and the median time
-- from an item's queueing to its decision, for everyone and per reviewer.
CREATE VIEW reporting.queue_now AS
SELECT count(*) FILTER (WHERE status = 'waiting') AS waiting,
       count(*) FILTER (WHERE status = 'leased' AND lease_expires_at > now()) AS in_review,
       count(*) FILTER (WHERE status = 'decided') AS decided
FROM review_items;
COMMENT ON VIEW reporting.queue_now IS 'review items waiting, in review and decided now';

CREATE VIEW reporting.decisions_per_day AS
SELECT i.decided_at::date AS decided_on, a.name AS reviewer, count(*) AS decisions,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM i.decided_at - i.created_at) / 3600
       ) AS median_hours_to_decision
FROM review_items i
JOIN accounts a ON a.id = i.decided_by
WHERE i.status = 'decided'
GROUP BY 1, 2;
COMMENT ON VIEW reporting.decisions_per_day IS
    'decisions per day and reviewer, with the median hours from queueing to decision';
-- 0014: alerts. Speakers and sources watched for contradictions, and every alert with its
-- delivery to each channel: one row per alert and channel, so that a failed delivery is retried
-- and a delivered one never sent again.
CREATE TABLE alert_watches (
    kind text NOT NULL CONSTRAINT alert_watches_kind_check CHECK (kind IN ('speaker', 'source')),
    value text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, value)
);

CREATE TABLE alerts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL
        CONSTRAINT alerts_kind_check CHECK (kind IN ('rated-repeat', 'contradiction', 'digest')),
    family_id bigint REFERENCES claim_families (id) ON DELETE SET NULL,
    match_id bigint REFERENCES matches (id) ON DELETE SET NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- one alert per flag, whatever reruns and concurrent runs do
    CONSTRAINT alerts_match_key UNIQUE (match_id)
);
CREATE INDEX alerts_family_idx ON alerts (family_id, created_at DESC);

CREATE TABLE alert_deliveries (
    alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    channel text NOT NULL,  -- the channel's URL with any password masked
    status text NOT NULL DEFAULT 'pending'
        CONSTRAINT alert_deliveries_status_check CHECK (status IN ('pending', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    sent_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (alert_id, channel)
);
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (alert_id) WHERE status <> 'sent';
-- 0015: what an ingestion run stored is found by its revisions' run_id when the run ends (the
-- queue refresh, the run's summary and its alerts); without an index each of those scanned every
-- revision ever stored.
CREATE INDEX article_revisions_run_idx ON article_revisions (run_id);
