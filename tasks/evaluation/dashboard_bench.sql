-- Named queries of `claimtrack bench dashboards` (tasks/evaluation/dashboard_bench.py), in its
-- own database: a newsroom's two years of claims, generated in SQL.

-- clear --
TRUNCATE articles, claim_terms, ingest_runs, accounts, audit_log, review_items, verdicts,
         web_sessions, sign_in_failures, claim_families, alerts, alert_watches,
         reporting.claim_facts, reporting.family_totals, reporting.speaker_days,
         reporting.speaker_totals, reporting.source_days, reporting.source_totals,
         reporting.day_totals, reporting.stale_claims
         RESTART IDENTITY CASCADE;

-- fill_memory --
-- The fill groups and joins a million rows at once: in memory, not in batches on disk.
SET LOCAL work_mem = '256MB';

-- analyze --
ANALYZE articles, article_revisions, claims, claim_families, verdicts, matches;

-- fill_articles --
-- One article per ten claims, published over two years, from 40 sources.
INSERT INTO articles (url, fetched_url, published_at, source)
SELECT 'bench:' || n, 'bench:' || n, now() - make_interval(mins => (n * 7919) %% 1051200),
       'Source ' || (n %% 40)
FROM generate_series(1, (%(claims)s + 9) / 10) AS n;

-- fill_revisions --
INSERT INTO article_revisions (article_id, content_sha256, body, paragraph_count)
SELECT id, 'bench', 'A story of the bench.', 1 FROM articles;

-- fill_claims --
-- Claim n belongs to family f(n), skewed so that a few families recur often and most rarely
-- (about four claims a family on average); a family's claims share their wording's base, and
-- usually their speaker (one of 300).
INSERT INTO claims (article_id, revision_id, paragraph_index, sentence_index, text, text_sha256,
                    speaker, polarity, checkworthiness, claim_type, frame, published_at)
SELECT a.id, r.id, 0, 0,
       (%(bases)s::text[])[1 + g.f %% array_length(%(bases)s::text[], 1)] || ' (' || g.f || ')',
       md5(g.n::text),
       'Speaker ' || (CASE WHEN g.n %% 3 = 0 THEN g.n %% 300 ELSE (g.f * 31) %% 300 END),
       'positive', 0.5, (ARRAY['statistic', 'quote', 'prediction', 'other'])[1 + g.f %% 4],
       'bench', a.published_at
FROM (
    SELECT n, floor((%(claims)s / 4.0) * power(((n::bigint * 2654435761) %% 1000003) / 1000003.0, 2))::bigint AS f
    FROM generate_series(1, %(claims)s) AS n
) g
JOIN articles a ON a.id = 1 + (g.n - 1) / 10
JOIN article_revisions r ON r.article_id = a.id;

-- fill_families --
-- A family for every base wording said twice or more, its earliest claim canonical.
WITH grouped AS (
    SELECT text, min(id) AS first_id, count(*) AS n, min(published_at) AS first_seen,
           max(published_at) AS last_seen
    FROM claims GROUP BY text HAVING count(*) > 1
), families AS (
    INSERT INTO claim_families (canonical_claim_id, first_seen_at, last_seen_at, claim_count)
    SELECT first_id, first_seen, last_seen, n FROM grouped
    RETURNING id, canonical_claim_id
)
UPDATE claims c SET family_id = f.id
FROM families f
JOIN claims canonical ON canonical.id = f.canonical_claim_id
WHERE c.text = canonical.text;

-- fill_verdicts --
-- Every twentieth family rated, through the seven ratings.
INSERT INTO verdicts (claim_id, family_id, rating)
SELECT canonical_claim_id, id,
       (ARRAY['false', 'mostly_false', 'mixed', 'true', 'mostly_true', 'false', 'unverifiable'])[1 + (id / 20) %% 7]
FROM claim_families WHERE id %% 20 = 0;

-- fill_matches --
-- A repeat for every claim of a family but its first, and a contradiction for one claim in 100.
INSERT INTO matches (claim_id, matched_claim_id, kind, score, reason, method, status)
SELECT c.id, f.canonical_claim_id, 'repeat', 0.95, 'bench', 'bench', 'confirmed'
FROM claims c JOIN claim_families f ON f.id = c.family_id
WHERE c.id <> f.canonical_claim_id
UNION ALL
SELECT id, id - 1, 'contradiction', 0.9, 'bench', 'bench', 'open'
FROM claims WHERE id %% 100 = 0;

-- fill_queue --
-- A review item for every contradiction; two in three decided by the bench's reviewer, hours
-- to days after they were queued.
INSERT INTO review_items (kind, match_id, claim_id, priority, status, decision, decided_by,
                          decided_at, created_at)
SELECT 'match', m.id, m.claim_id, 500,
       CASE WHEN m.id %% 3 = 0 THEN 'waiting' ELSE 'decided' END,
       CASE WHEN m.id %% 3 = 0 THEN NULL ELSE 'confirm' END,
       CASE WHEN m.id %% 3 = 0 THEN NULL ELSE %(account_id)s::bigint END,
       CASE WHEN m.id %% 3 = 0 THEN NULL
            ELSE now() - make_interval(hours => (m.id %% 700)::int) END,
       now() - make_interval(hours => (m.id %% 700)::int + 1 + (m.id %% 50)::int)
FROM matches m WHERE m.kind = 'contradiction';

-- fill_run --
-- What one ingestion run stores: 50 articles of the last hour with 20 claims each, most of them
-- repeats of families of every size, some new.
WITH a AS (
    INSERT INTO articles (url, fetched_url, published_at, source)
    SELECT 'bench-run:' || n, 'bench-run:' || n, now() - make_interval(mins => n),
           'Source ' || (n %% 40)
    FROM generate_series(1, 50) AS n
    RETURNING id, published_at
), r AS (
    INSERT INTO article_revisions (article_id, content_sha256, body, paragraph_count)
    SELECT id, 'bench-run', 'A story of the bench run.', 1 FROM a
    RETURNING id, article_id
)
INSERT INTO claims (article_id, revision_id, paragraph_index, sentence_index, text, text_sha256,
                    speaker, polarity, checkworthiness, claim_type, frame, published_at,
                    family_id)
SELECT a.id, r.id, 0, k, 'A claim of the bench run (' || a.id || '.' || k || ')',
       md5(a.id || '.' || k), 'Speaker ' || ((a.id * 7 + k) %% 300), 'positive', 0.5,
       (ARRAY['statistic', 'quote', 'prediction', 'other'])[1 + k %% 4], 'bench', a.published_at,
       CASE WHEN k %% 5 = 0 THEN NULL
            ELSE (SELECT max(id) FROM claim_families) * power(((a.id * 131 + k * 17) %% 1000) / 1000.0, 2) + 1
       END::bigint
FROM a JOIN r ON r.article_id = a.id
CROSS JOIN generate_series(1, 20) AS k;

-- counts --
SELECT (SELECT count(*) FROM claims) AS claims, (SELECT count(*) FROM claim_families) AS families;
