"""The web explorer and case simulator: HTML pages served by `statute serve` under
`/explore` (Jinja2 templates and one stylesheet, shipped in the package; no script)."""
from engine.serve.explorer.pages import PREFIX, routes

__all__ = ["PREFIX", "routes"]
