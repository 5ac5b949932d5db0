"""Render: results as text (a trace a person reads) and JSON (the result contract)."""
