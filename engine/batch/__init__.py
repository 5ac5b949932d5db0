"""The batch: a rulebook's decisions as column expressions over a population.

`compile.compile_plan` builds the plan (columns.py: expressions; plan.py: the roles;
decisions.py: events and sums over days), `io` reads and writes Parquet, CSV and JSONL,
`run` streams chunks through worker processes, `dask` runs the same plan per partition.
"""
