-- Named queries of an ingestion run's summary (tasks/reporting/run_summary.py).

-- run_flags --
-- Every flag raised on a claim this run stored, with both claims, where the new one appeared
-- and the verdict in force on the earlier claim's family (or on the earlier claim itself).
SELECT m.id AS match_id, m.kind, m.score, n.claim_id, n.text, n.speaker, n.source, n.url,
       n.family_id, o.claim_id AS earlier_claim_id, o.text AS earlier_text,
       o.speaker AS earlier_speaker, o.verdict AS earlier_verdict,
       reporting.rated_false(o.verdict) AS earlier_rated_false
FROM matches m
JOIN claims c ON c.id = m.claim_id
JOIN article_revisions r ON r.id = c.revision_id
JOIN reporting.claim_occurrences n ON n.claim_id = m.claim_id
JOIN reporting.claim_occurrences o ON o.claim_id = m.matched_claim_id
WHERE r.run_id = %(run_id)s
ORDER BY m.id;
