-- 0009: browser sessions of the reviewers' web app (server-side, the cookie holds a random id
-- whose SHA-256 is stored), and failed sign-ins, counted to slow down password guessing.
CREATE TABLE web_sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_sha256 text NOT NULL CONSTRAINT web_sessions_token_key UNIQUE,
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    ended_at timestamptz
);

CREATE TABLE sign_in_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    address text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sign_in_failures_name_idx ON sign_in_failures (name, at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (address, at);
