"""Prefect flows and the command line. Importing this package does not import Prefect."""
