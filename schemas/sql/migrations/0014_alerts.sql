-- 0014: alerts. Speakers and sources watched for contradictions, and every alert with its
-- delivery to each channel: one row per alert and channel, so that a failed delivery is retried
-- and a delivered one never sent again.
CREATE TABLE alert_watches (
    kind text NOT NULL CONSTRAINT alert_watches_kind_check CHECK (kind IN ('speaker', 'source')),
    value text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, value)
);

CREATE TABLE alerts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL
        CONSTRAINT alerts_kind_check CHECK (kind IN ('rated-repeat', 'contradiction', 'digest')),
    family_id bigint REFERENCES claim_families (id) ON DELETE SET NULL,
    match_id bigint REFERENCES matches (id) ON DELETE SET NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- one alert per flag, whatever reruns and concurrent runs do
    CONSTRAINT alerts_match_key UNIQUE (match_id)
);
CREATE INDEX alerts_family_idx ON alerts (family_id, created_at DESC);

CREATE TABLE alert_deliveries (
    alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    channel text NOT NULL,  -- the channel's URL with any password masked
    status text NOT NULL DEFAULT 'pending'
        CONSTRAINT alert_deliveries_status_check CHECK (status IN ('pending', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    sent_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (alert_id, channel)
);
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (alert_id) WHERE status <> 'sent';
