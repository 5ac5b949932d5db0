"""Load: read a rulebook's YAML with positions (`yaml`), validate it against the JSON
Schemas (`schema`), and build the model (`build`, whose `load()` runs load, check and
compile)."""
