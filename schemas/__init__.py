"""Data shapes shared by the pipeline: records, settings, and the SQL schema with its migrations."""
