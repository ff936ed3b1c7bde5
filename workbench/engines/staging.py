"""Hidden directories a model is written into before it is renamed into place, and their cleanup.

A run killed outright (SIGKILL, a power cut) cannot remove its own staging directory, so each
one names its owner: the process id in the directory name, the host in a file inside. A later
run removes the directories whose owner is gone, and only those: a directory of a live process
(another `workbench adapt` on the same models directory) or of another host (a models directory
on a shared disk) is left alone. Torch-free, so it can run before anything heavy is loaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

OWNER_FILE = ".owner"
"""Inside a staging directory: the host of the process named in the directory's name."""


def staging_dir(parent: Path, prefix: str) -> Path:
    """A new hidden directory `.<prefix>-<pid>-<random>` in `parent`, owned by this process."""
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{prefix}-{os.getpid()}-", dir=parent))
    (path / OWNER_FILE).write_text(socket.gethostname() + "\n", encoding="utf-8")
    return path


def publish(staging: Path, final: Path) -> None:
    """Rename a finished staging directory into place, without its owner file."""
    (staging / OWNER_FILE).unlink(missing_ok=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(final)


def remove_stale_staging(parent: Path, prefix: str) -> list[Path]:
    """Remove the staging directories in `parent` whose owning process is gone; returns them."""
    removed = []
    for path in sorted(parent.glob(f".{prefix}-*")) if parent.is_dir() else []:
        if path.is_dir() and not path.is_symlink() and _owner_gone(path, prefix):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _owner_gone(path: Path, prefix: str) -> bool:
    """The directory names a process of this host that no longer runs. A name without a process
    id (not ours) or an owner file naming another host keeps the directory."""
    pid_text = path.name[len(prefix) + 2 :].split("-", 1)[0]
    if not pid_text.isdigit():
        return False
    try:
        host = (path / OWNER_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:  # killed between creating the directory and writing the file
        host = socket.gethostname()
    except OSError:
        return False
    return host == socket.gethostname() and not _running(int(pid_text))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
