"""`python -m workbench`: the `workbench` command for a Python without the console script on PATH.

The same entry point as the script pyproject.toml installs, so the two cannot drift apart.
"""

import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
