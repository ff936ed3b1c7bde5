"""Translate folders of articles without the TUI: `workbench translate` under another name.

    python scripts/batch_translate.py seeds/ --out out/ --format jsonl,md,tmx,xliff,txt

Every option of `workbench translate` works here; see `workbench translate --help`. It needs the
Python the workbench is installed into (`make setup` installs it into .venv/, editable), like
`python -m workbench translate`, which is the same command.
"""

from __future__ import annotations

import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main(["translate", *sys.argv[1:]]))
