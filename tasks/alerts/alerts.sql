-- Named queries of the alerts (tasks/alerts/alerts.py).

-- watch --
INSERT INTO alert_watches (kind, value) VALUES (%(kind)s, %(value)s) ON CONFLICT DO NOTHING
RETURNING kind;

-- unwatch --
DELETE FROM alert_watches WHERE kind = %(kind)s AND value = %(value)s RETURNING kind;

-- watches --
SELECT kind, value, created_at FROM alert_watches ORDER BY kind, value;

-- lock_alerts --
-- Runs that end at once queue their alerts one after the other, so that the once-per-family
-- rule holds between them.
SELECT pg_advisory_xact_lock(hashtext('claimtrack alerts'));

-- queue_alerts --
-- An alert for each flag this run raised that is a repeat of a family rated false, mostly false
-- or mixed, or a contradiction whose claims a watched speaker said or a watched source carried;
-- one per family (none when the family had an alert in the last period_h hours), and one per new
-- claim outside families (a claim that contradicts two earlier ones is one alert).
WITH flagged AS (
    SELECT m.id AS match_id, m.claim_id, m.kind AS flag_kind, m.score,
           CASE WHEN m.kind = 'repeat' THEN 'rated-repeat' ELSE 'contradiction' END AS kind,
           coalesce(n.family_id, o.family_id) AS family_id,
           n.text, n.speaker, n.source, n.url, n.said_at, o.text AS earlier_text,
           o.speaker AS earlier_speaker, o.source AS earlier_source, o.verdict, i.id AS item_id
    FROM matches m
    JOIN claims c ON c.id = m.claim_id
    JOIN article_revisions r ON r.id = c.revision_id
    JOIN reporting.claim_occurrences n ON n.claim_id = m.claim_id
    JOIN reporting.claim_occurrences o ON o.claim_id = m.matched_claim_id
    LEFT JOIN review_items i ON i.match_id = m.id
    WHERE r.run_id = %(run_id)s
      AND ((m.kind = 'repeat' AND reporting.rated_false(o.verdict))
        OR (m.kind = 'contradiction' AND EXISTS (
                SELECT FROM alert_watches w
                WHERE (w.kind = 'speaker' AND w.value IN (n.speaker, o.speaker))
                   OR (w.kind = 'source' AND w.value IN (n.source, o.source)))))
), one_per_family AS (
    SELECT DISTINCT ON (coalesce(family_id, -claim_id)) *
    FROM flagged
    ORDER BY coalesce(family_id, -claim_id), match_id
)
INSERT INTO alerts (kind, family_id, match_id, payload)
SELECT kind, family_id, match_id,
       jsonb_build_object(
           'kind', kind, 'claim', text, 'speaker', speaker, 'source', source, 'url', url,
           'said_at', said_at, 'earlier_claim', earlier_text, 'earlier_speaker', earlier_speaker,
           'earlier_source', earlier_source, 'verdict', verdict, 'family_id', family_id,
           'match_id', match_id, 'item_id', item_id, 'score', score)
FROM one_per_family f
WHERE f.family_id IS NULL OR NOT EXISTS (
    SELECT FROM alerts a
    WHERE a.family_id = f.family_id
      AND a.created_at > now() - make_interval(secs => %(period_h)s * 3600))
ON CONFLICT (match_id) DO NOTHING
RETURNING id;

-- add_alert --
INSERT INTO alerts (kind, payload) VALUES (%(kind)s, %(payload)s) RETURNING id;

-- add_deliveries --
INSERT INTO alert_deliveries (alert_id, channel)
SELECT alert_id, channel
FROM unnest(%(alert_ids)s::bigint[]) AS alert_id
CROSS JOIN unnest(%(channels)s::text[]) AS channel
ON CONFLICT DO NOTHING;

-- digest_exists --
SELECT 1 FROM alerts WHERE kind = 'digest' AND payload ->> 'day' = %(day)s;

-- digest_figures --
-- What the last `hours` hours brought: claims, repeats, contradictions, and the alerts raised.
SELECT count(*) AS claims,
       count(*) FILTER (WHERE family_id IS NOT NULL AND NOT first_in_family) AS repeats,
       (SELECT count(*) FROM matches
        WHERE kind = 'contradiction' AND created_at > now() - make_interval(hours => %(hours)s))
           AS contradictions,
       (SELECT coalesce(jsonb_agg(payload ORDER BY id), '[]')
        FROM alerts
        WHERE kind <> 'digest' AND created_at > now() - make_interval(hours => %(hours)s))
           AS alerts
FROM reporting.claim_occurrences
WHERE said_at > now() - make_interval(hours => %(hours)s);

-- next_delivery --
-- One delivery due (not sent, tries left, not tried since this sending began), locked so that
-- no other sender takes it at the same time.
SELECT d.alert_id, d.channel, d.attempts, a.kind, a.payload
FROM alert_deliveries d
JOIN alerts a ON a.id = d.alert_id
WHERE d.status <> 'sent' AND d.attempts < %(max_attempts)s AND d.updated_at < %(started)s
  AND d.channel = ANY (%(channels)s::text[])
ORDER BY d.alert_id, d.channel
LIMIT 1
FOR UPDATE OF d SKIP LOCKED;

-- delivered --
UPDATE alert_deliveries
SET status = %(status)s, attempts = attempts + 1, last_error = %(error)s, updated_at = now(),
    sent_at = CASE WHEN %(status)s = 'sent' THEN now() END
WHERE alert_id = %(alert_id)s AND channel = %(channel)s;

-- recent_alerts --
SELECT a.id, a.kind, a.created_at, a.payload, d.channel, d.status, d.attempts, d.last_error,
       d.sent_at
FROM alerts a
LEFT JOIN alert_deliveries d ON d.alert_id = a.id
ORDER BY a.id DESC, d.channel
LIMIT %(limit)s;
