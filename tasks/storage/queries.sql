-- start_run --
-- Open an ingest run, remembering the database session that runs it; return its id.
INSERT INTO ingest_runs (source, source_id, targets_total, backend_pid, backend_started_at)
SELECT %(source)s, %(source_id)s, %(targets_total)s, pid, backend_start
FROM pg_stat_activity WHERE pid = pg_backend_pid()
RETURNING id;

-- close_abandoned_runs --
-- Close as failed every run still 'running' whose database session is gone (its process died
-- or lost the database); returns their ids.
UPDATE ingest_runs r
SET status = 'failed', finished_at = now(),
    error = 'the process running it ended without closing it (crash, kill or lost database)'
WHERE r.status = 'running'
  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                  WHERE a.pid = r.backend_pid AND a.backend_start = r.backend_started_at)
RETURNING r.id;

-- finish_run --
-- Close an ingest run with its counts.
UPDATE ingest_runs
SET finished_at = now(), status = %(status)s, targets_failed = %(targets_failed)s,
    claims_added = %(claims_added)s, flags_added = %(flags_added)s, error = %(error)s
WHERE id = %(run_id)s;

-- get_run --
-- One ingest run.
SELECT id, status, error, targets_total, targets_failed, claims_added, flags_added, finished_at
FROM ingest_runs WHERE id = %(run_id)s;

-- lock_matching --
-- Serialise storing and matching claims across processes (until the transaction ends): a run
-- must see every claim stored before its own, and families change one run at a time.
SELECT pg_advisory_xact_lock(%(lock_id)s);

-- log_fetch --
-- Record what happened to one target of a run.
INSERT INTO fetch_log (run_id, source_id, target, url, outcome, http_status, reason, article_id,
                       duration_ms, attempts, conditional)
VALUES (%(run_id)s, %(source_id)s, %(target)s, %(url)s, %(outcome)s, %(http_status)s, %(reason)s,
        %(article_id)s, %(duration_ms)s, %(attempts)s, %(conditional)s);

-- upsert_article --
-- Insert the article by its identity URL, or refresh its metadata; returns its id.
INSERT INTO articles (url, fetched_url, title, author, published_at, modified_at, source, source_id,
                      site_name, language)
VALUES (%(url)s, %(fetched_url)s, %(title)s, %(author)s, %(published_at)s, %(modified_at)s,
        %(source)s, %(source_id)s, %(site_name)s, %(language)s)
ON CONFLICT (url) DO UPDATE
SET fetched_url = EXCLUDED.fetched_url,
    modified_at = COALESCE(EXCLUDED.modified_at, articles.modified_at),
    source_id = COALESCE(EXCLUDED.source_id, articles.source_id),
    title = COALESCE(EXCLUDED.title, articles.title),
    author = COALESCE(EXCLUDED.author, articles.author),
    published_at = COALESCE(EXCLUDED.published_at, articles.published_at),
    source = COALESCE(EXCLUDED.source, articles.source),
    site_name = COALESCE(EXCLUDED.site_name, articles.site_name),
    language = COALESCE(EXCLUDED.language, articles.language),
    last_seen_at = now()
RETURNING id;

-- insert_revision --
-- Add a revision of an article's text; returns nothing when this exact text is already stored.
INSERT INTO article_revisions (article_id, content_sha256, body, paragraph_count, run_id,
                               claim_reviews, claims_dropped)
VALUES (%(article_id)s, %(content_sha256)s, %(body)s, %(paragraph_count)s, %(run_id)s,
        %(claim_reviews)s, %(claims_dropped)s)
ON CONFLICT ON CONSTRAINT article_revisions_article_content_key DO NOTHING
RETURNING id;

-- set_current_revision --
-- Point the article at its newest revision.
UPDATE articles SET current_revision_id = %(revision_id)s WHERE id = %(article_id)s;

-- insert_claim --
-- Store a claim unless the article already has this sentence; returns the row when new.
INSERT INTO claims (article_id, revision_id, paragraph_index, sentence_index, text, text_sha256,
                    speaker, quantities, polarity, checkworthiness, reasons, claim_type, frame,
                    term_keys, published_at)
VALUES (%(article_id)s, %(revision_id)s, %(paragraph_index)s, %(sentence_index)s, %(text)s,
        %(text_sha256)s, %(speaker)s, %(quantities)s, %(polarity)s, %(checkworthiness)s,
        %(reasons)s, %(claim_type)s, %(frame)s, %(term_keys)s,
        (SELECT published_at FROM articles WHERE id = %(article_id)s))
ON CONFLICT ON CONSTRAINT claims_article_text_key DO NOTHING
RETURNING id, article_id, revision_id, text, speaker, quantities, polarity, frame, created_at;

-- claim_candidates --
-- The candidates of several claims (an article's) in one round trip. Claim n of the arrays: its
-- id, revision, term keys ('{1,2}') and frame, and its blocking conjunctions joined by ';'. Its
-- candidates: earlier claims holding all the terms of one of its conjunctions (claims_holding:
-- one index scan each), within the time window when both dates are known; a shortlist by terms
-- shared, then ordered by trigram similarity; each row says whose candidate it is.
SELECT wanted.claim_id AS candidate_of, c.*
FROM unnest(%(claim_ids)s::bigint[], %(revision_ids)s::bigint[], %(term_keys)s::text[],
            %(frames)s::text[], %(conjunctions)s::text[])
         AS wanted (claim_id, revision_id, term_keys, frame, conjunctions)
CROSS JOIN LATERAL (
    SELECT c.id, c.article_id, c.revision_id, c.text, c.speaker, c.quantities, c.polarity,
           c.frame, c.created_at, c.published_at,
           icount(c.term_keys & wanted.term_keys::integer[]) AS shared_terms,
           similarity(c.frame, wanted.frame) AS frame_similarity
    FROM claims c
    WHERE c.id = ANY (ARRAY(
        SELECT DISTINCT ON (hit.shared, hit.id) hit.id
        FROM unnest(string_to_array(wanted.conjunctions, ';')) AS blocking (conjunction),
             claims_holding(blocking.conjunction::query_int, wanted.term_keys::integer[],
                            wanted.claim_id, wanted.revision_id, %(published_at)s,
                            %(window_days)s) AS hit
        ORDER BY hit.shared DESC, hit.id DESC
        LIMIT %(shortlist)s))
    ORDER BY shared_terms DESC, frame_similarity DESC, c.id
    LIMIT %(limit)s
) c
ORDER BY wanted.claim_id, c.shared_terms DESC, c.frame_similarity DESC, c.id;

-- sync_claim_dates --
-- Claims carry their article's publication date (retrieval filters on it without a join).
UPDATE claims c SET published_at = a.published_at
FROM articles a
WHERE a.id = %(article_id)s AND c.article_id = a.id
  AND c.published_at IS DISTINCT FROM a.published_at;

-- term_claim_counts --
-- How many stored claims hold each of these term keys (keys no claim holds are absent).
SELECT term_key, claim_count FROM claim_terms WHERE term_key = ANY(%(keys)s::integer[]);

-- count_terms --
-- Add these claims' stored term keys to the counts; keys go in sorted so that concurrent runs
-- lock rows in one order.
INSERT INTO claim_terms (term_key, claim_count)
SELECT key, count(*) FROM claims, unnest(term_keys) AS key
WHERE id = ANY(%(claim_ids)s::bigint[])
GROUP BY key
ORDER BY key
ON CONFLICT (term_key) DO UPDATE SET claim_count = claim_terms.claim_count + EXCLUDED.claim_count;

-- insert_matches --
-- Record a claim's matches in one statement (parallel arrays, in order); a pair already known is
-- skipped. The new rows' ids with the earlier claim each names.
INSERT INTO matches (claim_id, matched_claim_id, kind, score, reason, details, method)
SELECT %(claim_id)s, m.matched_claim_id, m.kind, m.score, m.reason, m.details, %(method)s
FROM unnest(%(matched_claim_ids)s::bigint[], %(kinds)s::text[], %(scores)s::real[],
            %(reasons)s::text[], %(details)s::jsonb[]) WITH ORDINALITY
         AS m (matched_claim_id, kind, score, reason, details, position)
ORDER BY m.position
ON CONFLICT ON CONSTRAINT matches_claim_pair_key DO NOTHING
RETURNING id, matched_claim_id;

-- list_claims --
-- Every claim with its article, oldest first.
SELECT c.id, c.article_id, a.url AS article_url, a.source, a.published_at, c.text, c.speaker,
       c.quantities, c.polarity, c.checkworthiness, c.claim_type, c.reasons
FROM claims c
JOIN articles a ON a.id = c.article_id
ORDER BY c.id
LIMIT %(limit)s;

-- list_flags --
-- Repeat, contradiction and update flags with both claims' texts, oldest first.
SELECT m.id, m.kind, m.claim_id, c.text AS claim_text, m.matched_claim_id,
       mc.text AS matched_claim_text, m.score, m.reason, m.status, m.details, m.created_at
FROM matches m
JOIN claims c ON c.id = m.claim_id
JOIN claims mc ON mc.id = m.matched_claim_id
WHERE m.kind = ANY(%(kinds)s)
ORDER BY m.id
LIMIT %(limit)s;

-- recent_runs --
-- The latest ingest runs with their counts.
SELECT id, started_at, finished_at, status, source, targets_total, targets_failed,
       claims_added, flags_added
FROM ingest_runs
ORDER BY id DESC
LIMIT %(limit)s;

-- run_failures --
-- The failed targets of one run, with reasons.
SELECT target, url, http_status, reason
FROM fetch_log
WHERE run_id = %(run_id)s AND outcome = 'failed'
ORDER BY id;

-- counts --
-- How much the store holds.
SELECT (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FROM claims) AS claims,
       (SELECT count(*) FROM matches WHERE kind = 'repeat') AS repeats,
       (SELECT count(*) FROM matches WHERE kind = 'contradiction') AS contradictions,
       (SELECT count(*) FROM matches WHERE kind = 'update') AS updates,
       (SELECT count(*) FROM matches WHERE kind = 'related') AS related;

-- get_validators --
-- ETag and Last-Modified remembered for these URLs.
SELECT url, etag, last_modified FROM http_cache WHERE url = ANY(%(urls)s);

-- save_validators --
-- Remember a URL's validators after a good response.
INSERT INTO http_cache (url, etag, last_modified, status, fetched_at)
VALUES (%(url)s, %(etag)s, %(last_modified)s, %(status)s, now())
ON CONFLICT (url) DO UPDATE
SET etag = COALESCE(EXCLUDED.etag, http_cache.etag),
    last_modified = COALESCE(EXCLUDED.last_modified, http_cache.last_modified),
    status = EXCLUDED.status, fetched_at = now();

-- add_source --
-- Register a source; returns it.
INSERT INTO sources (name, kind, url, schedule_minutes, max_articles)
VALUES (%(name)s, %(kind)s, %(url)s, %(schedule_minutes)s, %(max_articles)s)
RETURNING *;

-- list_sources --
-- Every source, by name, and whether a live session is fetching it now.
SELECT s.*, (s.claimed_until >= now() AND EXISTS (
           SELECT 1 FROM pg_stat_activity a
           WHERE a.pid = s.claimed_by_pid AND a.backend_start = s.claimed_by_start))
       IS TRUE AS being_fetched
FROM sources s ORDER BY s.name;

-- get_source --
-- One source by name.
SELECT * FROM sources WHERE name = %(name)s;

-- remove_source --
-- Forget a source (its articles and claims stay); returns it when it existed.
DELETE FROM sources WHERE name = %(name)s RETURNING id;

-- claim_source --
-- Claim the next source this run may fetch, under a row lock that concurrent claimers skip: due
-- (or any enabled one with every_source, or one of the named ones), not done by this run yet
-- (in `done`, or checked since the run began at checked_before: another lane did it),
-- and not held by a live claim of another session. The claim holds until the lease runs out or
-- the claiming session ends. Returns the source, or nothing when none is left.
WITH next AS (
    SELECT s.id FROM sources s
    WHERE (s.enabled OR %(names)s::text[] IS NOT NULL)
      AND (%(names)s::text[] IS NULL OR s.name = ANY(%(names)s::text[]))
      AND (%(every_source)s OR %(names)s::text[] IS NOT NULL
           OR s.next_due_at IS NULL OR s.next_due_at <= now())
      AND NOT s.id = ANY(%(done)s::bigint[])
      AND (%(checked_before)s::timestamptz IS NULL OR s.last_checked_at IS NULL
           OR s.last_checked_at < %(checked_before)s::timestamptz)
      AND (s.claimed_until IS NULL OR s.claimed_until < now()
           OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                          WHERE a.pid = s.claimed_by_pid AND a.backend_start = s.claimed_by_start))
    ORDER BY s.next_due_at NULLS FIRST, s.name
    LIMIT 1
    FOR UPDATE OF s SKIP LOCKED
)
UPDATE sources s
SET claimed_until = now() + make_interval(secs => %(lease_s)s),
    claimed_by_pid = a.pid, claimed_by_start = a.backend_start
FROM next, pg_stat_activity a
WHERE s.id = next.id AND a.pid = pg_backend_pid()
RETURNING s.*;

-- held_sources --
-- Which of the named sources another live session holds now.
SELECT s.name FROM sources s
WHERE s.name = ANY(%(names)s::text[]) AND s.claimed_until >= now()
  AND s.claimed_by_pid <> pg_backend_pid()
  AND EXISTS (SELECT 1 FROM pg_stat_activity a
              WHERE a.pid = s.claimed_by_pid AND a.backend_start = s.claimed_by_start);

-- release_source --
-- Give a claimed source back without recording a check (the run stopped before checking it).
UPDATE sources SET claimed_until = NULL, claimed_by_pid = NULL, claimed_by_start = NULL
WHERE id = %(source_id)s AND claimed_by_pid = pg_backend_pid();

-- mark_source_checked --
-- Record a check of a source, release its claim, and set when it is next due: its schedule, or
-- after failures in a row, its schedule times 2^(failures-1), at most a day (never less than
-- its schedule).
UPDATE sources
SET last_checked_at = now(),
    consecutive_failures = CASE WHEN %(status)s = 'failed' THEN consecutive_failures + 1 ELSE 0 END,
    next_due_at = now() + make_interval(mins => CASE
        WHEN %(status)s = 'failed' THEN greatest(schedule_minutes,
            least(schedule_minutes * power(2, least(consecutive_failures, 20))::bigint,
                  %(max_backoff_minutes)s))::integer
        ELSE schedule_minutes END),
    last_status = %(status)s,
    last_error = %(error)s,
    claimed_until = NULL, claimed_by_pid = NULL, claimed_by_start = NULL
WHERE id = %(source_id)s;

-- source_fetches --
-- The latest fetch-log lines of one source.
SELECT created_at, target, outcome, http_status, reason, attempts, conditional
FROM fetch_log
WHERE source_id = %(source_id)s
ORDER BY id DESC
LIMIT %(limit)s;

-- speakers_with_surname --
-- Stored speakers whose name ends with this surname (at most a few).
SELECT DISTINCT speaker FROM claims
WHERE substring(speaker FROM '[^ ]+$') = %(surname)s AND speaker LIKE '%% ' || %(surname)s
LIMIT 3;

-- expand_surname_speaker --
-- Give earlier claims attributed to a bare surname the full name now known.
UPDATE claims SET speaker = %(full_name)s WHERE speaker = %(surname)s;

-- claim_family_ids --
-- The family of each of two claims (NULL when a claim has none yet).
SELECT id, family_id FROM claims WHERE id = ANY(%(claim_ids)s);

-- create_family --
-- Start a family whose canonical claim is the earlier one; returns its id.
INSERT INTO claim_families (canonical_claim_id, first_seen_at, last_seen_at)
VALUES (%(canonical_claim_id)s, now(), now())
RETURNING id;

-- set_claim_family --
-- Put claims into a family.
UPDATE claims SET family_id = %(family_id)s WHERE id = ANY(%(claim_ids)s);

-- move_family_members --
-- Move every member of another family into this one.
UPDATE claims SET family_id = %(family_id)s WHERE family_id = %(other_family_id)s;

-- delete_family --
-- Drop a family (after its members moved).
DELETE FROM claim_families WHERE id = %(family_id)s;

-- refresh_family --
-- Recompute a family's size, first and last sighting and canonical (earliest) claim.
UPDATE claim_families f
SET claim_count = s.claim_count, first_seen_at = s.first_seen_at,
    last_seen_at = s.last_seen_at, canonical_claim_id = s.canonical_claim_id
FROM (
    SELECT count(*) AS claim_count,
           min(coalesce(a.published_at, c.created_at)) AS first_seen_at,
           max(coalesce(a.published_at, c.created_at)) AS last_seen_at,
           (array_agg(c.id ORDER BY coalesce(a.published_at, c.created_at), c.id))[1]
               AS canonical_claim_id
    FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE c.family_id = %(family_id)s
) s
WHERE f.id = %(family_id)s;

-- list_families --
-- Families, most recently seen first, with their canonical text, speakers and sources.
SELECT f.id, f.claim_count, f.first_seen_at, f.last_seen_at, f.canonical_claim_id,
       cc.text AS canonical_text,
       array_remove(array_agg(DISTINCT c.speaker), NULL) AS speakers,
       array_remove(array_agg(DISTINCT coalesce(a.source, a.site_name)), NULL) AS sources,
       (SELECT count(*) FROM matches m
        JOIN claims x ON x.id = m.claim_id JOIN claims y ON y.id = m.matched_claim_id
        WHERE m.kind = 'contradiction' AND (x.family_id = f.id OR y.family_id = f.id))
           AS contradictions
FROM claim_families f
JOIN claims cc ON cc.id = f.canonical_claim_id
JOIN claims c ON c.family_id = f.id
JOIN articles a ON a.id = c.article_id
WHERE f.claim_count >= %(min_count)s
GROUP BY f.id, cc.text
ORDER BY f.last_seen_at DESC, f.id
LIMIT %(limit)s;

-- confirm_match --
-- Confirm a match without a person (the auto-confirm threshold), with a review row saying so.
WITH confirmed AS (
    UPDATE matches SET status = 'confirmed', decided_at = now()
    WHERE id = %(match_id)s AND status = 'open'
    RETURNING id
)
INSERT INTO reviews (match_id, decision, reviewer, note)
SELECT id, 'confirmed', 'claimtrack', %(note)s FROM confirmed;

-- claims_in_range --
-- Claims whose article was published (or, undated, stored) in a time range, oldest id first.
SELECT c.id, c.article_id, c.revision_id, c.text, c.speaker, c.quantities, c.polarity, c.frame,
       c.created_at, a.published_at
FROM claims c
JOIN articles a ON a.id = c.article_id
WHERE (%(since)s::timestamptz IS NULL OR coalesce(a.published_at, c.created_at) >= %(since)s)
  AND (%(until)s::timestamptz IS NULL OR coalesce(a.published_at, c.created_at) < %(until)s)
ORDER BY c.id;

-- forget_open_matches --
-- Drop the open (unreviewed) matches these claims made; reviewed ones stay.
DELETE FROM matches WHERE claim_id = ANY(%(claim_ids)s) AND status = 'open';

-- leave_families --
-- Take claims out of their families; returns the families they left.
WITH left_claims AS (
    SELECT id, family_id FROM claims WHERE id = ANY(%(claim_ids)s) AND family_id IS NOT NULL
), cleared AS (
    UPDATE claims c SET family_id = NULL FROM left_claims l WHERE c.id = l.id
)
SELECT DISTINCT family_id FROM left_claims;

-- family_size --
-- How many claims a family holds now.
SELECT count(*) AS n FROM claims WHERE family_id = %(family_id)s;

-- clear_family --
-- Take every claim out of a family (before the family is deleted).
UPDATE claims SET family_id = NULL WHERE family_id = %(family_id)s;

-- repeats_involving --
-- Repeat matches, not dismissed by a reviewer, made by or of these claims, oldest first.
SELECT claim_id, matched_claim_id FROM matches
WHERE kind = 'repeat' AND status <> 'dismissed'
  AND (claim_id = ANY(%(claim_ids)s) OR matched_claim_id = ANY(%(claim_ids)s))
ORDER BY claim_id, matched_claim_id;

-- save_listing_validators --
-- Remember a source's listing validators (after every listed article was handled).
UPDATE sources SET listing_etag = %(etag)s, listing_last_modified = %(last_modified)s
WHERE id = %(source_id)s;

-- due_retries --
-- Failed articles of a source whose next try is due, oldest failure first.
SELECT url FROM source_retries
WHERE source_id = %(source_id)s AND next_attempt_at <= now()
ORDER BY first_failed_at, url
LIMIT %(limit)s;

-- waiting_retries --
-- Failed articles of a source that wait for their next try or were given up.
SELECT url FROM source_retries
WHERE source_id = %(source_id)s AND (next_attempt_at IS NULL OR next_attempt_at > now());

-- record_retry --
-- An article of a source failed: count the try and set the next one (NULL past the limit).
INSERT INTO source_retries (source_id, url, attempts, last_error, next_attempt_at)
VALUES (%(source_id)s, %(url)s, 1, %(error)s,
        CASE WHEN %(limit)s >= 1 THEN now() + make_interval(secs => %(backoff_s)s) END)
ON CONFLICT (source_id, url) DO UPDATE
SET attempts = source_retries.attempts + 1, last_error = EXCLUDED.last_error,
    next_attempt_at = CASE WHEN source_retries.attempts + 1 <= %(limit)s
                           THEN now() + make_interval(
                               secs => %(backoff_s)s * 2 ^ source_retries.attempts)
                      END;

-- clear_retry --
-- An article of a source was stored (or found unchanged): no more retries.
DELETE FROM source_retries WHERE source_id = %(source_id)s AND url = ANY(%(urls)s);

-- source_retries --
-- The failed articles of one source, with their tries and next attempt.
SELECT url, attempts, last_error, first_failed_at, next_attempt_at
FROM source_retries WHERE source_id = %(source_id)s
ORDER BY first_failed_at, url;

-- semantic_matching_ready --
-- Whether this database can store claim embeddings (pgvector was available to migration 0006).
SELECT to_regclass('claim_embeddings') IS NOT NULL AS ready;

-- save_embedding --
-- Store (or replace) one claim's embedding, given as pgvector's text form '[x,y,...]'.
INSERT INTO claim_embeddings (claim_id, model, embedding)
VALUES (%(claim_id)s, %(model)s, %(embedding)s::vector)
ON CONFLICT (claim_id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding,
                                     created_at = now();

-- widen_vector_search --
-- HNSW returns at most hnsw.ef_search (default 40) rows: asking for more needs a wider search,
-- for this transaction only.
SELECT set_config('hnsw.ef_search', %(ef_search)s, true);

-- nearest_claims --
-- For several claims (an article's) in one round trip: the earlier claims from other revisions
-- whose embeddings (by the same model) are nearest to each one's (pgvector's text form), within
-- the time window when both dates are known; with their cosine similarity, nearest first.
SELECT wanted.claim_id AS nearest_to, near.*
FROM unnest(%(claim_ids)s::bigint[], %(revision_ids)s::bigint[], %(embeddings)s::text[])
         AS wanted (claim_id, revision_id, embedding)
CROSS JOIN LATERAL (
    SELECT c.id, c.article_id, c.revision_id, c.text, c.speaker, c.quantities, c.polarity,
           c.frame, c.created_at, c.published_at,
           1 - (e.embedding <=> wanted.embedding::vector) AS similarity
    FROM claim_embeddings e
    JOIN claims c ON c.id = e.claim_id
    WHERE e.model = %(model)s
      AND c.id < wanted.claim_id
      AND c.revision_id <> wanted.revision_id
      AND (%(window_days)s::integer IS NULL OR %(published_at)s::timestamptz IS NULL
           OR c.published_at IS NULL
           OR c.published_at BETWEEN %(published_at)s::timestamptz
                                     - make_interval(days => %(window_days)s::integer)
                                 AND %(published_at)s::timestamptz
                                     + make_interval(days => %(window_days)s::integer))
    ORDER BY e.embedding <=> wanted.embedding::vector
    LIMIT %(limit)s
) near
ORDER BY wanted.claim_id, near.similarity DESC;

-- claims_without_embedding --
-- Claims with no embedding by this model yet, after a given id, oldest first (for the backfill).
SELECT c.id, c.text, c.frame, c.speaker
FROM claims c
LEFT JOIN claim_embeddings e ON e.claim_id = c.id AND e.model = %(model)s
WHERE e.claim_id IS NULL AND c.id > %(after_id)s
  AND (%(since)s::timestamptz IS NULL OR c.created_at >= %(since)s::timestamptz)
ORDER BY c.id
LIMIT %(limit)s;

-- count_claims_without_embedding --
-- How many claims the backfill still has to embed.
SELECT count(*) AS n
FROM claims c
LEFT JOIN claim_embeddings e ON e.claim_id = c.id AND e.model = %(model)s
WHERE e.claim_id IS NULL
  AND (%(since)s::timestamptz IS NULL OR c.created_at >= %(since)s::timestamptz);

-- claim_embeddings_of --
-- The stored embeddings of these claims by this model, in pgvector's text form.
SELECT claim_id, embedding::text AS embedding
FROM claim_embeddings
WHERE claim_id = ANY (%(claim_ids)s::bigint[]) AND model = %(model)s;

-- families_of --
-- The family of each of these claims (claims in no family are absent).
SELECT id, family_id FROM claims WHERE id = ANY (%(claim_ids)s::bigint[]) AND family_id IS NOT NULL;

-- database_now --
-- The database's clock (runs on several machines compare times by it).
SELECT now() AS now;

-- prune_fetch_log --
-- Delete a batch of fetch-log lines older than keep_days, oldest first; returns their ids.
WITH old AS (
    SELECT id FROM fetch_log
    WHERE created_at < now() - make_interval(days => %(keep_days)s)
    ORDER BY id LIMIT %(batch)s
)
DELETE FROM fetch_log f USING old WHERE f.id = old.id RETURNING f.id;
