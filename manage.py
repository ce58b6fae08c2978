#!/usr/bin/env python
"""Django's command-line utility for Inyeon (the same commands as the `inyeon` console script)."""

import sys

from inyeon.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
