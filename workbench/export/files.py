"""Output files: names that cannot leave the output directory, and atomic writes.

A file appears under its final name only when complete (temp file, fsync, rename), so a run
killed at any moment leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.-]+")
COMBINED_NAME = "combined.jsonl"
"""The one JSONL over all articles that `translate --combined` writes."""


def safe_stem(source_path: str, fallback: str) -> str:
    """A file stem from the article's source file name; never a path, never hidden."""
    stem = _UNSAFE.sub("_", Path(source_path).stem).strip("._")
    return stem[:100] or fallback


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
