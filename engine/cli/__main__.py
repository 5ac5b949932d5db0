"""`python -m engine.cli`: the same as the `statute` command."""
import sys

from engine.cli.main import main

sys.exit(main())
