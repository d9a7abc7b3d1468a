-- Named queries of the dashboards (tasks/reporting/dashboards.py). They read the summary tables
-- of the `reporting` schema (migration 0016), so a BI tool reading its views finds the same
-- figures. Every query takes the same filters: a window of days [date_from, date_to] and, when
-- not NULL, a speaker, a source, a verdict and a claim type. Some tables have faster variants
-- (`_all_time`, `_by_day`) that dashboards.py picks when the filters allow: the same rows from
-- fewer.

-- occurrences --
-- The claims said in the window that pass the filters (the base of every table below).
SELECT o.*
FROM reporting.occurrences_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                                   %(verdict)s, %(claim_type)s) o;

-- families --
-- Families said in the window, most often first (then the most lately said in it): claims in
-- the window, in its last seven days and the seven before, and the family's whole life (first
-- and last seen, speakers, sources, verdict) from reporting.family_totals.
WITH counted AS (
    SELECT o.family_id, count(*) AS in_window, max(o.said_at) AS last_in_window,
           count(*) FILTER (WHERE o.said_on > %(date_to)s::date - 7) AS last_7_days,
           count(*) FILTER (WHERE o.said_on <= %(date_to)s::date - 7
                              AND o.said_on > %(date_to)s::date - 14) AS previous_7_days
    FROM reporting.facts_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                                 %(verdict)s, %(claim_type)s) o
    WHERE o.family_id IS NOT NULL
    GROUP BY o.family_id
    ORDER BY in_window DESC, last_in_window DESC, o.family_id
    LIMIT %(limit)s
)
SELECT f.family_id, f.canonical_text, f.first_speaker, c.in_window, c.last_7_days,
       c.previous_7_days, f.claims, f.first_seen, f.last_seen, f.speakers, f.sources, f.speaker_names,
       f.source_names,
       coalesce(f.verdict, 'unrated') AS verdict
FROM counted c
CROSS JOIN LATERAL (  -- one index probe per family kept; OFFSET 0 keeps the planner from
    SELECT * FROM reporting.family_totals t  -- a hash join that reads every family
    WHERE t.family_id = c.family_id OFFSET 0
) f
ORDER BY c.in_window DESC, c.last_in_window DESC, f.family_id;

-- families_all_time --
-- `families` when the window holds every claim and nothing is filtered: every claim of a
-- family is in the window, so the ranking is family_totals' own (last_seen is the last in it).
SELECT f.family_id, f.canonical_text, f.first_speaker, f.claims AS in_window, r.last_7_days,
       r.previous_7_days, f.claims, f.first_seen, f.last_seen, f.speakers, f.sources, f.speaker_names,
       f.source_names,
       coalesce(f.verdict, 'unrated') AS verdict
FROM (
    SELECT * FROM reporting.family_totals
    ORDER BY claims DESC, last_seen DESC, family_id
    LIMIT %(limit)s
) f
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE o.said_on > %(date_to)s::date - 7) AS last_7_days,
           count(*) FILTER (WHERE o.said_on <= %(date_to)s::date - 7) AS previous_7_days
    FROM reporting.claim_facts o
    WHERE o.family_id = f.family_id
      AND o.said_on > %(date_to)s::date - 14 AND o.said_on <= %(date_to)s::date
) r
ORDER BY f.claims DESC, f.last_seen DESC, f.family_id;

-- family_trends --
-- Claims per day of these families in the window (the trend lines).
SELECT family_id, said_on, claims
FROM reporting.family_days
WHERE family_id = ANY (%(family_ids)s::bigint[]) AND said_on BETWEEN %(date_from)s AND %(date_to)s
ORDER BY family_id, said_on;

-- span --
-- The first and the latest day a claim was said.
SELECT min(said_on) AS first, max(said_on) AS latest FROM reporting.claim_facts;

-- daily --
-- Claims per day in the window: all, and repeats (claims of a family said before).
SELECT o.said_on, count(*) AS claims,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family) AS repeats
FROM reporting.facts_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                             %(verdict)s, %(claim_type)s) o
GROUP BY o.said_on
ORDER BY o.said_on;

-- daily_by_type --
-- `daily` from reporting.day_totals, when no speaker or source is chosen.
SELECT said_on, sum(claims)::bigint AS claims, sum(repeats)::bigint AS repeats
FROM reporting.day_totals
WHERE said_on BETWEEN %(date_from)s AND %(date_to)s
  AND (%(verdict)s::text IS NULL OR verdict = %(verdict)s)
  AND (%(claim_type)s::text IS NULL OR claim_type = %(claim_type)s)
GROUP BY said_on
ORDER BY said_on;

-- speakers --
-- reporting.speakers over the window and filters.
SELECT o.speaker, count(*) AS claims, count(*) FILTER (WHERE o.first_in_family) AS families_started,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family) AS repeats,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family
                          AND reporting.rated_false(o.verdict)) AS repeats_rated_false,
       max(o.said_at) AS last_said
FROM reporting.facts_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                             %(verdict)s, %(claim_type)s) o
WHERE o.speaker IS NOT NULL
GROUP BY o.speaker
ORDER BY repeats_rated_false DESC, repeats DESC, claims DESC, o.speaker
LIMIT %(limit)s;

-- speakers_by_day --
-- `speakers` from reporting.speaker_days, when nothing is filtered.
SELECT speaker, sum(claims)::bigint AS claims, sum(families_started)::bigint AS families_started,
       sum(repeats)::bigint AS repeats, sum(repeats_rated_false)::bigint AS repeats_rated_false,
       max(last_said) AS last_said
FROM reporting.speaker_days
WHERE said_on BETWEEN %(date_from)s AND %(date_to)s
GROUP BY speaker
ORDER BY repeats_rated_false DESC, repeats DESC, claims DESC, speaker
LIMIT %(limit)s;

-- speakers_all_time --
-- `speakers` from reporting.speaker_totals, when the window holds every claim and nothing is filtered.
SELECT speaker, claims, families_started, repeats, repeats_rated_false, last_said
FROM reporting.speaker_totals
ORDER BY repeats_rated_false DESC, repeats DESC, claims DESC, speaker
LIMIT %(limit)s;

-- sources --
-- reporting.sources over the window and filters.
SELECT o.source, count(*) AS claims, count(*) FILTER (WHERE o.first_in_family) AS families_started,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family) AS repeats,
       count(*) FILTER (WHERE o.family_id IS NOT NULL AND NOT o.first_in_family
                          AND reporting.rated_false(o.verdict)) AS repeats_rated_false,
       max(o.said_at) AS last_said
FROM reporting.facts_between(%(date_from)s, %(date_to)s, %(speaker)s, %(source)s,
                             %(verdict)s, %(claim_type)s) o
WHERE o.source IS NOT NULL
GROUP BY o.source
ORDER BY repeats_rated_false DESC, repeats DESC, claims DESC, o.source
LIMIT %(limit)s;

-- sources_by_day --
-- `sources` from reporting.source_days, when nothing is filtered.
SELECT source, sum(claims)::bigint AS claims, sum(families_started)::bigint AS families_started,
       sum(repeats)::bigint AS repeats, sum(repeats_rated_false)::bigint AS repeats_rated_false,
       max(last_said) AS last_said
FROM reporting.source_days
WHERE said_on BETWEEN %(date_from)s AND %(date_to)s
GROUP BY source
ORDER BY repeats_rated_false DESC, repeats DESC, claims DESC, source
LIMIT %(limit)s;

-- sources_all_time --
-- `sources` from reporting.source_totals, when the window holds every claim and nothing is filtered.
SELECT source, claims, families_started, repeats, repeats_rated_false, last_said
FROM reporting.source_totals
ORDER BY repeats_rated_false DESC, repeats DESC, claims DESC, source
LIMIT %(limit)s;

-- contradictions --
-- reporting.open_contradictions whose newer claim was said in the window, by speaker or source
-- of either claim: the top ones found from the facts, then read whole from the view.
WITH top AS (
    SELECT m.id, m.score, m.created_at AS flagged_at, m.claim_id, m.matched_claim_id,
           n.speaker AS claim_speaker, n.source AS claim_source, n.said_at AS claim_said_at,
           o.speaker AS earlier_speaker, o.source AS earlier_source,
           o.said_at AS earlier_said_at, coalesce(n.family_id, o.family_id) AS family_id
    FROM matches m
    JOIN reporting.claim_facts n ON n.claim_id = m.claim_id
    JOIN reporting.claim_facts o ON o.claim_id = m.matched_claim_id
    WHERE m.kind = 'contradiction' AND m.status = 'open'
      AND n.said_on BETWEEN %(date_from)s AND %(date_to)s
      AND (%(speaker)s::text IS NULL OR %(speaker)s IN (n.speaker, o.speaker))
      AND (%(source)s::text IS NULL OR %(source)s IN (n.source, o.source))
    ORDER BY m.score DESC, m.id
    LIMIT %(limit)s
)
SELECT top.id AS match_id, top.score, top.flagged_at, nc.text AS claim_text,
       top.claim_speaker, top.claim_source, top.claim_said_at, oc.text AS earlier_text,
       top.earlier_speaker, top.earlier_source, top.earlier_said_at, top.family_id
FROM top  -- reporting.open_contradictions' columns, without planning its eight joins
JOIN claims nc ON nc.id = top.claim_id
JOIN claims oc ON oc.id = top.matched_claim_id
ORDER BY top.score DESC, top.id;

-- contradictions_of --
-- `contradictions` when a speaker or a source is chosen: the open contradictions and the claims
-- of that speaker (else source), an index range, are matched in memory, instead of reading the
-- facts of every contradiction.
WITH open AS MATERIALIZED (
    SELECT id, score, created_at, claim_id, matched_claim_id
    FROM matches
    WHERE kind = 'contradiction' AND status = 'open'
), theirs AS MATERIALIZED (
    SELECT claim_id FROM reporting.claim_facts
    WHERE (%(speaker)s::text IS NOT NULL AND speaker = %(speaker)s)
       OR (%(speaker)s::text IS NULL AND source = %(source)s)
), top AS (
    SELECT m.id, m.score, m.created_at AS flagged_at, m.claim_id, m.matched_claim_id,
           n.speaker AS claim_speaker, n.source AS claim_source, n.said_at AS claim_said_at,
           o.speaker AS earlier_speaker, o.source AS earlier_source,
           o.said_at AS earlier_said_at, coalesce(n.family_id, o.family_id) AS family_id
    FROM open m
    JOIN reporting.claim_facts n ON n.claim_id = m.claim_id
    JOIN reporting.claim_facts o ON o.claim_id = m.matched_claim_id
    WHERE m.id IN (SELECT x.id FROM open x JOIN theirs t ON t.claim_id = x.claim_id
                   UNION ALL
                   SELECT x.id FROM open x JOIN theirs t ON t.claim_id = x.matched_claim_id)
      AND n.said_on BETWEEN %(date_from)s AND %(date_to)s
      AND (%(speaker)s::text IS NULL OR %(speaker)s IN (n.speaker, o.speaker))
      AND (%(source)s::text IS NULL OR %(source)s IN (n.source, o.source))
    ORDER BY m.score DESC, m.id
    LIMIT %(limit)s
)
SELECT top.id AS match_id, top.score, top.flagged_at, nc.text AS claim_text,
       top.claim_speaker, top.claim_source, top.claim_said_at, oc.text AS earlier_text,
       top.earlier_speaker, top.earlier_source, top.earlier_said_at, top.family_id
FROM top  -- reporting.open_contradictions' columns, without planning its eight joins
JOIN claims nc ON nc.id = top.claim_id
JOIN claims oc ON oc.id = top.matched_claim_id
ORDER BY top.score DESC, top.id;

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
    WHERE r.status = 'decided'  -- days as decided_at::date has them, in a form the index serves
      AND r.decided_at >= %(date_from)s::date AND r.decided_at < %(date_to)s::date + 1
) i
GROUP BY i.decided_by_name
ORDER BY decisions DESC, reviewer;

-- decisions_per_day --
-- reporting.decisions_per_day summed over reviewers, read through the index on decisions.
SELECT r.decided_at::date AS decided_on, count(*) AS decisions
FROM review_items r
JOIN accounts a ON a.id = r.decided_by
WHERE r.status = 'decided'
  AND r.decided_at >= %(date_from)s::date AND r.decided_at < %(date_to)s::date + 1
GROUP BY 1
ORDER BY 1;

-- choices --
-- What the filters offer: speakers and sources with most claims, verdicts, claim types.
SELECT 'speaker' AS filter, speaker AS value FROM (
    SELECT speaker FROM reporting.speaker_totals ORDER BY claims DESC, speaker LIMIT 200) s
UNION ALL
SELECT 'source', source FROM (
    SELECT source FROM reporting.source_totals ORDER BY claims DESC, source LIMIT 200) s
UNION ALL
SELECT DISTINCT 'claim_type', claim_type FROM reporting.day_totals;
