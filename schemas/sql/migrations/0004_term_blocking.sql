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

CREATE TABLE claim_terms (
    term_key integer PRIMARY KEY,
    claim_count integer NOT NULL
);
INSERT INTO claim_terms (term_key, claim_count)
SELECT k, count(*) FROM claims, unnest(term_keys) AS k GROUP BY k;
