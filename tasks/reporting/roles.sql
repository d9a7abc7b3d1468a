-- DDL for `claimtrack db reader-role` (tasks/reporting/roles.py). Role and database names are
-- identifiers and the password a literal: psycopg.sql composes them ({role}, {database},
-- {password}); nothing else is put into these statements.

-- role_exists --
SELECT 1 FROM pg_roles WHERE rolname = %(name)s;

-- create_role --
CREATE ROLE {role} LOGIN PASSWORD {password};

-- set_password --
ALTER ROLE {role} LOGIN PASSWORD {password};

-- grant_reading --
GRANT CONNECT ON DATABASE {database} TO {role};
GRANT USAGE ON SCHEMA reporting TO {role};
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO {role};
