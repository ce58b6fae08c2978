import sys

from inyeon.cli import main

sys.exit(main())
