"""Evaluation and benchmarks (the `claimtrack eval` and `bench` commands' logic and the benchmark
corpus); not part of the pipeline.
"""
