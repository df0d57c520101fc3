"""``python -m analyzer.cli`` and the ``sincerity`` entry point: the CLI lives in
``analyzer.faces.cli``; this name is kept because scripts and tools call it."""

import sys

from .faces.cli import main

if __name__ == "__main__":
    sys.exit(main())
