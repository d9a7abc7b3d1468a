-- 0008: the reviewers' queue. Accounts with roles and API tokens, work items handed out under
-- leases, verdicts on claims and families, and an append-only audit log of every change.
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT accounts_name_key UNIQUE,
    role text NOT NULL CONSTRAINT accounts_role_check CHECK (role IN ('reviewer', 'editor')),
    password_hash text NOT NULL,  -- argon2id
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_sha256 text NOT NULL CONSTRAINT api_tokens_token_key UNIQUE,  -- never the token itself
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- One item per open flag (kind 'match') and per check-worthy claim waiting for triage ('check').
CREATE TABLE review_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CONSTRAINT review_items_kind_check CHECK (kind IN ('match', 'check')),
    match_id bigint REFERENCES matches (id) ON DELETE CASCADE,
    claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    priority real NOT NULL DEFAULT 0,
    reasons text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'waiting'
        CONSTRAINT review_items_status_check CHECK (status IN ('waiting', 'leased', 'decided')),
    leased_by bigint REFERENCES accounts (id),
    lease_expires_at timestamptz,
    skipped_by bigint[] NOT NULL DEFAULT '{}',  -- not offered again to these reviewers
    decision text,
    decided_by bigint REFERENCES accounts (id),
    decided_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT review_items_match_key UNIQUE (match_id),
    CONSTRAINT review_items_match_kind_check CHECK ((kind = 'match') = (match_id IS NOT NULL))
);

CREATE UNIQUE INDEX review_items_check_claim_key ON review_items (claim_id) WHERE kind = 'check';
CREATE INDEX review_items_open_idx ON review_items (priority DESC, id) WHERE status <> 'decided';
CREATE INDEX review_items_decided_by_idx ON review_items (decided_by, decided_at DESC);

CREATE TABLE verdicts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    family_id bigint REFERENCES claim_families (id) ON DELETE SET NULL,  -- covers every repeat
    rating text NOT NULL CONSTRAINT verdicts_rating_check CHECK (rating IN (
        'true', 'mostly_true', 'mixed', 'mostly_false', 'false', 'unverifiable', 'not_checkable')),
    note text NOT NULL DEFAULT '',
    evidence text[] NOT NULL DEFAULT '{}',
    account_id bigint REFERENCES accounts (id),
    item_id bigint REFERENCES review_items (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    withdrawn_at timestamptz
);

CREATE INDEX verdicts_claim_idx ON verdicts (claim_id) WHERE withdrawn_at IS NULL;
CREATE INDEX verdicts_family_idx ON verdicts (family_id) WHERE withdrawn_at IS NULL;

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    account_id bigint REFERENCES accounts (id),
    action text NOT NULL,
    item_id bigint,
    before jsonb,
    after jsonb
);

CREATE INDEX audit_log_account_idx ON audit_log (account_id, at DESC);
CREATE INDEX audit_log_item_idx ON audit_log (item_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
