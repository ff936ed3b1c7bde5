"""Guards around the workspace database, checked before SQLite is let near it.

SQLite does not tie a write-ahead log to its database: a stale `workbench.db-wal` from another
workspace (a copy, a restore, files moved one by one) is replayed into whatever database sits
beside it, and corrupts it. So every database gets an identity (a random id in its `meta` table,
checkpointed into the file at creation), and every write transaction also writes a mark holding
that id, so every WAL generation (SQLite restarts the log only at the start of a write) carries
it in its frames. On open, when no other session has the workspace open, a WAL whose frames do
not carry the database's id is refused before SQLite reads it.

A session lock (`workbench.db-lock`, flock: exclusive for a moment at open, shared afterwards)
tells whether another workbench process has the workspace open; a WAL left over when none has is
the sign of a session that did not close cleanly, which earns a `PRAGMA quick_check`.

Limits: a copy of a workspace shares its id, so a WAL from a copy is not told apart; a WAL
written by another SQLite client (the `sqlite3` shell) carries no mark and is refused.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import struct
import urllib.parse
from pathlib import Path

from workbench.errors import WorkbenchError

IDENTITY_KEY = "workspace_id"
MARK_KEY = "wal_mark"
_WAL_MAGICS = (0x377F0682, 0x377F0683)
_WAL_HEADER = struct.Struct(">8I")  # magic, version, page size, checkpoint, salt 1, salt 2, checksum
_FRAME_HEADER = struct.Struct(">6I")  # page, size after commit, salt 1, salt 2, checksum
_MAX_WAL_SCAN = 256 * 1024 * 1024


class StoreError(WorkbenchError, RuntimeError):
    """The workspace database cannot be used as asked."""


class ForeignWal(StoreError):
    """The WAL beside the database was not written for it."""


class SessionLock:
    """A flock on `workbench.db-lock` while a Store is open; see the module docstring."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + "-lock")
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; True when no other session holds it (this one is alone). A workspace
        where the lock file cannot be made (read-only) counts as shared: checks are skipped."""
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:
            return False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fcntl.flock(self._fd, fcntl.LOCK_SH)
            return False
        return True

    def share(self) -> None:
        """From exclusive (while the checks run) to shared, so other sessions can open."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def wal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-wal")


def left_over_wal(db_path: Path) -> bool:
    """Whether a non-empty WAL is there (SQLite removes it when the last session closes)."""
    try:
        return wal_path(db_path).stat().st_size > 0
    except OSError:
        return False


def check_wal_belongs(db_path: Path) -> None:
    """Raise ForeignWal when the WAL holds committed frames none of which carry the database's
    id. Reads both files without SQLite replaying anything (the database as `immutable`)."""
    pages = _current_frames(wal_path(db_path))
    if not pages:
        return  # nothing SQLite would replay
    identity = read_identity(db_path)
    if identity is None:
        return  # a database from before identities, or a new one: nothing to compare
    if not any(identity.encode() in page for page in pages):
        raise ForeignWal(
            f"{wal_path(db_path)}: a write-ahead log that does not belong to {db_path} (none of its "
            "frames carries this workspace's id); the database was not opened or changed. Move the "
            "log away to open the workspace as last checkpointed, or restore a backup"
        )


def read_identity(db_path: Path) -> str | None:
    """The id in the database file itself, ignoring any WAL (`immutable=1` reads the file only)."""
    uri = f"file:{urllib.parse.quote(str(db_path.absolute()))}?immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (IDENTITY_KEY,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    return row[0] if row else None


def _current_frames(wal: Path) -> list[bytes]:
    """The pages of the WAL's current generation (frames whose salts match its header): what
    SQLite would replay. Empty for a missing, empty or invalid log (SQLite ignores those too)."""
    try:
        with wal.open("rb") as handle:
            data = handle.read(_MAX_WAL_SCAN)
    except OSError:
        return []
    if len(data) < _WAL_HEADER.size:
        return []
    magic, _, page_size, _, salt1, salt2, _, _ = _WAL_HEADER.unpack_from(data)
    if magic not in _WAL_MAGICS or page_size < 512 or page_size & (page_size - 1):
        return []
    pages = []
    frame = _FRAME_HEADER.size + page_size
    for offset in range(_WAL_HEADER.size, len(data) - frame + 1, frame):
        _, _, frame_salt1, frame_salt2, _, _ = _FRAME_HEADER.unpack_from(data, offset)
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break  # the rest is an older generation SQLite does not replay
        pages.append(data[offset + _FRAME_HEADER.size : offset + frame])
    return pages
