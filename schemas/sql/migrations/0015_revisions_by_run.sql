-- 0015: what an ingestion run stored is found by its revisions' run_id when the run ends (the
-- queue refresh, the run's summary and its alerts); without an index each of those scanned every
-- revision ever stored.
CREATE INDEX article_revisions_run_idx ON article_revisions (run_id);
