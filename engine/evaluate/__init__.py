"""Evaluate: facts validated once, then decisions decided in dependency order."""
