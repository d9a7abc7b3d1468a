-- 0007: a later claim that says a figure changed ("now", "revised", "up from", "no longer") is an
-- update of the earlier one, flagged as such for reviewers, not a contradiction.
ALTER TABLE matches DROP CONSTRAINT matches_kind_check;
ALTER TABLE matches ADD CONSTRAINT matches_kind_check
    CHECK (kind IN ('repeat', 'contradiction', 'update', 'related'));
