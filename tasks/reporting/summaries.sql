-- Named queries of the summary refresh (tasks/reporting/summaries.py), run in this order in one
-- transaction. Each level is recomputed, for the keys it touches, from the level below:
-- claims -> claim_facts -> family_totals, speaker_days -> speaker_totals, source_days ->
-- source_totals, day_totals. No arithmetic on stored totals, so a refresh can never drift.

-- lock --
-- One refresh at a time (the refresh flow, an ingestion run's end, a command).
SELECT pg_advisory_xact_lock(hashtext('claimtrack reporting refresh'));

-- try_lock --
SELECT pg_try_advisory_xact_lock(hashtext('claimtrack reporting refresh')) AS locked;

-- secondary_indexes --
-- A full rebuild drops these and builds them again at the end: building an index over a
-- million rows is several times faster than inserting the rows one by one into it.
SELECT n.nspname || '.' || ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'reporting' AND NOT i.indisprimary AND t.relkind = 'r'
ORDER BY 1;

-- truncate_summaries --
-- A full rebuild starts from nothing (dashboard reads wait until it commits).
TRUNCATE reporting.claim_facts, reporting.family_totals, reporting.speaker_days,
         reporting.speaker_totals, reporting.source_days, reporting.source_totals,
         reporting.day_totals, reporting.stale_claims;

-- take_all --
CREATE TEMP TABLE refresh_claims ON COMMIT DROP AS SELECT id AS claim_id FROM claims;

-- any_stale --
SELECT EXISTS (SELECT FROM reporting.stale_claims) AS stale;

-- stale_count --
SELECT count(*) AS n FROM reporting.stale_claims;

-- drop_temp --
-- The work tables of a refresh (dropped at commit too; this lets two refreshes share one).
DROP TABLE IF EXISTS refresh_claims, refresh_keys;

-- take_stale --
CREATE TEMP TABLE refresh_claims ON COMMIT DROP AS
WITH taken AS (DELETE FROM reporting.stale_claims RETURNING claim_id)
SELECT DISTINCT claim_id FROM taken;

-- index_taken --
ALTER TABLE refresh_claims ADD PRIMARY KEY (claim_id);

-- analyze_taken --
ANALYZE refresh_claims;

-- taken_count --
SELECT count(*) AS n FROM refresh_claims;

-- keys_before --
-- Families, speakers, sources and days of the stale claims' rows before the refresh.
CREATE TEMP TABLE refresh_keys ON COMMIT DROP AS
SELECT o.family_id, o.speaker, o.source, o.said_on
FROM reporting.claim_facts o
WHERE o.claim_id IN (SELECT claim_id FROM refresh_claims);

-- delete_facts --
DELETE FROM reporting.claim_facts
WHERE claim_id IN (SELECT claim_id FROM refresh_claims);

-- insert_facts --
INSERT INTO reporting.claim_facts (claim_id, family_id, said_at, said_on, speaker, source,
                                   claim_type, verdict, first_in_family)
SELECT claim_id, family_id, said_at, said_on, speaker, source, claim_type, verdict,
       first_in_family
FROM reporting.claim_facts_live
WHERE claim_id IN (SELECT claim_id FROM refresh_claims)
ORDER BY said_on, claim_id;  -- a window of days then reads few pages

-- keys_after --
-- ... and after it.
INSERT INTO refresh_keys (family_id, speaker, source, said_on)
SELECT o.family_id, o.speaker, o.source, o.said_on
FROM reporting.claim_facts o
WHERE o.claim_id IN (SELECT claim_id FROM refresh_claims);

-- analyze_keys --
ANALYZE refresh_keys;

-- delete_families --
DELETE FROM reporting.family_totals
WHERE family_id IN (SELECT family_id FROM refresh_keys);

-- insert_families --
INSERT INTO reporting.family_totals (family_id, canonical_text, first_speaker, claims,
                                     first_seen, last_seen, speakers, sources, speaker_names,
                                     source_names, verdict)
SELECT f.id, cc.text, cc.speaker, count(*), min(o.said_at), max(o.said_at),
       cardinality(array_remove(array_agg(DISTINCT o.speaker), NULL)),
       cardinality(array_remove(array_agg(DISTINCT o.source), NULL)),
       (array_remove(array_agg(DISTINCT o.speaker), NULL))[1:10],
       (array_remove(array_agg(DISTINCT o.source), NULL))[1:10],
       fv.verdict
FROM claim_families f
JOIN claims cc ON cc.id = f.canonical_claim_id
JOIN reporting.claim_facts o ON o.family_id = f.id
LEFT JOIN reporting.family_verdicts fv ON fv.family_id = f.id
WHERE f.id IN (SELECT family_id FROM refresh_keys)
GROUP BY f.id, cc.text, cc.speaker, fv.verdict;

-- delete_who_days --
-- The per-day rows the refresh recomputes. The four who_ queries serve the speaker tables and
-- the source tables alike: summaries.py composes in the key column and the two table names.
DELETE FROM {days} d
USING (SELECT DISTINCT {who}, said_on FROM refresh_keys) k
WHERE d.{who} = k.{who} AND d.said_on = k.said_on;

-- insert_who_days --
INSERT INTO {days} ({who}, said_on, claims, repeats, repeats_rated_false, families_started,
                    last_said)
SELECT o.{who}, o.said_on, count(*),
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family),
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family
                          AND reporting.rated_false(o.verdict)),
       count(*) FILTER (WHERE o.first_in_family), max(o.said_at)
FROM reporting.claim_facts o
JOIN (SELECT DISTINCT {who}, said_on FROM refresh_keys) k
  ON k.{who} = o.{who} AND k.said_on = o.said_on
GROUP BY o.{who}, o.said_on;

-- delete_who_totals --
DELETE FROM {totals}
WHERE {who} IN (SELECT {who} FROM refresh_keys);

-- insert_who_totals --
INSERT INTO {totals} ({who}, claims, repeats, repeats_rated_false, families_started, last_said)
SELECT {who}, sum(claims), sum(repeats), sum(repeats_rated_false), sum(families_started),
       max(last_said)
FROM {days}
WHERE {who} IN (SELECT {who} FROM refresh_keys)
GROUP BY {who};

-- delete_days --
DELETE FROM reporting.day_totals
WHERE said_on IN (SELECT said_on FROM refresh_keys);

-- insert_days --
INSERT INTO reporting.day_totals (said_on, claim_type, verdict, claims, repeats)
SELECT o.said_on, o.claim_type, coalesce(o.verdict, 'unrated'), count(*),
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family)
FROM reporting.claim_facts o
WHERE o.said_on IN (SELECT said_on FROM refresh_keys)
GROUP BY o.said_on, o.claim_type, coalesce(o.verdict, 'unrated');

-- vacuum_summaries --
-- after a rebuild every row has a dead twin (runs outside a transaction, in autocommit)
VACUUM (ANALYZE) reporting.claim_facts, reporting.family_totals, reporting.speaker_days,
    reporting.speaker_totals, reporting.source_days, reporting.source_totals,
    reporting.day_totals, reporting.stale_claims;

-- analyze_summaries --
-- inside a caller's transaction, where VACUUM cannot run
ANALYZE reporting.claim_facts, reporting.family_totals, reporting.speaker_days,
    reporting.speaker_totals, reporting.source_days, reporting.source_totals,
    reporting.day_totals, reporting.stale_claims;
