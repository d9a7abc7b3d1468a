-- Named queries of the reviewers' queue (tasks/review/): accounts, tokens, items, verdicts, audit.

-- add_account --
INSERT INTO accounts (name, role, password_hash)
VALUES (%(name)s, %(role)s, %(password_hash)s)
RETURNING id, name, role, disabled, created_at;

-- account_by_name --
SELECT id, name, role, disabled, created_at, password_hash FROM accounts WHERE name = %(name)s;

-- account_by_id --
SELECT id, name, role, disabled, created_at FROM accounts WHERE id = %(id)s;

-- list_accounts --
SELECT a.id, a.name, a.role, a.disabled, a.created_at,
       count(t.id) FILTER (WHERE t.revoked_at IS NULL) AS tokens
FROM accounts a
LEFT JOIN api_tokens t ON t.account_id = a.id
GROUP BY a.id
ORDER BY a.name;

-- set_disabled --
UPDATE accounts SET disabled = %(disabled)s WHERE id = %(id)s
RETURNING id, name, role, disabled, created_at;

-- set_password --
UPDATE accounts SET password_hash = %(password_hash)s WHERE id = %(id)s;

-- add_token --
INSERT INTO api_tokens (account_id, token_sha256) VALUES (%(account_id)s, %(token_sha256)s);

-- account_by_token --
SELECT a.id, a.name, a.role, a.disabled, a.created_at
FROM api_tokens t
JOIN accounts a ON a.id = t.account_id
WHERE t.token_sha256 = %(token_sha256)s AND t.revoked_at IS NULL AND NOT a.disabled;

-- revoke_tokens --
UPDATE api_tokens SET revoked_at = now()
WHERE account_id = %(account_id)s AND revoked_at IS NULL
RETURNING id;

-- refresh_match_items --
-- An item for every open repeat, contradiction or update not queued yet (and every repeat of a
-- rated claim, even one confirmed without a person), with its priority and
-- the reasons for it: a repeat of a family rated false or misleading first, then contradictions,
-- then the family's size and growth, the claim's check-worthiness and how recent it is.
WITH rated AS (
    SELECT DISTINCT ON (coalesce(v.family_id, -v.claim_id))
           v.family_id, v.claim_id, v.rating
    FROM verdicts v
    WHERE v.withdrawn_at IS NULL
    ORDER BY coalesce(v.family_id, -v.claim_id), v.created_at DESC
), candidates AS (
    SELECT m.id AS match_id, m.claim_id, m.kind, c.checkworthiness,
           coalesce(fam.claim_count, 1) AS family_size,
           (SELECT count(*) FROM claims g
             WHERE g.family_id = old.family_id AND g.created_at > now() - interval '7 days')
               AS family_growth,
           extract(epoch FROM now() - coalesce(c.published_at, c.created_at)) / 86400.0 AS age_days,
           r.rating AS earlier_rating
    FROM matches m
    JOIN claims c ON c.id = m.claim_id
    JOIN claims old ON old.id = m.matched_claim_id
    LEFT JOIN claim_families fam ON fam.id = old.family_id
    LEFT JOIN rated r ON r.family_id = old.family_id OR r.claim_id = old.id
    WHERE m.kind IN ('repeat', 'contradiction', 'update')
      AND (%(run_id)s::bigint IS NULL
           OR c.revision_id IN (SELECT id FROM article_revisions WHERE run_id = %(run_id)s))
      -- open flags, and repeats of a rated claim that were confirmed without a person
      AND (m.status = 'open'
           OR (m.status = 'confirmed' AND r.rating IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM reviews rv
                               WHERE rv.match_id = m.id AND rv.reviewer <> 'claimtrack')))
      AND NOT EXISTS (SELECT 1 FROM review_items i WHERE i.match_id = m.id)
)
INSERT INTO review_items (kind, match_id, claim_id, priority, reasons)
SELECT 'match', match_id, claim_id,
       (CASE WHEN kind = 'repeat' AND reporting.rated_false(earlier_rating)
             THEN 1000 ELSE 0 END)
       + (CASE kind WHEN 'contradiction' THEN 500 WHEN 'update' THEN 200 ELSE 100 END)
       + 20 * ln(1 + family_size) + 10 * ln(1 + family_growth)
       + 50 * checkworthiness
       + 30 * exp(-greatest(age_days, 0) / 7),
       array_remove(ARRAY[
           CASE WHEN kind = 'repeat' AND earlier_rating IS NOT NULL
                THEN 'repeats a claim rated ' || replace(earlier_rating, '_', ' ') END,
           CASE kind WHEN 'contradiction' THEN 'contradicts an earlier claim'
                     WHEN 'update' THEN 'updates an earlier figure'
                     ELSE 'repeats an earlier claim' END,
           CASE WHEN family_size > 1 THEN 'family of ' || family_size || ' claims' END,
           CASE WHEN family_growth > 0 THEN family_growth || ' new this week' END,
           'check-worthiness ' || round(checkworthiness::numeric, 2),
           CASE WHEN age_days < 2 THEN 'said in the last two days' END
       ], NULL)
FROM candidates
ON CONFLICT DO NOTHING
RETURNING id;

-- refresh_check_items --
-- An item for every claim at or above the check-worthiness threshold whose family has no verdict
-- and that is neither queued nor a repeat already queued as a match.
INSERT INTO review_items (kind, claim_id, priority, reasons)
SELECT 'check', c.id,
       50 * c.checkworthiness
       + 20 * ln(1 + coalesce(f.claim_count, 1))
       + 30 * exp(-greatest(extract(epoch FROM now() - coalesce(c.published_at, c.created_at))
                            / 86400.0, 0) / 7),
       ARRAY['check-worthiness ' || round(c.checkworthiness::numeric, 2)]
           || CASE WHEN f.claim_count > 1 THEN ARRAY['family of ' || f.claim_count || ' claims']
                   ELSE '{}'::text[] END
FROM claims c
LEFT JOIN claim_families f ON f.id = c.family_id
WHERE c.checkworthiness >= %(threshold)s
  AND (%(run_id)s::bigint IS NULL
       OR c.revision_id IN (SELECT id FROM article_revisions WHERE run_id = %(run_id)s))
  AND NOT EXISTS (SELECT 1 FROM review_items i WHERE i.claim_id = c.id)
  AND NOT EXISTS (SELECT 1 FROM verdicts v
                  WHERE v.withdrawn_at IS NULL
                    AND (v.claim_id = c.id OR (c.family_id IS NOT NULL
                                               AND v.family_id = c.family_id)))
  AND (c.family_id IS NULL
       OR NOT EXISTS (SELECT 1 FROM review_items i JOIN claims o ON o.id = i.claim_id
                      WHERE i.kind = 'check' AND o.family_id = c.family_id))
ON CONFLICT DO NOTHING
RETURNING id;

-- take_item --
-- The item this reviewer already holds under a live lease (a second "next" gives it again), or
-- else the top waiting one (or one whose lease expired), skipped neither by this reviewer nor
-- locked by another transaction handing it out at this moment, leased to them, with the lease
-- in the audit log. One statement: "next" is the queue's busiest request.
WITH held AS (
    SELECT id FROM review_items
    WHERE status = 'leased' AND leased_by = %(account_id)s AND lease_expires_at > now()
    ORDER BY id
    LIMIT 1
), next AS (
    SELECT id FROM review_items
    WHERE NOT EXISTS (SELECT FROM held)
      AND status <> 'decided'
      AND (status = 'waiting' OR lease_expires_at <= now())
      AND NOT (%(account_id)s::bigint = ANY (skipped_by))
    ORDER BY priority DESC, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
), leased AS (
    UPDATE review_items i
    SET status = 'leased', leased_by = %(account_id)s,
        lease_expires_at = now() + make_interval(secs => %(lease_s)s)
    FROM next
    WHERE i.id = next.id
    RETURNING i.id
), audited AS (
    INSERT INTO audit_log (account_id, action, item_id, after)
    SELECT %(account_id)s, 'lease', id, jsonb_build_object('lease_s', %(lease_s)s) FROM leased
)
SELECT id FROM held
UNION ALL
SELECT id FROM leased;

-- item_for_update --
SELECT i.*, (i.lease_expires_at <= now()) AS lease_expired, a.name AS holder_name,
       d.name AS decider_name, c.family_id AS claim_family_id
FROM review_items i
JOIN claims c ON c.id = i.claim_id
LEFT JOIN accounts a ON a.id = i.leased_by
LEFT JOIN accounts d ON d.id = i.decided_by
WHERE i.id = %(id)s
FOR UPDATE OF i;

-- family_items_for_update --
-- The undecided items whose claim belongs to a family, locked for a bulk decision.
SELECT i.*, (i.lease_expires_at <= now()) AS lease_expired, a.name AS holder_name,
       d.name AS decider_name, c.family_id AS claim_family_id
FROM review_items i
JOIN claims c ON c.id = i.claim_id
LEFT JOIN accounts a ON a.id = i.leased_by
LEFT JOIN accounts d ON d.id = i.decided_by
WHERE c.family_id = %(family_id)s AND i.status <> 'decided'
ORDER BY i.id
FOR UPDATE OF i;

-- item_view --
-- One item with what a reviewer needs to judge it: both claims, their articles and the flag.
SELECT i.id, i.kind, i.status, i.priority, i.reasons, i.lease_expires_at, i.decision,
       i.decided_at, i.match_id, i.claim_id, i.created_at,
       holder.name AS leased_by, decider.name AS decided_by,
       c.text AS claim_text, c.speaker AS claim_speaker, c.family_id,
       coalesce(c.published_at, c.created_at) AS claim_date,
       a.url AS claim_url, a.source AS claim_source, a.title AS claim_title,
       m.kind AS match_kind, m.score AS match_score, m.reason AS match_reason,
       m.details AS match_details, m.matched_claim_id,
       oc.text AS matched_text, oc.speaker AS matched_speaker,
       coalesce(oc.published_at, oc.created_at) AS matched_date,
       oa.url AS matched_url, oa.source AS matched_source, oa.title AS matched_title
FROM review_items i
JOIN claims c ON c.id = i.claim_id
JOIN articles a ON a.id = c.article_id
LEFT JOIN matches m ON m.id = i.match_id
LEFT JOIN claims oc ON oc.id = m.matched_claim_id
LEFT JOIN articles oa ON oa.id = oc.article_id
LEFT JOIN accounts holder ON holder.id = i.leased_by
LEFT JOIN accounts decider ON decider.id = i.decided_by
WHERE i.id = %(id)s;

-- list_items --
SELECT i.id FROM review_items i
WHERE (%(status)s::text IS NULL OR i.status = %(status)s)
ORDER BY (i.status = 'decided'), i.priority DESC, i.id
LIMIT %(limit)s;

-- item_counts --
SELECT status, count(*) AS n FROM review_items GROUP BY status;

-- release_item --
UPDATE review_items SET status = 'waiting', leased_by = NULL, lease_expires_at = NULL
WHERE id = %(id)s;

-- skip_item --
UPDATE review_items
SET status = 'waiting', leased_by = NULL, lease_expires_at = NULL,
    skipped_by = array_append(skipped_by, %(account_id)s::bigint)
WHERE id = %(id)s;

-- decide_item --
UPDATE review_items
SET status = 'decided', decision = %(decision)s, decided_by = %(account_id)s, decided_at = now(),
    leased_by = NULL, lease_expires_at = NULL
WHERE id = %(id)s;

-- reopen_item --
UPDATE review_items
SET status = 'waiting', decision = NULL, decided_by = NULL, decided_at = NULL
WHERE id = %(id)s;

-- set_match_status --
WITH changed AS (
    UPDATE matches SET status = %(status)s,
                       decided_at = CASE WHEN %(status)s = 'open' THEN NULL ELSE now() END
    WHERE id = %(match_id)s
    RETURNING id
)
INSERT INTO reviews (match_id, decision, reviewer, note)
SELECT id, %(review)s, %(reviewer)s, %(note)s FROM changed;

-- match_claims --
SELECT claim_id, matched_claim_id, kind FROM matches WHERE id = %(match_id)s;

-- add_verdict --
INSERT INTO verdicts (claim_id, family_id, rating, note, evidence, account_id, item_id,
                      published_at)
VALUES (%(claim_id)s, %(family_id)s, %(rating)s, %(note)s, %(evidence)s, %(account_id)s,
        %(item_id)s, CASE WHEN %(publish)s THEN now() END)
RETURNING id;

-- withdraw_item_verdicts --
UPDATE verdicts SET withdrawn_at = now()
WHERE item_id = %(item_id)s AND withdrawn_at IS NULL
RETURNING id;

-- audit --
INSERT INTO audit_log (account_id, action, item_id, before, after)
VALUES (%(account_id)s, %(action)s, %(item_id)s, %(before)s, %(after)s);

-- history --
SELECT l.id, l.at, a.name AS account, l.action, l.item_id, l.before, l.after
FROM audit_log l
LEFT JOIN accounts a ON a.id = l.account_id
WHERE (%(account_id)s::bigint IS NULL OR l.account_id = %(account_id)s)
  AND (%(item_id)s::bigint IS NULL OR l.item_id = %(item_id)s)
ORDER BY l.id DESC
LIMIT %(limit)s;

-- claim_detail --
-- A claim with its article, the paragraph it stands in, and the verdict covering it (its own or
-- its family's, the latest not withdrawn).
SELECT c.id, c.text, c.speaker, c.quantities, c.polarity, c.checkworthiness, c.claim_type,
       c.family_id, coalesce(c.published_at, c.created_at) AS said_at, a.url, a.source, a.title,
       split_part(r.body, E'\n\n', c.paragraph_index + 1) AS paragraph,
       v.rating AS verdict, v.note AS verdict_note, v.published_at AS verdict_published_at
FROM claims c
JOIN articles a ON a.id = c.article_id
JOIN article_revisions r ON r.id = c.revision_id
LEFT JOIN LATERAL (
    SELECT rating, note, published_at FROM verdicts
    WHERE withdrawn_at IS NULL
      AND (claim_id = c.id OR (c.family_id IS NOT NULL AND family_id = c.family_id))
    ORDER BY created_at DESC
    LIMIT 1
) v ON true
WHERE c.id = %(id)s;

-- family_members --
SELECT c.id, c.text, c.speaker, coalesce(c.published_at, c.created_at) AS said_at, a.url,
       a.source, a.title, (c.id = f.canonical_claim_id) AS first
FROM claim_families f
JOIN claims c ON c.family_id = f.id
JOIN articles a ON a.id = c.article_id
WHERE f.id = %(id)s
ORDER BY coalesce(c.published_at, c.created_at), c.id;

-- start_session --
INSERT INTO web_sessions (token_sha256, account_id, csrf_token, expires_at)
VALUES (%(token_sha256)s, %(account_id)s, %(csrf_token)s,
        now() + make_interval(secs => %(lifetime_s)s));

-- session_account --
SELECT a.id, a.name, a.role, a.disabled, a.created_at, s.csrf_token
FROM web_sessions s
JOIN accounts a ON a.id = s.account_id
WHERE s.token_sha256 = %(token_sha256)s AND s.ended_at IS NULL AND s.expires_at > now()
  AND NOT a.disabled;

-- end_session --
UPDATE web_sessions SET ended_at = now()
WHERE token_sha256 = %(token_sha256)s AND ended_at IS NULL;

-- record_sign_in_failure --
INSERT INTO sign_in_failures (name, address) VALUES (%(name)s, %(address)s);

-- recent_sign_in_failures --
SELECT count(*) AS n FROM sign_in_failures
WHERE (name = %(name)s OR address = %(address)s)
  AND at > now() - make_interval(secs => %(window_s)s);

-- mark_fact_check --
-- The claims of an imported fact-check's article are of their own kind, with its verdict.
WITH marked AS (
    UPDATE claims SET claim_type = 'factcheck' WHERE article_id = %(article_id)s
    RETURNING id, family_id
)
INSERT INTO verdicts (claim_id, family_id, rating, note, evidence, published_at)
SELECT m.id, NULL, %(rating)s, %(note)s, %(evidence)s, now()
FROM marked m
WHERE NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.claim_id = m.id AND v.withdrawn_at IS NULL);

-- save_fact_check --
INSERT INTO fact_checks (article_id, url, publisher, date_published, rating, mapped_from,
                         original_rating, rating_value, best_rating, worst_rating, record)
VALUES (%(article_id)s, %(url)s, %(publisher)s, %(date_published)s, %(rating)s, %(mapped_from)s,
        %(original_rating)s, %(rating_value)s, %(best_rating)s, %(worst_rating)s, %(record)s)
ON CONFLICT (article_id) DO NOTHING;

-- stored_claim_reviews --
-- ClaimReview JSON-LD kept with the current revision of ingested pages.
SELECT a.url, r.claim_reviews
FROM articles a
JOIN article_revisions r ON r.id = a.current_revision_id
WHERE jsonb_array_length(r.claim_reviews) > 0;

-- published_verdicts --
-- Our published verdicts (not imported ones), with what a ClaimReview says about the claim.
SELECT v.id, v.rating, v.note, v.evidence, v.published_at, v.item_id, c.text, c.speaker,
       a.url, coalesce(c.published_at, c.created_at) AS said_at,
       fa.url AS first_url, coalesce(fc.published_at, fc.created_at) AS first_said_at,
       coalesce((SELECT array_agg(DISTINCT ma.url)
                 FROM claims m JOIN articles ma ON ma.id = m.article_id
                 WHERE m.family_id = c.family_id), ARRAY[a.url]) AS appearances
FROM verdicts v
JOIN claims c ON c.id = v.claim_id
JOIN articles a ON a.id = c.article_id
LEFT JOIN claim_families f ON f.id = c.family_id
LEFT JOIN claims fc ON fc.id = f.canonical_claim_id
LEFT JOIN articles fa ON fa.id = fc.article_id
WHERE v.published_at IS NOT NULL AND v.withdrawn_at IS NULL AND v.account_id IS NOT NULL
ORDER BY v.published_at, v.id;

-- decided_matches --
-- Flags a person decided (not the auto-confirmation), with the matcher's score.
SELECT m.kind, m.score, m.status
FROM matches m
WHERE m.status IN ('confirmed', 'dismissed') AND m.kind IN ('repeat', 'contradiction', 'update')
  AND EXISTS (SELECT 1 FROM reviews r WHERE r.match_id = m.id AND r.reviewer <> 'claimtrack');

-- store_setting --
INSERT INTO stored_settings (name, value, reason) VALUES (%(name)s, %(value)s, %(reason)s)
ON CONFLICT (name) DO UPDATE SET value = excluded.value, reason = excluded.reason,
                                 updated_at = now();

-- stored_settings --
SELECT name, value, reason, updated_at FROM stored_settings ORDER BY name;
