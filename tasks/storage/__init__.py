"""Storage: connections and migrations, the named SQL (queries.sql) and the store's functions, the
embedded PostgreSQL server.
"""
