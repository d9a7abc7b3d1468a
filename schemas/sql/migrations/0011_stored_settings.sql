-- 0011: settings stored in the database (thresholds learned from reviewers' decisions by
-- `claimtrack tune thresholds --apply`); an environment variable set explicitly still wins.
CREATE TABLE stored_settings (
    name text PRIMARY KEY,
    value text NOT NULL,
    reason text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now()
);
