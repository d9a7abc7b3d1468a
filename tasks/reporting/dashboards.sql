-- Named queries of the dashboards (tasks/reporting/dashboards.py). Each reads the `reporting`
-- views, so a BI tool pointed at those views finds the same figures. Every query takes the same
-- filters: a window of days [date_from, date_to] and, when not NULL, a speaker, a source, a
-- verdict and a claim type. With no filters, each table equals its view.

-- occurrences --
-- The claims said in the window that pass the filters (the base of every table below).
SELECT o.*
FROM reporting.occurrences_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                                   %(verdict)s, %(claim_type)s) o;

-- families --
-- Families said in the window, most often first: claims in the window, in the last seven days
-- of it and the seven before, and the family's whole life (first and last seen, speakers,
-- sources, verdict) from reporting.families.
WITH o AS (
    SELECT o.*
    FROM reporting.occurrences_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                                       %(verdict)s, %(claim_type)s) o
    WHERE o.family_id IS NOT NULL
)
SELECT f.family_id, f.canonical_text, f.first_speaker, count(*) AS in_window,
       count(*) FILTER (WHERE o.said_on > %(date_to)s::date - 7) AS last_7_days,
       count(*) FILTER (WHERE o.said_on <= %(date_to)s::date - 7
                          AND o.said_on > %(date_to)s::date - 14) AS previous_7_days,
       f.claims, f.first_seen, f.last_seen, f.speaker_names, f.source_names,
       coalesce(f.verdict, 'unrated') AS verdict
FROM o
JOIN reporting.families f ON f.family_id = o.family_id
GROUP BY f.family_id, f.canonical_text, f.first_speaker, f.claims, f.first_seen, f.last_seen,
         f.speaker_names, f.source_names, f.verdict
ORDER BY in_window DESC, f.last_seen DESC, f.family_id
LIMIT %(limit)s;

-- family_trends --
-- Claims per day of these families in the window (the trend lines).
SELECT family_id, said_on, claims
FROM reporting.family_days
WHERE family_id = ANY (%(family_ids)s::bigint[]) AND said_on BETWEEN %(date_from)s AND %(date_to)s
ORDER BY family_id, said_on;

-- daily --
-- Claims per day in the window: all, and repeats (claims of a family said before).
SELECT o.said_on, count(*) AS claims,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family) AS repeats
FROM reporting.occurrences_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                                   %(verdict)s, %(claim_type)s) o
GROUP BY o.said_on
ORDER BY o.said_on;

-- speakers --
-- reporting.speakers over the window and filters.
SELECT o.speaker, count(*) AS claims, count(DISTINCT o.family_id) AS families,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family) AS repeats,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family
                          AND o.verdict IN ('false', 'mostly_false', 'mixed')) AS repeats_rated_false,
       max(o.said_at) AS last_said
FROM reporting.occurrences_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                                   %(verdict)s, %(claim_type)s) o
WHERE o.speaker IS NOT NULL
GROUP BY o.speaker
ORDER BY repeats_rated_false DESC, repeats DESC, claims DESC, o.speaker
LIMIT %(limit)s;

-- sources --
-- reporting.sources over the window and filters.
SELECT o.source, count(*) AS claims, count(DISTINCT o.family_id) AS families,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family) AS repeats,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family
                          AND o.verdict IN ('false', 'mostly_false', 'mixed')) AS repeats_rated_false,
       max(o.said_at) AS last_said
FROM reporting.occurrences_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                                   %(verdict)s, %(claim_type)s) o
WHERE o.source IS NOT NULL
GROUP BY o.source
ORDER BY repeats_rated_false DESC, repeats DESC, claims DESC, o.source
LIMIT %(limit)s;

-- contradictions --
-- reporting.open_contradictions whose newer claim was said in the window, by speaker or source
-- of either claim.
SELECT c.*
FROM reporting.open_contradictions c
WHERE c.claim_said_at::date BETWEEN %(date_from)s AND %(date_to)s
  AND (%(speaker)s::text IS NULL OR %(speaker)s IN (c.claim_speaker, c.earlier_speaker))
  AND (%(source)s::text IS NULL OR %(source)s IN (c.claim_source, c.earlier_source))
ORDER BY c.score DESC, c.match_id
LIMIT %(limit)s;

-- queue_now --
SELECT * FROM reporting.queue_now;

-- reviewers --
-- Decisions per reviewer in the window (of decision days, not of claims), with the median hours
-- from queueing to decision.
SELECT i.decided_by_name AS reviewer, count(*) AS decisions,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY i.hours) AS median_hours_to_decision
FROM (
    SELECT a.name AS decided_by_name,
           extract(epoch FROM r.decided_at - r.created_at) / 3600 AS hours
    FROM review_items r
    JOIN accounts a ON a.id = r.decided_by
    WHERE r.status = 'decided' AND r.decided_at::date BETWEEN %(date_from)s AND %(date_to)s
) i
GROUP BY i.decided_by_name
ORDER BY decisions DESC, reviewer;

-- decisions_per_day --
SELECT decided_on, sum(decisions)::bigint AS decisions
FROM reporting.decisions_per_day
WHERE decided_on BETWEEN %(date_from)s AND %(date_to)s
GROUP BY decided_on
ORDER BY decided_on;

-- choices --
-- What the filters offer: speakers and sources with most claims, verdicts, claim types.
SELECT 'speaker' AS filter, speaker AS value FROM (
    SELECT speaker FROM reporting.speakers ORDER BY claims DESC, speaker LIMIT 200) s
UNION ALL
SELECT 'source', source FROM (
    SELECT source FROM reporting.sources ORDER BY claims DESC, source LIMIT 200) s
UNION ALL
SELECT DISTINCT 'claim_type', claim_type FROM claims;

-- latest_day --
-- The latest day a claim was said (claim_occurrences' said_on), read from the claims alone.
SELECT max(coalesce(published_at, created_at))::date AS latest FROM claims;
