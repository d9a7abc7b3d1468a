"""The units of work: fetch, parse, extract, match and store.

Plain typed functions; nothing here imports Prefect.
"""
