-- 0004: candidate retrieval by shared rare terms. Each claim keeps the keys of its frame terms in
-- an intarray GIN index; claim_terms counts how many claims hold each term, so retrieval can
-- block on a new claim's rarest terms. The whole-frame trigram index is no longer used.
CREATE EXTENSION IF NOT EXISTS intarray;

CREATE FUNCTION claim_term_key(term text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ('x' || substr(md5(term), 1, 8))::bit(32)::integer;

ALTER TABLE claims ADD COLUMN term_keys integer[] NOT NULL DEFAULT '{}';
UPDATE claims SET term_keys = coalesce(
    (SELECT sort(array_agg(DISTINCT claim_term_key(t)))
     FROM unnest(string_to_array(frame, ' ')) AS t WHERE t <> ''),
    '{}');
CREATE INDEX claims_term_keys_idx ON claims USING gin (term_keys gin__int_ops);
DROP INDEX claims_frame_trgm_idx;

-- the article's publication date, copied so that retrieval filters on it without a join
ALTER TABLE claims ADD COLUMN published_at timestamptz;
UPDATE claims c SET published_at = a.published_at FROM articles a WHERE a.id = c.article_id;

CREATE TABLE claim_terms (
    term_key integer PRIMARY KEY,
    claim_count integer NOT NULL
);
INSERT INTO claim_terms (term_key, claim_count)
SELECT k, count(*) FROM claims, unnest(term_keys) AS k GROUP BY k;

-- The claims holding every term of one blocking conjunction, before a claim, from other
-- revisions, within a time window: the inner step of candidate retrieval. A function so that
-- each conjunction is one index scan with a sane row estimate (intarray's estimates otherwise
-- lead the planner to scan every claim).
CREATE FUNCTION claims_holding(
    conjunction query_int, keys integer[], before_id bigint, other_revision bigint,
    published timestamptz, window_days integer
) RETURNS TABLE (id bigint, shared integer)
    LANGUAGE plpgsql STABLE ROWS 100 AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, icount(c.term_keys & keys)
    FROM claims c
    WHERE c.term_keys @@ conjunction
      AND c.id < before_id
      AND c.revision_id <> other_revision
      AND (window_days IS NULL OR published IS NULL OR c.published_at IS NULL
           OR c.published_at BETWEEN published - make_interval(days => window_days)
                                 AND published + make_interval(days => window_days));
END
$$;

-- speakers by surname and by whole name, for normalising speakers across articles
CREATE INDEX claims_speaker_surname_idx ON claims ((substring(speaker FROM '[^ ]+$')));
CREATE INDEX claims_speaker_idx ON claims (speaker);
