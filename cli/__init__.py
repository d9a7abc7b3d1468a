"""The `claimtrack` command line: parses arguments and prints, calling tasks and flows; holds no
pipeline logic.
"""
