"""The `statute` command: one module per command family."""
from engine.cli.main import main

__all__ = ["main"]
