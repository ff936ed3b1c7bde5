"""Write targets are checked before anything is written; names never collide; modes follow the umask."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from workbench.export import files
from workbench.export.files import (
    COMBINED_NAME,
    DiskFull,
    OutputError,
    check_target,
    clean_stale_temps,
    output_stem,
    write_atomic,
)
from workbench.settings import load_workspace


def test_the_workspace_database_and_its_companions_are_never_replaced(tmp_path) -> None:
    workspace = load_workspace(str(tmp_path / "W"), {}, env={})
    workspace.path.mkdir()
    sqlite3.connect(workspace.db_path).execute("CREATE TABLE t (x)").connection.close()
    before = workspace.db_path.read_bytes()
    for own in workspace.own_files():  # existing or not: the WAL, -shm, the lock
        with pytest.raises(OutputError, match=f"workspace's own {own.name}"):
            write_atomic(own, b"<tmx/>", workspace.own_files())
    link = tmp_path / "innocent.tmx"
    link.symlink_to(workspace.db_path)
    with pytest.raises(OutputError, match=r"workspace's own workbench.db"):
        write_atomic(link, b"<tmx/>", workspace.own_files())
    assert workspace.db_path.read_bytes() == before
    assert [p.name for p in workspace.path.iterdir()] == ["workbench.db"]  # no temp file either


def test_any_sqlite_database_or_wal_is_refused_whatever_its_name(tmp_path) -> None:
    other = tmp_path / "notes.tmx"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(OutputError, match=r"notes.tmx: is an SQLite database file"):
        write_atomic(other, b"x")
    wal = tmp_path / "old.jsonl"
    wal.write_bytes(b"\x37\x7f\x06\x82" + bytes(28))
    with pytest.raises(OutputError, match=r"SQLite database file"):
        check_target(wal)


def test_devices_fifos_and_directories_are_refused(tmp_path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match=r"pipe.jsonl: is a FIFO, not a regular file"):
        write_atomic(fifo, b"x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(OutputError, match=r"/dev/null: is a character device"):
        write_atomic(Path("/dev/null"), b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    with pytest.raises(OutputError, match=r"is a directory"):
        write_atomic(tmp_path, b"x")
    blocker = tmp_path / "file"
    blocker.write_text("keep")
    with pytest.raises(OutputError, match=r"out.tmx: Not a directory"):
        write_atomic(blocker / "out.tmx", b"x")
    assert blocker.read_text() == "keep"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_modes_follow_the_umask(tmp_path, umask, mode) -> None:
    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "a.txt", b"x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == mode


def test_a_killed_writers_temp_files_are_removed_on_the_next_write(tmp_path) -> None:
    dead = tmp_path / f".a.jsonl.{2**22 + 17}.x1y2{files.TEMP_SUFFIX}"  # above Linux's pid_max
    alive = tmp_path / f".a.jsonl.{os.getppid()}.z9{files.TEMP_SUFFIX}"
    mine = tmp_path / ".b.jsonl.123.tmp"  # not ours: never touched
    for path in (dead, alive, mine):
        path.write_text("half")
    write_atomic(tmp_path / "a.jsonl", b"{}\n")
    assert not dead.exists() and alive.exists() and mine.exists()
    assert clean_stale_temps(tmp_path) == []  # once per directory and process


def test_a_full_disk_is_one_line_and_leaves_no_temp_file(tmp_path, monkeypatch) -> None:
    def no_space(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", no_space)
    target = tmp_path / "a.jsonl"
    target.write_text("old\n")
    with pytest.raises(DiskFull, match=r"a.jsonl: cannot write \(No space left on device\)$"):
        write_atomic(target, b"new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.jsonl"]


def test_output_names_are_unique_per_source_and_stable() -> None:
    sources = ["/in/a:b.txt", "/in/a_b-6.txt", "/in/a_b.txt", "/other/a_b.txt", "/in/combined.txt"]
    stems = [output_stem(s, "x") for s in sources]
    assert len(set(stems)) == len(stems)
    assert stems == [output_stem(s, "x") for s in sources]  # the same in every run
    assert all(f"{stem}.jsonl" != COMBINED_NAME for stem in stems)
    assert stems[-1].startswith("combined-")
    assert output_stem("/in/\udcff.txt", "article-3").startswith("article-3-")  # undecodable name


def test_imports_over_the_size_limit_are_refused_before_reading(tmp_path) -> None:
    from workbench.ingest.article import IngestError, read_bytes

    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 101)
    with pytest.raises(IngestError, match=r"^101 bytes, over the import limit of 100 bytes"):
        read_bytes(path, limit=100)
    assert read_bytes(path, limit=101) == b"a" * 101
