-- 0010: imported fact-checks (schema.org ClaimReview). The claim reviewed is stored as a claim of
-- its own kind (claim_type 'factcheck') in an article of its own, with a verdict on our scale;
-- this table keeps where it came from and the publisher's original rating.
CREATE TABLE fact_checks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    url text,
    publisher text,
    date_published text,
    rating text NOT NULL,
    mapped_from text NOT NULL CONSTRAINT fact_checks_mapped_from_check
        CHECK (mapped_from IN ('text', 'number', 'nothing')),
    original_rating text,
    rating_value real,
    best_rating real,
    worst_rating real,
    record jsonb NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fact_checks_article_key UNIQUE (article_id)
);
