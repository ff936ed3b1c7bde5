"""Output files: names that cannot leave the output directory or collide, and checked atomic writes.

A file appears under its final name only when complete (temp file, fsync, rename), so a run
killed at any moment leaves either the old file or the new one, never half of one. Before
anything is written the target is checked: a rename replaces whatever the path names, so a
mistyped path must never be the workspace's database, a device, a FIFO or a directory.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import WorkbenchError

_UNSAFE = re.compile(r"[^\w.-]+")
COMBINED_NAME = "combined.jsonl"
"""The one JSONL over all articles that `translate --combined` writes."""
TEMP_SUFFIX = ".workbench-tmp"
"""Temp files are `.NAME.PID.RANDOM.workbench-tmp`: a killed writer's are recognised and removed."""
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_WAL_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_cleaned: set[Path] = set()


class OutputError(WorkbenchError):
    """An output cannot be written where asked; the message names the path and the cause."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.errno = code


class DiskFull(OutputError):
    """No space left: later writes would fail too, so a batch stops (a rerun resumes)."""


def safe_stem(source_path: str, fallback: str) -> str:
    """A file stem from the article's source file name; never a path, never hidden."""
    stem = _UNSAFE.sub("_", Path(source_path).stem).strip("._")
    return stem[:100] or fallback


def output_stem(source_path: str, fallback: str) -> str:
    """An article's output stem: its safe file stem and a short hash of its full source path.

    `a:b.txt` and `a_b.txt` share a safe stem; the hash keeps their outputs apart, within one
    run and across runs into one directory, and the same source always gets the same name. No
    stem can be `combined`, whose name the combined JSONL keeps.
    """
    digest = hashlib.sha256(source_path.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{safe_stem(source_path, fallback)[:80]}-{digest}"


def check_target(path: Path, protected: Iterable[Path] = ()) -> None:
    """Refuse a write target that must not be replaced; raises OutputError naming it and why.

    Refused: the workspace's own files (`protected`), a directory or anything else that is not a
    regular file (devices, FIFOs, sockets), an SQLite database or WAL whatever its name, and a
    path under a file ("Not a directory").
    """
    for own in protected:
        if _same_file(path, own):
            raise OutputError(f"{path}: is the workspace's own {own.name}; choose another file")
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"{path}: {error.strerror or error}") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{path}: is a directory; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{path}: is {_kind(info.st_mode)}, not a regular file; refusing to replace it")
    head = _head(path)
    if head.startswith(_SQLITE_MAGIC) or head[:4] in _WAL_MAGICS:
        raise OutputError(f"{path}: is an SQLite database file; refusing to replace it")


def write_atomic(path: Path, data: bytes, protected: Iterable[Path] = ()) -> None:
    """Write `data` to `path` through a temp file and a rename, after `check_target`.

    The file gets the mode a plain `open()` would give (0666 less the umask), not mkstemp's 0600.
    """
    handle, temp_name = _temp_beside(path, protected)
    try:
        with os.fdopen(handle, "wb") as temp:
            os.fchmod(temp.fileno(), 0o666 & ~_umask())
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException as error:
        Path(temp_name).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _output_error(path, error) from None
        raise


@contextmanager
def replacing(path: Path, protected: Iterable[Path] = ()) -> Iterator[Path]:
    """A temp path beside `path`, for writers that need a name (SQLite's backup API): renamed
    over `path` when the block ends without error, removed otherwise. Checked like write_atomic."""
    handle, temp_name = _temp_beside(path, protected)
    try:
        os.close(handle)
        os.chmod(temp_name, 0o666 & ~_umask())
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise _output_error(path, error) from None
    temp = Path(temp_name)
    try:
        yield temp
        os.replace(temp, path)
    except OSError as error:
        raise _output_error(path, error) from None
    finally:
        temp.unlink(missing_ok=True)


def _temp_beside(path: Path, protected: Iterable[Path]) -> tuple[int, str]:
    """A new temp file in `path`'s directory, named so a later run can tell it is stale, after
    `check_target` has allowed `path`; one-line errors name `path`."""
    check_target(path, protected)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temps(path.parent)
        return tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as error:
        raise _output_error(path, error) from None


def clean_stale_temps(directory: Path) -> list[Path]:
    """Remove temp files that writers killed before their rename left in `directory` (once per
    directory and process); a live process's temp file is left alone."""
    if directory in _cleaned:
        return []
    _cleaned.add(directory)
    removed = []
    for entry in directory.iterdir():
        match = _TEMP_NAME.match(entry.name)
        if match and not _alive(int(match["pid"])) and entry.is_file():
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _output_error(path: Path, error: OSError) -> OutputError:
    kind = DiskFull if error.errno in _DISK_FULL else OutputError
    return kind(f"{path}: cannot write ({error.strerror or error})", error.errno)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.samefile(other)
    except OSError:
        return path.absolute().resolve() == other.absolute().resolve()


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_SQLITE_MAGIC))
    except OSError:
        return b""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask can only swap)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
