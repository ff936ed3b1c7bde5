"""The `workbench` console script as a user runs it: real processes, a real workspace."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.paths import SEEDS

WORKBENCH = Path(sys.executable).parent / "workbench"
CLOSING_LINE = re.compile(r"^translated (\d+) segments \((\d+) from cache\) in [\d.]+ s, \d+ tok/s$")


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(WORKBENCH), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_translate_seeds_fills_the_workspace_then_serves_the_cache(tmp_path, tiny_model) -> None:
    workspace = tmp_path / "W"
    first = run("--workspace", str(workspace), "translate", str(SEEDS), "--model", str(tiny_model))
    assert first.returncode == 0, first.stderr
    total, cached = map(int, CLOSING_LINE.match(first.stdout.splitlines()[-1]).groups())
    assert total > 80 and cached == 0

    db = sqlite3.connect(workspace / "workbench.db")
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 5
    assert db.execute("SELECT COUNT(*) FROM segments WHERE status = 'mt'").fetchone()[0] == total

    second = run("-w", str(workspace), "translate", "--model", str(tiny_model))
    assert second.returncode == 0, second.stderr
    assert CLOSING_LINE.match(second.stdout.splitlines()[-1]).groups() == (str(total), str(total))


def test_articles_and_show(tmp_path, tiny_model) -> None:
    workspace = str(tmp_path / "W")
    run("-w", workspace, "translate", str(SEEDS / "000_bb1e4186efedc55e.txt"), "--model", str(tiny_model))
    listing = run("-w", workspace, "articles")
    assert "Russland lehnt Kommentar zu nordkoreanischen Soldaten ab" in listing.stdout
    assert "100%" in listing.stdout
    shown = run("-w", workspace, "show", "1")
    assert "Russia declines to comment on North Korean soldiers" in shown.stdout
    assert "[agency signature] bur/mhe/cp" in shown.stdout


def test_a_bad_file_is_named_and_the_rest_goes_on(tmp_path, tiny_model) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "000_bb1e4186efedc55e.txt", folder)
    (folder / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    result = run("-w", str(tmp_path / "W"), "translate", str(folder), "--model", str(tiny_model))
    assert result.returncode == 1
    assert f"error: {folder / 'broken.txt'}: a PNG image, not a text file" in result.stderr
    assert CLOSING_LINE.match(result.stdout.splitlines()[-1])


def test_models_list_shows_the_default_and_local_models(tmp_path, tiny_model) -> None:
    shutil.copytree(tiny_model, tmp_path / "models" / "tiny-de-en")
    result = run("-w", str(tmp_path / "W"), "--models-dir", str(tmp_path / "models"), "models", "list")
    assert result.returncode == 0
    assert "default model: Helsinki-NLP/opus-mt-de-en" in result.stdout
    assert re.search(r"tiny-de-en\s+\d+\.\d MB", result.stdout)
