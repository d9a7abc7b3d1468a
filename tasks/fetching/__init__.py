"""Fetching: files and URLs (guarded client, robots.txt, pacing, retries, deadlines), credentials
kept out of storage, and what feeds and sitemaps list.
"""
