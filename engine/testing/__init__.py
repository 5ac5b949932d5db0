"""Regression tests as data: YAML cases pinned to dates, run by `statute test` and pytest."""
