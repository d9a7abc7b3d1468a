-- 0006: sentence embeddings of claims, for semantic matching (pgvector, HNSW, cosine distance).
-- Only where the pgvector extension is available (the embedded server ships it; a managed
-- PostgreSQL may not): without it claimtrack matches by words alone.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
        CREATE EXTENSION IF NOT EXISTS vector;
        -- one row per claim and model; 384 dimensions (MiniLM, BGE-small, E5-small)
        CREATE TABLE claim_embeddings (
            claim_id bigint PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
            model text NOT NULL,
            embedding vector(384) NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX claim_embeddings_hnsw_idx ON claim_embeddings
            USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
    END IF;
END
$$;
