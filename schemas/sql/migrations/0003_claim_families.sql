-- 0003: claim families (repeats of one claim), with their first and last sighting and size.
CREATE TABLE claim_families (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    canonical_claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    first_seen_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    claim_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE claims ADD COLUMN family_id bigint REFERENCES claim_families (id) ON DELETE SET NULL;
CREATE INDEX claims_family_idx ON claims (family_id);
CREATE INDEX claim_families_last_seen_idx ON claim_families (last_seen_at DESC);
