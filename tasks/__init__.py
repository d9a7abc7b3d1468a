"""The units of work, one package per stage of the pipeline: fetching, reading, claims,
matching, storage; evaluation apart from them; ingest.py runs the stages for each target.

Plain typed functions; nothing here imports Prefect.
"""
