"""`workbench check` and `workbench backup`: the database's health and a safe copy of it.

A copy made with `cp` while a session writes can miss what is still in the WAL, or tear a page;
SQLite's online backup API copies a consistent snapshot whatever other sessions do.
"""

from __future__ import annotations

import argparse
import sys

from workbench.settings import Workspace


def check(workspace: Workspace, args: argparse.Namespace) -> int:
    """Integrity and foreign keys: `DB: ok`, or one line per problem and exit status 1."""
    from workbench.commands import _open

    with _open(workspace) as bench:
        problems = bench.store.check()
    for problem in problems[:50] or ["ok"]:
        print(f"{workspace.db_path}: {problem}")
    if len(problems) > 50:
        print(f"{workspace.db_path}: ... {len(problems) - 50} more", file=sys.stderr)
    return 1 if problems else 0


def backup(workspace: Workspace, args: argparse.Namespace) -> int:
    """A consistent copy of the database at DEST, written under a temp name and renamed."""
    from workbench.commands import _open
    from workbench.export.files import replacing

    with _open(workspace) as bench, replacing(args.destination, workspace.own_files()) as temp:
        bench.store.backup(temp)
    print(f"backed up {workspace.db_path} to {args.destination}")
    return 0
