-- 0017: scheduled runs at scale. A run claims a source under a row lock before fetching it, so any
-- number of workers share the due sources without fetching one twice; a claim lapses when its
-- session ends (crash, kill, lost database) or its lease runs out. A source that keeps failing
-- backs off: each failure in a row doubles its wait, up to a day.
ALTER TABLE sources ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN claimed_until timestamptz;
ALTER TABLE sources ADD COLUMN claimed_by_pid integer;
ALTER TABLE sources ADD COLUMN claimed_by_start timestamptz;
COMMENT ON COLUMN sources.claimed_until IS
    'a run fetching this source holds it until then, unless its database session (claimed_by_pid, claimed_by_start) is gone';
COMMENT ON COLUMN sources.consecutive_failures IS
    'checks in a row that failed; the next check waits schedule_minutes times 2^(failures-1), at most a day';
