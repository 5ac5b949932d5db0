"""Hypothesis profiles: `ci` (CI=true) is derandomized with a fixed number of examples,
so a CI run is the same every time; `dev` (default) explores more. Select another with
HYPOTHESIS_PROFILE=<name>."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=40, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# The compiled-rulebook cache (engine.load.cache) of a test run lives in a folder of its
# own, never the user's: set before any test, or any process a test starts, loads a rulebook.
_CACHE_HOME = tempfile.mkdtemp(prefix="statute-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, True)
