"""Matching claims: candidate retrieval by rare terms (blocking), the repeat/contradiction judge,
and the fact-check ranker.
"""
