"""The migrations build exactly the schema that schema.sql describes."""

import psycopg
import pytest
from psycopg import sql

from tasks.storage.database import apply_migrations, connect, migration_files, schema_sql

pytestmark = pytest.mark.integration

CATALOG_QUERIES = {
    "columns": """SELECT table_schema, table_name, column_name, data_type, is_nullable,
                         column_default, is_identity
                  FROM information_schema.columns
                  WHERE table_schema IN ('public', 'reporting')
                    AND table_name <> 'schema_migrations'
                  ORDER BY 1, 2, 3""",
    "indexes": """SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes
                  WHERE schemaname IN ('public', 'reporting') AND tablename <> 'schema_migrations'
                  ORDER BY 1, 3""",
    "constraints": """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                      FROM pg_constraint
                      WHERE connamespace IN ('public'::regnamespace, 'reporting'::regnamespace)
                        AND conrelid::regclass::text <> 'schema_migrations'
                      ORDER BY 1, 2""",
    "views": """SELECT viewname, definition, obj_description(
                           ('reporting.' || viewname)::regclass, 'pg_class')
                FROM pg_views WHERE schemaname = 'reporting' ORDER BY 1""",
    "functions": """SELECT p.proname, pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc')
                    FROM pg_proc p WHERE p.pronamespace = 'reporting'::regnamespace
                    ORDER BY 1""",
    "triggers": """SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
                   FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2""",
    "table comments": """SELECT relname, obj_description(oid, 'pg_class') FROM pg_class
                         WHERE relnamespace = 'reporting'::regnamespace AND relkind = 'r'
                         ORDER BY 1""",
    "extensions": "SELECT extname FROM pg_extension ORDER BY 1",
    "storage parameters": """SELECT relname, reloptions FROM pg_class
                             WHERE relnamespace = 'public'::regnamespace
                               AND reloptions IS NOT NULL
                             ORDER BY 1""",
}


def catalog(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as conn:
        return {name: conn.execute(query).fetchall() for name, query in CATALOG_QUERIES.items()}


def fresh_database(pg_admin_url: str, name: str) -> str:
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return psycopg.conninfo.make_conninfo(pg_admin_url, dbname=name)


def test_migrations_match_schema_file(pg_admin_url):
    migrated = fresh_database(pg_admin_url, "claimtrack_test_migrated")
    described = fresh_database(pg_admin_url, "claimtrack_test_described")
    with connect(migrated, migrate=False) as conn:
        applied = apply_migrations(conn)
    assert applied == [name for _, name, _ in migration_files()]
    with psycopg.connect(described, autocommit=True) as conn:
        conn.execute(schema_sql().encode())
    assert catalog(migrated) == catalog(described)
    assert ("pg_trgm",) in catalog(migrated)["extensions"]


def test_migrations_are_idempotent(conn):
    assert apply_migrations(conn) == []
    versions = conn.execute("SELECT version FROM schema_migrations").fetchall()
    assert [row["version"] for row in versions] == [v for v, _, _ in migration_files()]
