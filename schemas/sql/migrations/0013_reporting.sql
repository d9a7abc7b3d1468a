-- 0013: the `reporting` schema. Read-only views of the figures the dashboards show, for any
-- BI tool (Metabase, Grafana, Superset) as well as for our own pages; `claimtrack db reader-role
-- NAME` creates a role that may read these views and nothing else. The views run with their
-- owner's rights, so the reader needs no grant on the tables beneath them. Each is documented in
-- the README ("Reporting views").
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

-- Every stored claim as a reader sees it: when and where it was said, by whom, its family and
-- the verdict that covers it (its own, else its family's).
CREATE VIEW reporting.claim_occurrences AS
SELECT c.id AS claim_id, c.family_id, c.text, c.speaker,
       coalesce(a.source, a.site_name) AS source, a.url, a.title,
       coalesce(c.published_at, c.created_at) AS said_at,
       coalesce(c.published_at, c.created_at)::date AS said_on,
       c.claim_type, c.checkworthiness,
       coalesce(own.rating, fv.verdict) AS verdict,
       c.family_id IS NOT NULL AND f.canonical_claim_id = c.id AS first_in_family
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN claim_families f ON f.id = c.family_id
LEFT JOIN reporting.family_verdicts fv ON fv.family_id = c.family_id
LEFT JOIN LATERAL (
    SELECT rating FROM verdicts
    WHERE claim_id = c.id AND family_id IS NULL AND withdrawn_at IS NULL
    ORDER BY created_at DESC
    LIMIT 1
) own ON true;
COMMENT ON VIEW reporting.claim_occurrences IS
    'one row per stored claim: when (said_at, said_on), where (source, url), who (speaker), its family and verdict';

-- The claims said in a window of days that pass the dashboards' filters (a NULL filter passes
-- everything; verdict 'unrated' matches claims without one). Every dashboard table reads this.
CREATE FUNCTION reporting.occurrences_between(
    date_from date, date_to date, speaker text DEFAULT NULL, source text DEFAULT NULL,
    verdict text DEFAULT NULL, claim_type text DEFAULT NULL
) RETURNS SETOF reporting.claim_occurrences
LANGUAGE sql STABLE AS $$
    SELECT o.*
    FROM reporting.claim_occurrences o
    WHERE o.said_on BETWEEN date_from AND date_to
      AND (occurrences_between.speaker IS NULL OR o.speaker = occurrences_between.speaker)
      AND (occurrences_between.source IS NULL OR o.source = occurrences_between.source)
      AND (occurrences_between.verdict IS NULL
           OR coalesce(o.verdict, 'unrated') = occurrences_between.verdict)
      AND (occurrences_between.claim_type IS NULL
           OR o.claim_type = occurrences_between.claim_type)
$$;
COMMENT ON FUNCTION reporting.occurrences_between IS
    'claim_occurrences said between two days, filtered by speaker, source, verdict (or unrated) and claim type';

-- Each family once: its size, when it was first and last seen, who said it and where, its
-- verdict, and how many times it was said in the last seven days against the seven before.
CREATE VIEW reporting.families AS
SELECT f.id AS family_id, cc.text AS canonical_text, cc.speaker AS first_speaker,
       count(*) AS claims,
       min(o.said_at) AS first_seen, max(o.said_at) AS last_seen,
       count(DISTINCT o.speaker) AS speakers, count(DISTINCT o.source) AS sources,
       array_remove(array_agg(DISTINCT o.speaker), NULL) AS speaker_names,
       array_remove(array_agg(DISTINCT o.source), NULL) AS source_names,
       fv.verdict,
       count(*) FILTER (WHERE o.said_at >= now() - interval '7 days') AS last_7_days,
       count(*) FILTER (WHERE o.said_at >= now() - interval '14 days'
                          AND o.said_at < now() - interval '7 days') AS previous_7_days
FROM claim_families f
JOIN claims cc ON cc.id = f.canonical_claim_id
JOIN reporting.claim_occurrences o ON o.family_id = f.id
LEFT JOIN reporting.family_verdicts fv ON fv.family_id = f.id
GROUP BY f.id, cc.text, cc.speaker, fv.verdict;
COMMENT ON VIEW reporting.families IS
    'one row per claim family: claims, first and last seen, speakers, sources, verdict, last 7 days against the 7 before';

-- How often each family was said each day (the dashboards' trend lines).
CREATE VIEW reporting.family_days AS
SELECT family_id, said_on, count(*) AS claims
FROM reporting.claim_occurrences
WHERE family_id IS NOT NULL
GROUP BY family_id, said_on;
COMMENT ON VIEW reporting.family_days IS 'claims of each family per day';

-- Contradiction flags a reviewer has not decided yet, both claims side by side.
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

-- Recurrence by speaker and by source: claims, families, repeats (claims of a family said
-- before), and repeats of families rated false, mostly false or mixed.
CREATE VIEW reporting.speakers AS
SELECT o.speaker, count(*) AS claims, count(DISTINCT o.family_id) AS families,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family) AS repeats,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family
                          AND o.verdict IN ('false', 'mostly_false', 'mixed')) AS repeats_rated_false,
       max(o.said_at) AS last_said
FROM reporting.claim_occurrences o
WHERE o.speaker IS NOT NULL
GROUP BY o.speaker;
COMMENT ON VIEW reporting.speakers IS
    'per speaker: claims, families, repeats, and repeats of families rated false, mostly false or mixed';

CREATE VIEW reporting.sources AS
SELECT o.source, count(*) AS claims, count(DISTINCT o.family_id) AS families,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family) AS repeats,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family
                          AND o.verdict IN ('false', 'mostly_false', 'mixed')) AS repeats_rated_false,
       max(o.said_at) AS last_said
FROM reporting.claim_occurrences o
WHERE o.source IS NOT NULL
GROUP BY o.source;
COMMENT ON VIEW reporting.sources IS
    'per source: claims, families, repeats, and repeats of families rated false, mostly false or mixed';

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
