"""Check: the semantic checks `statute check` runs after the schemas, one module per family."""
