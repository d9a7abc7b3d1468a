-- Named queries of the matching benchmark (tasks/evaluation/benchmark.py); it runs in its own database.

-- bench_clear --
TRUNCATE articles, claim_terms, ingest_runs RESTART IDENTITY CASCADE;

-- count_claims --
SELECT count(*) AS n FROM claims;

-- bench_prepare_load --
SELECT set_config('maintenance_work_mem', '1GB', true);

-- bench_drop_term_index --
DROP INDEX IF EXISTS claims_term_keys_idx;

-- bench_copy_articles --
COPY articles (url, fetched_url, published_at) FROM STDIN;

-- bench_add_revisions --
INSERT INTO article_revisions (article_id, content_sha256, body, paragraph_count)
SELECT id, 'bench', '', 0 FROM articles ORDER BY id;

-- bench_revision_ids --
SELECT id, article_id FROM article_revisions ORDER BY article_id;

-- bench_copy_claims --
COPY claims (article_id, revision_id, paragraph_index, sentence_index, text, text_sha256,
             quantities, polarity, checkworthiness, frame, term_keys, published_at) FROM STDIN;

-- bench_create_term_index --
CREATE INDEX claims_term_keys_idx ON claims USING gin (term_keys gin__int_ops);

-- bench_count_all_terms --
INSERT INTO claim_terms (term_key, claim_count)
SELECT key, count(*) FROM claims, unnest(term_keys) AS key GROUP BY key;

-- bench_all_frames --
SELECT id, frame FROM claims ORDER BY id;

-- bench_claims_by_id --
SELECT c.id, c.article_id, c.revision_id, c.text, c.speaker, c.quantities, c.polarity, c.frame,
       c.created_at, c.published_at
FROM claims c
WHERE c.id = ANY(%(ids)s::bigint[]);

-- bench_claim_ids --
SELECT id FROM claims ORDER BY id;

-- bench_count_embeddings --
SELECT count(*) AS n FROM claim_embeddings WHERE model = %(model)s;

-- bench_clear_embeddings --
TRUNCATE claim_embeddings;

-- bench_drop_vector_index --
DROP INDEX IF EXISTS claim_embeddings_hnsw_idx;

-- bench_copy_embeddings --
COPY claim_embeddings (claim_id, model, embedding) FROM STDIN WITH (FORMAT BINARY);

-- bench_prepare_vector_index --
-- room to build the graph in memory (1M vectors: about 2 GB); one helper, as there are 2 cores
SELECT set_config('maintenance_work_mem', '4GB', true),
       set_config('max_parallel_maintenance_workers', '1', true);

-- bench_create_vector_index --
-- as migration 0006 makes it
CREATE INDEX claim_embeddings_hnsw_idx ON claim_embeddings
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

-- bench_all_embeddings --
SELECT embedding FROM claim_embeddings WHERE model = %(model)s ORDER BY claim_id;
