"""Two processes on one workspace: a session with worker connections (the TUI) and a short
command beside it (`workbench show` in another terminal) must not cost the session its saves.

Opening a worker's connection used to read the database header with a plain file handle; closing
it dropped every POSIX lock of the process on the file, SQLite's included, so the other process,
closing, took itself for the last one and deleted the WAL and shared memory under the session:
its later saves went into an unlinked log and its next connection failed ("disk I/O error").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workbench.store.database import Store

OPEN_AND_CLOSE = (
    "import sys; from pathlib import Path; from workbench.store.database import Store; "
    "Store(Path(sys.argv[1])).close()"
)


def _values(store: Store) -> list[int]:
    return [row[0] for row in store._db.execute("SELECT x FROM t ORDER BY x")]


def test_a_command_beside_a_session_with_workers_loses_none_of_its_saves(tmp_path: Path) -> None:
    db = tmp_path / "ws" / "workbench.db"
    session = Store(db)
    session._db.execute("CREATE TABLE t (x)")
    session._db.execute("INSERT INTO t VALUES (1)")
    Store(db).close()  # a worker's connection, opened and closed while the session is open

    subprocess.run([sys.executable, "-c", OPEN_AND_CLOSE, str(db)], check=True, timeout=60)

    assert db.with_name("workbench.db-wal").exists(), "the session's log was deleted under it"
    session._db.execute("INSERT INTO t VALUES (2)")  # a save after the other command closed
    worker = Store(db)  # used to fail with "disk I/O error"
    try:
        assert _values(worker) == [1, 2]
    finally:
        worker.close()
    session.close()

    reopened = Store(db)
    try:
        assert _values(reopened) == [1, 2]
    finally:
        reopened.close()
