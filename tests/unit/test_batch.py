"""Batch translation end to end: outputs parsed back, resume after SIGKILL, bad files, --jobs."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import SEEDS
from workbench.export.files import safe_stem

ROOT = SEEDS.parent


def batch(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "scripts" / "batch_translate.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def test_usage_errors_exit_2(tmp_path) -> None:
    result = batch("-w", str(tmp_path / "W"), str(SEEDS), "--format", "jsonl,docx")
    assert result.returncode == 2
    assert "unknown format 'docx'" in result.stderr
    assert batch("--jobs", "0").returncode == 2


def test_output_names_never_leave_the_output_directory() -> None:
    assert safe_stem("/tmp/../../etc/passwd", "a") == "passwd"
    assert safe_stem("news/..hidden article?.txt", "a") == "hidden_article"
    assert safe_stem("/x/....txt", "article-7") == "article-7"
