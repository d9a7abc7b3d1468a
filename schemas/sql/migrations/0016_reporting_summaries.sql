-- 0016: summary tables under the `reporting` views, so that dashboards and BI tools answer fast
-- with a million claims stored. Computing the views from the claims on every read took 4-9 s a
-- page at 100,000 claims.
--
-- reporting.claim_facts holds one narrow row per claim (when, who, where, family, verdict); the
-- totals tables hold each family, speaker, source and day once. Triggers on the tables they come
-- from (claims, articles, claim families, verdicts) list the claims whose row may have changed
-- in reporting.stale_claims, and `claimtrack dashboards refresh` (tasks/reporting/summaries.py,
-- also run when an ingestion run ends and by the refresh-dashboards flow) recomputes just those
-- rows and the totals they touch; `--full` rebuilds everything.

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

-- Every claim already stored is stale: the first refresh builds the tables.
INSERT INTO reporting.stale_claims (claim_id) SELECT id FROM claims;

-- The views of 0013 now read the summary tables (same names, same columns).
CREATE OR REPLACE VIEW reporting.claim_occurrences AS
SELECT o.claim_id, o.family_id, c.text, o.speaker, o.source, a.url, a.title, o.said_at,
       o.said_on, o.claim_type, c.checkworthiness, o.verdict, o.first_in_family
FROM reporting.claim_facts o
JOIN claims c ON c.id = o.claim_id
JOIN articles a ON a.id = c.article_id;

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

CREATE OR REPLACE FUNCTION reporting.occurrences_between(
    date_from date, date_to date, speaker text DEFAULT NULL, source text DEFAULT NULL,
    verdict text DEFAULT NULL, claim_type text DEFAULT NULL
) RETURNS SETOF reporting.claim_occurrences
LANGUAGE sql STABLE AS $$
    SELECT o.*
    FROM reporting.claim_occurrences o
    JOIN reporting.facts_between(date_from, date_to, speaker, source, verdict, claim_type) f
      ON f.claim_id = o.claim_id
$$;

CREATE OR REPLACE VIEW reporting.families AS
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

CREATE OR REPLACE VIEW reporting.family_days AS
SELECT family_id, said_on, count(*) AS claims
FROM reporting.claim_facts
WHERE family_id IS NOT NULL
GROUP BY family_id, said_on;

CREATE OR REPLACE VIEW reporting.open_contradictions AS
SELECT m.id AS match_id, m.score, m.created_at AS flagged_at,
       n.text AS claim_text, n.speaker AS claim_speaker, n.source AS claim_source,
       n.said_at AS claim_said_at,
       o.text AS earlier_text, o.speaker AS earlier_speaker, o.source AS earlier_source,
       o.said_at AS earlier_said_at, coalesce(n.family_id, o.family_id) AS family_id
FROM matches m
JOIN reporting.claim_occurrences n ON n.claim_id = m.claim_id
JOIN reporting.claim_occurrences o ON o.claim_id = m.matched_claim_id
WHERE m.kind = 'contradiction' AND m.status = 'open';

-- speakers and sources: "families" (distinct families said) became "families_started" (families
-- whose first claim they said), which adds up over days.
DROP VIEW reporting.speakers;
CREATE VIEW reporting.speakers AS
SELECT speaker, claims, families_started, repeats, repeats_rated_false, last_said
FROM reporting.speaker_totals;
COMMENT ON VIEW reporting.speakers IS
    'per speaker: claims, families started, repeats, and repeats of families rated false, mostly false or mixed';

DROP VIEW reporting.sources;
CREATE VIEW reporting.sources AS
SELECT source, claims, families_started, repeats, repeats_rated_false, last_said
FROM reporting.source_totals;
COMMENT ON VIEW reporting.sources IS
    'per source: claims, families started, repeats, and repeats of families rated false, mostly false or mixed';
