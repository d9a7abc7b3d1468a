-- Named queries of `claimtrack bench review` (tasks/evaluation/review_bench.py), in its own database.

-- clear --
TRUNCATE articles, claim_terms, ingest_runs, accounts, audit_log, review_items, verdicts,
         web_sessions, sign_in_failures RESTART IDENTITY CASCADE;

-- fill --
-- One synthetic article per 20 claims, published over two years, and a check item per claim
-- with a spread of priorities, as a busy desk's queue would hold.
WITH new_articles AS (
    INSERT INTO articles (url, fetched_url, published_at)
    SELECT 'bench:' || n, 'bench:' || n, now() - make_interval(mins => (n * 37) %% 1051200)
    FROM generate_series(1, (%(items)s + 19) / 20) AS n
    RETURNING id, published_at
), new_revisions AS (
    INSERT INTO article_revisions (article_id, content_sha256, body, paragraph_count)
    SELECT id, 'bench', 'A claim about the bench.', 1 FROM new_articles
    RETURNING id, article_id
)
INSERT INTO claims (article_id, revision_id, paragraph_index, sentence_index, text, text_sha256,
                    polarity, checkworthiness, frame, published_at)
SELECT r.article_id, r.id, 0, s,
       'The bench claim number ' || (r.article_id * 20 + s) || ' says ' || s || ' things.',
       md5((r.article_id * 20 + s)::text), 'positive', 0.5 + (s %% 10) / 20.0, 'bench claim', a.published_at
FROM new_revisions r
JOIN new_articles a ON a.id = r.article_id
CROSS JOIN generate_series(0, 19) AS s
LIMIT %(items)s;

-- queue_all --
INSERT INTO review_items (kind, claim_id, priority, reasons)
SELECT 'check', id, (id * 7919) %% 1000, ARRAY['bench']
FROM claims;

-- undecided --
SELECT count(*) AS n FROM review_items WHERE status <> 'decided';
