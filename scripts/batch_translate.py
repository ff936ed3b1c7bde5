"""Translate folders of articles without the TUI: `workbench translate` under another name.

    python scripts/batch_translate.py seeds/ --out out/ --format jsonl,md,tmx,xliff,txt

Every option of `workbench translate` works here; see `workbench translate --help`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.cli import main  # imported after the path set-up, so the script runs from a clone

if __name__ == "__main__":
    sys.exit(main(["translate", *sys.argv[1:]]))
